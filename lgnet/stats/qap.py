"""MRQAP with double semi-partialling, and logistic QAP, on square node-by-node matrices.

The model is an ordinary least-squares regression over the dyads of a network: for undirected
data each unordered pair {i, j} once (the upper triangle), for directed data every ordered pair
(i, j) with i != j. The diagonal is never used. Inference is by permuting node labels (QAP).

``mrqap(..., method="dsp")`` -- Dekker, Krackhardt & Snijders (2007) double semi-partialling, the
same test as R ``sna::netlm(nullhyp="qapspp")``: for each term k (the intercept included, as in
sna) the column x_k is regressed on the other columns, the residual e_k is permuted (the same
node permutation applied to rows and columns) and y is regressed on the other columns plus the
permuted residual; the test statistic is that regression's t-value of the permuted column.
``method="y"`` permutes y instead (sna ``nullhyp="qapy"``).

``logistic_qap`` fits a logistic regression over the dyads of a 0/1 response and tests each
term by permuting y (sna ``netlogit(nullhyp="qapy")``), with the Wald z-value as the statistic.
Every fit is Newton-IRLS with step-halving, converged on the relative change in deviance;
(quasi-)separation is detected exactly (a linear program), and permutations whose fit fails are
counted, as at least as extreme as the observed statistic (see ``logistic_qap``).

Speed. A node permutation maps dyads to dyads, so permuting a matrix is a gather of its dyad
vector through an index map. For a block of permutations the maps are built once, every
residual e_k is gathered through them, and all inner products the DSP t-values need are one
matrix product per term: by Frisch-Waugh-Lovell the t-value of the permuted column in the
regression of y on [X_-k, e_k^pi] follows from X_-k' e_k^pi and y' e_k^pi alone (see
``_dsp_t_values``). Memory is bounded by ``memory_mb`` (blocks of permutations and, for very
large networks, chunks of dyads).

p-values. Two-sided, (b + 1) / (N + 1): b permutations of N have an |statistic| at least the observed
|statistic|, and the observed statistic counts as one of the permutations (``include_observed=True``, the
default and the book's convention for every permutation p: never below 1/(N+1)). ``include_observed=False``
gives sna's ``pgreqabs``, b / N, which can be 0. The same permutations
are used for every term. A relative tolerance of 1e-9 treats numerically equal statistics as
ties.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special  # scipy.stats/optimize are imported where needed: `lgnet mrqap` starts faster
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

INTERCEPT = "(intercept)"
TIE_RTOL = 1e-9
DEFAULT_MEMORY_MB = 256

__all__ = [
    "INTERCEPT",
    "QAPResult",
    "dyads",
    "vectorise",
    "permutation_dyad_map",
    "mrqap",
    "logistic_qap",
    "qap_correlation",
]


# --------------------------------------------------------------------------------------------
# dyads
# --------------------------------------------------------------------------------------------
def dyads(n: int, directed: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Row and column index arrays of the dyads of an n-node network.

    Undirected: the upper triangle (i < j), row by row. Directed: every (i, j) with i != j, row by row.
    """
    if n < 2:
        raise ValueError(f"a network needs at least 2 nodes, got n={n}")
    if directed:
        i, j = np.nonzero(~np.eye(n, dtype=bool))
        return i.astype(np.intp), j.astype(np.intp)
    i, j = np.triu_indices(n, 1)
    return i.astype(np.intp), j.astype(np.intp)


