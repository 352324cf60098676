"""Readers for the raw public files behind the council attributes.

Every reader takes the raw folder (``lgnet.data.paths.raw_dir()`` in normal use; the ``raw_data`` fixture
in tests) and returns a tidy table keyed by the mySociety registry's three-letter council code
(``la_code``), so that sources keyed by GSS code, by DCLG E-code or by name join the same way.

Sources (folder / file inside the raw folder):

* ``mysociety_uk_local_authority_names_and_codes/uk_local_authorities_current.csv`` - the registry:
  codes, names, types, successor links (``replaced-by``), former GSS codes, E-codes.
* ``demographr_population17_lsoa11/population17_lsoa11.rda`` - ONS mid-2017 population by single
  year of age for every LSOA (district = LSOA name minus its `` 001A`` suffix).
* ``resistancelab_census2011_ethnicity/la-ethnic-groups.csv`` - 2011 Census QS201EW ethnic groups.
* ``bbc_revenue_outturn_RS/Revenue_Outturn_Summary__RS__data_2010-11_by_LA_-_27-Nov-2012-v2.xls`` -
  DCLG Revenue Outturn Summary 2010-11.
* ``octolamp_council_control/data/<Y>/{lads,cuas}/<Y>-{lads,cuas}.json`` - political control.
"""

from __future__ import annotations

import json
import re
import warnings
from functools import lru_cache
from pathlib import Path

import pandas as pd

from lgnet.data.fetch import raw_file

REGISTRY = ("mysociety_uk_local_authority_names_and_codes", "uk_local_authorities_current.csv")
POPULATION = ("demographr_population17_lsoa11", "population17_lsoa11.rda")
ETHNICITY = ("resistancelab_census2011_ethnicity", "la-ethnic-groups.csv")
RS_2010 = (
    "bbc_revenue_outturn_RS",
    "Revenue_Outturn_Summary__RS__data_2010-11_by_LA_-_27-Nov-2012-v2.xls",
)
RS_SHEET = "RS LA Data 2010-11 (1)"  # net current expenditure; reserve levels at 1 April 2010
RS_HEADER_ROW = 5
OCTOLAMP_FOLDER = "octolamp_council_control"
OCTOLAMP_YEARS = (2014, 2015, 2016, 2017, 2018, 2019, 2021, 2022, 2023, 2024, 2025, 2026)

#: Registry council types that are principal councils (combined authorities etc. are not).
PRINCIPAL_TYPES = ("CTY", "NMD", "UA", "MD", "LBO", "CC")

#: The base year of the district-level sources (LSOA 2017 names, census codes, RS 2010-11 E-codes
#: all describe the councils of 2009-2019, i.e. the council set of 1 April 2017).
BASE_YEAR = 2017

#: LSOA district names that differ from every registry name (SOURCE.txt): LSOA name -> registry code.
LSOA_NAME_VARIANTS = {
    "Bristol, City of": "BST",
    "Bristol": "BST",
    "Herefordshire, County of": "HEF",
    "Herefordshire": "HEF",
    "Kingston upon Hull, City of": "KHL",
    "Kingston upon Hull": "KHL",
}

#: RS 2010-11 service lines (net current expenditure, sheet (1)) counted by ``complexity``.
RS_SERVICE_LINES = (
    "Education services",
    "Highways and transport services",
    "Social care",
    "Housing services (GFRA only)",
    "Cultural and related services",
    "Environmental and regulatory services",
    "Planning and development services",
    "Police services",
    "Fire and rescue services",
    "Central services",
    "Other services",
)
RS_NET_REVENUE_EXPENDITURE = "NET REVENUE EXPENDITURE (TOTAL OF LINES 795 TO 798)"
RS_COUNCIL_TAX_REQUIREMENT = "COUNCIL TAX REQUIREMENT (TOTAL OF LINES 830 TO 880)"
RS_SCHOOLS_RESERVES = "Schools reserves level"
RS_EARMARKED_RESERVES = "Other earmarked financial reserves level"
RS_UNALLOCATED_RESERVES = "Unallocated financial reserves level"

