"""Council attributes (resource, organisational, political) and the data dictionary.

``council_attributes(year)`` gives one row per council of ``lgnet.data.councils.council_table(year)``
(same order, column ``code``) with numeric attributes and ``party_control`` (a category string).
A value that cannot be computed is missing, and ``attribute_gaps(year)`` says why (one row per
missing cell); ``attribute_notes(year)`` records how values were obtained where that is not the
plain reading of one source row (sums over predecessors, county = sum of districts, the political
record used). Every choice is stated in ``data/dictionary.csv`` (``data_dictionary()``).

How sources reach the councils of a year
    The district-level sources describe the councils of 2009-2019 (the set of 1 April 2017, here the
    *base* councils): LSOA population 2017, census 2011, RS 2010-11. A council of year Y is mapped to
    base councils through the registry's ``replaced-by`` links (itself if it is a base council).

    * Area counts (population, census and age counts) are summed over the council's *area units*:
      the base districts/unitaries it covers - for a county, the area units of its districts in
      year Y; for any other council, its non-county base predecessors.
    * Finance amounts (RS) are summed over the council's *body units*: all base councils it took
      over, counties included (e.g. Dorset Council 2019 = Dorset County + five districts). A county
      split between several successors (Northamptonshire 2021, Cumbria 2023) cannot be apportioned
      without an assumption: the successors' ratios are missing, with the reason.
    * Ratios and fractionalisation indices are computed after summing, from the summed components.

Political control
    From octolamp's annual files (state after each May's elections, 2014-2019, 2021-2026). The
    politics year is a keyword: the default for Y <= 2017 is ``"earliest"`` (each council's first
    record in the series - elections 2014-2017, the closest available to the paper's c. 2010
    decisions), for later years the latest file <= Y (2020 -> 2019).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lgnet.data import paths, sources

CACHE_VERSION = "1"  # bump when a definition changes

MILES_30_KM = 30 * 1.609344  # 48.28032 km

#: Age bands for age_diversity (inclusive lower/upper ages; None = open-ended).
AGE_BANDS: tuple[tuple[int, int | None], ...] = ((0, 15), (16, 24), (25, 44), (45, 64), (65, 74), (75, None))

#: National governments: (first day in office, parties in government, label).
GOVERNMENTS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("2010-05-11", frozenset({"CON", "LD"}), "Conservative-Liberal Democrat coalition"),
    ("2015-05-08", frozenset({"CON"}), "Conservative"),
    ("2024-07-05", frozenset({"LAB"}), "Labour"),
)
#: Alignment is judged against the government in office on this day of the politics year.
ALIGNMENT_DAY = "12-31"

PARTY_CATEGORIES = ("CON", "LAB", "LD", "NOC", "other")

#: Last octolamp year used by politics_year="earliest" for councils of the base set (the first
#: complete file: county councils first appear after their May 2017 elections).
EARLIEST_COMPLETE = 2017
#: Stability window: ends at max(politics year, 2021) and spans at most 7 years from 2014 on;
#: 2014-2021 is the shortest window from the earliest year in which every type of council held
#: at least two elections (counties: 2017 and 2021; no elections in 2020).
STABILITY_MIN_END, STABILITY_SPAN = 2021, 7

RESOURCE = ["population", "log_population", "ethnic_diversity", "age_diversity", "reserves_ratio",
            "external_income_ratio"]
ORGANISATIONAL = ["complexity", "opportunities_30mi"]
POLITICAL = ["party_control", "aligned_with_government", "electoral_stability", "control_changes"]
ATTRIBUTE_COLUMNS = RESOURCE + ORGANISATIONAL + POLITICAL
INT_COLUMNS = ["complexity", "opportunities_30mi", "aligned_with_government", "electoral_stability",
               "control_changes"]

DICTIONARY = paths.DATA / "dictionary.csv"
DICTIONARY_COLUMNS = ["variable", "label", "block", "definition", "source", "source_year", "formula",
                      "deviation_from_paper"]
BLOCKS = ("identifier", "organisational", "resource", "political")


class AttributeDataError(ValueError):
    """Bad input to the attribute builders (message names the value and the fix)."""


# --------------------------------------------------------------------------------------------
# small, pure building blocks (tested on hand-computed fixtures)
# --------------------------------------------------------------------------------------------
def fractionalisation(counts: pd.DataFrame) -> pd.Series:
    """1 - sum_i p_i^2 per row, p_i = count_i / row total; NaN where the row total is 0 or missing."""
    values = counts.to_numpy(dtype=float)
    if (values < 0).any():
        raise AttributeDataError("fractionalisation: negative counts")
    total = values.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = values / total[:, None]
        frac = 1.0 - (shares**2).sum(axis=1)
    frac[~(total > 0)] = np.nan
    return pd.Series(frac, index=counts.index, name="fractionalisation")


def band_label(lo: int, hi: int | None) -> str:
    return f"{lo}+" if hi is None else f"{lo}-{hi}"


def age_band_counts(single_years: pd.DataFrame, bands=AGE_BANDS) -> pd.DataFrame:
    """Collapse single-year-of-age columns '0'..'89','90+' into ``bands`` (inclusive ranges)."""
    ages = sources.age_columns(single_years)
    age_of = {c: (90 if c == "90+" else int(c)) for c in ages}
    covered: list[str] = []
    out = {}
    for lo, hi in bands:
        cols = [c for c in ages if age_of[c] >= lo and (hi is None or age_of[c] <= hi)]
        if hi is not None and hi >= 90:
            raise AttributeDataError(f"age band {lo}-{hi}: the source's last age is '90+'; end the last band open")
        out[band_label(lo, hi)] = single_years[cols].sum(axis=1)
        covered += cols
    if sorted(covered, key=ages.index) != ages:
        raise AttributeDataError(f"age bands {bands} must cover every age 0..90+ exactly once")
    return pd.DataFrame(out, index=single_years.index)


def finance_ratios(amounts: pd.DataFrame) -> pd.DataFrame:
    """reserves_ratio and external_income_ratio from RS amounts (any unit, same for all columns).

    reserves_ratio = (earmarked_reserves + unallocated_reserves) / net_revenue_expenditure,
        NaN where net revenue expenditure is not positive (schools reserves are not used);
    external_income_ratio = grants / (grants + council_tax_requirement), where grants = minus the
        sum of the RS grant lines (``sources.RS_GRANT_LINES``, recorded as negative financing):
        the share of the council's grant-plus-council-tax funding that came from central
        government; NaN where the denominator is not positive.
    """
    nre = amounts["net_revenue_expenditure"].astype(float)
    reserves = (amounts["earmarked_reserves"] + amounts["unallocated_reserves"]).astype(float)
    grants = -amounts[list(sources.RS_GRANT_LINES.values())].astype(float).sum(axis=1)
    funding = grants + amounts["council_tax_requirement"].astype(float)
    return pd.DataFrame(
        {
            "reserves_ratio": (reserves / nre).where(nre > 0),
            "external_income_ratio": (grants / funding).where(funding > 0),
        },
        index=amounts.index,
    )


def opportunities_within(x, y, km: float = MILES_30_KM) -> np.ndarray:
    """For each point, the number of OTHER points within ``km`` kilometres (BNG metres in; <=).

    NaN coordinates give -1 (the caller turns it into a missing value).
    """
    xy = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    within = (d <= km * 1000.0)
    np.fill_diagonal(within, False)
    counts = within.sum(axis=1)
    counts[np.isnan(xy).any(axis=1)] = -1
    return counts


def party_category(control: str) -> str:
    """octolamp control code -> CON / LAB / LD / NOC / other."""
    return control if control in PARTY_CATEGORIES[:4] else "other"


def government_parties(on: str) -> frozenset[str]:
    """Parties in the UK government on ISO date ``on`` (from 11 May 2010)."""
    current = None
    for start, parties, _ in GOVERNMENTS:
        if on >= start:
            current = parties
    if current is None:
        raise AttributeDataError(f"no government listed for {on}; GOVERNMENTS starts on {GOVERNMENTS[0][0]}")
    return current


def aligned(control: str, politics_year: int) -> int:
    """1 if the controlling party is in national government on 31 December of ``politics_year``."""
    return int(party_category(control) in government_parties(f"{politics_year}-{ALIGNMENT_DAY}"))


def control_changes(sequence: list[str]) -> int:
    """Number of times control differs from the previous election's in an ordered sequence."""
    return sum(a != b for a, b in zip(sequence, sequence[1:]))


