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