#: Government grant lines of RS (recorded as negative financing; their sum, negated, is the grant
#: income used by external_income_ratio).
RS_GRANT_LINES = {
    "Specific and special revenue grants outside AEF": "grants_specific_outside_aef",
    "Specific and special revenue grants inside AEF": "grants_specific_inside_aef",
    "Area Based Grant (ABG)": "grant_area_based",
    "Revenue Support Grant": "grant_revenue_support",
    "Police grant": "grant_police",
    "General GLA grant": "grant_gla",
    "Redistributed non-domestic rates": "redistributed_ndr",
}

#: Short names used in the tidy RS table.
RS_AMOUNTS = {
    RS_NET_REVENUE_EXPENDITURE: "net_revenue_expenditure",
    RS_COUNCIL_TAX_REQUIREMENT: "council_tax_requirement",
    RS_SCHOOLS_RESERVES: "schools_reserves",
    RS_EARMARKED_RESERVES: "earmarked_reserves",
    RS_UNALLOCATED_RESERVES: "unallocated_reserves",
    **RS_GRANT_LINES,
}


class SourceError(ValueError):
    """A raw file does not look as expected (the message names the file, row and value)."""


# --------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------
def read_registry(raw: Path) -> pd.DataFrame:
    """The mySociety registry, English principal councils past and present, as strings.

    Adds ``all_gss`` (list of the current and former GSS codes) and ``successors`` (list of
    ``replaced-by`` codes).
    """
    path = raw_file(*REGISTRY, raw=raw)
    return tidy_registry(pd.read_csv(path, dtype=str, keep_default_na=False), where=str(path))


def tidy_registry(reg: pd.DataFrame, where: str = "registry") -> pd.DataFrame:
    """Filter and annotate a registry table read as strings (see :func:`read_registry`)."""
    needed = ["local-authority-code", "gss-code", "former-gss-codes", "replaced-by", "start-date",
              "end-date", "nation", "local-authority-type", "county-la", "ecode", "nice-name",
              "official-name", "alt-names"]
    missing = [c for c in needed if c not in reg.columns]
    if missing:
        raise SourceError(f"{where}: missing column(s) {missing}")
    reg = reg[(reg["nation"] == "England") & reg["local-authority-type"].isin(PRINCIPAL_TYPES)].copy()
    reg["all_gss"] = [
        [c for c in [g, *f.split(",")] if c.strip()] for g, f in zip(reg["gss-code"], reg["former-gss-codes"])
    ]
    reg["successors"] = [[c.strip() for c in s.split(",") if c.strip()] for s in reg["replaced-by"]]
    return reg.set_index("local-authority-code", drop=False).rename_axis("la_code")


def councils_on(registry: pd.DataFrame, year: int) -> pd.DataFrame:
    """Registry rows of the principal councils in existence on 1 April ``year``.

    A council whose ``end-date`` is 31 March or 1 April of ``year`` has gone by then.
    """
    day = f"{year}-04-01"
    start_ok = (registry["start-date"] == "") | (registry["start-date"] <= day)
    end_ok = (registry["end-date"] == "") | (registry["end-date"] > day)
    return registry[start_ok & end_ok]


def gss_to_la_code(registry: pd.DataFrame) -> dict[str, str]:
    """Every current or former GSS code of an English principal council -> its registry code."""
    out: dict[str, str] = {}
    for la_code, codes in zip(registry.index, registry["all_gss"]):
        for code in codes:
            if code in out and out[code] != la_code:
                raise SourceError(f"registry: GSS code {code} belongs to both {out[code]} and {la_code}")
            out[code] = la_code
    return out


def predecessors(registry: pd.DataFrame, la_code: str, base: set[str]) -> list[str]:
    """The councils of the base set that ``la_code`` is, or that became it through ``replaced-by``.

    A council in ``base`` is its own predecessor. Otherwise the registry rows whose ``replaced-by``
    names ``la_code`` are followed back (recursively, e.g. Somerset 2023 <- Somerset West and Taunton
    2019 <- Taunton Deane) until councils of the base set are reached. Sorted, unique.
    """
    if la_code in base:
        return [la_code]
    found: set[str] = set()
    for code, succ in zip(registry.index, registry["successors"]):
        if la_code in succ and code != la_code:
            found.update(predecessors(registry, code, base))
    return sorted(found)