# --------------------------------------------------------------------------------------------
# political reference years
# --------------------------------------------------------------------------------------------
def default_politics_year(year: int) -> int | str:
    """``"earliest"`` for year <= 2017, else the latest octolamp year <= year (2020 -> 2019)."""
    if year <= EARLIEST_COMPLETE:
        return "earliest"
    return max(p for p in sources.OCTOLAMP_YEARS if p <= year)


def default_stability_window(politics_year: int | str) -> tuple[int, int]:
    """(start, end): end = max(politics year, 2021), start = max(2014, end - 7)."""
    p = EARLIEST_COMPLETE if politics_year == "earliest" else int(politics_year)
    end = max(p, STABILITY_MIN_END)
    return max(sources.OCTOLAMP_YEARS[0], end - STABILITY_SPAN), end


def _check_politics_year(politics_year) -> int | str:
    if politics_year == "earliest":
        return politics_year
    try:
        p = int(politics_year)
    except (TypeError, ValueError):
        p = None
    if p is None or p not in sources.OCTOLAMP_YEARS:
        raise AttributeDataError(
            f"politics_year {politics_year!r}: use 'earliest' or one of the octolamp years {sources.OCTOLAMP_YEARS}"
        )
    return p


# --------------------------------------------------------------------------------------------
# the builder
# --------------------------------------------------------------------------------------------
@dataclass
class AttributeSet:
    """Attributes of one council table, with missing-value reasons and provenance notes."""

    values: pd.DataFrame  # code + ATTRIBUTE_COLUMNS, in council-table order
    gaps: pd.DataFrame    # code, variable, reason
    notes: pd.DataFrame   # code, variable, note


