"""Chapter 5, efficiency and legitimacy: the run's key numbers from chapters 2 to 4, read together."""

from __future__ import annotations

import pandas as pd

from lgnet.book.chapters.display import article_vs_run, pct, p_text, signed, verdict
from lgnet.book.chapters.notes import Note, admonition, support_sentence
from lgnet.book.chapters.propensity import propensity_result
from lgnet.book.chapters.run import Run, comparability, label
from lgnet.book.chapters.selection import ei_table, proximity_table, selection_result
from lgnet.book.chapters.subsets import tie_distances


def key_numbers(run: Run) -> dict:
    """The run's headline numbers: largest R² of propensity and of partner selection, E–I of region and
    county, intra-region ties over those expected from distance, partnership distances by nature (the tested
    difference of means with its permutation p; the medians as description)."""
    p = propensity_result(run).summary()
    s = selection_result(run).summary()
    ei = ei_table(run)
    prox = proximity_table(run)
    _, cmp_ = tie_distances(run)
    summ = cmp_["summary"].set_index("nature")
    return {"propensity_r2": float(p["r2"].max()), "selection_r2": float(s["r_squared"].max()),
            "ei_region": float(ei.loc["region", "E–I index"]), "ei_county": float(ei.loc["county", "E–I index"]),
            "region_ratio": float(prox.loc["region", "observed / expected"]),
            "frontline_km": float(summ.loc["frontline", "median_km"]),
            "administrative_km": float(summ.loc["administrative", "median_km"]),
            "frontline_mean_km": float(summ.loc["frontline", "mean_km"]),
            "administrative_mean_km": float(summ.loc["administrative", "mean_km"]),
            "diff_means_km": float(cmp_["diff_means_km"]),
            "distance_p": float(cmp_["p_perm"]), "distance_untestable": cmp_.get("untestable", ""),
            "propensity_p": float(p.set_index("model")["p_r2_perm"][p.set_index("model")["r2"].idxmax()]),
            "selection_p": (float(s.set_index("model")["r_squared_p"][s.set_index("model")["r_squared"].idxmax()])
                            if "r_squared_p" in s.columns else float("nan")),
            "permutations": run.permutations}


def _distance_test(k: dict) -> str:
    """'−5.5 km (p ≤ 0.01, nature permuted across partnerships)': the tested quantity with its p."""
    if k["distance_untestable"]:
        return k["distance_untestable"]
    return (f"{signed(k['diff_means_km'])} km ({p_text(k['distance_p'], k['permutations'])}, nature permuted "
            "across partnerships)")


def synthesis_table(run: Run) -> pd.DataFrame:
    """The run's key numbers from chapters 2 to 4, beside the article's."""
    k = key_numbers(run)
    rows = [
        ("variance in propensity explained (largest R², over councils)", pct(k["propensity_r2"]), "under 5%",
         "chapter 2"),
        ("variance in partner selection explained (largest R², over pairs of councils)", pct(k["selection_r2"]),
         "at most 24%", "chapter 3"),
        ("E–I index, region (−1 = all ties within regions)", f"{k['ei_region']:.2f}", "strong regional homophily",
         "chapter 3"),
        ("E–I index, county", f"{k['ei_county']:.2f}", "intra-county ties highly significant", "chapter 3"),
        ("intra-region ties, observed / expected from distance", f"{k['region_ratio']:.2f}",
         "much more common than proximity predicts", "chapter 3"),
        ("frontline − administrative: difference of mean partnership distances (the test)", _distance_test(k),
         "frontline markedly shorter", "chapter 4"),
        ("median partnership distance, frontline vs administrative (description, not tested)",
         f"{k['frontline_km']:.0f} km vs {k['administrative_km']:.0f} km", "–", "chapter 4"),
    ]
    columns = ["quantity", f"this run ({label(run)})", "the article", "see"]
    return pd.DataFrame(rows, columns=columns).set_index("quantity")


def contrast_text(run: Run) -> str:
    """The run's two R² side by side, each with what it is measured over and how it is tested (computed)."""
    k = key_numbers(run)
    return (f"In this run council attributes explain at most {pct(k['propensity_r2'])} of the variance in "
            f"partnerships per council ({p_text(k['propensity_p'], k['permutations'])} against counts shuffled "
            f"across councils, {{doc}}`02_propensity`), while the partner-selection models explain up to "
            f"{pct(k['selection_r2'])} of the variance in partnerships shared by pairs of councils "
            f"({p_text(k['selection_p'], k['permutations'])} against the councils relabelled in the response, "
            "{doc}`03_partner_selection`). The two R² are "
            "different quantities, one over councils and one over pairs of councils, so neither is read against "
            "the other: each is read against its own permutation null.")


def contrast(run: Run) -> Note:
    """The chapter's opening comparison of the two questions in this run (:func:`contrast_text`)."""
    return admonition("Whether and with whom, in this run", contrast_text(run), "note")


def interpretation(run: Run) -> Note:
    """A short reading of the run's numbers in the terms of the argument (text computed from the results; what
    the data support from :func:`lgnet.book.chapters.notes.support_sentence`)."""
    k = key_numbers(run)
    distance = (f"the difference of mean partnership distances (frontline − administrative, each partnership's "
                f"mean distance between its members) is {_distance_test(k)}"
                if not k["distance_untestable"] else
                f"the distances between partners by nature are {k['distance_untestable']}")
    text = (contrast_text(run) + f" Ties within regions are {k['region_ratio']:.1f} times as common as distance "
            f"alone predicts, and {distance}; the medians, a description, are {k['frontline_km']:.0f} km "
            f"(frontline) and {k['administrative_km']:.0f} km (administrative). " + support_sentence(run))
    return admonition("This run, in brief", text, "note")


def compare_conclusions(run: Run) -> pd.DataFrame:
    """Chapter 5's closing table: the article's two headline contrasts against this run (what each row can be
    compared with: :func:`lgnet.book.chapters.run.comparability`)."""
    k = key_numbers(run)
    prop_ok, prop_why = comparability(run, "propensity_r2")
    sel_ok, sel_why = comparability(run, "selection")
    return article_vs_run([
        ("propensity: variance explained", "propensity_r2_max", pct(k["propensity_r2"]),
         verdict("bound", value=k["propensity_r2"], bound=0.05, comparable=prop_ok, why=prop_why)),
        ("partner selection: variance explained", "partner_r2_max", pct(k["selection_r2"]),
         verdict("bound", value=k["selection_r2"], bound=0.24, comparable=sel_ok, why=sel_why)),
        ("whether vs with whom", "councils' question was not whether to collaborate but with whom",
         f"propensity R² {pct(k['propensity_r2'])} (councils), partner selection R² {pct(k['selection_r2'])} "
         "(pairs of councils)",
         "not comparable: R² over councils and over pairs are different quantities; see chapters 2 and 3 for each "
         "against its permutation null"),
        ("frontline − administrative: difference of mean partnership distances", "distance",
         _distance_test(k) + (f"; medians {k['frontline_km']:.0f} km vs {k['administrative_km']:.0f} km "
                              "(description)"),
         verdict("coefficient", comparable=False, why=k["distance_untestable"]) if k["distance_untestable"] else
         verdict("coefficient", estimate=k["diff_means_km"], p=k["distance_p"], permutations=k["permutations"],
                 article_sign=-1, article_significant=True, comparable=sel_ok, why=sel_why)),
    ])
