"""Networks on a 12-council, 6-partnership fixture whose answers are worked out by hand (see its README)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from _network_fixture import position as idx
from lgnet.stats import network
from lgnet.data.partnership_data import PartnershipData


def test_incidence_shape_order_and_isolates(network_fx):
    pdata, councils = network_fx
    B, codes, pids = network.incidence(pdata, councils)
    assert codes == list(councils["code"])
    assert pids == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert B.shape == (12, 6)
    assert B.sum() == 16
    assert list(np.asarray(B.sum(axis=0)).ravel()) == [4, 2, 3, 2, 3, 2]
    # Lon A is in no partnership but keeps its row
    assert B[idx(councils, "Lon A")].sum() == 0


def test_incidence_follows_council_row_order(network_fx):
    pdata, councils = network_fx
    shuffled = councils.iloc[::-1].reset_index(drop=True)
    B, codes, _ = network.incidence(pdata, shuffled)
    assert codes == list(shuffled["code"])
    assert B[codes.index("E07000001")].toarray().ravel().tolist() == [1, 1, 0, 0, 0, 0]


def test_unknown_code_is_a_clear_error(network_fx):
    pdata, councils = network_fx
    mems = pd.concat([pdata.memberships, pd.DataFrame({"partnership_id": ["P6"], "code": ["E07999999"],
                                                       "council_name_as_written": ["Nowhere"]})],
                     ignore_index=True)
    bad = PartnershipData(pdata.partnerships, mems, 2017, "fixture")
    with pytest.raises(network.NetworkInputError, match="E07999999"):
        network.incidence(bad, councils)


def test_duplicate_membership_is_an_error(network_fx):
    pdata, councils = network_fx
    mems = pd.concat([pdata.memberships, pdata.memberships.iloc[[0]]], ignore_index=True)
    with pytest.raises(network.NetworkInputError, match="listed twice"):
        network.incidence(PartnershipData(pdata.partnerships, mems, 2017, "fixture"), councils)


def test_comembership_values(network_fx):
    pdata, councils = network_fx
    B, codes, _ = network.incidence(pdata, councils)
    W = network.comembership(B)
    assert W.shape == (12, 12)
    assert (W == W.T).all() and (np.diag(W) == 0).all()
    a, b, c = idx(councils, "Dist A"), idx(councils, "Dist B"), idx(councils, "Dist C")
    assert W[a, b] == 2 and W[a, c] == 1
    assert W[idx(councils, "Met A"), idx(councils, "Dist D")] == 1
    assert W[idx(councils, "Uni A"), idx(councils, "Met A")] == 0
    Wb = network.binary(W)
    assert Wb[a, b] == 1 and set(np.unique(Wb)) == {0, 1}
    assert np.triu(Wb, 1).sum() == 14
    # dense input and DataFrame input agree with the sparse one
    assert (network.comembership(B.toarray()) == W).all()
    assert (network.comembership(network.incidence(pdata, councils).to_frame()) == W).all()


def test_degree(network_fx):
    pdata, councils = network_fx
    deg = network.degree(pdata, councils)
    assert list(deg.index) == list(councils["code"])
    assert deg.tolist() == [1, 1, 2, 2, 2, 2, 1, 2, 1, 0, 1, 1]


def test_subset_mixed_handling(network_fx):
    pdata, _ = network_fx
    fl = network.subset(pdata, "frontline")
    ad = network.subset(pdata, "administrative")
    assert sorted(fl.partnerships["partnership_id"]) == ["P1", "P4", "P6"]
    assert sorted(ad.partnerships["partnership_id"]) == ["P2", "P5"]
    assert set(fl.memberships["partnership_id"]) == {"P1", "P4", "P6"}
    fl_inc = network.subset(pdata, "frontline", mixed="include")
    ad_inc = network.subset(pdata, "administrative", mixed="include")
    assert "P3" in set(fl_inc.partnerships["partnership_id"]) and "P3" in set(ad_inc.partnerships["partnership_id"])
    assert fl.meta["subset"] == {"nature": "frontline", "mixed": "exclude"}
    with pytest.raises(ValueError):
        network.subset(pdata, "backoffice")
    with pytest.raises(ValueError):
        network.subset(pdata, "frontline", mixed="half")
    parts = pdata.partnerships.copy()
    parts.loc[0, "nature"] = pd.NA
    with pytest.raises(network.NetworkInputError, match="P1"):
        network.subset(PartnershipData(parts, pdata.memberships, 2017, "fixture"), "frontline")


def test_graph_matches_matrix(network_fx):
    pdata, councils = network_fx
    G = network.graph(pdata, councils)
    assert G.number_of_nodes() == 12 and G.number_of_edges() == 14
    assert G["E07000001"]["E07000002"]["weight"] == 2
    assert G.nodes["E07000001"]["region"] == "North West"
    assert "county" not in G.nodes["E06000001"]  # missing attribute omitted, not NaN
    assert G.degree("E09000001") == 0
    Gb = network.graph(pdata, councils, valued=False)
    assert Gb["E07000001"]["E07000002"]["weight"] == 1
    W = network.comembership(network.incidence(pdata, councils).matrix)
    A = nx.to_numpy_array(G, nodelist=list(councils["code"]), weight="weight")
    assert (A == W).all()


def test_bipartite_graph(network_fx):
    pdata, councils = network_fx
    G = network.bipartite_graph(pdata, councils)
    assert G.number_of_nodes() == 18 and G.number_of_edges() == 16
    assert nx.is_bipartite(G)
    assert G.nodes["P3"]["nature"] == "mixed" and G.nodes["P3"]["bipartite"] == 1
    proj = nx.bipartite.weighted_projected_graph(G, list(councils["code"]))
    assert proj["E07000001"]["E07000002"]["weight"] == 2


def test_describe(network_fx):
    pdata, councils = network_fx
    d = network.describe(pdata, councils, top=3)
    assert d["partnerships"] == 6
    assert d["partnerships_by_nature"] == {"frontline": 3, "administrative": 2, "mixed": 1}
    assert d["councils"] == 12 and d["participants"] == 11
    assert d["participation"] == pytest.approx(11 / 12)
    assert d["degree_participants"] == {"min": 1, "median": 1.0, "mean": pytest.approx(16 / 11), "max": 2}
    assert d["degree_all"]["min"] == 0 and d["degree_all"]["mean"] == pytest.approx(16 / 12)
    assert d["size"] == {"min": 2, "median": 2.5, "mean": pytest.approx(16 / 6), "max": 4}
    assert d["ties"] == 14 and d["density"] == pytest.approx(14 / 66)
    assert d["components"] == 2 and d["largest_component"] == 9
    top = d["top_councils"]
    assert len(top) == 3 and (top["degree"] == 2).all()
    assert list(top["name"]) == ["Dist A", "Dist B", "Dist C"]  # ties kept in table order
    tab = network.describe_table(d)
    assert {"statistic", "value"} <= set(tab.columns) and "density" in set(tab["statistic"])


def test_describe_subset(network_fx):
    pdata, councils = network_fx
    d = network.describe(network.subset(pdata, "administrative"), councils)
    assert d["partnerships"] == 2 and d["participants"] == 5 and d["ties"] == 4
    assert d["components"] == 2 and d["largest_component"] == 3
