"""Markdown notes (MyST admonitions), above all the box at the top of every results page that says which
dataset the page shows and what that dataset can support."""

from __future__ import annotations

from pathlib import Path

from lgnet.book.chapters import data
from lgnet.book.chapters.display import ARTICLE, num, pct
from lgnet.book.chapters.run import Run, coverage
from lgnet.data.partnership_data import participation
from lgnet.data.partnerships import DOCUMENTED_YEAR

#: The article's participation (over 97% of councils in at least one partnership).
ARTICLE_PARTICIPATION = ARTICLE["participation"]["value"]


class Note:
    """A Markdown note (a MyST admonition) that renders in the book and in Jupyter."""

    def __init__(self, markdown: str):
        self.markdown = markdown

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown


def admonition(title: str, body: str, cls: str = "note") -> Note:
    """A MyST admonition box with ``title`` and ``body`` (``cls``: note, warning, important, dropdown ...). The
    title loses any backtick: in a ``` fence's first line a backtick ends the fence (CommonMark), and the box
    would print as text."""
    return Note(f"```{{admonition}} {str(title).replace('`', '')}\n:class: {cls}\n{body}\n```\n")


def dataset_counts(run: Run) -> dict:
    """The counts a dataset note shows, from the run's metadata where the data carry them (the documented
    sample's ``meta["evidence_set"]``) and otherwise computed from the data and the year's council table:
    partnerships, memberships, councils (in at least one partnership), councils_in_year, participation."""
    pdata = data.partnership_data(run)
    meta = dict(pdata.meta.get("evidence_set") or {})
    keys = ("partnerships", "memberships", "councils", "councils_in_year", "participation")
    if set(keys) <= set(meta):
        return {k: meta[k] for k in keys}
    return {"partnerships": len(pdata.partnerships), "memberships": len(pdata.memberships),
            **participation(pdata.memberships, len(data.council_table(run)))}


def counts_sentence(counts: dict, year: int) -> str:
    """'294 partnerships (1,120 memberships); 341 of the 353 councils of 2017 (96.6%) are in at least one.'"""
    return (f"{counts['partnerships']:,} partnerships ({counts['memberships']:,} memberships); "
            f"{counts['councils']:,} of the {counts['councils_in_year']:,} councils of {year} "
            f"({pct(counts['participation'])}) are in at least one.")


def degree_sentence(run: Run) -> str:
    """How many partnerships the participating councils have in the run's data, against the article."""
    deg = data.describe(run)["degree_participants"]
    return (f"the councils in it belong to {num(deg.get('min'))} to {num(deg.get('max'))} partnerships (median "
            f"{num(deg.get('median'))}, mean {num(deg.get('mean'), 1)}), against the article's "
            f"{ARTICLE['degree_min']['value']} to {ARTICLE['degree_max']['value']} (median "
            f"{ARTICLE['degree_median']['value']}, mean {ARTICLE['degree_mean']['value']})")


def collapsed_text(pdata) -> str:
    """The partnerships set aside when the documented sample is carried to a later year because all their
    members became one council (from ``meta["carried"]``), as a sentence; '' for 2017."""
    carried = pdata.meta.get("carried")
    if not carried:
        return ""
    gone = carried.get("collapsed", [])
    if not gone:
        return f" No partnership collapsed: none had all its members merged into one council by {pdata.year}."
    items = "; ".join(f"{c['partnership_id']} ({', '.join(name for _, name in c.get('from', []))} "
                      f"became {c['council']})" for c in gone)
    return (f" Set aside because all their members became one council ({len(gone)}): {items}.")


def dataset_note(run: Run, needs: str = "") -> Note:
    """The box at the top of every results page: which dataset it shows, its counts (partnerships,
    memberships, councils in at least one of all councils of the year) and what that dataset supports.

    For the documented sample it names the evidence set (``lgnet.data.evidence_sets``); for a year after
    2017 it adds the data's sentence that the partnerships are c. 2017 arrangements drawn on that year's
    councils and lists the partnerships that collapsed. ``needs`` is a short phrase saying what this page's
    results require (e.g. "participation needs the whole network"); it is quoted in the box.
    """
    from lgnet.data.evidence_sets import DEFAULT_SET, evidence_set, is_documented

    pdata = data.partnership_data(run)
    counts = dataset_counts(run)
    page = f" On this page: {needs.rstrip('.')}." if needs else ""
    if pdata.simulated:
        return admonition(
            f"Simulated data: the stand-in network for {run.year} (seed {run.seed})",
            f"This page runs on **simulated** partnerships over the real councils of {run.year}: "
            f"{counts_sentence(counts, run.year)} They were generated by `lgnet simulate` and calibrated to the "
            "article's published totals, with partner choices driven by effects *planted* by the simulator. "
            "It can show what the analyses look like at the article's scale and whether the methods recover "
            "the planted effects. **It cannot support any finding about English councils**: every pattern "
            "below was put there by the simulator." + page, "warning")
    if is_documented(run.partnerships):
        spec = evidence_set(run.partnerships)
        wide = coverage(run).near_whole
        reach = ("It reaches nearly every council, so participation and partnerships per council can be read "
                 "from it as real evidence, and who partners with whom inside it is real evidence about partner "
                 "selection. "
                 if wide else
                 "Who partners with whom inside it is real evidence about partner selection; at this coverage, "
                 "how many partnerships a council has partly reflects which councils publish their arrangements. ")
        if run.year != DOCUMENTED_YEAR:
            reach = (f"Carried to the councils of {run.year}, it is evidence about the c. {DOCUMENTED_YEAR} "
                     f"arrangements, not about which councils partnered in {run.year}. ")
        geography = pdata.meta.get("geography_note", "")
        later = (f" {geography}{collapsed_text(pdata)}" if run.year != DOCUMENTED_YEAR and geography else "")
        return admonition(
            f"Real data: the {spec.label}{', default set' if spec.name == DEFAULT_SET else ''} "
            f"(c. {DOCUMENTED_YEAR})",
            f"This page runs on the **{spec.label}** (`{spec.name}`): {spec.description}, compiled from public "
            f"web pages, each record with its source. {counts_sentence(counts, run.year)} {reach}"
            f"It is still a sample: {degree_sentence(run)}, so the councils with many partnerships are missing "
            "and statistics of the whole network's tail are **not** comparable with the article's."
            f"{later}" + page,
            "important")
    note = admonition(
        f"Your data: partnership file {Path(run.partnerships).name} ({run.year} councils)",
        f"This page runs on the partnership file `{Path(run.partnerships).name}`, matched to the councils of "
        f"{run.year}: {counts_sentence(counts, run.year)} If the file is the complete network "
        "(for instance the LGA's full export), participation and the degree distribution are comparable "
        "with the article's; if it is a sample, only partner selection within it is." + page, "note")
    extra = file_warnings_note(pdata, run.partnerships)
    return Note(note.markdown + "\n" + extra) if extra else note


