"""Readable names of council variables and dyadic predictors, and the units their coefficients are shown in.

Distance coefficients are shown per 100 km: a per-km coefficient is too small to read. Rescaling one
predictor multiplies its coefficient (and standard error) by the same factor and leaves every other
coefficient, R², t, z and the permutation p-values unchanged (OLS/MRQAP and logistic QAP alike), so the
models are fitted in km and only the display is rescaled (:func:`shown`).
"""

from __future__ import annotations

from lgnet.book.chapters.cache import cached

#: Units of a displayed coefficient, as multiples of the unit the predictor is fitted in.
DISPLAY_UNITS = {"distance_km": 100.0}

TERM_LABELS = {
    "same_region": "same region", "same_county": "same county", "same_type": "same council type",
    "distance_km": "distance (per 100 km)", "log_distance": "log distance", "same_party": "same party in control",
}


@cached
def variable_labels() -> dict[str, str]:
    """Labels of the council variables from the data dictionary (empty if it is not built)."""
    from lgnet.data import attributes

    try:
        d = attributes.data_dictionary()
    except FileNotFoundError:  # no dictionary: fall back to the variable names
        return {}
    return dict(zip(d["variable"].astype(str), d["label"].astype(str)))


def variable_label(variable: str) -> str:
    """The data dictionary's label of a council variable (the name itself if it has none)."""
    return variable_labels().get(str(variable), str(variable))


def term_label(t: str) -> str:
    """A readable name for a dyadic predictor ('abs_diff_x' -> 'difference in <label of x>'), with the
    display unit where it is not the fitted one."""
    t = str(t)
    if t in TERM_LABELS:
        return TERM_LABELS[t]
    if t.startswith("abs_diff_"):
        var = t[len("abs_diff_"):]
        label = variable_labels().get(var, var.replace("_", " "))
        return f"difference in {label[:1].lower() + label[1:]}"
    return t


def shown(term: str, estimate: float) -> float:
    """A coefficient (or planted effect) of ``term`` in its display unit (distance: per 100 km)."""
    return float(estimate) * DISPLAY_UNITS.get(str(term), 1.0)


def shown_estimates(coefs):
    """A coefficient table (columns term, estimate) with the estimates in their display units."""
    return coefs.assign(estimate=[shown(t, e) for t, e in zip(coefs["term"], coefs["estimate"])])