# --------------------------------------------------------------------------------------------
# population (ONS mid-2017, LSOA single year of age)
# --------------------------------------------------------------------------------------------
def _norm_name(name: str) -> str:
    name = name.lower().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", " ", name).strip()


def _name_index(councils: pd.DataFrame) -> dict[str, set[str]]:
    """Normalised registry names (nice, official, alt-names) -> registry codes (non-county councils)."""
    index: dict[str, set[str]] = {}
    for la_code, row in councils.iterrows():
        names = [row["nice-name"], row["official-name"], *row["alt-names"].split(",")]
        for name in names:
            if name.strip():
                index.setdefault(_norm_name(name), set()).add(la_code)
    return index


def read_lsoa_population(raw: Path) -> pd.DataFrame:
    """The English LSOA rows of the mid-2017 estimates: lsoa11_code, district_name, total, '0'..'90+'."""
    import pyreadr

    path = raw_file(*POPULATION, raw=raw)
    frames = pyreadr.read_r(str(path))
    if "population17_lsoa11" not in frames:
        raise SourceError(f"{path}: no object 'population17_lsoa11' (found {list(frames)})")
    df = frames["population17_lsoa11"]
    df = df[df["lsoa11_code"].astype(str).str.startswith("E")].copy()
    pattern = re.compile(r"^(.*) \d{3}[A-Z]$")
    names = []
    for i, name in zip(df.index, df["lsoa11_name"].astype(str)):
        m = pattern.match(name)
        if not m:
            raise SourceError(f"{path}: row {i}: LSOA name {name!r} does not end in a ' 001A'-style code")
        names.append(m.group(1))
    df["district_name"] = names
    return df


def age_columns(df: pd.DataFrame) -> list[str]:
    """The single-year-of-age columns '0'..'89','90+' in order."""
    cols = [str(a) for a in range(90)] + ["90+"]
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise SourceError(f"population table: missing age column(s) {missing[:5]}")
    return cols


def district_population(raw: Path) -> pd.DataFrame:
    """Mid-2017 population by single year of age for the 326 English districts/unitaries of 2017.

    Index ``la_code``; columns ``source_name``, ``total`` and '0'..'90+'. District names from the
    LSOA names are matched to the registry's names (nice, official, alternates) of the non-county
    councils of 2017, plus the three documented variants (Bristol, Herefordshire, Kingston upon Hull).
    """
    lsoa = read_lsoa_population(raw)
    ages = age_columns(lsoa)
    registry = read_registry(raw)
    lower = councils_on(registry, BASE_YEAR)
    lower = lower[lower["local-authority-type"] != "CTY"]
    index = _name_index(lower)
    sums = lsoa.groupby("district_name")[["total_population", *ages]].sum()
    codes, problems = [], []
    for name in sums.index:
        if name in LSOA_NAME_VARIANTS:
            codes.append(LSOA_NAME_VARIANTS[name])
            continue
        hits = index.get(_norm_name(name), set())
        if len(hits) != 1:
            problems.append(f"{name!r} -> {sorted(hits) or 'no registry council'}")
            codes.append(None)
        else:
            codes.append(next(iter(hits)))
    if problems:
        raise SourceError(
            f"{POPULATION[1]}: LSOA district names not matched to exactly one 2017 council: "
            + "; ".join(problems) + ". Add the name to LSOA_NAME_VARIANTS in lgnet/data/sources.py."
        )
    out = sums.rename(columns={"total_population": "total"})
    out.insert(0, "source_name", out.index.astype(str))
    out.index = pd.Index(codes, name="la_code")
    if out.index.duplicated().any():
        dups = out.index[out.index.duplicated()].tolist()
        raise SourceError(f"{POPULATION[1]}: several LSOA district names map to {dups}")
    bad = (out[ages].sum(axis=1) - out["total"]).abs() > 0.5
    if bad.any():
        raise SourceError(f"{POPULATION[1]}: ages do not sum to total_population for {out.index[bad].tolist()}")
    return out


# --------------------------------------------------------------------------------------------
# ethnicity (2011 Census QS201EW)
# --------------------------------------------------------------------------------------------
_ETHNIC_TOTAL = "Ethnic Group: All categories: Ethnic group; measures: Value"


