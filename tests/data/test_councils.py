"""The council table and boundaries for a year, checked against figures derived independently.

Independent yardsticks used here:
- the article and ../shared/data/README.md: 353 councils in 2017 (27 counties, 201 shire districts,
  55 unitaries + Isles of Scilly, 36 metropolitan districts, 32 London boroughs + City of London);
- the ONS boundary files, read directly with json (not through lgnet): the English district and
  unitary codes (E06-E09) of the LAD December layer and the county codes (E10) of the CTYUA layer
  of the same year must be exactly the table's codes;
- the arithmetic of each reorganisation, from the statutory changes (listed at each test).
"""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
from shapely.geometry import Point

from lgnet.data import boundaries, councils, ons_layers

OCTOLAMP = "octolamp_council_control"
TOMBOLO_LAD = (
    "tombolo_ons_boundaries_2017/"
    "Local_Authority_Districts_December_2017_Super_Generalised_Clipped_Boundaries_in_United_Kingdom_WGS84.geojson"
)


def ons_codes(raw, year: int) -> tuple[set[str], set[str]]:
    """English LAD codes (E06-E09) and county codes (E10) in the ONS December ``year`` layers."""
    lads = json.loads((raw / OCTOLAMP / f"geodata/lads/lads-{year}.geojson").read_text())
    cuas = json.loads((raw / OCTOLAMP / f"geodata/cuas/cuas-{year}.geojson").read_text())
    lad = {v for f in lads["features"] for k, v in f["properties"].items()
           if k.upper() == f"LAD{year % 100}CD" and v[:3] in ("E06", "E07", "E08", "E09")}
    cty = {v for f in cuas["features"] for k, v in f["properties"].items()
           if k.upper() == f"CTYUA{year % 100}CD" and v.startswith("E10")}
    return lad, cty


def counts(table) -> dict:
    return table["type"].value_counts().to_dict()


def test_2017_is_the_papers_353(raw_data):
    t = councils.council_table(2017)
    assert list(t.columns) == councils.COLUMNS
    assert len(t) == 353
    assert counts(t) == {"county": 27, "shire district": 201, "unitary": 56,
                         "metropolitan district": 36, "London borough": 33}
    assert t.loc[t["type_detail"] == "City of London", "type"].tolist() == ["London borough"]
    assert t.loc[t["type_detail"] == "Isles of Scilly", "type"].tolist() == ["unitary"]
    assert (t["type_detail"] == "LBO").sum() == 32 and (t["type_detail"] == "UA").sum() == 55
    assert t["code"].is_unique and t["code"].tolist() == sorted(t["code"])
    assert list(t.index) == list(range(353))
    assert t.attrs == {"year": 2017, "boundary_year": 2017}
    for col in ["code", "la_code", "name", "official_name", "type", "type_detail", "region", "x", "y", "ecode"]:
        assert t[col].notna().all(), col
    assert set(t["region"]) == set(councils.REGIONS)
    # inside England's bounding box in BNG metres
    assert t["x"].between(80_000, 660_000).all() and t["y"].between(5_000, 660_000).all()


def test_2017_codes_match_the_ons_2017_layers(raw_data):
    t = councils.council_table(2017)
    lad, cty = ons_codes(raw_data, 2017)
    assert set(t.loc[t["type"] != "county", "code"]) == lad
    assert set(t.loc[t["type"] == "county", "code"]) == cty
    # and the second ONS copy (tombolo, WGS84) has the same English districts
    tomb = json.loads((raw_data / TOMBOLO_LAD).read_text())
    assert {f["properties"]["lad17cd"] for f in tomb["features"]
            if f["properties"]["lad17cd"][0] == "E"} == lad


def test_codes_changed_before_2014_are_the_ons_ones(raw_data):
    """The registry lists E08000020/E06000048/E07000097/100/101/104 as former codes; the ONS layers of
    every year 2016+ (and the 2011 census) already use the newer codes, so these are the 2017 codes."""
    t = councils.council_table(2017).set_index("name")
    assert t.loc["Gateshead", "code"] == "E08000037"
    assert t.loc["Northumberland", "code"] == "E06000057"
    assert t.loc["East Hertfordshire", "code"] == "E07000242"
    aliases = councils.code_aliases(2017)
    assert aliases["E08000020"] == "E08000037" and aliases["E07000104"] == "E07000241"


