"""Robustness of each results chapter to the evidence behind the documented sample.

The documented sample comes in three evidence sets (``lgnet.data.evidence_sets.EVIDENCE_SETS``: strict,
default, all). For each results chapter -- propensity (2), partner selection (3), activity subsets (4) -- this
module computes the chapter's key results on every set through the same cached data path as the chapter itself
(``data.key(run, nature, dataset=<set name>)``: the run's own set shares the chapter's fits), shows them side
by side (:func:`evidence_table`) and states in one computed sentence whether the conclusion holds across them
(:func:`evidence_sentence`), by a stated rule (:func:`agreement`):

    a result holds when its sign (for a coefficient) and its side of p = 0.05 are the same in every set.

R² values are shown and their range reported; they are not part of the rule (a sample with more partnerships
changes R² without changing what the model says). The same rule compares the partner-selection models fitted
on every council with those restricted to the councils with at least one documented partnership
(``lgnet.book.chapters.selection.restricted_sentence``).

Key results are a long table (:data:`RESULT_COLUMNS`): ``group`` (the set, or the sample), ``quantity`` (a
readable name), ``kind`` ("R²", "coefficient", "joint test", "difference" or "count"), ``estimate``, ``p``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lgnet.book.chapters import data
from lgnet.book.chapters.display import p_text
from lgnet.book.chapters.notes import Note, admonition
from lgnet.book.chapters.run import Run, label
from lgnet.book.chapters.terms import shown, term_label

#: The columns of a key-results table.
RESULT_COLUMNS = ["group", "quantity", "kind", "estimate", "p"]
#: The significance level of the rule.
ALPHA = 0.05
#: Results chapters with an evidence table (argument ``chapter`` of the functions below).
CHAPTERS = ("propensity", "selection", "subsets")
#: Kinds of result the rule judges (R² and counts are shown, not judged).
JUDGED = ("coefficient", "joint test", "difference")
#: Kinds whose sign the rule compares (a joint test has no sign).
SIGNED = ("coefficient", "difference")


def evidence_sets() -> dict:
    """The documented sample's evidence sets, in order (strict, default, all): name -> EvidenceSet."""
    from lgnet.data.evidence_sets import EVIDENCE_SETS

    return dict(EVIDENCE_SETS)


def applies(run: Run) -> bool:
    """True if the run's data are one of the documented sample's evidence sets."""
    from lgnet.data.evidence_sets import is_documented

    return is_documented(run.partnerships)


def set_label(name: str) -> str:
    """A short column label for an evidence set: 'strict', 'default', 'all' (with the set's name)."""
    short = {"documented-strict": "strict", "documented": "default", "documented-all": "all"}.get(name, name)
    return f"{short} ({name})"


# --------------------------------------------------------------------------------------------------
# Key results of each chapter, for one dataset
# --------------------------------------------------------------------------------------------------


def _row(quantity: str, kind: str, estimate, p=np.nan, permutations: int | None = None) -> dict:
    return {"quantity": quantity, "kind": kind,
            "estimate": float(estimate) if estimate is not None and not pd.isna(estimate) else np.nan,
            "p": float(p) if p is not None and not pd.isna(p) else np.nan, "permutations": permutations}


def _p_text(p, permutations) -> str:
    """``display.p_text`` on the permutation floor 1/(R+1) when R is known."""
    return p_text(p, None if permutations is None or pd.isna(permutations) else int(permutations))


def _count_row(run: Run, dataset: str, nature: str = "all") -> dict:
    d = data.describe(run, nature=nature, dataset=dataset)
    return {"quantity": "partnerships", "kind": "count", "estimate": float(d["partnerships"]), "p": np.nan,
            "councils": int(d["participants"]), "of": int(d["councils"])}