class _Recorder:
    def __init__(self):
        self.gaps: list[dict] = []
        self.notes: list[dict] = []

    def gap(self, code, variables, reason):
        for v in ([variables] if isinstance(variables, str) else variables):
            self.gaps.append({"code": code, "variable": v, "reason": reason})

    def note(self, code, variables, note):
        for v in ([variables] if isinstance(variables, str) else variables):
            self.notes.append({"code": code, "variable": v, "note": note})


def _units(councils: pd.DataFrame, registry: pd.DataFrame):
    """Area units and body units (lists of base la_codes) for each council of the table."""
    base_reg = sources.councils_on(registry, sources.BASE_YEAR)
    base = set(base_reg.index)
    base_counties = set(base_reg.index[base_reg["local-authority-type"] == "CTY"])
    body = {}
    for la in councils["la_code"]:
        if la not in registry.index:
            raise AttributeDataError(f"council table: la_code {la!r} is not an English principal council in the registry")
        body[la] = sources.predecessors(registry, la, base)
    area = {}
    by_code = dict(zip(councils["code"], councils["la_code"]))
    for row in councils.itertuples():
        if row.type != "county":
            area[row.la_code] = [b for b in body[row.la_code] if b not in base_counties]
    for row in councils.itertuples():
        if row.type == "county":
            members = councils.loc[(councils["county"] == row.code) & (councils["code"] != row.code), "code"]
            units = sorted({u for m in members for u in area[by_code[m]]})
            area[row.la_code] = units
    return area, body, base_counties


def _label(registry: pd.DataFrame, codes) -> str:
    return ", ".join(f"{registry.at[c, 'nice-name']} ({c})" for c in codes)


