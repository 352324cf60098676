"""lgnet.book.chapters.terms: readable predictor names, and distance coefficients shown per 100 km.

Showing a coefficient per 100 km is display only: refitting with the predictor in units of 100 km gives
the displayed coefficient and the same p-values (MRQAP and logistic QAP), which these tests check."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lgnet.stats import qap
from lgnet.book.chapters import selection as chapter_selection
from lgnet.book.chapters import terms
from lgnet.book.chapters.run import setup


def _dyads(n: int = 14, seed: int = 5):
    """A small symmetric network whose ties fall with distance, plus a same-group predictor."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 200, size=(n, 2))
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    group = rng.integers(0, 2, n)
    same = (group[:, None] == group[None, :]).astype(float)
    p = 1 / (1 + np.exp(-(0.8 * same - dist / 60)))
    y = np.triu((rng.uniform(size=(n, n)) < p).astype(float), 1)
    y = y + y.T
    np.fill_diagonal(same, 0)
    return y, same, dist


@pytest.mark.parametrize("fit", [qap.mrqap, qap.logistic_qap], ids=["mrqap", "logistic"])
def test_per_100_km_is_a_rescaling_of_the_fit_in_km(fit):
    y, same, dist = _dyads()
    km = fit(y, {"same_group": same, "distance_km": dist}, permutations=49, seed=3).table()
    hundreds = fit(y, {"same_group": same, "distance_km": dist / 100}, permutations=49, seed=3).table()
    shown = terms.shown_estimates(km.assign(model="m"))
    assert shown["estimate"].to_numpy() == pytest.approx(hundreds["estimate"].to_numpy(), rel=1e-6, abs=1e-9)
    assert km["p_value"].to_list() == hundreds["p_value"].to_list()
    assert km["estimate"].iloc[-1] != pytest.approx(shown["estimate"].iloc[-1])  # distance did change


def test_term_labels_state_the_display_unit():
    assert terms.term_label("distance_km") == "distance (per 100 km)"
    assert terms.shown("distance_km", -0.002) == pytest.approx(-0.2)
    assert terms.shown("same_region", 0.03) == 0.03
    assert terms.term_label("abs_diff_made_up_variable") == "difference in made up variable"


class _FakeModel:
    def __init__(self, coefs: pd.DataFrame):
        self.coefs = coefs

    def table(self):
        return self.coefs.assign(t=self.coefs["estimate"] * 10)


class _FakeSelection:
    """The parts of lgnet.stats.selection.SelectionResult the tables read."""

    permutations, seed = 9999, 0  # p = 0.0 below is read at the floor 1/10000: ***
    dropped = pd.DataFrame(columns=["code", "name", "variable", "reason"])

    def __init__(self, models):
        self.models = {m: _FakeModel(pd.DataFrame({"term": ["(intercept)", "same_region", "distance_km"],
                                                   "estimate": [0.1, 0.05, -0.002], "p_value": [0.5, 0.004, 0.0]}))
                       for m in models}

    def coefficients(self):
        return pd.concat([m.table().assign(model=name) for name, m in self.models.items()], ignore_index=True)

    def summary(self):
        return pd.DataFrame({"model": list(self.models), "r_squared": 0.2,
                             "predictors": "same_region, distance_km", "n_councils": 6, "n_dyads": 15})


def test_partner_selection_tables_show_distance_per_100_km(monkeypatch):
    monkeypatch.setattr(chapter_selection, "_selection", lambda k, perms, models, logistic: _FakeSelection(models))
    monkeypatch.setattr(chapter_selection, "_predictor_sds", lambda k, m, n: {"distance_km": 50.0})
    run = setup(permutations=9)
    wide = chapter_selection.partner_coefficients(run)
    assert wide.loc["distance (per 100 km)", "combined"] == "-0.200***"
    assert wide.loc["same region", "combined"] == "0.0500**"
    logit = chapter_selection.logistic_table(run)
    row = logit.loc[("combined", "distance (per 100 km)")]
    assert row["estimate (log-odds)"] == "-0.200"
    assert row["odds ratio per"] == "1 SD (50.0 km)"  # odds ratios per SD of the predictor over the pairs
    assert row["odds ratio"] == f"{np.exp(-0.002 * 50):.3g}"
    assert chapter_selection.coefficient_text(chapter_selection.coefficient(run, "combined", "distance_km")) == \
        "−0.200, p < 0.001"
