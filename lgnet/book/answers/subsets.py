"""Answers to the exercises of chapter 4 (activity subsets)."""

from __future__ import annotations

from lgnet.book.answers._common import perm_p, rerun
from lgnet.book.chapters.display import num
from lgnet.book.chapters.subsets import tie_distances


def _medians(run) -> dict:
    _, cmp_ = tie_distances(run)
    per = cmp_["summary"].set_index("nature")
    out = {n: (float(per.loc[n, "median_km"]), int(per.loc[n, "n"])) for n in ("frontline", "administrative")}
    out["p"] = None if cmp_.get("untestable") else cmp_.get("p_perm")
    return out


def exercise_1(run) -> str:
    """Answer to the exercise on including mixed partnerships in both subsets."""
    ex = _medians(rerun(run, mixed="exclude"))
    inc = _medians(rerun(run, mixed="include"))

    def longer(m):
        return "administrative" if m["administrative"][0] > m["frontline"][0] else "frontline"

    def says(m):
        return (f"median distance within frontline partnerships {num(m['frontline'][0], 1)} km (n = "
                f"{m['frontline'][1]}), administrative {num(m['administrative'][0], 1)} km (n = "
                f"{m['administrative'][1]}): {longer(m)} partnerships are more spread out")

    R = run.permutations
    tests = [f"{perm_p(m['p'], R)} with mixed {w}d" for m, w in ((ex, "exclude"), (inc, "include"))
             if m["p"] is not None]
    same_direction = longer(ex) == longer(inc)
    sig = [m["p"] is not None and m["p"] < 0.05 for m in (ex, inc)]
    if not same_direction:
        verdict = "the direction of the difference flips, so the conclusion depends on where mixed partnerships go"
    elif sig[0] == sig[1]:
        verdict = ("the direction stays the same and the test " + ("stays significant" if sig[0] else
                   "stays not significant") + ", so the conclusion does not change")
    else:
        verdict = ("the direction stays the same but the test " + ("loses" if sig[0] else "gains")
                   + " significance at 0.05, so the conclusion is fragile")
    gap = [abs(m["administrative"][0] - m["frontline"][0]) for m in (ex, inc)]
    return (
        f"With `mixed = \"exclude\"`: {says(ex)}. With `mixed = \"include\"`: {says(inc)}. "
        f"The partnership-level permutation test of the difference in mean distance: "
        f"{'; '.join(tests) or 'not testable'}. Including mixed partnerships adds the same partnerships to both "
        f"subsets, so both counts rise; the gap between the medians goes from {num(gap[0], 1)} to "
        f"{num(gap[1], 1)} km. Here {verdict}."
    )


def exercise_2(run) -> str:
    """Answer to the discussion exercise on shared management teams."""
    return (
        "A shared chief executive or management team needs councillors and officers of both councils to meet "
        "and to trust each other; it usually pairs neighbours of the same type and often the same county, and "
        "is as much a political as an administrative choice. Other back-office services (ICT, payroll, audit) "
        "can be delivered at a distance. So management teams should look like frontline partnerships in their "
        "distances, and pooling them with back-office services would shrink the frontline–administrative gap."
    )


def exercise_3(run) -> str:
    """Answer to the discussion exercise on what the distance test assumes."""
    return (
        "Permuting the nature label across partnerships assumes that, without a real difference, any "
        "partnership could have been frontline or administrative: the labels are exchangeable given the "
        "partnerships' members. It ignores that function drives both nature and geography (waste needs "
        "contiguous areas). A stricter comparison permutes within function or within partnership size, or "
        "compares frontline and administrative partnerships of the same councils (paired), so that geography "
        "is held constant."
    )
