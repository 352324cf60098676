"""lgnet.data.readers on workbooks made in tmp_path: chart sheets, formulas with and without saved values,
merged ranges, and '|'-separated text."""

from __future__ import annotations

import zipfile

import pytest

from lgnet.data import readers
from lgnet.data.readers import FileReadError, read_table, sheet_names

HEADER = ["name", "nature", "function", "members"]


def is_header(cells):
    return sum(c in HEADER for c in cells) >= 2


def _book(path, rows, *, formulas=None, chart_first=False, merges=(), title="Data"):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for ref, formula in (formulas or {}).items():
        ws[ref] = formula
    for rng in merges:
        ws.merge_cells(rng)
    if chart_first:
        from openpyxl.chart import BarChart, Reference

        chart = BarChart()
        chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=2))
        wb.create_chartsheet("Chart", 0).add_chart(chart)
    wb.save(path)
    return path


def _with_sheet_xml(src, dst, replace: dict[bytes, bytes]):
    """A copy of a workbook whose first sheet's XML has some bytes replaced (to store values as Excel does)."""
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w") as b:
        for item in a.infolist():
            data = a.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for old, new in replace.items():
                    assert old in data, old
                    data = data.replace(old, new)
            b.writestr(item, data)
    return dst


ROWS = [HEADER, ["a", "frontline", "waste", "Croydon; Sutton"], ["b", "frontline", "waste", None]]


def test_chart_sheets_are_skipped_and_left_out_of_the_sheet_names(tmp_path):
    book = _book(tmp_path / "c.xlsx", ROWS, chart_first=True)
    warnings: list[str] = []
    table = read_table(book, None, warnings=warnings, is_header=is_header)
    assert list(table["name"]) == ["a", "b"]
    assert any("chart sheet(s) 'Chart' skipped" in w for w in warnings), warnings
    assert sheet_names(book) == ["Data"]


def test_a_chart_sheet_asked_for_is_named_as_such(tmp_path):
    book = _book(tmp_path / "c.xlsx", ROWS, chart_first=True)
    with pytest.raises(FileReadError, match=r"c\.xlsx: sheet 'chart' is a chart sheet .*worksheets are: 'Data'"):
        read_table(book, "chart", is_header=is_header)


def test_only_chart_sheets_is_an_error(tmp_path):
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([1, 2])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=1))
    wb.create_chartsheet("Chart", 0).add_chart(chart)
    wb.remove(ws)
    wb.save(tmp_path / "only.xlsx")
    with pytest.raises(FileReadError, match=r"only\.xlsx: the workbook holds only chart sheets \('Chart'\)"):
        read_table(tmp_path / "only.xlsx", None, is_header=is_header)


def test_unsaved_formula_is_an_error_naming_sheet_cell_row_and_column(tmp_path):
    book = _book(tmp_path / "f.xlsx", ROWS, formulas={"D3": '="Mole Valley; "&"Elmbridge"'})
    with pytest.raises(FileReadError) as info:
        read_table(book, None, is_header=is_header)
    text = str(info.value)
    for fragment in ("f.xlsx: sheet 'Data'", "1 cell(s) hold a formula whose value was never saved",
                     "cell D3 (row 3, column 'members')", '="Mole Valley; "&"Elmbridge"',
                     "open the file in Excel or LibreOffice and save it", "paste them as values"):
        assert fragment in text, (fragment, text)


def test_many_unsaved_formulas_are_counted(tmp_path):
    rows = [HEADER] + [[f"p{i}", "frontline", "waste", None] for i in range(8)]
    book = _book(tmp_path / "f.xlsx", rows, formulas={f"D{i}": '="Croydon"' for i in range(2, 10)})
    with pytest.raises(FileReadError, match=r"8 cell\(s\) .* and 3 more"):
        read_table(book, None, is_header=is_header)


