"""The simulated stand-in: determinism, calibration to the article's marginals, planted effects, markers, CLI."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest

from lgnet.data import simulate as sim
from lgnet.data.partnership_data import NATURES
from lgnet.data.simulate import (
    DEFAULT_SEED,
    CalibrationTargets,
    PlantedEffects,
    SimulationInputError,
    calibration_table,
    network_measures,
    simulate,
    simulate_partnerships,
    write_tidy,
)

# --------------------------------------------------------------------------------------------------
# A small fake council table: 60 councils on a 10 x 6 grid (15 km apart), 3 regions, 4 counties
# --------------------------------------------------------------------------------------------------

COUNTY_BLOCKS = {  # county -> (columns, rows) of its cells; the first cell is the county council
    "A": (range(0, 2), range(0, 4)),
    "B": (range(2, 4), range(0, 4)),
    "C": (range(4, 7), range(0, 4)),
    "D": (range(7, 10), range(0, 4)),
}


def fixture_councils() -> pd.DataFrame:
    rows = []
    for i in range(60):
        col, row = i % 10, i // 10
        region = "Region 1" if col < 4 else "Region 2" if col < 7 else "Region 3"
        rows.append({"code": f"X{i:03d}", "name": f"Council {i}", "region": region,
                     "x": 400_000 + col * 15_000 + (i * 7 % 5) * 1_000,
                     "y": 200_000 + row * 15_000 + (i * 3 % 4) * 1_000,
                     "col": col, "row": row})
    table = pd.DataFrame(rows)
    table["type"] = "unitary"
    table["county"] = pd.Series([pd.NA] * len(table), dtype="string")
    for cols, rws in COUNTY_BLOCKS.values():
        cells = table.index[table["col"].isin(cols) & table["row"].isin(rws)]
        county_code = table.at[cells[0], "code"]
        table.loc[cells, "type"] = "shire district"
        table.loc[cells[0], "type"] = "county"
        table.loc[cells, "county"] = county_code
    lower = table["row"] >= 4
    table.loc[lower & table["col"].between(4, 6), "type"] = "metropolitan district"
    table.loc[lower & (table["col"] >= 7), "type"] = "London borough"
    return table.drop(columns=["col", "row"])


FIXTURE_TARGETS = CalibrationTargets(
    n_partnerships=58,
    nature_counts=(("frontline", 31), ("administrative", 22), ("mixed", 5)),
    degree_max_low=10,
    region_homophily_min=1.5,
    county_homophily_min=2.0,
    type_r2_max=0.25,
)


@pytest.fixture(scope="module")
def councils() -> pd.DataFrame:
    return fixture_councils()


@pytest.fixture(scope="module")
def fixture_run(councils):
    return simulate_partnerships(councils, seed=11, targets=FIXTURE_TARGETS, year=2017)


def test_fixture_table_is_what_the_tests_assume(councils):
    assert len(councils) == 60 and councils["code"].is_unique
    assert councils["type"].value_counts().to_dict() == {
        "shire district": 36, "unitary": 8, "metropolitan district": 6, "London borough": 6, "county": 4}
    assert councils["region"].nunique() == 3
    assert councils["county"].dropna().nunique() == 4


# --------------------------------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_tables(councils, fixture_run):
    again = simulate_partnerships(councils, seed=11, targets=FIXTURE_TARGETS, year=2017)
    pd.testing.assert_frame_equal(again.partnerships, fixture_run.partnerships)
    pd.testing.assert_frame_equal(again.memberships, fixture_run.memberships)
    assert again.meta == fixture_run.meta


def test_different_seed_gives_different_tables(councils, fixture_run):
    other = simulate_partnerships(councils, seed=12, targets=FIXTURE_TARGETS, year=2017)
    assert not other.memberships.equals(fixture_run.memberships)


def test_input_row_order_does_not_matter(councils, fixture_run):
    shuffled = councils.sample(frac=1.0, random_state=3)
    again = simulate_partnerships(shuffled, seed=11, targets=FIXTURE_TARGETS, year=2017)
    pd.testing.assert_frame_equal(again.memberships, fixture_run.memberships)


# --------------------------------------------------------------------------------------------------
# Structure, calibration and planted effects on the fixture
# --------------------------------------------------------------------------------------------------


def test_fixture_meets_its_targets(fixture_run):
    table = calibration_table(fixture_run)
    assert list(table.columns) == ["target", "required", "achieved", "met"]
    assert table["met"].dtype == bool
    assert table["met"].all(), table[~table["met"]].to_string()


def test_structure_and_exact_counts(councils, fixture_run):
    p, m = fixture_run.partnerships, fixture_run.memberships
    assert len(p) == 58 and p["partnership_id"].is_unique
    assert p["nature"].value_counts().to_dict() == {"frontline": 31, "administrative": 22, "mixed": 5}
    assert list(m.columns) == ["partnership_id", "code", "council_name_as_written"]
    assert not m.duplicated(["partnership_id", "code"]).any()
    assert set(m["partnership_id"]) == set(p["partnership_id"])
    assert set(m["code"]) <= set(councils["code"])
    sizes = m.groupby("partnership_id").size()
    assert (sizes >= 2).all()
    assert (p.set_index("partnership_id")["size"] == sizes.reindex(p["partnership_id"]).to_numpy()).all()
    names = councils.set_index("code")["name"]
    assert (m["council_name_as_written"].to_numpy() == names.reindex(m["code"]).to_numpy()).all()


def test_degrees_follow_the_latent_activity(councils, fixture_run):
    """Every participating council's degree is max(1, round(activity)); the least active are in none."""
    activity = pd.Series(fixture_run.meta["latent_activity"])
    degree = fixture_run.memberships["code"].value_counts().reindex(activity.index, fill_value=0)
    active = degree > 0
    assert (degree[active] == np.maximum(1, np.rint(activity[active])).astype(int)).all()
    assert activity[~active].max() < activity[active].min()


