"""Council attributes: the formulas on hand-computed fixtures, the readers and joins on the real files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lgnet.data import attributes as attr
from lgnet.data import sources

FIXTURES = Path(__file__).parents[1] / "fixtures" / "attributes"


# ------------------------------------------------------------------------------------------
# formulas on small fixtures
# ------------------------------------------------------------------------------------------
def test_fractionalisation_matches_hand_computed_values():
    table = pd.read_csv(FIXTURES / "ethnic_counts.csv").set_index("case")
    got = attr.fractionalisation(table[["g1", "g2", "g3", "g4"]])
    expected = table["expected"]
    for case in table.index:
        if pd.isna(expected[case]):
            assert math.isnan(got[case]), case
        else:
            assert got[case] == pytest.approx(expected[case]), case


def test_fractionalisation_rejects_negative_counts():
    with pytest.raises(ValueError, match="negative"):
        attr.fractionalisation(pd.DataFrame({"a": [1, -1], "b": [1, 1]}))


def _single_years(values: dict[str, float]) -> pd.DataFrame:
    cols = [str(a) for a in range(90)] + ["90+"]
    row = {c: 0.0 for c in cols}
    row.update(values)
    return pd.DataFrame([row])


def test_age_bands_collapse_single_years():
    frame = _single_years({"0": 1, "15": 2, "16": 3, "24": 4, "44": 5, "45": 6, "74": 7, "75": 8, "90+": 9})
    bands = attr.age_band_counts(frame)
    assert bands.columns.to_list() == ["0-15", "16-24", "25-44", "45-64", "65-74", "75+"]
    assert bands.iloc[0].to_list() == [3, 7, 5, 6, 7, 17]
    # two equal halves -> 0.5
    halves = attr.age_band_counts(_single_years({"3": 10, "80": 10}))
    assert attr.fractionalisation(halves).iloc[0] == pytest.approx(0.5)


def test_age_bands_must_cover_every_age_once():
    with pytest.raises(ValueError, match="cover every age"):
        attr.age_band_counts(_single_years({}), bands=((0, 15), (20, None)))
    with pytest.raises(ValueError, match="90\\+"):
        attr.age_band_counts(_single_years({}), bands=((0, 95), (96, None)))


def test_finance_ratio_definitions():
    table = pd.read_csv(FIXTURES / "rs_amounts.csv").set_index("case")
    got = attr.finance_ratios(table)
    for var in ("reserves_ratio", "external_income_ratio"):
        expected = table[f"expected_{var}"]
        for case in table.index:
            if pd.isna(expected[case]):
                assert math.isnan(got.at[case, var]), (var, case)
            else:
                assert got.at[case, var] == pytest.approx(expected[case]), (var, case)


def test_finance_ratios_ignore_schools_reserves():
    table = pd.read_csv(FIXTURES / "rs_amounts.csv").set_index("case").loc[["typical"]]
    more_schools = table.assign(schools_reserves=table["schools_reserves"] * 10)
    assert attr.finance_ratios(more_schools).equals(attr.finance_ratios(table))


def test_opportunities_within_30_miles():
    # points on a line at 0, 40 km, 48.28 km (just inside 30 miles from 0), 100 km, and one without coordinates
    x = [0.0, 40_000.0, 48_280.0, 100_000.0, np.nan]
    y = [0.0, 0.0, 0.0, 0.0, np.nan]
    got = attr.opportunities_within(x, y)
    assert got.tolist() == [2, 2, 2, 0, -1]
    assert attr.MILES_30_KM == pytest.approx(48.28032)


@pytest.mark.parametrize(
    "control, year, expected",
    [("LD", 2014, 1), ("CON", 2014, 1), ("LAB", 2014, 0), ("LD", 2015, 0), ("CON", 2017, 1),
     ("CON", 2023, 1), ("LAB", 2023, 0), ("LAB", 2024, 1), ("CON", 2024, 0), ("NOC", 2017, 0),
     ("UKIP", 2017, 0), ("REF", 2025, 0)],
)
def test_alignment_with_national_government(control, year, expected):
    assert attr.aligned(control, year) == expected


def test_party_categories_and_control_changes():
    assert [attr.party_category(c) for c in ["CON", "LAB", "LD", "NOC", "UKIP", "OTH", "GRN"]] == [
        "CON", "LAB", "LD", "NOC", "other", "other", "other"]
    assert attr.control_changes(["LAB", "LAB", "NOC", "LAB"]) == 2
    assert attr.control_changes(["CON"]) == 0


def test_default_politics_year_and_window():
    assert attr.default_politics_year(2014) == "earliest"
    assert attr.default_politics_year(2017) == "earliest"
    assert attr.default_politics_year(2018) == 2018
    assert attr.default_politics_year(2020) == 2019  # no octolamp file for 2020
    assert attr.default_stability_window("earliest") == (2014, 2021)
    assert attr.default_stability_window(2019) == (2014, 2021)
    assert attr.default_stability_window(2024) == (2017, 2024)
    with pytest.raises(ValueError, match="politics_year"):
        attr._check_politics_year(2020)


def test_predecessors_follow_replaced_by_chains():
    reg = sources.tidy_registry(pd.read_csv(FIXTURES / "registry_mini.csv", dtype=str, keep_default_na=False))
    assert "CRF" not in reg.index and "WMCA" not in reg.index  # Welsh and combined authorities dropped
    base = set(sources.councils_on(reg, 2017).index)
    assert base == {"SOM", "MEN", "SEG", "SSO", "TAU", "WSO", "NTH", "COR", "DAV", "GAT"}
    # Somerset 2023 <- Somerset West and Taunton 2019 <- Taunton Deane, West Somerset
    assert sources.predecessors(reg, "SMT", base) == ["MEN", "SEG", "SOM", "SSO", "TAU", "WSO"]
    assert sources.predecessors(reg, "NNT", base) == ["COR", "NTH"]
    assert sources.predecessors(reg, "GAT", base) == ["GAT"]
    assert sources.gss_to_la_code(reg)["E08000020"] == "GAT"  # former code
    assert attr._final_successors(reg, "NTH") == {"NNT", "WNT"}
    assert attr._final_successors(reg, "TAU") == {"SMT"}
    # councils on 1 April: Taunton Deane ended 31 March 2019, Somerset West and Taunton started 1 April
    assert "TAU" not in sources.councils_on(reg, 2019).index
    assert "SWT" in sources.councils_on(reg, 2019).index


def test_ethnic_detail_columns_exclude_subtotals():
    cols = [
        "Ethnic Group: All categories: Ethnic group; measures: Value",
        "Ethnic Group: White; measures: Value",
        "Ethnic Group: White: Irish; measures: Value",
        "Ethnic Group: Other; measures: Value",
        "Ethnic Group: Other ethnic group: Arab; measures: Value",
    ]
    assert sources.ethnic_detail_columns(cols) == [cols[2], cols[4]]


def test_data_dictionary_documents_every_column():
    from lgnet.data.councils import COLUMNS

    d = attr.data_dictionary()
    assert list(d.columns[: len(attr.DICTIONARY_COLUMNS)]) == attr.DICTIONARY_COLUMNS
    documented = set(d["variable"])
    assert set(attr.ATTRIBUTE_COLUMNS) <= documented
    assert set(COLUMNS) - {"alt_names"} <= documented
    blocks = dict(zip(d["variable"], d["block"]))
    assert {blocks[v] for v in attr.RESOURCE} == {"resource"}
    assert {blocks[v] for v in attr.POLITICAL} == {"political"}
    assert {blocks[v] for v in attr.ORGANISATIONAL + ["type", "region", "county"]} == {"organisational"}
    for v in attr.ATTRIBUTE_COLUMNS:  # every attribute has a definition, a source, a year and a formula
        row = d[d["variable"] == v].iloc[0]
        assert row["definition"] and row["source"] and row["source_year"] and row["formula"], v


def test_data_dictionary_rejects_unknown_block(tmp_path):
    bad = tmp_path / "dictionary.csv"
    bad.write_text(",".join(attr.DICTIONARY_COLUMNS) + "\npopulation,Pop,money,d,s,2017,f,\n")
    with pytest.raises(ValueError, match="line 2: block 'money'"):
        attr.data_dictionary(bad)


# ------------------------------------------------------------------------------------------
# readers on the real files
# ------------------------------------------------------------------------------------------
def test_population_reader_england_total(raw_data):
    pop = sources.district_population(raw_data)
    assert len(pop) == 326
    assert pop["total"].sum() == 55_619_430  # ONS mid-2017 England total (SOURCE.txt)
    assert {"BST", "HEF", "KHL", "SHE"} <= set(pop.index)  # the name variants and Shepway = Folkestone and Hythe


def test_census_reader(raw_data):
    eth = sources.census_ethnicity(raw_data)
    assert len(eth) == 326
    assert eth.shape[1] == 19  # total + 18 detailed groups
    assert eth["total"].sum() == 53_012_456  # 2011 Census usual residents of England
    assert "GAT" in eth.index and "SAL" in eth.index  # post-2013 codes matched through the registry


def test_rs_reader_joins_every_2017_council(raw_data):
    rs = sources.rs_by_council(raw_data)
    assert len(rs) == 353
    assert rs.loc["BAS", "rs_name"] == "Bath & North East Somerset UA"
    # values as printed in the workbook for Bath & North East Somerset (GBP thousand)
    assert rs.loc["BAS", "net_revenue_expenditure"] == 113165
    assert rs.loc["BAS", "council_tax_requirement"] == 78762
    assert rs.loc["BAS", "earmarked_reserves"] == 17971
    assert rs.loc["BAS", "Education services"] == 146939


def test_octolamp_reader(raw_data):
    o = sources.read_octolamp(raw_data, 2017)
    assert len(o) == 351  # 353 councils less the City of London and the Isles of Scilly
    assert o["la_code"].notna().all()
    assert not o["gss"].duplicated().any()
    o26 = sources.read_octolamp(raw_data, 2026).set_index("gss")
    assert o26.at["E08000016", "election"] == 2024  # lads/cuas disagree for Barnsley: later election kept
    assert "disagree" in o26.at["E08000016", "note"]


# ------------------------------------------------------------------------------------------
# the built attributes
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def build(raw_data, tmp_path_factory):
    """Build attributes into a temporary build folder (council tables are rebuilt there too)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LGNET_BUILD_DIR", str(tmp_path_factory.mktemp("build")))
        yield


