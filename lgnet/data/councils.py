"""The council table: English principal councils in existence on 1 April of a dataset year.

Sources (all in the data manifest):
- mySociety's registry of local authorities (``uk_local_authorities_current.csv``): who existed when
  (``start-date`` / ``end-date``), names, type, parent county, E-code, successor links;
  its name lookup gives the alternative names used for matching.
- ONS boundary layers for the year (see :mod:`lgnet.data.ons_layers`): the GSS code in use that year,
  the label point used as centroid (BNG_E/BNG_N, inside the area), and the ONS regions.

Rules (each is stated in the book's data chapter):
- A council is in year Y if ``start-date <= Y-04-01 < end-date`` (an empty date is open). The registry
  dates a council's end either as its last day (Dorset, 2019-03-31) or as the day its successor
  started (Northamptonshire, 2021-04-01); in both cases it is not in existence on that 1 April.
- Code: of the registry's current and former GSS codes, the one present in that year's ONS layer
  (e.g. Gateshead E08000037, not the former E08000020, in every year 2014+); a council whose codes
  are all absent takes the unclaimed feature of the same kind and name in the layer (Barnsley
  E08000038 and Sheffield E08000039 from the 2025 layer, newer than the registry).
- Region: the ONS region (Dec 2016) containing the council's ONS label point; a county takes its
  districts' region. The registry's region is only a cross-check (it is empty for 15 abolished 2017
  councils and wrong for two counties; differences are listed by :func:`council_provenance`).
- County (shire districts only): the registry's ``county-la``, cross-checked against the ONS county
  polygon containing the district's label point; where they disagree the ONS one is used and recorded.
- Centroid x, y: the ONS label point of the year's layer (BNG metres); else the registry's x/y.
- City of London: type "London borough", type_detail "City of London".
- Isles of Scilly: type "unitary", type_detail "Isles of Scilly".
"""

from __future__ import annotations

import functools
import json
import pickle
from collections import Counter
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from lgnet.data import fetch, paths
from lgnet.data.ons_layers import cua_layer, lad_layer, layer_year, region_of_points
from lgnet.data.years import FIRST_YEAR, LAST_YEAR, check_year  # noqa: F401  (re-exported)

REGISTRY_FOLDER = "mysociety_uk_local_authority_names_and_codes"
REGISTRY_FILE = "uk_local_authorities_current.csv"
NAMES_FILE = "lookup_name_to_registry.csv"
CACHE_VERSION = "2"  # bump when the table's construction changes

COLUMNS = [
    "code", "la_code", "name", "official_name", "type", "type_detail",
    "region", "county", "x", "y", "ecode", "alt_names",
]
TYPE_NAMES = {
    "CTY": "county",
    "NMD": "shire district",
    "UA": "unitary",
    "MD": "metropolitan district",
    "LBO": "London borough",
    "CC": "London borough",  # City of London
}
TYPES = ["county", "shire district", "unitary", "metropolitan district", "London borough"]
REGIONS = [
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
]


def _split(value) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    return [v.strip() for v in str(value).split(",") if v.strip()]


@functools.lru_cache(maxsize=None)
def _registry_cached(raw: str) -> pd.DataFrame:
    path = fetch.raw_file(REGISTRY_FOLDER, REGISTRY_FILE, Path(raw))
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df[(df["nation"] == "England") & df["local-authority-type"].isin(list(TYPE_NAMES))]
    names_path = fetch.raw_file(REGISTRY_FOLDER, NAMES_FILE, Path(raw))
    lookup = pd.read_csv(names_path, dtype=str, keep_default_na=False)
    names_by_la: dict[str, list[str]] = {}
    for name, la in zip(lookup["la-name"], lookup["local-authority-code"]):
        names_by_la.setdefault(la, []).append(name)

    def alt(row) -> list[str]:
        names = [row["official-name"], row["nice-name"], *names_by_la.get(row["local-authority-code"], [])]
        return list(dict.fromkeys(n for n in names if n))

    def num(col):
        return pd.to_numeric(df[col].replace("", np.nan), errors="coerce").astype(float)

    out = pd.DataFrame(
        {
            "la_code": df["local-authority-code"],
            "official_name": df["official-name"],
            "name": df["nice-name"],
            "gss_code": df["gss-code"],
            "former_gss_codes": df["former-gss-codes"].map(_split),
            "start_date": df["start-date"],
            "end_date": df["end-date"],
            "replaced_by": df["replaced-by"].map(_split),
            "region": df["region"],
            "reg_type": df["local-authority-type"],
            "county_la": df["county-la"],
            "ecode": df["ecode"],
            "x": num("x"),
            "y": num("y"),
            "alt_names": df.apply(alt, axis=1),
        }
    ).reset_index(drop=True)
    return out


