"""Propensity to collaborate: partnerships per council regressed on blocks of council attributes.

The article measures a council's propensity to collaborate by its number of partnerships (its degree in
the two-mode network) and asks whether resource, organisational or political characteristics predict it
("less than 5 per cent of the variance was predicted ... alone or in combination"). This module fits:

* OLS of degree on each block alone and on all blocks combined, with R² and adjusted R²;
* per coefficient, a classical heteroskedasticity-robust p-value (HC3, t reference distribution) **and** a
  node-level permutation p-value by **Freedman–Lane** (1983): fit the reduced model without the tested
  term, permute its residuals across councils, add them back to its fitted values, refit the full model
  and compare the tested term's statistic with the observed one (classical t², equivalently the partial
  F, so the test is two-sided). Factors with several dummies (council type, party control) also get a
  joint Freedman–Lane partial-F test and a joint HC3 Wald test (``.factors()``);
* per model, a permutation p-value for R² by plain **Y-permutation** (permute degree across councils,
  refit, compare R²): the F-type test of "the block predicts nothing";
* a count-model check: negative binomial (NB2, statsmodels) of degree on the combined model.

All permutations are vectorised: one matrix of permuted index arrays, batched least-squares products via
the QR factor of the design; the same ``seed`` gives identical tables. Each model uses its own rows:
councils missing a value of one of *that model's* variables are dropped from that model only, and the
result reports how many and why (``.dropped()``, ``n_dropped`` in ``.summary()``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from tqdm.auto import tqdm

__all__ = [
    "BLOCKS",
    "CATEGORICAL",
    "REFERENCE",
    "DERIVED",
    "PropensityInputError",
    "PropensityResult",
    "ModelFit",
    "add_derived",
    "design_matrix",
    "propensity_models",
    "freedman_lane",
    "r2_permutation",
]

#: Variables of each block (DESIGN.md "Variables"). ``type`` and ``party_control`` are factors, entered
#: as dummies against a reference category (REFERENCE); ``log_population`` is derived (DERIVED).
BLOCKS: dict[str, list[str]] = {
    "resource": ["log_population", "ethnic_diversity", "age_diversity", "reserves_ratio", "external_income_ratio"],
    "organisational": ["type", "opportunities_30mi", "complexity"],
    "political": ["party_control", "aligned_with_government", "electoral_stability"],
}

#: Factor variables (entered as dummy columns named ``variable[level]``).
CATEGORICAL = ("type", "party_control", "region")

#: Reference category of each factor. ``type``: shire district, the most common council type (the
#: article's contrast "metropolitan districts partnered less than others" reads directly off the
#: metropolitan-district dummy). ``None`` means "the most frequent level among the model's rows"
#: (for party control this is normally Conservative). A named reference absent from the model's rows
#: falls back to the most frequent level, with a note in the result.
REFERENCE: dict[str, str | None] = {"type": "shire district", "party_control": None, "region": None}

#: Variables computed from table columns: name -> (source column, function, description).
DERIVED = {
    "log_population": ("population", np.log, "natural log of population"),
}

COMBINED = "combined"
INTERCEPT = "(intercept)"
FL_METHOD = "Freedman-Lane (residuals of the reduced model permuted across councils; statistic t²/partial F)"
R2_METHOD = "Y-permutation (degree permuted across councils; statistic R²)"


class PropensityInputError(ValueError):
    """A table or degree series that cannot be modelled (missing column, misaligned codes...)."""


def add_derived(table: pd.DataFrame, names=None) -> pd.DataFrame:
    """A copy of ``table`` with the DERIVED columns (e.g. ``log_population``) added where their source exists.

    A non-positive population is an error naming the council (log undefined).
    """
    out = table.copy()
    for name, (src, fn, _desc) in DERIVED.items():
        if names is not None and name not in names:
            continue
        if name in out.columns or src not in out.columns:
            continue
        values = pd.to_numeric(out[src], errors="coerce").astype(float)
        bad = values.notna() & (values <= 0)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            who = out["code"].iloc[i] if "code" in out.columns else i
            raise PropensityInputError(f"{src} must be positive to take its log: council {who} has {values.iloc[i]}")
        out[name] = fn(values)
    return out


def _is_noc(level: str) -> bool:
    return str(level).strip().lower() in {"noc", "no overall control"}


def design_matrix(data: pd.DataFrame, variables: list[str], references: dict | None = None,
                  min_category_size: int = 5) -> tuple[pd.DataFrame, dict[str, list[str]], list[str]]:
    """The OLS design (intercept first) for ``variables`` over complete rows of ``data``.

    Returns ``(X, factor_columns, notes)``: X a float DataFrame with column ``(intercept)``, numeric
    variables as they are and factors as ``variable[level]`` dummies against the reference level;
    factor_columns maps each factor to its dummy columns; notes records choices made (reference
    fallbacks, rare levels pooled into ``other`` -- levels with fewer than ``min_category_size`` councils
    would give HC3 leverages near 1 --, constant columns dropped).
    """
    refs = dict(REFERENCE)
    refs.update(references or {})
    cols: dict[str, np.ndarray] = {INTERCEPT: np.ones(len(data))}
    factors: dict[str, list[str]] = {}
    notes: list[str] = []
    for var in variables:
        if var in CATEGORICAL:
            levels = data[var].astype("string").str.strip()
            counts = levels.value_counts()
            rare = [str(lv) for lv, c in counts.items() if c < min_category_size]
            common = counts.drop(rare)
            ref = refs.get(var)
            if ref is None or ref not in common.index:
                fallback = str(common.index[0]) if len(common) else str(counts.index[0])
                if ref is not None:
                    notes.append(f"{var}: reference {ref!r} absent (or rare) in the model's rows; using {fallback!r}")
                ref = fallback
            if rare and len(common):
                n_rare = int(counts[rare].sum())
                if n_rare >= min_category_size:
                    levels = levels.where(~levels.isin(rare), "other")
                    notes.append(f"{var}: levels with fewer than {min_category_size} councils pooled as 'other': {rare}")
                else:
                    notes.append(f"{var}: rare levels {rare} ({n_rare} councils) kept as they are: too few even "
                                 "pooled (propensity_models drops such councils and reports them)")
                counts = levels.value_counts()
            notes.append(f"{var}: reference category {ref!r}")
            names = []
            for lv in sorted(counts.index):
                if lv == ref:
                    continue
                name = f"{var}[{lv}]"
                cols[name] = (levels == lv).to_numpy(dtype=float)
                names.append(name)
            factors[var] = names
        else:
            values = pd.to_numeric(data[var], errors="coerce")
            if values.isna().any():
                raise PropensityInputError(f"variable {var!r} is not numeric (e.g. {data[var].iloc[int(values.isna().argmax())]!r})")
            cols[var] = values.to_numpy(dtype=float)
    X = pd.DataFrame(cols, index=data.index)
    const = [c for c in X.columns[1:] if np.ptp(X[c].to_numpy()) == 0]
    if const:
        notes.append(f"constant column(s) dropped: {const}")
        X = X.drop(columns=const)
        factors = {k: [c for c in v if c not in const] for k, v in factors.items()}
    rank = np.linalg.matrix_rank(X.to_numpy())
    if rank < X.shape[1]:
        raise PropensityInputError(
            f"design for {variables} is rank deficient ({rank} < {X.shape[1]} columns): some variables are "
            "linear combinations of others; drop one of them"
        )
    return X, factors, notes


def _qr(X: np.ndarray):
    Q, R = np.linalg.qr(X)
    return Q, R


def _rss(Q: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Residual sums of squares of each column of Y regressed on the column space of Q."""
    return np.einsum("ij,ij->j", Y, Y) - np.einsum("ij,ij->j", Q.T @ Y, Q.T @ Y)