def test_formulas_whose_values_were_saved_are_read_as_values(tmp_path):
    made = _book(tmp_path / "made.xlsx", [HEADER, ["a", "frontline", "waste", None, None]],
                 formulas={"D2": '="Croydon; "&"Sutton"', "E2": '=""'})
    # as Excel saves them: a value for D2, and for E2 an empty text result (t="str", empty value)
    book = _with_sheet_xml(made, tmp_path / "saved.xlsx", {
        b'<c r="D2"><f>"Croydon; "&amp;"Sutton"</f><v /></c>':
            b'<c r="D2" t="str"><f>"Croydon; "&amp;"Sutton"</f><v>Croydon; Sutton</v></c>',
        b'<c r="E2"><f>""</f><v /></c>': b'<c r="E2" t="str"><f>""</f><v></v></c>',
    })
    table = read_table(book, None, is_header=is_header)
    assert table.loc[0, "members"] == "Croydon; Sutton"
    assert readers._unsaved_formulas(book, "Data") == []


def test_no_second_read_when_no_cell_is_empty(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(readers, "_unsaved_formulas", lambda *a: calls.append(a) or [])
    read_table(_book(tmp_path / "full.xlsx", ROWS[:2]), None, is_header=is_header)
    assert calls == []
    read_table(_book(tmp_path / "gap.xlsx", ROWS), None, is_header=is_header)
    assert len(calls) == 1


def test_a_sheet_without_formulas_is_not_parsed_twice(tmp_path, monkeypatch):
    import xml.etree.ElementTree as ET

    book = _book(tmp_path / "gap.xlsx", ROWS)

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed although the sheet holds no formula")

    monkeypatch.setattr(ET, "iterparse", no_parse)
    assert readers._unsaved_formulas(book, "Data") == []


def test_merged_ranges_are_reported_once_each_with_their_columns(tmp_path):
    rows = [HEADER, ["a", "frontline", "waste", "Croydon; Sutton"], ["b", None, None, "Merton"],
            ["c", "administrative", "legal", None]]
    book = _book(tmp_path / "m.xlsx", rows, merges=("B2:B3", "C2:C3", "C4:D4"))
    warnings: list[str] = []
    table = read_table(book, None, warnings=warnings, is_header=is_header)
    merged = [w for w in warnings if "merged cells" in w]
    assert len(merged) == 3, warnings
    assert "merged cells over rows 2-3 in column 'nature' (B2:B3)" in merged[0]
    assert "merged cells over rows 2-3 in column 'function' (C2:C3)" in merged[1]
    assert "merged cells in row 4 across columns 'function', 'members' (C4:D4)" in merged[2]
    assert list(table["nature"]) == ["frontline", "frontline", "administrative"]


def test_pipe_separated_text_is_read_with_a_warning(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name|nature|function|members\na|frontline|waste|Croydon; Sutton\n")
    warnings: list[str] = []
    table = read_table(path, None, warnings=warnings, is_header=is_header)
    assert list(table.columns) == [*HEADER, "_row"]
    assert any("separated by '|'" in w for w in warnings)


def test_pipe_separated_text_with_uneven_rows_names_the_delimiter(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("name|nature|function|members\na|frontline|waste|Croydon|Sutton\n")
    with pytest.raises(FileReadError, match=r"p\.csv: the file seems to be separated by '\|'.*line 2 has 5"
                                            r".*comma-separated"):
        read_table(path, None, is_header=is_header)


def test_pipes_inside_a_comma_separated_file_are_cells(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("name,nature,function,members\na,frontline,waste,Croydon|Sutton\n")
    table = read_table(path, None, is_header=is_header)
    assert table.loc[0, "members"] == "Croydon|Sutton"


def test_the_header_row_is_given_with_the_table(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Shared services 2017,,,\n,,,\nname,nature,function,members\na,frontline,waste,Croydon\n")
    warnings: list[str] = []
    table = read_table(path, None, warnings=warnings, is_header=is_header)
    assert table.attrs["header_row"] == 3 and list(table["_row"]) == [4]
    assert "rows 1-2 are a title above the header ('Shared services 2017'): skipped; the header is row 3" in warnings[0]