def ethnic_detail_columns(columns) -> list[str]:
    """The 18 detailed QS201EW categories: 'Ethnic Group: <broad>: <detail>; ...'.

    The broad-group columns ('Ethnic Group: White; ...', 'Mixed', 'Asian', 'Black', 'Other') are
    subtotals of the detailed ones and the 'All categories' column is the total: both excluded.
    """
    return [c for c in columns if c.startswith("Ethnic Group: ") and c != _ETHNIC_TOTAL
            and c[len("Ethnic Group: "):].split(";")[0].count(":") == 1]


def census_ethnicity(raw: Path) -> pd.DataFrame:
    """2011 Census counts by the 18 detailed ethnic groups, English districts/unitaries.

    Index ``la_code`` (via the registry's current and former GSS codes); columns ``total`` and one
    per detailed group (short name after 'Ethnic Group: ').
    """
    path = raw_file(*ETHNICITY, raw=raw)
    df = pd.read_csv(path, dtype={"geography code": str})
    if _ETHNIC_TOTAL not in df.columns:
        raise SourceError(f"{path}: no column {_ETHNIC_TOTAL!r}")
    detail = ethnic_detail_columns(df.columns)
    if len(detail) != 18:
        raise SourceError(f"{path}: expected 18 detailed ethnic-group columns, found {len(detail)}: {detail}")
    df = df[df["geography code"].str.startswith("E")]
    mismatch = df[detail].sum(axis=1) != df[_ETHNIC_TOTAL]
    if mismatch.any():
        i = df.index[mismatch][0]
        raise SourceError(f"{path}: row {i} ({df.at[i, 'geography']}): detailed groups do not sum to the total")
    lookup = gss_to_la_code(read_registry(raw))
    unknown = sorted(set(df["geography code"]) - set(lookup))
    if unknown:
        raise SourceError(f"{path}: geography codes not in the registry: {unknown}")
    out = df[[_ETHNIC_TOTAL, *detail]].rename(columns={_ETHNIC_TOTAL: "total"})
    out.columns = ["total"] + [c[len("Ethnic Group: "):].split(";")[0] for c in detail]
    out.index = pd.Index(df["geography code"].map(lookup).to_numpy(), name="la_code")
    if out.index.duplicated().any():
        raise SourceError(f"{path}: several rows map to {out.index[out.index.duplicated()].tolist()}")
    return out