def test_2017_attributes_complete_and_in_council_order(build):
    from lgnet.data.councils import council_table

    table = council_table(2017)
    values = attr.council_attributes(2017)
    assert values["code"].to_list() == table["code"].to_list()
    assert len(values) == 353
    for v in attr.RESOURCE + attr.ORGANISATIONAL:
        assert values[v].notna().all(), v
    gaps = attr.attribute_gaps(2017)
    no_party = set(gaps.loc[gaps["variable"] == "party_control", "code"])
    assert no_party == set(table.loc[table["type_detail"].isin(["City of London", "Isles of Scilly"]), "code"])
    # every missing value has exactly one reason
    missing = {(c, v) for v in attr.ATTRIBUTE_COLUMNS for c in values.loc[values[v].isna(), "code"]}
    assert missing == set(zip(gaps["code"], gaps["variable"]))
    assert set(values["party_control"].dropna()) <= set(attr.PARTY_CATEGORIES)
    assert values.loc[(~table["type"].eq("county")).to_numpy(), "population"].sum() == 55_619_430


def test_county_population_is_sum_of_its_districts(build):
    t = attr.analysis_table(2017)
    counties = t[t["type"] == "county"]
    assert len(counties) == 27
    for row in counties.itertuples():
        districts = t[(t["county"] == row.code) & (t["type"] == "shire district")]
        assert len(districts) >= 2
        assert row.population == districts["population"].sum(), row.name


