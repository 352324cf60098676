"""Partner-selection R² is tested against its own permutation null (Y-permutation), like propensity R²."""

from __future__ import annotations

import pytest

from lgnet.stats import dyadic, qap, selection


def test_every_mrqap_model_reports_its_r_squared_p(network_fx):
    pdata, t = network_fx
    res = selection.partner_selection_models(pdata, t, specs={"p": ["distance_km"], "r": ["same_region"]},
                                             permutations=19, seed=3)
    s = res.summary()
    assert "r_squared_p" in s.columns
    assert s["r_squared_p"].between(1 / 20, 1).all()
    expected = qap.mrqap(dyadic.response(pdata, t), dyadic.predictor_matrices(t, ["distance_km"]),
                         permutations=19, seed=3, r2_test=True)
    assert s.set_index("model").at["p", "r_squared_p"] == pytest.approx(expected.r_squared_p)


def test_logistic_models_have_no_r_squared_p(network_fx):
    pdata, t = network_fx
    res = selection.partner_selection_models(pdata, t, specs={"p": ["distance_km"]}, permutations=9, seed=3,
                                             logistic=True)
    assert "r_squared_p" not in res.summary().columns