def test_markers_everywhere(fixture_run):
    assert fixture_run.simulated is True and fixture_run.dataset == "simulated"
    assert fixture_run.meta["marker"] == "SIMULATED" and fixture_run.meta["SIMULATED"] is True
    p = fixture_run.partnerships
    assert p["partnership_id"].str.fullmatch(r"SIM\d{3}").all()
    assert p["name"].str.startswith("Simulated ").all()
    assert p["simulated"].all()
    assert all(f"({fun})" in name for name, fun in zip(p["name"], p["function"]))
    assert "simulated" in fixture_run.label


def test_functions_follow_nature(fixture_run):
    p = fixture_run.partnerships
    effects = PlantedEffects()
    for nature in NATURES:
        allowed = {name for name, _ in effects.functions(nature)}
        assert set(p.loc[p["nature"] == nature, "function"]) <= allowed


def test_frontline_ties_are_shorter(councils, fixture_run):
    distances = network_measures(fixture_run.partnerships, fixture_run.memberships, councils)["mean_distance_km"]
    assert distances["frontline"] < distances["administrative"]


def test_region_and_county_homophily_visible(councils, fixture_run):
    a = network_measures(fixture_run.partnerships, fixture_run.memberships, councils)
    assert a["intra_region_share"] > 1.5 * a["intra_region_expected"]
    assert a["intra_county_share"] > 2 * a["intra_county_expected"]


def test_without_planted_geography_the_homophily_disappears(councils, fixture_run):
    """The measures respond to the planted effects: switch them off and intra-region ties fall to chance."""
    flat = PlantedEffects(beta_region=0.0, beta_county=0.0, beta_type=0.0,
                          distance_scale_km=(("frontline", 1e9), ("mixed", 1e9), ("administrative", 1e9)))
    pdata = simulate_partnerships(councils, seed=11, targets=FIXTURE_TARGETS, effects=flat)
    a = network_measures(pdata.partnerships, pdata.memberships, councils)
    planted = fixture_run.meta["achieved"]
    assert a["intra_region_share"] < 1.3 * a["intra_region_expected"]
    assert a["intra_region_share"] < planted["intra_region_share"] - 0.2
    table = calibration_table(pdata)
    assert not table.set_index("target").loc["intra-region ties vs random pairing", "met"]
    assert pdata.meta["all_targets_met"] is False


