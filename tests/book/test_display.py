"""The one p-value formatter of the book, its stars, Holm's adjustment and the computed verdicts."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from lgnet.book.chapters import display as d


@pytest.mark.parametrize("p,R,text", [
    (0.01, 99, "≤ 0.01"),          # b = 0 of 99: the floor 1/(R+1)
    (0.0, 99, "≤ 0.01"),           # sna's b/N convention at 0: never '0.000'
    (0.02, 99, "0.020"),
    (0.001, 999, "≤ 0.001"),       # b = 0 of 999
    (0.0004, 9999, "< 0.001"),     # only R >= 999 may print '< 0.001'
    (0.0001, 9999, "< 0.001"),
    (0.05, 19, "≤ 0.05"),
    (1 / 20, 19, "≤ 0.05"),
    (1 / 10, 9, "≤ 0.1"),
    (0.5, 999, "0.500"),
    (1.0, 99, "1.000"),
])
def test_permutation_p_floors(p, R, text):
    assert d.p_cell(p, R) == text


@pytest.mark.parametrize("R", [9, 19, 49, 99, 199, 499, 999, 1999, 9999])
def test_no_printed_p_below_the_floor_and_never_zero(R):
    floor = 1 / (R + 1)
    for b in range(0, 6):
        cell = d.p_cell((b + 1) / (R + 1), R)
        assert cell not in ("0.000", "0.0", "0")
        if cell.startswith("≤"):
            assert float(cell[1:]) >= floor - 1e-12
        elif cell.startswith("<"):
            assert R >= 999
        else:
            assert float(cell) >= floor - 5e-4  # three decimals of a p above the floor


def test_classical_p_and_text():
    assert d.p_cell(1e-12) == "< 0.001"
    assert d.p_cell(0.0) == "< 0.001"
    assert d.p_cell(float("nan")) == "–"
    assert d.p_text(0.01, 99) == "p ≤ 0.01"
    assert d.p_text(0.25, 99) == "p = 0.250"


def test_stars_follow_the_floor():
    assert d.stars(0.01, 99) == "*"          # at the floor of 99: not '**'
    assert d.stars(0.0, 99) == "*"
    assert d.stars(0.001, 999) == "**"       # at the floor of 999: not '***'
    assert d.stars(0.0001, 9999) == "***"
    assert d.stars(0.2, 99) == ""
    assert "***" not in d.stars_legend(99) and "**" not in d.stars_legend(99).replace("* p", "")
    assert "*** p < 0.001" in d.stars_legend(9999)


def test_holm_and_multiplicity_sentence():
    ps = [0.04] + [0.5] * 15
    adj = d.holm(ps)
    assert adj[0] == pytest.approx(0.64)
    s = d.multiplicity_sentence(ps, 999, what="predictors")
    assert "1 of 16 predictors" in s and "0 remain" in s and "0.8" in s
    assert math.isnan(d.holm([float("nan"), 0.01])[0])


def test_verdicts_computed_from_numbers():
    v = d.verdict
    assert v("coefficient", estimate=-0.2, p=0.01, permutations=999, article_sign=-1,
             article_significant=True).startswith("agrees")
    assert v("coefficient", estimate=0.2, p=0.01, permutations=999, article_sign=-1,
             article_significant=True) == "differs: opposite sign"
    assert v("coefficient", estimate=-0.2, p=0.3, permutations=999, article_sign=-1,
             article_significant=True).startswith("differs")
    assert v("coefficient", estimate=-0.2, p=0.3, permutations=999, article_significant=False).startswith("agrees")
    assert v("bound", value=0.03, bound=0.05).startswith("agrees")
    assert v("bound", value=0.07, bound=0.05).startswith("differs")
    assert v("bound", value=0.03, bound=0.05, comparable=False, why="sample").startswith("not comparable")
    # the same row with other numbers gives another note
    notes = {v("coefficient", estimate=e, p=p, permutations=99, article_sign=1, article_significant=True)
             for e, p in [(1, 0.01), (-1, 0.01), (1, 0.5)]}
    assert len(notes) == 3


def test_table_notes_render_under_the_table():
    t = d.with_notes(pd.DataFrame({"a": [1]}), "n = 1 council", "")
    html = d.table_html(t)
    assert html.index("<table") < html.index("n = 1 council")
    assert t.attrs["notes"] == ["n = 1 council"]


def test_coefficients_never_print_as_zero():
    assert [d.sig3(v) for v in (0.000506, -0.000506, 37.61, 123456.0, 0.0)] == [
        "0.000506", "-0.000506", "37.6", "123,456", "0"]


def test_share_count_and_floor_verdicts():
    v = d.verdict
    # 103 of 294 administrative partnerships against the article's 127 of 338: the article's share is inside
    assert v("share", count=103, total=294, article=127 / 338).startswith("agrees")
    assert v("share", count=40, total=294, article=127 / 338).startswith("differs")
    assert "95% interval" in v("share", count=103, total=294, article=127 / 338)
    assert v("value", value=3, article=3).startswith("agrees")
    assert v("value", value=2, article=3) == "differs (2 against 3)"
    assert v("bound", value=0.966, bound=0.97, at_least=True).startswith("differs (below")
    assert v("bound", value=0.98, bound=0.97, at_least=True).startswith("agrees")
    # a caveat travels after the verdict; 'not comparable' carries the row's own reason
    assert v("bound", value=0.107, bound=0.05, why="compressed range") == (
        "differs (above the article's bound of 5%); compressed range")
    assert v("value", value=294, article=338, comparable=False, why="a sample") == "not comparable: a sample"
    with pytest.raises(ValueError):
        v("median", value=1)


def test_estimates_use_one_number_format():
    # three significant figures everywhere (no '0.00077' beside '0.000183', no '-3.14e-05')
    assert d.estimate_stars(0.00077, 0.5, 99) == "0.000770"
    assert d.estimate_stars(-3.14e-05, 0.5, 99) == "-0.0000314"
    assert "e-" not in d.estimate_stars(-3.14e-05, 0.5, 99)
    assert d.signed(-0.0101) == "−0.0101" and d.signed(0.0966) == "+0.0966"


def test_estimate_p_goes_through_the_p_formatter():
    # 199 permutations: a p at the floor prints as 'p ≤ 0.005', never 'p = 0.005'
    assert d.estimate_p(0.5, 0.005, 199) == "0.500 (p ≤ 0.005)"
    assert d.estimate_p(0.5, 0.02, 49) == "0.500 (p ≤ 0.02)"
    assert d.estimate_p(0.5, 0.2, 49) == "0.500 (p = 0.200)"


def test_a_coefficient_verdict_with_too_few_permutations_to_reach_alpha_is_not_comparable():
    """With 19 permutations the smallest p is 1/20 = 0.05: 'not significant' would be a verdict the run could
    not have avoided, so the row says it cannot be compared and why."""
    from lgnet.book.chapters.display import verdict

    v = verdict("coefficient", estimate=0.3, p=0.05, permutations=19, article_sign=1, article_significant=True)
    assert v.startswith("not comparable") and "19 permutations" in v and "0.05" in v
    assert verdict("coefficient", estimate=0.3, p=0.01, permutations=99, article_sign=1,
                   article_significant=True).startswith("agrees")


def test_value_verdict_at_the_articles_precision():
    """The article gives the mean as a whole number ('mean 4'): 4.2 agrees at that precision, 4.6 does not."""
    from lgnet.book.chapters.display import verdict

    assert verdict("value", value=4.2, article=4, digits=0).startswith("agrees")
    assert verdict("value", value=4.6, article=4, digits=0).startswith("differs")
    assert verdict("value", value=4.2, article=4).startswith("differs")  # exact when no precision is given


def test_chapter_one_answer_uses_the_closing_tables_rules():
    """The exercise's list of matching rows follows the table: participation at or above 97% agrees, and the mean
    is compared at the article's precision."""
    from lgnet.book.answers.background import matches

    d = {"partnerships": 0, "partnerships_by_nature": {}, "participation": 0.97,
         "degree_participants": {"median": 0, "mean": 4.2, "max": 0}}
    same, _ = matches(d)
    assert any(s.startswith("councils in ≥1 partnership") for s in same)
    assert any(s.startswith("mean partnerships") for s in same)
