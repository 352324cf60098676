"""lgnet_helpers: the notebook face (a thin module over lgnet.book.chapters). Built on tiny fixtures (six councils,
three partnerships) by replacing the cached loaders of lgnet.book.chapters.data; the real documented sample is
exercised once through the `raw_data` fixture."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import lgnet_helpers as lg
from lgnet.book.chapters import data as chapter_data, selection as chapter_selection
from lgnet.data.partnership_data import PartnershipData

_spec = importlib.util.spec_from_file_location("book_tiny", Path(__file__).parents[1] / "fixtures" / "book" / "tiny.py")
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)
tiny_councils, tiny_boundaries, tiny_pdata = _tiny.tiny_councils, _tiny.tiny_boundaries, _tiny.tiny_pdata


@pytest.fixture
def tiny(monkeypatch):
    """Swap the helpers' data loaders for the tiny fixtures (and clear the caches around the test)."""
    lg.clear_cache()
    councils = tiny_councils().assign(region="R1", county=pd.array([pd.NA] * 3 + ["C1"] * 3, dtype="string"))
    data = {"documented": tiny_pdata()}

    def fake_load(year, source, seed):
        if source == "simulated":
            pdata = tiny_pdata(("frontline",) * 3)
            return PartnershipData(pdata.partnerships, pdata.memberships, year, "simulated", simulated=True)
        return data[source]

    monkeypatch.setattr(chapter_data, "_load", fake_load)
    monkeypatch.setattr(chapter_data, "_council_table", lambda year: councils)
    monkeypatch.setattr(chapter_data, "_analysis_table", lambda year: councils)
    monkeypatch.setattr(chapter_data, "_boundaries", lambda year: tiny_boundaries(councils))
    monkeypatch.setattr(chapter_data, "_regions", lambda: tiny_boundaries(councils).dissolve().reset_index(drop=True))
    yield data
    lg.clear_cache()


def test_article_constants_name_their_source():
    assert lg.ARTICLE["partnerships"]["value"] == 338
    assert (lg.ARTICLE["frontline"]["value"] + lg.ARTICLE["administrative"]["value"]
            + lg.ARTICLE["mixed"]["value"]) == 338
    assert lg.ARTICLE["partner_r2_max"]["value"] == 0.24
    assert "Dixon & Elston" in lg.ARTICLE_SOURCE and "padm.12649" in lg.ARTICLE_SOURCE


def test_article_vs_run_is_built_from_the_values_given():
    a = lg.article_vs_run([("partnerships", "partnerships", 153, "sample")])
    b = lg.article_vs_run([("partnerships", "partnerships", 338, "sample")])
    assert list(a.columns) == ["The article reports", "This run finds", "Note"]
    assert a.loc["partnerships", "The article reports"] == lg.ARTICLE["partnerships"]["text"]
    assert a.loc["partnerships", "This run finds"] == "153"
    assert b.loc["partnerships", "This run finds"] == "338"
    assert lg.ARTICLE_SOURCE in a.attrs["source"]
    free = lg.article_vs_run([("x", "a statement", "found", "")])
    assert free.loc["x", "The article reports"] == "a statement"


def test_setup_checks_its_arguments(tmp_path):
    run = lg.setup(year=2019, partnerships="simulated", seed=3, permutations=9)
    assert run.simulated and run.year == 2019 and hash(run) == hash(lg.setup(2019, "simulated", 3, 9))
    assert lg.setup(partnerships=tmp_path).partnerships == str(tmp_path.resolve())
    with pytest.raises(ValueError, match="permutations"):
        lg.setup(permutations=0)
    with pytest.raises(ValueError, match="mixed"):
        lg.setup(mixed="both")


def test_dataset_note_names_the_dataset(tiny):
    doc = lg.dataset_note(lg.setup(), needs="partner selection").markdown
    assert "documented sample, default set" in doc and "3 partnerships (7 memberships); 6 of the 6 councils" in doc
    assert "On this page: partner selection." in doc and doc.startswith("```{admonition}")
    sim = lg.dataset_note(lg.setup(partnerships="simulated")).markdown
    assert "Simulated" in sim and "cannot support any finding about English councils" in sim
    assert ":class: warning" in sim


def _found(table: pd.DataFrame, *rows: str) -> list[str]:
    return [table.loc[r, "This run finds"] for r in rows]


def test_compare_background_follows_the_data(tiny):
    run = lg.setup()
    rows = ("partnerships", "frontline", "mixed", "participation")
    assert _found(lg.compare_background(run), *rows) == ["3", "1 (33.3% of 3)", "1 (33.3% of 3)", "100.0%"]
    # change the input: drop a partnership -> the table changes (after clear_cache)
    p = tiny["documented"]
    kept = p.memberships[p.memberships["partnership_id"] != "P3"]
    tiny["documented"] = PartnershipData(p.partnerships.iloc[:2], kept, 2017, "documented")
    assert _found(lg.compare_background(run), *rows) == ["3", "1 (33.3% of 3)", "1 (33.3% of 3)", "100.0%"]  # cached
    lg.clear_cache()
    assert _found(lg.compare_background(run), *rows) == ["2", "1 (50.0% of 2)", "0 (0.0% of 2)",
                                                         "83.3%"]  # C1 no longer in a partnership


