"""Boundary layers: the ONS district (LAD) and county/unitary (CTYUA) files for a dataset year.

The octolamp mirror holds ONS December boundaries (EPSG:27700) for 2016-2019 and 2021-2026;
a December layer shows the councils created on the preceding 1 April. For a year without a layer
the nearest earlier layer is used, else the nearest later one (2014 and 2015 -> 2016, 2020 -> 2019);
which one is returned with every result (``boundary_year``).

``boundaries(year)`` gives one polygon per council of ``lgnet.councils.council_table(year)``:
districts and unitaries from the LAD layer, counties from the CTYUA layer (or, failing that, the
union of their districts), and a council missing from a fallback layer (e.g. Buckinghamshire
unitary in 2020, drawn from the 2019 layer) as the union of its predecessors.
"""

from __future__ import annotations

import functools
import re
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd

from lgnet import fetch, paths

CRS = "EPSG:27700"
OCTOLAMP = "octolamp_council_control"
TOMBOLO = "tombolo_ons_boundaries_2017"
REGIONS_FILE = "Regions_December_2016_Ultra_Generalised_Clipped_Boundaries_in_England.geojson"
LAD2017_FILE = (
    "Local_Authority_Districts_December_2017_Super_Generalised_Clipped_Boundaries_in_United_Kingdom_WGS84.geojson"
)
FIRST_YEAR, LAST_YEAR = 2014, 2026


def check_year(year: int) -> int:
    """The year as an int, or a ValueError if it is outside the supported range."""
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValueError(f"year {year!r} is not a whole number; use a year from {FIRST_YEAR} to {LAST_YEAR}") from None
    if value != year or not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValueError(
            f"year {year!r} is outside the supported range {FIRST_YEAR}..{LAST_YEAR} "
            "(the registry, boundary and political-control sources cover these years)"
        )
    return value


def available_layer_years() -> list[int]:
    """Years with both a LAD and a CTYUA boundary layer, from the manifest."""
    years = set()
    for entry in fetch.load_manifest():
        m = re.fullmatch(r"geodata/lads/lads-(\d{4})\.geojson", entry.file)
        if entry.folder == OCTOLAMP and m:
            years.add(int(m.group(1)))
    return sorted(years)


def layer_year(year: int) -> int:
    """The boundary layer used for ``year``: the same year, else nearest earlier, else nearest later."""
    year = check_year(year)
    years = available_layer_years()
    if not years:
        raise fetch.FetchError("the manifest lists no LAD boundary layers (geodata/lads/lads-Y.geojson)")
    earlier = [y for y in years if y <= year]
    return max(earlier) if earlier else min(years)


