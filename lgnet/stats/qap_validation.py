"""Null calibration and power of the QAP tests on simulated dyadic data (the method-validation study).

``simulate_dyadic(n, effect, rng)`` draws one undirected dataset with network dependence: the
response has node (row/column) effects, the tested predictor ``x`` is the absolute difference of a
node attribute, and a control ``z`` (same group) is correlated with ``x`` and has its own effect.
With ``effect=0`` the null hypothesis for ``x`` holds, but the dyads are not independent, so the
classical t-test is expected to over-reject while QAP should hold its level.

``calibration_study(...)`` repeats that over many datasets and effect sizes and returns rejection
rates at level ``alpha`` for each method (``dsp``, ``y`` and ``classical``) with exact binomial
(Clopper-Pearson) 95% intervals. ``scripts/qap_calibration.py`` runs the thorough version; the
tests and a notebook can run a small one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from tqdm.auto import tqdm

from lgnet.stats import qap

METHODS = ("dsp", "y", "classical")


def simulate_dyadic(n: int, effect: float, rng: np.random.Generator, *, node_sd: float = 1.0,
                    control_effect: float = 0.5, n_groups: int = 4) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One undirected dataset: (y, {"x": |u_i - u_j|, "z": same group}) with y = effect*x + control*z + a_i + a_j + e."""
    u = rng.standard_normal(n)
    # groups from a noisy copy of u: "same group" is correlated with a small |u_i - u_j|
    g = np.digitize(u + 0.5 * rng.standard_normal(n), np.quantile(u, np.linspace(0, 1, n_groups + 1)[1:-1]))
    x = np.abs(u[:, None] - u[None, :])
    z = (g[:, None] == g[None, :]).astype(float)
    a = node_sd * rng.standard_normal(n)
    e = rng.standard_normal((n, n))
    e = (e + e.T) / np.sqrt(2)
    y = effect * x + control_effect * z + a[:, None] + a[None, :] + e
    for M in (x, z, y):
        np.fill_diagonal(M, 0.0)
    return y, {"x": x, "z": z}


def _clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    a = 1 - level
    lo = 0.0 if k == 0 else stats.beta.ppf(a / 2, k, n - k + 1)
    hi = 1.0 if k == n else stats.beta.ppf(1 - a / 2, k + 1, n - k)
    return float(lo), float(hi)


def calibration_study(*, n_datasets: int = 200, n: int = 20, effects=(0.0,), permutations: int = 199,
                      alpha: float = 0.05, seed: int = 0, methods=METHODS, node_sd: float = 1.0,
                      quiet: bool = True) -> pd.DataFrame:
    """Rejection rates of H0: beta_x = 0 at level alpha, per effect size and method.

    Returns one row per (effect, method): n, effect, method, datasets, permutations, alpha,
    rejections, rejection_rate, ci_low, ci_high (Clopper-Pearson 95%), seed. Dataset j of effect
    size e uses its own seeded generator, so each row is reproducible alone.
    """
    rows = []
    ss = np.random.SeedSequence(seed)
    effect_seeds = ss.spawn(len(effects))
    total = n_datasets * len(effects)
    bar = tqdm(total=total, disable=quiet, desc="QAP calibration", unit="dataset")
    for effect, eseed in zip(effects, effect_seeds):
        rejections = {m: 0 for m in methods}
        for j, dseed in enumerate(eseed.spawn(n_datasets)):
            rng = np.random.default_rng(dseed)
            y, xs = simulate_dyadic(n, effect, rng, node_sd=node_sd)
            perm_seed = int(rng.integers(2**31 - 1))
            if "dsp" in methods or "classical" in methods:
                res = qap.mrqap(y, xs, permutations=permutations if "dsp" in methods else 0, seed=perm_seed,
                                method="dsp", workers=1)
                if "dsp" in methods:
                    rejections["dsp"] += bool(res.p_value[1] <= alpha)
                if "classical" in methods:
                    rejections["classical"] += bool(res.p_classical[1] <= alpha)
            if "y" in methods:
                res = qap.mrqap(y, xs, permutations=permutations, seed=perm_seed, method="y", workers=1)
                rejections["y"] += bool(res.p_value[1] <= alpha)
            bar.update(1)
        for m in methods:
            k = rejections[m]
            lo, hi = _clopper_pearson(k, n_datasets)
            rows.append({"n": n, "effect": effect, "method": m, "datasets": n_datasets,
                         "permutations": permutations if m != "classical" else 0, "alpha": alpha,
                         "rejections": k, "rejection_rate": k / n_datasets, "ci_low": lo, "ci_high": hi,
                         "node_sd": node_sd, "seed": seed})
    bar.close()
    return pd.DataFrame(rows)
