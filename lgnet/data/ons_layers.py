"""ONS boundary layers: the district (LAD), county/unitary (CTYUA) and region files, in British National Grid.

The octolamp mirror holds ONS December boundaries (EPSG:27700) for 2016-2019 and 2021-2026;
a December layer shows the councils created on the preceding 1 April. For a year without a layer
the nearest earlier layer is used, else the nearest later one (2014 and 2015 -> 2016, 2020 -> 2019).

This module reads layers and knows nothing of councils: ``lgnet.data.councils`` draws on it to decide
codes, centroids and regions, and ``lgnet.data.boundaries`` to draw one polygon per council.
"""

from __future__ import annotations

import functools
import re
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd

from lgnet.data import fetch, paths
from lgnet.data.years import check_year

CRS = "EPSG:27700"
OCTOLAMP = "octolamp_council_control"
TOMBOLO = "tombolo_ons_boundaries_2017"
REGIONS_FILE = "Regions_December_2016_Ultra_Generalised_Clipped_Boundaries_in_England.geojson"
LAD2017_FILE = (
    "Local_Authority_Districts_December_2017_Super_Generalised_Clipped_Boundaries_in_United_Kingdom_WGS84.geojson"
)


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
