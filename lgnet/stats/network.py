"""Two-mode and one-mode partnership networks, activity subsets and descriptives.

The building blocks every analysis chapter uses:

* the **incidence matrix** ``B`` (councils x partnerships, 0/1), with every council of the council table
  as a row, in the table's row order -- councils in no partnership stay in (the article's ~3%);
* the **co-membership matrix** ``W = B Bᵀ`` with a zero diagonal: ``W[i, j]`` is the number of
  partnerships councils *i* and *j* share (valued), and its binary version ``W > 0``;
* **subsets** by the nature of the partnership (front-line or administrative);
* networkx graphs (one-mode with council attributes on the nodes; two-mode bipartite);
* **descriptives**: participation, partnerships per council, sizes, density, components.

Everything is computed with sparse matrix products; nothing loops over pairs of councils.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from lgnet.data.partnership_data import NATURES, PartnershipData

__all__ = [
    "NetworkInputError",
    "Incidence",
    "CouncilNetwork",
    "incidence",
    "comembership",
    "binary",
    "subset",
    "build",
    "graph",
    "bipartite_graph",
    "degree",
    "describe",
    "describe_table",
]

MIXED_DEFAULT = "exclude"


class NetworkInputError(ValueError):
    """Partnership data that cannot be laid over the council table (unknown code, duplicate row...)."""


@dataclass(frozen=True)
class Incidence:
    """The two-mode network: ``matrix`` (scipy CSR, councils x partnerships, 0/1 int) and its labels.

    Unpacks as a tuple ``B, codes, partnership_ids = incidence(...)``.
    """

    matrix: sp.csr_matrix
    codes: list[str]
    partnership_ids: list[str]

    def __iter__(self):
        return iter((self.matrix, self.codes, self.partnership_ids))

    def to_frame(self) -> pd.DataFrame:
        """The incidence matrix as a dense DataFrame (rows: council codes; columns: partnership ids)."""
        return pd.DataFrame(self.matrix.toarray(), index=self.codes, columns=self.partnership_ids)


def _codes(councils: pd.DataFrame) -> list[str]:
    if "code" not in councils.columns:
        raise NetworkInputError(
            "council table has no 'code' column; pass lgnet.data.councils.council_table(year) "
            "or lgnet.data.attributes.analysis_table(year)"
        )
    codes = councils["code"].astype("string")
    if codes.isna().any():
        rows = list(np.flatnonzero(codes.isna().to_numpy()))
        raise NetworkInputError(f"council table: missing code in row(s) {rows}; every council needs a GSS code")
    dup = codes[codes.duplicated()].unique().tolist()
    if dup:
        raise NetworkInputError(f"council table: duplicated code(s) {dup}; codes must be unique")
    return [str(c) for c in codes]


def incidence(pdata: PartnershipData, councils: pd.DataFrame) -> Incidence:
    """The councils x partnerships incidence matrix ``B`` (scipy CSR, int 0/1).

    Rows follow the row order of ``councils`` (every council is a row, partnered or not); columns follow
    the row order of ``pdata.partnerships``. A membership naming a code that is not in the council table,
    a partnership id that is not in the partnership table, a missing code, or the same council listed
    twice in one partnership is an error naming the row and value (nothing is dropped silently).

    Returns an :class:`Incidence`, which unpacks as ``(B, codes, partnership_ids)``.
    """
    codes = _codes(councils)
    parts = pdata.partnerships
    mems = pdata.memberships
    for col in ("partnership_id",):
        if col not in parts.columns:
            raise NetworkInputError(f"partnerships table has no '{col}' column")
    for col in ("partnership_id", "code"):
        if col not in mems.columns:
            raise NetworkInputError(f"memberships table has no '{col}' column")
    pids = [str(p) for p in parts["partnership_id"].astype("string")]
    if len(set(pids)) != len(pids):
        dup = sorted({p for p in pids if pids.count(p) > 1})
        raise NetworkInputError(f"partnerships table: duplicated partnership_id(s) {dup}")

    mem_codes = mems["code"].astype("string")
    mem_pids = mems["partnership_id"].astype("string")
    missing = mem_codes.isna() | mem_pids.isna()
    if missing.any():
        i = int(np.flatnonzero(missing.to_numpy())[0])
        raise NetworkInputError(
            f"memberships row {i} (partnership {mem_pids.iloc[i]!s}) has no council code or partnership id; "
            "match every member to a GSS code before building networks"
        )
    code_pos = pd.Series(np.arange(len(codes)), index=pd.Index(codes))
    pid_pos = pd.Series(np.arange(len(pids)), index=pd.Index(pids))
    unknown = ~mem_codes.isin(code_pos.index)
    if unknown.any():
        bad = mems.loc[unknown.to_numpy(), ["partnership_id", "code"]]
        listing = "; ".join(
            f"row {i}: partnership {r.partnership_id} code {r.code}" for i, r in zip(bad.index[:10], bad.itertuples())
        )
        raise NetworkInputError(
            f"{int(unknown.sum())} membership(s) name a council code not in the council table for year "
            f"{pdata.year} ({listing}); check the code is valid on 1 April {pdata.year} or use that year's table"
        )
    unknown_p = ~mem_pids.isin(pid_pos.index)
    if unknown_p.any():
        bad = sorted(set(mem_pids[unknown_p]))
        raise NetworkInputError(f"memberships name partnership id(s) not in the partnerships table: {bad[:10]}")
    pairs = pd.DataFrame({"p": mem_pids, "c": mem_codes})
    dup = pairs.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise NetworkInputError(
            f"memberships row {mems.index[i]}: council {mem_codes.iloc[i]} is listed twice in partnership "
            f"{mem_pids.iloc[i]}; remove the duplicate row"
        )
    rows = code_pos.loc[mem_codes.to_numpy()].to_numpy()
    cols = pid_pos.loc[mem_pids.to_numpy()].to_numpy()
    data = np.ones(len(rows), dtype=np.int64)
    B = sp.csr_matrix((data, (rows, cols)), shape=(len(codes), len(pids)))
    return Incidence(B, codes, pids)


def comembership(B) -> np.ndarray:
    """The valued one-mode matrix ``W = B Bᵀ`` (dense int ndarray) with a zero diagonal.

    ``W[i, j]`` is the number of partnerships councils *i* and *j* both belong to. ``B`` may be a scipy
    sparse matrix, an ndarray, a DataFrame or an :class:`Incidence`.
    """
    if isinstance(B, Incidence):
        B = B.matrix
    if isinstance(B, pd.DataFrame):
        B = B.to_numpy()
    B = sp.csr_matrix(B)
    W = (B @ B.T).toarray()
    np.fill_diagonal(W, 0)
    return W


def binary(W) -> np.ndarray:
    """The binary version of a valued matrix: 1 where ``W > 0``, else 0 (int ndarray)."""
    return (np.asarray(W) > 0).astype(np.int64)


def subset(pdata: PartnershipData, nature: str, mixed: str = MIXED_DEFAULT) -> PartnershipData:
    """The partnerships of one nature ("frontline" or "administrative"; "mixed" or "all" also accepted).

    ``mixed`` says what happens to the 29-or-so partnerships of mixed nature:

    * ``"exclude"`` (default): mixed partnerships are in **neither** subset. The two subsets are then
      disjoint sets of partnerships whose functions are purely front-line or purely back-office, which is
      what the article's subset comparison asks ("subsets ... containing either front line or back-office
      services"), and the tie-distance comparison compares two separate groups of partnerships.
    * ``"include"``: mixed partnerships are in **both** subsets (a sensitivity check: a mixed partnership
      delivers some front-line and some back-office work).

    The result is a new PartnershipData (memberships filtered to the kept partnerships; ``meta`` records
    the subset). Councils are not dropped: build networks with the full council table as usual.
    """
    if mixed not in ("exclude", "include"):
        raise ValueError(f"mixed must be 'exclude' or 'include', not {mixed!r}")
    if nature == "all":
        keep = pd.Series(True, index=pdata.partnerships.index)
    elif nature in NATURES:
        natures = pdata.partnerships["nature"].astype("string")
        unknown = sorted(set(natures.dropna()) - set(NATURES))
        if unknown:
            raise NetworkInputError(f"partnerships table: unknown nature value(s) {unknown}; use one of {NATURES}")
        if natures.isna().any():
            ids = pdata.partnerships["partnership_id"].astype("string")[natures.isna().to_numpy()].tolist()
            raise NetworkInputError(f"partnerships {ids[:10]} have no nature; set one of {NATURES} before subsetting")
        wanted = {nature}
        if mixed == "include" and nature in ("frontline", "administrative"):
            wanted.add("mixed")
        keep = natures.isin(wanted).fillna(False)
    else:
        raise ValueError(f"nature must be one of {NATURES} or 'all', not {nature!r}")
    parts = pdata.partnerships.loc[keep.to_numpy()].copy()
    ids = set(parts["partnership_id"].astype("string"))
    mems = pdata.memberships.loc[pdata.memberships["partnership_id"].astype("string").isin(ids).to_numpy()].copy()
    meta = dict(pdata.meta)
    meta["subset"] = {"nature": nature, "mixed": mixed}
    return replace(pdata, partnerships=parts, memberships=mems, meta=meta)


@dataclass(frozen=True)
class CouncilNetwork:
    """All the aligned network objects for one dataset (and subset): the thing chapters pass around.

    B: incidence (CSR), W: valued co-membership (ndarray), W_binary, codes (row order of the council
    table), partnership_ids, degree (Series by code: partnerships per council, zeros kept).
    """

    B: sp.csr_matrix
    W: np.ndarray
    W_binary: np.ndarray
    codes: list[str]
    partnership_ids: list[str]
    degree: pd.Series


def build(pdata: PartnershipData, councils: pd.DataFrame) -> CouncilNetwork:
    """Incidence, valued and binary co-membership and degree in one go (aligned to ``councils`` rows)."""
    inc = incidence(pdata, councils)
    W = comembership(inc.matrix)
    deg = pd.Series(np.asarray(inc.matrix.sum(axis=1)).ravel(), index=pd.Index(inc.codes, name="code"), name="degree")
    return CouncilNetwork(inc.matrix, W, binary(W), inc.codes, inc.partnership_ids, deg)


def degree(pdata: PartnershipData, councils: pd.DataFrame) -> pd.Series:
    """Partnerships per council (the article's propensity to collaborate), zeros included.

    A Series indexed by council ``code`` in the council table's row order, named ``degree``.
    """
    inc = incidence(pdata, councils)
    counts = np.asarray(inc.matrix.sum(axis=1)).ravel()
    return pd.Series(counts, index=pd.Index(inc.codes, name="code"), name="degree")


def _node_attributes(councils: pd.DataFrame) -> dict[str, dict]:
    """Council attributes as plain Python values (missing values left out), keyed by code."""
    out: dict[str, dict] = {}
    cols = [c for c in councils.columns if c != "code"]
    records = councils[cols].astype(object).to_dict(orient="records")
    for code, rec in zip(_codes(councils), records):
        clean = {}
        for k, v in rec.items():
            if isinstance(v, (list, tuple, np.ndarray)):
                clean[k] = list(v)
                continue
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                continue
            if isinstance(v, np.generic):
                v = v.item()
            clean[k] = v
        out[code] = clean
    return out


def graph(pdata: PartnershipData, councils: pd.DataFrame, valued: bool = True) -> nx.Graph:
    """The one-mode council network as a networkx Graph.

    Nodes: every council code in the council table (isolates included) with the table's columns as node
    attributes (missing values omitted). Edges: pairs sharing at least one partnership; with
    ``valued=True`` each edge has ``weight`` = number of shared partnerships, else ``weight`` = 1.
    Built from the sparse product ``B Bᵀ``.
    """
    inc = incidence(pdata, councils)
    Ws = (inc.matrix @ inc.matrix.T).tocsr()
    Ws.setdiag(0)
    Ws.eliminate_zeros()
    if not valued:
        Ws.data[:] = 1
    G = nx.from_scipy_sparse_array(Ws, edge_attribute="weight")
    G = nx.relabel_nodes(G, dict(enumerate(inc.codes)), copy=True)
    nx.set_node_attributes(G, _node_attributes(councils))
    G.graph.update({"year": pdata.year, "dataset": pdata.dataset, "simulated": pdata.simulated,
                    "valued": valued, "subset": pdata.meta.get("subset")})
    return G


def bipartite_graph(pdata: PartnershipData, councils: pd.DataFrame) -> nx.Graph:
    """The two-mode network: council nodes (``bipartite=0``, keyed by code, with council attributes) and
    partnership nodes (``bipartite=1``, keyed by partnership id, with name/nature/function); an edge per
    membership. Council and partnership labels must not collide."""
    inc = incidence(pdata, councils)
    clash = set(inc.codes) & set(inc.partnership_ids)
    if clash:
        raise NetworkInputError(f"partnership id(s) {sorted(clash)[:5]} equal council codes; rename the partnerships")
    G = nx.Graph()
    attrs = _node_attributes(councils)
    G.add_nodes_from((c, {**attrs[c], "bipartite": 0, "kind": "council"}) for c in inc.codes)
    pcols = [c for c in ("name", "nature", "function") if c in pdata.partnerships.columns]
    precs = pdata.partnerships[pcols].astype(object).to_dict(orient="records")
    for pid, rec in zip(inc.partnership_ids, precs):
        rec = {k: v for k, v in rec.items() if not (v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)))}
        G.add_node(pid, **rec, bipartite=1, kind="partnership")
    coo = inc.matrix.tocoo()
    G.add_edges_from((inc.codes[i], inc.partnership_ids[j]) for i, j in zip(coo.row, coo.col))
    return G


def _summary(values: np.ndarray) -> dict[str, float]:
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return {"min": np.nan, "median": np.nan, "mean": np.nan, "max": np.nan}
    return {"min": float(values.min()), "median": float(np.median(values)),
            "mean": float(values.mean()), "max": float(values.max())}


def describe(pdata: PartnershipData, councils: pd.DataFrame, top: int = 10) -> dict:
    """Descriptives of a partnership dataset laid over a council table (the article's opening figures).

    Keys: ``partnerships`` (count), ``partnerships_by_nature`` (dict), ``councils`` (rows of the table),
    ``participants`` (councils in >= 1 partnership), ``participation`` (their share),
    ``degree_participants`` / ``degree_all`` (min/median/mean/max partnerships per council among
    participants and over all councils), ``size`` (min/median/mean/max members per partnership),
    ``ties`` (pairs sharing >= 1 partnership), ``density`` (ties / all pairs of the table's councils, binary
    one-mode network), ``components`` and ``largest_component`` (connected components of the one-mode
    network **among participants**; isolated non-participants are not counted as components),
    ``top_councils`` (DataFrame: code, name, degree -- the ``top`` councils by partnerships, ties kept
    in table order).
    """
    net = build(pdata, councils)
    n = len(net.codes)
    deg = net.degree.to_numpy()
    part = deg > 0
    sizes = np.asarray(net.B.sum(axis=0)).ravel()
    natures = pdata.partnerships["nature"].astype("string").value_counts(dropna=False)
    by_nature = {k: int(natures.get(k, 0)) for k in NATURES}
    other = int(natures.sum()) - sum(by_nature.values())
    if other:
        by_nature["other/missing"] = other
    ties = int(np.triu(net.W_binary, 1).sum())
    pairs = n * (n - 1) / 2
    idx = np.flatnonzero(part)
    if idx.size:
        sub = sp.csr_matrix(net.W_binary[np.ix_(idx, idx)])
        n_comp, labels = connected_components(sub, directed=False)
        largest = int(np.bincount(labels).max())
    else:
        n_comp, largest = 0, 0
    order = np.argsort(-deg, kind="stable")[:top]
    names = councils["name"].astype("string").to_numpy() if "name" in councils.columns else np.array(net.codes)
    top_df = pd.DataFrame({"code": [net.codes[i] for i in order], "name": [str(names[i]) for i in order],
                           "degree": deg[order].astype(int)})
    return {
        "dataset": pdata.label,
        "year": pdata.year,
        "subset": pdata.meta.get("subset"),
        "partnerships": int(len(pdata.partnerships)),
        "partnerships_by_nature": by_nature,
        "memberships": int(net.B.sum()),
        "councils": n,
        "participants": int(part.sum()),
        "participation": float(part.mean()) if n else np.nan,
        "degree_participants": _summary(deg[part]),
        "degree_all": _summary(deg),
        "size": _summary(sizes),
        "ties": ties,
        "density": float(ties / pairs) if pairs else np.nan,
        "components": int(n_comp),
        "largest_component": largest,
        "top_councils": top_df,
    }


def describe_table(desc: dict) -> pd.DataFrame:
    """A ``describe`` dict flattened to a two-column table (statistic, value) for display."""
    rows = []
    for key, value in desc.items():
        if key == "top_councils":
            continue
        if isinstance(value, dict):
            rows.extend((f"{key}: {k}", v) for k, v in value.items())
        else:
            rows.append((key, value))
    return pd.DataFrame(rows, columns=["statistic", "value"])
