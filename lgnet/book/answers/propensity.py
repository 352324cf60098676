"""Answers to the exercises of chapter 2 (propensity to collaborate).

Every claim about the data is computed and worded from the numbers (sign, size, p), so the answer fits any
dataset and year: the question asks the student to find a sign or a p-value, never asserts one."""

from __future__ import annotations

from lgnet.book.answers._common import perm_p, r2, rerun, significant
from lgnet.book.chapters.display import sig3
from lgnet.book.chapters.propensity import propensity_result
from lgnet.book.chapters.run import SIMULATED, label
from lgnet.stats.propensity import REFERENCE

#: The council type whose coefficient exercise 3 asks about.
METRO = "metropolitan district"


def _summary(run, dataset=None) -> dict[str, dict]:
    s = propensity_result(run, dataset).summary()
    return {str(row["model"]): {"r2": float(row["r2"]), "p": float(row["p_r2_perm"]), "n": int(row["n"])}
            for _, row in s.iterrows()}


def _verdict(m: dict, R: int) -> str:
    return (f"R² = {r2(m['r2'])}, {perm_p(m['p'], R)}: "
            + ("unlikely under no association (p < 0.05)" if significant(m["p"])
               else "not distinguishable from shuffled data (p ≥ 0.05)"))


def planted_propensity_effects() -> str:
    """What the simulator plants in the propensity to collaborate (from its own defaults)."""
    from lgnet.data.simulate import PlantedEffects

    types = dict(PlantedEffects().type_activity)
    if not types:
        return "no effect of council attributes on activity"
    return "; ".join(f"{t}s' activity multiplied by {m:g}" for t, m in types.items()) + \
        ", activity otherwise independent of council attributes"


def exercise_1(run) -> str:
    """Answer to the exercise on which block explains most variance, here and in the simulated stand-in."""
    R = run.permutations
    own = {m: v for m, v in _summary(run).items() if m != "combined"}
    sim = {m: v for m, v in _summary(run, SIMULATED).items() if m != "combined"}
    best = max(own, key=lambda m: own[m]["r2"])
    best_sim = max(sim, key=lambda m: sim[m]["r2"])
    a, b = own[best], sim[best_sim]
    if significant(a["p"]) and significant(b["p"]):
        contrast = ("Both are 'significant'. The stand-in's is possible even though the simulator planted "
                    f"almost nothing ({planted_propensity_effects()}): with {b['n']} councils a few per cent of "
                    "variance is already unlikely to arise by shuffling.")
    elif significant(a["p"]) and not significant(b["p"]):
        contrast = ("Here the stand-in's block R² is not significant: the simulator planted almost nothing "
                    f"({planted_propensity_effects()}), and its R² is what shuffled data give. This run's is "
                    "significant, so its block is associated with partnerships per council beyond chance.")
    elif not significant(a["p"]) and significant(b["p"]):
        contrast = ("Here the stand-in's block R² is significant though this run's is not: the simulator "
                    f"planted {planted_propensity_effects()}, and with {b['n']} councils even that small effect "
                    "can stand out from shuffled data.")
    else:
        contrast = ("Neither is significant: in this run the blocks explain no more than shuffled data would, "
                    f"and the simulator planted almost nothing ({planted_propensity_effects()}).")
    if run.simulated:
        contrast = (f"This run is the stand-in itself; the simulator planted {planted_propensity_effects()}. "
                    + ("Its R² is nonetheless 'significant': with a few hundred councils even a few per cent of "
                       "variance is unlikely to arise by shuffling." if significant(b["p"]) else
                       "Its R² is what shuffled data give."))
    return (
        f"In this run ({label(run)}) the **{best}** block explains most: {_verdict(a, R)}. In the simulated "
        f"stand-in the largest block R² is the {best_sim} block's: {_verdict(b, R)} ({R:,} permutations). "
        f"{contrast} Significance measures how surprising an R² is under no association, not how much it "
        "explains: the article's point is the size (under 5% of the variance)."
    )