def registry() -> pd.DataFrame:
    """The registry's English principal councils of every date (counties, districts, unitaries,
    metropolitan districts, London boroughs, City of London), with tidy column names and lists
    for former codes, successors (``replaced_by``) and alternative names."""
    return _registry_cached(str(paths.raw_dir())).copy()


def in_existence(reg: pd.DataFrame, year: int) -> pd.Series:
    """Boolean mask: councils in existence on 1 April ``year`` (start <= date < end; empty = open)."""
    date = f"{check_year(year)}-04-01"
    started = (reg["start_date"] == "") | (reg["start_date"] <= date)
    not_ended = (reg["end_date"] == "") | (reg["end_date"] > date)
    return started & not_ended


def _cache_files(year: int) -> tuple[Path, Path]:
    key = f"councils_{year}_{fetch.manifest_checksum()}_v{CACHE_VERSION}"
    folder = paths.build_dir() / "cache"
    return folder / f"{key}.pkl", folder / f"{key}.provenance.json"


def council_table(year: int) -> pd.DataFrame:
    """English principal councils in existence on 1 April ``year`` (2014..2026), sorted by code.

    Columns: code, la_code, name, official_name, type, type_detail, region, county, x, y, ecode,
    alt_names (see the module docstring for the rules). ``attrs``: year, boundary_year. Cached in
    memory and on disk under ``paths.build_dir()/cache`` keyed by year and manifest checksum.
    """
    year = check_year(year)
    table, prov = _cached(year, str(paths.raw_dir()), str(paths.build_dir()), fetch.manifest_checksum())
    out = table.copy()
    out.attrs = {"year": year, "boundary_year": prov["boundary_year"]}
    return out


def council_provenance(year: int) -> dict:
    """How the council table for ``year`` was built: boundary layer year, codes taken from the
    registry's former codes, regions filled or corrected, counties corrected, centroid sources."""
    year = check_year(year)
    _, prov = _cached(year, str(paths.raw_dir()), str(paths.build_dir()), fetch.manifest_checksum())
    return json.loads(json.dumps(prov))


@functools.lru_cache(maxsize=None)
def _cached(year: int, raw: str, build: str, checksum: str) -> tuple[pd.DataFrame, dict]:
    pkl, prov_path = _cache_files(year)
    if pkl.exists() and prov_path.exists():
        try:
            with open(pkl, "rb") as fh:
                table = pickle.load(fh)
            return table, json.loads(prov_path.read_text())
        except Exception:  # a stale or unreadable cache is rebuilt
            pass
    table, prov = build_council_table(year)
    pkl.parent.mkdir(parents=True, exist_ok=True)
    tmp = pkl.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(table, fh)
    tmp.replace(pkl)
    prov_path.write_text(json.dumps(prov, indent=1, sort_keys=True))
    return table, prov


