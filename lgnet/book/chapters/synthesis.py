"""Chapter 5, efficiency and legitimacy: the run's key numbers from chapters 2 to 4, read together."""

from __future__ import annotations

import pandas as pd

from lgnet.book.chapters.display import article_vs_run, pct, p_text
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
            "distance_p": float(cmp_["p_perm"])}


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
        ("median distance, frontline vs administrative partners",
         f"{k['frontline_km']:.0f} km vs {k['administrative_km']:.0f} km ({p_text(k['distance_p'])})",
         "frontline markedly shorter", "chapter 4"),
    ]
    columns = ["quantity", f"this run ({label(run)})", "the article", "see"]
    return pd.DataFrame(rows, columns=columns).set_index("quantity")


def interpretation(run: Run) -> Note:
    """A short reading of the run's numbers in the terms of the argument (text computed from the results)."""
    k = key_numbers(run)
    more = k["selection_r2"] > k["propensity_r2"]
    text = (
        f"In this run council attributes explain at most {pct(k['propensity_r2'])} of the variance in "
        f"partnerships per council, while the partner-selection models explain up to {pct(k['selection_r2'])} "
        "of the variance in partnerships shared by pairs of councils: partner choice is "
        + ("**more** predictable than participation, as the article found. " if more else
           "**not** more predictable than participation here, unlike in the article. ")
        + f"Ties within regions are {k['region_ratio']:.1f} times as common as distance alone predicts, and "
        f"frontline partners are a median {k['frontline_km']:.0f} km apart against {k['administrative_km']:.0f} km "
        "for administrative ones."
    )
    if run.simulated:
        text += (" These are properties of the **simulated** stand-in, put there by the simulator's planted effects; "
                 "they illustrate the argument's logic and are not evidence for it.")
    elif run.partnerships == DOCUMENTED:
        text += (" On the documented sample the first number says little: partnership counts per council mostly "
                 "reflect which councils publish their arrangements. The partner-selection numbers are real "
                 "evidence, from a partial and geographically uneven sample.")
    return admonition("This run, in brief", text, "note")


def compare_conclusions(run: Run) -> pd.DataFrame:
    """Chapter 5's closing table: the article's two headline contrasts against this run."""
    k = key_numbers(run)
    return article_vs_run([
        ("propensity: variance explained", "propensity_r2_max", pct(k["propensity_r2"]), comparability(run)),
        ("partner selection: variance explained", "partner_r2_max", pct(k["selection_r2"]),
         "valued co-membership, MRQAP"),
        ("whether vs with whom", "councils' question was not whether to collaborate but with whom",
         "partner choice more predictable" if k["selection_r2"] > k["propensity_r2"] else
         "partner choice not more predictable", comparability(run)),
        ("frontline vs administrative distance", "distance",
         f"{k['frontline_km']:.0f} km vs {k['administrative_km']:.0f} km (median)", ""),
    ])