def test_counties(raw_data):
    t = councils.council_table(2017)
    districts, county_rows = t[t["type"] == "shire district"], t[t["type"] == "county"]
    assert districts["county"].notna().all()
    assert set(districts["county"]) == set(county_rows["code"])  # every county has districts
    assert (county_rows["county"] == county_rows["code"]).all()
    others = t[~t["type"].isin(["shire district", "county"])]
    assert others["county"].isna().all()
    # a district shares its county's region
    region = dict(zip(t["code"], t["region"]))
    assert (districts["region"] == districts["county"].map(region)).all()


def test_registry_errors_are_corrected_and_recorded(raw_data):
    t = councils.council_table(2017).set_index("name")
    assert t.loc["Forest Heath", "county"] == t.loc["Suffolk", "code"]  # registry says Surrey
    assert t.loc["Derbyshire", "region"] == "East Midlands"  # registry says West Midlands
    assert t.loc["Lincolnshire", "region"] == "East Midlands"
    assert t.loc["Bournemouth", "region"] == "South West"  # registry has none
    prov = councils.council_provenance(2017)
    assert "E07000201" in prov["county_corrected"]
    assert set(prov["region_corrected"]) == {"E10000007", "E10000019"}
    assert len(prov["region_filled"]) == 15
    assert prov["boundary_year"] == 2017


@pytest.mark.parametrize(
    "year, expected",
    [
        # 2014-2018: no structural change since 2009 -> the 2017 figures
        (2014, {"county": 27, "shire district": 201, "unitary": 56, "metropolitan district": 36, "London borough": 33}),
        # 1 Apr 2019: Dorset (county + 6 districts, Bournemouth and Poole UAs -> BCP and Dorset Council UAs:
        # -1 county, -6 districts, 0 unitaries net); Suffolk (4 districts -> East and West Suffolk: -2);
        # Somerset (Taunton Deane + West Somerset -> Somerset West and Taunton: -1)
        (2019, {"county": 26, "shire district": 192, "unitary": 56, "metropolitan district": 36, "London borough": 33}),
        # 1 Apr 2020: Buckinghamshire (county + 4 districts -> 1 UA)
        (2020, {"county": 25, "shire district": 188, "unitary": 57, "metropolitan district": 36, "London borough": 33}),
        # 1 Apr 2021: Northamptonshire (county + 7 districts -> North and West Northamptonshire UAs)
        (2021, {"county": 24, "shire district": 181, "unitary": 59, "metropolitan district": 36, "London borough": 33}),
        # 1 Apr 2023: Cumbria (county + 6 -> 2 UAs), North Yorkshire (county + 7 -> 1 UA),
        # Somerset (county + 4 -> 1 UA): 317 councils
        (2023, {"county": 21, "shire district": 164, "unitary": 63, "metropolitan district": 36, "London borough": 33}),
        (2026, {"county": 21, "shire district": 164, "unitary": 63, "metropolitan district": 36, "London borough": 33}),
    ],
)
def test_counts_by_year(raw_data, year, expected):
    assert counts(councils.council_table(year)) == expected


@pytest.mark.parametrize("year", [2016, 2017, 2018, 2019, 2021, 2022, 2023, 2024, 2025, 2026])
def test_codes_match_that_years_ons_layers(raw_data, year):
    t = councils.council_table(year)
    lad, cty = ons_codes(raw_data, year)
    assert set(t.loc[t["type"] != "county", "code"]) == lad
    assert set(t.loc[t["type"] == "county", "code"]) == cty
    for col in ["region", "x", "y"]:
        assert t[col].notna().all()
    assert t.loc[t["type"] == "shire district", "county"].notna().all()


def test_end_date_conventions(raw_data):
    """Dorset ends 2019-03-31 and Northamptonshire 2021-04-01 in the registry: both are gone on that 1 April."""
    names = {y: set(councils.council_table(y)["name"]) for y in (2018, 2019, 2020, 2021)}
    assert "Dorset County" in names[2018] and "Dorset County" not in names[2019]
    assert "Dorset Council" in names[2019] and "Dorset Council" not in names[2018]
    assert "Northamptonshire" in names[2020] and "Northamptonshire" not in names[2021]
    assert "North Northamptonshire" in names[2021] and "North Northamptonshire" not in names[2020]
    assert "Buckinghamshire" in names[2020] and "Buckinghamshire" not in names[2019]


def test_codes_newer_than_the_registry(raw_data):
    """Barnsley and Sheffield have new ONS codes in the 2025 layer, unknown to the registry."""
    t = councils.council_table(2025).set_index("name")
    assert t.loc["Barnsley", "code"] == "E08000038"
    assert t.loc["Sheffield", "code"] == "E08000039"
    assert councils.council_table(2024).set_index("name").loc["Barnsley", "code"] == "E08000016"