def test_unreachable_target_is_reported_not_hidden(councils):
    impossible = CalibrationTargets(**{**vars(FIXTURE_TARGETS), "degree_max_low": 100, "degree_max_high": 200})
    pdata = simulate_partnerships(councils, seed=11, targets=impossible)
    table = calibration_table(pdata).set_index("target")
    assert not table.loc["most partnerships of one council", "met"]
    assert table.drop(index="most partnerships of one council")["met"].all()


def test_calibration_table_recomputed_from_councils_matches_stored(councils, fixture_run):
    stored = calibration_table(fixture_run)
    fresh = calibration_table(fixture_run, councils=councils)
    pd.testing.assert_frame_equal(stored, fresh)


def test_type_effect_is_planted_in_activity(councils):
    """Metropolitan districts' latent activity is scaled by the planted multiplier, nothing else is."""
    one_draw = dict(max_degree_draws=1)
    base = sim._degree_sequence(np.random.default_rng(5), councils, FIXTURE_TARGETS, PlantedEffects(**one_draw))
    lowered = sim._degree_sequence(np.random.default_rng(5), councils, FIXTURE_TARGETS,
                                   PlantedEffects(type_activity=(("metropolitan district", 0.5),), **one_draw))
    metro = (councils["type"] == "metropolitan district").to_numpy()
    np.testing.assert_allclose(lowered[0][metro] / base[0][metro], 0.5 / 0.75)
    np.testing.assert_allclose(lowered[0][~metro], base[0][~metro])


# --------------------------------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------------------------------


def test_missing_column_is_named(councils):
    with pytest.raises(SimulationInputError, match=r"missing column.*'x'"):
        simulate_partnerships(councils.drop(columns=["x"]), seed=1, targets=FIXTURE_TARGETS)


def test_missing_centroid_names_the_row(councils):
    broken = councils.copy()
    broken.loc[7, "y"] = np.nan
    with pytest.raises(SimulationInputError, match=r"row 7 \(code X007\): missing y"):
        simulate_partnerships(broken, seed=1, targets=FIXTURE_TARGETS)


def test_unknown_type_and_duplicate_code(councils):
    broken = councils.copy()
    broken.loc[3, "type"] = "parish"
    with pytest.raises(SimulationInputError, match="'parish'"):
        simulate_partnerships(broken, seed=1, targets=FIXTURE_TARGETS)
    duplicated = councils.copy()
    duplicated.loc[4, "code"] = "X003"
    with pytest.raises(SimulationInputError, match="duplicated code"):
        simulate_partnerships(duplicated, seed=1, targets=FIXTURE_TARGETS)


def test_inconsistent_targets_and_bad_seed(councils):
    with pytest.raises(SimulationInputError, match="nature_counts"):
        CalibrationTargets(n_partnerships=10)
    with pytest.raises(SimulationInputError, match="seed"):
        simulate_partnerships(councils, seed=-1, targets=FIXTURE_TARGETS)
    with pytest.raises(SimulationInputError, match="seed"):
        simulate_partnerships(councils, seed=None, targets=FIXTURE_TARGETS)


def test_too_many_partnerships_for_the_councils(councils):
    """338 partnerships over 60 councils with ~4 each cannot work: a clear error, not a broken network."""
    with pytest.raises(SimulationInputError, match="memberships cannot fill 338 partnerships"):
        simulate_partnerships(councils, seed=1)


# --------------------------------------------------------------------------------------------------
# Writing the tidy files
# --------------------------------------------------------------------------------------------------


