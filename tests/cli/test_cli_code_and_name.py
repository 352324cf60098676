"""A council given both by GSS code and by name: when the two name different councils the file is wrong, and
which one is meant is not guessed (an error naming the row, both values and both councils)."""

from __future__ import annotations

import pytest

from lgnet.cli.entry import main

pytestmark = pytest.mark.usefixtures("raw_data")


def _check(path, capsys):
    rc = main(["check", str(path), "--year", "2017"])
    cap = capsys.readouterr()
    return rc, cap.out + cap.err


def _tidy(folder, memberships: list[str]):
    (folder / "partnerships.csv").write_text("partnership_id,name,nature,function\nT1,Surrey waste,frontline,waste\n",
                                             encoding="utf-8")
    (folder / "memberships.csv").write_text("partnership_id,code,council_name_as_written\n" + "\n".join(memberships)
                                            + "\n", encoding="utf-8")
    return folder


def test_tidy_code_and_name_that_disagree_is_an_error(tmp_path, capsys):
    rc, out = _check(_tidy(tmp_path, ["T1,E07000207,Surrey Heath", "T1,E07000210,Mole Valley"]), capsys)
    assert rc == 2
    assert "row 2" in out and "E07000207" in out and "Surrey Heath" in out and "Elmbridge" in out


def test_tidy_code_and_name_that_agree_or_a_name_not_recognised_is_fine(tmp_path, capsys):
    rc, out = _check(_tidy(tmp_path, ["T1,E07000214,Surrey Heath", "T1,E07000210,MVDC waste team"]), capsys)
    assert rc == 0, out


@pytest.mark.parametrize("cell, rc, expected", [
    ("Surrey Heath (E07000214); Mole Valley", 0, []),
    ("Surrey Heath (E07000207); Mole Valley", 2, ["Surrey Heath (E07000207)", "Elmbridge", "E07000214"]),
])
def test_wide_name_with_its_code_in_brackets(tmp_path, capsys, cell, rc, expected):
    f = tmp_path / "wide.csv"
    f.write_text(f'name,nature,function,members\nA,frontline,waste,"{cell}"\n', encoding="utf-8")
    got, out = _check(f, capsys)
    assert got == rc, out
    for e in expected:
        assert e in out
