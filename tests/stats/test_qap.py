"""lgnet.stats.qap: MRQAP (double semi-partialling), Y-permutation QAP and logistic QAP.

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
from threadpoolctl import threadpool_info, threadpool_limits

from lgnet.stats import qap, qap_validation

FIXTURES = Path(__file__).parents[1] / "fixtures" / "qap"


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
    hits = (np.abs(res.null_distribution) >= np.abs(res.statistic) * (1 - 1e-9)).sum(axis=0)
    np.testing.assert_array_equal(res.p_value, (hits + 1) / (40 + 1))  # the book's (b+1)/(N+1)


@pytest.mark.parametrize("workers", [1, 2])
def test_permutation_blocks_run_blas_on_one_thread(workers):
    """Inside the permutation blocks BLAS has one thread (its own threads only contend with the workers);
    the caller's setting is back afterwards. BLAS is set to two threads first, so this fails where the
    limit is missing even on a one-core machine."""
    def blas_threads():
        return {d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"}

    seen = []
    rng = np.random.default_rng(0)
    with threadpool_limits(limits=2, user_api="blas"):
        assert blas_threads() == {2}
        qap._run_blocks(lambda start, perms: seen.append(blas_threads()),
                        qap._permutation_blocks(rng, 5, 12, 4), workers, True, 12, "test")
        assert blas_threads() == {2}
    assert seen == [{1}] * 3


@pytest.mark.parametrize("directed", [False, True])
def test_dsp_null_distribution_is_exact_for_badly_scaled_and_nearly_collinear_predictors(directed):
    """The permuted residuals are formed from the centred predictors (see qap._dsp_basis): a predictor far
    from zero (mean 1e5), one in other units (x 1,000) and a nearly collinear pair must still give the
    naive refits' t-values."""
    y, xs = _data(n=14, seed=3, directed=directed)
    rng = np.random.default_rng(8)
    off = ~np.eye(14, dtype=bool)
    sym = (lambda M: M) if directed else (lambda M: (M + M.T) / 2)
    xs["far"] = np.where(off, 1e5 + sym(rng.normal(size=(14, 14))), 0.0)
    xs["metres"] = np.where(off, sym(rng.normal(size=(14, 14))) * 1000.0, 0.0)
    xs["near_a"] = xs["a"] + np.where(off, sym(rng.normal(size=(14, 14))) * 1e-3, 0.0)
    res = qap.mrqap(y, xs, permutations=30, seed=2, directed=directed, batch_size=4)
    rng = np.random.default_rng(2)
    perms = [rng.permutation(14) for _ in range(30)]
    np.testing.assert_allclose(res.null_distribution, _naive_dsp(y, xs, perms, directed), rtol=1e-6, atol=1e-8)


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
    assert list(d) == ["null_deviance", "deviance", "n_nodes", "n_dyads", "permutations", "failed_permutations",
                       "permutation_failures", "seed", "method", "model", "directed", "include_observed",
                       "statistic", "coefficients"]
    assert d["failed_permutations"] == 0 and d["permutation_failures"] == {} and res.permutation_failures == {}
    assert d["statistic"] == "z" and d["method"] == "y" and d["model"] == "logit"
    np.testing.assert_allclose([c["statistic"] for c in d["coefficients"]], res.statistic)
    np.testing.assert_allclose([c["p_classical"] for c in d["coefficients"]], res.p_classical)


# ---------------------------------------------------------------------------------------------
# agreement with R sna (fixtures made by scripts/r_reference.R)
# ---------------------------------------------------------------------------------------------
def _fixture(case):
    folder = FIXTURES / case
    ref = json.loads((folder / "r_result.json").read_text())

    def read(name):
        return pd.read_csv(folder / f"{name}.csv", index_col=0).to_numpy(dtype=float)

    return ref, read("y"), {name: read(name) for name in ref["predictors"]}


