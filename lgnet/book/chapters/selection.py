"""Chapter 3, partner selection: homophily (E–I, ties versus proximity), MRQAP and logistic QAP models
(``lgnet.stats.homophily``, ``lgnet.stats.selection``). Distance coefficients are shown per 100 km (``terms``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lgnet.book import figures
from lgnet.book.chapters import data
from lgnet.book.chapters.cache import cached
from lgnet.book.chapters.display import (article_vs_run, estimate_stars, holm, multiplicity_sentence, p_cell, pct, signed,
                                          p_text, sig3, stars_legend, verdict, with_notes)
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
                                              quiet=True, common_sample=False)  # councils leave a model only
    #                                                     for the variables in that model


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
        res = selection_result(run, models=[model], logistic=True, dataset=dataset)
    except ValueError as exc:  # reported in the table, not hidden: the page says the model could not be fitted
        return str(exc)
    return (getattr(res, "not_fitted", None) or {}).get(model, res)


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
        "p (homophily)": [p_cell(p, run.permutations) for p in h["p_homophily"]],
        "assortativity": h["assortativity"].round(3),
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
                     "observed / expected": round(float(r["ratio"]), 2),
                     "p (one-sided)": p_cell(r["p_value"], int(r["n_sim"])),
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
        "councils": s["n_councils"], "dyads": s["n_dyads"], "R²": [sig3(v) for v in s["r_squared"]],
        "R² permutation p": [p_cell(v, int(r)) for v, r in zip(s.get("r_squared_p", [None] * len(s)),
                                                               s["permutations"])],
    })
    return with_notes(out.set_index("model"), selection_sample_note(selection_result(run, dataset=dataset), run),
                      "R² permutation p: the share of relabellings of the councils in the response (the predictors "
                      "kept) whose model explains at least as much, (b+1)/(R+1): R² against its own permutation "
                      "null, as for the propensity models of chapter 2.")


def coefficient_cells(coefs: pd.DataFrame, permutations: int | None = None) -> pd.DataFrame:
    """model, predictor (readable), cell ('estimate' in display units with significance stars, on the floor
    1/(R+1) of ``permutations``) of a coefficient table, without the intercept."""
    c = shown_estimates(coefs[coefs["term"] != "(intercept)"])
    return pd.DataFrame({"model": c["model"], "predictor": c["term"].map(term_label),
                         "cell": [estimate_stars(e, p, permutations) for e, p in zip(c["estimate"], c["p_value"])]})


def partner_coefficients(run: Run, models: list[str] | None = None, dataset: str | None = None) -> pd.DataFrame:
    """MRQAP coefficients, one column per model, marked by permutation p-value (*** < 0.001, ** < 0.01,
    * < 0.05); blank where the predictor is not in the model; distance per 100 km. R² in the last row."""
    res = selection_result(run, dataset=dataset)
    c = res.coefficients()
    if models is not None:
        c = c[c["model"].isin(models)]
    cells = coefficient_cells(c, res.permutations)
    wide = cells.pivot(index="predictor", columns="model", values="cell")
    order = [m for m in PARTNER_MODELS if m in wide.columns]
    wide = wide.reindex(index=list(dict.fromkeys(cells["predictor"])), columns=order).fillna("")
    r2 = res.summary().set_index("model")["r_squared"]
    wide.loc["R²"] = [sig3(r2[m]) for m in order]
    wide.columns = [m.replace("_", " + ") for m in wide.columns]
    wide.index.name = "predictor"
    full = c[(c["model"] == "combined") & (c["term"] != "(intercept)")]
    s = res.summary().set_index("model")
    return with_notes(wide, f"Stars: {stars_legend(res.permutations)}.",
                      selection_sample_note(res, run),
                      multiplicity_sentence(full["p_value"], res.permutations,
                                            what="predictors of the combined model") if len(full) else "")


@cached
def _standardised(k: data.DataKey, permutations: int, model: str) -> pd.DataFrame:
    from lgnet.stats import dyadic, selection

    res = _selection(k, permutations, tuple(PARTNER_MODELS), False)
    # each model is fitted on the councils complete for its own variables
    return selection.standardised_coefficients(data.subset_at(k), data.analysis_table(k), dyadic.MODEL_SPECS[model],
                                               res.models[model])


def partner_coefficient_figure(run: Run, model: str = "combined"):
    """Dot plot of one MRQAP model's standardised coefficients (SDs of shared partnerships per SD of the
    predictor, over the pairs of councils), filled where the permutation p (double semi-partialling) is below
    0.05. Not OLS t-values: the pairs are interdependent, so t overstates some predictors."""
    t = _standardised(data.key(run), run.permutations, model)
    t = t.assign(term=t["term"].map(term_label))
    return figures.coefficient_plot(t, estimate="std_estimate", p_label="permutation p",
                                     xlabel="Standardised coefficient (SD of shared partnerships per SD of predictor)")


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
        rows.append({"model": what, "same party: estimate": sig3(r["estimate"]),
                     "p (permutation)": p_cell(r["p_value"], run.permutations),
                     "R² of the model": sig3(s.loc[m, "r_squared"])})
    return pd.DataFrame(rows).set_index("model")


@cached
def _predictor_sds(k: data.DataKey, model: str, n_nodes: int) -> dict:
    """SD of each predictor of a model over the model's own pairs of councils (in the units it is fitted in)."""
    from lgnet.stats import dyadic, selection

    idx, sds = selection.predictor_sds(data.analysis_table(k), dyadic.MODEL_SPECS[model])
    return sds if idx.size == n_nodes else {}