def build_council_table(year: int) -> tuple[pd.DataFrame, dict]:
    """Build (without caches) the council table for ``year`` and its provenance record."""
    year = check_year(year)
    reg = registry()
    now = reg[in_existence(reg, year)].reset_index(drop=True)
    layer = layer_year(year)
    lads = lad_layer(layer).set_index("code")
    cuas = cua_layer(layer).set_index("code")
    prov: dict = {
        "year": year,
        "date": f"{year}-04-01",
        "boundary_year": layer,
        "codes_from_former": {},
        "codes_from_layer": {},
        "region_filled": {},
        "region_corrected": {},
        "county_corrected": {},
        "centroid_source": {},
    }

    # code valid in the year, and the ONS label point
    hits = {}
    for row in now.itertuples():
        layer_tab = cuas if row.reg_type == "CTY" else lads
        hits[row.Index] = next((c for c in [row.gss_code, *row.former_gss_codes] if c in layer_tab.index), None)
    # a code newer than the registry (e.g. Barnsley E08000038, Sheffield E08000039 from 2025):
    # the layer feature of the same kind and name that no registry code claims
    claimed = {c for c in hits.values() if c}
    for row in now.itertuples():
        if hits[row.Index] is not None:
            continue
        layer_tab = cuas if row.reg_type == "CTY" else lads
        free = layer_tab[~layer_tab.index.isin(claimed) & layer_tab.index.str.startswith(row.gss_code[:3])]
        same = free.index[free["name"].str.casefold() == row.name.casefold()].tolist()
        if len(same) == 1:
            hits[row.Index] = same[0]
            claimed.add(same[0])
            prov["codes_from_layer"][row.name] = (
                f"{same[0]} (ONS {layer} layer, matched by name; the registry knows only "
                f"{', '.join([row.gss_code, *row.former_gss_codes])})"
            )
    codes, xs, ys = [], [], []
    for row in now.itertuples():
        layer_tab = cuas if row.reg_type == "CTY" else lads
        hit = hits[row.Index]
        code = hit or row.gss_code
        if code != row.gss_code and row.name not in prov["codes_from_layer"]:
            prov["codes_from_former"][row.name] = f"{code} (registry's current code {row.gss_code})"
        codes.append(code)
        if hit is not None:
            xs.append(float(layer_tab.at[hit, "bng_e"]))
            ys.append(float(layer_tab.at[hit, "bng_n"]))
            prov["centroid_source"][code] = f"ONS label point {'CTYUA' if row.reg_type == 'CTY' else 'LAD'} {layer}"
        elif not (np.isnan(row.x) or np.isnan(row.y)):
            xs.append(row.x)
            ys.append(row.y)
            prov["centroid_source"][code] = "registry x/y"
        else:
            xs.append(np.nan)
            ys.append(np.nan)
    now["code"], now["x"], now["y"] = codes, xs, ys
    code_of_la = dict(zip(now["la_code"], now["code"]))

    # centroids still missing (a council absent from a fallback layer): its predecessors' area
    for i in now.index[now["x"].isna()]:
        la = now.at[i, "la_code"]
        preds = reg.loc[reg["replaced_by"].map(lambda v: la in v)]
        parts = [lads.at[c, "geometry"] for p in preds.itertuples()
                 for c in [p.gss_code, *p.former_gss_codes] if c in lads.index]
        if not parts and now.at[i, "reg_type"] == "CTY":
            members = now.loc[now["county_la"] == la]
            parts = [lads.at[c, "geometry"] for c in members["code"] if c in lads.index]
        if not parts:
            raise ValueError(
                f"no centroid for {now.at[i, 'name']} ({now.at[i, 'code']}) in {year}: not in the {layer} "
                "ONS layers, no registry x/y and no predecessors in the layer"
            )
        point = gpd.GeoSeries(parts, crs="EPSG:27700").union_all().representative_point()
        now.at[i, "x"], now.at[i, "y"] = point.x, point.y
        prov["centroid_source"][now.at[i, "code"]] = f"point in the union of predecessors/districts ({layer})"

    # county of each shire district: registry, cross-checked with the ONS county polygon
    is_district = now["reg_type"] == "NMD"
    counties_gdf = cuas[cuas.index.str.startswith("E10")]
    county = pd.Series(pd.NA, index=now.index, dtype="string")
    if is_district.any():
        pts = gpd.GeoDataFrame(
            {"i": now.index[is_district]},
            geometry=gpd.points_from_xy(now.loc[is_district, "x"], now.loc[is_district, "y"]),
            crs="EPSG:27700",
        )
        hits = gpd.sjoin(pts, counties_gdf.reset_index()[["code", "geometry"]], how="left", predicate="within")
        spatial = hits.drop_duplicates("i").set_index("i")["code"]
        for i in now.index[is_district]:
            reg_county = code_of_la.get(now.at[i, "county_la"])
            ons_county = spatial.get(i)
            ons_county = None if pd.isna(ons_county) else ons_county
            if ons_county is not None and ons_county in set(now["code"]) and ons_county != reg_county:
                prov["county_corrected"][now.at[i, "code"]] = (
                    f"{now.at[i, 'name']}: registry county-la {now.at[i, 'county_la'] or '(empty)'} "
                    f"-> {ons_county} (ONS CTYUA {layer} polygon containing its label point)"
                )
                reg_county = ons_county
            if reg_county is None:
                raise ValueError(
                    f"{REGISTRY_FILE}: shire district {now.at[i, 'name']} ({now.at[i, 'la_code']}) has county-la "
                    f"{now.at[i, 'county_la']!r}, which is not a county in existence on 1 April {year}"
                )
            county[i] = reg_county
    is_county = now["reg_type"] == "CTY"
    county[is_county] = now.loc[is_county, "code"]
    now["county"] = county

    # region: ONS region containing the label point; a county takes its districts' region
    ons_region = pd.Series(region_of_points(now["x"], now["y"]), index=now.index)
    for i in now.index[is_county]:
        members = ons_region[is_district & (now["county"] == now.at[i, "code"])]
        if len(members):
            ons_region[i] = Counter(members).most_common(1)[0][0]
    for i in now.index:
        reg_region, ons = now.at[i, "region"], ons_region[i]
        if not reg_region:
            prov["region_filled"][now.at[i, "code"]] = f"{now.at[i, 'name']}: {ons}"
        elif reg_region != ons:
            prov["region_corrected"][now.at[i, "code"]] = f"{now.at[i, 'name']}: registry {reg_region} -> ONS {ons}"
    now["region"] = ons_region

    now["type"] = now["reg_type"].map(TYPE_NAMES)
    now["type_detail"] = now["reg_type"]
    now.loc[now["reg_type"] == "CC", "type_detail"] = "City of London"
    now.loc[now["la_code"] == "IOS", "type_detail"] = "Isles of Scilly"
    now["ecode"] = now["ecode"].replace("", pd.NA)

    table = now[COLUMNS].sort_values("code").reset_index(drop=True)
    for col in ["code", "la_code", "name", "official_name", "type", "type_detail", "region", "county", "ecode"]:
        table[col] = table[col].astype("string")
    table["x"] = table["x"].astype(float)
    table["y"] = table["y"].astype(float)
    if table["code"].duplicated().any():
        dup = table.loc[table["code"].duplicated(keep=False), ["code", "name"]].to_dict("records")
        raise ValueError(f"duplicate GSS codes in the council table for {year}: {dup}")
    return table, prov


def code_aliases(year: int) -> dict[str, str]:
    """Every GSS code a council of ``year`` is known by (the registry's current and former codes and
    the ONS code of that year) -> the code used in ``council_table(year)``. Use it to join sources
    keyed by older or newer codes (e.g. 2011 census, election data)."""
    table = council_table(year)
    reg = registry().set_index("la_code")
    aliases = {}
    for code, la in zip(table["code"], table["la_code"]):
        for other in [reg.at[la, "gss_code"], *reg.at[la, "former_gss_codes"], code]:
            aliases[other] = code
    return aliases


def summary(table: pd.DataFrame) -> dict:
    """Counts by type and missing values per column (for the CLI and tests)."""
    return {
        "councils": len(table),
        "by_type": {t: int((table["type"] == t).sum()) for t in TYPES},
        "missing": {c: int(table[c].isna().sum()) for c in COLUMNS if c != "alt_names"},
    }
