"""`lgnet check` on inputs a reviewer found mishandled: designations after the name, chart sheets, formulas
whose value was never saved, merged cells, title rows and '|'-separated text. Files are made in tmp_path."""

from __future__ import annotations

import pytest

from lgnet.cli.entry import main

HEADER = ["name", "nature", "function", "members"]


def check(capsys, *args) -> tuple[int, str]:
    code = main(["check", *[str(a) for a in args], "--year", "2017"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    assert "unexpected error" not in text
    return code, " ".join(text.split())


# --- D5: designations written after the name ---------------------------------------------------------------


def test_designation_abbreviations_after_the_name_match(raw_data, tmp_path, capsys):
    wide = tmp_path / "suffixes.csv"
    wide.write_text("name,nature,function,members\n"
                    "a,frontline,x,Havering LB; Windsor & Maidenhead RB; Hammersmith & Fulham LBC; "
                    "Barking & Dagenham LB\n"
                    "b,administrative,legal,Solihull MBC; Stevenage BC; East Herts DC; Kent CC\n")
    code, text = check(capsys, wide)
    assert code == 0, text
    assert "memberships 8 matched" in text, text


@pytest.mark.parametrize("others", ["", "; Sutton LB; Croydon LB", "; East Riding of Yorkshire; Hull"])
def test_kingston_rb_is_kingston_upon_thames_not_hull(raw_data, tmp_path, capsys, others):
    wide = tmp_path / "kingston.csv"
    wide.write_text(f"name,nature,function,members\na,frontline,x,Kingston RB{others}\n")
    code, text = check(capsys, wide)
    # "RB": a royal borough, and Kingston upon Hull is a city council: Thames, or (where the record's other
    # members are around Hull) a refusal naming both; never Hull
    assert "read as Kingston upon Hull" not in text, text
    if code == 0:
        assert "'Kingston RB' read as Kingston upon Thames (E09000021), not Kingston upon Hull" in text, text
    else:
        assert others and code == 2 and "ambiguous council name: 'Kingston RB'" in text, text
        assert "Kingston upon Thames (E09000021)" in text and "Kingston upon Hull (E06000010)" in text, text
    if others != "; East Riding of Yorkshire; Hull":
        assert code == 0, text


# --- D7: a chart sheet first ---------------------------------------------------------------------------------


def _workbook_with_chart_first(path):
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Partnerships"
    ws.append(HEADER)
    ws.append(["a", "frontline", "waste", "Mole Valley; Elmbridge"])
    ws.append(["b", "administrative", "legal", "Croydon; Sutton"])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=3))
    cs = wb.create_chartsheet("Chart", 0)
    cs.add_chart(chart)
    wb.save(path)
    assert openpyxl.load_workbook(path).sheetnames[0] == "Chart"


def test_a_chart_sheet_first_is_skipped(raw_data, tmp_path, capsys):
    book = tmp_path / "chart_first.xlsx"
    _workbook_with_chart_first(book)
    code, text = check(capsys, book)
    assert code == 0, text
    assert "partnerships 2" in text, text


def test_sheet_naming_a_chart_sheet_is_a_clear_error(raw_data, tmp_path, capsys):
    book = tmp_path / "chart_first.xlsx"
    _workbook_with_chart_first(book)
    code, text = check(capsys, book, "--sheet", "Chart")
    assert code == 2, text
    assert "chart_first.xlsx" in text and "'Chart' is a chart sheet" in text, text
    assert "'Partnerships'" in text, text


# --- D6: a formula whose value was never saved ----------------------------------------------------------------


def test_formula_without_saved_value_is_an_error_naming_the_cell(raw_data, tmp_path, capsys):
    import openpyxl

    book = tmp_path / "formula.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(HEADER)
    ws.append(["a", "frontline", "waste", "Croydon; Sutton"])
    ws.append(["b", "frontline", "waste", None])
    ws["D3"] = '="Mole Valley; "&"Elmbridge"'
    wb.save(book)
    code, text = check(capsys, book)
    assert code == 2, text
    for fragment in ("formula.xlsx", "sheet 'Data'", "cell D3", "row 3", "column 'members'", "formula",
                     "never saved", "save it", "paste"):
        assert fragment in text, (fragment, text)
    assert "no member council" not in text


