"""Names that the record around them decides: the written name's own words come first, then the other members."""

from __future__ import annotations

import pytest

from lgnet.cli.entry import main


def _check(tmp_path, capsys, rows: list[str]) -> tuple[int, str]:
    f = tmp_path / "p.csv"
    f.write_text("Partnership,Nature,Function,Members\n" + "\n".join(rows) + "\n", encoding="utf-8")
    rc = main(["check", str(f), "--year", "2017"])
    cap = capsys.readouterr()
    return rc, cap.out + cap.err


def test_a_councils_own_official_name_is_never_overruled_by_context(raw_data, tmp_path, capsys):
    """'Newcastle City Council' is Newcastle upon Tyne's official name: beside a Worcestershire district it must
    not become Newcastle-under-Lyme (a borough, not a city)."""
    rc, out = _check(tmp_path, capsys, ['A,frontline,waste,"Newcastle City Council; Redditch Borough Council"'])
    assert rc == 0
    assert "'Newcastle City Council' -> Newcastle upon Tyne (E08000021)" in out
    assert "Newcastle-under-Lyme (E07000195) by" not in out


def test_the_context_message_names_what_decided(raw_data, tmp_path, capsys):
    rc, out = _check(tmp_path, capsys, ['A,frontline,waste,"Newcastle; Stafford Borough Council; Cannock Chase"',
                                        'B,frontline,waste,"Newcastle; Stoke-on-Trent City Council"'])
    assert rc == 0
    # Stafford shares Newcastle-under-Lyme's county; Stoke-on-Trent (a unitary) only its region
    assert "share its county, Staffordshire" in out
    assert "are in its region, West Midlands (Stoke-on-Trent)" in out
    assert "in Staffordshire" not in out.split("share its county")[0]


@pytest.mark.parametrize("written, code", [("Kingston upon Hull City Council", "E06000010"),
                                           ("Richmondshire District Council", "E07000166")])
def test_full_names_need_no_context(raw_data, tmp_path, capsys, written, code):
    rc, out = _check(tmp_path, capsys, [f'A,frontline,waste,"{written}; Camden"'])
    assert rc == 0
    assert "ambiguous" not in out and "by context" not in out and "other members" not in out


def test_one_string_decided_two_ways_is_listed_twice(raw_data, tmp_path, capsys):
    """The summary of name mappings counts each (string, council) pair, not each string."""
    rc, out = _check(tmp_path, capsys, ['A,frontline,waste,"Newcastle; Stafford"', 'B,frontline,waste,"Newcastle; Gateshead"'])
    assert rc == 0
    assert "'Newcastle' -> Newcastle-under-Lyme (E07000195) by context, 1x" in out
    assert "'Newcastle' -> Newcastle upon Tyne (E08000021) by context, 1x" in out
