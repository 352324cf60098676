"""Large wide files: members matched in batches (bounded memory) with the same result, and a progress bar."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lgnet.cli.entry import main
from lgnet.data import partnerships as P

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "analyst"


@pytest.mark.parametrize("name", ["ambiguous_context.csv", "abbreviations.csv", "parish_city.csv"])
def test_batches_give_the_same_data(raw_data, monkeypatch, name):
    whole = P.load_partnerships(FIX / name, year=2017)
    monkeypatch.setattr(P, "MATCH_BATCH", 2)  # a batch every row or two
    batched = P.load_partnerships(FIX / name, year=2017)
    pd.testing.assert_frame_equal(whole.memberships, batched.memberships)
    for key in ("warnings", "name_mappings", "name_mapping_counts", "exclusions", "duplicates"):
        assert whole.meta[key] == batched.meta[key], key


def test_repeated_council_in_a_long_file_names_its_first_row(raw_data, tmp_path, capsys):
    rows = ["Name,Nature,Function,Councils"]
    rows += [f"P{i},frontline,waste,Breckland; South Norfolk" for i in range(200)]
    rows.append("Twice,frontline,waste,Breckland; South Norfolk; Breckland District Council")
    wide = tmp_path / "long.csv"
    wide.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["check", str(wide)]) == 0
    out = capsys.readouterr().out
    assert "row 202: 'Breckland District Council' is listed twice in partnership R202 (first at row 202" in out


def test_progress_bar_on_stderr_for_large_files(raw_data, monkeypatch, capsys):
    monkeypatch.setattr(P, "PROGRESS_ROWS", 1)
    assert main(["check", str(FIX / "semicolon.csv"), "--quiet"]) == 0
    assert "matching members (semicolon.csv)" in capsys.readouterr().err
    monkeypatch.setattr(P, "PROGRESS_ROWS", 10**9)
    assert main(["check", str(FIX / "semicolon.csv"), "--quiet"]) == 0
    assert "matching members" not in capsys.readouterr().err