def build_attributes(
    councils: pd.DataFrame,
    raw: Path,
    *,
    politics_year: int | str,
    stability_window: tuple[int, int],
    bands=AGE_BANDS,
) -> AttributeSet:
    """Compute every attribute for the councils of ``councils`` (a council table) from ``raw``."""
    needed = ["code", "la_code", "type", "county", "x", "y"]
    missing = [c for c in needed if c not in councils.columns]
    if missing:
        raise AttributeDataError(f"council table: missing column(s) {missing}")
    raw = Path(raw)
    registry = sources.cached("registry", raw)
    population = sources.cached("population", raw)
    ethnicity = sources.cached("ethnicity", raw)
    rs = sources.cached("rs", raw)
    rec = _Recorder()
    area, body, base_counties = _units(councils, registry)
    codes = councils["code"].astype(str).to_list()
    las = councils["la_code"].astype(str).to_list()
    out = pd.DataFrame({"code": codes})

    # ---- area counts: population, age, ethnicity -------------------------------------------
    area_vars = ["population", "log_population", "age_diversity", "ethnic_diversity"]
    area_units = [area[la] for la in las]
    for code, la, ctype, units in zip(codes, las, councils["type"], area_units):
        if not units:
            rec.gap(code, area_vars, "no district or unitary of 2017 maps to this council through the registry")
        elif ctype == "county":
            rec.note(code, area_vars, f"county: sum over its districts' areas ({len(units)} districts of 2017)")
        elif units != [la]:
            rec.note(code, area_vars, f"carried: sum over predecessor areas {_label(registry, units)}")
    bands_by_unit = age_band_counts(population, bands)
    bands_by_unit["total"] = population["total"]
    pop_sums = _sum_over(area_units, bands_by_unit, codes, registry, rec,
                         ["population", "log_population", "age_diversity"], "no mid-2017 LSOA population for")
    eth_sums = _sum_over(area_units, ethnicity, codes, registry, rec,
                         ["ethnic_diversity"], "no 2011 census QS201EW row for")
    out["population"] = pop_sums["total"].to_numpy()
    out["log_population"] = np.log(out["population"])
    out["ethnic_diversity"] = fractionalisation(eth_sums.drop(columns="total")).to_numpy()
    out["age_diversity"] = fractionalisation(pop_sums.drop(columns="total")).to_numpy()

    # ---- finance amounts: reserves, external income, complexity -----------------------------
    fin_vars = ["reserves_ratio", "external_income_ratio"]
    amount_cols = list(sources.RS_AMOUNTS.values())
    service_cols = list(sources.RS_SERVICE_LINES)
    body_units = [body[la] for la in las]
    ratio_units = []
    for code, la, units in zip(codes, las, body_units):
        if not units:
            ratio_units.append([])
            continue
        if units != [la]:
            rec.note(code, fin_vars + ["complexity"], f"carried: RS 2010-11 amounts summed over {_label(registry, units)}")
        split = [u for u in units
                 if u != la and u in base_counties and len(_final_successors(registry, u)) > 1]
        if split:
            succ = ", ".join(sorted(_final_successors(registry, split[0])))
            rec.gap(code, fin_vars, f"predecessor county {_label(registry, split)} was split between {succ}; "
                    "its 2010-11 amounts cannot be apportioned without an assumption")
            ratio_units.append(None)  # gap already recorded
            continue
        partial = _county_tier_left_out(councils, registry, area.get(la, []), units, base_counties, set(las))
        if partial:
            rec.note(code, fin_vars, partial)
        ratio_units.append(units)
    no_body = "no council of 2017 maps to this council through the registry (no RS 2010-11 row)"
    for code, units in zip(codes, body_units):
        if not units:
            rec.gap(code, fin_vars + ["complexity"], no_body)
    # a service counts if any predecessor body spent on it (a split county counts for each successor)
    presence = (rs[service_cols] != 0).astype(float)
    served = _sum_over(body_units, presence, codes, registry, None, [], "")
    out["complexity"] = pd.array([pd.NA if not u else int((served.iloc[k] > 0).sum())
                                  for k, u in enumerate(body_units)], dtype="Int64")
    summed = _sum_over([u or [] for u in ratio_units], rs[amount_cols], codes, registry, rec, fin_vars,
                       "no RS 2010-11 row for")
    ratios = finance_ratios(summed)
    for k, (code, units) in enumerate(zip(codes, ratio_units)):
        if not units:
            ratios.iloc[k] = np.nan
            continue
        for var in fin_vars:
            if pd.isna(ratios.iloc[k][var]):
                rec.gap(code, var, "denominator not positive in RS 2010-11 "
                        f"(net revenue expenditure {summed.iloc[k]['net_revenue_expenditure']:g}, "
                        f"council tax requirement {summed.iloc[k]['council_tax_requirement']:g})")
    out["reserves_ratio"] = ratios["reserves_ratio"].to_numpy()
    out["external_income_ratio"] = ratios["external_income_ratio"].to_numpy()

    # ---- opportunities within 30 miles ------------------------------------------------------
    opp = opportunities_within(councils["x"], councils["y"])
    out["opportunities_30mi"] = pd.array([pd.NA if v < 0 else int(v) for v in opp], dtype="Int64")
    for code, v in zip(codes, opp):
        if v < 0:
            rec.gap(code, "opportunities_30mi", "no centroid in the council table")

    # ---- political --------------------------------------------------------------------------
    _political(out, councils, raw, registry, politics_year, stability_window, rec)

    gaps = pd.DataFrame(rec.gaps, columns=["code", "variable", "reason"])
    notes = pd.DataFrame(rec.notes, columns=["code", "variable", "note"])
    _check_gaps_match(out, gaps)
    return AttributeSet(out[["code", *ATTRIBUTE_COLUMNS]], gaps, notes)


