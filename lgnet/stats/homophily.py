"""Homophily descriptives and tie distances.

* **E–I index** (Krackhardt & Stern 1988): ``(E - I) / (E + I)`` where E counts ties between councils
  with different values of an attribute (external) and I ties between councils with the same value
  (internal). -1: all ties internal (homophily); +1: all external. With a valued matrix, ties are
  weighted by their values; pass the binary matrix for tie counts.
* **Permutation test** of the E–I index: the attribute's labels are permuted across nodes, keeping the
  network fixed. By default (``among="active"``) labels are permuted only among the councils that have
  at least one tie to another labelled council -- the councils whose labels enter E and I -- so the
  reference distribution keeps the observed mix of labels among partnering councils, and does not treat
  councils that partner with nobody as potential partners. ``among="all"`` permutes over every labelled
  council (UCINET's convention).
* **Intra-attribute ties versus proximity** (are intra-region partnerships "much more common than
  expected from proximity alone"?): a logistic regression of tie on distance over all dyads, and the
  expected number of intra-region ties as the sum of its fitted probabilities over intra-region dyads,
  with a simulation p-value.
* **Tie distances** by activity subset and a test of their difference.

Missing labels: a council with a missing value of the attribute is left out (its ties count neither as
E nor I) -- e.g. county for unitaries, metropolitan districts and London boroughs, so the county E–I is
computed over two-tier councils. For party control, "no overall control" (and the residual "other")
is not a party (as in ``lgnet.stats.dyadic``'s ``same_party``): each such council gets its own label, so a
NOC–NOC tie is external.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from tqdm.auto import tqdm

from lgnet.stats.dyadic import NOC_LABELS, distance_matrix
from lgnet.stats.network import comembership, incidence, subset

__all__ = [
    "ei_counts",
    "ei_index",
    "ei_test",
    "homophily_table",
    "intra_ties_vs_proximity",
    "assortativity",
    "tie_distances",
    "compare_tie_distances",
    "attribute_labels",
]

HOMOPHILY_ATTRIBUTES = ["region", "county", "type", "party_control"]


def _label_codes(labels, missing: str = "exclude") -> np.ndarray:
    """Integer codes for labels; -1 for missing (``exclude``) or a unique code per missing node (``distinct``)."""
    values = pd.Series(pd.array(list(labels) if not isinstance(labels, pd.Series) else labels.to_numpy(),
                                dtype="string"))
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    codes = codes.astype(np.int64)
    if missing == "distinct":
        miss = np.flatnonzero(codes < 0)
        codes[miss] = codes.max(initial=-1) + 1 + np.arange(miss.size)
    elif missing != "exclude":
        raise ValueError(f"missing must be 'exclude' or 'distinct', not {missing!r}")
    return codes


def attribute_labels(table: pd.DataFrame, attribute: str) -> pd.Series:
    """The labels used for an attribute: as in the table, except party control, where each "no overall
    control" (or "other") council gets its own label (NOC is not a party; see lgnet.stats.dyadic.NOC_LABELS)."""
    labels = table[attribute].astype("string").reset_index(drop=True)
    if attribute == "party_control":
        noc = labels.str.strip().str.lower().isin(NOC_LABELS).fillna(False).to_numpy()
        labels = labels.copy()
        labels[noc] = [f"NOC#{i}" for i in np.flatnonzero(noc)]
    return labels


def _edges(W) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    W = np.asarray(W)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be a square matrix, got shape {W.shape}")
    if not np.allclose(W, W.T):
        raise ValueError("W must be symmetric (an undirected co-membership network)")
    u, v = np.nonzero(np.triu(W, 1))
    return u, v, W[u, v].astype(float)