@pytest.mark.parametrize("bad", [2013, 2027, 1999, "2017", 2017.5])
def test_year_outside_range_is_an_error(raw_data, bad):
    with pytest.raises(ValueError, match="2014..2026"):
        councils.council_table(bad)


def test_cached_table_is_fast_and_not_shared(raw_data):
    councils.council_table(2017)
    start = time.perf_counter()
    t = councils.council_table(2017)
    assert time.perf_counter() - start < 0.5
    t.loc[0, "name"] = "changed"
    assert councils.council_table(2017).loc[0, "name"] != "changed"


def test_disk_cache_gives_the_same_table(raw_data, tmp_path, monkeypatch):
    fresh, _ = councils.build_council_table(2017)
    monkeypatch.setenv("LGNET_BUILD_DIR", str(tmp_path))
    first = councils.council_table(2017)  # builds and writes the cache in tmp_path
    assert list((tmp_path / "cache").glob("councils_2017_*.pkl"))
    councils._cached.cache_clear()
    second = councils.council_table(2017)  # read back from disk
    pd.testing.assert_frame_equal(first, fresh)
    pd.testing.assert_frame_equal(second, fresh)


def test_boundaries_2017(raw_data):
    t = councils.council_table(2017)
    gdf = boundaries.boundaries(2017)
    assert gdf.crs.to_epsg() == 27700
    assert gdf["code"].tolist() == t["code"].tolist()
    assert list(gdf.columns) == ["code", "name", "type", "geometry"]
    assert gdf.attrs["boundary_year"] == 2017
    assert not gdf.geometry.is_empty.any() and gdf.geometry.notna().all()
    # each centroid lies in (or within 1 km of) its own polygon
    dist = [geom.distance(Point(x, y)) for geom, x, y in zip(gdf.geometry, t["x"], t["y"])]
    assert max(dist) < 1000
    # a county's polygon covers its districts: areas agree within 2%
    area = dict(zip(gdf["code"], gdf.geometry.area))
    district_area = t[t["type"] == "shire district"].groupby("county")["code"].apply(
        lambda codes: sum(area[c] for c in codes))
    for county, total in district_area.items():
        assert abs(area[county] / total - 1) < 0.02, county


@pytest.mark.parametrize("year, layer", [(2014, 2016), (2015, 2016), (2020, 2019), (2023, 2023)])
def test_boundary_layer_fallback(raw_data, year, layer):
    gdf = boundaries.boundaries(year)
    assert gdf.attrs["boundary_year"] == layer
    assert gdf["code"].tolist() == councils.council_table(year)["code"].tolist()
    assert gdf.geometry.notna().all() and not gdf.geometry.is_empty.any()


def test_buckinghamshire_2020_is_its_districts_union(raw_data):
    gdf = boundaries.boundaries(2020).set_index("code")
    assert gdf.attrs["provenance"]["E06000060"].startswith("union of predecessors")
    old = boundaries.boundaries(2019).set_index("code")
    assert abs(gdf.at["E06000060", "geometry"].area / old.at["E10000002", "geometry"].area - 1) < 0.02


def test_regions_layer(raw_data):
    regions = ons_layers.regions_layer()
    assert len(regions) == 9 and regions.crs.to_epsg() == 27700
    assert set(regions["name"]) == set(councils.REGIONS)


def test_cli_build_prints_counts(raw_data, tmp_path, monkeypatch, capsys):
    from lgnet.cli import entry as cli, data as cli_data

    monkeypatch.setenv("LGNET_BUILD_DIR", str(tmp_path))
    # this test is about the council table; the attributes (another module) are tested on their own
    monkeypatch.setattr(cli_data, "_attributes_lines", lambda year, out, written: [])
    assert cli.main(["data", "build", "--year", "2017"]) == 0
    out = capsys.readouterr().out
    assert "Councils in existence on 1 April 2017: 353" in out
    assert "shire district         201" in out
    assert "Missing values: none" in out
    assert "ONS December 2017" in out
    built = pd.read_csv(tmp_path / "councils_2017.csv")
    assert len(built) == 353
    assert (tmp_path / "boundaries_2017.gpkg").exists()


def test_cli_build_rejects_bad_year(raw_data, capsys):
    from lgnet.cli import entry as cli

    assert cli.main(["data", "build", "--year", "2030"]) == 2
    assert "2014..2026" in capsys.readouterr().err
