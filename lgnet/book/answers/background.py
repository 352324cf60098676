"""Answers to the exercises of chapter 1 (the network).

Numbers come from the same functions as the chapter's tables (``data.describe``, formatted with ``num`` and
``pct``), so an answer quotes what Tables 1.x show; which rows match the article is computed, not asserted."""

from __future__ import annotations

from lgnet.book.answers._common import pct
from lgnet.book.chapters import data
from lgnet.book.chapters.display import ARTICLE, num, verdict
from lgnet.book.chapters.run import SIMULATED, label


def matches(d: dict) -> tuple[list[str], list[str]]:
    """Which of the article's headline figures a network summary (``data.describe``) reproduces, as
    (matching, differing) lists of readable row names, by the closing table's rules (``display.verdict``):
    counts equal; participation at or above the article's 97%; the median equal and the mean equal at the
    article's precision (a whole number)."""
    deg = d["degree_participants"]
    by = d.get("partnerships_by_nature", {})
    checks = {
        f"partnerships ({d['partnerships']} against {ARTICLE['partnerships']['value']})":
            d["partnerships"] == ARTICLE["partnerships"]["value"],
        **{f"{n} ({int(by.get(n, 0))} against {ARTICLE[n]['value']})": int(by.get(n, 0)) == ARTICLE[n]["value"]
           for n in ("frontline", "administrative", "mixed")},
        f"councils in ≥1 partnership ({pct(d['participation'])} against over 97%)":
            verdict("bound", value=d["participation"], bound=ARTICLE["participation"]["value"],
                    at_least=True).startswith("agrees"),
        f"median partnerships per participating council ({num(deg.get('median'))} against "
        f"{ARTICLE['degree_median']['value']})": deg.get("median") == ARTICLE["degree_median"]["value"],
        f"mean partnerships per participating council ({num(deg.get('mean'))} against "
        f"{ARTICLE['degree_mean']['value']})":
            verdict("value", value=deg.get("mean", 0), article=ARTICLE["degree_mean"]["value"],
                    digits=0).startswith("agrees"),
        f"most partnerships of one council ({num(deg.get('max'))} against {ARTICLE['degree_max']['value']})":
            deg.get("max") == ARTICLE["degree_max"]["value"],
    }
    return [k for k, ok in checks.items() if ok], [k for k, ok in checks.items() if not ok]


def exercise_1(run) -> str:
    """Answer to the exercise on rerunning chapter 1 with the simulated stand-in."""
    d = data.describe(run, dataset=SIMULATED)
    same, other = matches(d)
    found = (f"these rows of the closing table match the article: {'; '.join(same)}" if same else
             "no headline row matches the article exactly")
    differ = f" These do not: {'; '.join(other)}." if other else ""
    return (
        f"With `partnerships = \"simulated\"` (year {run.year}, seed {run.seed}) {found}.{differ} "
        "(Partnerships per council are counted among the councils in at least one partnership, as in the "
        "table of partnerships per council.) Where these rows match the article it is **because the simulator "
        "was calibrated to them**: it draws partnerships until the published totals are met. A match on a "
        "quantity that was a calibration target is a check of the simulator, not evidence that the article was "
        "right; only quantities the simulator did not target could be evidence, and even then only about the "
        "simulator's planted assumptions."
    )


def exercise_2(run) -> str:
    """Answer to the exercise on which regions the dataset under-represents (map, region labels)."""
    councils = data.council_table(run)
    members = set(data.partnership_data(run).memberships["code"].astype(str))
    by_region = (councils.assign(member=councils["code"].astype(str).isin(members))
                 .groupby("region")["member"].agg(["mean", "size"]).sort_values("mean"))
    low = by_region.head(2)
    high = by_region.tail(1)
    rows = "; ".join(f"{r}: {pct(v['mean'])} of {int(v['size'])} councils" for r, v in low.iterrows())
    head = (f"Share of councils in at least one partnership of this dataset ({label(run)}), by region (the map's "
            f"labels): lowest are {rows}; highest is {high.index[0]} ({pct(high['mean'].iloc[0])}). ")
    if run.simulated:
        return head + (
            "This dataset is simulated: its regional differences come from the simulator's random draws and "
            "its planted effects, not from how a sample was compiled. Rerun with the documented sample to "
            "answer the question about compilation.")
    if float(low["mean"].iloc[0]) == float(high["mean"].iloc[0]):
        return head + "Every region has the same share, so the compilation shows no regional bias here."
    return head + (
        "A sample compiled from public web pages over-represents councils and partnerships that publish: large "
        "formal shared services with their own websites, councils whose committee papers are easy to search, "
        "and regions where researchers found a few rich sources (a county-wide partnership page lists many "
        "arrangements at once). Low shares can therefore mean less publishing, not less sharing.")


def exercise_3(run) -> str:
    """Answer to the exercise on how partnership size shapes the one-mode network."""
    pdata = data.partnership_data(run)
    size = pdata.memberships.groupby("partnership_id").size()
    ties = size * (size - 1) / 2
    big = int(size.max())
    total = int(ties.sum())
    k = max(1, round(len(size) / 10))  # the largest tenth of partnerships
    top = int(ties.sort_values(ascending=False).head(k).sum())
    share = top / total if total else 0.0
    dominate = ("so a few large partnerships (county-wide arrangements) create most of the co-membership "
                "network" if share > 0.5 else
                "so the large partnerships weigh more than their number, though here they create less than half "
                "of the member pairs")
    return (
        "A partnership of five councils ties every pair of its members: 5 × 4 / 2 = **10** one-mode ties. "
        f"In this dataset partnerships have a median of {num(size.median())} members and at most {big}; the "
        f"largest alone creates {big * (big - 1) // 2} member pairs, and the {len(size)} partnerships create "
        f"{total} member pairs in all (before pairs shared by several partnerships are merged). The largest "
        f"{k} partnerships (a tenth) create {top} of them ({pct(share)}). Ties grow with the square of size, "
        f"{dominate}; this is why the valued network (number of shared partnerships) and the "
        "partnership-level distance test are used beside the binary network."
    )
