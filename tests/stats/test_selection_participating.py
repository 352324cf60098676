"""partner_selection_models(councils="participating"): the models restricted to councils with at least one
partnership in the data (undocumented pairs are not known non-ties). On the 12-council fixture "Lon A" is in
no partnership, so the restriction removes it, its 11 dyads, and changes the fit."""

from __future__ import annotations

from dataclasses import replace

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


def test_a_predictor_constant_among_the_councils_is_left_out_and_said(network_fx):
    """Councils all in one region (an analyst's county list, restricted to its participants): same_region is the
    same for every pair, so it cannot be estimated. It is left out of that model with the reason, the rest of
    the model is fitted; a model with nothing left is reported as not fitted, never an exception."""
    pdata, t = network_fx
    keep = ["P1", "P2", "P6"]  # the partnerships whose members are all in the North West
    pdata = replace(pdata, partnerships=pdata.partnerships[pdata.partnerships["partnership_id"].isin(keep)],
                    memberships=pdata.memberships[pdata.memberships["partnership_id"].isin(keep)])
    codes = set(pdata.memberships["code"])
    assert set(t.loc[t["code"].isin(codes), "region"]) == {"North West"}
    north_west = t[t["code"].isin(codes)].reset_index(drop=True)
    specs = {"region": ["same_region", "distance_km"], "only_region": ["same_region"]}
    res = selection.partner_selection_models(pdata, t, specs=specs, permutations=9, seed=1,
                                             common_sample=False, councils="participating")
    assert list(res.models) == ["region"]
    assert list(res.models["region"].table()["term"]) == ["(intercept)", "distance_km"]
    assert [o["predictor"] for o in res.omitted["region"]] == ["same_region"]
    assert "every pair" in res.omitted["region"][0]["reason"]
    assert "only_region" in res.not_fitted and "same_region" in res.not_fitted["only_region"]
    assert res.summary()["predictors"].tolist() == ["distance_km"]
    expected = qap.mrqap(dyadic.response(pdata, north_west),
                         dyadic.predictor_matrices(north_west, ["distance_km"]), permutations=9, seed=1)
    np.testing.assert_allclose(res.models["region"].table()["estimate"], expected.table()["estimate"])