# --------------------------------------------------------------------------------------------
# finance (RS 2010-11)
# --------------------------------------------------------------------------------------------
def read_rs_2010(raw: Path) -> pd.DataFrame:
    """RS 2010-11 sheet (1) for every body with an E-code, GBP thousand.

    Index ``ecode``; columns ``rs_name``, ``rs_class``, the 11 service lines (net current
    expenditure) and the amounts in ``RS_AMOUNTS`` (short names). Reserve levels in sheet (1) are
    at 1 April 2010 (sheet (2) holds 31 March 2011), as the workbook's drop-down sheet shows.
    """
    path = raw_file(*RS_2010, raw=raw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' xlrd deprecation notice
        df = pd.read_excel(path, sheet_name=RS_SHEET, header=RS_HEADER_ROW, engine="xlrd")
    needed = ["E-code", "Local authority", "Class", *RS_SERVICE_LINES, *RS_AMOUNTS]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise SourceError(f"{path}, sheet {RS_SHEET!r}, header row {RS_HEADER_ROW}: missing column(s) {missing}")
    ecode = df["E-code"].astype("string")
    df = df[ecode.str.fullmatch(r"E\d{4}", na=False)].copy()
    out = pd.DataFrame(index=pd.Index(df["E-code"].astype(str), name="ecode"))
    out["rs_name"] = df["Local authority"].astype(str).to_numpy()
    out["rs_class"] = df["Class"].astype(str).to_numpy()
    for col in [*RS_SERVICE_LINES, *RS_AMOUNTS]:
        values = pd.to_numeric(df[col], errors="coerce")
        bad = values.isna() & df[col].notna()
        if bad.any():
            i = df.index[bad][0]
            raise SourceError(f"{path}: sheet {RS_SHEET!r}, row {i + RS_HEADER_ROW + 2}, column {col!r}: "
                              f"value {df.at[i, col]!r} is not a number")
        out[RS_AMOUNTS.get(col, col)] = values.to_numpy(dtype=float)
    if out.index.duplicated().any():
        raise SourceError(f"{path}: duplicated E-codes {out.index[out.index.duplicated()].tolist()}")
    return out


def rs_by_council(raw: Path) -> pd.DataFrame:
    """RS 2010-11 rows of the councils of 2017, index ``la_code`` (joined on the registry E-code)."""
    registry = councils_on(read_registry(raw), BASE_YEAR)
    rs = read_rs_2010(raw)
    missing = sorted(set(registry["ecode"]) - set(rs.index))
    if missing:
        raise SourceError(f"{RS_2010[1]}: no row for the E-code(s) {missing} of the 2017 councils")
    out = rs.loc[registry["ecode"].to_list()]
    out.index = pd.Index(registry.index.to_list(), name="la_code")
    return out


# --------------------------------------------------------------------------------------------
# political control (octolamp)
# --------------------------------------------------------------------------------------------
def read_octolamp(raw: Path, year: int) -> pd.DataFrame:
    """Control of each English council after ``year``'s elections.

    Columns: ``gss`` (as in the file), ``control`` (as in the file), ``election`` (int, year of
    the council's most recent election <= year), ``kind`` (lads/cuas), ``la_code`` (registry,
    via current and former GSS codes; missing for codes the registry lacks), ``note``. A council in
    both files (unitaries, metropolitan districts) appears once; where the two records disagree the
    one with the later election is kept and ``note`` says so.
    """
    if year not in OCTOLAMP_YEARS:
        raise SourceError(f"octolamp has no file for {year}; years available: {OCTOLAMP_YEARS}")
    lookup = gss_to_la_code(read_registry(raw))
    rows: dict[str, dict] = {}
    for kind in ("lads", "cuas"):
        rel = f"data/{year}/{kind}/{year}-{kind}.json"
        path = raw_file(OCTOLAMP_FOLDER, rel, raw=raw)
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        for gss, rec in data.items():
            if not gss.startswith("E"):
                continue
            try:
                row = {"gss": gss, "control": str(rec["control"]), "election": int(rec["election"]),
                       "kind": kind, "la_code": lookup.get(gss, pd.NA)}
            except (KeyError, ValueError) as exc:
                raise SourceError(f"{path}: record {gss}: bad or missing control/election ({exc})") from None
            row["note"] = ""
            prev = rows.get(gss)
            if prev is not None and (prev["control"], prev["election"]) != (row["control"], row["election"]):
                # the two files disagree (2025-26: Barnsley, Sheffield): keep the later election
                keep, other = (row, prev) if row["election"] > prev["election"] else (prev, row)
                keep = dict(keep, note=(f"{year} lads/cuas files disagree: kept {keep['kind']} record "
                                        f"(election {keep['election']}, {keep['control']}) over {other['kind']} "
                                        f"(election {other['election']}, {other['control']})"))
                rows[gss] = keep
            else:
                rows.setdefault(gss, row)
    out = pd.DataFrame(list(rows.values()), columns=["gss", "control", "election", "kind", "la_code", "note"])
    return out.sort_values("gss", ignore_index=True)


@lru_cache(maxsize=8)
def _cached(kind: str, raw: str):  # pragma: no cover - thin memo used by attributes
    reader = {"population": district_population, "ethnicity": census_ethnicity, "rs": rs_by_council,
              "registry": read_registry}[kind]
    return reader(Path(raw))


def cached(kind: str, raw: Path):
    """Memoised reader (per raw folder) for 'population', 'ethnicity', 'rs', 'registry'."""
    return _cached(kind, str(Path(raw).resolve())).copy()


__all__ = [
    "SourceError", "read_registry", "tidy_registry", "councils_on", "gss_to_la_code", "predecessors",
    "district_population", "census_ethnicity", "ethnic_detail_columns", "read_rs_2010", "rs_by_council",
    "read_octolamp", "age_columns", "RS_SERVICE_LINES", "OCTOLAMP_YEARS",
]
