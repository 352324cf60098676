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


ALIAS_HEADER = "alias,code,valid_from_year,valid_to_year,status,note,review\n"


def _check_with_aliases(tmp_path, capsys, rows: list[str], alias_rows: list[str]) -> tuple[int, str]:
    a = tmp_path / "my_aliases.csv"
    a.write_text(ALIAS_HEADER + "\n".join(alias_rows) + "\n", encoding="utf-8")
    f = tmp_path / "p.csv"
    f.write_text("Partnership,Nature,Function,Members\n" + "\n".join(rows) + "\n", encoding="utf-8")
    rc = main(["check", str(f), "--year", "2017", "--aliases", str(a)])
    cap = capsys.readouterr()
    return rc, cap.out + cap.err


def test_the_review_column_not_the_note_decides_whether_context_is_asked(raw_data, tmp_path, capsys):
    """An alias is decided by the record's other members when its `review` column says yes, whatever its note
    says; an analyst's alias without it is taken as written (their table wins)."""
    rc, out = _check_with_aliases(
        tmp_path, capsys, ['A,frontline,waste,"Kingston; Camden"'],
        ['Kingston,E06000010,,,council,"Could be Thames or Hull by name; in our list it is always Hull",'])
    assert rc == 0
    assert "'Kingston' -> Kingston upon Hull (E06000010)" in out and "by context" not in out
    rc, out = _check_with_aliases(
        tmp_path, capsys, ['A,frontline,waste,"Newcastle; Stafford Borough Council; Cannock Chase"'],
        ["Newcastle,E08000021,,,council,Our short form,yes"])
    assert rc == 0
    assert "'Newcastle' -> Newcastle-under-Lyme (E07000195) by context" in out


def test_a_message_from_an_analysts_alias_names_their_file(raw_data, tmp_path, capsys):
    rc, out = _check_with_aliases(
        tmp_path, capsys, ['A,frontline,waste,"Town Hall Services Ltd; Camden; Islington"'],
        ["Town Hall Services Ltd,,,,not_a_council,a company that runs services for councils,"])
    assert "my_aliases.csv (line 2)" in out
    assert "data/aliases.csv" not in out


def test_a_review_value_other_than_yes_is_an_error_naming_the_line(raw_data, tmp_path, capsys):
    rc, out = _check_with_aliases(tmp_path, capsys, ['A,frontline,waste,"Camden; Islington"'],
                                  ["Kingston,E09000021,,,council,note,maybe"])
    assert rc == 2
    assert "my_aliases.csv, line 2" in out and "'maybe'" in out and "yes" in out


def test_a_designation_that_the_records_members_contradict_is_an_error(raw_data, tmp_path, capsys):
    """'Newcastle Borough Council' beside Gateshead and Sunderland: the designation points to Newcastle-under-Lyme
    (Staffordshire), the other members to Newcastle upon Tyne. Neither is taken: an error naming both."""
    rc, out = _check(tmp_path, capsys, ['A,frontline,waste,"Newcastle Borough Council; Gateshead; Sunderland"'])
    assert rc == 2
    assert "Newcastle-under-Lyme" in out and "Newcastle upon Tyne" in out and "Gateshead" in out


def test_a_designation_the_members_support_is_used(raw_data, tmp_path, capsys):
    rc, out = _check(tmp_path, capsys, ['A,frontline,waste,"Newcastle Borough Council; Stafford Borough Council"'])
    assert rc == 0
    assert "'Newcastle Borough Council' read as Newcastle-under-Lyme (E07000195)" in out
