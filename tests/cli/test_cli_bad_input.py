"""`lgnet check` on awkward but realistic partnership files (tests/fixtures/analyst, made by make_fixtures.py).

Each class of input gives the stated outcome with exit status 0 or 2, never 1 and never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lgnet.cli.entry import main

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "analyst"


def check(capsys, *args) -> tuple[int, str]:
    code = main(["check", *[str(a) for a in args], "--year", "2017"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return code, text


# (file, extra arguments, exit status, fragments the output must hold)
CASES = [
    # files that are not what their extension says
    ("random_bytes.xlsx", [], 2, ["random_bytes.xlsx", "binary data", "not a table"]),
    ("image.xlsx", [], 2, ["image.xlsx", "a PNG image"]),
    ("csv_text.xlsx", [], 2, ["csv_text.xlsx", "plain text (CSV), not an Excel workbook", "rename it to .csv"]),
    ("html_table.xls", [], 2, ["html_table.xls", "an HTML page", "save it as .xlsx"]),
    ("truncated.xlsx", [], 2, ["truncated.xlsx", "truncated or damaged workbook"]),
    # encodings
    ("utf8_bom.csv", [], 0, ["partnerships 3"]),
    ("cp1252.csv", [], 0, ["partnerships 3", "memberships 8 matched"]),
    ("latin1.csv", [], 0, ["partnerships 3"]),
    ("utf16_unicode_text.txt", [], 0, ["partnerships 3"]),
    ("utf32.csv", [], 2, ["utf32.csv", "control characters"]),
    ("mojibake_repairable.csv", [], 0, ["repaired mis-decoded text", "\u00e2\u20ac\u2122", "row 4"]),
    ("mojibake_broken.csv", [], 2, ["mojibake_broken.csv", "garbled", "King\u00eds Lynn", "row 4"]),
    # delimiters
    ("semicolon.csv", [], 0, ["partnerships 3"]),
    ("tabs.tsv", [], 0, ["partnerships 3"]),
    ("tabs.txt", [], 0, ["partnerships 3"]),
    # spreadsheets
    ("good.xlsx", [], 0, ["partnerships 3"]),
    ("two_sheets.xlsx", [], 2, ["first sheet 'Notes' holds no partnership columns", "'Partnerships'", "--sheet"]),
    ("two_sheets.xlsx", ["--sheet", "Partnerships"], 0, ["partnerships 3"]),
    ("two_sheets.xlsx", ["--sheet", "Nope"], 2, ["no sheet 'Nope'", "'Notes', 'Partnerships'"]),
    ("title_row.xlsx", [], 0, ["partnerships 3", "title above the header", "the header is row 3"]),
    ("title_row.csv", [], 0, ["partnerships 3", "the header is row 2"]),
    ("merged_cells.xlsx", [], 0, ["merged cells over rows 2-3", "filled down"]),
    # empty data
    ("header_only.csv", [], 2, ["header_only.csv", "no partnerships"]),
    # folders with both formats, a user's 'simulated' column, a repeated council given by code
    ("tidy_both_formats", [], 2, ["both partnerships.csv and partnerships.xlsx", "ambiguous"]),
    ("tidy_repeat_code", [], 0, ["'E07000237' is listed twice"]),
    # ambiguous names decided by the record's other members, by the user's qualifier, or refused
    ("ambiguous_context.csv", [], 0, [
        "'Richmond' in partnership A1 read as Richmondshire (E07000166), not Richmond upon Thames: the record's "
        "other members share its county, North Yorkshire (Hambleton, Craven)",
        "'Richmond' in partnership A2 read as Richmond upon Thames (E09000027)",
        "'Kingston' in partnership A3 read as Kingston upon Thames (E09000021)",
        "'Kingston' in partnership A4 read as Kingston upon Hull (E06000010)",
        "'Newcastle' in partnership A5 read as Newcastle-under-Lyme (E07000195)",
        "'Newcastle' in partnership A6 read as Newcastle upon Tyne (E08000021)"]),
    ("ambiguous_qualifiers.csv", [], 0, ["'Richmond (Yorks)' read as Richmondshire (E07000166) from the qualifier",
                                         "'Newcastle (Staffs)' read as Newcastle-under-Lyme (E07000195)",
                                         "'Kingston (Hull)' read as Kingston upon Hull (E06000010)"]),
    ("ambiguous_undecided.csv", [], 2, ["row 2", "ambiguous council name: 'Richmond'", "Richmondshire (E07000166)",
                                        "Richmond upon Thames (E09000027)", "--aliases FILE"]),
    ("parish_city.csv", [], 0, ["'Lichfield City Council' in partnership C1 excluded", "parish-level city council",
                                "not Lichfield District Council (E07000194)", "'Chichester City Council'"]),
    # abbreviation families by rule
    ("abbreviations.csv", [], 0, ["partnerships 4", "memberships 9 matched", "none excluded"]),
    # the analyst's own aliases
    ("needs_user_alias.csv", [], 2, ["'Bosworth'", "--aliases FILE"]),
    ("needs_user_alias.csv", ["--aliases", FIX / "user_aliases.csv"], 0,
     ["'Bosworth' -> Hinckley and Bosworth (E07000132) by alias"]),
]


@pytest.mark.parametrize("name, extra, status, fragments", CASES, ids=[f"{c[0]}{'-'.join(Path(str(a)).name for a in c[1])}" for c in CASES])
def test_check_outcome(raw_data, capsys, name, extra, status, fragments):
    code, text = check(capsys, FIX / name, *extra)
    assert code == status, text
    flat = " ".join(text.split())
    for fragment in fragments:
        assert fragment in flat, f"{fragment!r} not in:\n{text}"
    assert "nan" not in text.split()


def test_user_simulated_column_does_not_mark_data_simulated(raw_data, capsys):
    code, text = check(capsys, FIX / "tidy_simulated_column")
    assert code == 0, text
    assert "SIMULATED" not in text
    assert "marked simulated only by the simulation.json" in text


def test_unexpected_exception_is_one_line_exit_2(capsys, monkeypatch):
    import lgnet.cli.check as check_module

    def boom(args):
        raise KeyError("surprise")

    monkeypatch.setattr(check_module, "run", boom)
    monkeypatch.delenv("LGNET_DEBUG", raising=False)
    code = main(["check", "my_file.csv"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0
    assert err.startswith("lgnet check (my_file.csv): unexpected error: KeyError")
    assert "Traceback" not in err

    monkeypatch.setenv("LGNET_DEBUG", "1")
    assert main(["check", "my_file.csv"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_abbreviation_families_match_by_rule(raw_data):
    from lgnet.data.councils import council_table
    from lgnet.data.names import CouncilMatcher, load_registry

    matcher = CouncilMatcher(council_table(2017), 2017, None, load_registry())  # no alias table at all
    expected = {"Bath & NE Somerset Council": "E06000022", "B&NES": "E06000022", "Bath and N E Somerset": "E06000022",
                "NW Leicestershire DC": "E07000134", "Solihull MBC": "E08000029", "LB Barnet": "E09000003",
                "RB Greenwich": "E09000011", "SW Devon": None}
    for text, code in expected.items():
        result = matcher.match(text)
        assert result.code == code, (text, result)
    assert matcher.match("WCC").code is None  # three-letter initials are never guessed
    assert matcher.match("B&NES") is matcher.match("B&NES")  # cached per distinct string


def test_a_district_renamed_city_council_needs_an_alias(raw_data, tmp_path, capsys):
    # Colchester's borough council became "Colchester City Council" in 2022; the registry does not know the
    # new name: an alias (the project's or the analyst's) says it is the district, not a parish council
    wide = tmp_path / "colchester.csv"
    wide.write_text("Title,Type,Service,Member councils\nEssex legal,administrative,legal,"
                    "Colchester City Council; Braintree; Tendring\n")
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,code,valid_from_year,valid_to_year,status,note\n"
                       "Colchester City Council,E07000071,,,council,renamed on city status (2022)\n")
    code, text = check(capsys, wide, "--aliases", aliases)
    assert code == 0 and "parish-level" not in text and "memberships 3 matched" in " ".join(text.split())
