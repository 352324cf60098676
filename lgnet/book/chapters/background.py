"""Chapter 1, the network: councils and partnerships of the run, the map, participation and degree."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lgnet.book import figures
from lgnet.book.chapters import data
from lgnet.book.chapters.display import ARTICLE, article_vs_run, num, pct, verdict
from lgnet.book.chapters.run import Run, comparability, label
from lgnet.data.partnership_data import NATURES

TYPE_ORDER = ["county", "shire district", "unitary", "metropolitan district", "London borough"]


def council_counts(run: Run, participation: bool = True) -> pd.DataFrame:
    """Councils by type in the dataset year and, with ``participation``, how many of them are in at least
    one partnership of the run's dataset."""
    table = data.council_table(run)
    counts = table["type"].value_counts().reindex(TYPE_ORDER).fillna(0).astype(int)
    out = pd.DataFrame({"councils": counts})
    if participation:
        deg = data.network(run).degree
        active = table.assign(active=deg.reindex(table["code"]).to_numpy() > 0).groupby("type")["active"].sum()
        out[f"in ≥1 partnership ({label(run)})"] = active.reindex(TYPE_ORDER).fillna(0).astype(int)
        out["share"] = [pct(a / c if c else np.nan) for a, c in zip(out.iloc[:, 1], out["councils"])]
        total = int(out.iloc[:, 1].sum())
        out.loc["all councils"] = [int(out["councils"].sum()), total, pct(total / out["councils"].sum())]
    else:
        out.loc["all councils"] = [int(out["councils"].sum())]
    out.index.name = "council type"
    return out


def _overview_column(d: dict) -> dict:
    size = d["size"]
    return {
        "partnerships": d["partnerships"],
        "memberships": d["memberships"],
        "councils in the year": d["councils"],
        "councils in ≥1 partnership": d["participants"],
        "members per partnership (median)": num(size.get("median")),
        "members per partnership (max)": num(size.get("max")),
        "pairs of councils sharing ≥1 partnership": d["ties"],
        "density of the council network": f"{d['density']:.4f}",
        "connected groups of partnering councils": d["components"],
        "largest connected group (councils)": d["largest_component"],
    }


def overview_table(run: Run) -> pd.DataFrame:
    """Size and shape of the run's network beside the simulated stand-in and the article's totals."""
    cols = data.beside_stand_in(run, lambda ds: _overview_column(data.describe(run, dataset=ds)))
    table = pd.DataFrame(cols).astype("string")
    table["article (2017)"] = pd.Series({"partnerships": str(ARTICLE["partnerships"]["value"]),
                                         "councils in the year": str(ARTICLE["councils"]["value"])},
                                        dtype="string").reindex(table.index).fillna("–")
    table.index.name = "statistic"
    return table


def partnership_map(run: Run, dataset: str | None = None):
    """Figure 1: the map of partnerships for the run's dataset (or ``dataset="simulated"``)."""
    return figures.partnership_map(data.boundaries(run), data.council_table(run),
                                   data.partnership_data(run, dataset), label=label(run, dataset),
                                   regions_gdf=data.regions(run))


def function_breakdown(run: Run, dataset: str | None = None):
    """Figure 2: partnerships by function and nature."""
    return figures.function_breakdown(data.partnership_data(run, dataset))


def nature_table(run: Run) -> pd.DataFrame:
    """Partnerships by nature: this dataset (count and share) beside the article's counts."""
    natures = data.partnership_data(run).partnerships["nature"].astype("string").value_counts()
    total = int(natures.sum())
    rows = []
    art_total = ARTICLE["partnerships"]["value"]
    for n in NATURES:
        k = int(natures.get(n, 0))
        a = ARTICLE[n]["value"]
        rows.append({"nature": n, label(run): k, "share": pct(k / total if total else np.nan),
                     "article (2017)": a, "article share": pct(a / art_total)})
    rows.append({"nature": "all", label(run): total, "share": pct(1.0 if total else np.nan),
                 "article (2017)": art_total, "article share": pct(1.0)})
    return pd.DataFrame(rows).set_index("nature")


