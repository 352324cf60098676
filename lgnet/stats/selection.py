"""Partner selection models (MRQAP over named specifications) and the activity-subset comparison.

A thin layer: it builds the response (co-membership) and the dyadic predictors for each named
specification of ``lgnet.stats.dyadic.MODEL_SPECS`` over the same councils, and hands them to ``lgnet.stats.qap``
(MRQAP with double semi-partialling; logistic QAP for the binary network). ``subset_comparison`` runs the
propensity and partner-selection summaries on the whole network and on the front-line and administrative
subsets, with the tie-distance comparison.

Councils with a missing value of a variable a specification needs cannot enter dyadic models. By
default (``common_sample=True``) every model uses the councils complete for *all* requested
specifications, so R² can be compared across models (the article compares nested models); the councils
left out are reported (``SelectionResult.dropped``), never silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from lgnet.stats import dyadic, homophily, network, propensity

__all__ = ["SelectionResult", "partner_selection_models", "subset_comparison"]


@dataclass
class SelectionResult:
    """MRQAP (or logistic QAP) results per named specification.

    models: name -> lgnet.stats.qap result (``.table()``, ``.to_dict()``); dropped: councils left out and why;
    n_councils: councils complete for all specifications (councils_by_model: per model); response: "valued" or "binary"; method: "mrqap" or "logistic_qap".
    """

    models: dict
    dropped: pd.DataFrame
    n_councils: int
    response: str
    method: str
    permutations: int
    seed: int
    specs: dict = field(default_factory=dict)
    councils_by_model: dict = field(default_factory=dict)
    omitted: dict = field(default_factory=dict)  # model -> [{"predictor", "reason"}]: left out, the rest fitted
    not_fitted: dict = field(default_factory=dict)  # model -> why it could not be fitted at all

    def summary(self) -> pd.DataFrame:
        """One row per model: model, predictors, n_councils, n_dyads, r_squared and r_squared_p (MRQAP: R²
        against its Y-permutation null) or deviance and
        null_deviance (logistic), permutations, seed, response, method."""
        rows = []
        for name, res in self.models.items():
            d = res.to_dict()
            row = {"model": name, "predictors": ", ".join(res.terms[1:])  # the terms fitted, intercept first
                   if hasattr(res, "terms") else ", ".join(self.specs.get(name, [])),
                   "n_councils": self.councils_by_model.get(name, self.n_councils), "n_dyads": d.get("n_dyads")}
            for key in ("r_squared", "adj_r_squared", "r_squared_p", "null_deviance", "deviance"):
                value = d.get(key, getattr(res, key, None))
                if value is not None:
                    row[key] = float(value)
            row.update({"permutations": d.get("permutations", self.permutations), "seed": d.get("seed", self.seed),
                        "response": self.response, "method": self.method})
            rows.append(row)
        return pd.DataFrame(rows, columns=None if rows else ["model", "predictors", "n_councils", "n_dyads"])

    def coefficients(self) -> pd.DataFrame:
        """model, term, estimate, p_value (two-sided permutation) and what else lgnet.stats.qap's ``table()``
        reports (std_error, t or z, p_classical)."""
        frames = []
        for name, res in self.models.items():
            coefs = res.table() if hasattr(res, "table") else pd.DataFrame(res.to_dict()["coefficients"])
            coefs.insert(0, "model", name)
            frames.append(coefs)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["model", "term"])


def partner_selection_models(pdata, table: pd.DataFrame, specs: dict[str, list[str]] | None = None,
                             permutations: int = 999, seed: int = 0, binary: bool = False,
                             logistic: bool = False, common_sample: bool = True,
                             quiet: bool = True, councils: str = "all") -> SelectionResult:
    """Run MRQAP for each named specification (default ``lgnet.stats.dyadic.MODEL_SPECS``).

    pdata:    PartnershipData (a subset from ``lgnet.stats.network.subset`` for activity subsets).
    table:    the analysis table (council table + attributes); defines the councils and their order.
    binary:   use the binary co-membership as the response (MRQAP on a 0/1 response: a linear probability
              model); ``logistic=True`` runs logistic QAP on the binary response instead (implies binary).
    common_sample: see the module docstring. With False, each model drops only the councils missing
              its own variables (R² then not comparable across models; dropped reports per model).
    councils: "all" (every council of ``table``) or "participating": only the councils with at least one
              membership in ``pdata``. In a sample of partnerships an undocumented pair is not a known
              non-tie; restricting the models to councils known to partner asks whether the results stand
              without the councils about which the sample says nothing. The councils left out are reported
              in ``dropped`` (reason: no partnership in the data).
    Every model uses ``seed``, so a model's p-values do not depend on which other models are run.
    """
    from lgnet.stats import qap  # imported here: built by its own module, only needed for these models

    specs = dict(dyadic.MODEL_SPECS if specs is None else specs)
    data = table.reset_index(drop=True)
    W_full = dyadic.response(pdata, data, binary=binary or logistic)
    all_items = list(dict.fromkeys(item for spec in specs.values() for item in spec))
    keep_all, dropped_all = dyadic.complete_cases(data, all_items)
    participating, not_participating = _participating(pdata, data, councils)
    keep_all = keep_all & participating
    if len(not_participating):
        dropped_all = pd.concat([not_participating, dropped_all], ignore_index=True)
    dropped_frames = []
    models, omitted, not_fitted = {}, {}, {}
    used = {}
    n_used = int(keep_all.sum())
    for name, spec in tqdm(specs.items(), disable=quiet, desc="partner-selection models"):
        if common_sample:
            keep = keep_all
        else:
            keep, dropped = dyadic.complete_cases(data, spec)
            keep = keep & participating
            if len(not_participating):
                dropped = pd.concat([not_participating, dropped], ignore_index=True)
            dropped_frames.append(dropped.assign(model=name))
        idx = np.flatnonzero(keep)
        used[name] = int(idx.size)
        y = W_full[np.ix_(idx, idx)]
        xs = dyadic.predictor_matrices(data.iloc[idx], spec)
        left_out = _constant_predictors(xs, int(idx.size))
        if left_out:
            omitted[name] = left_out
            xs = {k: v for k, v in xs.items() if k not in {o["predictor"] for o in left_out}}
        if not xs:
            not_fitted[name] = ("no predictor varies among its councils: "
                                + "; ".join(f"{o['predictor']} {o['reason']}" for o in left_out))
            continue
        try:
            if logistic:
                models[name] = qap.logistic_qap(y, xs, permutations=permutations, seed=seed, quiet=quiet)
            else:
                models[name] = qap.mrqap(y, xs, permutations=permutations, seed=seed, quiet=quiet, r2_test=True)
        except ValueError as exc:  # e.g. a constant response or collinear predictors among these councils
            not_fitted[name] = str(exc)
    if common_sample:
        dropped = dropped_all.assign(model="all models")
    else:
        dropped = pd.concat(dropped_frames, ignore_index=True) if dropped_frames else dropped_all
    return SelectionResult(models=models, dropped=dropped, n_councils=n_used,
                           response="binary" if (binary or logistic) else "valued",
                           method="logistic_qap" if logistic else "mrqap",
                           permutations=permutations, seed=seed, specs=specs, councils_by_model=used,
                           omitted=omitted, not_fitted=not_fitted)


def _constant_predictors(xs: dict[str, np.ndarray], n: int) -> list[dict]:
    """The predictors with one value for every pair of these councils (they cannot be estimated among them:
    e.g. same_region when every council is in one region), each with the reason."""
    out = []
    iu = np.triu_indices(n, 1)
    for name, M in xs.items():
        v = M[iu]
        if v.size and np.ptp(v) == 0:
            out.append({"predictor": name,
                        "reason": f"is {v[0]:g} for every pair of these {n} councils, so it cannot be estimated "
                                  "among them"})
    return out


def _participating(pdata, data: pd.DataFrame, councils: str) -> tuple[np.ndarray, pd.DataFrame]:
    """(mask of the councils a model may use under ``councils``, table of those it leaves out and why)."""
    columns = ["code", "name", "variable", "reason"]
    if councils == "all":
        return np.ones(len(data), dtype=bool), pd.DataFrame(columns=columns)
    if councils != "participating":
        raise ValueError(f"councils must be 'all' or 'participating', not {councils!r}")
    members = set(pdata.memberships["code"].astype(str))
    mask = data["code"].astype(str).isin(members).to_numpy()
    out = data.loc[~mask]
    dropped = pd.DataFrame({"code": out["code"].astype(str),
                            "name": out["name"].astype(str) if "name" in out.columns else "",
                            "variable": "", "reason": "no partnership in the data (councils='participating')"},
                           columns=columns)
    return mask, dropped.reset_index(drop=True)


def subset_comparison(pdata, table: pd.DataFrame, natures=("all", "frontline", "administrative"),
                      mixed: str = network.MIXED_DEFAULT, specs: dict[str, list[str]] | None = None,
                      permutations: int = 999, seed: int = 0, selection: bool = True,
                      blocks: dict[str, list[str]] | None = None, quiet: bool = True) -> dict:
    """The article's "Does partnership activity matter?": the same analyses on each activity subset.

    Returns a dict of tidy tables, each with a ``subset`` column:
    ``describe`` (partnerships, participants, ties, density, components per subset),
    ``propensity`` (PropensityResult.summary per subset), ``selection`` (SelectionResult.summary per
    subset; omitted with ``selection=False`` or when lgnet.stats.qap is not available), and
    ``tie_distances`` (compare_tie_distances at dyad and partnership level: front-line vs administrative).
    ``mixed`` as in ``lgnet.stats.network.subset`` (default: mixed partnerships in neither subset); ``blocks``
    and ``specs`` as in propensity_models and partner_selection_models.
    """
    describe_rows, prop_frames, sel_frames = [], [], []
    for nature in tqdm(natures, disable=quiet, desc="subsets"):
        sub = network.subset(pdata, nature, mixed=mixed)
        d = network.describe(sub, table)
        describe_rows.append({"subset": nature, "partnerships": d["partnerships"], "participants": d["participants"],
                              "participation": d["participation"], "degree_median": d["degree_participants"]["median"],
                              "degree_mean": d["degree_participants"]["mean"],
                              "degree_max": d["degree_participants"]["max"], "ties": d["ties"],
                              "density": d["density"], "components": d["components"],
                              "largest_component": d["largest_component"]})
        deg = network.degree(sub, table)
        pres = propensity.propensity_models(table, deg, permutations=permutations, seed=seed, blocks=blocks,
                                            count_models=[], quiet=quiet)
        prop_frames.append(pres.summary().assign(subset=nature))
        if selection:
            try:
                sres = partner_selection_models(sub, table, specs=specs, permutations=permutations, seed=seed,
                                                quiet=quiet)
            except ModuleNotFoundError as exc:
                if exc.name != "lgnet.stats.qap":
                    raise
                selection = False
            else:
                sel_frames.append(sres.summary().assign(subset=nature))
    rows = []
    for level in ("dyad", "partnership"):
        td = homophily.tie_distances(pdata, table, mixed=mixed, level=level)
        cmp_ = homophily.compare_tie_distances(td, permutations=max(permutations, 999), seed=seed)
        s = cmp_["summary"].set_index("nature")
        rows.append({"level": level,
                     "frontline_n": int(s.loc["frontline", "n"]), "frontline_median_km": s.loc["frontline", "median_km"],
                     "frontline_mean_km": s.loc["frontline", "mean_km"],
                     "administrative_n": int(s.loc["administrative", "n"]),
                     "administrative_median_km": s.loc["administrative", "median_km"],
                     "administrative_mean_km": s.loc["administrative", "mean_km"],
                     "diff_means_km": cmp_["diff_means_km"], "p_perm": cmp_["p_perm"],
                     "p_mann_whitney": cmp_["p_mann_whitney"], "excluded": cmp_["excluded"]})
    out = {"describe": pd.DataFrame(describe_rows),
           "propensity": _first(pd.concat(prop_frames, ignore_index=True), "subset"),
           "tie_distances": pd.DataFrame(rows), "mixed": mixed}
    if sel_frames:
        out["selection"] = _first(pd.concat(sel_frames, ignore_index=True), "subset")
    return out


def _first(frame: pd.DataFrame, col: str) -> pd.DataFrame:
    return frame[[col] + [c for c in frame.columns if c != col]]


def predictor_sds(table: pd.DataFrame, spec: list[str], sample_spec=None) -> tuple[np.ndarray, dict[str, float]]:
    """The councils a model of ``spec`` is fitted on (positions in ``table``: complete for ``sample_spec``,
    default ``spec``) and the SD of each predictor over their pairs, in the units the model is fitted in."""
    data = table.reset_index(drop=True)
    keep, _ = dyadic.complete_cases(data, list(sample_spec or spec))
    idx = np.flatnonzero(keep)
    iu = np.triu_indices(idx.size, 1)
    xs = dyadic.predictor_matrices(data.iloc[idx], spec)
    return idx, {name: float(np.std(np.asarray(M)[iu])) for name, M in xs.items()}


def standardised_coefficients(pdata, table: pd.DataFrame, spec: list[str], result, sample_spec=None) -> pd.DataFrame:
    """Standardised MRQAP coefficients of one fitted model: estimate x SD(predictor) / SD(response), both SDs
    over the model's pairs of councils, with the model's permutation p-values (not recomputed).

    ``sample_spec``: the variables that defined the model's councils (default ``spec``; the book's common
    sample uses the union of all its specifications). Returns term, estimate, std_estimate, p_value.
    """
    data = table.reset_index(drop=True)
    idx, sds = predictor_sds(data, spec, sample_spec)
    if idx.size != result.n_nodes:
        raise ValueError(f"the model was fitted on {result.n_nodes} councils, the sample here has {idx.size}")
    W = dyadic.response(pdata, data)[np.ix_(idx, idx)]
    sd_y = float(np.std(W[np.triu_indices(idx.size, 1)]))
    t = result.table()
    t = t[t["term"] != "(intercept)"].copy()
    t["std_estimate"] = [b * sds.get(term, np.nan) / sd_y if sd_y > 0 else np.nan
                         for term, b in zip(t["term"], t["estimate"])]
    return t[["term", "estimate", "std_estimate", "p_value"]].reset_index(drop=True)
