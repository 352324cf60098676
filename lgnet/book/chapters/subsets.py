"""Chapter 4, activity subsets: the models on frontline-only and administrative-only networks, and the
distances between partners by nature (``lgnet.stats.homophily.tie_distances``)."""

from __future__ import annotations

import pandas as pd

from lgnet.book import figures
from lgnet.book.chapters import data
from lgnet.book.chapters.cache import cached
from lgnet.book.chapters.display import article_vs_run, num, p_cell, pct, p_text
from lgnet.book.chapters.propensity import propensity_result
from lgnet.book.chapters.run import Run
from lgnet.book.chapters.selection import SUBSET_MODELS, coefficient, coefficient_cells, coefficient_text, selection_result

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


def subset_r2(run: Run) -> pd.DataFrame:
    """R² of propensity (combined block model) and of partner selection (MRQAP) in each subset."""
    rows = []
    for nature in SUBSETS:
        p = propensity_result(run, nature=nature).summary().set_index("model")
        s = _subset_selection(run, nature).summary().set_index("model")
        rows.append({"subset": nature, "propensity R² (combined)": round(float(p.loc["combined", "r2"]), 3),
                     "propensity R², largest block": round(float(p["r2"].max()), 3),
                     "partner selection R² (organisational)": round(float(s.loc["organisational", "r_squared"]), 3),
                     "partner selection R² (combined)": round(float(s.loc["combined", "r_squared"]), 3)})
    return pd.DataFrame(rows).set_index("subset")


def subset_coefficients(run: Run, model: str = "combined") -> pd.DataFrame:
    """One MRQAP model's coefficients in each subset, side by side (distance per 100 km), marked by
    permutation p-value."""
    cols = {}
    for nature in SUBSETS:
        c = _subset_selection(run, nature).coefficients()
        cells = coefficient_cells(c[c["model"] == model])
        cols[nature] = pd.Series(cells["cell"].to_list(), index=cells["predictor"].to_list())
    out = pd.DataFrame(cols).fillna("")
    out.index.name = f"predictor ({model} model)"
    return out


@cached
def _tie_distances(k: data.DataKey, permutations: int) -> tuple[pd.DataFrame, dict]:
    from lgnet.stats import homophily

    td = homophily.tie_distances(data.partnerships_at(k), data.analysis_table(k), mixed=k.mixed)
    return td, homophily.compare_tie_distances(td, permutations=permutations, seed=k.seed, quiet=True)


def tie_distances(run: Run) -> tuple[pd.DataFrame, dict]:
    """Distances between partner councils (one row per tie and nature) and their comparison, frontline
    against administrative (``lgnet.stats.homophily.compare_tie_distances``), cached."""
    return _tie_distances(data.key(run), run.permutations)


def tie_distance_table(run: Run) -> pd.DataFrame:
    """Distances between partner councils by nature, and the test of frontline against administrative."""
    _, cmp_ = tie_distances(run)
    rows = [{"nature": str(r["nature"]), "ties (pairs)": int(r["n"]), "median (km)": num(r["median_km"], 1),
             "mean (km)": num(r["mean_km"], 1), "p (permutation)": "", "p (Mann–Whitney)": ""}
            for _, r in cmp_["summary"].iterrows()]
    rows.append({"nature": "difference of means (frontline − administrative)", "ties (pairs)": "",
                 "median (km)": "", "mean (km)": num(cmp_["diff_means_km"], 1),
                 "p (permutation)": p_cell(cmp_["p_perm"]), "p (Mann–Whitney)": p_cell(cmp_["p_mann_whitney"])})
    out = pd.DataFrame(rows).set_index("nature").astype("string")
    out.attrs["note"] = cmp_.get("note", "")
    return out


def tie_distance_figure(run: Run):
    """Box plots of distances between partner councils by nature."""
    td, _ = tie_distances(run)
    return figures.tie_distance_plot(td, group="nature", value="distance_km")


def compare_activity(run: Run) -> pd.DataFrame:
    """Chapter 4's closing table."""
    r2 = subset_r2(run)
    _, cmp_ = tie_distances(run)
    s = cmp_["summary"].set_index("nature")
    more = [n for n in SUBSETS
            if r2.loc[n, "partner selection R² (combined)"] > r2.loc[n, "propensity R² (combined)"]]
    region = {n: coefficient(run, "combined", "same_region", nature=n) for n in ("frontline", "administrative")}
    note = ("real partnerships" if not run.simulated else "simulated: effects planted by the simulator")
    return article_vs_run([
        ("partner selection more predictable than propensity", "subsets",
         f"in {len(more)} of {len(SUBSETS)} networks ({', '.join(more) or 'none'})",
         "R² of combined models; propensity needs the whole network"),
        ("same region, by subset", "subsets",
         f"frontline {coefficient_text(region['frontline'])}; administrative "
         f"{coefficient_text(region['administrative'])}", note),
        ("median distance between partners", "distance",
         f"frontline {s.loc['frontline', 'median_km']:.0f} km, "
         f"administrative {s.loc['administrative', 'median_km']:.0f} km",
         note),
        ("difference of mean distances", "distance",
         f"{cmp_['diff_means_km']:.1f} km ({p_text(cmp_['p_perm'])})", f"mixed partnerships: {run.mixed}d"),
    ])
