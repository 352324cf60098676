"""Chapter 2, propensity: block regressions of partnerships per council (``lgnet.stats.propensity``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lgnet.book import figures
from lgnet.book.chapters import data
from lgnet.book.chapters.cache import cached
from lgnet.book.chapters.display import (ARTICLE, article_vs_run, holm, multiplicity_sentence, p_cell, pct, p_text,
                                          rounded, sig3, verdict, with_notes)
from lgnet.book.chapters.notes import Note, admonition
from lgnet.book.chapters.run import Run, comparability, label
from lgnet.book.chapters.terms import variable_label

#: Dropped from the political block when it duplicates a party dummy (a single-party government, e.g. for
#: politics years after 2015: "aligned" is then the same as "controlled by the governing party").
REDUNDANT_IN_SINGLE_PARTY_GOVERNMENT = "aligned_with_government"

#: The book's rule for small categories: a factor level with fewer than MIN_COUNCILS councils is pooled with
#: the other small levels as 'other' (or, if even pooled they are fewer, its councils leave that model), and a
#: 0/1 variable identified by fewer than MIN_COUNCILS councils beside the model's factors is left out of it.
MIN_COUNCILS = 10


@cached
def _propensity(k: data.DataKey, permutations: int, leave_out: str = ""):
    from lgnet.stats import propensity as models

    degree = data.network_at(k).degree
    table = data.analysis_table(k)
    # Run.leave_out: one block of predictors left out (the others and their combination are fitted)
    chosen = {b: vs for b, vs in models.BLOCKS.items() if b != leave_out} if leave_out else None
    try:
        return models.propensity_models(table, degree, permutations=permutations, seed=k.seed, quiet=True,
                                        min_category_size=MIN_COUNCILS, blocks=chosen)
    except models.PropensityInputError as exc:
        if "rank deficient" not in str(exc):
            raise
        # the book's one fallback, stated on the page: drop the alignment dummy that duplicates party control
        blocks = {b: [v for v in vs if v != REDUNDANT_IN_SINGLE_PARTY_GOVERNMENT]
                  for b, vs in (chosen or models.BLOCKS).items()}
        res = models.propensity_models(table, degree, permutations=permutations, seed=k.seed, blocks=blocks,
                                       quiet=True, min_category_size=MIN_COUNCILS)
        res.notes.insert(0, f"{REDUNDANT_IN_SINGLE_PARTY_GOVERNMENT} left out: with the default blocks the "
                            f"design was rank deficient ({exc})")
        return res


def propensity_result(run: Run, dataset: str | None = None, nature: str = "all"):
    """The fitted propensity models (``lgnet.stats.propensity.PropensityResult``), cached per run."""
    return _propensity(data.key(run, nature, dataset), run.permutations, getattr(run, "leave_out", ""))


def propensity_notes(run: Run) -> Note:
    """The modelling choices the propensity models made (reference categories, pooled levels, fallbacks)."""
    notes = propensity_result(run).notes
    items = "\n".join(f"- {n}" for n in notes) if notes else "- none"
    return admonition("Modelling choices in these models", items, "dropdown")


def propensity_variables(run: Run | None = None) -> pd.DataFrame:
    """The variables of each propensity block, with their labels and source years from the data dictionary
    (definitions: the data appendix)."""
    from lgnet.data import attributes
    from lgnet.stats import propensity as models

    table = pd.DataFrame([{"block": b, "variable": v} for b, vs in models.BLOCKS.items() for v in vs])
    try:
        dic = attributes.data_dictionary()[["variable", "label", "source_year"]]
    except (FileNotFoundError, KeyError):  # dictionary not built: show the variables alone
        return table.set_index(["block", "variable"])
    return table.merge(dic, on="variable", how="left").set_index(["block", "variable"])


def _reasons(run: Run) -> dict:
    """(code, variable) -> why the value is missing (``lgnet.data.attributes.attribute_gaps``), and code -> name."""
    from lgnet.data import attributes

    try:
        gaps = attributes.attribute_gaps(run.year)
        reasons = {(str(c), str(v)): str(r) for c, v, r in zip(gaps["code"], gaps["variable"], gaps["reason"])}
    except Exception:  # noqa: BLE001 - a user's table without recorded gaps: the model's own reason is shown
        reasons = {}
    try:
        names = data.council_table(run).set_index("code")["name"].astype(str).to_dict()
    except Exception:  # noqa: BLE001
        names = {}
    return {"reasons": reasons, "names": names}


def exclusions_text(run: Run, dropped: pd.DataFrame) -> str:
    """Who left a model and why, by their real reason (no party control, a category too small to estimate ...)."""
    if dropped is None or not len(dropped):
        return "no council excluded"
    info = _reasons(run)
    first: dict[str, str] = {}
    for _, d in dropped.iterrows():
        for code in d["codes"]:
            var = str(d["variable"])
            why = info["reasons"].get((str(code), var.replace("log_population", "population")), str(d["reason"]))
            first.setdefault(str(code), f"{var.replace('_', ' ')}: {why}")
    groups: dict[str, list[str]] = {}
    for code, why in first.items():
        groups.setdefault(why, []).append(info["names"].get(code, code))
    return f"{len(first)} excluded: " + "; ".join(
        f"{', '.join(sorted(v)) if len(v) <= 6 else f'{len(v)} councils'} ({k})" for k, v in groups.items())


def propensity_summary(run: Run, dataset: str | None = None, nature: str = "all") -> pd.DataFrame:
    """R², adjusted R² and the permutation p-value of R² for each block and the combined model, with each
    model's n and its exclusions (councils leave a model only for the variables in it)."""
    res = propensity_result(run, dataset, nature)
    s = res.summary()
    out = pd.DataFrame({
        "model": s["model"], "councils (n)": s["n"], "councils excluded": s["n_dropped"],
        "terms": s["k"], "R²": [sig3(v) for v in s["r2"]], "adjusted R²": [sig3(v) for v in s["adj_r2"]],
        "p (R², permutation)": [p_cell(p, run.permutations) for p in s["p_r2_perm"]],
    }).set_index("model")
    out.attrs["method"] = str(s["method"].iloc[0]) if len(s) else ""
    out.index.name = f"model ({label(run, dataset)})"
    d = res.dropped()
    notes = [f"{m}: {exclusions_text(run, d[d['model'] == m])}." for m in s["model"]
             if len(d[d["model"] == m])]
    return with_notes(out, small_data_sentence(run, nature, dataset), *notes,
                      f"Permutation p-values: (b+1)/(R+1), {run.permutations:,} permutations, seed {run.seed}.")