def file_warnings_note(pdata, source: str) -> str:
    """A closed box listing what reading the analyst's file warned about (names excluded, names decided by the
    record's other members, repeated councils ...), as `lgnet check` prints it; '' when there is nothing."""
    from lgnet.book.chapters.tables import _escape

    warnings = list(pdata.meta.get("warnings", []))
    if not warnings:
        return ""
    where, name = str(source), Path(str(source)).name
    items = "\n".join(f"- {_escape(str(w).replace(where, name))}" for w in warnings)
    return admonition(f"Reading {name}: {len(warnings)} warning{'s' if len(warnings) != 1 else ''} "
                      "(as lgnet check prints them)", items, "dropdown").markdown


def coverage_note(run: Run) -> Note:
    """What the run's data can and cannot support about participation and partnerships per council, computed:
    its coverage of the year's councils and its distribution of partnerships per council against the article's
    (a documented set or a user's file), or what the simulated stand-in is for."""
    pdata = data.partnership_data(run)
    counts = dataset_counts(run)
    if pdata.simulated:
        return admonition("What this dataset can support", (
            f"The simulated stand-in reproduces the article's totals by construction: {counts_sentence(counts, run.year)}"
            " Its participation and partnerships per council match the article because the simulator was "
            "calibrated to them; they are not evidence about English councils."), "note")
    deg = data.describe(run)["degree_participants"]
    art = {k: ARTICLE[f"degree_{k}"]["value"] for k in ("min", "max", "median", "mean")}
    cov = coverage(run)
    share = cov.participation
    cover = (f"It reaches {counts['councils']} of the {counts['councils_in_year']} councils of {run.year} "
             f"({pct(share)}), against the article's over {pct(ARTICLE_PARTICIPATION, 0)}: "
             + ("close to the whole network, so whether a council takes part at all, and which councils do not, "
                "can be read from it as real evidence." if cov.near_whole else
                "far from the whole network, so a council missing from it may simply have arrangements nobody "
                "has recorded."))
    middle = (f"the middle of the distribution agrees (median {num(deg.get('median'))} against {art['median']})"
              if deg.get("median") == art["median"] else
              f"the middle of the distribution differs (median {num(deg.get('median'))} against {art['median']})")
    spread = (f"Partnerships per council run from {num(deg.get('min'))} to {num(deg.get('max'))} (mean "
              f"{num(deg.get('mean'), 1)}), against the article's {art['min']} to {art['max']} (mean {art['mean']}): "
              f"{middle}, " + ("but the long tail is missing: no council here comes near the article's most "
                               "collaborative councils, so the spread of partnerships per council is compressed, "
                               "and models of it (propensity, {doc}`02_propensity`) explain variation within a "
                               "range the article's data exceeded. "
                               + ("Their signs and significance are real evidence about the documented "
                                  "arrangements; their R² is measured over that compressed range, so it is read "
                                  "beside the article's with that caveat." if cov.near_whole else "")
                               if cov.tail_missing else "and the range is comparable with the article's."))
    later = (f" These are c. {DOCUMENTED_YEAR} arrangements carried to the councils of {run.year} (see the box at the "
             "top of the page), not a record of partnerships in that year." if run.year != DOCUMENTED_YEAR
             and pdata.meta.get("carried") else "")
    return admonition("What this dataset can support", f"{cover} {spread}{later}", "note")


def support_sentence(run: Run) -> str:
    """What the run's data support about the two questions (propensity; partner selection), in two sentences
    computed from :func:`lgnet.book.chapters.run.coverage` (the same rule as the closing tables)."""
    cov = coverage(run)
    if cov.simulated:
        return ("These are properties of the **simulated** stand-in, put there by the simulator's planted effects; "
                "they illustrate the argument's logic and are not evidence for it.")
    ok, caveat = cov.supports("propensity_r2")
    if not ok:
        first = (f"These data reach only {cov.reach} of {run.year}, so the propensity numbers "
                 "partly reflect which councils have recorded arrangements and say little about propensity itself.")
    else:
        first = (f"These data reach {cov.reach} of {run.year}, close to the whole network, so the "
                 "propensity numbers are real evidence about which councils take part and how often"
                 + (f"; but the sample lacks the long tail ({cov.tail}), so the propensity R² is measured over a "
                    "compressed range." if caveat else "."))
    return first + " The partner-selection numbers are real evidence about partner choice within the data."