def test_write_tidy(tmp_path, fixture_run):
    paths = write_tidy(fixture_run, tmp_path / "out")
    assert [p.name for p in paths] == ["partnerships.csv", "memberships.csv", "simulation.json"]
    partnerships = pd.read_csv(paths[0])
    memberships = pd.read_csv(paths[1])
    meta = json.loads(paths[2].read_text(encoding="utf-8"))
    assert partnerships["simulated"].all() and len(partnerships) == 58
    assert list(memberships.columns) == ["partnership_id", "code", "council_name_as_written"]
    assert len(memberships) == len(fixture_run.memberships)
    assert meta["marker"] == "SIMULATED" and meta["seed"] == 11 and meta["year"] == 2017
    assert meta["targets"]["nature_counts"] == {"frontline": 31, "administrative": 22, "mixed": 5}
    assert meta["planted_effects"]["beta_region"] == PlantedEffects().beta_region
    assert meta["planted_effects"]["distance_scale_km"]["frontline"] < meta["planted_effects"]["distance_scale_km"]["administrative"]
    assert len(meta["calibration"]) == len(calibration_table(fixture_run))
    assert meta["achieved"]["n_partnerships"] == 58
    # writing the same simulated output again is allowed (it is regenerated, not someone's file)
    write_tidy(fixture_run, tmp_path / "out")


def test_write_tidy_refuses_to_overwrite_other_files(tmp_path, fixture_run):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "partnerships.csv").write_text("partnership_id,name\nP1,My real data\n", encoding="utf-8")
    with pytest.raises(SimulationInputError, match="not simulated output"):
        write_tidy(fixture_run, folder)
    assert "My real data" in (folder / "partnerships.csv").read_text(encoding="utf-8")


def test_write_tidy_refuses_non_simulated_data(tmp_path, fixture_run):
    from lgnet.data.partnership_data import PartnershipData

    real = PartnershipData(fixture_run.partnerships, fixture_run.memberships, 2017, "documented")
    with pytest.raises(SimulationInputError, match="not simulated"):
        write_tidy(real, tmp_path / "x")


# --------------------------------------------------------------------------------------------------
# The CLI (on the fixture: the council table is swapped for the fake one)
# --------------------------------------------------------------------------------------------------


def test_cli_help():
    from lgnet.cli.entry import build_parser

    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["simulate", "--help"])
    assert exc.value.code == 0


@pytest.mark.parametrize("targets, code", [(FIXTURE_TARGETS, 0),
                                           (CalibrationTargets(**{**vars(FIXTURE_TARGETS), "degree_max_low": 100,
                                                                  "degree_max_high": 200}), 1)])
def test_cli_exit_code_follows_targets(monkeypatch, tmp_path, capsys, councils, targets, code):
    from lgnet.cli.entry import main

    def fake_simulate(year=2017, seed=DEFAULT_SEED, targets=targets, effects=None):
        return simulate_partnerships(councils, seed=seed, targets=targets, year=year)

    monkeypatch.setattr(sim, "simulate", fake_simulate)
    assert main(["simulate", "--seed", "3", "--out", str(tmp_path / "o")]) == code
    out = capsys.readouterr().out
    assert "SIMULATED" in out and "target" in out and "achieved" in out
    assert (tmp_path / "o" / "simulation.json").exists()
    if code:
        assert "targets not met: most partnerships of one council" in out


def test_cli_default_out_is_under_runs():
    from lgnet.data import paths
    from lgnet.cli.simulate import default_out

    assert default_out(2019, 7) == paths.RUNS / "simulated" / "2019-seed7"


# --------------------------------------------------------------------------------------------------
# The real councils (needs the raw public data)
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_2017(raw_data):
    start = time.perf_counter()
    pdata = simulate(2017, DEFAULT_SEED)
    return pdata, time.perf_counter() - start


def test_2017_default_seed_meets_every_target(default_2017):
    pdata, seconds = default_2017
    table = calibration_table(pdata)
    assert table["met"].all(), table[~table["met"]].to_string()
    assert pdata.meta["n_councils"] == 353 and pdata.year == 2017
    assert seconds < 5
    a = pdata.meta["achieved"]
    assert a["nature_counts"] == {"frontline": 182, "administrative": 127, "mixed": 29}
    assert 0.97 <= a["participation"] <= 0.985
    assert a["degree_median"] == 3 and abs(a["degree_mean"] - 4.0) <= 0.3 and 25 <= a["degree_max"] <= 40


