"""Answers to the exercises of chapter 2 (propensity to collaborate)."""

from __future__ import annotations

from lgnet.book.answers._common import pct, perm_p, rerun
from lgnet.book.chapters.propensity import propensity_result
from lgnet.book.chapters.run import SIMULATED


def _r2(run, dataset=None) -> dict[str, tuple[float, float]]:
    s = propensity_result(run, dataset).summary()
    return {str(m): (float(r2), float(p)) for m, r2, p in zip(s["model"], s["r2"], s["p_r2_perm"])}


def exercise_1(run) -> str:
    """Answer to the exercise on which block explains most variance, here and in the simulated stand-in."""
    R = run.permutations
    own = {m: v for m, v in _r2(run).items() if m != "combined"}
    sim = {m: v for m, v in _r2(run, SIMULATED).items() if m != "combined"}
    best = max(own, key=lambda m: own[m][0])
    best_sim = max(sim, key=lambda m: sim[m][0])
    return (
        f"In this run the **{best}** block explains most: R² = {pct(own[best][0])} ({perm_p(own[best][1], R)}, "
        f"{R} permutations). In the simulated stand-in the largest block R² is {pct(sim[best_sim][0])} "
        f"({best_sim}, {perm_p(sim[best_sim][1], R)}). "
        "A small R² can be 'significant' when the simulator planted almost nothing because it did plant "
        "something (metropolitan districts are less active), and with 300-odd councils even a few per cent of "
        "variance is unlikely to arise by shuffling. Significance measures how surprising an R² is under no "
        "association, not how much it explains: the article's point is the size (under 5%)."
    )


def exercise_2(run) -> str:
    """Answer to the exercise on leaving one block of predictors out (``leave_out``)."""
    full = _r2(run)
    less = _r2(rerun(run, leave_out="organisational"))
    drop = full["combined"][0] - less["combined"][0]
    return (
        f"With all three blocks the combined model has R² = {pct(full['combined'][0])}; with "
        f"`leave_out = \"organisational\"` (resource and political blocks only) it has "
        f"R² = {pct(less['combined'][0])}: the organisational block adds {pct(drop)} of variance over the other "
        f"two (its own R² alone is {pct(full['organisational'][0])}). "
        "The difference is smaller than the block's own R² when blocks overlap (council type is correlated with "
        "population and diversity), which is why a block's unique contribution and its R² alone differ. "
        "The combined model also uses only the councils with every variable, so its n can differ from the "
        "organisational model's (see the n and exclusion columns)."
    )


def exercise_3(run) -> str:
    """Answer to the discussion exercise on metropolitan districts."""
    return (
        "Metropolitan districts already share many functions through statutory joint arrangements (combined "
        "authorities, passenger transport, fire, waste disposal authorities since 1986), so the gains left for "
        "voluntary partnerships are smaller, and they are large single-tier councils with scale of their own. "
        "A variable to test it: the number of statutory joint bodies a council belongs to, or its population "
        "(scale). If the type effect shrinks once that variable is in the model, the explanation gains support."
    )
