"""`lgnet export`: networks in GraphML/GEXF/CSV/UCINET DL and dyadic matrices that `lgnet mrqap` reads back."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from lgnet.cli.entry import main
from lgnet.stats import dyadic, selection
from lgnet.stats.export import export


@pytest.fixture
def fixture_export(network_fx, tmp_path):
    """The 12-council fixture with one missing attribute value (GraphML/GEXF cannot hold NaN)."""
    pdata, councils = network_fx
    councils = councils.copy()
    councils.loc[0, "party_control"] = pd.NA
    councils.loc[1, "population"] = np.nan
    return pdata, councils, tmp_path


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_formats_read_back_with_attributes(fixture_export, fmt):
    pdata, councils, out = fixture_export
    export(pdata, councils, out, fmt)
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    one, two = reader(out / f"one_mode.{fmt}"), reader(out / f"two_mode.{fmt}")
    codes = councils["code"].astype(str).tolist()
    assert set(one.nodes) == set(codes)  # isolates kept
    first = one.nodes[codes[0]]
    assert first["label"] == councils.loc[0, "name"]
    assert "party_control" not in first  # missing value left off the node
    assert "population" not in one.nodes[codes[1]]
    assert one.nodes[codes[2]]["region"] == councils.loc[2, "region"]
    W = dyadic.response(pdata, councils)
    i, j = np.argwhere(W > 0)[0]
    assert float(one.edges[codes[i], codes[j]]["weight"]) == W[i, j]
    assert one.number_of_edges() == int((np.triu(W, 1) > 0).sum())
    assert two.number_of_nodes() == len(codes) + len(pdata.partnerships)
    assert two.number_of_edges() == len(pdata.memberships)


def test_csv_and_ucinet_dl(fixture_export):
    pdata, councils, out = fixture_export
    export(pdata, councils, out / "csv", "csv")
    nodes = pd.read_csv(out / "csv" / "nodes.csv")
    edges = pd.read_csv(out / "csv" / "edges.csv")
    mems = pd.read_csv(out / "csv" / "memberships.csv")
    assert len(nodes) == len(councils) and {"code", "label", "degree"} <= set(nodes.columns)
    W = dyadic.response(pdata, councils)
    assert len(edges) == int((np.triu(W, 1) > 0).sum()) and edges["weight"].sum() == np.triu(W, 1).sum()
    assert len(mems) == len(pdata.memberships)

    export(pdata, councils, out / "dl", "ucinet-dl")
    lines = (out / "dl" / "one_mode.dl").read_text().splitlines()
    n = len(councils)
    assert lines[:4] == [f"dl n={n}", "format = fullmatrix", "labels embedded", "data:"]
    body = np.array([[float(v) for v in line.split()[1:]] for line in lines[5:]])
    assert np.array_equal(body, W)
    two = (out / "dl" / "two_mode.dl").read_text().splitlines()
    assert two[:2] == [f"dl nr={n} nc={len(pdata.partnerships)}", "format = nodelist2"]
    data = two[two.index("data:") + 1:]
    assert sum(len(line.split()) - 1 for line in data) == len(pdata.memberships)


def test_matrices_leave_out_incomplete_councils(fixture_export):
    pdata, councils, out = fixture_export
    export(pdata, councils, out, "csv")
    y = pd.read_csv(out / "matrices" / "comembership.csv", index_col=0)
    dropped = pd.read_csv(out / "matrices" / "dropped.csv")
    assert set(dropped["code"].astype(str)) == set(councils["code"].astype(str).iloc[:2])
    assert list(y.index.astype(str)) == list(y.columns) == councils["code"].astype(str).iloc[2:].tolist()


def test_round_trip_export_mrqap_equals_partner_selection(raw_data, tmp_path, capsys):
    """export (real 2017 documented data) -> lgnet mrqap on the CSVs -> the book's coefficients and p-values."""
    from lgnet.data.attributes import analysis_table
    from lgnet.data.partnerships import load_partnerships

    out = tmp_path / "export"
    assert main(["export", "--year", "2017", "--partnerships", "documented", "--format", "graphml",
                 "--out", str(out)]) == 0
    spec = dyadic.MODEL_SPECS["combined"]
    m = out / "matrices"
    argv = ["mrqap", "--y", str(m / "comembership.csv"), "--permutations", "19", "--seed", "5", "--quiet",
            "--json", str(tmp_path / "res.json")]
    for item in spec:
        argv += ["--x", f"{item}={m / (item + '.csv')}"]
    assert main(argv) == 0
    got = json.loads((tmp_path / "res.json").read_text())
    book = selection.partner_selection_models(load_partnerships("documented", year=2017), analysis_table(2017),
                                              specs={"combined": spec}, permutations=19, seed=5)
    want = book.coefficients()
    est = {c["term"]: c["estimate"] for c in got["coefficients"]}
    pv = {c["term"]: c["p_value"] for c in got["coefficients"]}
    assert set(est) == set(want["term"])
    for _, row in want.iterrows():
        assert est[row["term"]] == pytest.approx(row["estimate"], rel=1e-9, abs=1e-12)
        assert pv[row["term"]] == pytest.approx(row["p_value"])
    assert got["r_squared"] == pytest.approx(float(book.summary()["r_squared"].iloc[0]), rel=1e-9)
    assert got["n_dyads"] == book.n_councils * (book.n_councils - 1) // 2


def test_help_names_each_format_and_its_tool(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = capsys.readouterr().out
    for word in ("graphml", "gexf", "csv", "ucinet-dl", "Gephi", "igraph", "statnet", "UCINET", "lgnet mrqap"):
        assert word in text


def test_bad_partnership_file_is_exit_2(tmp_path, raw_data, capsys):
    assert main(["export", "--partnerships", str(tmp_path / "nope.csv"), "--format", "csv",
                 "--out", str(tmp_path / "o")]) == 2
    assert "not found" in capsys.readouterr().err
