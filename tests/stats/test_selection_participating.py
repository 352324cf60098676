"""partner_selection_models(councils="participating"): the models restricted to councils with at least one
partnership in the data (undocumented pairs are not known non-ties). On the 12-council fixture "Lon A" is in
no partnership, so the restriction removes it, its 11 dyads, and changes the fit."""

from __future__ import annotations

import numpy as np
import pytest

from _network_fixture import position as pos
from lgnet.stats import dyadic, qap, selection

SPECS = {"proximity": ["distance_km"], "region": ["same_region", "distance_km"]}


def test_participating_drops_the_council_in_no_partnership_and_says_why(network_fx):
    pdata, t = network_fx
    full = selection.partner_selection_models(pdata, t, specs=SPECS, permutations=19, seed=3)
    part = selection.partner_selection_models(pdata, t, specs=SPECS, permutations=19, seed=3,
                                              councils="participating")
    assert full.n_councils == 12 and part.n_councils == 11
    assert full.summary()["n_dyads"].tolist() == [66, 66]
    assert part.summary()["n_dyads"].tolist() == [55, 55]
    lon_a = t["code"].iloc[pos(t, "Lon A")]
    assert part.dropped["code"].tolist() == [lon_a]
    assert "no partnership" in part.dropped["reason"].iloc[0]
    assert full.dropped.empty


def test_participating_fit_is_the_fit_on_the_participants_alone(network_fx):
    pdata, t = network_fx
    part = selection.partner_selection_models(pdata, t, specs={"p": ["distance_km"]}, permutations=19, seed=3,
                                              councils="participating")
    full = selection.partner_selection_models(pdata, t, specs={"p": ["distance_km"]}, permutations=19, seed=3)
    keep = t["name"] != "Lon A"
    sub = t[keep].reset_index(drop=True)
    expected = qap.mrqap(dyadic.response(pdata, sub), dyadic.predictor_matrices(sub, ["distance_km"]),
                         permutations=19, seed=3)
    got = part.models["p"].to_dict()
    assert got["r_squared"] == pytest.approx(expected.to_dict()["r_squared"])
    np.testing.assert_allclose(part.models["p"].table()["estimate"], expected.table()["estimate"])
    # the restriction changes the model: the 11 empty pairs of Lon A no longer pull the fit
    assert got["r_squared"] != pytest.approx(full.models["p"].to_dict()["r_squared"])


def test_participating_per_model_samples_and_bad_value(network_fx):
    pdata, t = network_fx
    res = selection.partner_selection_models(pdata, t, specs=SPECS, permutations=9, seed=1, common_sample=False,
                                             councils="participating")
    assert set(res.councils_by_model.values()) == {11}
    assert (res.dropped["reason"].str.contains("no partnership")).sum() == 2  # once per model
    with pytest.raises(ValueError, match="participating"):
        selection.partner_selection_models(pdata, t, specs=SPECS, permutations=9, councils="documented")
