"""lgnet.book.figures: every figure has labelled axes (with units), no title, and alt text computed from its data."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

from lgnet.book import figures

_spec = importlib.util.spec_from_file_location("book_tiny", Path(__file__).parents[1] / "fixtures" / "book" / "tiny.py")
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)
tiny_councils, tiny_boundaries, tiny_pdata = _tiny.tiny_councils, _tiny.tiny_boundaries, _tiny.tiny_pdata


def _labels(fig: Figure) -> tuple[str, str, str]:
    ax = fig.axes[0]
    return ax.get_xlabel(), ax.get_ylabel(), ax.get_title()


def test_tie_segments_one_line_per_pair_and_nature():
    seg = figures.tie_segments(tiny_pdata(), tiny_councils())
    # P1: 3 councils -> 3 pairs; P2: 1 pair; P3: 1 pair
    assert len(seg) == 5
    assert sorted(seg["nature"].value_counts().to_dict().items()) == [
        ("administrative", 1), ("frontline", 3), ("mixed", 1)]
    row = seg[(seg["code_a"] == "D1") & (seg["code_b"] == "D2")].iloc[0]
    assert (row["x_a"], row["x_b"]) == (5_000, 15_000)


def test_partnership_map_labels_units_and_alt_text():
    councils = tiny_councils()
    fig = figures.partnership_map(tiny_boundaries(councils), councils, tiny_pdata(), label="fixture")
    xlabel, ylabel, title = _labels(fig)
    assert "km" in xlabel and "km" in ylabel and "British National Grid" in xlabel
    assert title == ""
    assert "3 partnerships" in fig.alt_text
    assert "5 lines" in fig.alt_text
    assert "1 frontline" not in fig.alt_text and "3 frontline" in fig.alt_text
    assert "6 councils are members" in fig.alt_text


def test_partnership_map_alt_text_follows_the_data():
    councils = tiny_councils()
    b = tiny_boundaries(councils)
    a = figures.partnership_map(b, councils, tiny_pdata()).alt_text
    c = figures.partnership_map(b, councils, tiny_pdata(("frontline", "frontline", "frontline"))).alt_text
    assert a != c and "5 frontline" in c


def test_partnership_map_refuses_wrong_crs_and_unknown_codes():
    councils = tiny_councils()
    with pytest.raises(figures.FigureInputError, match="27700"):
        figures.partnership_map(tiny_boundaries(councils, crs=4326), councils, tiny_pdata())
    bad = tiny_pdata()
    bad.memberships.loc[0, "code"] = "E99"
    with pytest.raises(figures.FigureInputError, match="E99"):
        figures.partnership_map(tiny_boundaries(councils), councils, bad)


def test_function_breakdown():
    fig = figures.function_breakdown(tiny_pdata())
    xlabel, ylabel, title = _labels(fig)
    assert xlabel == "Partnerships (count)" and ylabel == "Function" and title == ""
    assert "3 partnerships" in fig.alt_text and "3 functions" in fig.alt_text


def test_degree_histogram_single_and_compared():
    deg = pd.Series([0, 1, 1, 2, 5], index=list("abcde"))
    fig = figures.degree_histogram(deg, label="sample")
    assert "count" in fig.axes[0].get_xlabel() and "%" in fig.axes[0].get_ylabel()
    assert "sample: 5 councils, 4 in at least one partnership" in fig.alt_text
    assert "maximum 5" in fig.alt_text
    fig2 = figures.degree_histogram({"sample": deg, "stand-in": pd.Series([1, 2, 3])})
    assert "stand-in: 3 councils" in fig2.alt_text
    with pytest.raises(figures.FigureInputError):
        figures.degree_histogram(pd.Series([], dtype=int))


def test_tie_distance_plot():
    d = pd.DataFrame({"nature": ["frontline"] * 3 + ["administrative"] * 2,
                      "distance_km": [10, 20, 30, 40, 60]})
    fig = figures.tie_distance_plot(d, group="nature")
    assert "(km)" in fig.axes[0].get_xlabel()
    assert "frontline: 3 ties, median 20 km" in fig.alt_text
    assert "administrative: 2 ties, median 50 km" in fig.alt_text
    with pytest.raises(figures.FigureInputError, match="distance_km"):
        figures.tie_distance_plot(d.rename(columns={"distance_km": "d"}), group="nature")


def test_r_squared_plot():
    r2 = pd.DataFrame({"sample": [0.01, 0.04], "stand-in": [0.02, 0.03]}, index=["resource", "combined"])
    fig = figures.r_squared_plot(r2, reference=0.05, reference_label="article")
    assert "%" in fig.axes[0].get_xlabel()
    assert "sample: resource 1.0%, combined 4.0%" in fig.alt_text and "(5%)" in fig.alt_text


def test_coefficient_plot_and_validation_plots():
    table = pd.DataFrame({"term": ["(intercept)", "same_region", "distance_km"],
                          "estimate": [0.1, 0.5, -0.01], "p_value": [0.5, 0.001, 0.2]})
    fig = figures.coefficient_plot(table)
    assert "2 coefficients; 1 have permutation p below 0.05" in fig.alt_text
    rec = pd.DataFrame({"term": ["a", "b"], "planted": [1.0, -1.0], "recovered": [0.8, 0.2]})
    assert "1 of the 2 non-zero planted effects" in figures.planted_vs_recovered(rec).alt_text
    cal = pd.DataFrame({"effect": [0.0, 0.5, 0.0, 0.5], "method": ["dsp", "dsp", "classical", "classical"],
                        "rejection_rate": [0.05, 0.6, 0.4, 0.9], "ci_low": [0.02, 0.5, 0.3, 0.8],
                        "ci_high": [0.1, 0.7, 0.5, 0.95]})
    fig = figures.rejection_rate_plot(cal)
    assert "dsp: 5% at effect 0, 60% at effect 0.5" in fig.alt_text and "%" in fig.axes[0].get_ylabel()


def test_partnership_map_draws_regions_when_given():
    councils = tiny_councils()
    regions = tiny_boundaries(councils).dissolve().reset_index(drop=True)
    fig = figures.partnership_map(tiny_boundaries(councils), councils, tiny_pdata(), regions_gdf=regions)
    assert "regions outlined" in fig.alt_text
    labels = [t.get_text() for a in fig.axes if a.get_legend() for t in a.get_legend().get_texts()]
    assert "region boundary" in labels
    with pytest.raises(figures.FigureInputError, match="region boundaries"):
        figures.partnership_map(tiny_boundaries(councils), councils, tiny_pdata(), regions_gdf=regions.to_crs(4326))


def test_partnership_map_has_an_inset_region_labels_and_the_outlines_its_legend_promises():
    councils = tiny_councils()
    b = tiny_boundaries(councils)
    regions = b.dissolve().reset_index(drop=True).assign(name="North East")
    fig = figures.partnership_map(b, councils, tiny_pdata(), regions_gdf=regions, inset=(0, 0, 20_000, 20_000))
    main = fig.axes[0]
    sub = main.child_axes[0]  # the inset, inside England's panel (in the sea)
    assert sub.get_xlim() == (0, 20_000) and "London" in sub.get_title()
    assert "North East" in [t.get_text() for t in main.texts]
    legend = [t.get_text() for a in fig.axes if a.get_legend() for t in a.get_legend().get_texts()]
    assert "council boundary" in legend and "region boundary" in legend
    assert ("county council area" in legend) == bool((b["type"] == "county").any())
    assert "An inset enlarges London" in fig.alt_text and "labelled (North East)" in fig.alt_text
    assert "Each line joins the centroids of two councils" in fig.alt_text and "5 pairs of councils" in fig.alt_text
    no_inset = figures.partnership_map(b, councils, tiny_pdata(), inset=None)
    assert not any("London" in a.get_title() for a in no_inset.axes) and "inset" not in no_inset.alt_text


def test_function_labels_are_words():
    assert figures.function_label("audit_finance") == "Audit and finance"
    assert figures.function_label("hr_payroll") == "HR and payroll"
    assert figures.function_label("ict") == "ICT"
    assert figures.function_label("some_new_thing") == "Some new thing"
    v2 = ("waste planning_building_control social_care management_team audit_finance archives_culture legal "
          "multi_service economic_development regulatory housing revenues_benefits procurement parking_cctv ict "
          "hr_payroll emergency_planning public_health environment bereavement pensions customer_services other")
    assert all(code in figures.FUNCTION_LABELS for code in v2.split())
    fig = figures.function_breakdown(tiny_pdata())
    assert all("_" not in t.get_text() for t in fig.axes[0].get_yticklabels())


def test_coverage_map_shares_the_inset_labels_regions_and_says_what_it_counts():
    councils = tiny_councils()
    b = tiny_boundaries(councils)
    regions = b.dissolve().reset_index(drop=True).assign(name="North East")
    counts = pd.Series({c: i % 3 for i, c in enumerate(councils["code"])})
    fig = figures.coverage_map(b, counts, regions_gdf=regions, what="records of the all set",
                               inset=(0, 0, 20_000, 20_000))
    main = fig.axes[0]
    assert main.get_legend().get_title().get_text().replace("\n", " ") == "Number of records of the all set"
    assert main.child_axes and "London" in main.child_axes[0].get_title()
    assert "North East" in [t.get_text() for t in main.texts]
    assert "records of the all set" in fig.alt_text and "An inset enlarges London" in fig.alt_text
    # "none" is not a shade of the sequential scale
    none, one = figures.COVERAGE_COLOURS[:2]
    assert none.lower() not in ("#ffffff", "#fff") and none != one


def test_the_maps_share_one_layout():
    councils = tiny_councils()
    b = tiny_boundaries(councils)
    a = figures.partnership_map(b, councils, tiny_pdata(), inset=(0, 0, 20_000, 20_000))
    c = figures.coverage_map(b, pd.Series(dtype=int), inset=(0, 0, 20_000, 20_000))
    assert a.axes[0].get_position().bounds == c.axes[0].get_position().bounds
    assert a.axes[0].child_axes[0].get_position().bounds == c.axes[0].child_axes[0].get_position().bounds