def _sum_over(units_by_council, table: pd.DataFrame, codes, registry, rec, variables, why) -> pd.DataFrame:
    """Row k = sum of ``table`` rows ``units_by_council[k]``; all-NaN where a unit is absent from
    ``table`` (recorded as a gap for ``variables`` with ``why``) or where there are no units."""
    position = {u: i for i, u in enumerate(table.index)}
    member = np.zeros((len(units_by_council), len(table)))
    usable = np.ones(len(units_by_council), dtype=bool)
    for k, units in enumerate(units_by_council):
        lacking = [u for u in units if u not in position]
        if lacking and rec is not None:
            rec.gap(codes[k], variables, f"{why} {_label(registry, lacking)}")
        if lacking or not units:
            usable[k] = False
            continue
        member[k, [position[u] for u in units]] = 1.0
    sums = member @ table.to_numpy(dtype=float)
    sums[~usable] = np.nan
    return pd.DataFrame(sums, columns=table.columns)


def _final_successors(registry: pd.DataFrame, la: str) -> set[str]:
    """The councils (without successors of their own) that ``la`` ended up in."""
    succ = registry.at[la, "successors"]
    if not succ:
        return {la}
    return set().union(*(_final_successors(registry, s) if s in registry.index else {s} for s in succ))


def _county_tier_left_out(councils, registry, area_units, body_units, base_counties, current) -> str | None:
    """A note when an area unit's 2017 county is abolished but was carried to another council."""
    left = []
    for u in area_units:
        county = registry.at[u, "county-la"]
        if county and county in base_counties and county not in body_units and county not in current:
            left.append((u, county))
    if not left:
        return None
    parts = "; ".join(
        f"{registry.at[u, 'nice-name']}: county-tier amounts of {registry.at[c, 'nice-name']} ({c}) went wholly "
        f"to {', '.join(sorted(_final_successors(registry, c)))} (registry replaced-by) and are not included"
        for u, c in left
    )
    return "partial: " + parts


def _political(out, councils, raw, registry, politics_year, window, rec) -> None:
    """Fill party_control, aligned_with_government, electoral_stability, control_changes."""
    files = {}

    def snapshot(p):
        if p not in files:
            files[p] = sources.read_octolamp(raw, p).dropna(subset=["la_code"]).set_index("la_code")
        return files[p]

    codes = out["code"].to_list()
    las = councils["la_code"].astype(str).to_list()
    party, align, stable, changes = [], [], [], []
    start, end = window
    window_years = [p for p in sources.OCTOLAMP_YEARS if start <= p <= end]
    pol_vars = ["party_control", "aligned_with_government"]
    stab_vars = ["electoral_stability", "control_changes"]
    for code, la, detail in zip(codes, las, councils.get("type_detail", pd.Series([""] * len(codes)))):
        not_covered = None
        if la in ("LND", "IOS") or str(detail) in ("City of London", "Isles of Scilly"):
            not_covered = ("octolamp does not cover the City of London or the Isles of Scilly "
                           "(no party-political control data)")
        # control and alignment
        record = None
        if not_covered is None:
            if politics_year == "earliest":
                for p in sources.OCTOLAMP_YEARS:
                    snap = snapshot(p)
                    if la in snap.index:
                        record = (p, snap.loc[la])
                        break
            elif la in snapshot(politics_year).index:
                record = (politics_year, snapshot(politics_year).loc[la])
        if record is not None:
            p, r = record
            party.append(party_category(r["control"]))
            align.append(aligned(r["control"], p))
            extra = f"; {r['note']}" if r["note"] else ""
            rec.note(code, pol_vars,
                     f"octolamp {p} (control after the {r['election']} election: {r['control']}){extra}")
        else:
            party.append(pd.NA); align.append(pd.NA)  # noqa: E702
            rec.gap(code, pol_vars, not_covered or _absent_reason(registry, la, politics_year))
        # stability over the window
        seq = []
        if not_covered is None:
            for p in window_years:
                snap = snapshot(p)
                if la in snap.index and int(snap.at[la, "election"]) == p:
                    seq.append((p, party_category(snap.at[la, "control"])))
        if not_covered is not None:
            stable.append(pd.NA); changes.append(pd.NA)  # noqa: E702
            rec.gap(code, stab_vars, not_covered)
        elif len(seq) < 2:
            stable.append(pd.NA); changes.append(pd.NA)  # noqa: E702
            held = ", ".join(str(p) for p, _ in seq) or "none"
            rec.gap(code, stab_vars, f"fewer than two elections recorded in {start}-{end} (elections: {held})")
        else:
            n = control_changes([c for _, c in seq])
            changes.append(n)
            stable.append(int(n == 0))
            rec.note(code, stab_vars, "elections " + ", ".join(f"{p}:{c}" for p, c in seq))
    out["party_control"] = pd.array(party, dtype="string")
    out["aligned_with_government"] = pd.array(align, dtype="Int64")
    out["electoral_stability"] = pd.array(stable, dtype="Int64")
    out["control_changes"] = pd.array(changes, dtype="Int64")


