"""Dyadic predictor matrices for partner selection (the inputs of MRQAP), and the response matrix.

Each predictor is an n x n numpy array over the councils of a table, in the table's row order, symmetric,
with a zero diagonal (QAP ignores the diagonal). Names accepted in a specification:

``same_region``            1 if the two councils are in the same region.
``same_county``            1 if both have a county and it is the same. A county council is in its own
                           county, so a county and its districts are "same county". Councils with no county
                           (unitaries, metropolitan districts, London) are never "same county" -- a missing
                           county means "not in a two-tier area", not an unknown value.
``same_type``              1 if the two councils are of the same type.
``type_pairs``             one dummy per unordered pair of council types present, named
                           ``type_pair[A|B]`` (types sorted), except the reference pair
                           ``shire district|shire district`` (the most common pair), which would be collinear
                           with the intercept.
``distance_km``            Euclidean distance between centroids (British National Grid x, y in metres) / 1000.
``log_distance``           ln(1 + distance_km) (finite for any pair; ~ln distance beyond a few km).
``abs_diff_<var>``         |var_i - var_j| for a numeric column (or a derived one such as ``log_population``).
``same_party``             1 if both councils are controlled by the same party. **No overall control is
                           not a party**: two NOC councils are not "same party" (NOC is the absence of a
                           controlling party, not a shared affiliation). Recognised NOC labels: "NOC",
                           "No overall control" (any case). Likewise the residual category "other"
                           (independents, residents' groups, minor parties) is not one shared party.
``same_<column>``          1 if the two councils share a non-missing value of any other categorical column.

Missing values: a pair involving a council with a missing value (except a missing county) would make the
predictor undefined. ``predictor_matrices`` refuses such input with an error naming the councils; use
``complete_cases(table, spec)`` first, which returns the councils usable for a specification and a table
of the councils dropped and why, and subset the response the same way (``partner_selection_models``
does this for you).
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import numpy as np
import pandas as pd

from lgnet.stats.network import comembership, incidence
from lgnet.stats.propensity import add_derived

__all__ = [
    "DyadicInputError",
    "MODEL_SPECS",
    "RESOURCE_VARIABLES",
    "NOC_LABELS",
    "predictor_matrices",
    "distance_matrix",
    "response",
    "complete_cases",
    "spec_columns",
]

RESOURCE_VARIABLES = ["log_population", "ethnic_diversity", "age_diversity", "reserves_ratio",
                      "external_income_ratio"]
#: party_control values that are not one shared party: no overall control, and the attributes table's
#: residual category "other" (independents, residents' groups, minor parties -- different from each other).
NOC_LABELS = {"noc", "no overall control", "other"}
TYPE_PAIR_REFERENCE = ("shire district", "shire district")

#: Named model specifications following the article's sequence of partner-selection models.
MODEL_SPECS: dict[str, list[str]] = {
    "proximity": ["distance_km"],
    "organisational": ["same_region", "same_county", "same_type", "distance_km"],
    "resource": [f"abs_diff_{v}" for v in RESOURCE_VARIABLES],
    "political": ["same_party"],
    "political_region": ["same_party", "same_region"],
    "organisational_resource": ["same_region", "same_county", "same_type", "distance_km"]
    + [f"abs_diff_{v}" for v in RESOURCE_VARIABLES],
    "combined": ["same_region", "same_county", "same_type", "distance_km"]
    + [f"abs_diff_{v}" for v in RESOURCE_VARIABLES] + ["same_party"],
}


class DyadicInputError(ValueError):
    """A table that cannot give the requested predictor (missing column or values)."""


def spec_columns(spec: list[str]) -> list[str]:
    """The table columns a specification needs (``log_population`` counts as ``population``)."""
    cols: list[str] = []
    for item in spec:
        if item in ("distance_km", "log_distance"):
            need = ["x", "y"]
        elif item == "type_pairs":
            need = ["type"]
        elif item == "same_party":
            need = ["party_control"]
        elif item.startswith("abs_diff_"):
            need = [item[len("abs_diff_"):]]
        elif item.startswith("same_"):
            need = [item[len("same_"):]]
        else:
            raise DyadicInputError(f"unknown predictor {item!r}; see lgnet.stats.dyadic's docstring for the names")
        cols.extend(c for c in need if c not in cols)
    return cols


def complete_cases(table: pd.DataFrame, spec: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Which councils have every value ``spec`` needs: (boolean mask over rows, table of dropped councils).

    The dropped table has code, name (if present), variable and reason. A missing county is not missing
    (it means "not in a county").
    """
    data = add_derived(table)
    cols = spec_columns(spec)
    absent = [c for c in cols if c not in data.columns]
    if absent:
        raise DyadicInputError(f"table has no column(s) {absent} needed by {spec}")
    keep = np.ones(len(data), dtype=bool)
    rows = []
    for c in cols:
        if c == "county":
            continue
        miss = data[c].isna().to_numpy()
        keep &= ~miss
        for i in np.flatnonzero(miss):
            rows.append({"code": str(data["code"].iloc[i]) if "code" in data.columns else i,
                         "name": str(data["name"].iloc[i]) if "name" in data.columns else "",
                         "variable": c, "reason": f"missing value of {c}"})
    return keep, pd.DataFrame(rows, columns=["code", "name", "variable", "reason"])


