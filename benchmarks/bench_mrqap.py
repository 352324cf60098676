"""Benchmark of lgnet.stats.qap.mrqap (double semi-partialling): speed against naive refits and R sna, and scaling.

Run from the repository root (a plain script; the figures are printed as a table):

    python benchmarks/bench_mrqap.py                 # everything (a few minutes; n=5,000 needs ~6 GB)
    python benchmarks/bench_mrqap.py --quick         # smaller scaling run
    python benchmarks/bench_mrqap.py --json benchmarks/results/mrqap.json

Parts:
  (a) MRQAP DSP at n=353 nodes, 10 predictors, 2,000 permutations (target: under 3 s on 2 cores).
  (b) a naive reference in the same run: for each permutation, refit statsmodels OLS once per term
      (what a direct implementation of DSP does), timed over a few permutations -> time per permutation.
  (c) R sna::netlm(nullhyp="qapspp") at n=353 with 10 predictors where Rscript and sna are installed,
      timed with two small numbers of permutations -> time per permutation (slope) and the ratio.
  (d) scaling n = 100 ... 5,000 (fewer permutations for large n), each size in its own subprocess:
      time, time per permutation and peak resident memory (ru_maxrss), input matrices included.

The predictors are the kinds used in the book: absolute differences of node attributes, same-group
dummies and a distance; the response has node effects. Seeds are fixed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lgnet.stats import qap  # noqa: E402


def make_data(n: int, n_predictors: int = 10, seed: int = 0):
    """Symmetric response and predictor matrices for n nodes (float64, zero diagonal)."""
    rng = np.random.default_rng(seed)
    xs = {}
    pos = rng.uniform(0, 300, size=(n, 2))
    for k in range(n_predictors):
        kind = k % 3
        if kind == 0:  # absolute difference of a node attribute
            a = rng.standard_normal(n)
            M = np.abs(a[:, None] - a[None, :])
        elif kind == 1:  # same group
            g = rng.integers(0, 3 + k, size=n)
            M = (g[:, None] == g[None, :]).astype(float)
        else:  # distances: Euclidean, city-block, log(1 + Euclidean), ...
            d = pos[:, None, :] - pos[None, :, :]
            M = np.abs(d).sum(axis=2) if k % 2 else np.sqrt((d**2).sum(axis=2))
            del d
            if k % 3 == 2 and k % 2 == 0 and k > 2:
                M = np.log1p(M)
        np.fill_diagonal(M, 0.0)
        xs[f"x{k + 1}"] = M
    node = rng.standard_normal(n)
    y = 0.3 * xs["x1"] - 0.2 * xs["x2"] + node[:, None] + node[None, :]
    noise = rng.standard_normal((n, n))
    y += (noise + noise.T) / np.sqrt(2)
    del noise
    np.fill_diagonal(y, 0.0)
    return y, xs


def bench_fast(n: int, permutations: int, workers: int | None, repeats: int = 1, n_predictors: int = 10) -> dict:
    y, xs = make_data(n, n_predictors)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        res = qap.mrqap(y, xs, permutations=permutations, seed=1, workers=workers)
        times.append(time.perf_counter() - t0)
    return {"n": n, "predictors": n_predictors, "dyads": res.n_dyads, "permutations": permutations,
            "seconds": min(times), "seconds_all": times, "per_permutation_s": min(times) / permutations}


def bench_naive(n: int, permutations: int, n_predictors: int = 10) -> dict:
    """A direct DSP implementation: for every term and permutation, permute the residual matrix and refit OLS."""
    import statsmodels.api as sm

    y, xs = make_data(n, n_predictors)
    idx = qap.dyads(n)
    yv = qap.vectorise(y, idx)
    X = np.column_stack([np.ones(yv.size)] + [qap.vectorise(M, idx) for M in xs.values()])
    p = X.shape[1]
    rng = np.random.default_rng(1)
    t0 = time.perf_counter()
    residuals = []
    for k in range(p):
        others = [c for c in range(p) if c != k]
        e = X[:, k] - X[:, others] @ np.linalg.lstsq(X[:, others], X[:, k], rcond=None)[0]
        Em = np.zeros((n, n))
        Em[idx] = e
        residuals.append((others, Em + Em.T))
    setup = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(permutations):
        pi = rng.permutation(n)
        for others, Em in residuals:
            ep = qap.vectorise(Em[pi][:, pi], idx)
            sm.OLS(yv, np.column_stack([X[:, others], ep])).fit().tvalues[-1]
    loop = time.perf_counter() - t0
    return {"n": n, "predictors": n_predictors, "permutations": permutations, "setup_s": setup,
            "seconds": loop, "per_permutation_s": loop / permutations}


R_SCRIPT = r"""
suppressPackageStartupMessages(library(sna))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]; reps <- as.integer(strsplit(args[2], ",")[[1]])
y <- as.matrix(read.csv(file.path(dir, "y.csv"), header = FALSE))
files <- sort(list.files(dir, pattern = "^x[0-9]+\\.csv$"))
x <- array(0, dim = c(length(files), nrow(y), ncol(y)))
for (i in seq_along(files)) x[i, , ] <- as.matrix(read.csv(file.path(dir, files[i]), header = FALSE))
for (r in reps) {
  set.seed(1)
  t <- system.time(fit <- netlm(y, x, mode = "graph", nullhyp = "qapspp", reps = r))[["elapsed"]]
  cat(sprintf("%d %.6f\n", r, t))
}
cat(sprintf("VERSION %s | sna %s\n", R.version.string, as.character(packageVersion("sna"))))
"""


def bench_r(n: int, reps: tuple[int, int], n_predictors: int = 10) -> dict | None:
    """R sna::netlm (qapspp) timed at two numbers of permutations; per-permutation time is the slope."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    check = subprocess.run([rscript, "-e", "cat(requireNamespace('sna', quietly=TRUE))"], capture_output=True, text=True)
    if check.stdout.strip() != "TRUE":
        return None
    y, xs = make_data(n, n_predictors)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        np.savetxt(tmp / "y.csv", y, delimiter=",", fmt="%.17g")
        for k, M in enumerate(xs.values(), start=1):
            np.savetxt(tmp / f"x{k:02d}.csv", M, delimiter=",", fmt="%.17g")
        (tmp / "bench.R").write_text(R_SCRIPT)
        out = subprocess.run([rscript, str(tmp / "bench.R"), str(tmp), ",".join(map(str, reps))],
                             capture_output=True, text=True, check=True).stdout
    times, version = {}, ""
    for line in out.splitlines():
        if line.startswith("VERSION"):
            version = line[len("VERSION "):]
        elif line.strip():
            r, t = line.split()
            times[int(r)] = float(t)
    lo, hi = reps
    per = (times[hi] - times[lo]) / (hi - lo)
    return {"n": n, "predictors": n_predictors, "reps": list(reps), "seconds": times, "per_permutation_s": per,
            "version": version}


