"""Propensity models: planted effects found, nulls not, Freedman–Lane equal to a slow refit loop and
calibrated, missing rows reported, same seed same tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from lgnet.stats import propensity as prop

TYPES = ["shire district"] * 6 + ["unitary", "metropolitan district", "London borough", "county"]
PARTIES = ["CON", "CON", "LAB", "LAB", "NOC", "LD"]


def synthetic_table(n: int = 300, seed: int = 1, ethnic_effect: float = 0.0, met_effect: float = 0.0):
    """A council-like table with every BLOCKS variable; degree planted from ethnic diversity and met type."""
    rng = np.random.default_rng(seed)
    t = pd.DataFrame({
        "code": [f"E{i:08d}" for i in range(n)],
        "type": rng.choice(TYPES, n),
        "population": np.exp(rng.normal(11.5, 0.5, n)),
        "ethnic_diversity": rng.uniform(0, 0.7, n),
        "age_diversity": rng.normal(0.87, 0.02, n),
        "reserves_ratio": rng.gamma(2, 0.15, n),
        "external_income_ratio": rng.uniform(0.1, 0.6, n),
        "opportunities_30mi": rng.poisson(15, n).astype(float),
        "complexity": rng.normal(10, 3, n),
        "party_control": rng.choice(PARTIES, n),
        "aligned_with_government": rng.integers(0, 2, n).astype(float),
        "electoral_stability": rng.uniform(0.3, 1, n),
    })
    mu = np.exp(1.2 + ethnic_effect * (t["ethnic_diversity"] - 0.35) / 0.2
                + met_effect * (t["type"] == "metropolitan district"))
    y = rng.negative_binomial(5, 5 / (5 + mu))
    degree = pd.Series(y, index=pd.Index(t["code"], name="code"), name="degree")
    return t, degree


def test_ols_matches_statsmodels_and_tables_are_tidy():
    t, deg = synthetic_table()
    res = prop.propensity_models(t, deg, permutations=99, seed=3)
    summ = res.summary()
    assert list(summ["model"]) == ["resource", "organisational", "political", "combined"]
    assert {"model", "n", "r2", "adj_r2", "p_r2_perm"} <= set(summ.columns)
    # resource block by hand with statsmodels
    X = sm.add_constant(pd.DataFrame({"log_population": np.log(t["population"]),
                                      **{v: t[v] for v in prop.BLOCKS["resource"][1:]}}))
    ols = sm.OLS(deg.to_numpy(float), X).fit(cov_type="HC3", use_t=True)
    co = res.coefficients().query("model == 'resource'")
    assert np.allclose(co["estimate"].to_numpy(), ols.params.to_numpy(), atol=1e-9)
    assert np.allclose(co["se_hc3"].to_numpy(), ols.bse.to_numpy(), atol=1e-9)
    assert summ.loc[0, "r2"] == pytest.approx(ols.rsquared, abs=1e-12)
    assert summ.loc[0, "adj_r2"] == pytest.approx(ols.rsquared_adj, abs=1e-12)
    assert set(res.coefficients().columns) == {"model", "term", "estimate", "se_hc3", "p_hc3", "p_perm", "method"}
    assert res.coefficients()["method"].str.contains("Freedman-Lane").all()


def test_type_dummies_against_shire_district():
    t, deg = synthetic_table()
    res = prop.propensity_models(t, deg, permutations=19, seed=0, count_models=[])
    terms = set(res.coefficients().query("model == 'organisational'")["term"])
    assert "type[metropolitan district]" in terms and "type[unitary]" in terms
    assert "type[shire district]" not in terms
    assert any("reference category 'shire district'" in n for n in res.notes)
    assert set(res.factors()["variable"]) == {"type", "party_control"}


def test_planted_effects_detected_and_nulls_not():
    t, deg = synthetic_table(n=400, seed=5, ethnic_effect=-0.35, met_effect=-0.8)
    res = prop.propensity_models(t, deg, permutations=499, seed=11)
    co = res.coefficients().set_index(["model", "term"])
    eth = co.loc[("combined", "ethnic_diversity")]
    assert eth["estimate"] < 0 and eth["p_perm"] < 0.01 and eth["p_hc3"] < 0.01
    met = co.loc[("combined", "type[metropolitan district]")]
    assert met["estimate"] < 0 and met["p_perm"] < 0.01
    summ = res.summary().set_index("model")
    assert summ.loc["resource", "p_r2_perm"] < 0.01
    # a block with no planted effect
    assert summ.loc["political", "p_r2_perm"] > 0.05
    # the count model agrees on the sign and converges
    cm = res.count_model().set_index("term")
    assert cm.loc["ethnic_diversity", "estimate"] < 0 and cm.loc["ethnic_diversity", "p"] < 0.01
    assert cm.loc["alpha", "estimate"] > 0
    assert bool(res.count_fit().loc[0, "converged"])


def test_freedman_lane_equals_slow_refit_loop():
    rng = np.random.default_rng(2)
    n = 30
    X = np.column_stack([np.ones(n), rng.normal(size=n), rng.normal(size=n)])
    y = 1 + 0.3 * X[:, 1] + rng.normal(size=n)
    perms = np.array([rng.permutation(n) for _ in range(25)])
    obs, null = prop.freedman_lane(X, y, [2], perms)
    # slow: reduced model, permute residuals, refit full, t²
    red = sm.OLS(y, X[:, :2]).fit()
    full = sm.OLS(y, X).fit()
    assert obs == pytest.approx(full.tvalues[2] ** 2, rel=1e-10)
    slow = [sm.OLS(red.fittedvalues + red.resid[p], X).fit().tvalues[2] ** 2 for p in perms]
    assert np.allclose(null, slow, rtol=1e-9)
    # joint test of two columns equals the partial F
    obs2, _ = prop.freedman_lane(X, y, [1, 2], perms)
    f = full.compare_f_test(sm.OLS(y, X[:, :1]).fit())[0]
    assert obs2 == pytest.approx(f, rel=1e-10)


def test_freedman_lane_calibrated_under_null():
    """With no effect, p-values are close to uniform: rejection at 5% within a binomial band."""
    rng = np.random.default_rng(7)
    n, reps, P = 40, 300, 199
    pvals = []
    for _ in range(reps):
        z = rng.normal(size=n)
        x = 0.5 * z + rng.normal(size=n)  # correlated with the nuisance covariate
        y = 2 + 1.0 * z + rng.standard_t(5, size=n)
        X = np.column_stack([np.ones(n), z, x])
        perms = rng.permuted(np.tile(np.arange(n), (P, 1)), axis=1)
        obs, null = prop.freedman_lane(X, y, [2], perms)
        pvals.append(prop._p_value(null, obs))
    pvals = np.array(pvals)
    rate = (pvals <= 0.05).mean()
    assert 0.015 <= rate <= 0.095, rate
    assert 0.4 <= pvals.mean() <= 0.6
    # and with a real effect, power is high
    z = rng.normal(size=n)
    x = rng.normal(size=n)
    y = z + 0.8 * x + rng.normal(size=n)
    perms = rng.permuted(np.tile(np.arange(n), (P, 1)), axis=1)
    obs, null = prop.freedman_lane(np.column_stack([np.ones(n), z, x]), y, [2], perms)
    assert prop._p_value(null, obs) < 0.01


def test_missing_rows_dropped_per_model_and_reported():
    t, deg = synthetic_table(n=120)
    t.loc[[3, 7], "reserves_ratio"] = np.nan
    t.loc[[7, 9, 11], "electoral_stability"] = np.nan
    res = prop.propensity_models(t, deg, permutations=19, seed=0, count_models=[])
    s = res.summary().set_index("model")
    assert s.loc["resource", "n"] == 118 and s.loc["resource", "n_dropped"] == 2
    assert s.loc["organisational", "n"] == 120 and s.loc["organisational", "n_dropped"] == 0
    assert s.loc["political", "n_dropped"] == 3
    assert s.loc["combined", "n_dropped"] == 4  # row 7 misses both
    d = res.dropped()
    row = d[(d["model"] == "combined") & (d["variable"] == "electoral_stability")].iloc[0]
    assert row["n_dropped"] == 3 and row["codes"] == [t.loc[i, "code"] for i in (7, 9, 11)]
    assert "missing value" in row["reason"]


def test_same_seed_same_tables_other_seed_differs():
    t, deg = synthetic_table(n=80)
    a = prop.propensity_models(t, deg, permutations=49, seed=4, count_models=[])
    b = prop.propensity_models(t, deg, permutations=49, seed=4, count_models=[])
    c = prop.propensity_models(t, deg, permutations=49, seed=5, count_models=[])
    pd.testing.assert_frame_equal(a.coefficients(), b.coefficients())
    pd.testing.assert_frame_equal(a.summary(), b.summary())
    assert not np.allclose(a.coefficients()["p_perm"].fillna(0), c.coefficients()["p_perm"].fillna(0))


def test_degree_must_cover_the_table():
    t, deg = synthetic_table(n=50)
    with pytest.raises(prop.PropensityInputError, match="no value for council"):
        prop.propensity_models(t, deg.iloc[1:], permutations=9)
    extra = pd.concat([deg, pd.Series([3], index=["E99999999"])])
    with pytest.raises(prop.PropensityInputError, match="not in the table"):
        prop.propensity_models(t, extra, permutations=9)
    with pytest.raises(prop.PropensityInputError, match="no column"):
        prop.propensity_models(t.drop(columns="complexity"), deg, permutations=9)


def test_rare_levels_pooled_and_custom_blocks():
    t, deg = synthetic_table(n=100)
    t.loc[0, "party_control"] = "Green"
    res = prop.propensity_models(t, deg, permutations=9, blocks={"p": ["party_control"]}, combined=False,
                                 count_models=[])
    assert list(res.summary()["model"]) == ["p"]
    terms = set(res.coefficients()["term"])
    assert "party_control[Green]" not in terms and "party_control[other]" not in terms
    assert res.summary().loc[0, "n"] == 99 and res.summary().loc[0, "n_dropped"] == 1
    d = res.dropped().iloc[0]
    assert d["codes"] == [t.loc[0, "code"]] and "Green" in d["reason"] and d["n_dropped"] == 1
    # enough rare councils together form an 'other' level
    t.loc[1:3, "party_control"] = "Green"
    t.loc[4:6, "party_control"] = "Ind"
    res = prop.propensity_models(t, deg, permutations=9, blocks={"p": ["party_control"]}, combined=False,
                                 count_models=[])
    co = res.coefficients().set_index("term")
    assert "party_control[other]" in co.index and "party_control[Ind]" not in co.index
    assert np.isfinite(co["se_hc3"]).all()


def test_councils_leave_only_the_models_whose_variables_they_lack():
    """Two councils without party control (as City of London and the Isles of Scilly) leave the models that use
    party and no other; councils whose control is 'other' stay in (pooled), not dropped as missing."""
    t, degree = synthetic_table(n=200, seed=4)
    t["party_control"] = t["party_control"].astype("object")
    t.loc[:1, ["party_control", "aligned_with_government", "electoral_stability"]] = np.nan
    t.loc[2:13, "party_control"] = "other"
    res = prop.propensity_models(t, degree, permutations=19, seed=1, min_category_size=10)
    s = res.summary().set_index("model")
    assert s.loc["resource", "n"] == 200 and s.loc["organisational", "n"] == 200
    assert s.loc["political", "n"] == 198 and s.loc["combined", "n"] == 198
    d = res.dropped()
    assert set(d["model"]) == {"political", "combined"}
    assert set(sum(d["codes"], [])) == {"E00000000", "E00000001"}
    assert not d["reason"].str.contains("other").any()


def test_a_dummy_identified_by_few_councils_beside_a_factor_is_left_out_with_a_note():
    """'aligned with government' equal to a party dummy except in a handful of councils: estimated from those
    few, so the model leaves it out by the stated rule and says so."""
    t, degree = synthetic_table(n=200, seed=5)
    t["aligned_with_government"] = (t["party_control"] == "CON").astype(float)
    lab = np.flatnonzero((t["party_control"] == "LAB").to_numpy())[:3]
    t.loc[lab, "aligned_with_government"] = 1.0
    assert prop.identifying_councils(t, "aligned_with_government", ["party_control"]) == 3
    res = prop.propensity_models(t, degree, permutations=9, seed=1, min_category_size=10)
    assert "aligned_with_government" not in res.models["political"].variables
    assert any("aligned_with_government left out" in n and "3 councils" in n for n in res.notes)
    res5 = prop.propensity_models(t, degree, permutations=9, seed=1, min_category_size=3)
    assert "aligned_with_government" in res5.models["political"].variables


def test_permutation_p_values_use_b_plus_one_over_r_plus_one():
    t, degree = synthetic_table(n=120, seed=6)
    res = prop.propensity_models(t, degree, permutations=19, seed=1)
    c = res.coefficients().dropna(subset=["p_perm"])
    assert (c["p_perm"] >= 1 / 20).all()
    assert np.allclose((c["p_perm"] * 20) % 1, 0)


def _count_design(n=300, seed=3, overdispersed=False):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    X = pd.DataFrame({"(intercept)": 1.0, "x": x})
    mu = np.exp(1.0 + 0.3 * x)
    y = rng.negative_binomial(1.0, 1.0 / (1.0 + mu)) if overdispersed else rng.poisson(mu)
    return y.astype(float), X


def test_count_model_falls_back_to_poisson_when_dispersion_is_at_its_boundary():
    y, X = _count_design()
    table, fit = prop._count_model(y, X)
    assert fit["family"] == "Poisson" and fit["converged"] and fit["se_type"] == "robust"
    assert "alpha" not in set(table["term"])
    assert np.isfinite(table["estimate"]).all() and np.isfinite(table["se"]).all()
    assert 0.5 < fit["dispersion"] < 1.5 and "boundary" in fit["fallback"]
    assert table.set_index("term").loc["x", "estimate"] == pytest.approx(0.3, abs=0.1)


def test_count_model_keeps_the_negative_binomial_when_counts_are_overdispersed():
    y, X = _count_design(overdispersed=True)
    table, fit = prop._count_model(y, X)
    assert fit["family"] == "negative binomial" and fit["fallback"] == "" and fit["se_type"] == "model-based"
    assert table.set_index("term").loc["alpha", "estimate"] > 0.3 and fit["dispersion"] > 1.5


def test_count_model_nan_fit_is_not_taken_as_converged(monkeypatch):
    y, X = _count_design()
    real_fit = sm.NegativeBinomial.fit

    def nan_newton(self, *args, method="newton", **kwargs):
        res = real_fit(self, *args, method=method, **kwargs)
        if method == "newton":
            res.params[:] = np.nan
        return res

    monkeypatch.setattr(sm.NegativeBinomial, "fit", nan_newton)
    table, fit = prop._count_model(y, X)
    assert np.isfinite(table["estimate"]).all()
