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
  (e) the whole `lgnet mrqap` command at n=353, 10 predictors, 2,000 permutations (startup, reading the
      11 CSV files and writing the table included; target under 2.5 s), best of 3, beside R: the whole
      Rscript run (startup, reading the CSVs, netlm) at the same size, measured in this run at two small
      numbers of permutations and extended to 2,000 by the per-permutation slope -> the ratio.
  (f) `lgnet check` on a wide partnership file of --check-mb MB (default 50; hundreds of thousands of
      partnerships generated now from the 2017 councils' names by benchmarks/big_wide.py, never
      committed): wall time and peak resident memory of the command (target under 60 s).

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
        t0 = time.perf_counter()
        out = subprocess.run([rscript, str(tmp / "bench.R"), str(tmp), ",".join(map(str, reps))],
                             capture_output=True, text=True, check=True).stdout
        whole = time.perf_counter() - t0
    times, version = {}, ""
    for line in out.splitlines():
        if line.startswith("VERSION"):
            version = line[len("VERSION "):]
        elif line.strip():
            r, t = line.split()
            times[int(r)] = float(t)
    lo, hi = reps
    per = (times[hi] - times[lo]) / (hi - lo)
    # whole_run_s: the Rscript process (startup, reading the CSVs, netlm at both rep counts)
    return {"n": n, "predictors": n_predictors, "reps": list(reps), "seconds": times, "per_permutation_s": per,
            "version": version, "whole_run_s": whole - times[lo]}


_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t0 = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "seconds = time.perf_counter() - t0\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(seconds, code, u.ru_maxrss, u.ru_utime)\n"
)


def _run_measured(cmd: list[str]) -> dict:
    """Run a command; its wall time, exit status and peak resident memory.

    Measured by a small intermediate Python process: a child forked from this (large) benchmark process
    would report this process's memory as its own peak (Linux keeps the high-water mark across exec).
    """
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], capture_output=True, text=True)
    seconds, code, maxrss_kb, user = proc.stdout.split()
    return {"seconds": float(seconds), "exit": int(code), "peak_rss_mb": int(maxrss_kb) / 1024,
            "user_s": float(user), "stderr_tail": proc.stderr[-300:]}


def lgnet_command() -> list[str]:
    script = Path(sys.executable).parent / "lgnet"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "lgnet.cli.entry"]


def bench_command(n: int, permutations: int, repeats: int = 3, n_predictors: int = 10) -> dict:
    """The whole `lgnet mrqap` command on labelled CSV files (as an analyst runs it)."""
    import pandas as pd

    y, xs = make_data(n, n_predictors)
    labels = [f"v{i:04d}" for i in range(n)]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pd.DataFrame(y, index=labels, columns=labels).to_csv(tmp / "y.csv", float_format="%.17g")
        cmd = lgnet_command() + ["mrqap", "--y", str(tmp / "y.csv"), "--permutations", str(permutations),
                                 "--seed", "1", "--quiet"]
        for name, M in xs.items():
            pd.DataFrame(M, index=labels, columns=labels).to_csv(tmp / f"{name}.csv", float_format="%.17g")
            cmd += ["--x", f"{name}={tmp / (name + '.csv')}"]
        for _ in range(repeats):
            runs.append(_run_measured(cmd))
    best = min(r["seconds"] for r in runs)
    return {"n": n, "predictors": n_predictors, "permutations": permutations, "seconds": best,
            "seconds_all": [r["seconds"] for r in runs], "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "exit": [r["exit"] for r in runs]}


def bench_check(mb: float) -> dict:
    """`lgnet check` on a generated wide file of about ``mb`` MB: wall time and peak memory."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from big_wide import write

    with tempfile.TemporaryDirectory() as tmp:
        path, rows = write(Path(tmp) / "big_wide.csv", mb)
        size = path.stat().st_size / 1e6
        run = _run_measured(lgnet_command() + ["check", str(path), "--quiet"])
    return {"mb": size, "partnerships": rows, **run}


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
    ap.add_argument("--no-command", action="store_true", help="skip (e), the whole `lgnet mrqap` command")
    ap.add_argument("--check-mb", type=float, default=50.0, help="size of the wide file for (f) (default 50 MB)")
    ap.add_argument("--no-check", action="store_true", help="skip (f), `lgnet check` on a large file")
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

    command = None
    if not args.no_command:
        command = bench_command(353, args.permutations)
        results["command"] = command
        print(f"(e) whole `lgnet mrqap` command, n=353, 10 predictors, {args.permutations} permutations: "
              f"{command['seconds']:.2f} s (best of 3: {', '.join(f'{t:.2f}' for t in command['seconds_all'])}; "
              f"peak RSS {command['peak_rss_mb']:.0f} MB)", flush=True)

    r = None
    if not args.no_r:
        lo, hi = (int(v) for v in args.r_reps.split(","))
        r = bench_r(353, (lo, hi))
        results["r_sna"] = r
        if r is None:
            print("(c) R sna: Rscript or sna not available - skipped")
        else:
            print(f"(c) R sna::netlm qapspp: {r['per_permutation_s']:.3f} s per permutation ({r['version']})", flush=True)

    check = None
    if not args.no_check:
        check = bench_check(args.check_mb)
        results["check"] = check
        print(f"(f) lgnet check on a {check['mb']:.1f} MB wide file ({check['partnerships']:,} partnerships): "
              f"{check['seconds']:.1f} s, peak RSS {check['peak_rss_mb']:,.0f} MB, exit {check['exit']}", flush=True)

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
    if command:
        print()
        print(f"Whole command, n=353, 10 predictors, {command['permutations']} permutations (startup and reading included)")
        print(f"  lgnet mrqap (CLI)          {command['seconds']:8.2f} s   (target < 2.5 s)")
        if r:
            whole_r = r["whole_run_s"] - r["seconds"][r["reps"][1]] + r["per_permutation_s"] * command["permutations"]
            results["command"]["r_whole_command_s"] = whole_r
            results["command"]["ratio_r_over_lgnet"] = whole_r / command["seconds"]
            print(f"  Rscript + sna::netlm       {whole_r:8.1f} s   (measured at {r['reps'][1]} permutations in "
                  f"{r['whole_run_s']:.1f} s with startup and reading, extended by the per-permutation slope)")
            print(f"  ratio R / lgnet            {whole_r / command['seconds']:8,.0f}x")
        else:
            print("  R sna::netlm: not installed (apt-get install r-cran-sna) - no ratio")
    if check:
        print(f"lgnet check, {check['mb']:.1f} MB wide file, {check['partnerships']:,} partnerships: "
              f"{check['seconds']:.1f} s (target < 60 s), peak RSS {check['peak_rss_mb']:,.0f} MB")
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