def distance_matrix(table: pd.DataFrame) -> np.ndarray:
    """Pairwise Euclidean distances in km between council centroids (x, y in BNG metres)."""
    xy = table[["x", "y"]].to_numpy(dtype=float)
    if np.isnan(xy).any():
        i = int(np.flatnonzero(np.isnan(xy).any(axis=1))[0])
        raise DyadicInputError(f"council {table['code'].iloc[i] if 'code' in table else i} has no centroid (x, y)")
    diff = xy[:, None, :] - xy[None, :, :]
    return np.sqrt((diff ** 2).sum(axis=-1)) / 1000.0


def _same(values: pd.Series) -> np.ndarray:
    """1 where both non-missing and equal, 0 elsewhere (diagonal 0)."""
    codes, _uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    m = (codes[:, None] == codes[None, :]) & (codes[:, None] >= 0)
    out = m.astype(float)
    np.fill_diagonal(out, 0)
    return out


def _require_complete(data: pd.DataFrame, col: str, item: str):
    miss = data[col].isna().to_numpy()
    if miss.any():
        who = data["code"].astype("string")[miss].tolist() if "code" in data.columns else list(np.flatnonzero(miss))
        raise DyadicInputError(
            f"{item}: {int(miss.sum())} council(s) have no {col}: {who[:10]}; drop them first with "
            "lgnet.stats.dyadic.complete_cases(table, spec) (and subset the response the same way)"
        )


def _type_pairs(types: pd.Series) -> dict[str, np.ndarray]:
    t = types.astype("string").to_numpy()
    levels = sorted(set(t))
    out = {}
    for a, b in combinations_with_replacement(levels, 2):
        if (a, b) == TYPE_PAIR_REFERENCE:
            continue
        ia, ib = (t == a), (t == b)
        m = (ia[:, None] & ib[None, :]) | (ib[:, None] & ia[None, :])
        m = m.astype(float)
        np.fill_diagonal(m, 0)
        if m.any():
            out[f"type_pair[{a}|{b}]"] = m
    return out


def predictor_matrices(table: pd.DataFrame, spec: list[str]) -> dict[str, np.ndarray]:
    """The dyadic predictors named in ``spec`` over the table's councils (row order kept).

    Returns ``{name: n x n float ndarray}`` (symmetric, zero diagonal) in the order of ``spec``
    (``type_pairs`` expands into several entries). See the module docstring for the definitions.
    """
    data = add_derived(table).reset_index(drop=True)
    spec_columns(spec)  # validates names
    out: dict[str, np.ndarray] = {}
    dist = None
    for item in spec:
        if item in ("distance_km", "log_distance"):
            if dist is None:
                dist = distance_matrix(data)
            out[item] = dist.copy() if item == "distance_km" else np.log1p(dist)
        elif item == "same_county":
            if "county" not in data.columns:
                raise DyadicInputError("same_county: table has no 'county' column")
            out[item] = _same(data["county"])
        elif item == "same_party":
            if "party_control" not in data.columns:
                raise DyadicInputError("same_party: table has no 'party_control' column")
            _require_complete(data, "party_control", item)
            party = data["party_control"].astype("string").str.strip()
            party = party.where(~party.str.lower().isin(NOC_LABELS), pd.NA)
            out[item] = _same(party)
        elif item == "type_pairs":
            _require_complete(data, "type", item)
            out.update(_type_pairs(data["type"]))
        elif item.startswith("abs_diff_"):
            var = item[len("abs_diff_"):]
            if var not in data.columns:
                raise DyadicInputError(f"{item}: table has no column {var!r}")
            _require_complete(data, var, item)
            v = pd.to_numeric(data[var], errors="raise").to_numpy(dtype=float)
            out[item] = np.abs(v[:, None] - v[None, :])
        elif item.startswith("same_"):
            var = item[len("same_"):]
            if var not in data.columns:
                raise DyadicInputError(f"{item}: table has no column {var!r}")
            _require_complete(data, var, item)
            out[item] = _same(data[var])
    return out


def response(pdata, councils: pd.DataFrame, binary: bool = False) -> np.ndarray:
    """The co-membership matrix over the council table's rows: valued (shared partnerships) or binary."""
    W = comembership(incidence(pdata, councils).matrix)
    return (W > 0).astype(np.int64) if binary else W