def test_county_ethnic_diversity_from_summed_counts(raw_data, build):
    t = attr.analysis_table(2017)
    eth = sources.census_ethnicity(raw_data)
    kent = t[t["name"] == "Kent"].iloc[0]
    members = t.loc[t["county"] == kent["code"], "la_code"].astype(str)
    members = [m for m in members if m != kent["la_code"]]
    summed = eth.loc[members].drop(columns="total").sum().to_frame().T
    assert kent["ethnic_diversity"] == pytest.approx(attr.fractionalisation(summed).iloc[0])
    # ...which is not the mean of the districts' indices
    assert kent["ethnic_diversity"] != pytest.approx(t.loc[t["la_code"].isin(members), "ethnic_diversity"].mean())


def test_2019_merged_councils_carry_sums_of_predecessors(raw_data, build):
    t17 = attr.analysis_table(2017).set_index("la_code")
    t19 = attr.analysis_table(2019).set_index("la_code")
    assert len(t19) == 343
    # Bournemouth, Christchurch and Poole = Bournemouth + Christchurch + Poole
    assert t19.at["BPC", "population"] == t17.loc[["BMH", "CHC", "POL"], "population"].sum()
    # Dorset Council: RS amounts of Dorset County and its five remaining districts, summed, then the ratios
    rs = sources.rs_by_council(raw_data)
    parts = ["DOR", "EDO", "NDO", "PUR", "WDO", "WEY"]
    expected = attr.finance_ratios(rs.loc[parts].drop(columns=["rs_name", "rs_class"]).sum().to_frame().T).iloc[0]
    assert t19.at["DST", "reserves_ratio"] == pytest.approx(expected["reserves_ratio"])
    assert t19.at["DST", "external_income_ratio"] == pytest.approx(expected["external_income_ratio"])
    assert t19.at["DST", "population"] == t17.loc[parts[1:], "population"].sum()  # county not double counted
    notes = attr.attribute_notes(2019)
    bpc = notes[(notes["code"] == t19.at["BPC", "code"]) & (notes["variable"] == "reserves_ratio")]
    assert bpc["note"].str.contains("partial: Christchurch").any()
    # an unchanged council keeps its 2017 values
    assert t19.at["KEN", "population"] == t17.at["KEN", "population"]


def test_split_county_successors_have_no_finance_ratios(build):
    t21 = attr.analysis_table(2021).set_index("la_code")
    assert t21.loc[["NNT", "WNT"], "reserves_ratio"].isna().all()
    assert t21.loc[["NNT", "WNT"], "population"].notna().all()
    gaps = attr.attribute_gaps(2021)
    reasons = gaps.loc[gaps["code"] == t21.at["NNT", "code"], "reason"]
    assert reasons.str.contains("Northamptonshire").any()


def test_politics_year_keyword(build):
    t = attr.analysis_table(2017, politics_year=2019).set_index("la_code")
    assert pd.isna(t.at["WDO", "party_control"])  # West Dorset was abolished in March 2019
    gaps = attr.attribute_gaps(2017, politics_year=2019)
    assert gaps.loc[(gaps["code"] == t.at["WDO", "code"]) & (gaps["variable"] == "party_control"),
                    "reason"].str.contains("abolished").all()
    notes = attr.attribute_notes(2017)
    years = notes.loc[notes["variable"] == "party_control", "note"].str.extract(r"octolamp (\d{4})")[0].astype(int)
    assert years.min() == 2014 and years.max() == 2017  # earliest records span 2014-2017
