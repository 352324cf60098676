"""Chapter 4, activity subsets: the models on frontline-only and administrative-only networks, and the
distances between partners by nature (``lgnet.stats.homophily.tie_distances``)."""

from __future__ import annotations

import pandas as pd

from lgnet.book import figures
from lgnet.book.chapters import data
from lgnet.book.chapters.cache import cached
from lgnet.book.chapters.display import (article_vs_run, num, p_cell, pct, p_text, sig3, signed, stars_legend,
                                          verdict, with_notes)
from lgnet.book.chapters.propensity import propensity_result
from lgnet.book.chapters.run import Run
from lgnet.book.chapters.selection import (SUBSET_MODELS, coefficient, coefficient_cells, coefficient_text,
                                          permutation_text, sample_text, selection_result)

SUBSETS = ["all", "frontline", "administrative"]


def subset_overview(run: Run) -> pd.DataFrame:
    """Partnerships, participating councils and ties in the whole network and each activity subset."""
    rows = []
    for nature in SUBSETS:
        d = data.describe(run, nature=nature)
        rows.append({"subset": nature, "partnerships": d["partnerships"], "councils in ≥1": d["participants"],
                     "participation": pct(d["participation"]), "ties (pairs)": d["ties"],
                     "members per partnership (median)": num(d["size"].get("median")),
                     "partnerships per council (mean, participants)": num(d["degree_participants"].get("mean"))})
    out = pd.DataFrame(rows).set_index("subset")
    out.attrs["mixed"] = run.mixed
    return out


def _subset_selection(run: Run, nature: str):
    return selection_result(run, models=None if nature == "all" else SUBSET_MODELS, nature=nature)


def _per_subset(texts: dict[str, str], what: str) -> str:
    """One note for the subsets: the sample once when every subset uses the same, otherwise per subset."""
    if len(set(texts.values())) == 1:
        return f"{what}: {next(iter(texts.values()))}, in every subset."
    return f"{what}: " + "; ".join(f"{n}: {t}" for n, t in texts.items()) + "."


def propensity_sample_text(run: Run, nature: str = "all", model: str = "combined") -> str:
    """'n = 323 councils; 30 excluded: ...': the sample of one propensity model (councils and exclusions)."""
    from lgnet.book.chapters.propensity import exclusions_text

    res = propensity_result(run, nature=nature)
    n = int(res.summary().set_index("model").loc[model, "n"])
    d = res.dropped()
    return f"n = {n} councils; {exclusions_text(run, d[d['model'] == model])}"


def subset_r2(run: Run) -> pd.DataFrame:
    """R² of propensity (combined block model) and of partner selection (MRQAP) in each subset, with the n and
    exclusions of each kind of model (the propensity model over councils, the partner-selection models over
    pairs of councils)."""
    rows = []
    for nature in SUBSETS:
        p = propensity_result(run, nature=nature).summary().set_index("model")
        s = _subset_selection(run, nature).summary().set_index("model")
        sel_p = s.loc["combined", "r_squared_p"] if "r_squared_p" in s.columns else None
        rows.append({"subset": nature, "propensity R² (combined)": sig3(p.loc["combined", "r2"]),
                     "p (propensity R²)": p_cell(p.loc["combined", "p_r2_perm"], run.permutations),
                     "propensity R², largest block": sig3(p["r2"].max()),
                     "partner selection R² (organisational)": sig3(s.loc["organisational", "r_squared"]),
                     "partner selection R² (combined)": sig3(s.loc["combined", "r_squared"]),
                     "p (partner selection R²)": p_cell(sel_p, int(s.loc["combined", "permutations"]))})
    out = pd.DataFrame(rows).set_index("subset")
    out.attrs["caption"] = ("Variance explained in each activity subset: propensity (over councils) and partner "
                            "selection (over pairs of councils).")
    return with_notes(out, "Propensity R² is over councils (partnerships per council), partner-selection R² over "
                           "pairs of councils (shared partnerships): different quantities, not to be ranked against "
                           "each other; each is read against its own permutation null (p: councils relabelled, "
                           "(b+1)/(R+1)).",
                      _per_subset({n: propensity_sample_text(run, n) for n in SUBSETS},
                                  "Propensity, combined model"),
                      _per_subset({n: sample_text(_subset_selection(run, n), run, "combined") for n in SUBSETS},
                                  "Partner selection, combined model"))


