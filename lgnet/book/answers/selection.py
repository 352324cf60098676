"""Answers to the exercises of chapter 3 (partner selection).

Numbers are formatted as the chapter's tables show them (``tables.number``, ``p_text``); every statement about
the run (the share of same-county ties with a county council, whether regional homophily exceeds proximity,
which p-values change side of 0.05) is computed and worded from the numbers."""

from __future__ import annotations

import math

import numpy as np

from lgnet.book.answers._common import number, perm_p, rerun, significant
from lgnet.book.chapters import data
from lgnet.book.chapters.display import p_floor, pct
from lgnet.book.chapters.selection import _proximity, selection_result
from lgnet.book.chapters.terms import term_label


def _coefs(run, model: str = "organisational"):
    """One model's coefficients (fitting that model only: the answer reruns it at other permutation counts)."""
    c = selection_result(run, models=[model]).coefficients()
    return c[c["model"] == model]


def county_ties(run) -> dict:
    """Pairs of partner councils in the same county, and how many of them include the county council."""
    net = data.network(run)
    table = data.analysis_table(run).set_index("code").reindex([str(c) for c in net.codes])
    county = table["county"].astype("string").fillna("").to_numpy()
    is_county = (table["type"].astype(str) == "county").to_numpy()
    W = np.triu(np.asarray(net.W_binary) > 0, 1)
    same = W & (county[:, None] == county[None, :]) & (county[:, None] != "")
    with_cc = same & (is_county[:, None] | is_county[None, :])
    return {"same": int(same.sum()), "with_county": int(with_cc.sum()), "ties": int(W.sum())}


def exercise_1(run) -> str:
    """Answer to the discussion exercise on counties in their own county."""
    c = county_ties(run)
    share = c["with_county"] / c["same"] if c["same"] else float("nan")
    counted = (f"In this run {c['same']} of the {c['ties']} pairs of partner councils lie in the same county, and "
               f"{c['with_county']} of those ({pct(share)}) include the county council itself." if c["same"] else
               "In this run no pair of partner councils lies in the same county.")
    weight = ("So most of the county effect here comes from the two-tier structure." if c["same"] and share > 0.5
              else "So district–district ties carry most of the county effect here." if c["same"] else "")
    return (
        "A county council shares every partnership it joins with districts of its own county, so counting it as a "
        f"member of its own county makes most of its ties 'same county'. {counted} {weight} Without county "
        "councils the county effect would rest on district–district ties only: it would then measure homophily "
        "among peers rather than the two-tier structure, and its size could go either way."
    )


def exercise_2(run) -> str:
    """Answer to the exercise comparing regional homophily with proximity."""
    r = _proximity(data.key(run), "region", run.permutations)  # the numbers behind the table's first row
    observed, expected, ratio, p, n_sim = r["observed"], r["expected"], r["ratio"], r["p_value"], int(r["n_sim"])
    small = significant(max(float(p), p_floor(n_sim)))
    if ratio > 1 and small:
        says = ("more same-region ties than proximity produces, beyond chance: regional homophily beyond "
                "distance")
    elif ratio > 1:
        says = "more same-region ties than proximity produces, but not beyond chance"
    else:
        says = "no more same-region ties than proximity alone produces: no regional homophily beyond distance"
    return (
        f"The first row of the proximity table answers it: within the same region, {number(int(observed))} "
        f"ties are observed against {number(round(float(expected), 1))} expected from distance alone (ratio "
        f"{number(round(float(ratio), 2))}, {perm_p(p, n_sim)}): {says}. The region coefficient of the "
        "organisational model asks the same while holding distance, county and type constant; the table shows "
        "it without a model."
    )


def exercise_3(run) -> str:
    """Answer to the exercise on the number of permutations (99 against 1999)."""
    small, large = rerun(run, permutations=99), rerun(run, permutations=max(1999, run.permutations))
    a, b = _coefs(small), _coefs(large)
    p_col, term = "p_value", "term"
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
