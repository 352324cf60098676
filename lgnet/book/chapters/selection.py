"""Chapter 3, partner selection: homophily (E–I, ties versus proximity), MRQAP and logistic QAP models
(``lgnet.stats.homophily``, ``lgnet.stats.selection``). Distance coefficients are shown per 100 km (``terms``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lgnet.book import figures
from lgnet.book.chapters import data
from lgnet.book.chapters.cache import cached
from lgnet.book.chapters.display import article_vs_run, estimate_stars, pct, p_text
from lgnet.book.chapters.run import Run
from lgnet.book.chapters.terms import shown, shown_estimates, term_label

#: The partner-selection models shown in chapter 3, in the article's order (names of lgnet.stats.dyadic.MODEL_SPECS).
PARTNER_MODELS = ["proximity", "organisational", "resource", "organisational_resource", "political",
                  "political_region", "combined"]
#: The models refitted on each activity subset (chapter 4) and by logistic QAP (robustness).
SUBSET_MODELS = ["organisational", "combined"]
LOGISTIC_MODELS = ["organisational", "combined"]


@cached
def _selection(k: data.DataKey, permutations: int, models: tuple[str, ...], logistic: bool):
    from lgnet.stats import dyadic, selection

    specs = {m: dyadic.MODEL_SPECS[m] for m in models}
    return selection.partner_selection_models(data.subset_at(k), data.analysis_table(k), specs=specs,
                                              permutations=permutations, seed=k.seed, logistic=logistic,
                                              quiet=True)


def selection_result(run: Run, models: list[str] | None = None, nature: str = "all", logistic: bool = False,
                     dataset: str | None = None):
    """MRQAP (or logistic QAP) partner-selection models (``lgnet.stats.selection.SelectionResult``), cached."""
    if models is None:
        models = LOGISTIC_MODELS if logistic else PARTNER_MODELS
    perms = run.logistic_permutations if logistic else run.permutations
    return _selection(data.key(run, nature, dataset), perms, tuple(models), logistic)


def logistic_result(run: Run, model: str, dataset: str | None = None):
    """Logistic QAP for one model, or the error message if the fit fails (e.g. no convergence)."""
    try:
        return selection_result(run, models=[model], logistic=True, dataset=dataset)
    except ValueError as exc:  # reported in the table, not hidden: the page says the model could not be fitted
        return str(exc)


# --------------------------------------------------------------------------------------------------
# Homophily
# --------------------------------------------------------------------------------------------------


@cached
def _homophily(k: data.DataKey, permutations: int) -> pd.DataFrame:
    from lgnet.stats import homophily

    return homophily.homophily_table(data.network_at(k).W, data.analysis_table(k), permutations=permutations,
                                     seed=k.seed, quiet=True)


def ei_table(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """E–I index per attribute (region, county, type, party control) with its permutation test."""
    h = _homophily(data.key(run, dataset=dataset), run.permutations)
    out = pd.DataFrame({
        "attribute": h["attribute"].map(lambda a: str(a).replace("_", " ")),
        "councils with ties": h["n_nodes"], "ties": h["ties"], "external (E)": h["E"], "internal (I)": h["I"],
        "E–I index": h["ei"].round(3), "expected E–I": h["ei_expected"].round(3),
        "p (homophily)": h["p_homophily"].round(3), "assortativity": h["assortativity"].round(3),
    })
    return out.set_index("attribute")


@cached
def _proximity(k: data.DataKey, attribute: str, n_sim: int) -> dict:
    from lgnet.stats import homophily

    return homophily.intra_ties_vs_proximity(data.network_at(k).W_binary, data.analysis_table(k), attribute,
                                             seed=k.seed, n_sim=n_sim, quiet=True)


def proximity_table(run: Run, attributes: tuple[str, ...] = ("region", "county")) -> pd.DataFrame:
    """Ties within a region (county) observed versus expected if partners were chosen by distance alone."""
    rows = []
    caveat = ""
    for a in attributes:
        r = _proximity(data.key(run), a, run.permutations)
        caveat = r.get("caveat", caveat)
        rows.append({"within the same": a, "ties observed": int(r["observed"]),
                     "expected from distance alone": round(float(r["expected"]), 1),
                     "observed / expected": round(float(r["ratio"]), 2), "p (one-sided)": round(float(r["p_value"]), 3),
                     "simulations": int(r["n_sim"])})
    table = pd.DataFrame(rows).set_index("within the same")
    table.attrs["caveat"] = caveat
    return table


# --------------------------------------------------------------------------------------------------
# MRQAP and logistic QAP tables
# --------------------------------------------------------------------------------------------------


def partner_r2(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """R² of each MRQAP model of partner selection (valued co-membership), with councils and dyads used."""
    s = selection_result(run, dataset=dataset).summary()
    out = pd.DataFrame({
        "model": s["model"].str.replace("_", " + "),
        "predictors": s["predictors"].map(lambda p: ", ".join(term_label(t.strip()) for t in str(p).split(","))),
        "councils": s["n_councils"], "dyads": s["n_dyads"], "R²": s["r_squared"].round(3),
    })
    return out.set_index("model")


def coefficient_cells(coefs: pd.DataFrame) -> pd.DataFrame:
    """model, predictor (readable), cell ('estimate' in display units with significance stars) of a
    coefficient table, without the intercept."""
    c = shown_estimates(coefs[coefs["term"] != "(intercept)"])
    return pd.DataFrame({"model": c["model"], "predictor": c["term"].map(term_label),
                         "cell": [estimate_stars(e, p) for e, p in zip(c["estimate"], c["p_value"])]})


def partner_coefficients(run: Run, models: list[str] | None = None, dataset: str | None = None) -> pd.DataFrame:
    """MRQAP coefficients, one column per model, marked by permutation p-value (*** < 0.001, ** < 0.01,
    * < 0.05); blank where the predictor is not in the model; distance per 100 km. R² in the last row."""
    res = selection_result(run, dataset=dataset)
    c = res.coefficients()
    if models is not None:
        c = c[c["model"].isin(models)]
    cells = coefficient_cells(c)
    wide = cells.pivot(index="predictor", columns="model", values="cell")
    order = [m for m in PARTNER_MODELS if m in wide.columns]
    wide = wide.reindex(index=list(dict.fromkeys(cells["predictor"])), columns=order).fillna("")
    r2 = res.summary().set_index("model")["r_squared"]
    wide.loc["R²"] = [f"{r2[m]:.3f}" for m in order]
    wide.columns = [m.replace("_", " + ") for m in wide.columns]
    wide.index.name = "predictor"
    return wide


def partner_coefficient_figure(run: Run, model: str = "combined"):
    """Dot plot of one MRQAP model's t-values (scale-free, so predictors in different units compare;
    filled: permutation p < 0.05)."""
    t = selection_result(run).models[model].table()
    t = t.assign(term=t["term"].map(term_label))
    return figures.coefficient_plot(t, estimate="t", xlabel="t-value of the coefficient (OLS over pairs of councils)")


def politics_region_table(run: Run) -> pd.DataFrame:
    """The same-party coefficient without and with region (and in the combined model)."""
    c = selection_result(run).coefficients()
    s = selection_result(run).summary().set_index("model")
    rows = []
    for m, what in [("political", "politics alone"), ("political_region", "politics + region"),
                    ("combined", "all predictors")]:
        r = c[(c["model"] == m) & (c["term"] == "same_party")]
        if r.empty:
            continue
        r = r.iloc[0]
        rows.append({"model": what, "same party: estimate": round(float(r["estimate"]), 4),
                     "p (permutation)": round(float(r["p_value"]), 3),
                     "R² of the model": round(float(s.loc[m, "r_squared"]), 3)})
    return pd.DataFrame(rows).set_index("model")


def logistic_table(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """Logistic QAP on the binary network: coefficients (distance per 100 km), odds ratios and
    Y-permutation p-values."""
    frames = []
    for m in LOGISTIC_MODELS:
        res = logistic_result(run, m, dataset)
        if isinstance(res, str):
            frames.append(pd.DataFrame([{"model": m.replace("_", " + "), "predictor": "(model not fitted)",
                                         "estimate (log-odds)": "–", "odds ratio": "–",
                                         "p (permutation)": "–", "note": res}]))
            continue
        c = res.coefficients()
        c = shown_estimates(c[c["term"] != "(intercept)"])
        frames.append(pd.DataFrame({
            "model": c["model"].str.replace("_", " + "), "predictor": c["term"].map(term_label),
            "estimate (log-odds)": c["estimate"].round(4), "odds ratio": np.exp(c["estimate"].astype(float)).round(3),
            "p (permutation)": c["p_value"].round(3), "note": ""}))
    out = pd.concat(frames, ignore_index=True).set_index(["model", "predictor"])
    if not out["note"].astype(bool).any():
        out = out.drop(columns="note")
    out.attrs["permutations"] = run.logistic_permutations
    return out


# --------------------------------------------------------------------------------------------------
# The closing table
# --------------------------------------------------------------------------------------------------


def coefficient(run: Run, model: str, term: str, nature: str = "all", dataset: str | None = None):
    """One MRQAP coefficient row (term, estimate, p_value ...) or None if the model has no such term."""
    c = selection_result(run, nature=nature, models=None if nature == "all" else SUBSET_MODELS,
                         dataset=dataset).coefficients()
    r = c[(c["model"] == model) & (c["term"] == term)]
    return None if r.empty else r.iloc[0]


def coefficient_text(row) -> str:
    """'+0.123, p = 0.004' (in the term's display unit), or 'not estimated'."""
    if row is None:
        return "not estimated"
    est = shown(row["term"], row["estimate"])
    return f"{'+' if est > 0 else '−'}{abs(est):.3g}, {p_text(row['p_value'])}"


def compare_partner_selection(run: Run) -> pd.DataFrame:
    """Chapter 3's closing table."""
    s = selection_result(run).summary().set_index("model")
    ei = ei_table(run)
    prox = proximity_table(run)
    org = {t: coefficient(run, "organisational", t) for t in ("same_region", "distance_km", "same_type", "same_county")}
    res_terms = [t for t in selection_result(run).coefficients().query("model == 'organisational_resource'")["term"]
                 if str(t).startswith("abs_diff")]
    res_sig = [(term_label(t), coefficient(run, "organisational_resource", t)) for t in res_terms]
    res_sig = [f"{name} ({'+' if r['estimate'] > 0 else '−'})" for name, r in res_sig
               if r is not None and r["p_value"] < 0.05]
    gain = s.loc["organisational_resource", "r_squared"] - s.loc["organisational", "r_squared"]
    note = ("real partnerships: comparable in kind" if not run.simulated
            else "simulated: effects planted by the simulator, not evidence")
    return article_vs_run([
        ("region, proximity, type together", "homophily_org",
         f"same region {coefficient_text(org['same_region'])}; {term_label('distance_km')} "
         f"{coefficient_text(org['distance_km'])}; same type {coefficient_text(org['same_type'])}", note),
        ("same county", "homophily_county",
         f"{coefficient_text(org['same_county'])}; E–I {ei.loc['county', 'E–I index']:.2f} "
         f"({p_text(ei.loc['county', 'p (homophily)'])})", note),
        ("intra-region ties vs proximity alone", "intra_region",
         f"{prox.loc['region', 'ties observed']} observed vs {prox.loc['region', 'expected from distance alone']:.0f} "
         f"expected ({prox.loc['region', 'observed / expected']:.2f}×, {p_text(prox.loc['region', 'p (one-sided)'])})",
         note),
        ("resource similarity", "resources",
         ("p < 0.05: " + ", ".join(res_sig) if res_sig else "no difference term with p < 0.05")
         + f"; R² gain over the organisational model {pct(gain)}", "negative sign = similar councils partner more"),
        ("politics without / with region", "politics",
         f"alone {coefficient_text(coefficient(run, 'political', 'same_party'))}; with region "
         f"{coefficient_text(coefficient(run, 'political_region', 'same_party'))}", note),
        ("largest R² of any model", "partner_r2_max", f"{pct(s['r_squared'].max())} ({s['r_squared'].idxmax()})",
         note),
    ])


# --------------------------------------------------------------------------------------------------
# Robustness to missing ties: the models on the councils with at least one partnership
# --------------------------------------------------------------------------------------------------


@cached
def _selection_participating(k: data.DataKey, permutations: int, models: tuple[str, ...]):
    from lgnet.stats import dyadic, selection

    specs = {m: dyadic.MODEL_SPECS[m] for m in models}
    return selection.partner_selection_models(data.subset_at(k), data.analysis_table(k), specs=specs,
                                              permutations=permutations, seed=k.seed, quiet=True,
                                              councils="participating")


def restricted_result(run: Run, dataset: str | None = None):
    """The MRQAP models of chapter 3 restricted to the councils with at least one partnership in the data
    (``partner_selection_models(councils="participating")``): undocumented pairs are not known non-ties."""
    return _selection_participating(data.key(run, dataset=dataset), run.permutations, tuple(PARTNER_MODELS))


def restricted_r2(run: Run) -> pd.DataFrame:
    """R² of each MRQAP model on every council beside the same model on the councils with at least one
    partnership, with the councils and pairs each uses."""
    full = selection_result(run).summary().set_index("model")
    part = restricted_result(run).summary().set_index("model")
    out = pd.DataFrame({
        "model": [m.replace("_", " + ") for m in full.index],
        "councils (all)": full["n_councils"].to_numpy(), "R² (all councils)": full["r_squared"].round(3).to_numpy(),
        "councils (in ≥1 partnership)": part["n_councils"].reindex(full.index).to_numpy(),
        "pairs (in ≥1 partnership)": part["n_dyads"].reindex(full.index).to_numpy(),
        "R² (in ≥1 partnership)": part["r_squared"].reindex(full.index).round(3).to_numpy(),
    })
    return out.set_index("model")


def _restricted_results(run: Run) -> pd.DataFrame:
    from lgnet.book.chapters import robustness

    return pd.concat([robustness.selection_rows(selection_result(run)).assign(group="all councils"),
                      robustness.selection_rows(restricted_result(run)).assign(group="councils in ≥1 partnership")],
                     ignore_index=True)


def restricted_coefficients(run: Run) -> pd.DataFrame:
    """The key results of chapter 3 (R², organisational and political coefficients with their permutation p;
    distance per 100 km) on every council and on the councils with at least one partnership, side by side."""
    from lgnet.book.chapters import robustness

    out = robustness.wide(_restricted_results(run))
    out.index.name = "result"
    return out


def restricted_sentence(run: Run):
    """A computed sentence: what restricting the models to councils with at least one partnership changes
    (R² of the combined model; sign and significance of the main coefficients, by the rule of
    ``lgnet.book.chapters.robustness.agreement``)."""
    from lgnet.book.chapters import robustness
    from lgnet.book.chapters.notes import Note

    full, part = selection_result(run), restricted_result(run)
    left_out = full.n_councils - part.n_councils
    r_full = float(full.summary().set_index("model").loc["combined", "r_squared"])
    r_part = float(part.summary().set_index("model").loc["combined", "r_squared"])
    move = "raises" if r_part > r_full else "lowers" if r_part < r_full else "leaves"
    r2 = (f"{move} the R² of the combined model from {r_full:.3f} to {r_part:.3f}" if move != "leaves"
          else f"leaves the R² of the combined model at {r_full:.3f}")
    head = (f"Restricting the models to the {part.n_councils} councils with at least one partnership in the data "
            f"({left_out} council{'s' if left_out != 1 else ''} with none left out) {r2}. ")
    rows = _restricted_results(run).query("kind != 'R²'")
    return Note(head + robustness.conclusion_sentence(rows, {"all councils": "the models on all councils",
                                                             "councils in ≥1 partnership": "the restricted models"},
                                                      across="two samples"))