def _absent_reason(registry, la, politics_year) -> str:
    start, end = registry.at[la, "start-date"], registry.at[la, "end-date"]
    if politics_year != "earliest":
        if start and start > f"{politics_year}-05-31":
            return f"council created {start}, after the politics year {politics_year}"
        if end and end <= f"{politics_year}-05-31":
            return f"council abolished {end}, before the politics year {politics_year}"
        return f"no octolamp record for this council in {politics_year}"
    return "no octolamp record for this council in any year"


def _check_gaps_match(values: pd.DataFrame, gaps: pd.DataFrame) -> None:
    """Every missing cell has a reason, and every reason a missing cell."""
    missing = {(c, v) for v in ATTRIBUTE_COLUMNS for c in values.loc[values[v].isna(), "code"]}
    reasons = set(zip(gaps["code"], gaps["variable"]))
    if missing != reasons:
        raise RuntimeError(
            "attribute gaps out of step: missing without reason "
            f"{sorted(missing - reasons)[:5]}, reason without missing value {sorted(reasons - missing)[:5]}"
        )
    if gaps.duplicated(["code", "variable"]).any():
        raise RuntimeError(f"attribute gaps: duplicated rows {gaps[gaps.duplicated(['code', 'variable'])].head()}")


# --------------------------------------------------------------------------------------------
# public API with an on-disk cache
# --------------------------------------------------------------------------------------------
def _resolve(year: int, politics_year, stability_window):
    from lgnet.data.years import check_year

    year = check_year(year)
    p = _check_politics_year(default_politics_year(year) if politics_year is None else politics_year)
    w = default_stability_window(p) if stability_window is None else tuple(int(v) for v in stability_window)
    if len(w) != 2 or w[0] > w[1]:
        raise AttributeDataError(f"stability_window {stability_window!r}: give (start, end) with start <= end")
    return year, p, w


def _cache_dir(year, p, w) -> Path:
    from lgnet.data import councils, fetch

    key = (f"attributes_{year}_p{p}_w{w[0]}-{w[1]}_{fetch.manifest_checksum()}"
           f"_v{CACHE_VERSION}-c{councils.CACHE_VERSION}")
    return paths.build_dir() / "cache" / key


_READ_DTYPES = {"code": "string", "party_control": "string", **{c: "Int64" for c in INT_COLUMNS}}


@functools.lru_cache(maxsize=32)
def _compute(year: int, p, w, raw: str, build: str) -> AttributeSet:
    from lgnet.data.councils import council_table

    folder = _cache_dir(year, p, w)
    files = {k: folder / f"{k}.csv" for k in ("values", "gaps", "notes")}
    if all(f.exists() for f in files.values()):
        values = pd.read_csv(files["values"], dtype=_READ_DTYPES)
        gaps = pd.read_csv(files["gaps"], dtype="string")
        notes = pd.read_csv(files["notes"], dtype="string")
        return AttributeSet(values, gaps, notes)
    result = build_attributes(council_table(year), Path(raw), politics_year=p, stability_window=w)
    folder.mkdir(parents=True, exist_ok=True)
    for key, frame in (("values", result.values), ("gaps", result.gaps), ("notes", result.notes)):
        tmp = files[key].with_suffix(".tmp")
        frame.to_csv(tmp, index=False)
        tmp.replace(files[key])
    return AttributeSet(
        pd.read_csv(files["values"], dtype=_READ_DTYPES),
        result.gaps.astype("string"),
        result.notes.astype("string"),
    )


