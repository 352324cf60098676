"""Results out in open formats: the networks for Gephi, R and UCINET, and the dyadic matrices for `lgnet mrqap`.

``export(pdata, table, out, fmt)`` writes into the folder ``out``:

- the **two-mode** network (councils x partnerships) and the **one-mode** co-membership network (valued:
  ``weight`` = partnerships shared), with the council attributes on the council nodes (codes as node ids,
  the council's name as ``label``). Missing attribute values are left off the node (GraphML and GEXF
  cannot hold None/NaN; an absent attribute is how both formats say "missing"); lists are joined with "; ".
  ``fmt`` chooses the format of these two files:

  ``graphml``    ``one_mode.graphml``, ``two_mode.graphml`` (networkx ``write_graphml``): Gephi, R igraph
                 (``read_graph(f, "graphml")``), Cytoscape.
  ``gexf``       ``one_mode.gexf``, ``two_mode.gexf`` (networkx ``write_gexf``): Gephi.
  ``csv``        ``nodes.csv`` (one row per council, its attributes), ``edges.csv`` (one-mode edge list:
                 source, target, weight), ``partnerships.csv`` and ``memberships.csv`` (two-mode: one row per
                 partnership; one row per council-partnership tie): R igraph ``graph_from_data_frame``,
                 statnet ``network``, Gephi's spreadsheet import.
  ``ucinet-dl``  ``one_mode.dl`` (DL ``format = fullmatrix``, labels embedded: the valued co-membership
                 matrix) and ``two_mode.dl`` (DL ``format = nodelist2``: one line per council, its row number
                 followed by the column numbers of its partnerships; row and column labels listed), plus
                 ``nodes.csv`` for the attributes (UCINET imports attribute tables from spreadsheets).

- in every format, the **dyadic matrices** as square CSVs (first row and first column = council codes),
  readable by ``lgnet mrqap``: ``matrices/comembership.csv`` (valued response), ``matrices/comembership_binary.csv``
  and one file per predictor of ``lgnet.stats.dyadic.MODEL_SPECS`` (10 predictors). The matrices cover the
  councils complete for every predictor (the book's common sample, as ``partner_selection_models``); the
  councils left out are listed in ``matrices/dropped.csv``.

- ``README.txt``: what each file is, which tool reads it, and the ``lgnet mrqap`` command for each model.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from lgnet.stats import dyadic, network

__all__ = ["FORMATS", "export", "clean_graph", "predictor_items", "mrqap_command"]

FORMATS = {
    "graphml": "GraphML (Gephi; R igraph read_graph(file, 'graphml'); Cytoscape)",
    "gexf": "GEXF (Gephi)",
    "csv": "CSV node and edge lists (R igraph graph_from_data_frame, statnet network; Gephi spreadsheet import)",
    "ucinet-dl": "UCINET DL text (fullmatrix one-mode, nodelist2 two-mode)",
}


def _plain(value):
    """A value GraphML/GEXF can hold (str, int, float, bool), or None for a missing one."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        items = [str(v) for v in value if _plain(v) is not None]
        return "; ".join(items) if items else None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def clean_graph(G: nx.Graph) -> nx.Graph:
    """A copy with every attribute in a type GraphML/GEXF accept; missing values dropped.

    An attribute holding both ints and floats across nodes becomes float (one type per key, as both
    formats require); mixed other types become text.
    """
    H = nx.Graph()
    H.graph.update({k: v for k, v in ((k, _plain(v)) for k, v in G.graph.items()) if v is not None})
    nodes = {n: {k: v for k, v in ((k, _plain(v)) for k, v in d.items()) if v is not None} for n, d in G.nodes(data=True)}
    kinds: dict[str, set] = {}
    for d in nodes.values():
        for k, v in d.items():
            kinds.setdefault(k, set()).add(type(v))
    for k, types in kinds.items():
        if len(types) == 1:
            continue
        cast = float if types <= {int, float, bool} else str
        for d in nodes.values():
            if k in d:
                d[k] = cast(d[k])
    H.add_nodes_from(nodes.items())
    H.add_edges_from((u, v, {k: _plain(x) for k, x in d.items() if _plain(x) is not None}) for u, v, d in G.edges(data=True))
    return H


def _with_labels(G: nx.Graph) -> nx.Graph:
    for n, d in G.nodes(data=True):
        d["label"] = str(d.get("name", n))
    return G


def predictor_items(specs: dict[str, list[str]] | None = None) -> list[str]:
    """Every predictor named in the specifications, in first-use order."""
    specs = dyadic.MODEL_SPECS if specs is None else specs
    return list(dict.fromkeys(item for spec in specs.values() for item in spec))


def mrqap_command(folder: str, predictors: list[str], permutations: int = 2000, seed: int = 0) -> str:
    """The `lgnet mrqap` command for one model on the exported matrices (paths relative to ``folder``)."""
    xs = " ".join(f"--x {p}={folder}/{p}.csv" for p in predictors)
    return f"lgnet mrqap --y {folder}/comembership.csv {xs} --permutations {permutations} --seed {seed}"


def _write_matrix(path: Path, M: np.ndarray, labels: list[str]) -> None:
    pd.DataFrame(M, index=pd.Index(labels, name="code"), columns=labels).to_csv(path, float_format="%.10g")


def _dl_label(text: str) -> str:
    return '"' + str(text).replace('"', "'") + '"' if any(c in str(text) for c in ' ,"\t') else str(text)