def exercise_2(run) -> str:
    """Answer to the exercise on leaving one block of predictors out (``leave_out``)."""
    full = _summary(rerun(run, leave_out=""))  # the student may have set leave_out: compare with all blocks
    less = _summary(rerun(run, leave_out="organisational"))
    drop = full["combined"]["r2"] - less["combined"]["r2"]
    own = full["organisational"]["r2"]
    if drop < own:
        overlap = (f"The fall ({sig3(drop)}) is smaller than the block's own R² ({sig3(own)}): the blocks overlap "
                   "(council type is correlated with population and diversity), so part of what the "
                   "organisational block explains alone is also explained by the others.")
    else:
        overlap = (f"The fall ({sig3(drop)}) is at least the block's own R² ({sig3(own)}): here the blocks "
                   "hardly overlap, or they work together (a variable explains more once others are held "
                   "constant).")
    n_full, n_less, n_org = full["combined"]["n"], less["combined"]["n"], full["organisational"]["n"]
    return (
        f"With all three blocks the combined model has R² = {r2(full['combined']['r2'])}; with "
        f"`leave_out = \"organisational\"` (resource and political blocks only) it has "
        f"R² = {r2(less['combined']['r2'])}: a fall of {sig3(drop)}. {overlap} "
        f"The models do not all use the same councils: the combined model uses {n_full} (those with every "
        f"variable), the one without the organisational block {n_less}, the organisational block alone {n_org} "
        "(see the n and exclusion columns)."
    )


def metro_coefficient(run, dataset=None):
    """The metropolitan-district coefficient of the combined propensity model: (estimate, permutation p), or
    None when the model has no such term."""
    c = propensity_result(rerun(run, leave_out=""), dataset).coefficients()  # the combined model of all blocks
    rows = c[(c["model"] == "combined") & (c["term"].astype(str) == f"type[{METRO}]")]
    if not len(rows):
        return None
    return float(rows["estimate"].iloc[0]), float(rows["p_perm"].iloc[0])


def exercise_3(run) -> str:
    """Answer to the exercise on the sign of the metropolitan-district coefficient."""
    R = run.permutations
    ref = REFERENCE.get("type") or "the reference type"
    coef = metro_coefficient(run)
    if coef is None:
        return (f"This run's combined model has no metropolitan-district term (too few metropolitan districts "
                "with every variable), so the question cannot be answered from it; rerun with the 2017 "
                "documented sample or the simulated stand-in.")
    est, p = coef
    more = est > 0
    sign = (f"**more** partnerships than {ref}s (coefficient +{sig3(est)} partnerships per council)" if more
            else f"**fewer** partnerships than {ref}s (coefficient {sig3(est)} partnerships per council)")
    sure = (f"{perm_p(p, R)} (Freedman–Lane), so the difference is unlikely to be chance" if significant(p) else
            f"{perm_p(p, R)} (Freedman–Lane), so it is not distinguishable from chance and any explanation is "
            "speculative")
    if more:
        why = ("An explanation: the statutory joint arrangements of the metropolitan counties (combined "
               "authorities, passenger transport, fire, waste disposal since 1986) left a habit and an "
               "infrastructure of working together that voluntary partnerships build on: cooperation breeds "
               "cooperation.")
    else:
        why = ("An explanation: metropolitan districts already share many functions through statutory joint "
               "arrangements (combined authorities, passenger transport, fire, waste disposal since 1986), so "
               "the gains left for voluntary partnerships are smaller, and they are large single-tier councils "
               "with scale of their own.")
    return (
        f"In the combined model of this run ({label(run)}), metropolitan districts have {sign}, other variables "
        f"held constant; {sure}. {why} A variable to test it: the number of statutory joint bodies a council "
        "belongs to, or its population (scale). If the type effect shrinks once that variable is in the model, "
        "the explanation gains support."
        + (" On a sample compiled from public pages, also ask whether metropolitan districts simply publish more "
           "or less about their partnerships." if not run.simulated else
           " (This run is simulated: the sign reflects the simulator's planted effect, "
           f"{planted_propensity_effects()}, and its random draw, not English councils.)")
    )