def _degree_column(d: dict) -> dict:
    deg = d["degree_participants"]
    return {
        "councils in ≥1 partnership": pct(d["participation"]),
        "fewest partnerships (participants)": num(deg.get("min")),
        "median": num(deg.get("median")),
        "mean": num(deg.get("mean")),
        "most partnerships": num(deg.get("max")),
    }


def degree_table(run: Run) -> pd.DataFrame:
    """Participation and partnerships per council: this dataset, the simulated stand-in, the article."""
    cols = data.beside_stand_in(run, lambda ds: _degree_column(data.describe(run, dataset=ds)))
    cols["article (2017)"] = {
        "councils in ≥1 partnership": "over 97%",
        "fewest partnerships (participants)": num(ARTICLE["degree_min"]["value"]),
        "median": num(ARTICLE["degree_median"]["value"]),
        "mean": num(ARTICLE["degree_mean"]["value"]),
        "most partnerships": num(ARTICLE["degree_max"]["value"]),
    }
    table = pd.DataFrame(cols)
    table.index.name = "partnerships per council"
    return table


def degree_figure(run: Run):
    """Histogram of partnerships per council: the run's dataset beside the simulated stand-in (labelled)."""
    return figures.degree_histogram(data.beside_stand_in(run, lambda ds: data.network(run, dataset=ds).degree))


def top_councils(run: Run, n: int = 10) -> pd.DataFrame:
    """The councils with the most partnerships in the run's dataset."""
    from lgnet.stats import network as lgnetwork

    d = lgnetwork.describe(data.partnership_data(run), data.analysis_table(run), top=n)
    top = d["top_councils"].merge(data.council_table(run)[["code", "type", "region"]], on="code", how="left")
    return top.rename(columns={"degree": "partnerships"}).set_index("name")


def compare_background(run: Run) -> pd.DataFrame:
    """Chapter 1's closing table. Each row's verdict comes from ``display.verdict`` by the stated rule, and what
    a row can be compared with from the run's coverage (``run.comparability``): whole-network totals need the
    whole network and its long tail; participation, the median and the shares of natures do not."""
    d = data.describe(run)
    deg = d["degree_participants"]
    by = d["partnerships_by_nature"]
    total = int(d["partnerships"])
    tot_ok, tot_why = comparability(run, "totals")
    part_ok, part_why = comparability(run, "participation")
    med_ok, med_why = comparability(run, "median")
    art_total = ARTICLE["partnerships"]["value"]

    def nature_row(n):
        k = int(by.get(n, 0))
        return (n, n, f"{k} ({pct(k / total if total else np.nan)} of {total})",
                verdict("share", count=k, total=total, article=ARTICLE[n]["value"] / art_total,
                        comparable=part_ok and total > 0,
                        why="" if part_ok and total > 0 else (part_why or "no partnerships")))

    return article_vs_run([
        ("councils", "councils", d["councils"],
         verdict("value", value=d["councils"], article=ARTICLE["councils"]["value"],
                 why=f"councils in existence on 1 April {run.year}")),
        ("partnerships", "partnerships", total,
         verdict("value", value=total, article=art_total, comparable=tot_ok, why=tot_why)),
        nature_row("frontline"), nature_row("administrative"), nature_row("mixed"),
        ("participation", "participation", pct(d["participation"]),
         verdict("bound", value=d["participation"], bound=ARTICLE["participation"]["value"], at_least=True,
                 comparable=part_ok, why=part_why
                 or "a sample of partnerships can only undercount the councils that take part")),
        ("partnerships per council (range)", "degree_max", f"{num(deg.get('min'))} to {num(deg.get('max'))}",
         verdict("value", value=deg.get("max"), article=ARTICLE["degree_max"]["value"], comparable=tot_ok,
                 why=tot_why)),
        ("partnerships per council (median)", "degree_median", num(deg.get("median")),
         verdict("value", value=deg.get("median"), article=ARTICLE["degree_median"]["value"], comparable=med_ok,
                 why=med_why)),
        ("partnerships per council (mean)", "degree_mean", num(deg.get("mean")),
         verdict("value", value=deg.get("mean"), article=ARTICLE["degree_mean"]["value"], digits=0,
                 comparable=tot_ok, why=tot_why)),
    ])
