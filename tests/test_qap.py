"""lgnet.qap: MRQAP (double semi-partialling), Y-permutation QAP and logistic QAP.

Checks: OLS equality with statsmodels, the fast permutation path against a naive refit loop,
agreement with R sna (netlm qapspp/qapy, netlogit qapy; fixtures from scripts/r_reference.R),
null calibration and power, determinism and input validation.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from lgnet import qap, qap_validation

FIXTURES = Path(__file__).parent / "fixtures" / "qap"


def _sym(M):
    M = (M + M.T) / 2
    np.fill_diagonal(M, 0)
    return M


def _data(n=18, seed=1, directed=False):
    rng = np.random.default_rng(seed)
    f = (lambda M: M) if directed else _sym
    xs = {
        "a": f(rng.normal(size=(n, n))),
        "b": f((rng.random((n, n)) < 0.3).astype(float)),
        "c": f(rng.normal(size=(n, n)) + 2),
    }
    y = f(0.5 * xs["a"] - 0.3 * xs["b"] + rng.normal(size=(n, n)))
    if directed:
        for M in (y, *xs.values()):
            np.fill_diagonal(M, 0)
    return y, xs


def _design(y, xs, directed):
    idx = qap.dyads(y.shape[0], directed)
    X = np.column_stack([np.ones(idx[0].size)] + [qap.vectorise(M, idx) for M in xs.values()])
    return qap.vectorise(y, idx), X, idx


# ---------------------------------------------------------------------------------------------
# dyads
# ---------------------------------------------------------------------------------------------
def test_dyads_counts_and_order():
    i, j = qap.dyads(5)
    assert i.size == 10 and (i < j).all()
    i, j = qap.dyads(5, directed=True)
    assert i.size == 20 and (i != j).all()
    with pytest.raises(ValueError):
        qap.dyads(1)


@pytest.mark.parametrize("directed", [False, True])
def test_permutation_dyad_map_is_the_permuted_matrix(directed):
    rng = np.random.default_rng(0)
    n = 9
    M = rng.normal(size=(n, n))
    if not directed:
        M = _sym(M)
    idx = qap.dyads(n, directed)
    perm = rng.permutation(n)
    mp = qap.permutation_dyad_map(perm, idx, directed)
    np.testing.assert_array_equal(qap.vectorise(M, idx)[mp], qap.vectorise(M[perm][:, perm], idx))


# ---------------------------------------------------------------------------------------------
# OLS fit equals statsmodels
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("directed", [False, True])
def test_coefficients_equal_statsmodels(directed):
    y, xs = _data(directed=directed)
    res = qap.mrqap(y, xs, permutations=0, directed=directed)
    yv, X, _ = _design(y, xs, directed)
    ols = sm.OLS(yv, X).fit()
    np.testing.assert_allclose(res.estimate, ols.params, rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.std_error, ols.bse, rtol=1e-9)
    np.testing.assert_allclose(res.statistic, ols.tvalues, rtol=1e-9)
    np.testing.assert_allclose(res.p_classical, ols.pvalues, rtol=1e-7, atol=1e-14)
    assert res.r_squared == pytest.approx(ols.rsquared, abs=1e-12)
    assert res.adj_r_squared == pytest.approx(ols.rsquared_adj, abs=1e-12)
    assert res.n_dyads == yv.size
    assert res.terms == ["(intercept)", "a", "b", "c"]


# ---------------------------------------------------------------------------------------------
# the vectorised permutations equal a naive refit loop over the same permutations
# ---------------------------------------------------------------------------------------------
def _naive_dsp(y, xs, perms, directed):
    yv, X, idx = _design(y, xs, directed)
    n, p = y.shape[0], X.shape[1]
    out = np.empty((len(perms), p))
    for k in range(p):
        others = [c for c in range(p) if c != k]
        e = X[:, k] - X[:, others] @ np.linalg.lstsq(X[:, others], X[:, k], rcond=None)[0]
        Em = np.zeros((n, n))
        Em[idx] = e
        if not directed:
            Em = Em + Em.T
        for b, pi in enumerate(perms):
            ep = qap.vectorise(Em[pi][:, pi], idx)
            out[b, k] = sm.OLS(yv, np.column_stack([X[:, others], ep])).fit().tvalues[-1]
    return out


@pytest.mark.parametrize("directed", [False, True])
def test_dsp_null_distribution_equals_naive_refits(directed):
    y, xs = _data(n=12, directed=directed)
    res = qap.mrqap(y, xs, permutations=40, seed=5, directed=directed, batch_size=7)
    rng = np.random.default_rng(5)
    perms = [rng.permutation(12) for _ in range(40)]
    np.testing.assert_allclose(res.null_distribution, _naive_dsp(y, xs, perms, directed), rtol=1e-8, atol=1e-10)
    expected_p = (np.abs(res.null_distribution) >= np.abs(res.statistic) * (1 - 1e-9)).mean(axis=0)
    np.testing.assert_array_equal(res.p_value, expected_p)


def test_y_permutation_null_distribution_equals_naive_refits():
    y, xs = _data(n=12)
    res = qap.mrqap(y, xs, permutations=30, seed=2, method="y")
    yv, X, idx = _design(y, xs, False)
    rng = np.random.default_rng(2)
    naive = np.array([sm.OLS(qap.vectorise(y[pi][:, pi], idx), X).fit().tvalues
                      for pi in (rng.permutation(12) for _ in range(30))])
    np.testing.assert_allclose(res.null_distribution, naive, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("method", ["dsp", "y"])
def test_chunks_and_compact_layout_give_the_same_distribution(monkeypatch, directed, method):
    y, xs = _data(n=30, directed=directed)
    a = qap.mrqap(y, xs, permutations=25, seed=4, method=method, directed=directed)
    b = qap.mrqap(y, xs, permutations=25, seed=4, method=method, directed=directed,
                  memory_mb=0.001, batch_size=3, workers=1)  # dyads in chunks of 256
    monkeypatch.setattr(qap._DyadMapper, "FULL_LAYOUT_MB", 0)  # dyad-vector layout with position lookup
    c = qap.mrqap(y, xs, permutations=25, seed=4, method=method, directed=directed, workers=3)
    for other in (b, c):
        np.testing.assert_allclose(a.null_distribution, other.null_distribution, rtol=1e-10, atol=1e-12)
        np.testing.assert_array_equal(a.p_value, other.p_value)


# ---------------------------------------------------------------------------------------------
# logistic QAP
# ---------------------------------------------------------------------------------------------
def _binary_data(n=25, seed=3):
    rng = np.random.default_rng(seed)
    xs = {"a": _sym(rng.normal(size=(n, n))), "b": _sym((rng.random((n, n)) < 0.4).astype(float))}
    eta = -0.5 + 0.8 * xs["a"] + 0.5 * xs["b"]
    y = _sym((rng.random((n, n)) < 1 / (1 + np.exp(-eta))).astype(float))
    y = (y > 0).astype(float)
    return y, xs


@pytest.mark.parametrize("full_layout", [True, False])
def test_logistic_fit_equals_statsmodels_and_permutations_equal_naive(monkeypatch, full_layout):
    if not full_layout:
        monkeypatch.setattr(qap._DyadMapper, "FULL_LAYOUT_MB", 0)
    y, xs = _binary_data()
    res = qap.logistic_qap(y, xs, permutations=20, seed=8, batch_size=6)
    yv, X, idx = _design(y, xs, False)
    fit = sm.Logit(yv, X).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(res.estimate, fit.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(res.std_error, fit.bse, rtol=1e-6)
    assert res.deviance == pytest.approx(-2 * fit.llf, rel=1e-10)
    assert res.null_deviance == pytest.approx(-2 * fit.llnull, rel=1e-10)
    rng = np.random.default_rng(8)
    naive = np.array([sm.Logit(qap.vectorise(y[pi][:, pi], idx), X).fit(disp=0, tol=1e-12).tvalues
                      for pi in (rng.permutation(y.shape[0]) for _ in range(20))])
    np.testing.assert_allclose(res.null_distribution, naive, rtol=1e-6, atol=1e-8)
    d = res.to_dict()
    assert list(d) == ["null_deviance", "deviance", "n_dyads", "permutations", "seed", "coefficients"]


# ---------------------------------------------------------------------------------------------
# agreement with R sna (fixtures made by scripts/r_reference.R)
# ---------------------------------------------------------------------------------------------
def _fixture(case):
    folder = FIXTURES / case
    ref = json.loads((folder / "r_result.json").read_text())

    def read(name):
        return pd.read_csv(folder / f"{name}.csv", index_col=0).to_numpy(dtype=float)

    return ref, read("y"), {name: read(name) for name in ref["predictors"]}


def _p_band(p_r, n_r, n_py):
    """Four standard errors of the difference of two independent Monte Carlo p-values, plus slack."""
    p = np.clip(p_r, 0.002, 0.998)
    return 4 * np.sqrt(p * (1 - p) * (1 / n_r + 1 / n_py)) + 0.003


@pytest.mark.parametrize("case,method,nullhyp", [
    ("ols_undirected_n20", "dsp", "qapspp"),
    ("ols_undirected_n20", "y", "qapy"),
    ("ols_directed_n15", "dsp", "qapspp"),
    ("ols_directed_n15", "y", "qapy"),
])
def test_agrees_with_r_sna_netlm(case, method, nullhyp):
    ref, y, xs = _fixture(case)
    r = ref["fits"][nullhyp]
    N = 2000
    res = qap.mrqap(y, xs, permutations=N, seed=11, method=method, directed=ref["directed"])
    assert res.terms == ref["terms"]
    assert res.n_dyads == r["n_dyads"]
    np.testing.assert_allclose(res.estimate, r["coefficients"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.statistic, r["tstat"], rtol=1e-9)
    assert res.r_squared == pytest.approx(r["r_squared"], abs=1e-12)
    assert res.adj_r_squared == pytest.approx(r["adj_r_squared"], abs=1e-12)
    diff = np.abs(res.p_value - np.array(r["p_two_sided"]))
    assert (diff <= _p_band(np.array(r["p_two_sided"]), ref["reps"], N)).all(), (res.p_value, r["p_two_sided"])


def test_agrees_with_r_sna_netlogit():
    ref, y, xs = _fixture("logit_undirected_n30")
    r = ref["fits"]["qapy"]
    N = 2000
    res = qap.logistic_qap(y, xs, permutations=N, seed=11)
    np.testing.assert_allclose(res.estimate, r["coefficients"], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(res.std_error, r["se"], rtol=1e-5)
    np.testing.assert_allclose(res.statistic, r["tstat"], rtol=1e-5)
    assert res.deviance == pytest.approx(r["deviance"], rel=1e-8)
    # sna's null deviance is that of glm.fit(intercept = FALSE), i.e. against p = 0.5: m * 2 log 2.
    assert r["null_deviance"] == pytest.approx(r["n_dyads"] * 2 * math.log(2), rel=1e-12)
    diff = np.abs(res.p_value - np.array(r["p_two_sided"]))
    assert (diff <= _p_band(np.array(r["p_two_sided"]), ref["reps"], N)).all(), (res.p_value, r["p_two_sided"])


def test_fixtures_record_r_and_sna_versions():
    for folder in FIXTURES.iterdir():
        if folder.is_dir():
            ref = json.loads((folder / "r_result.json").read_text())
            assert ref["versions"]["sna"] and ref["versions"]["R"].startswith("R version")


# ---------------------------------------------------------------------------------------------
# calibration and power (fast versions; scripts/qap_calibration.py is the thorough one)
# ---------------------------------------------------------------------------------------------
def test_null_calibration_rejection_rate_near_alpha():
    out = qap_validation.calibration_study(n_datasets=200, n=20, effects=(0.0,), permutations=199,
                                           seed=1, methods=("dsp", "classical"))
    rate = out.set_index("method")["rejection_rate"]
    assert 0.01 <= rate["dsp"] <= 0.10
    # the dyads are dependent (node effects): the classical t-test over-rejects, QAP does not
    assert rate["classical"] > rate["dsp"]


def test_power_rises_with_effect_size():
    out = qap_validation.calibration_study(n_datasets=80, n=20, effects=(0.0, 0.5, 1.0), permutations=99,
                                           seed=2, methods=("dsp",))
    rates = out["rejection_rate"].to_numpy()
    assert rates[0] < rates[1] < rates[2]
    assert rates[2] > 0.5


# ---------------------------------------------------------------------------------------------
# determinism, p-value convention, output schema
# ---------------------------------------------------------------------------------------------
def test_same_seed_identical_tables_and_other_seed_differs():
    y, xs = _data(n=20)
    a = qap.mrqap(y, xs, permutations=300, seed=7).table()
    b = qap.mrqap(y, xs, permutations=300, seed=7, workers=1, batch_size=13).table()
    c = qap.mrqap(y, xs, permutations=300, seed=8).table()
    pd.testing.assert_frame_equal(a, b)
    assert not a["p_value"].equals(c["p_value"])


def test_include_observed_counts_the_observed_statistic():
    y, xs = _data(n=15)
    a = qap.mrqap(y, xs, permutations=99, seed=1)
    b = qap.mrqap(y, xs, permutations=99, seed=1, include_observed=True)
    np.testing.assert_allclose(b.p_value, (a.p_value * 99 + 1) / 100)
    assert (b.p_value > 0).all()


def test_to_dict_schema():
    y, xs = _data(n=10)
    d = qap.mrqap(y, xs, permutations=10, seed=3).to_dict()
    assert list(d) == ["r_squared", "n_dyads", "permutations", "seed", "coefficients"]
    assert d["n_dyads"] == 45 and d["permutations"] == 10 and d["seed"] == 3
    assert [c["term"] for c in d["coefficients"]] == ["(intercept)", "a", "b", "c"]
    assert all(set(c) == {"term", "estimate", "p_value"} for c in d["coefficients"])
    json.dumps(d)


def test_list_predictors_are_named_x1_x2():
    y, xs = _data(n=10)
    res = qap.mrqap(y, list(xs.values()), permutations=0)
    assert res.terms == ["(intercept)", "x1", "x2", "x3"]
    assert np.isnan(res.p_value).all()


def test_qap_correlation():
    y, xs = _data(n=20)
    out = qap.qap_correlation(y, xs["a"], permutations=200, seed=1)
    idx = qap.dyads(20)
    assert out["r"] == pytest.approx(np.corrcoef(qap.vectorise(y, idx), qap.vectorise(xs["a"], idx))[0, 1])
    assert out["p_value"] < 0.05


# ---------------------------------------------------------------------------------------------
# input validation
# ---------------------------------------------------------------------------------------------
def test_rejects_bad_input_with_named_predictor():
    y, xs = _data(n=8)
    with pytest.raises(ValueError, match="square"):
        qap.mrqap(y[:, :7], xs, permutations=0)
    with pytest.raises(ValueError, match="predictor 'a'.*same nodes"):
        qap.mrqap(y, {**xs, "a": xs["a"][:7, :7]}, permutations=0)
    bad = xs["b"].copy()
    bad[1, 2] = bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="predictor 'b'.*non-finite.*row 1, column 2"):
        qap.mrqap(y, {**xs, "b": bad}, permutations=0)
    const = np.ones((8, 8))
    with pytest.raises(ValueError, match="predictor 'k'.*constant"):
        qap.mrqap(y, {**xs, "k": const}, permutations=0)
    with pytest.raises(ValueError, match="predictor 'twice'.*linear combination"):
        qap.mrqap(y, {**xs, "twice": 2 * xs["a"]}, permutations=0)
    asym = xs["a"].copy()
    asym[0, 1] += 1
    with pytest.raises(ValueError, match="predictor 'a'.*not symmetric.*directed"):
        qap.mrqap(y, {**xs, "a": asym}, permutations=0)
    with pytest.raises(ValueError, match="response.*constant"):
        qap.mrqap(np.zeros((8, 8)), xs, permutations=0)
    with pytest.raises(ValueError, match="0/1"):
        qap.logistic_qap(y, xs, permutations=0)
    with pytest.raises(ValueError, match="method"):
        qap.mrqap(y, xs, method="qapx")
    with pytest.raises(ValueError, match="reserved"):
        qap.mrqap(y, {"(intercept)": xs["a"]})


@pytest.mark.parametrize("directed", [False, True])
def test_large_network_path_without_q_gives_the_same_results(monkeypatch, directed):
    """Above LARGE_DYADS dyads the fit uses a blocked QR and never forms Q; force it on a small case."""
    y, xs = _data(n=12, directed=directed)
    a = qap.mrqap(y, xs, permutations=30, seed=5, directed=directed)
    monkeypatch.setattr(qap, "LARGE_DYADS", 10)
    monkeypatch.setattr(qap, "TSQR_ROWS", 25)
    monkeypatch.setattr(qap._DyadMapper, "FULL_LAYOUT_MB", 0)
    b = qap.mrqap(y, xs, permutations=30, seed=5, directed=directed)
    yv, X, _ = _design(y, xs, directed)
    ols = sm.OLS(yv, X).fit()
    np.testing.assert_allclose(b.estimate, ols.params, rtol=0, atol=1e-9)
    np.testing.assert_allclose(b.std_error, ols.bse, rtol=1e-9)
    assert b.r_squared == pytest.approx(ols.rsquared, abs=1e-12)
    np.testing.assert_allclose(b.null_distribution, a.null_distribution, rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(a.p_value, b.p_value)
    with pytest.raises(ValueError, match="predictor 'twice'.*linear combination"):
        qap.mrqap(y, {**xs, "twice": 2 * xs["a"]}, permutations=0, directed=directed)