def subset_coefficients(run: Run, model: str = "combined") -> pd.DataFrame:
    """One MRQAP model's coefficients in each subset, side by side (distance per 100 km), marked by
    permutation p-value, with the model's n and exclusions in each subset."""
    cols = {}
    for nature in SUBSETS:
        c = _subset_selection(run, nature).coefficients()
        cells = coefficient_cells(c[c["model"] == model], run.permutations)
        cols[nature] = pd.Series(cells["cell"].to_list(), index=cells["predictor"].to_list())
    out = pd.DataFrame(cols).fillna("")
    out.index.name = f"predictor ({model} model)"
    return with_notes(out, f"Stars: {stars_legend(run.permutations)}.",
                      _per_subset({n: sample_text(_subset_selection(run, n), run, model) for n in SUBSETS},
                                  f"Sample of the {model} model"),
                      permutation_text(_subset_selection(run, "all")))


#: Fewest partnerships of each nature (with two or more members) for the partnership-level distance test.
MIN_PARTNERSHIPS_FOR_TEST = 5


@cached
def _tie_distances(k: data.DataKey, permutations: int) -> tuple[pd.DataFrame, dict]:
    """Dyad-level distances (description) and the partnership-level comparison (the test)."""
    from lgnet.stats import homophily

    pdata, table = data.partnerships_at(k), data.analysis_table(k)
    td = homophily.tie_distances(pdata, table, mixed=k.mixed)
    per = homophily.tie_distances(pdata, table, mixed=k.mixed, level="partnership")
    counts = per.dropna(subset=["distance_km"])["nature"].value_counts()
    short = {n: int(counts.get(n, 0)) for n in ("frontline", "administrative")
             if counts.get(n, 0) < MIN_PARTNERSHIPS_FOR_TEST}
    if short:
        cmp_ = {"summary": _distance_summary(per), "p_perm": float("nan"), "p_mann_whitney": float("nan"),
                "diff_means_km": float("nan"), "permutations": permutations, "level": "partnership",
                "untestable": ("not tested: too few partnerships with two or more members ("
                               + ", ".join(f"{n}: {c}" for n, c in short.items())
                               + f"; the test needs at least {MIN_PARTNERSHIPS_FOR_TEST} of each nature)")}
    else:
        cmp_ = homophily.compare_tie_distances(per, permutations=permutations, seed=k.seed, quiet=True)
        cmp_["untestable"] = ""
    cmp_["dyads"] = _distance_summary(td)
    cmp_["partnerships"] = per
    return td, cmp_