def _sna_to_ours(p_r, n_r):
    """sna reports b/N; the book's convention is (b+1)/(N+1): convert R's p with R's own N before comparing."""
    return (np.asarray(p_r) * n_r + 1) / (n_r + 1)


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
    p_r = _sna_to_ours(r["p_two_sided"], ref["reps"])
    diff = np.abs(res.p_value - p_r)
    assert (diff <= _p_band(p_r, ref["reps"], N)).all(), (res.p_value, p_r)


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
    p_r = _sna_to_ours(r["p_two_sided"], ref["reps"])
    diff = np.abs(res.p_value - p_r)
    assert (diff <= _p_band(p_r, ref["reps"], N)).all(), (res.p_value, p_r)


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
    """The default is the book's (b+1)/(N+1), never below 1/(N+1); include_observed=False gives sna's b/N."""
    y, xs = _data(n=15)
    a = qap.mrqap(y, xs, permutations=99, seed=1, include_observed=False)
    b = qap.mrqap(y, xs, permutations=99, seed=1)
    np.testing.assert_allclose(b.p_value, (a.p_value * 99 + 1) / 100)
    assert (b.p_value >= 1 / 100).all()
    assert "(b+1)/(N+1)" in b.summary()


def test_to_dict_schema():
    y, xs = _data(n=10)
    d = qap.mrqap(y, xs, permutations=10, seed=3).to_dict()
    assert list(d) == ["r_squared", "adj_r_squared", "n_nodes", "n_dyads", "permutations", "seed", "method", "model",
                       "directed", "include_observed", "statistic", "coefficients"]
    assert d["n_nodes"] == 10 and d["n_dyads"] == 45 and d["permutations"] == 10 and d["seed"] == 3
    assert d["method"] == "dsp" and d["model"] == "ols" and d["directed"] is False and d["include_observed"] is True
    assert d["statistic"] == "t"
    assert [c["term"] for c in d["coefficients"]] == ["(intercept)", "a", "b", "c"]
    assert all(list(c) == ["term", "estimate", "std_error", "statistic", "p_value", "p_classical"]
               for c in d["coefficients"])
    json.dumps(d)


def test_to_dict_holds_every_column_of_the_table():
    y, xs = _data(n=10)
    res = qap.mrqap(y, xs, permutations=10, seed=3, r2_test=True, include_observed=False)
    d = res.to_dict()
    assert d["r_squared"] == res.r_squared and d["adj_r_squared"] == res.adj_r_squared
    assert d["r_squared_p"] == res.r_squared_p and d["include_observed"] is False
    table = res.table().rename(columns={"t": "statistic"})
    assert pd.DataFrame(d["coefficients"]).equals(table)


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


def test_separation_error_names_the_terms_in_plain_numbers():
    y, xs = _data(n=10)
    yb = (y > 0).astype(float)
    with pytest.raises(ValueError, match="separation") as info:
        qap.logistic_qap(yb, {"same_as_y": yb}, permutations=0)
    message = str(info.value)
    assert "(intercept) = " in message and "same_as_y = " in message
    assert "np.float64" not in message and "float64" not in message


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