def _chunks(total: int, n: int, budget: int = 4_000_000):
    size = max(1, budget // max(n, 1))
    return [(s, min(total, s + size)) for s in range(0, total, size)]


def _p_value(null: np.ndarray, observed: float) -> float:
    tol = 1e-10 * max(1.0, abs(observed))
    return float((1 + np.count_nonzero(null >= observed - tol)) / (null.size + 1))


def freedman_lane(X: np.ndarray, y: np.ndarray, test_cols: list[int], perms: np.ndarray,
                  quiet: bool = True) -> tuple[float, np.ndarray]:
    """Freedman–Lane permutation test of the columns ``test_cols`` of ``X`` (partial F; t² for one column).

    ``perms`` is a (P, n) integer array of permutations. Returns (observed F, null F values of length P).
    Under the null the reduced-model residuals are exchangeable; Y* = fitted_reduced + resid_reduced[π].
    """
    n, p = X.shape
    q = len(test_cols)
    keep = [j for j in range(p) if j not in set(test_cols)]
    Qf, _ = _qr(X)
    Qr, _ = _qr(X[:, keep])
    fitted_r = Qr @ (Qr.T @ y)
    resid_r = y - fitted_r
    df = n - p

    def fstat(Y):
        rss_f = _rss(Qf, Y)
        rss_r = _rss(Qr, Y)
        return ((rss_r - rss_f) / q) / (rss_f / df)

    observed = float(fstat(y[:, None])[0])
    null = np.empty(perms.shape[0])
    for a, b in tqdm(_chunks(perms.shape[0], n), disable=quiet, desc="Freedman-Lane", leave=False):
        Ystar = fitted_r[:, None] + resid_r[perms[a:b]].T
        null[a:b] = fstat(Ystar)
    return observed, null


def r2_permutation(X: np.ndarray, y: np.ndarray, perms: np.ndarray, quiet: bool = True) -> tuple[float, np.ndarray]:
    """Y-permutation null distribution of R² for the design ``X`` (with intercept). Returns (observed, null)."""
    n = X.shape[0]
    Q, _ = _qr(X)
    yc = y - y.mean()
    tss = float(yc @ yc)
    observed = 1 - float(_rss(Q, y[:, None])[0]) / tss
    null = np.empty(perms.shape[0])
    for a, b in tqdm(_chunks(perms.shape[0], n), disable=quiet, desc="R² permutations", leave=False):
        null[a:b] = 1 - _rss(Q, y[perms[a:b]].T) / tss
    return observed, null


@dataclass
class ModelFit:
    """One fitted propensity model."""

    name: str
    variables: list[str]
    n: int
    n_dropped: int
    dropped: list[dict]  # {variable, reason, codes}: councils dropped from this model and why
    r2: float
    adj_r2: float
    p_r2_perm: float
    coefficients: pd.DataFrame
    factors: pd.DataFrame
    notes: list[str]
    count_model: pd.DataFrame | None = None
    count_fit: dict | None = None


@dataclass
class PropensityResult:
    """Propensity models: tidy tables via ``summary()``, ``coefficients()``, ``factors()``,
    ``count_model()``, ``dropped()``; ``notes`` lists the modelling choices made."""

    models: dict[str, ModelFit]
    permutations: int
    seed: int
    coefficient_method: str = FL_METHOD
    r2_method: str = R2_METHOD
    notes: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """model, n, n_dropped, k (predictor columns), r2, adj_r2, p_r2_perm, permutations, method."""
        rows = [{"model": m.name, "n": m.n, "n_dropped": m.n_dropped, "k": len(m.coefficients) - 1,
                 "r2": m.r2, "adj_r2": m.adj_r2, "p_r2_perm": m.p_r2_perm,
                 "permutations": self.permutations, "method": self.r2_method}
                for m in self.models.values()]
        return pd.DataFrame(rows)

    def coefficients(self) -> pd.DataFrame:
        """model, term, estimate, se_hc3, p_hc3, p_perm, method (Freedman–Lane)."""
        frames = [m.coefficients.assign(model=m.name) for m in self.models.values()]
        out = pd.concat(frames, ignore_index=True)
        out["method"] = self.coefficient_method
        return out[["model", "term", "estimate", "se_hc3", "p_hc3", "p_perm", "method"]]

    def factors(self) -> pd.DataFrame:
        """Joint tests of multi-level factors: model, variable, df, p_hc3 (Wald), p_perm (Freedman–Lane)."""
        frames = [m.factors.assign(model=m.name) for m in self.models.values() if len(m.factors)]
        if not frames:
            return pd.DataFrame(columns=["model", "variable", "df", "p_hc3", "p_perm"])
        return pd.concat(frames, ignore_index=True)[["model", "variable", "df", "p_hc3", "p_perm"]]

    def count_model(self) -> pd.DataFrame:
        """Count-model check: model, term, estimate, se, p, irr (exp estimate); a negative binomial (with
        ``alpha``, the NB2 dispersion) or, when its dispersion is at the boundary, a Poisson regression. Fit
        statistics (family, fallback, dispersion, llf, McFadden pseudo-R², converged) in ``count_fit()``."""
        frames = [m.count_model.assign(model=m.name) for m in self.models.values() if m.count_model is not None]
        if not frames:
            return pd.DataFrame(columns=["model", "term", "estimate", "se", "p", "irr"])
        return pd.concat(frames, ignore_index=True)[["model", "term", "estimate", "se", "p", "irr"]]

    def count_fit(self) -> pd.DataFrame:
        """Fit statistics of the count-model check(s) (family: 'negative binomial' or 'Poisson')."""
        return pd.DataFrame([{"model": m.name, **m.count_fit} for m in self.models.values() if m.count_fit])

    def dropped(self) -> pd.DataFrame:
        """Councils dropped per model: model, variable, n_dropped, codes, reason (a missing value, or a
        factor level too rare to estimate even when pooled with the other rare levels). A council missing
        several variables appears once per variable; ``summary().n_dropped`` counts councils."""
        rows = [{"model": m.name, "variable": d["variable"], "n_dropped": len(d["codes"]), "codes": d["codes"],
                 "reason": d["reason"]} for m in self.models.values() for d in m.dropped]
        return pd.DataFrame(rows, columns=["model", "variable", "n_dropped", "codes", "reason"])


def _align_degree(table: pd.DataFrame, degree: pd.Series) -> np.ndarray:
    if "code" not in table.columns:
        raise PropensityInputError("table has no 'code' column to align the degree series with")
    codes = table["code"].astype("string")
    deg_index = pd.Index(degree.index.astype("string"))
    if deg_index.duplicated().any():
        raise PropensityInputError(f"degree series has duplicated codes {list(deg_index[deg_index.duplicated()][:5])}")
    missing = sorted(set(codes) - set(deg_index))
    if missing:
        raise PropensityInputError(f"degree has no value for council(s) {missing[:10]}; use lgnet.stats.network.degree "
                                   "with the same council table")
    extra = sorted(set(deg_index) - set(codes))
    if extra:
        raise PropensityInputError(f"degree has council(s) {extra[:10]} not in the table; use the same year's table")
    values = pd.Series(degree.to_numpy(), index=deg_index).loc[codes.to_numpy()]
    return values.to_numpy(dtype=float)


#: The negative binomial's dispersion is taken to be at its boundary (alpha = 0, i.e. Poisson) when the
#: boundary-corrected likelihood-ratio test of alpha = 0 has p at or above this level.
DISPERSION_ALPHA = 0.05


def _count_model(y: np.ndarray, X: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Count model of degree on X: a negative binomial (NB2; tries newton, then bfgs, then nm) or, when its
    dispersion is at the boundary (no evidence of overdispersion: the boundary-corrected likelihood-ratio test
    of alpha = 0 has p >= ``DISPERSION_ALPHA``) or it cannot be fitted, a Poisson regression with robust
    (sandwich) standard errors. ``fit["family"]`` names the model used, ``fit["fallback"]`` why the Poisson was
    used ('' otherwise), ``fit["dispersion"]`` is the Poisson fit's Pearson chi-squared / df, ``fit["se_type"]``
    says which standard errors the table holds ("robust" for the Poisson's sandwich, "model-based" otherwise).

    No warning escapes: every warning of the fit (and of the lazily computed standard errors) is recorded in
    the fit's ``warnings`` for the page to show as a note."""
    with warnings.catch_warnings(record=True) as caught_all, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        table, fit = _count_model_fit(y, X)
    extra = "; ".join(dict.fromkeys(str(w.message) for w in caught_all))
    if fit is not None and extra and fit.get("family") != "Poisson":
        fit["warnings"] = "; ".join(x for x in (fit.get("warnings", ""), extra) if x)
    return table, fit


def _finite(res) -> bool:
    return bool(np.isfinite(np.asarray(res.params, dtype=float)).all() and np.isfinite(float(res.llf))
                and np.isfinite(np.asarray(res.bse, dtype=float)).all())


def _negative_binomial(y: np.ndarray, X: pd.DataFrame):
    """The NB2 fit (newton, then bfgs, then nm), or None; a fit with non-finite estimates is not converged."""
    model = sm.NegativeBinomial(y, X)
    res, good, caught = None, None, []
    for method in ("newton", "bfgs", "nm"):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            try:
                kwargs = {"maxiter": 5000} if method == "nm" else {"maxiter": 500}
                start = None if res is None or not _finite(res) else res.params
                res = model.fit(method=method, disp=0, start_params=start, **kwargs)
            except (np.linalg.LinAlgError, ValueError) as exc:
                caught.append(f"{method}: {exc}")
                continue
        if not _finite(res):
            caught.append(f"{method}: non-finite estimates")
            continue
        caught.extend(f"{method}: {x.message}" for x in w)
        if res.mle_retvals.get("converged", False):
            good = res
            break
    return good, caught


def _count_model_fit(y: np.ndarray, X: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    from scipy.stats import chi2

    names = list(X.columns)
    try:
        pois = sm.GLM(y, X, family=sm.families.Poisson()).fit(cov_type="HC0")
    except (np.linalg.LinAlgError, ValueError) as exc:
        return None, {"converged": False, "warnings": f"Poisson: {exc}", "family": "", "fallback": "", "se_type": ""}
    dispersion = float(pois.pearson_chi2 / pois.df_resid) if pois.df_resid > 0 else float("nan")
    nb, caught = _negative_binomial(y, X)
    alpha = float(np.asarray(nb.params)[-1]) if nb is not None else float("nan")
    lr = 2 * (float(nb.llf) - float(pois.llf)) if nb is not None else float("nan")
    p_alpha = (float(0.5 * chi2.sf(lr, 1)) if lr > 0 else 1.0) if nb is not None else float("nan")
    if nb is None:
        fallback = "the negative binomial could not be fitted (" + ("; ".join(caught) or "no convergence") + ")"
    elif p_alpha >= DISPERSION_ALPHA:
        fallback = (f"the negative binomial's dispersion is at its boundary (alpha = {alpha:.3g}; likelihood-ratio "
                    f"test of alpha = 0, boundary-corrected: p = {p_alpha:.3f}), so the counts show no "
                    "overdispersion a negative binomial could model")
    else:
        fallback = ""
    common = {"n": int(len(y)), "dispersion": dispersion, "alpha": alpha, "p_alpha": p_alpha, "fallback": fallback}
    if fallback:
        table = pd.DataFrame({"term": names, "estimate": np.asarray(pois.params, dtype=float),
                              "se": np.asarray(pois.bse, dtype=float), "p": np.asarray(pois.pvalues, dtype=float)})
        table["irr"] = np.exp(table["estimate"])
        llnull = float(pois.llnull)
        fit = {**common, "family": "Poisson", "se_type": "robust", "llf": float(pois.llf), "llnull": llnull,
               "mcfadden_r2": float(1 - pois.llf / llnull), "aic": float(pois.aic), "converged": _finite(pois),
               "warnings": ""}
        return table, fit
    params = np.asarray(nb.params)
    table = pd.DataFrame({"term": names + ["alpha"], "estimate": params, "se": np.asarray(nb.bse),
                          "p": np.asarray(nb.pvalues)})
    table["irr"] = np.where(table["term"] == "alpha", np.nan, np.exp(table["estimate"]))
    fit = {**common, "family": "negative binomial", "se_type": "model-based", "llf": float(nb.llf),
           "llnull": float(nb.llnull),
           "mcfadden_r2": float(1 - nb.llf / nb.llnull), "aic": float(nb.aic), "converged": True,
           "warnings": "; ".join(caught)}
    return table, fit


def identifying_councils(data: pd.DataFrame, variable: str, factors: list[str]) -> int:
    """How many councils identify a 0/1 ``variable`` beside the ``factors`` of the same model: within each
    combination of factor levels, the councils in the minority value (a dummy that is constant within every
    cell is a combination of the factor dummies; one that varies only in a few councils is estimated from
    those few)."""
    x = pd.to_numeric(data[variable], errors="coerce")
    if not factors:
        return int(min((x == 1).sum(), (x == 0).sum()))
    cells = data[factors].astype("string").fillna("<NA>").agg("|".join, axis=1)
    ones = x.groupby(cells).sum()
    sizes = x.groupby(cells).size()
    return int(np.minimum(ones, sizes - ones).sum())


def _drop_weakly_identified(data: pd.DataFrame, variables: list[str], k: int) -> tuple[list[str], list[str]]:
    """Leave out of a model a 0/1 variable identified by fewer than ``k`` councils beside its factors (see
    ``identifying_councils``), with a note saying so (e.g. 'aligned with government' beside party control)."""
    factors = [v for v in variables if v in CATEGORICAL]
    out, notes = [], []
    for v in variables:
        if v not in CATEGORICAL and factors:
            values = pd.to_numeric(data[v], errors="coerce")
            if values.notna().all() and set(values.unique()) <= {0, 1}:
                n = identifying_councils(data, v, factors)
                if n < k:
                    notes.append(f"{v} left out: beside {', '.join(factors)} it is identified by {n} council"
                                 f"{'s' if n != 1 else ''} only (fewer than {k})")
                    continue
        out.append(v)
    return out, notes


def _fit_model(name: str, variables: list[str], data: pd.DataFrame, y_all: np.ndarray, codes: pd.Series,
               perms_for, references, min_category_size, count: bool, quiet: bool) -> ModelFit:
    missing = data[variables].isna()
    dropped = [{"variable": v, "reason": f"missing value of {v}", "codes": [str(c) for c in codes[missing[v].to_numpy()]]}
               for v in variables if missing[v].any()]
    keep = ~missing.any(axis=1).to_numpy()
    for v in variables:
        if v not in CATEGORICAL:
            continue
        levels = data[v].astype("string").str.strip()
        counts = levels[keep].value_counts()
        rare = [lv for lv, c in counts.items() if c < min_category_size]
        if rare and counts[rare].sum() < min_category_size and len(counts) > len(rare):
            bad = keep & levels.isin(rare).fillna(False).to_numpy()
            dropped.append({"variable": v, "codes": [str(c) for c in codes[bad]],
                            "reason": f"{v} level(s) {rare} with fewer than {min_category_size} councils even "
                                      "pooled: cannot be estimated"})
            keep &= ~bad
    sub = data.loc[keep]
    y = y_all[keep]
    variables, weak_notes = _drop_weakly_identified(sub, list(variables), min_category_size)
    X, factor_cols, notes = design_matrix(sub, variables, references, min_category_size)
    notes = weak_notes + notes
    n, p = X.shape
    if n <= p + 1:
        raise PropensityInputError(f"model {name!r}: {n} complete rows for {p} columns; too few to fit")
    if np.ptp(y) == 0:
        raise PropensityInputError(f"model {name!r}: every council has degree {y[0]:g}; nothing to explain")
    Xv = X.to_numpy()
    ols = sm.OLS(y, Xv).fit(cov_type="HC3", use_t=True)
    perms = perms_for(n)
    p_perm = [np.nan]
    for j in range(1, p):
        obs, null = freedman_lane(Xv, y, [j], perms, quiet)
        p_perm.append(_p_value(null, obs))
    coefs = pd.DataFrame({"term": list(X.columns), "estimate": ols.params, "se_hc3": ols.bse,
                          "p_hc3": ols.pvalues, "p_perm": p_perm})
    frows = []
    for var, cols in factor_cols.items():
        if len(cols) < 2:
            continue
        idx = [X.columns.get_loc(c) for c in cols]
        obs, null = freedman_lane(Xv, y, idx, perms, quiet)
        R = np.zeros((len(idx), p))
        R[np.arange(len(idx)), idx] = 1
        wald = ols.wald_test(R, use_f=True, scalar=True)
        frows.append({"variable": var, "df": len(idx), "p_hc3": float(wald.pvalue), "p_perm": _p_value(null, obs)})
    r2_obs, r2_null = r2_permutation(Xv, y, perms, quiet)
    cm, cf = (None, None)
    if count:
        cm, cf = _count_model(y, X)
    return ModelFit(name=name, variables=list(variables), n=n, n_dropped=int((~keep).sum()), dropped=dropped,
                    r2=float(ols.rsquared), adj_r2=float(ols.rsquared_adj), p_r2_perm=_p_value(r2_null, r2_obs),
                    coefficients=coefs.reset_index(drop=True),
                    factors=pd.DataFrame(frows, columns=["variable", "df", "p_hc3", "p_perm"]),
                    notes=notes, count_model=cm, count_fit=cf)


def propensity_models(table: pd.DataFrame, degree: pd.Series, permutations: int = 999, seed: int = 0,
                      blocks: dict[str, list[str]] | None = None, combined: bool = True,
                      count_models: str | list[str] = COMBINED, references: dict | None = None,
                      min_category_size: int = 5, quiet: bool = True) -> PropensityResult:
    """Fit degree ~ block for each block of ``blocks`` (default BLOCKS) and for all blocks combined.

    table:   the analysis table (council table + attributes, one row per council, with ``code``).
    degree:  partnerships per council indexed by code (``lgnet.stats.network.degree``); must cover exactly
             the table's councils.
    permutations, seed: permutations for the Freedman–Lane and R² tests; each model draws its permutations
             from ``numpy.random.default_rng(seed)``, so a model's p-values do not depend on which other
             models are fitted.
    count_models: "combined" (default), "all", or a list of model names that also get the negative
             binomial check.
    references: override REFERENCE (e.g. ``{"party_control": "LAB"}``).
    """
    blocks = dict(BLOCKS if blocks is None else blocks)
    if combined and COMBINED not in blocks:
        union: list[str] = []
        for vars_ in blocks.values():
            union.extend(v for v in vars_ if v not in union)
        blocks[COMBINED] = union
    needed = sorted({v for vars_ in blocks.values() for v in vars_})
    data = add_derived(table, needed)
    absent = [v for v in needed if v not in data.columns]
    if absent:
        raise PropensityInputError(f"table has no column(s) {absent}; available: {list(table.columns)}")
    y_all = _align_degree(data, degree)
    codes = data["code"].astype("string").reset_index(drop=True)
    data = data.reset_index(drop=True)
    if count_models == "all":
        count_set = set(blocks)
    elif isinstance(count_models, str):
        count_set = {count_models}
    else:
        count_set = set(count_models)

    def perms_for(n: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        return rng.permuted(np.tile(np.arange(n, dtype=np.int32), (permutations, 1)), axis=1)

    models = {}
    for name, variables in tqdm(blocks.items(), disable=quiet, desc="propensity models"):
        models[name] = _fit_model(name, list(variables), data, y_all, codes, perms_for, references,
                                  min_category_size, name in count_set, quiet)
    notes = sorted({f"{m.name}: {note}" for m in models.values() for note in m.notes})
    return PropensityResult(models=models, permutations=permutations, seed=seed, notes=notes)
