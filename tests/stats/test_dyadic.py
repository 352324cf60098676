"""Dyadic predictor matrices on the 12-council fixture (values worked out by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _network_fixture import position as pos
from lgnet.stats import dyadic


def test_distance_known_km_symmetric_zero_diagonal(network_fx):
    _, t = network_fx
    m = dyadic.predictor_matrices(t, ["distance_km", "log_distance"])
    d = m["distance_km"]
    assert d.shape == (12, 12)
    assert np.allclose(d, d.T) and (np.diag(d) == 0).all()
    assert d[pos(t, "Uni A"), pos(t, "Uni B")] == pytest.approx(5.0)
    assert d[pos(t, "Dist A"), pos(t, "Dist B")] == pytest.approx(10.0)
    assert m["log_distance"][pos(t, "Uni A"), pos(t, "Uni B")] == pytest.approx(np.log(6.0))
    off = ~np.eye(12, dtype=bool)
    assert (d[off] > 0).all()


def test_same_region_county_type(network_fx):
    _, t = network_fx
    m = dyadic.predictor_matrices(t, ["same_region", "same_county", "same_type"])
    for v in m.values():
        assert np.allclose(v, v.T) and (np.diag(v) == 0).all() and set(np.unique(v)) <= {0.0, 1.0}
    a, b, k1, k2 = (pos(t, n) for n in ("Dist A", "Dist B", "County K1", "County K2"))
    ua, ub, ma, mb = (pos(t, n) for n in ("Uni A", "Uni B", "Met A", "Met B"))
    assert m["same_region"][a, b] == 1 and m["same_region"][a, ma] == 1 and m["same_region"][a, ua] == 0
    # county: a county is in its own county; no-county councils are never "same county"
    assert m["same_county"][a, k1] == 1 and m["same_county"][a, k2] == 0
    assert m["same_county"][ua, ub] == 0 and m["same_county"][ma, mb] == 0
    assert m["same_county"].sum() == 2 * (6 + 3)  # K1 + 3 districts (6 pairs), K2 + 2 districts (3 pairs)
    assert m["same_type"][a, b] == 1 and m["same_type"][k1, k2] == 1 and m["same_type"][a, k1] == 0


def test_abs_diff_and_derived(network_fx):
    _, t = network_fx
    m = dyadic.predictor_matrices(t, ["abs_diff_reserves_ratio", "abs_diff_log_population"])
    a, b = pos(t, "Dist A"), pos(t, "Dist B")
    assert m["abs_diff_reserves_ratio"][a, b] == pytest.approx(0.05)
    assert m["abs_diff_log_population"][a, b] == pytest.approx(abs(np.log(90000) - np.log(95000)))


def test_same_party_noc_is_not_a_party(network_fx):
    _, t = network_fx
    sp_ = dyadic.predictor_matrices(t, ["same_party"])["same_party"]
    c, d = pos(t, "Dist C"), pos(t, "Dist D")  # both NOC
    assert t.loc[c, "party_control"] == "NOC" == t.loc[d, "party_control"]
    assert sp_[c, d] == 0
    assert sp_[pos(t, "Dist A"), pos(t, "County K1")] == 1  # both CON
    t2 = t.copy()
    t2.loc[[c, d], "party_control"] = "No overall control"
    assert dyadic.predictor_matrices(t2, ["same_party"])["same_party"][c, d] == 0
    t2.loc[[c, d], "party_control"] = "other"
    assert dyadic.predictor_matrices(t2, ["same_party"])["same_party"][c, d] == 0
    t2.loc[[c, d], "party_control"] = "LAB"
    assert dyadic.predictor_matrices(t2, ["same_party"])["same_party"][c, d] == 1


def test_type_pairs(network_fx):
    _, t = network_fx
    m = dyadic.predictor_matrices(t, ["type_pairs"])
    assert "type_pair[shire district|shire district]" not in m
    cs = m["type_pair[county|shire district]"]
    assert cs[pos(t, "County K1"), pos(t, "Dist A")] == 1 == cs[pos(t, "Dist A"), pos(t, "County K1")]
    assert cs.sum() == 2 * 2 * 5
    # every off-diagonal dyad is in exactly one pair, or in the reference pair
    total = sum(m.values())
    ref = dyadic.predictor_matrices(t, ["same_type"])["same_type"] * (t["type"] == "shire district").to_numpy()[:, None]
    assert np.allclose(total + ref, 1 - np.eye(12))


def test_missing_values_are_refused_then_complete_cases(network_fx):
    _, t = network_fx
    t = t.copy()
    t.loc[3, "reserves_ratio"] = np.nan
    with pytest.raises(dyadic.DyadicInputError, match=str(t.loc[3, "code"])):
        dyadic.predictor_matrices(t, ["abs_diff_reserves_ratio"])
    keep, dropped = dyadic.complete_cases(t, dyadic.MODEL_SPECS["combined"])
    assert keep.sum() == 11 and not keep[3]
    assert dropped["code"].tolist() == [t.loc[3, "code"]] and dropped["variable"].tolist() == ["reserves_ratio"]
    # a missing county does not drop anyone
    assert dyadic.complete_cases(t, ["same_county"])[0].all()
    with pytest.raises(dyadic.DyadicInputError, match="unknown predictor"):
        dyadic.predictor_matrices(t, ["closeness"])


def test_model_specs_build(network_fx):
    _, t = network_fx
    for name, spec in dyadic.MODEL_SPECS.items():
        m = dyadic.predictor_matrices(t, spec)
        assert list(m) == spec, name


def test_response(network_fx):
    pdata, t = network_fx
    W = dyadic.response(pdata, t)
    Wb = dyadic.response(pdata, t, binary=True)
    a, b = pos(t, "Dist A"), pos(t, "Dist B")
    assert W[a, b] == 2 and Wb[a, b] == 1 and np.triu(Wb, 1).sum() == 14


class _FakeQAPResult:
    def __init__(self, d):
        self.d = d

    def to_dict(self):
        return self.d


class _FakeQAP:
    """Stands in for lgnet.stats.qap: OLS over the upper-triangle dyads (what MRQAP's estimates must equal)."""

    calls: list = []

    @classmethod
    def mrqap(cls, y, xs, permutations, seed, directed=False, quiet=True, r2_test=False):
        cls.calls.append((y.shape, list(xs)))
        iu = np.triu_indices(y.shape[0], 1)
        X = np.column_stack([np.ones(iu[0].size)] + [m[iu] for m in xs.values()])
        beta, *_ = np.linalg.lstsq(X, y[iu].astype(float), rcond=None)
        resid = y[iu] - X @ beta
        yc = y[iu] - y[iu].mean()
        return _FakeQAPResult({"r_squared": 1 - resid @ resid / (yc @ yc), "n_dyads": int(iu[0].size),
                               "permutations": permutations, "seed": seed,
                               "coefficients": [{"term": t, "estimate": float(b), "p_value": np.nan}
                                                for t, b in zip(["(intercept)"] + list(xs), beta)]})


@pytest.fixture
def fake_qap(monkeypatch):
    import sys

    import lgnet.stats

    _FakeQAP.calls = []
    monkeypatch.setitem(sys.modules, "lgnet.stats.qap", _FakeQAP)
    monkeypatch.setattr(lgnet.stats, "qap", _FakeQAP, raising=False)
    return _FakeQAP


def test_partner_selection_models_plumbing(network_fx, fake_qap):
    from lgnet.stats import selection

    pdata, t = network_fx
    t = t.copy()
    t.loc[9, "reserves_ratio"] = np.nan  # Lon A: left out of every model (common sample)
    res = selection.partner_selection_models(pdata, t, permutations=9, seed=1)
    s = res.summary().set_index("model")
    assert list(s.index) == list(dyadic.MODEL_SPECS)
    assert (s["n_councils"] == 11).all() and (s["n_dyads"] == 55).all()
    assert res.dropped["code"].tolist() == ["E09000001"]
    assert all(shape == (11, 11) for shape, _ in fake_qap.calls)
    # the proximity model's coefficients equal OLS of W on distance over the 11 councils' dyads
    keep = np.arange(12) != 9
    W = dyadic.response(pdata, t)[np.ix_(keep, keep)]
    D = dyadic.distance_matrix(t[keep])
    iu = np.triu_indices(11, 1)
    slope = np.polyfit(D[iu], W[iu], 1)[0]
    co = res.coefficients().set_index(["model", "term"])
    assert co.loc[("proximity", "distance_km"), "estimate"] == pytest.approx(slope)
    assert s.loc["proximity", "response"] == "valued" and s.loc["proximity", "method"] == "mrqap"


def test_partner_selection_per_model_samples(network_fx, fake_qap):
    from lgnet.stats import selection

    pdata, t = network_fx
    t = t.copy()
    t.loc[9, "reserves_ratio"] = np.nan
    res = selection.partner_selection_models(pdata, t, specs={"p": ["distance_km"], "r": ["abs_diff_reserves_ratio"]},
                                             permutations=9, seed=1, common_sample=False)
    assert [shape for shape, _ in fake_qap.calls] == [(12, 12), (11, 11)]
    assert res.dropped["model"].tolist() == ["r"]
    assert res.summary().set_index("model")["n_councils"].to_dict() == {"p": 12, "r": 11}


def test_subset_comparison(network_fx, fake_qap):
    from lgnet.stats import selection

    pdata, t = network_fx
    out = selection.subset_comparison(pdata, t, specs={"p": ["distance_km"]}, blocks={"r": ["log_population"]},
                                      permutations=19, seed=0)
    d = out["describe"].set_index("subset")
    assert d.loc["all", "partnerships"] == 6 and d.loc["frontline", "partnerships"] == 3
    assert d.loc["administrative", "ties"] == 4 and d.loc["frontline", "ties"] == 8
    assert set(out["propensity"]["subset"]) == {"all", "frontline", "administrative"}
    assert out["selection"].set_index("subset").loc["frontline", "n_dyads"] == 66
    td = out["tie_distances"].set_index("level")
    assert td.loc["dyad", "frontline_n"] == 8 and td.loc["dyad", "administrative_n"] == 4
    assert td.loc["partnership", "frontline_n"] == 3 and td.loc["partnership", "administrative_n"] == 2
    no_sel = selection.subset_comparison(pdata, t, blocks={"r": ["log_population"]}, permutations=19,
                                         selection=False)
    assert "selection" not in no_sel


def test_partner_selection_with_real_qap(network_fx):
    """With the real lgnet.stats.qap (skipped until it exists): estimates equal OLS on the same dyads."""
    pytest.importorskip("lgnet.stats.qap")
    from lgnet.stats import selection

    pdata, t = network_fx
    res = selection.partner_selection_models(pdata, t, specs={"org": ["same_region", "distance_km"]},
                                             permutations=99, seed=2)
    iu = np.triu_indices(12, 1)
    W = dyadic.response(pdata, t)
    m = dyadic.predictor_matrices(t, ["same_region", "distance_km"])
    X = np.column_stack([np.ones(iu[0].size), m["same_region"][iu], m["distance_km"][iu]])
    beta, *_ = np.linalg.lstsq(X, W[iu].astype(float), rcond=None)
    co = res.coefficients().set_index("term")
    assert np.allclose(co.loc[["same_region", "distance_km"], "estimate"].to_numpy(), beta[1:], atol=1e-9)
    again = selection.partner_selection_models(pdata, t, specs={"org": ["same_region", "distance_km"]},
                                               permutations=99, seed=2)
    pd.testing.assert_frame_equal(res.coefficients(), again.coefficients())
    assert res.summary().loc[0, "n_dyads"] == 66
    assert 0 < res.summary().loc[0, "r_squared"] < 1
    assert {"std_error", "p_value", "p_classical"} <= set(res.coefficients().columns)
    lg = selection.partner_selection_models(pdata, t, specs={"org": ["same_region", "distance_km"]},
                                            permutations=49, seed=2, logistic=True)
    assert lg.summary().loc[0, "method"] == "logistic_qap" and lg.summary().loc[0, "response"] == "binary"
    assert lg.summary().loc[0, "deviance"] < lg.summary().loc[0, "null_deviance"]