def _read_layer(path: Path, code_pattern: str) -> gpd.GeoDataFrame:
    """Read an ONS layer: columns code, name, bng_e, bng_n, geometry; CRS set to EPSG:27700."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the files' CRS name is misspelt 'ESPG:27700'
        gdf = gpd.read_file(path)
    cols = {c: c.upper() for c in gdf.columns if c != "geometry"}
    gdf = gdf.rename(columns=cols)
    code_col = next((c for c in gdf.columns if re.fullmatch(code_pattern + r"\d\dCD", c)), None)
    if code_col is None:
        raise ValueError(f"{path}: no {code_pattern}..CD code column among {list(gdf.columns)}")
    name_col = code_col[:-2] + "NM"
    out = gpd.GeoDataFrame(
        {
            "code": gdf[code_col].astype(str),
            "name": gdf[name_col].astype(str),
            "bng_e": pd.to_numeric(gdf["BNG_E"]).astype(float),
            "bng_n": pd.to_numeric(gdf["BNG_N"]).astype(float),
        },
        geometry=gdf.geometry.values,
    )
    return out.set_crs(CRS, allow_override=True)


@functools.lru_cache(maxsize=None)
def _lad_layer_cached(layer: int, raw: str) -> gpd.GeoDataFrame:
    path = fetch.raw_file(OCTOLAMP, f"geodata/lads/lads-{layer}.geojson", Path(raw))
    return _read_layer(path, "LAD")


@functools.lru_cache(maxsize=None)
def _cua_layer_cached(layer: int, raw: str) -> gpd.GeoDataFrame:
    path = fetch.raw_file(OCTOLAMP, f"geodata/cuas/cuas-{layer}.geojson", Path(raw))
    return _read_layer(path, "CTYUA")


def lad_layer(layer: int) -> gpd.GeoDataFrame:
    """The ONS LAD December ``layer`` boundaries (all GB districts), EPSG:27700."""
    return _lad_layer_cached(int(layer), str(paths.raw_dir())).copy()


def cua_layer(layer: int) -> gpd.GeoDataFrame:
    """The ONS counties-and-unitaries December ``layer`` boundaries, EPSG:27700."""
    return _cua_layer_cached(int(layer), str(paths.raw_dir())).copy()


@functools.lru_cache(maxsize=None)
def _regions_cached(raw: str) -> gpd.GeoDataFrame:
    path = fetch.raw_file(TOMBOLO, REGIONS_FILE, Path(raw))
    gdf = gpd.read_file(path)
    gdf = gdf.rename(columns={"rgn16cd": "code", "rgn16nm": "name"})[["code", "name", "geometry"]]
    return gdf.to_crs(CRS)


def regions_layer() -> gpd.GeoDataFrame:
    """The 9 English regions (ONS December 2016, ultra generalised), EPSG:27700: code, name, geometry."""
    return _regions_cached(str(paths.raw_dir())).copy()


def region_of_points(x, y) -> list[str]:
    """The English region containing each BNG point (nearest region for points just off a clipped coast)."""
    regions = regions_layer()
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=CRS)
    joined = gpd.sjoin_nearest(pts, regions[["name", "geometry"]], how="left")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["name"].tolist()


def boundaries(year: int) -> gpd.GeoDataFrame:
    """One polygon per council of ``council_table(year)``: code, name, type, geometry (EPSG:27700).

    ``gdf.attrs['boundary_year']`` is the ONS layer used; ``gdf.attrs['provenance']`` maps each
    council code to how its polygon was obtained (``lad``, ``cua``, ``union of districts``,
    ``union of predecessors``).
    """
    year = check_year(year)
    layer = layer_year(year)
    cached = _boundaries_cached(year, layer, str(paths.raw_dir()), fetch.manifest_checksum())
    gdf = cached.copy()
    gdf.attrs = {"boundary_year": layer, "provenance": dict(cached.attrs["provenance"])}
    return gdf


@functools.lru_cache(maxsize=None)
def _boundaries_cached(year: int, layer: int, raw: str, checksum: str) -> gpd.GeoDataFrame:
    from lgnet.councils import council_table, registry

    table = council_table(year)
    reg = registry()
    lads = lad_layer(layer).set_index("code")
    cuas = cua_layer(layer).set_index("code")
    geoms, how = {}, {}
    # districts and unitaries first, counties after (a county may need its districts)
    order = sorted(table.index, key=lambda i: table.at[i, "type"] == "county")
    for i in order:
        row = table.loc[i]
        code = row["code"]
        codes = [code, *registry_codes(reg, row["la_code"])]
        if row["type"] == "county":
            hit = next((c for c in codes if c in cuas.index), None)
            if hit is not None:
                geoms[code], how[code] = cuas.at[hit, "geometry"], f"cua {layer}"
                continue
            members = table.loc[table["county"] == code, "code"].tolist()
            parts = [geoms[m] for m in members if m in geoms]
            if members and len(parts) == len(members):
                geoms[code], how[code] = gpd.GeoSeries(parts, crs=CRS).union_all(), f"union of districts ({layer})"
                continue
        else:
            hit = next((c for c in codes if c in lads.index), None)
            if hit is not None:
                geoms[code], how[code] = lads.at[hit, "geometry"], f"lad {layer}"
                continue
        preds = reg.loc[reg["replaced_by"].apply(lambda v, la=row["la_code"]: la in v), "la_code"]
        pred_codes = [c for p in preds for c in registry_codes(reg, p)]
        parts = [lads.at[c, "geometry"] for c in pred_codes if c in lads.index]
        parts += [cuas.at[c, "geometry"] for c in pred_codes if c in cuas.index and c not in lads.index]
        if parts:
            geoms[code], how[code] = gpd.GeoSeries(parts, crs=CRS).union_all(), f"union of predecessors ({layer})"
            continue
        raise ValueError(
            f"no boundary for {row['name']} ({code}, {year}) in the {layer} ONS layers, nor for its "
            f"districts or predecessors; check the registry row {row['la_code']} and the layer files"
        )
    gdf = gpd.GeoDataFrame(
        table[["code", "name", "type"]].copy(),
        geometry=[geoms[c] for c in table["code"]],
        crs=CRS,
    )
    gdf.attrs = {"boundary_year": layer, "provenance": how}
    return gdf


def registry_codes(reg: pd.DataFrame, la_code: str) -> list[str]:
    """All GSS codes (current first, then former) the registry gives a council."""
    row = reg.loc[reg["la_code"] == la_code].iloc[0]
    return [row["gss_code"], *row["former_gss_codes"]]
