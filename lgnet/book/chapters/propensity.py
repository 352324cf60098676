"""Chapter 2, propensity: block regressions of partnerships per council (``lgnet.stats.propensity``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lgnet.book import figures
from lgnet.book.chapters import data
from lgnet.book.chapters.cache import cached
from lgnet.book.chapters.display import ARTICLE, article_vs_run, pct, p_text, rounded
from lgnet.book.chapters.notes import Note, admonition
from lgnet.book.chapters.run import Run, comparability, label
from lgnet.book.chapters.terms import variable_label

#: Dropped from the political block when it duplicates a party dummy (a single-party government, e.g. for
#: politics years after 2015: "aligned" is then the same as "controlled by the governing party").
REDUNDANT_IN_SINGLE_PARTY_GOVERNMENT = "aligned_with_government"


@cached
def _propensity(k: data.DataKey, permutations: int):
    from lgnet.stats import propensity as models

    degree = data.network_at(k).degree
    table = data.analysis_table(k)
    try:
        return models.propensity_models(table, degree, permutations=permutations, seed=k.seed, quiet=True)
    except models.PropensityInputError as exc:
        if "rank deficient" not in str(exc):
            raise
        # the book's one fallback, stated on the page: drop the alignment dummy that duplicates party control
        blocks = {b: [v for v in vs if v != REDUNDANT_IN_SINGLE_PARTY_GOVERNMENT] for b, vs in models.BLOCKS.items()}
        res = models.propensity_models(table, degree, permutations=permutations, seed=k.seed, blocks=blocks,
                                       quiet=True)
        res.notes.insert(0, f"{REDUNDANT_IN_SINGLE_PARTY_GOVERNMENT} left out: with the default blocks the "
                            f"design was rank deficient ({exc})")
        return res


def propensity_result(run: Run, dataset: str | None = None, nature: str = "all"):
    """The fitted propensity models (``lgnet.stats.propensity.PropensityResult``), cached per run."""
    return _propensity(data.key(run, nature, dataset), run.permutations)


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


def propensity_summary(run: Run, dataset: str | None = None, nature: str = "all") -> pd.DataFrame:
    """R², adjusted R² and the permutation p-value of R² for each block and the combined model."""
    s = propensity_result(run, dataset, nature).summary()
    out = pd.DataFrame({
        "model": s["model"], "councils": s["n"], "dropped (missing values)": s["n_dropped"],
        "terms": s["k"], "R²": s["r2"].round(3), "adjusted R²": s["adj_r2"].round(3),
        "p (R², permutation)": s["p_r2_perm"].round(3),
    }).set_index("model")
    out.attrs["method"] = str(s["method"].iloc[0]) if len(s) else ""
    out.index.name = f"model ({label(run, dataset)})"
    return out


def propensity_r2_figure(run: Run):
    """Bar chart of R² per block: run's dataset and the simulated stand-in, with the article's 5% ceiling."""
    r2 = data.beside_stand_in(run, lambda ds: propensity_result(run, dataset=ds).summary().set_index("model")["r2"])
    return figures.r_squared_plot(pd.DataFrame(r2), reference=ARTICLE["propensity_r2_max"]["value"],
                                  reference_label="article: under 5%",
                                  xlabel="Variance in partnerships per council explained (R², %)")


def propensity_coefficients(run: Run, model: str = "combined", dataset: str | None = None) -> pd.DataFrame:
    """Coefficients of one propensity model with robust (HC3) and Freedman–Lane permutation p-values."""
    c = propensity_result(run, dataset).coefficients()
    c = c[c["model"] == model]
    return rounded(c[["term", "estimate", "se_hc3", "p_hc3", "p_perm"]].rename(columns={
        "se_hc3": "robust SE (HC3)", "p_hc3": "p (HC3)", "p_perm": "p (Freedman–Lane)"}).set_index("term"))


def propensity_factors(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """Joint tests of the multi-level factors (council type, party control)."""
    f = propensity_result(run, dataset).factors()
    return rounded(f.rename(columns={"p_hc3": "p (Wald, HC3)", "p_perm": "p (Freedman–Lane)"})
                   .set_index(["model", "variable"]))


def propensity_count_model(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """The negative binomial check of the combined model (incidence rate ratios)."""
    res = propensity_result(run, dataset)
    c = res.count_model()
    table = rounded(c[["term", "estimate", "se", "p", "irr"]].rename(columns={"irr": "IRR"}).set_index("term"))
    fit = res.count_fit()
    if len(fit):
        table.attrs["pseudo_r2"] = float(fit["mcfadden_r2"].iloc[0])
    return table


def _first_term(coefs: pd.DataFrame, model: str, prefix: str) -> pd.Series | None:
    rows = coefs[(coefs["model"] == model) & coefs["term"].astype("string").str.startswith(prefix)]
    return rows.iloc[0] if len(rows) else None


def _sign_p(row: pd.Series | None, p_col: str = "p_perm") -> str:
    if row is None:
        return "not estimated"
    sign = "positive" if row["estimate"] > 0 else "negative"
    return f"{sign} ({row['estimate']:.3g}), {p_text(row[p_col])}"


def compare_propensity(run: Run) -> pd.DataFrame:
    """Chapter 2's closing table."""
    res = propensity_result(run)
    s = res.summary().set_index("model")
    c = res.coefficients()
    fac = res.factors().set_index(["model", "variable"])
    p_type = fac["p_perm"].get(("combined", "type"), np.nan)
    others = c[(c["model"] == "combined") & c["term"].isin(
        ["log_population", "reserves_ratio", "external_income_ratio", "opportunities_30mi", "complexity",
         "aligned_with_government", "electoral_stability"])]
    sig = [t for t, p in zip(others["term"], others["p_perm"]) if p < 0.05]
    note = comparability(run)
    return article_vs_run([
        ("largest R² of any block or combined", "propensity_r2_max", f"{pct(s['r2'].max())} ({s['r2'].idxmax()})",
         note),
        ("R² by block", "propensity_r2_max", ", ".join(f"{m} {pct(v)}" for m, v in s["r2"].items()), note),
        ("ethnic diversity (combined model)", "propensity_ethnic",
         _sign_p(_first_term(c, "combined", "ethnic_diversity")), "Freedman–Lane permutation p"),
        ("council type (combined model)", "propensity_type",
         f"joint {p_text(p_type)}; metropolitan districts: {_sign_p(_first_term(c, 'combined', 'type[metropolitan'))}",
         "against shire districts"),
        ("other resource, organisational and political variables", "propensity_null",
         "none with p < 0.05" if not sig else "p < 0.05: " + ", ".join(map(variable_label, sig)), "combined model"),
    ])
