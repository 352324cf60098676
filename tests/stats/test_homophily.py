"""E–I index and its permutation test, proximity-only expectations, assortativity and tie distances."""

from __future__ import annotations

from itertools import permutations as all_perms

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lgnet.stats import homophily as h
from lgnet.stats import network

@pytest.fixture
def fx(network_fx):
    """(PartnershipData, council table, valued co-membership matrix) of the 12-council fixture."""
    pdata, t = network_fx
    W = network.comembership(network.incidence(pdata, t).matrix)
    return pdata, t, W


def test_ei_index_by_hand(fx):
    _, t, W = fx
    Wb = network.binary(W)
    assert h.ei_counts(Wb, t["region"]) == (2, 12)
    assert h.ei_index(Wb, t["region"]) == pytest.approx(-10 / 14)
    assert h.ei_index(Wb, t["type"]) == pytest.approx(0.0)
    # valued: Dist A - Dist B counts twice
    assert h.ei_index(W, t["region"]) == pytest.approx(-11 / 15)
    # county: councils with no county left out; only Dist C - Dist D crosses counties
    assert h.ei_counts(Wb, t["county"]) == (1, 9)
    # party: NOC is not a party, so the NOC-NOC tie Dist C - Dist D is external
    assert h.ei_counts(Wb, h.attribute_labels(t, "party_control")) == (9, 5)
    assert h.ei_index(Wb, ["a"] * 12) == -1.0


def test_ei_test_matches_exact_enumeration():
    """On a 6-node network every label permutation can be enumerated: the Monte Carlo p-value and mean
    must agree with the exact ones."""
    W = np.zeros((7, 7), int)
    for i, j in [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (2, 3)]:
        W[i, j] = W[j, i] = 1
    labels = ["a", "a", "a", "b", "b", "c", "a"]  # node 6 is an isolate: not permuted with among='active'
    obs = h.ei_index(W, labels)
    pool = np.array(labels[:6])
    exact = []
    for p in all_perms(range(6)):
        exact.append(h.ei_index(W, list(pool[list(p)]) + ["a"]))
    exact = np.array(exact)
    res = h.ei_test(W, labels, permutations=4999, seed=1)
    assert res["observed"] == pytest.approx(obs)
    assert res["n_nodes"] == 6
    assert res["expected_exact"] == pytest.approx(exact.mean())
    assert res["expected"] == pytest.approx(exact.mean(), abs=0.02)
    assert res["p_lower"] == pytest.approx((exact <= obs + 1e-12).mean(), abs=0.02)
    # among='all' also permutes the isolate's label
    res_all = h.ei_test(W, labels, permutations=999, seed=1, among="all")
    assert res_all["n_nodes"] == 7 and res_all["expected_exact"] != pytest.approx(res["expected_exact"])


def test_ei_test_deterministic_and_detects_planted_homophily():
    rng = np.random.default_rng(0)
    n = 60
    groups = np.repeat(np.arange(3), 20)
    same = groups[:, None] == groups[None, :]
    P = np.where(same, 0.3, 0.03)
    A = np.triu(rng.random((n, n)) < P, 1).astype(int)
    A = A + A.T
    r1 = h.ei_test(A, groups.astype(str), permutations=499, seed=3)
    r2 = h.ei_test(A, groups.astype(str), permutations=499, seed=3)
    assert r1 == r2
    assert r1["observed"] < r1["expected"] and r1["p_lower"] < 0.01
    # random labels: no homophily detected
    r0 = h.ei_test(A, rng.permutation(groups).astype(str), permutations=499, seed=3)
    assert r0["p_lower"] > 0.05


def test_homophily_table(fx):
    _, t, W = fx
    tab = h.homophily_table(W, t, permutations=199, seed=0)
    assert list(tab["attribute"]) == ["region", "county", "type", "party_control"]
    reg = tab.set_index("attribute").loc["region"]
    assert reg["E"] == 2 and reg["I"] == 12 and reg["ei"] == pytest.approx(-10 / 14)
    assert reg["n_nodes"] == 11
    assert 0 < reg["p_homophily"] <= 1 and reg["assortativity"] > 0
    assert tab.set_index("attribute").loc["county", "n_nodes"] == 7


def test_assortativity_perfect_and_none():
    W = np.zeros((6, 6), int)
    for i, j in [(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5)]:
        W[i, j] = W[j, i] = 1
    t = pd.DataFrame({"g": ["a", "a", "a", "b", "b", "b"], "x": [1.0, 2, 3, 10, 11, 12]})
    assert h.assortativity(W, t, "g") == pytest.approx(1.0)
    assert h.assortativity(W, t, "x") > 0.9
    t2 = pd.DataFrame({"g": ["a", "b", "a", "b", "a", "b"]})
    assert h.assortativity(W, t2, "g") < 0


def _planted_network(region_effect: float, seed: int = 0, n: int = 120):
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0, 400_000, n), rng.uniform(0, 400_000, n)
    region = np.where(x < 200_000, "W", "E").astype(object) + np.where(y < 200_000, "S", "N").astype(object)
    t = pd.DataFrame({"code": [f"C{i:03d}" for i in range(n)], "x": x, "y": y, "region": region.astype(str)})
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) / 1000
    same = region[:, None] == region[None, :]
    logit = 0.5 - 0.03 * d + region_effect * same
    A = np.triu(rng.random((n, n)) < 1 / (1 + np.exp(-logit)), 1).astype(int)
    return A + A.T, t


