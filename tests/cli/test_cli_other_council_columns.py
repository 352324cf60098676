"""A column of council names that is not the members column ("Lead council", "Host authority") is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from lgnet.cli.entry import main

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "analyst"


def check(capsys, *argv) -> tuple[int, str]:
    code = main(["check", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_lead_council_column_is_reported_with_how_to_include_it(raw_data, capsys):
    code, text = check(capsys, FIX / "lead_column.csv")
    assert code == 0
    assert "column 'Lead council' holds council names" in text
    assert "only 'Member councils' is read as the members" in text
    assert "add them to the 'Member councils' list" in text


def test_host_authority_outside_the_members_is_counted(raw_data, capsys, tmp_path):
    wide = tmp_path / "host.csv"
    wide.write_text(
        "Name,Nature,Function,Councils,Host authority,Notes\n"
        "A,frontline,waste,Breckland; South Norfolk,Norfolk County Council,kerbside\n"
        "B,administrative,ict,Worcester; Malvern Hills,Wychavon,hosted\n"
        "C,administrative,ict,Adur; Worthing,Adur,shared\n",
        encoding="utf-8",
    )
    code, text = check(capsys, wide)
    assert code == 0
    assert "column 'Host authority' holds council names (3 of the first 3" in text
    assert "in 2 of those rows the council is not in 'Councils'" in text
    assert "'Notes'" not in text  # free text is not council names


def test_no_warning_without_such_a_column(raw_data, capsys):
    code, text = check(capsys, FIX / "semicolon.csv")
    assert code == 0 and "holds council names" not in text


@pytest.mark.parametrize("order", [["A", "B", "C"], ["B", "C", "A"]])
def test_blank_lead_cells_do_not_shift_the_comparison(raw_data, capsys, tmp_path, order):
    """The lead council of each row is compared with that row's members, whatever blanks come before it."""
    rows = {"A": "A,frontline,waste,,Ashford; Dover", "B": "B,frontline,waste,Sutton,Sutton; Merton",
            "C": "C,frontline,waste,Croydon,Croydon; Bromley"}
    wide = tmp_path / "lead.csv"
    wide.write_text("name,nature,function,lead council,members\n" + "\n".join(rows[k] for k in order) + "\n",
                    encoding="utf-8")
    code, text = check(capsys, wide, "--year", "2017")
    assert code == 0
    assert "column 'lead council' holds council names" in text
    assert "is not in 'members'" not in text  # each lead council is among its own row's members
