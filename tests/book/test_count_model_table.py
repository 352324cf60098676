"""The count-model table's standard-error header follows the fit's own se_type field (not its family's name)."""

from __future__ import annotations

import pandas as pd
import pytest

from lgnet.book.chapters import propensity as chapter


class _FakeResult:
    def __init__(self, family: str, se_type: str):
        self.family, self.se_type = family, se_type

    def count_model(self):
        return pd.DataFrame({"term": ["const", "x"], "estimate": [0.5, 0.3], "se": [0.1, 0.05],
                             "p": [0.01, 0.2], "irr": [1.65, 1.35]})

    def count_fit(self):
        return pd.DataFrame([{"model": "combined", "converged": True, "n": 100, "family": self.family,
                              "se_type": self.se_type, "mcfadden_r2": 0.1, "dispersion": 1.1, "alpha": 0.4,
                              "p_alpha": 0.01, "fallback": "", "warnings": ""}])

    def dropped(self):
        return pd.DataFrame(columns=["model", "variable", "n_dropped", "codes", "reason"])


@pytest.mark.parametrize("family, se_type, header", [
    ("Poisson", "robust", "standard error (robust)"),
    ("negative binomial", "model-based", "standard error"),
    ("Poisson", "model-based", "standard error"),  # the field decides, not the family's name
])
def test_standard_error_header_follows_se_type(monkeypatch, family, se_type, header):
    monkeypatch.setattr(chapter, "propensity_result", lambda run, dataset=None: _FakeResult(family, se_type))
    table = chapter.propensity_count_model(run=None)
    assert header in table.columns
    assert not ({"standard error", "standard error (robust)"} - {header}) & set(table.columns)