def _distance_summary(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for nature in ("frontline", "administrative"):
        v = frame.loc[frame["nature"] == nature, "distance_km"].dropna()
        rows.append({"nature": nature, "n": int(v.size), "median_km": float(v.median()) if v.size else float("nan"),
                     "mean_km": float(v.mean()) if v.size else float("nan")})
    return pd.DataFrame(rows)


def tie_distances(run: Run) -> tuple[pd.DataFrame, dict]:
    """Distances between partner councils (one row per tie and nature: the description) and the test of
    frontline against administrative at the level of partnerships (each partnership's mean distance between
    its members; nature labels permuted across partnerships; ``lgnet.stats.homophily.compare_tie_distances``)."""
    return _tie_distances(data.key(run), run.permutations)


def tie_distance_table(run: Run) -> pd.DataFrame:
    """Distances between partners by nature: per partnership (the units of the test) and per tie (description),
    and the two partnership-level tests, each row named for what it tests."""
    _, cmp_ = tie_distances(run)
    per = cmp_["summary"].set_index("nature")
    dy = cmp_["dyads"].set_index("nature")
    R = run.permutations
    rows = [{"row": f"{n}: partnerships (mean distance between members)", "n": int(per.loc[n, "n"]),
             "median (km)": num(per.loc[n, "median_km"], 1), "mean (km)": num(per.loc[n, "mean_km"], 1), "p": ""}
            for n in ("frontline", "administrative")]
    rows += [{"row": f"{n}: ties between partner councils (description only)", "n": int(dy.loc[n, "n"]),
              "median (km)": num(dy.loc[n, "median_km"], 1), "mean (km)": num(dy.loc[n, "mean_km"], 1), "p": ""}
             for n in ("frontline", "administrative")]
    if not cmp_["untestable"]:
        rows.append({"row": "test: difference of means of partnership distances (frontline − administrative), "
                            "nature permuted across partnerships", "n": int(per["n"].sum()), "median (km)": "",
                     "mean (km)": num(cmp_["diff_means_km"], 1), "p": p_cell(cmp_["p_perm"], R)})
        rows.append({"row": "test: Mann–Whitney U, partnership distances (does one nature tend to be longer?)",
                     "n": int(per["n"].sum()), "median (km)": "", "mean (km)": "",
                     "p": p_cell(cmp_["p_mann_whitney"])})
    out = pd.DataFrame(rows).set_index("row").astype("string")
    out.index.name = ""
    return with_notes(out, (
        "Units: partnerships. A partnership's distance is the mean distance between the centroids of its member "
        "councils (partnerships with one member council have none and are left out); the permutation test "
        f"shuffles the nature labels across partnerships ({R:,} permutations, seed {run.seed}, p = (b+1)/(R+1)). "
        "The tie rows only describe: ties of one partnership are not independent, so they are not tested."),
        cmp_["untestable"], f"Mixed partnerships: {run.mixed}d.")


def tie_distance_figure(run: Run):
    """Box plots of distances between partner councils by nature."""
    td, _ = tie_distances(run)
    return figures.tie_distance_plot(td, group="nature", value="distance_km")


def _evidence(run: Run) -> tuple[bool, str]:
    """Whether the run's partner-selection results can be set against the article's, and why not."""
    if run.simulated:
        return False, "simulated data: effects planted by the simulator"
    return True, ""


def nature_share_row(run: Run) -> tuple:
    """The closing-table row on the mix of natures: this run's administrative share of partnerships against the
    article's (127 of 338), by the share rule of ``display.verdict``. What the article's over-representation
    is relative to (the volume of back-office work councils do) is not in the public data, so only the shares
    are compared."""
    from lgnet.book.chapters.display import ARTICLE
    from lgnet.book.chapters.run import comparability

    by = data.partnership_data(run).partnerships["nature"].astype("string").value_counts()
    total = int(by.sum())
    art_total = ARTICLE["partnerships"]["value"]
    shares = ", ".join(f"{int(by.get(n, 0))} {n} ({pct(by.get(n, 0) / total if total else float('nan'))})"
                       for n in ("frontline", "administrative", "mixed"))
    art = ", ".join(f"{ARTICLE[n]['value']} {n} ({pct(ARTICLE[n]['value'] / art_total)})"
                    for n in ("frontline", "administrative", "mixed"))
    ok, why = comparability(run, "participation")
    return ("administrative (back-office) share of partnerships",
            f"{art} of {art_total}; back-office work over-represented relative to its volume in councils",
            f"{shares} of {total}",
            verdict("share", count=int(by.get("administrative", 0)), total=total,
                    article=ARTICLE["administrative"]["value"] / art_total, comparable=ok and total > 0,
                    why=(why or "no partnerships") if not (ok and total > 0) else
                    "over-representation relative to the volume of back-office work is not checked: that volume "
                    "is not in the public data"))


def compare_activity(run: Run) -> pd.DataFrame:
    """Chapter 4's closing table; each note is a verdict computed from the numbers (``display.verdict``)."""
    R = run.permutations
    _, cmp_ = tie_distances(run)
    s = cmp_["summary"].set_index("nature")
    ok, why = _evidence(run)
    rows = []
    rows.append(nature_share_row(run))
    parts = []
    for n in ("frontline", "administrative"):
        prop = propensity_result(run, nature=n).summary().set_index("model")
        sel = _subset_selection(run, n).summary().set_index("model")
        parts.append(f"{n}: propensity (councils) {pct(prop.loc['combined', 'r2'])} "
                     f"({p_text(prop.loc['combined', 'p_r2_perm'], R)} against its permutation null), partner "
                     f"selection (pairs of councils) {pct(sel.loc['combined', 'r_squared'])}")
    rows.append(("propensity and partner selection R² in each subset (combined models)", "subsets",
                 "; ".join(parts),
                 verdict("bound", comparable=False, why="R² of councils and R² of pairs of councils are different "
                         "quantities; each is judged against its own null (the propensity R² by its permutation p)")))
    for n in ("frontline", "administrative"):
        r = coefficient(run, "combined", "same_region", nature=n)
        rows.append((f"same region, {n} network", "subsets", coefficient_text(r, R),
                     verdict("coefficient", estimate=None if r is None else r["estimate"],
                             p=None if r is None else r["p_value"], permutations=R, article_sign=1,
                             article_significant=True, comparable=ok, why=why)))
    rows.append(("median distance between partners (per partnership)", "distance",
                 f"frontline {num(s.loc['frontline', 'median_km'], 0)} km, "
                 f"administrative {num(s.loc['administrative', 'median_km'], 0)} km", "description"))
    if cmp_["untestable"]:
        rows.append(("frontline − administrative, mean partnership distance", "distance", cmp_["untestable"],
                     verdict("coefficient", comparable=False, why="too few partnerships to test")))
    else:
        rows.append(("frontline − administrative, mean partnership distance", "distance",
                     f"{signed(cmp_['diff_means_km'])} km ({p_text(cmp_['p_perm'], R)}, partnerships permuted)",
                     verdict("coefficient", estimate=cmp_["diff_means_km"], p=cmp_["p_perm"], permutations=R,
                             article_sign=-1, article_significant=True, comparable=ok, why=why)))
    return article_vs_run(rows)
