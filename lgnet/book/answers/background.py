"""Answers to the exercises of chapter 1 (the network)."""

from __future__ import annotations

from lgnet.book.answers._common import pct, rerun
from lgnet.book.chapters import data
from lgnet.book.chapters.run import SIMULATED


def _summary(run, dataset=None) -> dict:
    pdata = data.partnership_data(run) if dataset is None else data.partnership_data(rerun(run, partnerships=dataset))
    councils = data.council_table(run)
    members = pdata.memberships["code"].astype(str)
    degree = members.value_counts().reindex(councils["code"].astype(str), fill_value=0)
    counts = pdata.partnerships["nature"].astype(str).value_counts()
    return {"partnerships": len(pdata.partnerships), "councils": len(councils),
            "participation": float((degree > 0).mean()), "median": float(degree.median()),
            "mean": float(degree.mean()), "max": int(degree.max()),
            **{n: int(counts.get(n, 0)) for n in ("frontline", "administrative", "mixed")}}


def exercise_1(run) -> str:
    """Answer to the exercise on rerunning chapter 1 with the simulated stand-in."""
    s = _summary(run, SIMULATED)
    return (
        f"With `partnerships = \"simulated\"` the closing table shows {s['partnerships']} partnerships "
        f"({s['frontline']} frontline, {s['administrative']} administrative, {s['mixed']} mixed), "
        f"{pct(s['participation'])} of the {s['councils']} councils in at least one, a median of "
        f"{s['median']:g} and a mean of {s['mean']:.1f} partnerships per council, at most {s['max']}. "
        "These rows match the article (338; 182/127/29; over 97%; median 3, mean 4) **because the simulator "
        "was calibrated to them**: it draws partnerships until those published totals are met. A match on a "
        "quantity that was a calibration target is a check of the simulator, not evidence that the article was "
        "right; only quantities the simulator did not target could be evidence, and even then only about the "
        "simulator's planted assumptions."
    )


def exercise_2(run) -> str:
    """Answer to the exercise on which regions the documented sample under-represents (map, region labels)."""
    councils = data.council_table(run)
    members = set(data.partnership_data(run).memberships["code"].astype(str))
    by_region = (councils.assign(member=councils["code"].astype(str).isin(members))
                 .groupby("region")["member"].agg(["mean", "size"]).sort_values("mean"))
    low = by_region.head(2)
    high = by_region.tail(1)
    rows = "; ".join(f"{r}: {pct(v['mean'])} of {int(v['size'])} councils" for r, v in low.iterrows())
    return (
        f"Share of councils in at least one partnership of this dataset, by region (the map's labels): lowest "
        f"are {rows}; highest is {high.index[0]} ({pct(high['mean'].iloc[0])}). "
        "A sample compiled from public web pages over-represents councils and partnerships that publish: large "
        "formal shared services with their own websites, councils whose committee papers are easy to search, "
        "and regions where researchers found a few rich sources (a county-wide partnership page lists many "
        "arrangements at once). Low shares can therefore mean less publishing, not less sharing."
    )


def exercise_3(run) -> str:
    """Answer to the exercise on how partnership size shapes the one-mode network."""
    pdata = data.partnership_data(run)
    size = pdata.memberships.groupby("partnership_id").size()
    ties = (size * (size - 1) / 2)
    big = int(size.max())
    return (
        "A partnership of five councils ties every pair of its members: 5 × 4 / 2 = **10** one-mode ties. "
        f"In this dataset partnerships have a median of {size.median():g} members and at most {big}; the largest "
        f"alone creates {big * (big - 1) // 2} ties, and the {len(size)} partnerships create "
        f"{int(ties.sum())} member pairs in all (before pairs shared by several partnerships are merged). "
        "Ties grow with the square of size, so a few large partnerships (county-wide arrangements) dominate the "
        "co-membership network; this is why the valued network (number of shared partnerships) and the "
        "partnership-level distance test are used beside the binary network."
    )
