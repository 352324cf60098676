"""Council boundaries: one polygon per council of ``lgnet.data.councils.council_table(year)``.

Districts and unitaries come from the LAD layer, counties from the CTYUA layer (or, failing that, the
union of their districts), and a council missing from a fallback layer (e.g. Buckinghamshire unitary in
2020, drawn from the 2019 layer) as the union of its predecessors. Which ONS layer was used is returned
with every result (``boundary_year``; see :mod:`lgnet.data.ons_layers`).

``lgnet.data.councils`` owns which councils exist in a year; this module draws on it (and never the
other way round).
"""

from __future__ import annotations

import functools

import geopandas as gpd
import pandas as pd

from lgnet.data import fetch, paths
from lgnet.data.councils import council_table, registry
from lgnet.data.ons_layers import CRS, cua_layer, lad_layer, layer_year, regions_layer  # noqa: F401
from lgnet.data.years import check_year


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
