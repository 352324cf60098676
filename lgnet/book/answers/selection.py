"""Answers to the exercises of chapter 3 (partner selection)."""

from __future__ import annotations

import math

from lgnet.book.answers._common import perm_p, rerun
from lgnet.book.chapters.selection import proximity_table, selection_result
from lgnet.book.chapters.terms import term_label


def _coefs(run, model: str = "organisational"):
    res = selection_result(run)
    table = res.coefficients() if callable(getattr(res, "coefficients", None)) else res.coefficients
    return table[table["model"].astype(str) == model] if "model" in table.columns else table


def exercise_1(run) -> str:
    """Answer to the discussion exercise on counties in their own county."""
    return (
        "A county council shares every partnership it joins with districts of its own county, so counting it "
        "as a member of its own county makes most of its ties 'same county'. County–district partnerships "
        "(waste, two-tier services) are common, so this choice inflates the county coefficient. Without county "
        "councils the county effect would rest on district–district ties only and would usually be smaller, "
        "but it would then measure homophily among peers rather than the two-tier structure."
    )


def exercise_2(run) -> str:
    """Answer to the exercise comparing regional homophily with proximity."""
    prox = proximity_table(run)
    row = prox.iloc[0]
    cols = list(prox.columns)
    observed, expected = row[cols[0]], row[cols[1]]
    return (
        f"The proximity table answers it: within the same {prox.index[0]}, {observed} ties are observed against "
        f"{expected} expected from distance alone (ratio {row[cols[2]]}, p {row[cols[3]]}). A ratio above 1 "
        "with a small p means more same-region ties than proximity produces: regional homophily beyond "
        "distance. The region coefficient of the organisational model says the same while holding distance, "
        "county and type constant; the table shows it without a model."
    )


def exercise_3(run) -> str:
    """Answer to the exercise on the number of permutations (99 against 1999)."""
    small, large = rerun(run, permutations=99), rerun(run, permutations=max(1999, run.permutations))
    a, b = _coefs(small), _coefs(large)
    p_col = next(c for c in ("p_perm", "p", "p_value") if c in a.columns)
    term = "term" if "term" in a.columns else a.columns[0]
    merged = a[[term, p_col]].merge(b[[term, p_col]], on=term, suffixes=("_99", "_large"))
    merged = merged[merged[term].astype(str) != "(intercept)"]
    merged[term] = [term_label(t) for t in merged[term]]
    flips = [str(t) for t, p1, p2 in zip(merged[term], merged[f"{p_col}_99"], merged[f"{p_col}_large"])
             if (p1 < 0.05) != (p2 < 0.05)]
    se = {R: math.sqrt(0.05 * 0.95 / R) for R in (99, large.permutations)}
    lines = "; ".join(f"{t}: {perm_p(p1, 99)} with 99, {perm_p(p2, large.permutations)} with "
                      f"{large.permutations}" for t, p1, p2 in zip(merged[term], merged[f"{p_col}_99"],
                                                                   merged[f"{p_col}_large"]))
    verdict = ("no term changes side of 0.05" if not flips else
               f"{', '.join(flips)} change{'s' if len(flips) == 1 else ''} side of 0.05")
    return (
        f"Organisational model, same seed: {lines}. Here {verdict}. "
        f"A permutation p is an estimate with Monte Carlo standard error √(p(1−p)/R): at p = 0.05 that is "
        f"{se[99]:.3f} with R = 99 and {se[large.permutations]:.4f} with R = {large.permutations}, and with 99 "
        "permutations no p can be below 0.01. Conclusions near 0.05 can change with R; those far from it do not."
    )