# ---------------------------------------------------------------------------------------------
# logistic fitting: step-halving, scale-free convergence, separation, failed permutations
# ---------------------------------------------------------------------------------------------
def _overshoot_data(seed=1, n=40):
    """Rare ties (~2%) strongly predicted by a rare binary predictor (same group, ~10% of dyads) plus a
    distance in large units: plain Newton from the intercept-only start overshoots on ``same_group``
    (fitted probabilities 1 on its dyads, weights ~0, then a huge step) and diverges; the MLE exists."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, n // 4, n)
    xy = rng.uniform(0, 100, (n, 2))
    same = (group[:, None] == group[None, :]).astype(float)
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    eta = -3.0 + 2.5 * same - 0.03 * dist
    y = np.triu((rng.random((n, n)) < 1 / (1 + np.exp(-eta))).astype(float), 1)
    np.fill_diagonal(same, 0)
    return y + y.T, {"same_group": same, "distance": dist}


def _assert_equals_statsmodels(res, y, xs):
    yv, X, _ = _design(y, xs, False)
    fit = sm.Logit(yv, X).fit(disp=0, tol=1e-12, maxiter=200)
    assert fit.mle_retvals["converged"]
    np.testing.assert_allclose(res.estimate, fit.params, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(res.std_error, fit.bse, rtol=1e-6)
    assert res.deviance == pytest.approx(-2 * fit.llf, rel=1e-10)
    return fit


def test_logistic_plain_newton_overshoots_on_the_fixture():
    """The fixture really needs step-halving: without it the Newton iterations do not converge."""
    y, xs = _overshoot_data()
    yv, X, _ = _design(y, xs, False)
    plain = qap._logit_irls(X, yv[:, None], max_halvings=0)
    halved = qap._logit_irls(X, yv[:, None])
    assert plain.status[0] != qap.FIT_OK
    assert halved.status[0] == qap.FIT_OK and halved.n_iter[0] < 20


def test_logistic_step_halving_fits_where_plain_newton_overshoots():
    y, xs = _overshoot_data()
    res = qap.logistic_qap(y, xs, permutations=30, seed=4, batch_size=8)
    _assert_equals_statsmodels(res, y, xs)
    _, X, idx = _design(y, xs, False)
    rng = np.random.default_rng(4)
    separated = []
    for k, pi in enumerate(rng.permutation(y.shape[0]) for _ in range(30)):
        yp = qap.vectorise(y[pi][:, pi], idx)
        if yp @ X[:, 1] == 0:  # no tie on a same-group dyad: separated, no MLE
            separated.append(k)
            continue
        fit = sm.Logit(yp, X).fit(disp=0, tol=1e-12, maxiter=200)
        np.testing.assert_allclose(res.null_distribution[k], fit.tvalues, rtol=1e-6, atol=1e-8)
    assert res.failed_permutations == len(separated) < 30
    assert np.isnan(res.null_distribution[separated]).all()


def test_logistic_small_scale_predictor_with_large_coefficient():
    """A difference of a variable on a 0-0.1 scale with a coefficient near -45 is an ordinary fit, not separation."""
    rng = np.random.default_rng(5)
    n = 60
    a = rng.uniform(0, 0.1, n)
    diff = np.abs(a[:, None] - a[None, :])
    b = _sym(rng.normal(size=(n, n)))
    eta = 0.5 - 45 * diff + 0.5 * b
    y = _sym((rng.random((n, n)) < 1 / (1 + np.exp(-eta))).astype(float))
    y = (y > 0).astype(float)
    xs = {"abs_diff_small": diff, "b": b}
    res = qap.logistic_qap(y, xs, permutations=20, seed=1)
    fit = _assert_equals_statsmodels(res, y, xs)
    assert fit.params[1] < -30  # the coefficient the old |beta| > 30 guard rejected
    # the same model with the predictor in units 1000 times larger: estimate / 1000, same z and p-values
    big = qap.logistic_qap(y, {"abs_diff_small": 1000 * diff, "b": b}, permutations=20, seed=1)
    assert big.estimate[1] == pytest.approx(res.estimate[1] / 1000, rel=1e-7)
    np.testing.assert_allclose(big.statistic, res.statistic, rtol=1e-7)
    np.testing.assert_array_equal(big.p_value, res.p_value)


def test_logistic_quasi_separation_is_reported_as_such():
    """A rare binary predictor whose dyads have no tie: the MLE does not exist; the error says so and names it."""
    rng = np.random.default_rng(2)
    n = 25
    a = _sym(rng.normal(size=(n, n)))
    y = _sym((rng.random((n, n)) < 1 / (1 + np.exp(1.5 - a))).astype(float))
    y = (y > 0).astype(float)
    rare = np.zeros((n, n))
    i, j = np.nonzero(np.triu(y == 0, 1))
    rare[i[:5], j[:5]] = rare[j[:5], i[:5]] = 1  # five dyads, none of them a tie
    with pytest.raises(ValueError, match="quasi-complete separation") as info:
        qap.logistic_qap(y, {"a": a, "rare": rare}, permutations=0)
    msg = str(info.value)
    assert "5 of 300 dyads" in msg and "rare" in msg and "rare = " in msg
    _, X, _ = _design(y, {"a": a, "rare": rare}, False)
    assert qap._separation(X, qap.vectorise(y, qap.dyads(n))) is not None
    assert qap._separation(X[:, :2], qap.vectorise(y, qap.dyads(n))) is None  # without it: an ordinary fit


def test_logistic_separated_permutations_are_counted_as_extreme_not_dropped():
    """Four nodes' six mutual dyads form a rare predictor; a permutation putting no tie (or only ties) on
    them is separated. Such permutations are reported, NaN in the null distribution and count as extreme."""
    rng = np.random.default_rng(3)
    n = 30
    a = _sym(rng.normal(size=(n, n)))
    rare = np.zeros((n, n))
    rare[:4, :4] = 1
    np.fill_diagonal(rare, 0)
    eta = -2.2 + 0.8 * a + 1.0 * rare
    y = (_sym((rng.random((n, n)) < 1 / (1 + np.exp(-eta))).astype(float)) > 0).astype(float)
    xs = {"a": a, "rare": rare}
    N = 120
    res = qap.logistic_qap(y, xs, permutations=N, seed=2, batch_size=7)
    _assert_equals_statsmodels(res, y, xs)
    _, X, idx = _design(y, xs, False)
    rng = np.random.default_rng(2)
    failed = np.zeros(N, dtype=bool)
    for k, pi in enumerate(rng.permutation(n) for _ in range(N)):
        yp = qap.vectorise(y[pi][:, pi], idx)
        ties_on_rare = yp @ X[:, 2]
        failed[k] = ties_on_rare in (0, X[:, 2].sum())  # the separated permutations, counted directly
        if not failed[k]:
            fit = sm.Logit(yp, X).fit(disp=0, tol=1e-12, maxiter=200)
            np.testing.assert_allclose(res.null_distribution[k], fit.tvalues, rtol=1e-6, atol=1e-8)
    assert 0 < failed.sum() < N
    assert res.failed_permutations == failed.sum()
    assert res.permutation_failures == {"separation": int(failed.sum())}
    assert np.isnan(res.null_distribution[failed]).all()
    hits = (np.abs(res.null_distribution[~failed]) >= np.abs(res.statistic) * (1 - 1e-9)).sum(axis=0)
    np.testing.assert_allclose(res.p_value, (hits + failed.sum() + 1) / (N + 1))
    assert res.to_dict()["failed_permutations"] == failed.sum()
    assert f"permutations whose fit failed: {failed.sum()} of {N}" in res.summary()
    sna = qap.logistic_qap(y, xs, permutations=N, seed=2, include_observed=False)
    np.testing.assert_allclose(sna.p_value, (hits + failed.sum()) / N)


def test_logistic_documented_sample_models_equal_statsmodels(raw_data):
    """The book's logistic models on the documented 2017 sample (same_county diverged under plain Newton;
    the age-diversity difference has a coefficient near -45) equal statsmodels Logit on the same dyads."""
    from lgnet.data import attributes, partnerships
    from lgnet.stats import dyadic

    pdata = partnerships.load_partnerships("documented", 2017)
    table = attributes.analysis_table(2017).reset_index(drop=True)
    W = dyadic.response(pdata, table, binary=True)
    for name in ("organisational", "combined"):
        spec = dyadic.MODEL_SPECS[name]
        keep, _ = dyadic.complete_cases(table, spec)
        idx = np.flatnonzero(keep)
        y = W[np.ix_(idx, idx)]
        xs = dyadic.predictor_matrices(table.iloc[idx], spec)
        res = qap.logistic_qap(y, xs, permutations=8, seed=0)
        _assert_equals_statsmodels(res, y, xs)
        assert res.failed_permutations == 0 and np.isfinite(res.null_distribution).all()


def test_logistic_batch_fits_equal_single_fits_and_a_failing_column_leaves_the_others_alone(monkeypatch):
    """Columns of a batch follow their own paths: each equals its own single fit, and a column that fails
    (here: its Newton system made unsolvable at the first step) does not stop or alter the others."""
    y, xs = _overshoot_data()
    yv, X, idx = _design(y, xs, False)
    rng = np.random.default_rng(9)
    Y = np.column_stack([yv] + [yv[qap.permutation_dyad_map(rng.permutation(y.shape[0]), idx)] for _ in range(5)])
    single = [qap._logit_irls(X, Y[:, [c]]) for c in range(Y.shape[1])]
    batch = qap._logit_irls(X, Y)
    for c, f in enumerate(single):
        assert batch.status[c] == f.status[0] and batch.n_iter[c] == f.n_iter[0]
        np.testing.assert_allclose(batch.beta[:, c], f.beta[:, 0], rtol=1e-10, atol=1e-12)
    solve = qap._solve_batch
    calls = []

    def first_column_unsolvable(A, g):
        step, solved = solve(A, g)
        if not calls:
            solved = solved.copy()
            solved[0] = False
        calls.append(1)
        return step, solved

    monkeypatch.setattr(qap, "_solve_batch", first_column_unsolvable)
    broken = qap._logit_irls(X, Y)
    assert broken.status[0] == qap.FIT_SINGULAR
    np.testing.assert_allclose(broken.beta[:, 1:], batch.beta[:, 1:], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(broken.status[1:], batch.status[1:])


# ---------------------------------------------------------------------------------------------
# R² against its permutation null (Y-permutation: the whole response relabelled, predictors kept)
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("method", ["dsp", "y"])
def test_r_squared_null_equals_naive_refits_of_the_permuted_response(directed, method):
    y, xs = _data(n=12, directed=directed)
    res = qap.mrqap(y, xs, permutations=40, seed=5, directed=directed, method=method, batch_size=7, r2_test=True)
    yv, X, idx = _design(y, xs, directed)
    rng = np.random.default_rng(5)
    naive = np.array([sm.OLS(qap.vectorise(y[pi][:, pi], idx), X).fit().rsquared
                      for pi in (rng.permutation(12) for _ in range(40))])
    np.testing.assert_allclose(res.r_squared_null, naive, rtol=1e-8, atol=1e-12)
    hits = (naive >= res.r_squared * (1 - 1e-9)).sum()
    assert res.r_squared_p == pytest.approx((hits + 1) / 41)
    # the coefficients' p-values are those of a run without the R² test (same permutations)
    plain = qap.mrqap(y, xs, permutations=40, seed=5, directed=directed, method=method, batch_size=7)
    np.testing.assert_array_equal(plain.p_value, res.p_value)
    assert plain.r_squared_p is None and plain.r_squared_null is None


def test_r_squared_p_separates_signal_from_noise():
    y, xs = _data(n=20)
    strong = qap.mrqap(y, xs, permutations=99, seed=1, r2_test=True)
    assert strong.r_squared_p == pytest.approx(1 / 100)  # y was built from a and b: no permutation beats it
    rng = np.random.default_rng(3)
    noise = _sym(rng.normal(size=(20, 20)))
    weak = qap.mrqap(noise, xs, permutations=99, seed=1, r2_test=True)
    assert weak.r_squared_p > 0.05
    assert "r_squared_p" in weak.to_dict() and "r_squared_p" not in qap.mrqap(noise, xs, permutations=9).to_dict()