def write_dl_fullmatrix(path: Path, M: np.ndarray, labels: list[str]) -> None:
    """UCINET DL, one-mode: ``dl n=N format = fullmatrix labels embedded``, rows = columns = ``labels``."""
    lines = [f"dl n={len(labels)}", "format = fullmatrix", "labels embedded", "data:",
             " ".join(_dl_label(x) for x in labels)]
    for lab, row in zip(labels, M):
        lines.append(_dl_label(lab) + " " + " ".join(f"{v:g}" for v in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_dl_nodelist2(path: Path, B, row_labels: list[str], col_labels: list[str]) -> None:
    """UCINET DL, two-mode: ``format = nodelist2``; each data line is a row number followed by the column
    numbers it is tied to (1-based); rows with no tie are omitted (labels are listed, so they stay nodes)."""
    lines = [f"dl nr={len(row_labels)} nc={len(col_labels)}", "format = nodelist2",
             "row labels:", *(_dl_label(x) for x in row_labels),
             "column labels:", *(_dl_label(x) for x in col_labels), "data:"]
    B = B.tocsr()
    for i in range(B.shape[0]):
        cols = B.indices[B.indptr[i]:B.indptr[i + 1]]
        if cols.size:
            lines.append(" ".join(str(x) for x in [i + 1, *sorted(int(c) + 1 for c in cols)]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _nodes_table(table: pd.DataFrame, degree: pd.Series) -> pd.DataFrame:
    cols = [c for c in table.columns if c != "alt_names"]
    nodes = table[cols].copy()
    nodes.insert(1, "label", nodes["name"] if "name" in nodes.columns else nodes["code"])
    nodes["degree"] = degree.reindex(nodes["code"].astype(str)).to_numpy()
    return nodes


def export(pdata, table: pd.DataFrame, out: str | Path, fmt: str = "graphml",
           specs: dict[str, list[str]] | None = None) -> list[Path]:
    """Write the networks (in ``fmt``) and the dyadic matrices (CSV) into ``out``; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    specs = dict(dyadic.MODEL_SPECS if specs is None else specs)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = table.reset_index(drop=True)
    written: list[Path] = []
    net = network.build(pdata, data)
    codes = list(net.codes)

    one = _with_labels(network.graph(pdata, data, valued=True))
    two = _with_labels(network.bipartite_graph(pdata, data))
    nodes = _nodes_table(data, net.degree)
    if fmt in ("graphml", "gexf"):
        writer = nx.write_graphml if fmt == "graphml" else nx.write_gexf
        for name, G in (("one_mode", one), ("two_mode", two)):
            path = out / f"{name}.{fmt}"
            writer(clean_graph(G), path)
            written.append(path)
    else:
        nodes.to_csv(out / "nodes.csv", index=False)
        written.append(out / "nodes.csv")
    if fmt == "csv":
        edges = pd.DataFrame([(u, v, d.get("weight", 1)) for u, v, d in one.edges(data=True)],
                             columns=["source", "target", "weight"])
        edges.to_csv(out / "edges.csv", index=False)
        parts = pdata.partnerships.copy()
        parts.to_csv(out / "partnerships.csv", index=False)
        coo = net.B.tocoo()
        mems = pd.DataFrame({"council": [codes[i] for i in coo.row],
                             "partnership_id": [net.partnership_ids[j] for j in coo.col]})
        mems.to_csv(out / "memberships.csv", index=False)
        written += [out / "edges.csv", out / "partnerships.csv", out / "memberships.csv"]
    elif fmt == "ucinet-dl":
        write_dl_fullmatrix(out / "one_mode.dl", net.W, codes)
        write_dl_nodelist2(out / "two_mode.dl", net.B, codes, list(net.partnership_ids))
        written += [out / "one_mode.dl", out / "two_mode.dl"]

    # the dyadic matrices over the councils complete for every predictor (the book's common sample)
    items = predictor_items(specs)
    keep, dropped = dyadic.complete_cases(data, items)
    idx = np.flatnonzero(keep)
    mcodes = [codes[i] for i in idx]
    mdir = out / "matrices"
    mdir.mkdir(exist_ok=True)
    W = net.W[np.ix_(idx, idx)]
    for name, M in (("comembership", W), ("comembership_binary", (W > 0).astype(int))):
        _write_matrix(mdir / f"{name}.csv", M, mcodes)
        written.append(mdir / f"{name}.csv")
    for name, M in dyadic.predictor_matrices(data.iloc[idx], items).items():
        _write_matrix(mdir / f"{name}.csv", M, mcodes)
        written.append(mdir / f"{name}.csv")
    dropped.to_csv(mdir / "dropped.csv", index=False)
    written.append(mdir / "dropped.csv")

    readme = [
        f"lgnet export: {pdata.dataset}, councils of {pdata.year}"
        + (" (SIMULATED stand-in: not data about real partnerships)" if pdata.simulated else ""),
        f"format: {fmt} -- {FORMATS[fmt]}",
        f"councils: {len(codes)}; partnerships: {len(net.partnership_ids)}; "
        f"one-mode ties (pairs sharing a partnership): {one.number_of_edges()}",
        "",
        "files:",
        *(f"  {p.relative_to(out).as_posix()}" for p in written),
        "",
        f"matrices/: square CSVs over the {len(mcodes)} councils complete for every predictor "
        f"({len(codes) - len(mcodes)} left out, see matrices/dropped.csv); first row and column = council codes.",
        "The book's partner-selection models on them (run from this folder). The book fits each model on the "
        "councils complete for that model's own variables, so a model that leaves out a predictor with gaps "
        "(e.g. same party) uses more councils in the book than here"
        + (f" ({len(codes) - len(mcodes)} more)" if len(codes) > len(mcodes) else "") + ":",
        *(f"  {name}: {mrqap_command('matrices', spec)}" for name, spec in specs.items()),
    ]
    (out / "README.txt").write_text("\n".join(readme) + "\n", encoding="utf-8")
    written.append(out / "README.txt")
    return written