def _scaling_child(n: int, permutations: int, workers: int | None) -> None:
    """Run in a subprocess: one size, printing JSON with time and peak memory."""
    t0 = time.perf_counter()
    y, xs = make_data(n)
    gen = time.perf_counter() - t0
    rss_inputs = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    res = qap.mrqap(y, xs, permutations=permutations, seed=1, workers=workers)
    sec = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux -> MB
    print(json.dumps({"n": n, "dyads": res.n_dyads, "permutations": permutations, "seconds": sec,
                      "per_permutation_s": sec / permutations, "generate_s": gen,
                      "peak_rss_after_inputs_mb": rss_inputs, "peak_rss_mb": peak}))


def bench_scaling(sizes: list[tuple[int, int]], workers: int | None) -> list[dict]:
    rows = []
    for n, perms in sizes:
        cmd = [sys.executable, __file__, "--child", str(n), str(perms)]
        if workers:
            cmd += ["--workers", str(workers)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            rows.append({"n": n, "permutations": perms, "error": proc.stderr.strip().splitlines()[-1:]})
            continue
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"  scaling n={n}: {rows[-1]['seconds']:.2f} s, peak {rows[-1]['peak_rss_mb']:.0f} MB", flush=True)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller scaling run (up to n=2,000) and fewer naive refits")
    ap.add_argument("--no-r", action="store_true", help="skip the R sna comparison")
    ap.add_argument("--no-scaling", action="store_true", help="skip the scaling part")
    ap.add_argument("--workers", type=int, default=None, help="threads for lgnet (default: min(2, CPUs))")
    ap.add_argument("--permutations", type=int, default=2000, help="permutations for part (a)")
    ap.add_argument("--r-reps", default="1,4", help="the two permutation counts R is timed at (default 1,4)")
    ap.add_argument("--json", help="write the results as JSON here (benchmarks/results/ is git-ignored)")
    ap.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _scaling_child(args.child[0], args.child[1], args.workers)
        return 0

    info = {"python": platform.python_version(), "numpy": np.__version__, "cpus": os.cpu_count(),
            "load_average_before": os.getloadavg(), "workers": args.workers}
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; numpy {np.__version__}", flush=True)
    results: dict = {"info": info}

    fast = bench_fast(353, args.permutations, args.workers, repeats=3)
    results["fast"] = fast
    print(f"(a) lgnet DSP n=353, 10 predictors, {args.permutations} permutations: {fast['seconds']:.2f} s "
          f"(best of 3: {', '.join(f'{t:.2f}' for t in fast['seconds_all'])})", flush=True)

    naive = bench_naive(353, 3 if args.quick else 10)
    results["naive"] = naive
    print(f"(b) naive statsmodels refits: {naive['per_permutation_s']:.3f} s per permutation "
          f"({naive['permutations']} permutations)", flush=True)

    r = None
    if not args.no_r:
        lo, hi = (int(v) for v in args.r_reps.split(","))
        r = bench_r(353, (lo, hi))
        results["r_sna"] = r
        if r is None:
            print("(c) R sna: Rscript or sna not available - skipped")
        else:
            print(f"(c) R sna::netlm qapspp: {r['per_permutation_s']:.3f} s per permutation ({r['version']})", flush=True)

    scaling = []
    if not args.no_scaling:
        sizes = [(100, 2000), (500, 1000), (1000, 500), (2000, 100)]
        if not args.quick:
            sizes.append((5000, 100))
        scaling = bench_scaling(sizes, args.workers)
        results["scaling"] = scaling

    # ---- the table ----
    print()
    print("MRQAP with double semi-partialling, n=353 nodes, 10 predictors (11 terms incl. intercept)")
    print(f"{'implementation':<34}{'permutations':>13}{'total s':>10}{'s / perm':>12}{'lgnet faster by':>17}")
    per_fast = fast["per_permutation_s"]
    print(f"{'lgnet.stats.qap.mrqap':<34}{fast['permutations']:>13}{fast['seconds']:>10.2f}{per_fast:>12.2e}{'1x':>17}")
    print(f"{'naive statsmodels refits (Python)':<34}{naive['permutations']:>13}{naive['seconds']:>10.2f}"
          f"{naive['per_permutation_s']:>12.2e}{naive['per_permutation_s'] / per_fast:>16,.0f}x")
    if r:
        print(f"{'R sna::netlm (qapspp)':<34}{'/'.join(map(str, r['reps'])):>13}{r['seconds'][r['reps'][1]]:>10.2f}"
              f"{r['per_permutation_s']:>12.2e}{r['per_permutation_s'] / per_fast:>16,.0f}x")
    if scaling:
        print()
        print("Scaling (lgnet, 10 predictors; peak RSS of the whole process incl. input matrices)")
        print(f"{'n':>6}{'dyads':>12}{'permutations':>14}{'total s':>10}{'s / perm':>12}{'peak RSS MB':>13}")
        for row in scaling:
            if "error" in row:
                print(f"{row['n']:>6}  error: {row['error']}")
                continue
            print(f"{row['n']:>6}{row['dyads']:>12,}{row['permutations']:>14}{row['seconds']:>10.2f}"
                  f"{row['per_permutation_s']:>12.2e}{row['peak_rss_mb']:>13,.0f}")
    info["load_average_after"] = os.getloadavg()
    print(f"\nload average after: {os.getloadavg()[0]:.2f} (other processes on the machine slow every figure)")
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, default=float) + "\n")
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