def test_saved_formula_values_are_read_as_values(raw_data, tmp_path, capsys):
    # as Excel saves it: the formula and its value; openpyxl writes no value, so the sheet's XML is given one
    import zipfile

    import openpyxl

    made = tmp_path / "made.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*HEADER, "notes"])
    ws.append(["a", "frontline", "waste", None, None])  # an empty notes cell, truly empty
    ws["D2"] = '="Croydon; "&"Sutton"'
    wb.save(made)
    book = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(made) as src, zipfile.ZipFile(book, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="D2"><f>', b'<c r="D2" t="str"><f>').replace(
                    b"</f><v /></c>", b"</f><v>Croydon; Sutton</v></c>")
                assert b"<v>Croydon; Sutton</v>" in data
            dst.writestr(item, data)
    code, text = check(capsys, book)
    assert code == 0, text
    assert "memberships 2 matched" in text and "never saved" not in text, text


# --- smaller items ---------------------------------------------------------------------------------------------


def test_merged_cells_are_reported_once_per_range_naming_the_column(raw_data, tmp_path, capsys):
    import openpyxl

    book = tmp_path / "merged.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["a", "frontline", "waste", "Croydon; Sutton"])
    ws.append(["b", None, None, "Merton; Sutton"])
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:C3")
    wb.save(book)
    code, text = check(capsys, book)
    assert code == 0, text
    lines = [line for line in capsys_lines(text) if "merged cells" in line]
    assert len(lines) == 2 and len(set(lines)) == 2, text
    assert "column 'nature' (B2:B3)" in text and "column 'function' (C2:C3)" in text, text
    assert "over rows 2-3" in text and "filled down" in text


def capsys_lines(text: str) -> list[str]:
    return [part.strip() for part in text.split(" - ")]


def test_title_row_warning_quotes_the_title_once(raw_data, tmp_path, capsys):
    import openpyxl

    title = "Shared services of Surrey councils as collected in 2017"
    book = tmp_path / "titled.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells("A1:D1")  # a title centred over the table: filled into each merged cell
    ws.append(HEADER)
    ws.append(["a", "frontline", "waste", "Mole Valley; Elmbridge"])
    wb.save(book)
    code, text = check(capsys, book)
    assert code == 0, text
    assert text.count("Shared services of Surrey") == 1, text
    assert "row 1 is a title above the header ('Shared services of Surrey" in text, text
    assert "the header is row 2" in text, text
    assert "merged cells" not in text  # the title's merge is not in the table


def test_pipe_separated_file_is_read_or_named(raw_data, tmp_path, capsys):
    wide = tmp_path / "pipes.csv"
    wide.write_text("name|nature|function|members\na|frontline|waste|Mole Valley; Elmbridge\n"
                    "b|administrative|legal|Croydon; Sutton\n")
    code, text = check(capsys, wide)
    if code == 0:
        assert "partnerships 2" in text and "'|'" in text, text
    else:
        assert code == 2 and "'|'" in text and "comma" in text, text
        assert text.count("missing column") <= 1, text


def test_error_preamble_gives_the_header_row_found_below_a_title(raw_data, tmp_path, capsys):
    """Rows in messages are the spreadsheet's: when the header is on row 3 (below a title), the preamble says so."""
    from lgnet.cli.entry import main

    f = tmp_path / "titled.csv"
    f.write_text("Shared services in Kent 2019,,,\n,,,\nname,nature,function,members\n"
                 "A,frontline,waste,\"Camdem; Islington\"\n", encoding="utf-8")
    rc = main(["check", str(f), "--year", "2017"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "header = row 3" in err and "row 4" in err
