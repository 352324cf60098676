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
