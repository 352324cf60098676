"""Teaching: the capabilities the exercises need (leave a block out, planted effects of the simulator) and the
exercises' reruns with their worked answers (lgnet.book.answers)."""

import pytest

import lgnet_helpers as lg


def test_leave_out_a_block_of_propensity_predictors():
    with pytest.raises(ValueError, match="leave_out"):
        lg.setup(leave_out="weather")
    full = lg.setup(permutations=19)
    less = lg.setup(permutations=19, leave_out="organisational")
    assert less.leave_out == "organisational" and full.leave_out == ""
    models_full = list(lg.propensity_summary(full).index)
    models_less = list(lg.propensity_summary(less).index)
    assert any("organisational" in str(m) for m in models_full)
    assert not any("organisational" in str(m) for m in models_less) and len(models_less) == len(models_full) - 1


SMALL = dict(permutations=19, logistic_permutations=9)


@pytest.mark.parametrize("chapter", ["background", "propensity", "selection", "subsets", "synthesis",
                                     "validation"])
def test_every_answer_runs_its_rerun_and_is_hidden(chapter):
    """Each exercise's answer (with its rerun, where it has one) on small settings: a closed dropdown with
    numbers from the run and no raw variable names."""
    from lgnet.book import answers

    run = lg.setup(**SMALL)
    numbers = answers.exercises(chapter)
    assert numbers == [1, 2, 3]
    for n in numbers:
        doc = lg.answer(run, chapter, n)._repr_markdown_()
        assert doc.startswith("```{admonition} Answer to exercise") and ":class: dropdown" in doc
        assert "nan" not in doc.lower().replace("financ", "").replace("nance", "")
        assert "same_region" not in doc and "opportunities_30mi" not in doc


def test_answer_refuses_unknown_chapters_and_numbers():
    run = lg.setup(**SMALL)
    with pytest.raises(ValueError, match="chapter"):
        lg.answer(run, "nope", 1)
    with pytest.raises(ValueError, match="no answer"):
        lg.answer(run, "propensity", 9)


# ---------------------------------------------------------------------------------------------------------------
# answers agree with the run and with the tables they refer to (on the documented sample and the stand-in)


@pytest.fixture(scope="module", params=["documented", "simulated"])
def small_run(request):
    return lg.setup(partnerships=request.param, **SMALL)


def _text(run, chapter, n):
    return lg.answer(run, chapter, n)._repr_markdown_()


def test_metropolitan_answer_words_itself_from_the_sign_and_p(small_run):
    from lgnet.book.answers import propensity as ans

    est, p = ans.metro_coefficient(small_run)
    text = _text(small_run, "propensity", 3)
    assert ("**more** partnerships" in text) == (est > 0) and ("**fewer** partnerships" in text) == (est < 0)
    assert ("unlikely to be chance" in text) == (p < 0.05)


def test_the_exercises_ask_for_a_sign_rather_than_assert_one():
    import nbformat

    from lgnet.data import paths

    nb = nbformat.read(paths.ROOT / "book" / "02_propensity.ipynb", as_version=4)
    text = " ".join(c.source for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("**Exercise"))
    assert "partnered *less*" not in text and "yet partnered" not in text
    assert "small but \"significant\"" not in text
    assert "more or fewer" in text


def test_block_r2_answer_follows_the_p_values(small_run):
    from lgnet.book.answers.propensity import _summary

    text = _text(small_run, "propensity", 1)
    own = {m: v for m, v in _summary(small_run).items() if m != "combined"}
    best = max(own, key=lambda m: own[m]["r2"])
    assert f"the **{best}** block" in text
    verdict = "unlikely under no association" if own[best]["p"] < 0.05 else "not distinguishable from shuffled"
    assert verdict in text.split("In the simulated")[0]
    assert "metropolitan districts are less active" not in text


def test_chapter_1_answer_quotes_the_mean_of_the_degree_table(small_run):
    text = _text(small_run, "background", 1)
    table = lg.degree_table(small_run)
    mean = table.loc["mean", "simulated stand-in"] if "simulated stand-in" in table.columns else table.loc["mean"].iloc[0]
    assert f"mean partnerships per participating council ({mean} against 4)" in text


def test_proximity_answer_rounds_as_the_table_does(small_run):
    from lgnet.book.chapters import tables

    prox = lg.proximity_table(small_run)
    body = tables.tidy(prox)
    expected = body.iloc[0, 2]  # "expected from distance alone", as the book shows it
    text = _text(small_run, "selection", 2)
    assert f"against {expected} expected" in text


@pytest.mark.parametrize("block", ["organisational", "resource"])
def test_propensity_answers_hold_when_the_run_leaves_a_block_out(small_run, block):
    """Exercise 2 asks the student to set leave_out: the answers compare with the full model whatever the run's
    own leave_out, and do not fail or describe the reduced model as 'all three blocks'."""
    import dataclasses

    from lgnet.book.answers import propensity as ans

    reduced = dataclasses.replace(small_run, leave_out=block)
    assert _text(reduced, "propensity", 2) == _text(small_run, "propensity", 2)
    assert _text(reduced, "propensity", 3) == _text(small_run, "propensity", 3)
    assert ans.metro_coefficient(reduced) == ans.metro_coefficient(small_run)