def _binary(term: str) -> bool:
    return str(term).startswith("same_")


def logistic_table(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """Logistic QAP on the binary network: coefficients (log-odds; distance per 100 km), odds ratios (for a
    'same ...' predictor: yes against no; for a continuous one: per standard deviation of the predictor over the
    model's pairs, since per unit of a diversity index or a ratio the odds ratio is unreadable) and
    Y-permutation p-values; each model's n and exclusions (models are fitted separately, so they may differ)."""
    frames, samples, fitted = [], [], None
    for m in LOGISTIC_MODELS:
        res = logistic_result(run, m, dataset)
        if isinstance(res, str):
            frames.append(pd.DataFrame([{"model": m.replace("_", " + "), "predictor": "(model not fitted)",
                                         "estimate (log-odds)": "–", "odds ratio": "–", "odds ratio per": "–",
                                         "p (permutation)": "–", "note": res}]))
            continue
        fitted = res
        samples.append(f"{m.replace('_', ' + ')} model: {sample_text(res, run, m)}.")
        raw = res.coefficients()
        raw = raw[raw["term"] != "(intercept)"]
        c = shown_estimates(raw)
        sds = _predictor_sds(data.key(run, dataset=dataset), m, int(res.summary()["n_councils"].iloc[0]))
        per, ors = [], []
        for t, e in zip(raw["term"], raw["estimate"].astype(float)):  # fitted units: per km, per unit of an index
            if _binary(t):
                per.append("yes vs no")
                ors.append(sig3(np.exp(e)))
            elif t in sds and sds[t] > 0:
                per.append(f"1 SD ({sig3(sds[t])}{' km' if t == 'distance_km' else ''})")
                ors.append(sig3(np.exp(e * sds[t])))
            else:
                per.append("1 unit")
                ors.append(sig3(np.exp(e)))
        frames.append(pd.DataFrame({
            "model": c["model"].str.replace("_", " + "), "predictor": c["term"].map(term_label),
            "estimate (log-odds)": [sig3(v) for v in c["estimate"]], "odds ratio": ors, "odds ratio per": per,
            "p (permutation)": [p_cell(p, run.logistic_permutations) for p in c["p_value"]], "note": ""}))
    out = pd.concat(frames, ignore_index=True).set_index(["model", "predictor"])
    if not out["note"].astype(bool).any():
        out = out.drop(columns="note")
    out.attrs["permutations"] = run.logistic_permutations
    return with_notes(out, *samples,
                      "Estimates in log-odds per unit of the predictor (distance per 100 km). Odds ratios: for a "
                      "'same ...' predictor, pairs that share it against pairs that do not; for a continuous "
                      "predictor, per standard deviation (SD) of it over the model's pairs, so the odds ratios "
                      "of different predictors are on one readable scale.",
                      permutation_text(fitted, "Y-permutation p-values") if fitted is not None else "")


# --------------------------------------------------------------------------------------------------
# The closing table
# --------------------------------------------------------------------------------------------------


def coefficient(run: Run, model: str, term: str, nature: str = "all", dataset: str | None = None):
    """One MRQAP coefficient row (term, estimate, p_value ...) or None if the model has no such term."""
    c = selection_result(run, nature=nature, models=None if nature == "all" else SUBSET_MODELS,
                         dataset=dataset).coefficients()
    r = c[(c["model"] == model) & (c["term"] == term)]
    return None if r.empty else r.iloc[0]


def coefficient_text(row, permutations: int | None = None) -> str:
    """'+0.123, p = 0.004' (in the term's display unit; p on the floor of ``permutations``), or 'not estimated'."""
    if row is None:
        return "not estimated"
    return f"{signed(shown(row['term'], row['estimate']))}, {p_text(row['p_value'], permutations)}"


def sample_text(res, run: Run | None = None, model: str | None = None) -> str:
    """'n = 351 councils, 61,425 pairs of councils (dyads); 2 excluded: ... (reason)': the sample of one model of
    ``res`` (``model``) or the largest of its models, with the councils left out and their real reason."""
    s = res.summary()
    if model is not None:
        s = s[s["model"] == model]
    n_c = int(s["n_councils"].max()) if len(s) else 0
    n_d = int(s["n_dyads"].max()) if len(s) else 0
    d = res.dropped
    if d is not None and len(d) and model is not None and "model" in d.columns \
            and not (d["model"] == "all models").all():  # per-model samples: this model's exclusions only
        d = d[d["model"] == model]
    if d is None or not len(d) or run is None:
        out = "no council excluded" if d is None or not len(d) else f"{d['code'].nunique()} councils excluded"
    else:
        from lgnet.book.chapters.propensity import exclusions_text

        out = exclusions_text(run, pd.DataFrame([{"variable": v, "reason": r, "codes": [c]}
                                                 for c, v, r in zip(d["code"], d["variable"], d["reason"])]))
    return f"n = {n_c} councils, {n_d:,} pairs of councils (dyads); {out}"


def permutation_text(res, kind: str = "Permutation p-values") -> str:
    """'Permutation p-values: (b+1)/(R+1), 999 permutations, seed 2017.' (the one statement of a table's R)."""
    return f"{kind}: (b+1)/(R+1), {res.permutations:,} permutations, seed {res.seed}."


def selection_sample_note(res, run: Run | None = None, permutations: bool = True) -> str:
    """n and exclusions of the partner-selection models: councils and pairs used, councils left out and why;
    with ``permutations``, the permutation convention and count (leave it out under a table without p)."""
    thin = ""
    if run is not None:
        from lgnet.book.chapters.propensity import MIN_PARTICIPANTS

        try:
            ties = int((data.network_at(data.key(run)).W_binary > 0).sum() // 2)
        except Exception:  # noqa: BLE001 - a result built without the run's network (tests): no sentence
            ties = MIN_PARTICIPANTS
        if ties < MIN_PARTICIPANTS:
            thin = (f"Unreliable: only {ties} pair{'s' if ties != 1 else ''} of councils share a partnership in "
                    f"this data (the book asks for at least {MIN_PARTICIPANTS}); the coefficients rest on those few "
                    "ties. ")
    s = res.summary()
    groups: dict[tuple[int, int], list[str]] = {}
    for m, nc, nd in zip(s["model"], s["n_councils"], s["n_dyads"]):
        groups.setdefault((int(nc), int(nd)), []).append(m)
    if len(groups) <= 1:
        head, _, tail = sample_text(res, run).partition(";")
        text = f"{head} in every model;{tail}."
    else:
        text = ("Each model uses the councils with a value for every one of its own variables: "
                + "; ".join(f"{', '.join(m.replace('_', ' + ') for m in ms)}: {sample_text(res, run, ms[0])}"
                            for ms in groups.values())
                + ". R² of models on different samples compare only approximately.")
    return thin + text + omitted_text(res) + (f" {permutation_text(res)}" if permutations else "")


def omitted_text(res) -> str:
    """' Left out of the combined model: same region (is 1 for every pair of these 14 councils ...).' and
    ' Not fitted: ...': what the data could not estimate (``SelectionResult.omitted`` / ``not_fitted``)."""
    from lgnet.book.chapters.terms import term_label

    parts = [f" Left out of the {model.replace('_', ' + ')} model: "
             + "; ".join(f"{term_label(o['predictor'])} ({o['reason']})" for o in items) + "."
             for model, items in (getattr(res, "omitted", None) or {}).items()]
    parts += [f" Not fitted: the {model.replace('_', ' + ')} model ({why})."
              for model, why in (getattr(res, "not_fitted", None) or {}).items()]
    return "".join(parts)


def false_positive_terms(run: Run) -> list[str]:
    """Terms of the combined model that the method-validation appendix flags as false positives: p < 0.05 on
    the simulated stand-in, where the simulator planted no effect on them (computed, same seed)."""
    from lgnet.book.chapters.appendices import planted_effects

    try:
        planted = planted_effects(run)
        sim = selection_result(run, models=["combined"], dataset="simulated").coefficients()
    except Exception:  # noqa: BLE001 - no stand-in available (e.g. its year cannot be simulated): no flag
        return []
    return [t for t, p in zip(sim["term"], sim["p_value"])
            if t != "(intercept)" and planted.get(t, 0.0) == 0 and p < 0.05]


def _coef_verdict(run: Run, row, sign: int | None, significant: bool) -> str:
    ok = not run.simulated
    return verdict("coefficient", estimate=None if row is None else row["estimate"],
                   p=None if row is None else row["p_value"], permutations=run.permutations, article_sign=sign,
                   article_significant=significant, comparable=ok,
                   why="" if ok else "simulated: effects planted by the simulator, not evidence")


def compare_partner_selection(run: Run) -> pd.DataFrame:
    """Chapter 3's closing table; each note is a verdict computed from the numbers (``display.verdict``)."""
    R = run.permutations
    s = selection_result(run).summary().set_index("model")
    ei = ei_table(run)
    prox = proximity_table(run)
    org = {t: coefficient(run, "organisational", t) for t in ("same_region", "distance_km", "same_type", "same_county")}
    org_v = [_coef_verdict(run, org["same_region"], 1, True), _coef_verdict(run, org["distance_km"], -1, True),
             _coef_verdict(run, org["same_type"], 1, True)]
    agree = sum(v.startswith("agrees") for v in org_v)
    res_terms = [t for t in selection_result(run).coefficients().query("model == 'organisational_resource'")["term"]
                 if str(t).startswith("abs_diff")]
    res_rows = [(t, coefficient(run, "organisational_resource", t)) for t in res_terms]
    res_sig = [f"{term_label(t)} ({'+' if r['estimate'] > 0 else '−'})" for t, r in res_rows
               if r is not None and r["p_value"] < 0.05]
    gain = s.loc["organisational_resource", "r_squared"] - s.loc["organisational", "r_squared"]
    fp = [] if run.simulated else false_positive_terms(run)
    flagged = [term_label(t) for t, r in res_rows if t in fp and r is not None and r["p_value"] < 0.05]
    # rule: a term the method-validation appendix flags as a false positive does not count toward agreement
    res_agree = sum(_coef_verdict(run, r, -1, True).startswith("agrees") for t, r in res_rows if t not in fp)
    ratio_row = {"estimate": float(prox.loc["region", "observed / expected"]) - 1,
                 "p_value": float(_proximity(data.key(run), "region", run.permutations)["p_value"])}
    h = _homophily(data.key(run), run.permutations).set_index("attribute")
    county_p = float(h.loc["county", "p_homophily"]) if "county" in h.index else float("nan")
    rows = [
        ("region, proximity, type together", "homophily_org",
         f"same region {coefficient_text(org['same_region'], R)}; {term_label('distance_km')} "
         f"{coefficient_text(org['distance_km'], R)}; same type {coefficient_text(org['same_type'], R)}",
         f"{'agrees' if agree == 3 else 'differs'}: {agree} of 3 as in the article (sign and significance)"
         if not run.simulated else org_v[0]),
        ("same county", "homophily_county",
         f"{coefficient_text(org['same_county'], R)}; E–I {ei.loc['county', 'E–I index']:.2f} "
         f"({p_text(county_p, R)})",
         _coef_verdict(run, org["same_county"], 1, True)),
        ("intra-region ties vs proximity alone", "intra_region",
         f"{prox.loc['region', 'ties observed']} observed vs {prox.loc['region', 'expected from distance alone']:.0f} "
         f"expected ({prox.loc['region', 'observed / expected']:.2f}×, {p_text(ratio_row['p_value'], R)})",
         _coef_verdict(run, ratio_row, 1, True)),
        ("resource similarity", "resources",
         ("p < 0.05: " + ", ".join(res_sig) if res_sig else "no difference term with p < 0.05")
         + f"; R² gain over the organisational model {pct(gain)}",
         (f"{'agrees' if res_agree else 'differs'}: {res_agree} of {len(res_rows) - len(flagged)} difference "
          "terms negative with p < 0.05 (negative = similar councils partner more)" if not run.simulated
          else "not comparable: simulated data")
         + (f"; not counted: {', '.join(flagged)}, also 'significant' on the simulated stand-in where no effect "
            "was planted, a known false positive of the method (see the method-validation appendix). Rule: a "
            "flagged false positive does not count toward agreement" if flagged else "")),
        ("politics alone", "politics",
         coefficient_text(coefficient(run, 'political', 'same_party'), R),
         _coef_verdict(run, coefficient(run, 'political', 'same_party'), 1, True)),
        ("politics with region", "politics",
         coefficient_text(coefficient(run, 'political_region', 'same_party'), R),
         _coef_verdict(run, coefficient(run, 'political_region', 'same_party'), None, False)),
        ("largest R² of any model", "partner_r2_max", f"{pct(s['r_squared'].max())} ({s['r_squared'].idxmax()})",
         verdict("bound", value=s["r_squared"].max(), bound=0.24, comparable=not run.simulated,
                 why="simulated data" if run.simulated else "")),
    ]
    return article_vs_run(rows)


# --------------------------------------------------------------------------------------------------
# Robustness to missing ties: the models on the councils with at least one partnership
# --------------------------------------------------------------------------------------------------


@cached
def _selection_participating(k: data.DataKey, permutations: int, models: tuple[str, ...]):
    from lgnet.stats import dyadic, selection

    specs = {m: dyadic.MODEL_SPECS[m] for m in models}
    return selection.partner_selection_models(data.subset_at(k), data.analysis_table(k), specs=specs,
                                              permutations=permutations, seed=k.seed, quiet=True,
                                              councils="participating", common_sample=False)


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
        "councils (all)": full["n_councils"].to_numpy(), "R² (all councils)": [sig3(v) for v in full["r_squared"]],
        "councils (in ≥1 partnership)": part["n_councils"].reindex(full.index).to_numpy(),
        "pairs (in ≥1 partnership)": part["n_dyads"].reindex(full.index).to_numpy(),
        "R² (in ≥1 partnership)": [sig3(v) for v in part["r_squared"].reindex(full.index)],
    }).set_index("model")
    out.attrs["caption"] = ("R² of the partner-selection models on every council and on the councils with at least "
                            "one partnership in the data.")
    omitted = omitted_text(restricted_result(run)).strip()
    return with_notes(out, f"Among the councils with at least one partnership: {omitted}" if omitted else "")


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
    out.attrs["caption"] = ("Key partner-selection results on every council and on the councils with at least one "
                            "partnership in the data (permutation p; distance per 100 km).")
    return out


def restricted_sentence(run: Run):
    """A computed sentence: what restricting the models to councils with at least one partnership changes
    (R² of the combined model; sign and significance of the main coefficients, by the rule of
    ``lgnet.book.chapters.robustness.agreement``)."""
    from lgnet.book.chapters import robustness
    from lgnet.book.chapters.notes import Note

    full, part = selection_result(run), restricted_result(run)
    left_out = full.n_councils - part.n_councils
    if "combined" in part.not_fitted or "combined" not in full.models:
        return Note(f"The combined model could not be fitted on the {part.n_councils} councils with at least one "
                    f"partnership in the data ({part.not_fitted.get('combined', 'not fitted')}), so this check "
                    "cannot be made on this data.")
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