def test_chapter_one_tables_and_figures(tiny):
    run = lg.setup()
    overview = lg.overview_table(run)
    assert overview.loc["partnerships", "documented sample"] == "3"
    assert overview.loc["partnerships", "simulated stand-in"] == "3"
    assert overview.loc["partnerships", "article (2017)"] == "338"
    nat = lg.nature_table(run)
    assert nat.loc["all", "documented sample"] == 3 and nat.loc["frontline", "article (2017)"] == 182
    deg = lg.degree_table(run)
    assert deg.loc["most partnerships", "documented sample"] == "2"  # D1 is in P2 and P3
    fig = lg.partnership_map(run)
    legend = next(a.get_legend() for a in fig.get_axes() if a.get_legend())  # beside the map, under the inset
    assert "documented sample" in legend.get_title().get_text()
    assert "3 partnerships" in fig.alt_text
    assert "simulated stand-in" in lg.degree_figure(run).alt_text


def test_figure_output_carries_alt_text(tiny):
    fig = lg.function_breakdown(lg.setup())
    bundle = lg.FigureOutput(fig)._repr_mimebundle_()
    assert set(bundle) == {"image/png", "text/html", "text/plain"}
    assert 'alt="Horizontal bar chart of the 3 partnerships' in bundle["text/html"]
    fig.alt_text = ""
    with pytest.raises(ValueError, match="alt text"):
        lg.FigureOutput(fig)


@pytest.mark.slow
def test_documented_sample_overview_on_real_data(raw_data):
    lg.clear_cache()
    run = lg.setup()
    table = lg.compare_background(run)
    assert table.loc["councils", "This run finds"] == "353"
    expected = len(lg.partnership_data(run).partnerships)  # the default evidence set, counted from the files
    assert expected > 200
    assert table.loc["partnerships", "This run finds"] == str(expected)
    assert "documented sample" in lg.dataset_note(run).markdown


def test_a_model_that_cannot_be_fitted_is_reported_not_hidden(monkeypatch):
    lg.clear_cache()

    def failing(*args, **kwargs):
        raise ValueError("logistic fit did not converge")

    monkeypatch.setattr(chapter_selection, "_selection", failing)
    table = lg.logistic_table(lg.setup())
    assert (table.index.get_level_values("predictor") == "(model not fitted)").all()
    assert table["note"].str.contains("did not converge").all()


@pytest.mark.slow
def test_closing_tables_on_the_documented_sample(raw_data):
    """The closing tables are computed from the run's results (few permutations: structure, not values)."""
    lg.clear_cache()
    run = lg.setup(permutations=19, logistic_permutations=9)
    s = lg.selection_result(run).summary()
    table = lg.compare_partner_selection(run)
    assert table.loc["largest R² of any model", "This run finds"].startswith(f"{100 * s['r_squared'].max():.1f}%")
    p = lg.propensity_result(run).summary()
    assert lg.compare_propensity(run).loc["largest R² of any block or combined", "This run finds"].startswith(
        f"{100 * p['r2'].max():.1f}%")
    activity = lg.compare_activity(run)
    assert "km" in activity.loc["median distance between partners (per partnership)", "This run finds"]
    assert activity["Note"].str.startswith(("agrees", "differs", "not comparable", "description")).all()
    conclusions = lg.compare_conclusions(run)
    assert list(conclusions.columns) == ["The article reports", "This run finds", "Note"]
    assert "documented sample" in lg.synthesis_table(run).columns[0]


def test_propensity_falls_back_visibly_when_alignment_duplicates_party(tiny, monkeypatch):
    """With a single-party government 'aligned' equals a party dummy: the helper drops it and says so."""
    from lgnet.stats import propensity

    calls = []

    class Result:
        def __init__(self):
            self.notes = ["type: reference category 'shire district'"]

    def fake_models(table, degree, permutations, seed, blocks=None, quiet=True, **kwargs):
        calls.append(blocks)
        if blocks is None:
            raise propensity.PropensityInputError("design for [...] is rank deficient (6 < 7 columns)")
        return Result()

    monkeypatch.setattr(propensity, "propensity_models", fake_models)
    res = lg.propensity_result(lg.setup(permutations=9))
    assert calls[0] is None and "aligned_with_government" not in sum(calls[1].values(), [])
    assert res.notes[0].startswith("aligned_with_government left out")
    # the page shows the variable's label, not its name (lgnet.book.chapters.tables.relabel_text)
    assert "aligned with national government left out" in lg.propensity_notes(lg.setup(permutations=9)).markdown


def test_council_counts_with_and_without_participation(tiny):
    run = lg.setup()
    counts = lg.council_counts(run, participation=False)
    assert list(counts.columns) == ["councils"] and counts.loc["all councils", "councils"] == 6
    with_part = lg.council_counts(run)
    assert with_part.loc["all councils", "in ≥1 partnership (documented sample)"] == 6
    assert with_part.loc["county", "share"] == "100.0%"