def test_intra_ties_vs_proximity():
    A, t = _planted_network(1.5)
    res = h.intra_ties_vs_proximity(A, t, "region", seed=2, n_sim=499)
    assert res["ratio"] > 1.1 and res["p_value"] < 0.01
    assert res["observed"] == np.triu(A, 1)[np.equal.outer(t["region"].to_numpy(), t["region"].to_numpy())].sum()
    assert set(res["by_level"]["level"]) == {"WS", "WN", "ES", "EN"}
    assert res["by_level"]["observed"].sum() == res["observed"]
    assert res["by_level"]["expected"].sum() == pytest.approx(res["expected"])
    A0, t0 = _planted_network(0.0)
    r0 = h.intra_ties_vs_proximity(A0, t0, "region", seed=2, n_sim=499)
    assert 0.85 < r0["ratio"] < 1.15 and r0["p_value"] > 0.01
    # a logistic model with an intercept reproduces the total number of ties: one level for everyone
    t1 = t0.assign(region="all")
    r1 = h.intra_ties_vs_proximity(A0, t1, "region", seed=2, n_sim=99)
    assert r1["expected"] == pytest.approx(r1["observed"], rel=1e-6)
    assert h.intra_ties_vs_proximity(A, t, "region", seed=2, n_sim=99)["p_value"] == \
        h.intra_ties_vs_proximity(A, t, "region", seed=2, n_sim=99)["p_value"]


def test_tie_distances_dyad_and_partnership(fx):
    pdata, t, _ = fx
    d = h.tie_distances(pdata, t)
    fl = d[d["nature"] == "frontline"]
    ad = d[d["nature"] == "administrative"]
    assert len(fl) == 8 and len(ad) == 4  # P1 6 pairs + P4 + P6; P2 1 pair + P5 3 pairs
    row = fl[(fl["code_i"] == "E06000001") & (fl["code_j"] == "E06000002")].iloc[0]
    assert row["distance_km"] == pytest.approx(5.0)
    ab = ad[(ad["code_i"] == "E07000001") & (ad["code_j"] == "E07000002")].iloc[0]
    assert ab["distance_km"] == pytest.approx(10.0) and ab["shared"] == 1
    # mixed included: P3's three pairs join both
    d_inc = h.tie_distances(pdata, t, mixed="include")
    assert (d_inc["nature"] == "frontline").sum() == 11 and (d_inc["nature"] == "administrative").sum() == 7
    p = h.tie_distances(pdata, t, level="partnership").set_index("partnership_id")
    assert p.loc["P4", "distance_km"] == pytest.approx(5.0) and p.loc["P2", "distance_km"] == pytest.approx(10.0)
    D = np.hypot(*(t[["x", "y"]].to_numpy()[:, None, :] - t[["x", "y"]].to_numpy()[None, :, :]).transpose(2, 0, 1)) / 1000
    members = [2, 3, 4, 10]  # P1: Dist A, B, C, County K1 (rows in code order)
    pairs = [D[i, j] for k, i in enumerate(members) for j in members[k + 1:]]
    assert p.loc["P1", "distance_km"] == pytest.approx(np.mean(pairs))
    assert p.loc["P1", "members"] == 4


def test_compare_tie_distances():
    rng = np.random.default_rng(4)
    df = pd.concat([pd.DataFrame({"nature": "frontline", "distance_km": rng.gamma(2, 10, 150)}),
                    pd.DataFrame({"nature": "administrative", "distance_km": rng.gamma(2, 20, 100)})],
                   ignore_index=True)
    res = h.compare_tie_distances(df, permutations=1999, seed=0)
    s = res["summary"].set_index("nature")
    assert s.loc["frontline", "n"] == 150 and s.loc["administrative", "n"] == 100
    fl = df.loc[df.nature == "frontline", "distance_km"]
    ad = df.loc[df.nature == "administrative", "distance_km"]
    assert s.loc["frontline", "median_km"] == pytest.approx(fl.median())
    assert res["diff_means_km"] == pytest.approx(fl.mean() - ad.mean())
    mw = stats.mannwhitneyu(fl, ad, alternative="two-sided")
    assert res["p_mann_whitney"] == pytest.approx(mw.pvalue)
    assert res["p_perm"] < 0.01 and res["diff_means_km"] < 0
    again = h.compare_tie_distances(df, permutations=1999, seed=0)
    assert again["p_perm"] == res["p_perm"]
    pd.testing.assert_frame_equal(again["summary"], res["summary"])
    # same distribution: no difference detected
    same = df.assign(distance_km=rng.gamma(2, 15, len(df)))
    assert h.compare_tie_distances(same, permutations=1999, seed=0)["p_perm"] > 0.05
    # one-member partnerships have no distance: counted as excluded, not silently lost
    withnan = pd.concat([df, pd.DataFrame({"nature": ["frontline"], "distance_km": [np.nan]})], ignore_index=True)
    assert h.compare_tie_distances(withnan, permutations=99)["excluded"] == 1


def test_no_permutations_give_no_p_values_and_no_warnings(fx):
    """permutations=0 (or n_sim=0): the descriptives only; p-values NaN, not 1.0, and no numpy warnings."""
    import warnings

    pdata, t, W = fx
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ei = h.ei_test(network.binary(W), t["region"], permutations=0)
        prox = h.intra_ties_vs_proximity(network.binary(W), t, n_sim=0)
        cmp_ = h.compare_tie_distances(h.tie_distances(pdata, t), permutations=0)
    assert ei["observed"] == pytest.approx(-10 / 14) and not np.isnan(ei["expected_exact"])
    assert all(np.isnan(ei[k]) for k in ("p_lower", "p_upper", "p_two_sided", "expected", "sd"))
    assert np.isnan(prox["p_value"]) and np.isnan(prox["sd_sim"]) and prox["expected"] > 0
    assert np.isnan(cmp_["p_perm"]) and not np.isnan(cmp_["p_mann_whitney"])
