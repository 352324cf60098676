"""Chapter 5, efficiency and legitimacy: the run's key numbers from chapters 2 to 4, read together."""

from __future__ import annotations

import pandas as pd

from lgnet.book.chapters.display import article_vs_run, pct, p_text, verdict
from lgnet.book.chapters.notes import Note, admonition
from lgnet.book.chapters.propensity import propensity_result
from lgnet.book.chapters.run import DOCUMENTED, Run, comparability, label
from lgnet.book.chapters.selection import ei_table, proximity_table, selection_result
from lgnet.book.chapters.subsets import tie_distances


def key_numbers(run: Run) -> dict:
    """The run's headline numbers: largest R² of propensity and of partner selection, E–I of region and
    county, intra-region ties over those expected from distance, median tie distances by nature."""
    p = propensity_result(run).summary()
    s = selection_result(run).summary()
    ei = ei_table(run)
    prox = proximity_table(run)
    _, cmp_ = tie_distances(run)
    med = cmp_["summary"].set_index("nature")["median_km"]
    return {"propensity_r2": float(p["r2"].max()), "selection_r2": float(s["r_squared"].max()),
            "ei_region": float(ei.loc["region", "E–I index"]), "ei_county": float(ei.loc["county", "E–I index"]),
            "region_ratio": float(prox.loc["region", "observed / expected"]),
            "frontline_km": float(med["frontline"]), "administrative_km": float(med["administrative"]),
            "distance_p": float(cmp_["p_perm"]), "distance_untestable": cmp_.get("untestable", ""),
            "propensity_p": float(p.set_index("model")["p_r2_perm"][p.set_index("model")["r2"].idxmax()]),
            "permutations": run.permutations}


def synthesis_table(run: Run) -> pd.DataFrame:
    """The run's key numbers from chapters 2 to 4, beside the article's."""
    k = key_numbers(run)
    rows = [
        ("variance in propensity explained (largest R²)", pct(k["propensity_r2"]), "under 5%", "chapter 2"),
        ("variance in partner selection explained (largest R²)", pct(k["selection_r2"]), "at most 24%", "chapter 3"),
        ("E–I index, region (−1 = all ties within regions)", f"{k['ei_region']:.2f}", "strong regional homophily",
         "chapter 3"),
        ("E–I index, county", f"{k['ei_county']:.2f}", "intra-county ties highly significant", "chapter 3"),
        ("intra-region ties, observed / expected from distance", f"{k['region_ratio']:.2f}",
         "much more common than proximity predicts", "chapter 3"),
        ("median distance between partners, frontline vs administrative partnerships",
         f"{k['frontline_km']:.0f} km vs {k['administrative_km']:.0f} km ("
         + (k["distance_untestable"] or f"{p_text(k['distance_p'], k['permutations'])}, partnerships permuted")
         + ")", "frontline markedly shorter", "chapter 4"),
    ]
    columns = ["quantity", f"this run ({label(run)})", "the article", "see"]
    return pd.DataFrame(rows, columns=columns).set_index("quantity")


def interpretation(run: Run) -> Note:
    """A short reading of the run's numbers in the terms of the argument (text computed from the results)."""
    k = key_numbers(run)
    R = k["permutations"]
    text = (
        f"In this run council attributes explain at most {pct(k['propensity_r2'])} of the variance in "
        f"partnerships per council ({p_text(k['propensity_p'], R)} against shuffled counts), while the "
        f"partner-selection models explain up to {pct(k['selection_r2'])} of the variance in partnerships shared "
        "by pairs of councils. The two R² are different quantities (one over councils, one over pairs of "
        "councils), so each is read against its own permutation null rather than against the other. "
        f"Ties within regions are {k['region_ratio']:.1f} times as common as distance alone predicts, and "
        f"the median frontline partnership spans {k['frontline_km']:.0f} km between its members against "
        f"{k['administrative_km']:.0f} km for administrative ones"
        + (f" ({p_text(k['distance_p'], R)}, nature permuted across partnerships)." if not k["distance_untestable"]
           else f" ({k['distance_untestable']}).")
    )
    if run.simulated:
        text += (" These are properties of the **simulated** stand-in, put there by the simulator's planted effects; "
                 "they illustrate the argument's logic and are not evidence for it.")
    elif run.partnerships == DOCUMENTED:
        text += (" On the documented sample the first number says little: partnership counts per council mostly "
                 "reflect which councils publish their arrangements. The partner-selection numbers are real "
                 "evidence, from a partial and geographically uneven sample.")
    return admonition("This run, in brief", text, "note")


def _whole(run: Run) -> bool:
    return not run.simulated and run.partnerships != DOCUMENTED


def compare_conclusions(run: Run) -> pd.DataFrame:
    """Chapter 5's closing table: the article's two headline contrasts against this run."""
    k = key_numbers(run)
    return article_vs_run([
        ("propensity: variance explained", "propensity_r2_max", pct(k["propensity_r2"]),
         verdict("bound", value=k["propensity_r2"], bound=0.05, comparable=_whole(run), why=comparability(run)
                 if not _whole(run) else "")),
        ("partner selection: variance explained", "partner_r2_max", pct(k["selection_r2"]),
         verdict("bound", value=k["selection_r2"], bound=0.24, comparable=not run.simulated,
                 why="simulated data" if run.simulated else "valued co-membership, MRQAP")),
        ("whether vs with whom", "councils' question was not whether to collaborate but with whom",
         f"propensity R² {pct(k['propensity_r2'])} (councils), partner selection R² {pct(k['selection_r2'])} "
         "(pairs of councils)",
         "not comparable: R² over councils and over pairs are different quantities; see chapters 2 and 3 for each "
         "against its permutation null"),
        ("frontline vs administrative distance", "distance",
         f"{k['frontline_km']:.0f} km vs {k['administrative_km']:.0f} km (median per partnership)",
         verdict("coefficient", comparable=False, why=k["distance_untestable"]) if k["distance_untestable"] else
         verdict("coefficient", estimate=k["frontline_km"] - k["administrative_km"], p=k["distance_p"],
                 permutations=k["permutations"], article_sign=-1, article_significant=True,
                 comparable=not run.simulated, why="simulated data" if run.simulated else "")),
    ])