#: Fewer councils in a partnership (or pairs of councils sharing one) than this: the models are unreliable.
MIN_PARTICIPANTS = 30


def small_data_sentence(run: Run, nature: str = "all", dataset: str | None = None) -> str:
    """A sentence when the data are too thin for the models of this chapter, with the reason ('' otherwise)."""
    degree = data.network_at(data.key(run, nature, dataset)).degree
    k = int((degree > 0).sum())
    if k >= MIN_PARTICIPANTS:
        return ""
    return (f"Unreliable: only {k} council{'s' if k != 1 else ''} belong to any partnership in this data "
            f"(the book asks for at least {MIN_PARTICIPANTS}); the other councils all count zero, so these "
            "models describe a handful of councils and their p-values say little.")


def propensity_r2_figure(run: Run):
    """Bar chart of R² per block: run's dataset and the simulated stand-in, with the article's 5% ceiling."""
    r2 = data.beside_stand_in(run, lambda ds: propensity_result(run, dataset=ds).summary().set_index("model")["r2"])
    return figures.r_squared_plot(pd.DataFrame(r2), reference=ARTICLE["propensity_r2_max"]["value"],
                                  reference_label="article: under 5%",
                                  xlabel="Variance in partnerships per council explained (R², %)")


def propensity_coefficients(run: Run, model: str = "combined", dataset: str | None = None) -> pd.DataFrame:
    """Coefficients of one propensity model with robust (HC3) and Freedman–Lane permutation p-values, and the
    permutation p-values adjusted for the number of terms tested (Holm)."""
    res = propensity_result(run, dataset)
    c = res.coefficients()
    c = c[c["model"] == model]
    tested = c["term"] != "(intercept)"
    R = run.permutations
    adj = [float("nan")] * len(c)
    vals = holm([max(p, 1 / (R + 1)) for p in c.loc[tested, "p_perm"]])
    for i, v in zip([i for i, t in enumerate(tested) if t], vals):
        adj[i] = v
    out = pd.DataFrame({"term": c["term"].to_numpy(), "estimate": [sig3(v) for v in c["estimate"]],
                        "robust SE (HC3)": [sig3(v) for v in c["se_hc3"]],
                        "p (HC3)": [p_cell(p) for p in c["p_hc3"]],
                        "p (Freedman–Lane)": [p_cell(p, R) for p in c["p_perm"]],
                        "p (Freedman–Lane, Holm)": [p_cell(p, R) for p in adj]}).set_index("term")
    n = int(res.summary().set_index("model").loc[model, "n"])
    d = res.dropped()
    return with_notes(out, f"n = {n} councils; {exclusions_text(run, d[d['model'] == model])}.",
                      multiplicity_sentence(c.loc[tested, "p_perm"], R, what="terms"),
                      "Holm: permutation p-values adjusted for the number of terms in the model (statsmodels).")


