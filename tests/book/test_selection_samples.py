"""Chapter 3's models: a council leaves a model only for the variables in that model, and the note under the
tables states each model's n and exclusions (issue: samples per model)."""

from __future__ import annotations

import numpy as np

from lgnet.book.chapters.selection import selection_sample_note
from lgnet.stats import selection


def test_a_council_without_party_leaves_only_the_models_with_party(network_fx):
    pdata, t = network_fx
    t = t.copy()
    t.loc[0, "party_control"] = np.nan
    specs = {"proximity": ["distance_km"], "political": ["same_party"]}
    res = selection.partner_selection_models(pdata, t, specs=specs, permutations=9, seed=1, common_sample=False)
    s = res.summary().set_index("model")
    assert s.loc["proximity", "n_councils"] == 12 and s.loc["political", "n_councils"] == 11
    note = selection_sample_note(res)
    assert "proximity: n = 12 councils, 66 pairs of councils (dyads); no council excluded" in note
    assert "political: n = 11 councils, 55 pairs of councils (dyads); 1 councils excluded" in note
    assert "compare only approximately" in note


def test_one_sample_is_stated_once(network_fx):
    pdata, t = network_fx
    res = selection.partner_selection_models(pdata, t, specs={"proximity": ["distance_km"]}, permutations=9,
                                             seed=1, common_sample=False)
    assert selection_sample_note(res).startswith("n = 12 councils, 66 pairs of councils (dyads) in every model")
