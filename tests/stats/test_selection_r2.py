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


def test_standardised_coefficients_of_a_model_on_its_own_sample(network_fx):
    """A council without party data stays in the models without party: their standardised coefficients use
    that model's own councils (it once took the union of every model's variables and refused)."""
    pdata, t = network_fx
    t = t.copy()
    t.loc[0, "party_control"] = float("nan")
    specs = {"proximity": ["distance_km"], "political": ["same_party"]}
    res = selection.partner_selection_models(pdata, t, specs=specs, permutations=9, seed=1, common_sample=False)
    prox = selection.standardised_coefficients(pdata, t, specs["proximity"], res.models["proximity"])
    assert res.models["proximity"].n_nodes == 12 and prox["std_estimate"].notna().all()
    idx, sds = selection.predictor_sds(t, specs["political"])
    assert idx.size == 11 and set(sds) == {"same_party"}