def test_2017_is_deterministic(default_2017):
    again = simulate(2017, DEFAULT_SEED)
    pd.testing.assert_frame_equal(again.memberships, default_2017[0].memberships)
    pd.testing.assert_frame_equal(again.partnerships, default_2017[0].partnerships)


def test_load_partnerships_simulated_uses_default_seed(default_2017):
    from lgnet.data.partnerships import load_partnerships

    pdata = load_partnerships("simulated", 2017)
    pd.testing.assert_frame_equal(pdata.memberships, default_2017[0].memberships)


@pytest.mark.parametrize("seed", [1, 2, 3, 42, 12345])
def test_2017_other_seeds_meet_every_target(raw_data, seed):
    pdata = simulate(2017, seed)
    table = calibration_table(pdata)
    assert table["met"].all(), table[~table["met"]].to_string()


@pytest.mark.parametrize("year", [2019, 2023])
def test_other_years(raw_data, year):
    from lgnet.data.councils import council_table

    pdata = simulate(year, DEFAULT_SEED)
    table = calibration_table(pdata)
    assert table["met"].all(), table[~table["met"]].to_string()
    assert pdata.year == year and len(pdata.partnerships) == 338
    assert set(pdata.memberships["code"]) <= set(council_table(year)["code"])


def test_2017_planted_effects_visible(raw_data, default_2017):
    from lgnet.data.councils import council_table

    councils = council_table(2017)
    pdata = default_2017[0]
    a = network_measures(pdata.partnerships, pdata.memberships, councils)
    assert a["mean_distance_km"]["frontline"] < 0.8 * a["mean_distance_km"]["administrative"]
    assert a["intra_region_share"] > 3 * a["intra_region_expected"]
    assert a["intra_county_share"] > 3 * a["intra_county_expected"]
    assert a["same_type_share"] > a["same_type_expected"]
    # counties partner with their own districts
    m = pdata.memberships.merge(councils[["code", "type", "county"]], on="code")
    county_partnerships = m.loc[m["type"] == "county", ["partnership_id", "code"]]
    with_own_district = county_partnerships.merge(
        m.loc[m["type"] == "shire district", ["partnership_id", "county"]],
        left_on=["partnership_id", "code"], right_on=["partnership_id", "county"])
    assert with_own_district["partnership_id"].nunique() > 0.5 * county_partnerships["partnership_id"].nunique()


def test_2017_metropolitan_districts_less_active_across_seeds(raw_data):
    from lgnet.data.councils import council_table

    councils = council_table(2017)
    gaps = []
    for seed in (DEFAULT_SEED, 1, 2, 3):
        means = simulate_partnerships(councils, seed, year=2017).meta["achieved"]["mean_degree_by_type"]
        others = np.mean([v for k, v in means.items() if k != "metropolitan district"])
        gaps.append(others - means["metropolitan district"])
    assert np.mean(gaps) > 0.3


def test_cli_on_real_councils(raw_data, tmp_path, capsys):
    from lgnet.cli.entry import main
    from lgnet.data.partnerships import load_partnerships

    out = tmp_path / "sim"
    assert main(["simulate", "--year", "2017", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "of 353)" in text
    assert "NO" not in text.split()
    # the tidy folder reads back through the project's own ingestion, every membership matched
    back = load_partnerships(out, 2017)
    assert len(back.partnerships) == 338
    assert back.simulated and back.meta["simulation"]["marker"] == "SIMULATED"
    original = pd.read_csv(out / "memberships.csv")
    assert sorted(zip(back.memberships["partnership_id"], back.memberships["code"])) == sorted(
        zip(original["partnership_id"], original["code"]))
    # `lgnet check` on the folder says it is simulated; on real data it does not
    assert main(["check", str(out), "--year", "2017", "--quiet"]) == 0
    assert "SIMULATED" in capsys.readouterr().out.splitlines()[1]
    assert main(["check", "documented", "--year", "2017", "--quiet"]) == 0
    assert "SIMULATED" not in capsys.readouterr().out