def vectorise(M: np.ndarray, idx: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The dyad vector of matrix M for the index arrays from ``dyads``."""
    return np.asarray(M, dtype=float)[idx[0], idx[1]]


def _position_matrix(n: int, idx: tuple[np.ndarray, np.ndarray], directed: bool) -> np.ndarray:
    """n x n matrix holding, for each cell, the position of its dyad in the dyad vector (flattened)."""
    pos = np.zeros((n, n), dtype=np.intp)
    k = np.arange(idx[0].size, dtype=np.intp)
    pos[idx[0], idx[1]] = k
    if not directed:
        pos[idx[1], idx[0]] = k
    return pos.ravel()


def permutation_dyad_map(perm: np.ndarray, idx: tuple[np.ndarray, np.ndarray], directed: bool = False) -> np.ndarray:
    """Index map d -> position of dyad (perm[i_d], perm[j_d]): ``v[map]`` is the dyad vector of M[perm][:, perm]."""
    perm = np.asarray(perm, dtype=np.intp)
    n = perm.size
    pos = _position_matrix(n, idx, directed)
    return pos[perm[idx[0]] * n + perm[idx[1]]]


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------
@dataclass
class QAPResult:
    """Coefficients, permutation and classical p-values, fit statistics and the run's settings.

    ``statistic`` holds the observed test statistics (t-values for OLS, Wald z-values for logistic);
    ``null_distribution`` the permutation statistics (permutations x terms).
    """

    terms: list[str]
    estimate: np.ndarray
    std_error: np.ndarray
    statistic: np.ndarray
    p_value: np.ndarray
    p_classical: np.ndarray
    n_nodes: int
    n_dyads: int
    permutations: int
    seed: int
    method: str
    model: str  # "ols" or "logit"
    directed: bool
    include_observed: bool = True
    r_squared: float | None = None
    adj_r_squared: float | None = None
    # R² against its Y-permutation null (mrqap(..., r2_test=True)): (b+1)/(N+1) and the permuted R² values
    r_squared_p: float | None = None
    r_squared_null: np.ndarray | None = field(default=None, repr=False)
    deviance: float | None = None
    null_deviance: float | None = None
    null_distribution: np.ndarray | None = field(default=None, repr=False)
    # logistic: permutations whose fit failed (counted as extreme in p_value; NaN rows of null_distribution)
    failed_permutations: int = 0
    permutation_failures: dict = field(default_factory=dict)  # reason -> count

    def table(self) -> pd.DataFrame:
        """term, estimate, std_error, t (z for logistic), p_value (permutation, two-sided), p_classical."""
        stat_name = "t" if self.model == "ols" else "z"
        return pd.DataFrame(
            {
                "term": list(self.terms),
                "estimate": self.estimate,
                "std_error": self.std_error,
                stat_name: self.statistic,
                "p_value": self.p_value,
                "p_classical": self.p_classical,
            }
        )

    def to_dict(self) -> dict:
        """The JSON schema of ``lgnet mrqap --json``: everything the console table and header show.

        OLS: "r_squared", "adj_r_squared" and "r_squared_p" (only with ``r2_test``); logistic: "null_deviance",
        "deviance" and, after "permutations", "failed_permutations" and "permutation_failures" (reason ->
        count; the permutations whose fit failed, counted as extreme). Then "n_nodes", "n_dyads",
        "permutations", "seed", "method" ("dsp" or "y"), "model" ("ols" or "logit"), "directed",
        "include_observed" (p = (b+1)/(N+1) if true, b/N if false), "statistic" ("t" or "z": what each
        coefficient's "statistic" is) and "coefficients": one {"term", "estimate", "std_error", "statistic",
        "p_value" (two-sided permutation), "p_classical" (t- or Wald z-test)} per term, intercept first.
        """
        out: dict = {}
        if self.model == "ols":
            out["r_squared"] = float(self.r_squared)
            out["adj_r_squared"] = float(self.adj_r_squared)
            if self.r_squared_p is not None:
                out["r_squared_p"] = float(self.r_squared_p)
        else:
            out["null_deviance"] = float(self.null_deviance)
            out["deviance"] = float(self.deviance)
        out["n_nodes"] = int(self.n_nodes)
        out["n_dyads"] = int(self.n_dyads)
        out["permutations"] = int(self.permutations)
        if self.model != "ols":
            out["failed_permutations"] = int(self.failed_permutations)
            out["permutation_failures"] = {str(k): int(v) for k, v in self.permutation_failures.items()}
        out["seed"] = int(self.seed)
        out["method"] = str(self.method)
        out["model"] = str(self.model)
        out["directed"] = bool(self.directed)
        out["include_observed"] = bool(self.include_observed)
        out["statistic"] = "t" if self.model == "ols" else "z"
        out["coefficients"] = [
            {"term": str(t), "estimate": float(b), "std_error": float(se), "statistic": float(st),
             "p_value": float(p), "p_classical": float(pc)}
            for t, b, se, st, p, pc in zip(self.terms, self.estimate, self.std_error, self.statistic,
                                           self.p_value, self.p_classical)
        ]
        return out

    def summary(self) -> str:
        """A printable report: settings, fit statistics and the coefficient table."""
        kind = {"dsp": "MRQAP, double semi-partialling (Dekker et al. 2007)", "y": "QAP, Y-permutation"}[self.method]
        lines = [
            f"{'Logistic ' if self.model == 'logit' else ''}{kind}",
            f"nodes: {self.n_nodes}   dyads: {self.n_dyads} ({'directed' if self.directed else 'undirected'})   "
            f"permutations: {self.permutations}   seed: {self.seed}",
        ]
        if self.model == "ols":
            lines.append(f"R²: {self.r_squared:.4f}   adjusted R²: {self.adj_r_squared:.4f}"
                         + (f"   R² permutation p (Y-permutation): {self.r_squared_p:.6g}"
                            if self.r_squared_p is not None else ""))
        else:
            lines.append(f"null deviance: {self.null_deviance:.3f}   deviance: {self.deviance:.3f}")
            if self.failed_permutations:
                why = ", ".join(f"{k}: {v}" for k, v in self.permutation_failures.items())
                lines.append(f"permutations whose fit failed: {self.failed_permutations} of {self.permutations} "
                             f"({why}); counted as at least as extreme as the observed statistic in p_value")
        with pd.option_context("display.width", 120, "display.max_columns", 10):
            lines.append(self.table().to_string(index=False, float_format=lambda v: f"{v:.6g}"))
        lines.append("p_value: two-sided permutation p-value, "
                     + ("(b+1)/(N+1)" if self.include_observed else "b/N (sna)") + "; p_classical: "
                     + ("t-test" if self.model == "ols" else "Wald z-test") + " assuming independent dyads.")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------
def _as_square(M, name: str, n: int | None) -> np.ndarray:
    try:
        A = np.asarray(M, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: not a numeric matrix ({exc})") from None
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name}: must be a square matrix, got shape {A.shape}")
    if n is not None and A.shape[0] != n:
        raise ValueError(f"{name}: has {A.shape[0]} nodes but the response has {n}; all matrices must have the same nodes")
    bad = ~np.isfinite(A)
    np.fill_diagonal(bad, False)  # the diagonal is never used
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"{name}: {int(bad.sum())} missing or non-finite cell(s), first at row {i}, column {j} "
                         f"(value {A[i, j]}); fill or drop those nodes before the analysis")
    return A


class AsymmetricError(ValueError):
    """A matrix of an undirected analysis that is not symmetric: ``matrix`` (its name in messages), the first
    unequal pair's 0-based cells ``i``, ``j`` (i < j) with their values, and ``pairs`` (how many pairs differ), so
    that a caller with node labels can name the cells by label."""

    def __init__(self, matrix: str, i: int, j: int, a_ij: float, a_ji: float, pairs: int):
        self.matrix, self.i, self.j, self.a_ij, self.a_ji, self.pairs = matrix, i, j, a_ij, a_ji, pairs
        super().__init__(f"{matrix}: not symmetric (cell [{i}, {j}] = {a_ij} but [{j}, {i}] = {a_ji}; {pairs} "
                         "pair(s) differ); undirected analysis uses each pair once - pass directed=True "
                         "(--directed) for directed data")


def _check_symmetric(A: np.ndarray, name: str) -> None:
    """AsymmetricError unless A equals its transpose (rtol 1e-10, atol 1e-12); in blocks of rows (bounded memory).
    The unequal pairs are counted only once one is found."""
    n = A.shape[0]
    step = max(1, 2**22 // n)
    first, pairs = None, 0
    for r0 in range(0, n, step):
        a, b = A[r0 : r0 + step], A[:, r0 : r0 + step].T
        if first is None and np.allclose(a, b, rtol=1e-10, atol=1e-12):
            continue
        upper = np.arange(n)[None, :] > np.arange(r0, r0 + a.shape[0])[:, None]  # each pair once
        bad = ~np.isclose(a, b, rtol=1e-10, atol=1e-12) & upper
        pairs += int(bad.sum())
        if first is None and bad.any():
            k, j = np.argwhere(bad)[0]
            first = (int(r0 + k), int(j))
    if first is not None:
        i, j = first
        raise AsymmetricError(name, i, j, float(A[i, j]), float(A[j, i]), pairs)


def _named_predictors(xs) -> tuple[list[str], list]:
    if isinstance(xs, Mapping):
        names = [str(k) for k in xs]
        mats = list(xs.values())
    elif isinstance(xs, np.ndarray) and xs.ndim == 2:
        names, mats = ["x1"], [xs]
    elif isinstance(xs, (Sequence, np.ndarray)):
        mats = list(xs)
        names = [f"x{i + 1}" for i in range(len(mats))]
    else:
        raise ValueError("xs must be a dict name -> matrix or a list of matrices")
    if not mats:
        raise ValueError("at least one predictor matrix is needed")
    if INTERCEPT in names:
        raise ValueError(f"{INTERCEPT!r} is reserved for the intercept; rename that predictor")
    if len(set(names)) != len(names):
        raise ValueError(f"predictor names must be unique, got {names}")
    return names, mats


def _prepare(y, xs, directed: bool):
    """Validated dyad data: (terms incl. intercept, Zt, idx, n) with Zt = [y, 1, x_1, ...] as rows (dyads along).

    y = Zt[0] and the design matrix X = Zt[1:].T (a view).
    """
    Y = _as_square(y, "y (response)", None)
    n = Y.shape[0]
    names, mats = _named_predictors(xs)
    Xs = [_as_square(M, f"predictor {nm!r}", n) for nm, M in zip(names, mats)]
    if not directed:
        _check_symmetric(Y, "y (response)")
        for nm, M in zip(names, Xs):
            _check_symmetric(M, f"predictor {nm!r}")
    idx = dyads(n, directed)
    yv = vectorise(Y, idx)
    if np.ptp(yv) == 0:
        raise ValueError(f"y (response): constant over the dyads (every value {yv[0]}); nothing to explain")
    # Z = [y, X] stored as rows (the permutation products use it so); X is a column view of it
    Zt = np.empty((len(Xs) + 2, yv.size))
    Zt[0] = yv
    Zt[1] = 1.0
    X = Zt[1:].T
    for k, (nm, M) in enumerate(zip(names, Xs), start=1):
        X[:, k] = vectorise(M, idx)
        if np.ptp(X[:, k]) == 0:
            raise ValueError(f"predictor {nm!r}: constant over the dyads (every value {X[0, k]}); "
                             "it is collinear with the intercept - drop it")
    if yv.size <= X.shape[1]:
        raise ValueError(f"{yv.size} dyads are too few for {X.shape[1]} coefficients")
    terms = [INTERCEPT, *names]
    return terms, Zt, idx, n


def _check_rank(X: np.ndarray, R: np.ndarray, terms: list[str]) -> None:
    """ValueError naming the first term that is (nearly) a linear combination of the earlier ones.

    R is the QR factor of X; that of X with unit-norm columns is R / column norms (same Q).
    """
    d = np.abs(np.diag(R)) / np.sqrt(np.einsum("ij,ij->j", X, X))
    if d.min() < 1e-7 * d.max():
        k = int(np.argmin(d))
        raise ValueError(f"predictor {terms[k]!r} is (nearly) a linear combination of the terms before it "
                         f"({', '.join(terms[:k])}); drop it or one of those")


# --------------------------------------------------------------------------------------------
# permutation machinery
# --------------------------------------------------------------------------------------------
def _permutation_blocks(rng: np.random.Generator, n: int, permutations: int, block: int):
    """Yield (start, perms) with perms an (n, b) array; drawn in order so results ignore block size."""
    start = 0
    while start < permutations:
        b = min(block, permutations - start)
        perms = np.empty((n, b), dtype=np.intp)
        for c in range(b):
            perms[:, c] = rng.permutation(n)
        yield start, perms
        start += b


class _DyadMapper:
    """Index maps of blocks of node permutations over the dyads, in chunks of dyads.

    Two layouts for the vectors being permuted: "full" keeps each as an n x n matrix (flattened;
    both triangles filled for undirected data), so the permuted dyad (pi_i, pi_j) is cell
    pi_i * n + pi_j, read from one row at a time (cache friendly, no lookup); "compact" keeps the
    dyad vector and looks the cell's dyad position up (half the memory; for very large networks).
    """

    FULL_LAYOUT_MB = 512

    def __init__(self, n: int, idx, directed: bool, vectors: int = 1):
        self.n = n
        self.directed = directed
        self.i, self.j = idx
        self.full = vectors * n * n * 8 <= self.FULL_LAYOUT_MB * 2**20
        self.pos = None if self.full else _position_matrix(n, idx, directed)

    def layout(self, V: np.ndarray) -> np.ndarray:
        """Rows of dyad vectors (k, m) in this mapper's layout."""
        V = np.atleast_2d(V)
        if not self.full:
            return np.ascontiguousarray(V)
        out = np.zeros((V.shape[0], self.n * self.n))
        out[:, self.i * self.n + self.j] = V
        if not self.directed:
            out[:, self.j * self.n + self.i] = V
        return out

    def chunk_map(self, perms: np.ndarray, lo: int, hi: int, row_starts: np.ndarray | None = None) -> np.ndarray:
        """(hi - lo, b) indices, into the layout, of the permuted dyads lo..hi-1 (permutations: columns of perms).

        row_starts: perms * n, when the caller maps many chunks of the same block (computed once)."""
        if row_starts is None:
            row_starts = perms * self.n
        # mode="clip": the indices are valid by construction, and numpy's default ("raise") buffers the output
        cells = np.take(row_starts, self.i[lo:hi], axis=0, mode="clip")
        cells += np.take(perms, self.j[lo:hi], axis=0, mode="clip")
        if self.full:
            return cells
        return np.take(self.pos, cells, mode="clip", out=cells)


BLOCK_PERMUTATIONS = 32  # permutations per block of the OLS paths: one matrix product of a dozen rows by
#   (dyads, 32 permutations x p vectors) per gathered step, on one BLAS thread (see _run_blocks); measured
#   fastest of 8, 16, 32 and 64 at n=353 with 10 predictors (1.1-1.2 s against 1.4-1.8 s with 16)
MAX_BATCH = 16  # permutations per batch of logistic fits (their IRLS arrays are dyads x batch)


def _block_sizes(m: int, permutations: int, memory_mb: float, batch_size: int | None):
    """(permutations per block, dyads per chunk): a block's working arrays (chunk x block: the index map and
    one gathered column) stay within memory_mb per worker."""
    budget = max(memory_mb, 0.001) * 2**20 / 8 / 2
    if batch_size is None:
        batch = BLOCK_PERMUTATIONS
    else:
        batch = int(batch_size)
        if batch < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    batch = max(1, min(batch, permutations))
    chunk = int(max(256, min(m, budget // batch)))
    return batch, chunk


def _n_workers(workers: int | None) -> int:
    if workers is None:
        return max(1, min(2, os.cpu_count() or 1))
    return max(1, int(workers))


def _run_blocks(fn, blocks, workers: int, quiet: bool, total: int, desc: str):
    """Apply fn(start, perms) to every block (threads: numpy releases the GIL) with a progress bar.

    BLAS runs on one thread meanwhile: a block's matrix products are small (a dozen rows), so BLAS's own
    threads only contend with the workers and with each other (n=353, 10 predictors, 2,000 permutations on
    2 cores: about 1.8 s instead of 2.0-2.5 s with OpenBLAS's default threads; see benchmarks/bench_mrqap.py).
    """
    bar = tqdm(total=total, disable=quiet, desc=desc, unit="perm")
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            _apply_blocks(fn, blocks, workers, bar)
    finally:
        bar.close()


def _apply_blocks(fn, blocks, workers: int, bar) -> None:
    if workers == 1:
        for start, perms in blocks:
            fn(start, perms)
            bar.update(perms.shape[1])
        return
    with ThreadPoolExecutor(workers) as ex:
        pending = []
        for start, perms in blocks:
            pending.append((ex.submit(fn, start, perms), perms.shape[1]))
            if len(pending) >= 2 * workers:
                f, b = pending.pop(0)
                f.result()
                bar.update(b)
        for f, b in pending:
            f.result()
            bar.update(b)


def _two_sided_p(dist: np.ndarray, observed: np.ndarray, include_observed: bool) -> np.ndarray:
    obs = np.abs(observed)
    hits = (np.abs(dist) >= obs * (1 - TIE_RTOL)).sum(axis=0)
    N = dist.shape[0]
    if include_observed:
        return (hits + 1) / (N + 1)
    return hits / N


# --------------------------------------------------------------------------------------------
# OLS
# --------------------------------------------------------------------------------------------
@dataclass
class _OLSFit:
    beta: np.ndarray
    se: np.ndarray
    t: np.ndarray
    resid: np.ndarray
    rss: float
    df: int
    Q: np.ndarray
    R: np.ndarray
    r_squared: float
    adj_r_squared: float


LARGE_DYADS = 2_000_000  # above this many dyads, fit without forming Q (memory; see _ols)
TSQR_ROWS = 262_144


def _r_factor(X: np.ndarray) -> np.ndarray:
    """R of X = QR without forming Q: QR of blocks of rows, then of the stacked R factors (TSQR)."""
    Rs = [np.linalg.qr(X[lo : lo + TSQR_ROWS], mode="r") for lo in range(0, X.shape[0], TSQR_ROWS)]
    return np.linalg.qr(np.vstack(Rs), mode="r") if len(Rs) > 1 else Rs[0]


def _ols(yv: np.ndarray, X: np.ndarray, terms: list[str]) -> _OLSFit:
    """OLS by QR. For more than LARGE_DYADS dyads, Q is not formed (it would be as large as X): R comes
    from a blocked QR and beta from the semi-normal equations R'R b = X'y with one step of refinement."""
    m, p = X.shape
    if m <= LARGE_DYADS:
        Q, R = np.linalg.qr(X)
        _check_rank(X, R, terms)
        beta = _solve_triangular(R, Q.T @ yv)
        resid = yv - X @ beta
    else:
        Q, R = None, _r_factor(X)
        _check_rank(X, R, terms)
        beta = np.zeros(p)
        resid = yv.copy()
        for _ in range(2):  # solve, then refine once with the residual
            beta += _solve_triangular(R, _solve_triangular(R.T, X.T @ resid))
            resid = yv - X @ beta
    rss = float(resid @ resid)
    df = m - p
    Rinv = _solve_triangular(R, np.eye(p))
    xtx_inv_diag = (Rinv**2).sum(axis=1)
    sigma2 = rss / df
    se = np.sqrt(xtx_inv_diag * sigma2)
    t = beta / se
    tss = float(((yv - yv.mean()) ** 2).sum())
    r2 = 1 - rss / tss
    adj = 1 - (1 - r2) * (m - 1) / df
    return _OLSFit(beta, se, t, resid, rss, df, Q, R, r2, adj)


def _solve_triangular(R: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve R x = b for a small upper-triangular R (p x p; p is the number of terms)."""
    return np.linalg.solve(R, b)


@dataclass
class _DSPTerm:
    """Precomputed pieces for the DSP statistic of one term k."""

    others: np.ndarray  # column indices of X_-k
    Rk_T_inv: np.ndarray  # inverse of the transposed R factor of X_-k: ||P_-k v||^2 = ||Rk_T_inv X_-k' v||^2
    b: np.ndarray  # coefficients of y on X_-k
    ee: float  # ||e_k||^2
    yy_o: float  # ||y - X_-k b||^2


def _dsp_setup(fit: _OLSFit):
    """The residuals e_k of every column of X on the others, as E = X C, and the per-term pieces for the t-values.

    With X = QR and (X'X)^-1 = R^-1 R^-T, X (X'X)^-1 u_k is orthogonal to every x_j (j != k), so
    e_k = X R^-1 R^-T u_k / [(X'X)^-1]_kk: C = R^-1 R^-T D^-1. The other pieces come from QR factors of
    the small R[:, -k].
    """
    p = fit.R.shape[0]
    Rinv = _solve_triangular(fit.R, np.eye(p))
    d = (Rinv**2).sum(axis=1)  # diag (X'X)^-1
    C = Rinv @ (Rinv.T / d)
    fit.Q = None  # the largest array; not needed any more
    terms = []
    for k in range(p):
        others = np.array([c for c in range(p) if c != k], dtype=np.intp)
        Q2, Rk = np.linalg.qr(fit.R[:, others])  # X_-k = (Q Q2) Rk
        b = _solve_triangular(Rk, Q2.T @ (fit.R @ fit.beta))  # Q'y = R beta
        ee = float(1.0 / d[k])  # ||e_k||^2 = 1 / [(X'X)^-1]_kk
        yy_o = fit.rss + fit.beta[k] ** 2 * ee
        Rk_T_inv = _solve_triangular(Rk, np.eye(p - 1)).T
        terms.append(_DSPTerm(others, np.ascontiguousarray(Rk_T_inv), b, ee, yy_o))
    return C, terms


@dataclass
class _DSPBasis:
    """The permuted residuals written through the centred predictors, which is what gets permuted.

    X = [1, x_1, ..., x_q] with x_l = mu_l + c_l (c_l centred), so e_k = X C[:, k] = alpha_k 1 + sum_l c_l C[l, k]
    with alpha_k the mean of e_k: 0 for every predictor's residual (the intercept is among the regressors it
    is residualised on), C[0, 0] + mu' C[1:, 0] for the intercept's. A node permutation maps the dyads onto
    themselves, so it keeps the constant and the sums: <z, e_k^pi> = alpha_k sum(z) + sum_l <z, c_l^pi> C[l, k].
    Permuting the q centred predictors replaces permuting the q + 1 residuals, and the intercept's row of the
    products is known without permuting (sum of c_l^pi = 0): one vector fewer to gather and one row fewer to
    multiply. Centring keeps the sums free of cancellation when a predictor is far from zero.
    """

    centred: np.ndarray  # (q, m) rows c_l
    mix: np.ndarray  # C[1:], (q, p)
    alpha: np.ndarray  # (p,)
    rows: np.ndarray  # rows of Zt other than the intercept's: y, x_1, ..., x_q
    sums: np.ndarray  # sum over the dyads of each of those rows


def _dsp_basis(Zt: np.ndarray, C: np.ndarray) -> _DSPBasis:
    X = Zt[1:]
    mu = X[1:].mean(axis=1)
    alpha = np.zeros(C.shape[1])
    alpha[0] = C[0, 0] + mu @ C[1:, 0]
    rows = np.concatenate([[0], np.arange(2, Zt.shape[0])])
    return _DSPBasis(X[1:] - mu[:, None], np.ascontiguousarray(C[1:]), alpha, rows, Zt[rows].sum(axis=1))


def _dsp_products(G: np.ndarray, basis: _DSPBasis, m: int) -> np.ndarray:
    """H[j, k, b] = <z_j, e_k^pi_b> for z = [y, 1, x_1, ...] from G[j', l, b] = <z_j', c_l^pi_b> (z_j' without the
    intercept's row); see :class:`_DSPBasis`."""
    b = G.shape[2]
    p = basis.mix.shape[1]
    H = np.empty((len(basis.rows) + 1, p, b))
    H[basis.rows] = np.einsum("jlb,lk->jkb", G, basis.mix) + (basis.sums[:, None] * basis.alpha)[:, :, None]
    H[1] = (m * basis.alpha)[:, None]
    return H


def _dsp_t_values(H: np.ndarray, terms: list[_DSPTerm], df: int) -> np.ndarray:
    """t-values of the permuted residual column, from H[j, k, b] = <z_j, e_k^pi_b>, z = [y, X].

    For term k and permutation b, with c = X_-k' e^pi and r = e^pi - P_-k e^pi (FWL):
      r'r = ||e_k||^2 - ||R_-k^-T c||^2 (a permutation keeps the norm; X_-k = Q_-k R_-k),
      r'y = y' e^pi - b_k' c,   RSS = ||y - X_-k b_k||^2 - (r'y)^2 / r'r,
      t = (r'y / sqrt(r'r)) / sqrt(RSS / df).
    """
    p = len(terms)
    out = np.empty((H.shape[2], p))
    for k, tk in enumerate(terms):
        c = H[1 + tk.others, k, :]  # (p-1, b)
        u = tk.Rk_T_inv @ c
        rr = tk.ee - (u * u).sum(axis=0)
        ry = H[0, k, :] - tk.b @ c
        rr = np.maximum(rr, tk.ee * 1e-14)
        rss = np.maximum(tk.yy_o - ry * ry / rr, tk.yy_o * 1e-15)
        out[:, k] = ry / np.sqrt(rr) / np.sqrt(rss / df)
    return out


GATHER_DYADS = 256  # dyads per gather + product step: the gathered block stays in cache (measured fastest)


def interleave(V: np.ndarray) -> np.ndarray:
    """(p, L) rows of vectors in a mapper's layout -> (L, p): the p values of one cell side by side, so one
    index map gathers all p vectors with one contiguous read per dyad (see :func:`_gather_products`)."""
    return np.ascontiguousarray(np.atleast_2d(V).T)


def _gather_products(Zt: np.ndarray, Vi: np.ndarray, mapper: _DyadMapper, perms: np.ndarray, chunk: int) -> np.ndarray:
    """H[j, k, b] = sum_d Zt[j, d] * V[k, map_b[d]] for the block of permutations (columns of perms).

    Zt: (q, m) fixed columns; Vi: the p vectors to permute, interleaved ((L, p), :func:`interleave`). Done in
    steps of GATHER_DYADS dyads (within chunks): for each step one gather of (dyads, b, p) values and one
    matrix product with all b permutations and p vectors at once, both in cache.
    """
    q, m = Zt.shape
    p = Vi.shape[1]
    b = perms.shape[1]
    H = np.zeros((q, b * p))
    step = max(1, min(chunk, GATHER_DYADS))
    G = np.empty((step, b, p))
    row_starts = perms * mapper.n
    for lo in range(0, m, step):
        hi = min(m, lo + step)
        mp = mapper.chunk_map(perms, lo, hi, row_starts)
        g = G[: hi - lo]
        np.take(Vi, mp, axis=0, out=g, mode="clip")
        H += Zt[:, lo:hi] @ g.reshape(hi - lo, b * p)
    return H.reshape(q, b, p).transpose(0, 2, 1)


def mrqap(
    y,
    xs,
    *,
    permutations: int = 2000,
    seed: int = 0,
    directed: bool = False,
    method: str = "dsp",
    quiet: bool = True,
    batch_size: int | None = None,
    include_observed: bool = True,
    memory_mb: float = DEFAULT_MEMORY_MB,
    workers: int | None = None,
    keep_distribution: bool = True,
    r2_test: bool = False,
) -> QAPResult:
    """Multiple-regression QAP of matrix y on the predictor matrices xs.

    y, xs:        square n x n arrays (xs: dict name -> matrix, or a list named x1, x2, ...). The diagonal
                  is ignored; undirected (default) uses each pair once and requires symmetric matrices.
    permutations: number of node permutations (0: classical results only, p_value NaN).
    seed:         seed of numpy.random.default_rng; the same seed gives identical results.
    method:       "dsp" (double semi-partialling, sna qapspp; intercept tested the same way, as sna does)
                  or "y" (permute y, sna qapy).
    batch_size:   permutations per block (default BLOCK_PERMUTATIONS, 32); dyads are processed in chunks so
                  that a block's working arrays stay within memory_mb (MB per worker).
    include_observed: count the observed statistic among the permutations: p = (b+1)/(N+1), the book's
                  convention (default; never below 1/(N+1)). False gives sna's b/N.
    workers:      threads for the permutation blocks (default min(2, CPUs)); results do not depend on it.
    r2_test:      also test R² against its Y-permutation null: the response's nodes relabelled by the same
                  permutations, the predictors kept, R² refitted (``r_squared_p``, (b+1)/(N+1), and
                  ``r_squared_null``). A node permutation keeps the sum and sum of squares of y, so each
                  permuted R² needs only X'y (one extra gather per permutation under "dsp").
    """
    if method not in ("dsp", "y"):
        raise ValueError(f"method must be 'dsp' or 'y', got {method!r}")
    permutations = int(permutations)
    if permutations < 0:
        raise ValueError(f"permutations must be >= 0, got {permutations}")
    terms, Zt, idx, n = _prepare(y, xs, directed)
    yv, X = Zt[0], Zt[1:].T
    fit = _ols(yv, X, terms)
    m, p = X.shape
    p_classical = 2 * special.stdtr(fit.df, -np.abs(fit.t))  # = 2 * scipy.stats.t.sf(|t|, df)
    dist = np.empty((permutations, p))
    r2_dist = np.empty(permutations) if r2_test else None
    if permutations:
        rng = np.random.default_rng(seed)
        Xt = Zt[1:]
        if method == "y" or r2_test:  # the permuted response's fits (not needed by DSP alone)
            Rinv = _solve_triangular(fit.R, np.eye(p))
            XtX_inv = Rinv @ Rinv.T
            yy = float(yv @ yv)
            tss = float(((yv - yv.mean()) ** 2).sum())
            y_mapper = _DyadMapper(n, idx, directed)
            Vy = interleave(y_mapper.layout(yv))

        def permuted_fits(perms, chunk):
            """X'y^pi, the coefficients and RSS of y relabelled by each permutation (columns of perms)."""
            H = _gather_products(Xt, Vy, y_mapper, perms, chunk)[:, 0, :]  # X' y^pi, (p, b)
            beta = XtX_inv @ H
            return beta, np.maximum(yy - (beta * H).sum(axis=0), 0.0)

        def record_r2(start, rss):
            if r2_dist is not None:
                r2_dist[start : start + rss.size] = 1 - rss / tss if tss > 0 else np.nan

        if method == "dsp":
            C, dsp_terms = _dsp_setup(fit)
            basis = _dsp_basis(Zt, C)
            mapper = _DyadMapper(n, idx, directed, vectors=p - 1)
            Vt = interleave(mapper.layout(basis.centred))
            Zr = Zt[basis.rows]
            batch, chunk = _block_sizes(m, permutations, memory_mb, batch_size)

            def run(start, perms):
                H = _dsp_products(_gather_products(Zr, Vt, mapper, perms, chunk), basis, m)
                dist[start : start + perms.shape[1]] = _dsp_t_values(H, dsp_terms, fit.df)
                if r2_dist is not None:
                    record_r2(start, permuted_fits(perms, chunk)[1])
        else:
            xtx_diag = np.diag(XtX_inv)
            batch, chunk = _block_sizes(m, permutations, memory_mb, batch_size)

            def run(start, perms):
                beta, rss = permuted_fits(perms, chunk)
                se = np.sqrt(np.outer(rss / fit.df, xtx_diag))
                dist[start : start + perms.shape[1]] = beta.T / se
                record_r2(start, rss)

        blocks = _permutation_blocks(rng, n, permutations, batch)
        _run_blocks(run, blocks, _n_workers(workers), quiet, permutations, f"MRQAP ({method})")
        p_value = _two_sided_p(dist, fit.t, include_observed)
    else:
        p_value = np.full(p, np.nan)
    r2_p = None
    if r2_dist is not None and permutations:
        hits = int((r2_dist >= fit.r_squared * (1 - 1e-9)).sum())  # one-sided: R² cannot be negative
        r2_p = (hits + include_observed) / (permutations + include_observed)
    return QAPResult(
        terms=terms, estimate=fit.beta, std_error=fit.se, statistic=fit.t, p_value=p_value,
        p_classical=p_classical, n_nodes=n, n_dyads=m, permutations=permutations, seed=int(seed),
        method=method, model="ols", directed=directed, include_observed=include_observed,
        r_squared=fit.r_squared, adj_r_squared=fit.adj_r_squared,
        r_squared_p=r2_p, r_squared_null=r2_dist if (r2_test and permutations) else None,
        null_distribution=dist if keep_distribution else None,
    )


# --------------------------------------------------------------------------------------------
# logistic
# --------------------------------------------------------------------------------------------
LOGIT_TOL = 1e-10  # converged: deviance change below LOGIT_TOL * (|deviance| + 0.1) (R glm's rule, tighter)
LOGIT_MAX_ITER = 100  # Newton steps per fit
LOGIT_MAX_HALVINGS = 40  # step-halvings per Newton step
SEPARATION_CHECK_ITER = 25  # fits needing more Newton steps than this are checked for separation
SEPARATION_LP_DYADS = 1_000_000  # up to this many dyads the observed fit is always checked for separation

# status of one fit (_LogitFits.status)
FIT_OK, FIT_SEPARATION, FIT_MAX_ITER, FIT_STUCK, FIT_SINGULAR = range(5)
FIT_STATUS = {
    FIT_OK: "converged",
    FIT_SEPARATION: "separation",
    FIT_MAX_ITER: "iteration limit",
    FIT_STUCK: "step-halving failed",
    FIT_SINGULAR: "singular information matrix",
}


@dataclass
class _LogitFits:
    """Batched logistic fits. beta, se: (p, b); deviance, n_iter, status (FIT_*), suspect: (b,).

    ``suspect`` marks fits that may be (quasi-)separated and need the exact check ``_separation``.
    """

    beta: np.ndarray
    se: np.ndarray
    deviance: np.ndarray
    n_iter: np.ndarray
    status: np.ndarray
    suspect: np.ndarray


def _logit_irls(X: np.ndarray, Y: np.ndarray, *, tol: float = LOGIT_TOL, max_iter: int = LOGIT_MAX_ITER,
                max_halvings: int = LOGIT_MAX_HALVINGS) -> _LogitFits:
    """Newton-Raphson (= IRLS) logistic regression of every column of Y (m, b) on X (m, p; X[:, 0] = 1).

    Each column follows its own path, many at once:
    - start at the intercept-only fit;
    - Newton step A^-1 g with score g = X'(y - mu) and information A = X'WX (for all columns one product
      with the m x p(p+1)/2 matrix of column products);
    - step-halving: a step that does not lower the deviance is halved, per column, up to max_halvings times
      (plain Newton can overshoot - e.g. a rare, strongly predictive binary predictor - and diverge);
    - converged when the deviance decrease of a full step, predicted (g'A^-1 g) or achieved, is below
      tol * (|deviance| + 0.1): a criterion on the deviance, so it does not depend on the predictors' scales;
    - a column stops with FIT_STUCK if halving cannot lower its deviance, FIT_SINGULAR if its information
      matrix is singular, FIT_MAX_ITER after max_iter steps.
    Separation (no maximum-likelihood estimate: the deviance keeps falling while coefficients diverge) can
    still meet the deviance criterion; ``suspect`` flags the fits to check with ``_separation``: those not
    converged, slow (> SEPARATION_CHECK_ITER steps), or whose last step moves the linear predictor of every
    dyad towards its observed outcome (the signature of a separating direction).
    """
    m, p = X.shape
    b = Y.shape[1]
    iu = np.triu_indices(p)
    XX = np.ascontiguousarray((X[:, iu[0]] * X[:, iu[1]]).T)  # (q, m)
    Xt = np.ascontiguousarray(X.T)
    ybar = Y.mean(axis=0).clip(1e-12, 1 - 1e-12)
    beta = np.zeros((p, b))
    beta[0] = np.log(ybar / (1 - ybar))  # the intercept-only maximum-likelihood fit
    eta = X @ beta
    dev, mu, w = _logit_state(Y, eta)
    last_step = np.zeros((p, b))
    n_iter = np.zeros(b, dtype=int)
    status = np.full(b, FIT_MAX_ITER, dtype=np.int8)
    active = np.arange(b)
    for it in range(1, max_iter + 1):
        if active.size == 0:
            break
        every = active.size == b  # no column copies while all are active
        Ya, dev_a, beta_a = (Y, dev, beta) if every else (Y[:, active], dev[active], beta[:, active])
        A = _unpack_sym(XX @ (w if every else w[:, active]), p, iu)  # information, (a, p, p)
        g = Xt @ (Ya - (mu if every else mu[:, active]))  # score, (p, a)
        step, solved = _solve_batch(A, g)
        scale = np.abs(dev_a) + 0.1
        done = (g * step).sum(axis=0) <= tol * scale  # predicted decrease negligible: take the step, stop
        t = np.ones(active.size)
        new_beta = beta_a + step
        new_eta = X @ new_beta
        new_dev, new_mu, new_w = _logit_state(Ya, new_eta)
        worse = ~(new_dev <= dev_a) & ~done & solved  # ~(a <= b) is True for NaN too
        for _ in range(max_halvings):
            if not worse.any():
                break
            k = np.flatnonzero(worse)
            t[k] *= 0.5
            new_beta[:, k] = beta_a[:, k] + t[k] * step[:, k]
            new_eta[:, k] = X @ new_beta[:, k]
            new_dev[k], new_mu[:, k], new_w[:, k] = _logit_state(Ya[:, k], new_eta[:, k])
            worse[k] = ~(new_dev[k] <= dev_a[k])
        ok = solved & ~worse & np.isfinite(new_dev)
        acc = active[ok]
        # before the update below (with every, beta_a and dev_a are beta and dev themselves)
        converged = ok & (done | ((t == 1) & (dev_a - new_dev <= tol * scale)))
        last_step[:, acc] = new_beta[:, ok] - beta_a[:, ok]
        n_iter[active] = it
        if ok.all() and every:
            beta, eta, dev, mu, w = new_beta, new_eta, new_dev, new_mu, new_w
        else:
            beta[:, acc], eta[:, acc], dev[acc] = new_beta[:, ok], new_eta[:, ok], new_dev[ok]
            mu[:, acc], w[:, acc] = new_mu[:, ok], new_w[:, ok]
        status[active[converged]] = FIT_OK
        status[active[~solved]] = FIT_SINGULAR
        status[active[solved & ~ok]] = FIT_STUCK
        active = active[ok & ~converged]
    se = np.sqrt(_inv_diag(_unpack_sym(XX @ w, p, iu)))
    bad = ~(np.isfinite(se).all(axis=0) & np.isfinite(beta).all(axis=0))
    status[bad & (status == FIT_OK)] = FIT_SINGULAR
    s = (2 * Y - 1) * (X @ last_step)  # change of each dyad's linear predictor towards its outcome
    top = np.abs(s).max(axis=0)
    towards = (s.min(axis=0) >= -1e-6 * top) & (top > 0)
    suspect = (status != FIT_OK) | (n_iter > SEPARATION_CHECK_ITER) | towards
    return _LogitFits(beta, se, dev, n_iter, status, suspect)


def _solve_batch(A: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Newton steps A_c^-1 g_c for the stacked (b, p, p) A and (p, b) g; and which systems were solvable."""
    try:
        return np.linalg.solve(A, g.T[:, :, None])[:, :, 0].T, np.ones(g.shape[1], dtype=bool)
    except np.linalg.LinAlgError:  # some system singular: solve one by one
        step, solved = np.zeros_like(g), np.zeros(g.shape[1], dtype=bool)
        for c in range(g.shape[1]):
            try:
                step[:, c] = np.linalg.solve(A[c], g[:, c])
                solved[c] = True
            except np.linalg.LinAlgError:
                pass
        return step, solved


def _inv_diag(A: np.ndarray) -> np.ndarray:
    """Diagonals of the inverses of the stacked (b, p, p) A, as (p, b); NaN for a singular A."""
    try:
        return np.diagonal(np.linalg.inv(A), axis1=1, axis2=2).T
    except np.linalg.LinAlgError:
        out = np.full((A.shape[1], A.shape[0]), np.nan)
        for c in range(A.shape[0]):
            try:
                out[:, c] = np.diag(np.linalg.inv(A[c]))
            except np.linalg.LinAlgError:
                pass
        return out


def _logit_state(Y: np.ndarray, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deviance (per column), fitted probabilities mu and IRLS weights mu (1 - mu) of 0/1 data Y at eta.

    One exponential per cell, accurate in both tails: with e = exp(-|eta|), log(1 + exp(eta)) =
    max(eta, 0) + log1p(e), mu = 1 / (1 + e) or e / (1 + e), and mu (1 - mu) = e / (1 + e)^2.
    """
    e = np.exp(-np.abs(eta))
    dev = 2 * (np.maximum(eta, 0) + np.log1p(e) - Y * eta).sum(axis=0)
    r = 1 / (1 + e)
    mu = np.where(eta >= 0, r, e * r)
    return dev, mu, e * r * r


def _unpack_sym(v: np.ndarray, p: int, iu) -> np.ndarray:
    b = v.shape[1]
    A = np.empty((b, p, p))
    A[:, iu[0], iu[1]] = v.T
    A[:, iu[1], iu[0]] = v.T
    return A


def _separation(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Exact test of (quasi-)complete separation (the linear program of Konis 2007).

    With X of full rank the logistic maximum-likelihood estimate fails to exist iff some direction d != 0
    has (2y - 1) * (X d) >= 0 for every dyad: moving the coefficients along d fits those dyads with
    (X d) > 0 ever better (fitted probabilities -> 0 or 1, their deviance -> 0) and no dyad worse. The LP
    maximises sum((2y - 1) * X d) subject to those constraints and -1 <= d <= 1 (columns scaled to a maximum
    of 1, so the answer does not depend on the predictors' units). Returns None if there is no such
    direction, else (mask of the dyads fitted perfectly, d in the units of X's columns).
    """
    from scipy import optimize

    scale = np.abs(X).max(axis=0)
    Xs = X * ((2 * y - 1)[:, None] / scale)
    res = optimize.linprog(-Xs.sum(axis=0), A_ub=-Xs, b_ub=np.zeros(X.shape[0]),
                           bounds=[(-1.0, 1.0)] * X.shape[1], method="highs")
    if res.status != 0 or res.x is None:
        return None  # the LP itself failed: left to the fit's own status
    s = Xs @ res.x
    top = s.max()
    if not top > 1e-9 or s.min() < -1e-7 * top:
        return None
    return s > 1e-7 * top, res.x / scale


def _separation_message(terms: list[str], X: np.ndarray, y: np.ndarray, fit: _LogitFits,
                        sep: tuple[np.ndarray, np.ndarray]) -> str:
    mask, d = sep
    kind = "complete" if mask.all() else "quasi-complete"
    dscaled = d * np.abs(X).max(axis=0)
    involved = [t for t, v in zip(terms, dscaled) if abs(v) > 1e-6]
    ones = int(y[mask].sum())
    return (f"logistic fit impossible: {kind} separation - {int(mask.sum())} of {mask.size} dyads "
            f"({ones} ties, {int(mask.sum()) - ones} non-ties) are predicted perfectly (fitted probabilities "
            f"0 or 1) by a combination of {', '.join(involved)}, so maximum-likelihood estimates do not exist "
            f"(they diverge; after {int(fit.n_iter[0])} Newton steps the coefficients were "
            + ", ".join(f"{t} = {b:.3f}" for t, b in zip(terms, fit.beta[:, 0]))
            + "); drop or merge the separating predictor")


def _logit_p_values(dist: np.ndarray, observed: np.ndarray, failed: np.ndarray,
                    include_observed: bool) -> np.ndarray:
    """Two-sided permutation p-values with every failed permutation counted as at least as extreme."""
    hits = (np.abs(dist[~failed]) >= np.abs(observed) * (1 - TIE_RTOL)).sum(axis=0) + failed.sum()
    N = dist.shape[0]
    if include_observed:
        return (hits + 1) / (N + 1)
    return hits / N


def logistic_qap(
    y,
    xs,
    *,
    permutations: int = 2000,
    seed: int = 0,
    directed: bool = False,
    quiet: bool = True,
    batch_size: int | None = None,
    include_observed: bool = True,
    memory_mb: float = DEFAULT_MEMORY_MB,
    workers: int | None = None,
    keep_distribution: bool = True,
) -> QAPResult:
    """Logistic regression over the dyads of a 0/1 response, with Y-permutation QAP p-values.

    The statistic is the Wald z-value (sna ``netlogit`` default); p_value is two-sided over
    ``permutations`` relabellings of y's nodes; p_classical is the Wald test. Every fit (the observed
    one and each permutation, many at once) is Newton-IRLS with step-halving on the deviance, converged
    on the relative change in deviance (``_logit_irls``); the coefficients equal those of
    statsmodels ``Logit`` and R ``glm``. Result: deviance and null_deviance, no R².
    null_deviance is that of the intercept-only model (sna's ``null.deviance`` is that of p = 0.5,
    because sna calls glm.fit without an intercept: m * 2 log 2).

    Separation. If the observed data are (quasi-)completely separated (exact linear-programming check,
    ``_separation``; above SEPARATION_LP_DYADS dyads only when the fit shows signs of it) the estimates
    do not exist and a ValueError says which dyads and terms; a fit that fails otherwise raises a
    ValueError too. There is no bound on the size of a coefficient: a predictor in small units has a
    large one (e.g. -45 for a difference of shares). A permutation whose fit fails (separation, iteration limit,
    step-halving or a singular information matrix) is not dropped: it counts as at least as extreme as the
    observed statistic for every term (conservative), its row of ``null_distribution`` is NaN, and
    ``failed_permutations`` / ``permutation_failures`` report how many and why.
    """
    permutations = int(permutations)
    if permutations < 0:
        raise ValueError(f"permutations must be >= 0, got {permutations}")
    terms, Zt, idx, n = _prepare(y, xs, directed)
    yv, X = Zt[0], np.ascontiguousarray(Zt[1:].T)
    _check_rank(X, np.linalg.qr(X, mode="r"), terms)
    vals = np.unique(yv)
    if not np.isin(vals, (0.0, 1.0)).all():
        raise ValueError(f"y (response): logistic QAP needs a 0/1 matrix, found values {vals[:5].tolist()}"
                         + ("..." if vals.size > 5 else "") + "; binarise it (e.g. y > 0) first")
    m, p = X.shape
    fit = _logit_irls(X, yv[:, None])
    sep = _separation(X, yv) if (fit.suspect[0] or m <= SEPARATION_LP_DYADS) else None
    if sep is not None:
        raise ValueError(_separation_message(terms, X, yv, fit, sep))
    beta, se, dev = fit.beta[:, 0], fit.se[:, 0], float(fit.deviance[0])
    if fit.status[0] != FIT_OK:
        raise ValueError(f"logistic fit did not converge ({FIT_STATUS[int(fit.status[0])]} after "
                         f"{int(fit.n_iter[0])} Newton steps), although the data are not separated: coefficients "
                         + ", ".join(f"{t} = {b:.3f}" for t, b in zip(terms, beta))
                         + "; rescale predictors with very large or very small values, or drop one of "
                           "strongly correlated predictors")
    z = beta / se
    ybar = yv.mean()
    null_dev = float(-2 * m * (ybar * np.log(ybar) + (1 - ybar) * np.log(1 - ybar)))
    dist = np.empty((permutations, p))
    status = np.full(permutations, FIT_OK, dtype=np.int8)
    if permutations:
        rng = np.random.default_rng(seed)
        mapper = _DyadMapper(n, idx, directed)
        yl = mapper.layout(yv)[0]
        if batch_size is None:
            budget = max(memory_mb, 1.0) * 2**20 / 8 / (8 + p)
            batch_size = int(max(1, min(MAX_BATCH, budget // m)))
        batch = max(1, min(int(batch_size), permutations))

        def run(start, perms):
            Yp = np.take(yl, mapper.chunk_map(perms, 0, m), mode="clip")
            f = _logit_irls(X, Yp)
            st = f.status.copy()
            for c in np.flatnonzero(f.suspect):
                if _separation(X, Yp[:, c]) is not None:
                    st[c] = FIT_SEPARATION
            zp = (f.beta / f.se).T
            zp[st != FIT_OK] = np.nan
            dist[start : start + perms.shape[1]] = zp
            status[start : start + perms.shape[1]] = st

        blocks = _permutation_blocks(rng, n, permutations, batch)
        _run_blocks(run, blocks, _n_workers(workers), quiet, permutations, "logistic QAP (y)")
        p_value = _logit_p_values(dist, z, status != FIT_OK, include_observed)
    else:
        p_value = np.full(p, np.nan)
    codes, counts = np.unique(status[status != FIT_OK], return_counts=True)
    return QAPResult(
        terms=terms, estimate=beta, std_error=se, statistic=z, p_value=p_value,
        p_classical=special.erfc(np.abs(z) / np.sqrt(2)), n_nodes=n, n_dyads=m, permutations=permutations,
        seed=int(seed), method="y", model="logit", directed=directed, include_observed=include_observed,
        deviance=dev, null_deviance=null_dev, null_distribution=dist if keep_distribution else None,
        failed_permutations=int(counts.sum()),
        permutation_failures={FIT_STATUS[int(c)]: int(k) for c, k in zip(codes, counts)},
    )


# --------------------------------------------------------------------------------------------
# QAP correlation
# --------------------------------------------------------------------------------------------
def qap_correlation(a, b, *, permutations: int = 2000, seed: int = 0, directed: bool = False,
                    include_observed: bool = True) -> dict:
    """Pearson correlation of two matrices over the dyads, with a two-sided QAP p-value (permute a's nodes)."""
    A = _as_square(a, "a", None)
    B = _as_square(b, "b", A.shape[0])
    if not directed:
        _check_symmetric(A, "a")
        _check_symmetric(B, "b")
    n = A.shape[0]
    idx = dyads(n, directed)
    av, bv = vectorise(A, idx), vectorise(B, idx)
    for nm, v in (("a", av), ("b", bv)):
        if np.ptp(v) == 0:
            raise ValueError(f"{nm}: constant over the dyads; the correlation is undefined")
    ac = (av - av.mean()) / av.std()
    bc = (bv - bv.mean()) / bv.std()
    m = av.size
    r = float(ac @ bc / m)
    rng = np.random.default_rng(seed)
    mapper = _DyadMapper(n, idx, directed)
    al = interleave(mapper.layout(ac))
    dist = np.empty(permutations)
    batch, chunk = _block_sizes(m, permutations, DEFAULT_MEMORY_MB, None)
    for start, perms in _permutation_blocks(rng, n, permutations, batch):
        H = _gather_products(bc[None, :], al, mapper, perms, chunk)
        dist[start : start + perms.shape[1]] = H[0, 0] / m
    p = float(_two_sided_p(dist[:, None], np.array([r]), include_observed)[0]) if permutations else math.nan
    return {"r": r, "p_value": p, "n_dyads": m, "permutations": permutations, "seed": seed}