# ---------------------------------------------------------------------------------------------
# the face itself: every name a notebook calls, and nothing but imports


def _notebook_calls() -> set[str]:
    names = set()
    for nb in (Path(__file__).parents[2] / "book").glob("*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            names |= set(re.findall(r"\blg\.([A-Za-z_][A-Za-z_0-9]*)", "".join(cell["source"])))
    return names


def test_every_name_the_notebooks_call_is_on_the_face():
    called = _notebook_calls()
    assert {"setup", "dataset_note", "glue_figure", "compare_conclusions"} <= called
    assert sorted(n for n in called if not hasattr(lg, n)) == []
    assert called <= set(lg.__all__)


def test_the_face_only_imports():
    """lgnet_helpers stays a thin face: a docstring and imports, no function or class of its own."""
    tree = ast.parse(Path(lg.__file__).read_text(encoding="utf-8"))
    defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert defined == []
    listed = ast.get_docstring(tree)
    assert all(name in listed for name in _notebook_calls() if not name.isupper())


def test_every_chapter_level_function_takes_the_run_first():
    """One calling convention for the notebooks: ``lg.f(run, ...)`` (setup makes the run; the display tools
    take what they display)."""
    import inspect

    not_chapter_level = {"setup", "clear_cache", "glue_figure", "article_vs_run", "label", "dataset_note"}
    wrong = []
    for name in lg.__all__:
        obj = getattr(lg, name)
        if name in not_chapter_level or inspect.isclass(obj) or not inspect.isfunction(obj):
            continue
        first = next(iter(inspect.signature(obj).parameters), None)
        if first != "run":
            wrong.append(f"{name}({first})")
    assert wrong == []


def test_coverage_decides_what_each_row_can_compare():
    from lgnet.book.chapters.run import Coverage

    # the documented default set of 2017: near the whole network, long tail missing
    doc = Coverage(False, 341, 353, 341 / 353, 10.0, 3.0, 2.84)
    assert doc.near_whole and doc.tail_missing
    ok, why = doc.supports("totals")
    assert not ok and "long tail" in why and "at most 10 partnerships per council against the article's 33" in why
    assert doc.supports("participation") == (True, "") and doc.supports("median") == (True, "")
    assert doc.supports("propensity") == (True, "")
    ok, caveat = doc.supports("propensity_r2")
    assert ok and caveat.startswith("caveat") and "compressed range" in caveat
    # a partial sample: participation and propensity not comparable, partner selection still is
    part = Coverage(False, 239, 353, 239 / 353, 9.0, 2.0, 2.1)
    assert not part.near_whole and not part.supports("propensity")[0] and "239 (67.7%)" in part.supports("median")[1]
    assert part.supports("selection") == (True, "")
    # a whole network with its tail: everything comparable; simulated: nothing
    whole = Coverage(False, 343, 353, 343 / 353, 33.0, 3.0, 4.0)
    assert all(whole.supports(q) == (True, "") for q in ("totals", "participation", "propensity_r2", "selection"))
    sim = Coverage(True, 343, 353, 343 / 353, 33.0, 3.0, 4.0)
    assert not any(sim.supports(q)[0] for q in ("totals", "median", "selection"))
    with pytest.raises(ValueError):
        doc.supports("everything")


def test_compare_background_gives_row_specific_verdicts(tiny):
    t = lg.compare_background(lg.setup())
    notes = t["Note"].to_list()
    # tiny fixture: every council in a partnership (near whole), at most 2 partnerships per council (no tail)
    assert t.loc["partnerships", "Note"].startswith("not comparable: the sample lacks the long tail")
    assert t.loc["participation", "Note"].startswith("agrees")
    assert t.loc["partnerships per council (median)", "Note"].startswith("differs")  # median 1.5 against 3
    assert t.loc["frontline", "Note"].startswith(("agrees", "differs")) and "95% interval" in t.loc["frontline", "Note"]
    assert len(set(notes)) >= 5
    assert all(n.startswith(("agrees", "differs", "not comparable")) for n in notes)


def test_chapter_five_reading_follows_coverage_for_every_evidence_set(tiny, monkeypatch):
    from lgnet.book.chapters import notes as chapter_notes
    from lgnet.book.chapters.run import Coverage

    # the same text for 'documented-strict' as for 'documented': both come from the run's coverage
    strict = lg.setup(partnerships="documented-strict")
    monkeypatch.setattr(chapter_notes, "coverage", lambda run: Coverage(False, 335, 353, 335 / 353, 10.0, 3.0, 2.7))
    text = chapter_notes.support_sentence(strict)
    assert "close to the whole network" in text and "compressed range" in text
    assert "publish their arrangements" not in text and "partial and geographically uneven" not in text
    monkeypatch.setattr(chapter_notes, "coverage", lambda run: Coverage(False, 200, 353, 200 / 353, 8.0, 2.0, 2.0))
    assert "say little about propensity" in chapter_notes.support_sentence(strict)
