"""`lgnet simulate` options that set the planted effects (for the method-validation exercises)."""

import json

import pytest

from lgnet.cli import simulate as cli_simulate
from lgnet.cli.entry import main
from lgnet.data.simulate import PlantedEffects


def test_effects_from_options_default_and_changed():
    parser_args = ["--beta-region", "0", "--beta-county", "2.5", "--distance-km", "frontline=80"]
    import argparse

    sub = argparse.ArgumentParser().add_subparsers()
    args = cli_simulate.add_parser(sub).parse_args(parser_args)
    effects = cli_simulate.effects_from_args(args)
    assert effects.beta_region == 0 and effects.beta_county == 2.5 and effects.beta_type == PlantedEffects().beta_type
    assert dict(effects.distance_scale_km) == {**dict(PlantedEffects().distance_scale_km), "frontline": 80.0}
    plain = cli_simulate.effects_from_args(cli_simulate.add_parser(argparse.ArgumentParser().add_subparsers())
                                           .parse_args([]))
    assert plain == PlantedEffects()


@pytest.mark.parametrize("bad", [["--distance-km", "frontline"], ["--distance-km", "weekly=3"],
                                 ["--distance-km", "frontline=-1"], ["--beta-region", "nan"]])
def test_bad_effect_options_are_clear_errors(capsys, tmp_path, bad):
    code = main(["simulate", "--year", "2017", "--out", str(tmp_path / "o"), *bad])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and ("--distance-km" in err or "--beta-region" in err)


def test_planted_effects_reach_the_output(tmp_path, capsys):
    code = main(["simulate", "--year", "2017", "--seed", "3", "--out", str(tmp_path / "o"), "--quiet",
                 "--beta-region", "0"])
    capsys.readouterr()
    assert code in (0, 1)  # 1: a calibration target missed (printed), the files are still written
    meta = json.loads((tmp_path / "o" / "simulation.json").read_text())
    assert "0" in json.dumps(meta) and (tmp_path / "o" / "partnerships.csv").is_file()
    planted = json.dumps(meta.get("planted_effects", meta.get("effects", meta)))
    assert '"beta_region": 0' in planted