def propensity_results(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """Chapter 2's key results on one dataset: R² of the combined model (permutation p), the ethnic
    diversity and metropolitan-district coefficients and the joint test of council type (Freedman–Lane p)."""
    from lgnet.book.chapters.propensity import propensity_result

    res = propensity_result(run, dataset)
    s = res.summary().set_index("model")
    c = res.coefficients()
    c = c[c["model"] == "combined"]
    R = run.permutations
    rows = [_row("R² (combined model)", "R²", s.loc["combined", "r2"], s.loc["combined", "p_r2_perm"], R)]
    for prefix, name in (("ethnic_diversity", "ethnic diversity"),
                         ("type[metropolitan", "metropolitan district (against shire district)")):
        r = c[c["term"].astype("string").str.startswith(prefix)]
        if len(r):
            rows.append(_row(name, "coefficient", r["estimate"].iloc[0], r["p_perm"].iloc[0], R))
    fac = res.factors()
    f = fac[(fac["model"] == "combined") & (fac["variable"] == "type")]
    if len(f):
        rows.append(_row("council type (joint test)", "joint test", np.nan, f["p_perm"].iloc[0], R))
    return pd.DataFrame(rows)


def _mrqap_rows(coefs: pd.DataFrame, model: str, terms, suffix: str = "", permutations: int | None = None) -> list[dict]:
    rows = []
    for t in terms:
        r = coefs[(coefs["model"] == model) & (coefs["term"] == t)]
        if len(r):
            rows.append(_row(f"{term_label(t)}{suffix}", "coefficient", shown(t, r["estimate"].iloc[0]),
                             r["p_value"].iloc[0], permutations))
    return rows


#: The partner-selection coefficients judged in chapter 3: (model, term, how the row is named).
SELECTION_TERMS = [("organisational", t, " (organisational model)")
                   for t in ("same_region", "distance_km", "same_type", "same_county")] + [
    ("political", "same_party", " (politics alone)"), ("political_region", "same_party", " (with region)")]


def selection_results(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """Chapter 3's key results on one dataset: R² of the organisational and combined MRQAP models and the
    organisational and political coefficients (double semi-partialling permutation p; distance per 100 km)."""
    from lgnet.book.chapters.selection import selection_result

    return selection_rows(selection_result(run, dataset=dataset))


def selection_rows(res) -> pd.DataFrame:
    """The chapter 3 key results of a ``SelectionResult`` (shared by the evidence and restricted tables)."""
    s = res.summary().set_index("model")
    c = res.coefficients()
    rows = [_row(f"R² ({m} model)", "R²", s.loc[m, "r_squared"]) for m in ("organisational", "combined")
            if m in s.index]
    for model, term, suffix in SELECTION_TERMS:
        rows += _mrqap_rows(c, model, [term], suffix, res.permutations)
    return pd.DataFrame(rows)


def subsets_results(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """Chapter 4's key results on one dataset: R² of the combined MRQAP model, the same-region and distance
    coefficients in the frontline and administrative networks, and the difference of mean distances between
    partners (frontline − administrative, km, permutation p)."""
    from lgnet.book.chapters.selection import SUBSET_MODELS, selection_result
    from lgnet.book.chapters.subsets import _tie_distances

    rows = []
    for nature in ("frontline", "administrative"):
        res = selection_result(run, models=SUBSET_MODELS, nature=nature, dataset=dataset)
        s = res.summary().set_index("model")
        rows.append(_row(f"R² (combined model, {nature})", "R²", s.loc["combined", "r_squared"]))
        rows += _mrqap_rows(res.coefficients(), "combined", ["same_region", "distance_km"], f" ({nature})",
                            res.permutations)
    _, cmp_ = _tie_distances(data.key(run, dataset=dataset), run.permutations)
    rows.append(_row("difference of mean distances, frontline − administrative (km)", "difference", cmp_["diff_means_km"],
                     cmp_["p_perm"], run.permutations))
    return pd.DataFrame(rows)


_RESULTS = {"propensity": propensity_results, "selection": selection_results, "subsets": subsets_results}
CHAPTER_TITLES = {"propensity": "propensity (chapter 2)", "selection": "partner selection (chapter 3)",
                  "subsets": "the activity subsets (chapter 4)"}


def evidence_results(run: Run, chapter: str) -> pd.DataFrame:
    """The key results of ``chapter`` ("propensity", "selection" or "subsets") on every evidence set, long
    (:data:`RESULT_COLUMNS`, ``group`` = set name, in the sets' order), with a first row per set counting its
    partnerships (kind "count"; columns ``councils`` and ``of``: councils in ≥1 partnership, of all)."""
    if chapter not in _RESULTS:
        raise ValueError(f"chapter must be one of {', '.join(CHAPTERS)}, not {chapter!r}")
    frames = []
    for name in evidence_sets():
        found = _RESULTS[chapter](run, dataset=name)
        frames.append(pd.concat([pd.DataFrame([_count_row(run, name)]), found], ignore_index=True)
                      .assign(group=name))
    out = pd.concat(frames, ignore_index=True)
    return out[RESULT_COLUMNS + [c for c in out.columns if c not in RESULT_COLUMNS]]


# --------------------------------------------------------------------------------------------------
# The rule and the sentence (pure functions of a key-results table, so tests can feed them)
# --------------------------------------------------------------------------------------------------


def _sign(x: float) -> str:
    return "positive" if x > 0 else "negative" if x < 0 else "zero"


def _state(kind: str, estimate: float, p: float, alpha: float) -> str:
    """What a result says under the rule: e.g. 'positive, p < 0.05' or 'not significant at 0.05'."""
    if pd.isna(p):
        return "not estimated"
    sig = f"p < {alpha:g}" if p < alpha else f"not significant at {alpha:g}"
    if kind in SIGNED and not pd.isna(estimate):
        return f"{_sign(estimate)}, {sig}"
    return sig


def agreement(results: pd.DataFrame, alpha: float = ALPHA) -> pd.DataFrame:
    """Per judged result (kinds :data:`JUDGED`): its state in each group (sign and side of ``alpha``) and
    whether it ``holds`` (the same state in every group; a result missing from a group does not hold).
    Columns: quantity, holds, one column per group (in order of appearance)."""
    groups = list(dict.fromkeys(results["group"]))
    judged = results[results["kind"].isin(JUDGED)]
    rows = []
    for quantity in dict.fromkeys(judged["quantity"]):
        r = judged[judged["quantity"] == quantity].set_index("group")
        states = {g: (_state(r.loc[g, "kind"], r.loc[g, "estimate"], r.loc[g, "p"], alpha) if g in r.index
                      else "not estimated") for g in groups}
        holds = len(set(states.values())) == 1 and "not estimated" not in states.values()
        rows.append({"quantity": quantity, "holds": holds, **states})
    return pd.DataFrame(rows, columns=["quantity", "holds"] + groups)


def _list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def conclusion_sentence(results: pd.DataFrame, names: dict[str, str] | None = None, alpha: float = ALPHA,
                        across: str = "evidence sets") -> str:
    """One sentence: whether the results hold across the groups of ``results`` by the rule of
    :func:`agreement`, naming each result that does not hold and how it differs; with the range of each R².
    ``names``: group -> how the sentence names it (default: the group itself)."""
    names = names or {}
    groups = list(dict.fromkeys(results["group"]))
    shown_groups = _list([names.get(g, g) for g in groups])
    a = agreement(results, alpha)
    rule = f"(rule: the same sign and the same side of p = {alpha:g} in {shown_groups})"
    r2 = results[results["kind"] == "R²"].dropna(subset=["estimate"])
    ranges = []
    for quantity in dict.fromkeys(r2["quantity"]):
        v = r2.loc[r2["quantity"] == quantity, "estimate"]
        ranges.append(f"{quantity} {v.min():.3f}" if np.isclose(v.min(), v.max())
                      else f"{quantity} from {v.min():.3f} to {v.max():.3f}")
    r2_text = (" " + "; ".join(ranges) + ".") if ranges else ""
    if a.empty:
        return f"No result here can be judged across the {across} by that rule.{r2_text}"
    failed = a[~a["holds"]]
    if failed.empty:
        return (f"The conclusion holds across the {across}: all {len(a)} results agree {rule}.{r2_text}")
    parts = []
    for _, row in failed.iterrows():
        by_state: dict[str, list[str]] = {}
        for g in groups:
            by_state.setdefault(row[g], []).append(names.get(g, g))
        parts.append(f"{row['quantity']} ({'; '.join(f'{s} in {_list(gs)}' for s, gs in by_state.items())})")
    held = len(a) - len(failed)
    return (f"The conclusion does not hold in full across the {across} {rule}: {held} of {len(a)} results agree, "
            f"and {len(failed)} differ{'s' if len(failed) == 1 else ''}: {'; '.join(parts)}.{r2_text}")


# --------------------------------------------------------------------------------------------------
# What the chapters show
# --------------------------------------------------------------------------------------------------


def _not_applicable(run: Run) -> Note:
    return admonition(
        "Robustness to evidence: not applicable to this run",
        f"The evidence sets (strict, default, all) are subsets of the documented sample; this run uses "
        f"the {label(run)}, so the comparison applies only to the documented sample. Rerun the chapter with "
        "`partnerships = \"documented\"` to see it.", "note")


def cell(kind: str, estimate: float, p: float, extra: dict | None = None) -> str:
    """A table cell: '+0.123 (p = 0.004)', '0.045' (R² without p), 'p = 0.012' (joint test), '270 (324 of
    353 councils)' (count)."""
    if kind == "count":
        extra = extra or {}
        of = extra.get("of")
        councils = extra.get("councils")
        return (f"{int(estimate)} ({int(councils)} of {int(of)} councils)" if of and not pd.isna(of)
                else f"{int(estimate)}")
    R = (extra or {}).get("permutations")
    if kind == "joint test":
        return _p_text(p, R)
    if pd.isna(estimate):
        return "not estimated"
    value = f"{estimate:.3f}" if kind == "R²" else f"{'+' if estimate > 0 else '−' if estimate < 0 else ''}" \
        f"{abs(estimate):.3g}"
    return value if pd.isna(p) else f"{value} ({_p_text(p, R)})"


def wide(results: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """A key-results table as the page shows it: one row per quantity, one column per group."""
    names = names or {}
    groups = list(dict.fromkeys(results["group"]))
    cells = {}
    for g in groups:
        r = results[results["group"] == g]
        cells[names.get(g, g)] = pd.Series(
            [cell(k, e, p, row) for k, e, p, row in zip(r["kind"], r["estimate"], r["p"], r.to_dict("records"))],
            index=r["quantity"].to_list())
    out = pd.DataFrame(cells).reindex(list(dict.fromkeys(results["quantity"]))).fillna("not estimated")
    return out.astype("string")


def evidence_table(run: Run, chapter: str):
    """The chapter's key results on the strict, default and all evidence sets side by side (R², the main
    coefficients with their permutation p; distance per 100 km), or a note saying the comparison applies only
    to the documented sample (simulated or user-file runs)."""
    if not applies(run):
        return _not_applicable(run)
    sets = evidence_sets()
    out = wide(evidence_results(run, chapter), {n: set_label(n) for n in sets})
    out.index.name = "result"
    distance = "; distance per 100 km" if out.index.astype(str).str.contains("istance").any() else ""
    out.attrs["caption"] = (f"Key results of {CHAPTER_TITLES[chapter]} on the strict, default and all evidence sets "
                            f"(permutation p{distance}).")
    return out


def evidence_sentence(run: Run, chapter: str) -> Note:
    """One computed sentence: does the chapter's conclusion hold on the strict, default and all sets?"""
    if not applies(run):
        return Note("The evidence-set comparison applies only to the documented sample.")
    sets = evidence_sets()
    return Note(conclusion_sentence(evidence_results(run, chapter), {n: f"the {set_label(n).split(' (')[0]} set"
                                                                     for n in sets}))