def propensity_factors(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """Joint permutation tests (Freedman–Lane partial F) of the factors with several levels (council type,
    party control). The HC3 Wald test is not shown: with levels held by a handful of councils its leverages
    near 1 make it unreliable (small levels are pooled by the rule of ``MIN_COUNCILS``)."""
    res = propensity_result(run, dataset)
    f = res.factors()
    s = res.summary().set_index("model")
    out = pd.DataFrame({"model": f["model"], "variable": f["variable"], "dummies (df)": f["df"],
                        "councils (n)": [int(s.loc[m, "n"]) for m in f["model"]],
                        "p (joint, Freedman–Lane permutation)": [p_cell(p, run.permutations) for p in f["p_perm"]]})
    out = out.set_index(["model", "variable"])
    return with_notes(out, f"Levels with fewer than {MIN_COUNCILS} councils are pooled as 'other' (see the "
                           "modelling choices); permutation p-values: (b+1)/(R+1), "
                           f"{run.permutations:,} permutations, seed {run.seed}.")


def count_model_sentence(fit: dict) -> str:
    """Which count model was fitted and why, computed from the fit (family, the dispersion statistic and, for a
    Poisson fallback, the reason): the page's sentence under the count-model table."""
    disp = fit.get("dispersion", float("nan"))
    disp_text = (f"Pearson χ²/df of the Poisson fit {disp:.2f} (1 = the variance of the counts equals their mean)"
                 if pd.notna(disp) else "")
    if fit.get("family") == "Poisson":
        return (f"Poisson regression, with robust (sandwich) standard errors: {fit.get('fallback', '')}. "
                + (f"The counts are close to Poisson ({disp_text})." if disp_text else ""))
    alpha = fit.get("alpha", float("nan"))
    return (f"Negative binomial (NB2) regression: the counts are overdispersed (dispersion alpha = {alpha:.3g}, "
            f"likelihood-ratio test of alpha = 0: {p_text(fit.get('p_alpha'))}" + (f"; {disp_text}" if disp_text else "")
            + ").")


def propensity_count_model(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """The count-model check of the combined model (incidence rate ratios): a negative binomial, or a Poisson
    regression when the negative binomial's dispersion is at its boundary (``lgnet.stats.propensity``), with a
    sentence saying which and why; or a sentence saying why it cannot be trusted (no convergence, estimates at
    the edge, too few councils per term)."""
    res = propensity_result(run, dataset)
    c = res.count_model()
    fit = res.count_fit()
    ok = len(c) and len(fit) and bool(fit["converged"].iloc[0])
    finite = ok and bool(np.isfinite(c["estimate"].astype(float)).all() and np.isfinite(c["se"].astype(float)).all())
    n_terms = int((c["term"] != "alpha").sum()) if len(c) else 0
    n_obs = int(fit["n"].iloc[0]) if len(fit) and "n" in fit else 0
    enough = finite and n_obs >= MIN_COUNCILS * n_terms
    info = fit.iloc[0].to_dict() if len(fit) else {}
    family = str(info.get("family") or "count model")
    if not (ok and finite and enough):
        why = ("the fit did not converge" if not ok else "some estimates or standard errors are not finite"
               if not finite else f"{n_obs} councils for {n_terms} terms (the book asks for at least {MIN_COUNCILS} "
               "councils per term)")
        warn = str(info.get("warnings") or "")
        return with_notes(pd.DataFrame({"count-model check": [f"{family} not estimated reliably: {why}"]},
                                       index=pd.Index(["combined"], name="model")),
                          f"Fitting messages: {warn}" if warn else "")
    table = pd.DataFrame({"term": c["term"], "estimate": [sig3(v) for v in c["estimate"]],
                          "standard error" + (" (robust)" if info.get("se_type") == "robust" else ""):
                              [sig3(v) for v in c["se"]],
                          "p": [p_cell(p) for p in c["p"]],
                          "IRR": [sig3(v) if pd.notna(v) else "–" for v in c["irr"]]}).set_index("term")
    table.index.name = f"term ({family})"
    table.attrs["pseudo_r2"] = float(info["mcfadden_r2"])
    table.attrs["family"] = family
    table.attrs["caption"] = f"Count-model check of the combined propensity model: {family} regression."
    warn = str(info.get("warnings") or "")
    d = res.dropped()
    return with_notes(table, count_model_sentence(info),
                      f"n = {n_obs} councils; {exclusions_text(run, d[d['model'] == 'combined'])}; McFadden "
                      f"pseudo-R² {float(info['mcfadden_r2']):.3f}; p: classical (Wald).",
                      f"Fitting messages: {warn}" if warn else "")


def _first_term(coefs: pd.DataFrame, model: str, prefix: str) -> pd.Series | None:
    rows = coefs[(coefs["model"] == model) & coefs["term"].astype("string").str.startswith(prefix)]
    return rows.iloc[0] if len(rows) else None


def _sign_p(row: pd.Series | None, permutations: int, p_col: str = "p_perm") -> str:
    if row is None:
        return "not estimated"
    sign = "positive" if row["estimate"] > 0 else "negative"
    return f"{sign} ({row['estimate']:.3g}), {p_text(row[p_col], permutations)}"


def compare_propensity(run: Run) -> pd.DataFrame:
    """Chapter 2's closing table; each note is a verdict computed from the numbers (``display.verdict``), and
    whether a row is comparable from the run's coverage (``run.comparability``: 'propensity', 'propensity_r2')."""
    R = run.permutations
    res = propensity_result(run)
    s = res.summary().set_index("model")
    c = res.coefficients()
    fac = res.factors().set_index(["model", "variable"])
    p_type = fac["p_perm"].get(("combined", "type"), np.nan)
    others = c[(c["model"] == "combined") & c["term"].isin(
        ["log_population", "reserves_ratio", "external_income_ratio", "opportunities_30mi", "complexity",
         "aligned_with_government", "electoral_stability"])]
    sig = [t for t, p in zip(others["term"], others["p_perm"]) if max(p, 1 / (R + 1)) < 0.05]
    ok, why = comparability(run, "propensity")
    r2_ok, r2_why = comparability(run, "propensity_r2")
    eth = _first_term(c, "combined", "ethnic_diversity")
    metro = _first_term(c, "combined", "type[metropolitan")
    type_v = verdict("coefficient", estimate=None if metro is None else metro["estimate"], p=p_type, permutations=R,
                     article_sign=-1, article_significant=True, comparable=ok, why=why)
    others_v = (verdict("bound", comparable=False, why=why) if not ok else
                "agrees (none significant)" if not sig else
                f"differs: {len(sig)} of {len(others)} with p < 0.05 in this run, none in the article")
    return article_vs_run([
        ("largest R² of any block or combined", "propensity_r2_max", f"{pct(s['r2'].max())} ({s['r2'].idxmax()})",
         verdict("bound", value=s["r2"].max(), bound=ARTICLE["propensity_r2_max"]["value"], comparable=r2_ok,
                 why=r2_why)),
        ("R² by block (permutation p)", "propensity_r2_max",
         ", ".join(f"{m} {pct(v)} ({p_text(p, R)})" for m, v, p in zip(s.index, s["r2"], s["p_r2_perm"])),
         "description: each R² against its own permutation null"),
        ("ethnic diversity (combined model)", "propensity_ethnic", _sign_p(eth, R),
         verdict("coefficient", estimate=None if eth is None else eth["estimate"],
                 p=None if eth is None else eth["p_perm"], permutations=R, article_sign=-1,
                 article_significant=True, comparable=ok, why=why)),
        ("council type (combined model)", "propensity_type",
         f"joint {p_text(p_type, R)}; metropolitan districts: {_sign_p(metro, R)} (against shire districts)", type_v),
        ("other resource, organisational and political variables", "propensity_null",
         "none with p < 0.05" if not sig else "p < 0.05: " + ", ".join(map(variable_label, sig)), others_v),
    ])