def ei_counts(W, labels, missing: str = "exclude") -> tuple[float, float]:
    """(E, I): weight of ties between / within label groups (upper triangle; unlabelled nodes left out)."""
    codes = _label_codes(labels, missing)
    if codes.size != np.asarray(W).shape[0]:
        raise ValueError(f"{codes.size} labels for a {np.asarray(W).shape[0]}-node matrix")
    u, v, w = _edges(W)
    ok = (codes[u] >= 0) & (codes[v] >= 0)
    same = codes[u] == codes[v]
    return float(w[ok & ~same].sum()), float(w[ok & same].sum())


def ei_index(W, labels, missing: str = "exclude") -> float:
    """Krackhardt & Stern's E–I index (E - I) / (E + I); NaN when there are no labelled ties."""
    E, I = ei_counts(W, labels, missing)
    return (E - I) / (E + I) if E + I > 0 else float("nan")


def ei_test(W, labels, permutations: int = 999, seed: int = 0, among: str = "active",
            missing: str = "exclude", quiet: bool = True) -> dict:
    """Permutation test of the E–I index (labels permuted across nodes; see the module docstring).

    Returns a dict: observed, expected (mean under permutation), expected_exact (the exact permutation
    mean, from the group sizes), sd, p_lower (share of permuted E–I <= observed: evidence of homophily),
    p_upper (>=: heterophily), p_two_sided, E, I, n_nodes (nodes whose labels were permuted), permutations,
    seed, among.
    """
    if among not in ("active", "all"):
        raise ValueError(f"among must be 'active' or 'all', not {among!r}")
    codes = _label_codes(labels, missing)
    u, v, w = _edges(W)
    ok = (codes[u] >= 0) & (codes[v] >= 0)
    u, v, w = u[ok], v[ok], w[ok]
    E, I = ei_counts(W, labels, missing)
    total = E + I
    observed = (E - I) / total if total > 0 else float("nan")
    if among == "active":
        pool = np.unique(np.concatenate([u, v]))
    else:
        pool = np.flatnonzero(codes >= 0)
    pool_codes = codes[pool]
    m = pool.size
    # exact permutation mean: each tie within the pool is internal with probability sum n_g(n_g-1)/(m(m-1))
    sizes = np.bincount(pool_codes) if m else np.array([0])
    p_same = float((sizes * (sizes - 1)).sum() / (m * (m - 1))) if m > 1 else float("nan")
    expected_exact = 1 - 2 * p_same if total > 0 else float("nan")
    rng = np.random.default_rng(seed)
    null = np.empty(permutations)
    if total > 0 and m > 1:
        where = np.full(codes.size, -1)
        where[pool] = np.arange(m)
        uu, vv = where[u], where[v]
        chunk = max(1, 4_000_000 // max(u.size, m, 1))
        for a in tqdm(range(0, permutations, chunk), disable=quiet, desc="E-I permutations", leave=False):
            b = min(permutations, a + chunk)
            L = rng.permuted(np.tile(pool_codes, (b - a, 1)), axis=1)
            I_star = (L[:, uu] == L[:, vv]) @ w
            null[a:b] = (total - 2 * I_star) / total
    else:
        null[:] = np.nan
    tol = 1e-12
    if permutations:
        p_lower = float((1 + np.sum(null <= observed + tol)) / (permutations + 1))
        p_upper = float((1 + np.sum(null >= observed - tol)) / (permutations + 1))
        expected, sd = float(np.mean(null)), float(np.std(null))
    else:  # no permutations: the index and its exact expectation only, no test
        p_lower = p_upper = expected = sd = float("nan")
    return {"observed": observed, "expected": expected, "expected_exact": expected_exact,
            "sd": sd, "p_lower": p_lower, "p_upper": p_upper,
            "p_two_sided": min(1.0, 2 * min(p_lower, p_upper)) if permutations else float("nan"),
            "E": E, "I": I, "n_nodes": int(m),
            "permutations": permutations, "seed": seed, "among": among}


def assortativity(W_binary, table: pd.DataFrame, attribute: str) -> float:
    """Newman's assortativity of the binary network on an attribute (networkx): categorical attributes
    use ``attribute_assortativity_coefficient``, numeric ones ``numeric_assortativity_coefficient``.
    Councils with a missing value are left out. NaN where undefined (e.g. a single category)."""
    Wb = (np.asarray(W_binary) > 0).astype(int)
    values = table[attribute].reset_index(drop=True)
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if not numeric:
        values = attribute_labels(table, attribute)
    keep = np.flatnonzero(values.notna().to_numpy())
    G = nx.from_numpy_array(Wb[np.ix_(keep, keep)])
    nx.set_node_attributes(G, {i: (float(values.iloc[k]) if numeric else str(values.iloc[k]))
                               for i, k in enumerate(keep)}, "a")
    if G.number_of_edges() == 0:
        return float("nan")
    with np.errstate(all="ignore"):
        try:
            if numeric:
                r = nx.numeric_assortativity_coefficient(G, "a")
            else:
                r = nx.attribute_assortativity_coefficient(G, "a")
        except (ValueError, ZeroDivisionError):
            return float("nan")
    return float(r)


def homophily_table(W, table: pd.DataFrame, attributes: list[str] | None = None, permutations: int = 999,
                    seed: int = 0, among: str = "active", quiet: bool = True) -> pd.DataFrame:
    """E–I index, its permutation test and assortativity for each attribute (binary ties).

    ``W`` is binarised (tie = at least one shared partnership). Columns: attribute, n_nodes, ties, E, I,
    ei, ei_expected, p_homophily (one-sided, E–I lower than expected), p_two_sided, assortativity,
    permutations, seed, among.
    """
    attributes = HOMOPHILY_ATTRIBUTES if attributes is None else attributes
    Wb = (np.asarray(W) > 0).astype(np.int64)
    rows = []
    for attr in attributes:
        if attr not in table.columns:
            raise ValueError(f"table has no column {attr!r} for the homophily table")
        labels = attribute_labels(table, attr)
        res = ei_test(Wb, labels, permutations=permutations, seed=seed, among=among, quiet=quiet)
        rows.append({"attribute": attr, "n_nodes": res["n_nodes"], "ties": int(res["E"] + res["I"]),
                     "E": int(res["E"]), "I": int(res["I"]), "ei": res["observed"], "ei_expected": res["expected"],
                     "p_homophily": res["p_lower"], "p_two_sided": res["p_two_sided"],
                     "assortativity": assortativity(Wb, table, attr),
                     "permutations": permutations, "seed": seed, "among": among})
    return pd.DataFrame(rows)


def _same_mask(labels: pd.Series) -> np.ndarray:
    codes = _label_codes(labels, "exclude")
    return (codes[:, None] == codes[None, :]) & (codes[:, None] >= 0)


def intra_ties_vs_proximity(W_binary, table: pd.DataFrame, attribute: str = "region", seed: int = 0,
                            n_sim: int = 999, log_distance: bool = True, quiet: bool = True) -> dict:
    """Intra-attribute ties observed versus expected under a proximity-only model.

    Model: logistic regression, over every pair of councils in the table (each dyad once), of
    ``tie`` (binary co-membership) on distance in km and, with ``log_distance``, ln(1 + km). The expected
    number of intra-attribute ties is the sum of the fitted probabilities over the dyads whose two
    councils share the attribute (both non-missing). The p-value is one-sided (more intra ties than
    proximity predicts): the share of ``n_sim`` simulated networks (independent Bernoulli dyads with the
    fitted probabilities) with at least as many intra ties as observed.

    Caveats, stated in the result: the proximity model is fitted to the observed ties, intra ties
    included, so proximity absorbs some of the clustering (conservative for the ratio); but the
    simulation treats dyads as independent given distance, whereas co-membership ties come in cliques
    (a partnership of k councils makes k(k-1)/2 ties), so the p-value overstates the evidence. The ratio
    is the descriptive; MRQAP's same-region coefficient controlling for distance is the dependence-robust test.

    Returns a dict: attribute, observed, expected, ratio, sd_sim, p_value, n_sim, seed, dyads, intra_dyads,
    model coefficients, ``by_level`` (DataFrame: level, councils, intra_dyads, observed, expected, ratio),
    caveat.
    """
    Wb = (np.asarray(W_binary) > 0).astype(np.int64)
    n = Wb.shape[0]
    if len(table) != n:
        raise ValueError(f"table has {len(table)} rows for a {n}-node matrix; use the same council table")
    iu = np.triu_indices(n, 1)
    y = Wb[iu].astype(float)
    d = distance_matrix(table.reset_index(drop=True))[iu]
    cols = [np.ones_like(d), d] + ([np.log1p(d)] if log_distance else [])
    names = ["(intercept)", "distance_km"] + (["log_distance"] if log_distance else [])
    X = np.column_stack(cols)
    if y.sum() == 0:
        raise ValueError("the network has no ties; nothing to compare")
    fit = sm.GLM(y, X, family=sm.families.Binomial()).fit()
    p = fit.predict(X)
    labels = attribute_labels(table, attribute)
    same = _same_mask(labels)[iu]
    observed = float(y[same].sum())
    expected = float(p[same].sum())
    ps = p[same]
    rng = np.random.default_rng(seed)
    sims = np.empty(n_sim)
    chunk = max(1, 4_000_000 // max(ps.size, 1))
    for a in tqdm(range(0, n_sim, chunk), disable=quiet, desc="proximity simulations", leave=False):
        b = min(n_sim, a + chunk)
        sims[a:b] = (rng.random((b - a, ps.size)) < ps).sum(axis=1)
    p_value = float((1 + np.sum(sims >= observed)) / (n_sim + 1)) if n_sim else float("nan")
    lab_i = labels.to_numpy()[iu[0]]
    by = (pd.DataFrame({"level": lab_i[same], "y": y[same], "p": ps})
          .groupby("level", sort=True).agg(intra_dyads=("y", "size"), observed=("y", "sum"), expected=("p", "sum"))
          .reset_index())
    counts = labels.value_counts()
    by.insert(1, "councils", by["level"].map(counts).astype(int))
    by["ratio"] = by["observed"] / by["expected"]
    return {"attribute": attribute, "observed": observed, "expected": expected,
            "ratio": observed / expected if expected > 0 else float("nan"),
            "sd_sim": float(np.std(sims)) if n_sim else float("nan"), "p_value": p_value, "n_sim": n_sim, "seed": seed,
            "dyads": int(y.size), "intra_dyads": int(same.sum()),
            "model": dict(zip(names, map(float, fit.params))), "by_level": by,
            "caveat": ("dyads simulated as independent given distance; co-membership ties are clustered, "
                       "so the p-value overstates the evidence; see MRQAP for the dependence-robust test")}


def tie_distances(pdata, councils: pd.DataFrame, natures=("frontline", "administrative"),
                  mixed: str = "exclude", level: str = "dyad") -> pd.DataFrame:
    """Distances (km, between centroids) spanned by the partnerships of each nature.

    ``level="dyad"`` (default): one row per pair of councils sharing at least one partnership of that
    nature (each pair once per nature; a pair tied by both a front-line and an administrative partnership
    appears once in each): columns nature, code_i, code_j, shared (partnerships of that nature the pair
    shares), distance_km. This is the distance of a tie in the nature's one-mode network.

    ``level="partnership"``: one row per partnership of that nature: nature, partnership_id, members,
    distance_km = mean distance over its pairs of members (NaN for partnerships with fewer than two
    member councils). Partnerships are the independent units here (a large partnership does not count
    once per pair).

    ``mixed`` is passed to ``lgnet.stats.network.subset`` (default: mixed partnerships in neither subset).
    """
    if level not in ("dyad", "partnership"):
        raise ValueError(f"level must be 'dyad' or 'partnership', not {level!r}")
    D = distance_matrix(councils.reset_index(drop=True))
    frames = []
    for nature in natures:
        sub = subset(pdata, nature, mixed=mixed)
        B, codes, pids = incidence(sub, councils)
        if level == "dyad":
            W = comembership(B)
            i, j = np.nonzero(np.triu(W, 1))
            frames.append(pd.DataFrame({"nature": nature, "code_i": [codes[k] for k in i],
                                        "code_j": [codes[k] for k in j], "shared": W[i, j].astype(int),
                                        "distance_km": D[i, j]}))
        else:
            Bd = B.toarray().astype(float)
            k = Bd.sum(axis=0)
            pair_sum = np.einsum("ij,ik,kj->j", Bd, D, Bd) / 2
            pairs = k * (k - 1) / 2
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(pairs > 0, pair_sum / np.where(pairs > 0, pairs, 1), np.nan)
            frames.append(pd.DataFrame({"nature": nature, "partnership_id": pids, "members": k.astype(int),
                                        "distance_km": mean}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out.attrs.update({"level": level, "mixed": mixed})
    return out


def compare_tie_distances(distances: pd.DataFrame, a: str = "frontline", b: str = "administrative",
                          permutations: int = 9999, seed: int = 0, quiet: bool = True) -> dict:
    """Compare tie distances of two natures (a table from ``tie_distances``).

    Returns a dict: ``summary`` (DataFrame: nature, n, median_km, mean_km, sd_km), ``excluded`` (rows
    with no distance, e.g. one-member partnerships; reported, not silently dropped), ``mann_whitney_u``,
    ``p_mann_whitney`` (two-sided, scipy), ``diff_means_km`` (a minus b), ``p_perm`` (two-sided
    permutation test of the difference of means: labels permuted across the pooled rows), permutations,
    seed, level, note.
    """
    level = distances.attrs.get("level", "dyad")
    va_all = distances.loc[distances["nature"] == a, "distance_km"].to_numpy(dtype=float)
    vb_all = distances.loc[distances["nature"] == b, "distance_km"].to_numpy(dtype=float)
    excluded = int(np.isnan(va_all).sum() + np.isnan(vb_all).sum())
    va, vb = va_all[~np.isnan(va_all)], vb_all[~np.isnan(vb_all)]
    if va.size == 0 or vb.size == 0:
        raise ValueError(f"need distances for both {a!r} ({va.size}) and {b!r} ({vb.size})")
    summary = pd.DataFrame([{"nature": name, "n": v.size, "median_km": float(np.median(v)),
                             "mean_km": float(v.mean()), "sd_km": float(v.std(ddof=1)) if v.size > 1 else np.nan}
                            for name, v in ((a, va), (b, vb))])
    mw = stats.mannwhitneyu(va, vb, alternative="two-sided")
    pooled = np.concatenate([va, vb])
    na, total = va.size, pooled.sum()
    observed = va.mean() - vb.mean()
    rng = np.random.default_rng(seed)
    null = np.empty(permutations)
    chunk = max(1, 4_000_000 // pooled.size)
    for s in tqdm(range(0, permutations, chunk), disable=quiet, desc="distance permutations", leave=False):
        e = min(permutations, s + chunk)
        perm = rng.permuted(np.tile(pooled, (e - s, 1)), axis=1)
        sa = perm[:, :na].sum(axis=1)
        null[s:e] = sa / na - (total - sa) / (pooled.size - na)
    tol = 1e-9 * max(1.0, abs(observed))
    p_perm = float((1 + np.sum(np.abs(null) >= abs(observed) - tol)) / (permutations + 1)) if permutations else float("nan")
    note = ("dyad level: a pair tied by partnerships of both natures is in both samples, and ties from one "
            "partnership are not independent; the partnership-level comparison (level='partnership') "
            "treats partnerships as the units" if level == "dyad" else
            "partnership level: each partnership's mean distance between its members")
    return {"summary": summary, "excluded": excluded, "mann_whitney_u": float(mw.statistic),
            "p_mann_whitney": float(mw.pvalue), "diff_means_km": float(observed), "p_perm": p_perm,
            "permutations": permutations, "seed": seed, "level": level, "note": note}