def _get(year, politics_year=None, stability_window=None) -> AttributeSet:
    year, p, w = _resolve(year, politics_year, stability_window)
    return _compute(year, p, w, str(paths.raw_dir()), str(paths.build_dir()))


def council_attributes(year: int, *, politics_year: int | str | None = None,
                       stability_window: tuple[int, int] | None = None) -> pd.DataFrame:
    """One row per council of ``council_table(year)`` (same order): ``code`` + attribute columns.

    ``politics_year``: ``"earliest"`` (each council's first octolamp record), an octolamp year, or
    None for the default (``"earliest"`` for year <= 2017, else the latest octolamp year <= year).
    ``stability_window``: (start, end) years for electoral_stability; default
    ``default_stability_window(politics_year)``. Cached under ``paths.build_dir()/cache``.
    """
    values = _get(year, politics_year, stability_window).values.copy()
    values["log_population"] = values["log_population"].astype(float)
    return values


def attribute_gaps(year: int, *, politics_year=None, stability_window=None) -> pd.DataFrame:
    """(code, variable, reason) for every missing attribute value of ``council_attributes(year)``."""
    return _get(year, politics_year, stability_window).gaps.copy()


def attribute_notes(year: int, *, politics_year=None, stability_window=None) -> pd.DataFrame:
    """(code, variable, note): how values were obtained where not a plain source row (carries, county
    sums, the political record used, the elections behind stability)."""
    return _get(year, politics_year, stability_window).notes.copy()


def analysis_table(year: int, *, politics_year=None, stability_window=None) -> pd.DataFrame:
    """council_table(year) with council_attributes(year) alongside (same rows, same order)."""
    from lgnet.data.councils import council_table

    table = council_table(year)
    attrs = council_attributes(year, politics_year=politics_year, stability_window=stability_window)
    if table["code"].astype(str).to_list() != attrs["code"].astype(str).to_list():
        raise RuntimeError(f"attributes for {year} are not in council-table order; delete the cache and rebuild")
    merged = pd.concat([table.reset_index(drop=True), attrs.drop(columns="code").reset_index(drop=True)], axis=1)
    return merged


def coverage(year: int, *, politics_year=None, stability_window=None) -> pd.DataFrame:
    """Per variable: councils, missing, and the distinct reasons (with counts)."""
    values = council_attributes(year, politics_year=politics_year, stability_window=stability_window)
    gaps = attribute_gaps(year, politics_year=politics_year, stability_window=stability_window)
    rows = []
    for v in ATTRIBUTE_COLUMNS:
        g = gaps[gaps["variable"] == v]
        reasons = "; ".join(f"{n} x {r}" for r, n in g["reason"].value_counts().items())
        rows.append({"variable": v, "councils": len(values), "missing": int(values[v].isna().sum()),
                     "reasons": reasons})
    return pd.DataFrame(rows)


def summary_statistics(year: int, **kwargs) -> pd.DataFrame:
    """Mean, min, max, n of each numeric attribute; party_control counts are in value_counts()."""
    values = council_attributes(year, **kwargs)
    num = values[[c for c in ATTRIBUTE_COLUMNS if c != "party_control"]].astype(float)
    return num.agg(["count", "mean", "min", "max"]).T


def data_dictionary(path: Path | None = None) -> pd.DataFrame:
    """The data dictionary (``data/dictionary.csv``): variable, label, block, definition, source,
    source_year, formula, deviation_from_paper. Validated: known blocks, no duplicate variables."""
    path = Path(path) if path is not None else DICTIONARY
    table = pd.read_csv(path, dtype="string", keep_default_na=False)
    missing = [c for c in DICTIONARY_COLUMNS if c not in table.columns]
    if missing:
        raise AttributeDataError(f"{path}: missing column(s) {missing}; expected {DICTIONARY_COLUMNS}")
    for i, (var, block) in enumerate(zip(table["variable"], table["block"]), start=2):
        if block not in BLOCKS:
            raise AttributeDataError(f"{path}, line {i}: block {block!r} for {var!r}; use one of {BLOCKS}")
    dups = table["variable"][table["variable"].duplicated()].to_list()
    if dups:
        raise AttributeDataError(f"{path}: variables listed twice: {dups}")
    return table[DICTIONARY_COLUMNS + [c for c in table.columns if c not in DICTIONARY_COLUMNS]]
