"""Read a user's table file whatever it really is: sniff the content, decode the text, find the header.

Real exports are awkward: a workbook saved from a web page (an HTML table named ``.xls``), CSV text
named ``.xlsx``, Excel's "Unicode text" (UTF-16, tab-separated), Windows-1252 CSV, semicolon CSV from
a continental Excel, '|'-separated text, a title row above the header, merged cells, a chart sheet
first, formulas whose values were never saved (a workbook written by a program, never opened in
Excel). :func:`read_table` reads CSV/TSV/TXT,
XLSX/XLSM and genuine XLS into a table of strings, or raises :class:`FileReadError` naming the file
and what it seems to be. It never guesses silently: every repair (mojibake, merged cells, a title row
skipped) is reported in the ``warnings`` list the caller passes in.

Decoding: a byte-order mark decides (UTF-8, UTF-16); otherwise UTF-16 without a mark is recognised by
its NUL bytes, then UTF-8 is tried, then Windows-1252, then Latin-1 (accepted only if it leaves no
control characters: binary data is refused, not decoded into garbage).

Row numbers are those of the spreadsheet (the header row is the row it is on, counted from 1), kept in
the ``_row`` column, so every later message points at the row the user sees.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Callable

import pandas as pd

from lgnet.data.errors import LgnetError

__all__ = ["FileReadError", "sniff", "decode_text", "read_table", "sheet_names", "find_mojibake"]

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
HEADER_SEARCH_ROWS = 10  # a title block above the header is looked for in this many rows


class FileReadError(LgnetError, ValueError):
    """A file cannot be read as a table; the message names the file, what it seems to be and the fix."""

    def __init__(self, file: str, message: str, suggestion: str = ""):
        self.file = file
        text = f"{file}: {message}"
        if suggestion:
            text += f" -- {suggestion}"
        super().__init__(text)


# --- what is this file? ----------------------------------------------------------------------------------

_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),  # OLE2: a genuine old Excel workbook (or a Word file)
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
]


def sniff(path: Path, head: bytes | None = None) -> str:
    """What the file's content is: 'xlsx', 'xls', 'text', 'html', 'empty', or a description of something else.

    An XLSX is a zip holding ``xl/workbook.xml``; any other zip (a Word file, a zipped folder, a workbook
    cut short) is described as such.
    """
    path = Path(path)
    if head is None:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    if not head:
        return "empty"
    for magic, kind in _SIGNATURES:
        if head.startswith(magic):
            if kind == "zip":
                return _sniff_zip(path)
            return kind
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        stripped = head[2:].replace(b"\x00", b"").lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta", b"<head")) or (
        stripped.startswith(b"<") and b"<table" in head.lower().replace(b"\x00", b"")
    ):
        return "html"
    if _looks_binary(head):
        return "binary data"
    return "text"


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            bad = zf.testzip()
    except zipfile.BadZipFile:
        return "a truncated or damaged workbook (zip data cut short)"
    except Exception:  # noqa: BLE001 - any failure here means a damaged archive
        return "a truncated or damaged workbook (zip data cut short)"
    if bad is not None:
        return f"a damaged workbook (member {bad} is corrupt)"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "a Word document"
    if "content.xml" in names:
        return "an OpenDocument file"
    return "a zip archive"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if _utf16_without_bom(head):
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 or b == 127)
    return controls > max(2, len(head) // 100)


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


# --- decoding ----------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def decode_text(raw: bytes, file: str) -> tuple[str, str]:
    """(text, encoding) for the bytes of a text file; FileReadError if no accepted encoding fits."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return _strict(raw[3:], "utf-8", file, "UTF-8 (with byte-order mark)"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(raw, "utf-16", file, "UTF-16 (with byte-order mark)"), "utf-16"
    bare = _utf16_without_bom(raw[:4096])
    if bare:
        return _strict(raw, bare, file, bare.upper()), bare
    tried = []
    for encoding in ("utf-8", "cp1252", "latin-1"):
        tried.append(encoding)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text, encoding
    raise FileReadError(file, f"not text in an encoding lgnet reads (tried {', '.join(tried)} and UTF-16): "
                              "it holds control characters or undecodable bytes",
                        "save it from your spreadsheet as 'CSV UTF-8 (comma delimited)'")


def _strict(raw: bytes, encoding: str, file: str, label: str) -> str:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileReadError(file, f"starts as {label} but byte {exc.start} cannot be decoded as {encoding}",
                            "save it again as 'CSV UTF-8 (comma delimited)'") from None
    if _CONTROL.search(text):  # e.g. UTF-32, whose mark begins like UTF-16's
        raise FileReadError(file, f"decoded as {label} it holds control characters: not an encoding lgnet "
                                  "reads (UTF-8, UTF-16, cp1252, Latin-1)",
                            "save it from your spreadsheet as 'CSV UTF-8 (comma delimited)'")
    return text


# --- mojibake ---------------------------------------------------------------------------------------------

# an apostrophe lost to a wrong code page: "Councilís", "Kingís Lynn" (a lower-case letter, an accented i,
# then s at the end of a word): never a real English council name
_BROKEN_APOSTROPHE = re.compile(r"[a-z][\u00ec\u00ed\u00ee\u00ef\u00d5\u0092]s\b")


def find_mojibake(value: str) -> tuple[str, str | None]:
    """('repaired', fixed) for UTF-8 read as cp1252 ("â€™"), ('broken', None) for a lost apostrophe
    that cannot be repaired ("Councilís"), ('ok', None) otherwise."""
    if not value or value.isascii():
        return "ok", None
    import ftfy

    fixed = ftfy.fix_encoding(value)
    if fixed != value:
        return "repaired", fixed
    if _BROKEN_APOSTROPHE.search(value):
        return "broken", None
    return "ok", None


def _repair_mojibake(table: pd.DataFrame, file: str, warnings: list[str], columns=None) -> pd.DataFrame:
    """Repair mojibake with a warning per distinct value; FileReadError listing values that cannot be repaired."""
    broken: list[str] = []
    for column in columns if columns is not None else [c for c in table.columns if c != "_row"]:
        values = table[column]
        suspicious = values[~values.map(str.isascii)]
        if suspicious.empty:
            continue
        fixes = {}
        for value in suspicious.unique():
            verdict, fixed = find_mojibake(value)
            if verdict == "repaired":
                fixes[value] = fixed
            elif verdict == "broken":
                rows = table.loc[values == value, "_row"].tolist()
                broken.append(f"row {rows[0]}, column {column!r}: {value!r}")
        if fixes:
            table[column] = values.replace(fixes)
            for bad, good in fixes.items():
                rows = table.loc[values == bad, "_row"].tolist()
                warnings.append(f"{file}, row {rows[0]}{' and others' if len(rows) > 1 else ''}, column {column!r}: "
                                f"repaired mis-decoded text {bad!r} -> {good!r} (the file was saved in one "
                                "encoding and read in another)")
    if broken:
        raise FileReadError(file, "text garbled by a wrong character encoding (an apostrophe or accent became "
                                  "another letter): " + "; ".join(broken[:10])
                            + (f" and {len(broken) - 10} more" if len(broken) > 10 else ""),
                            "correct these values, or export the file again as 'CSV UTF-8 (comma delimited)'")
    return table


# --- reading --------------------------------------------------------------------------------------------

def sheet_names(path: Path) -> list[str]:
    """The worksheet names of a workbook (sniffed, so a mislabelled file gives FileReadError).

    Chart sheets, which hold a chart and no cells, are left out."""
    path = Path(path)
    kind = sniff(path)
    if kind == "xlsx":
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True)
        except Exception as exc:  # noqa: BLE001
            raise FileReadError(str(path), f"a damaged workbook ({type(exc).__name__}: {exc})",
                                "open it in Excel and save it again as .xlsx") from None
        try:
            return [ws.title for ws in wb.worksheets]
        finally:
            wb.close()
    if kind == "xls":
        return list(pd.ExcelFile(path, engine="xlrd").sheet_names)
    return []


def _describe(kind: str) -> str:
    return {"html": "an HTML page (a web export saved with a spreadsheet extension)",
            "text": "plain text (CSV)", "xlsx": "an Excel .xlsx workbook", "xls": "an old Excel .xls workbook",
            "empty": "an empty file"}.get(kind, kind)


def read_table(path, sheet: str | int | None = None, *, warnings: list[str] | None = None,
               is_header: Callable[[list[str]], bool] | None = None, file: str | None = None,
               check_text: bool = True) -> pd.DataFrame:
    """A CSV/TSV/TXT file or one sheet of a workbook as strings ('' for empty cells), with ``_row``.

    sheet:     a sheet name (or index) of a workbook; None = the first sheet, and then if ``is_header``
               finds no header on it and the workbook has other sheets, the error lists them.
    is_header: says whether a row of cells is the header; used to skip a title block above it (with a
               warning). Without it, row 1 is the header.
    warnings:  repairs are appended here (merged cells filled down, mojibake repaired, title rows skipped).
    Completely empty rows are dropped; ``_row`` keeps the spreadsheet row number of each record, and
    ``table.attrs["header_row"]`` the spreadsheet row of the header (1, or the row below a title block).
    """
    path = Path(path)
    file = file or str(path)
    warnings = warnings if warnings is not None else []
    if not path.is_file():
        raise FileReadError(file, "not found (or not a file)")
    kind = sniff(path)
    suffix = path.suffix.lower()
    if kind == "empty":
        raise FileReadError(file, "the file is empty (0 bytes)", "export the table again")
    if kind in ("xlsx", "xls"):
        if suffix in TEXT_SUFFIXES:
            warnings.append(f"{file}: named {suffix} but is {_describe(kind)}: read as a workbook")
        raw, merged = _read_workbook(path, kind, sheet, file, is_header)
    elif kind == "text":
        if suffix in EXCEL_SUFFIXES:
            raise FileReadError(file, f"named {suffix} but is plain text (CSV), not an Excel workbook",
                                "rename it to .csv, or open it in Excel and save it as .xlsx")
        if sheet not in (None, 0):
            raise FileReadError(file, f"--sheet {sheet!r} given, but this is a text file with no sheets")
        (raw, sep), merged = _read_text(path, file), {}
        if sep == "|":
            warnings.append(f"{file}: columns separated by '|' (not commas): read so; check the columns found")
    elif kind == "html":
        raise FileReadError(file, f"named {suffix or '(no extension)'} but is {_describe(kind)}, not a "
                                  "spreadsheet", "open it in Excel and save it as .xlsx or CSV UTF-8")
    else:
        raise FileReadError(file, f"named {suffix or '(no extension)'} but is {kind}, not a table",
                            "give a .csv, .tsv or .xlsx file")
    return _finish(raw, merged, file, warnings, is_header, check_text)


def _read_text(path: Path, file: str) -> tuple[pd.DataFrame, str]:
    """The text file's cells as a header-less table, and the separator read."""
    raw = path.read_bytes()
    text, _encoding = decode_text(raw, file)
    text = text.lstrip("\ufeff")
    sep = sniff_delimiter(text, path.suffix.lower(), file)
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, header=None,
                            skip_blank_lines=False, engine="c")
    except pd.errors.EmptyDataError:
        raise FileReadError(file, "the file holds no table (no header row)") from None
    except pd.errors.ParserError as exc:
        name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "'|' (pipe)"}.get(sep, repr(sep))
        raise FileReadError(file, f"not a readable {name}-separated table ({exc})",
                            "every row needs the same number of columns; quote cells holding the "
                            "separator") from None
    return table, sep


def sniff_delimiter(text: str, suffix: str, file: str = "") -> str:
    """The delimiter of delimited text: ',' ';' tab or '|' (tab for .tsv/.tab), from its first lines."""
    if suffix in (".tsv", ".tab"):
        return "\t"
    lines = [line for line in text[:65536].splitlines() if line.strip()][:20]
    if not lines:
        return ","
    pipe = _pipe_separated(lines, file)
    if pipe:
        return pipe
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
    except csv.Error:
        header = lines[0]
        counts = {d: header.count(d) for d in (",", ";", "\t")}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _pipe_separated(lines: list[str], file: str) -> str | None:
    """'|' when the header is separated by '|' alone and the first rows all have its number of '|'.

    A header with '|' and no comma, semicolon or tab is not a comma-separated header; if the rows below do not
    all have the header's number of '|' (a "|" inside a cell, such as a member list), which cell a value
    belongs to cannot be told, so this is a FileReadError rather than a guess."""
    header = lines[0]
    if "|" not in header or any(d in header for d in (",", ";", "\t")):
        return None
    expected = header.count("|")
    for number, line in enumerate(lines[1:], start=2):
        if line.count("|") != expected:
            raise FileReadError(file, f"the file seems to be separated by '|' (the header {header[:60]!r} has "
                                      f"{expected + 1} columns), but non-blank line {number} has "
                                      f"{line.count('|') + 1}: which cell a value belongs to cannot be told",
                                "save it from your spreadsheet as comma-separated 'CSV UTF-8 (comma delimited)'")
    return "|"


def _read_workbook(path: Path, kind: str, sheet, file: str, is_header) -> tuple[pd.DataFrame, dict]:
    """(cells as a header-less table, facts for :func:`_finish`).

    The facts: ``merged`` (first row, last row, first column, last column), 0-based, of each merged range filled
    in; ``sheet_name`` read; ``unsaved_formulas`` (row, column, formula) of empty cells holding a formula whose
    value was never saved; ``note``, chart sheets skipped. Chart sheets (no cells) are never read."""
    if kind == "xls":
        try:
            book = pd.ExcelFile(path, engine="xlrd")
        except Exception as exc:  # noqa: BLE001
            raise FileReadError(file, f"an .xls workbook that cannot be read ({exc})",
                                "open it in Excel and save it as .xlsx") from None
        names = list(book.sheet_names)
        chosen = _choose_sheet(names, sheet, file, lambda name: book.parse(name, header=None, dtype=str,
                                                                              nrows=HEADER_SEARCH_ROWS), is_header)
        return book.parse(chosen, header=None, dtype=str).fillna(""), {}
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged workbook raises many kinds of error
        raise FileReadError(file, f"a damaged or truncated workbook ({type(exc).__name__}: {exc})",
                            "open it in Excel and save it again as .xlsx") from None

    # chart sheets hold a chart and no cells: never read, and named when asked for
    names = [ws.title for ws in wb.worksheets]
    charts = [cs.title for cs in wb.chartsheets]
    listed = ", ".join(repr(n) for n in names)
    if isinstance(sheet, str) and sheet.strip().lower() in {c.strip().lower() for c in charts}:
        raise FileReadError(file, f"sheet {sheet!r} is a chart sheet (a chart, no cells); its worksheets are: "
                                  + (listed or "none"), "give a worksheet with --sheet" if names else "")
    if not names:
        raise FileReadError(file, "the workbook holds only chart sheets (" + ", ".join(repr(c) for c in charts)
                                  + "), no worksheet with cells", "export the table itself, not its chart")

    def rows_of(name, limit=None) -> list[tuple]:
        return list(wb[name].iter_rows(values_only=True, max_row=limit))

    def cells(name, limit=None):
        return pd.DataFrame([["" if v is None else str(v) for v in r] for r in rows_of(name, limit)])

    chosen = _choose_sheet(names, sheet, file, lambda name: cells(name, HEADER_SEARCH_ROWS), is_header)
    skipped = [c for c in charts if wb.sheetnames.index(c) < wb.sheetnames.index(chosen)]
    if skipped and (sheet is None or sheet == 0):
        warnings_note = (f"chart sheet(s) {', '.join(repr(c) for c in skipped)} skipped (a chart holds no cells): "
                         f"read the worksheet {chosen!r}")
    else:
        warnings_note = None
    ws = wb[chosen]
    rows = rows_of(chosen)
    some_empty = False
    values = []
    for r in rows:
        if None in r:
            some_empty = True
        values.append(["" if v is None else str(v) for v in r])
    table = pd.DataFrame(values)
    # a formula whose value was never saved (a workbook written by a program, never opened in Excel) reads as
    # an empty cell: looked for, in a second read of the sheet, only when some cell came back empty
    unsaved = []
    if some_empty:
        unsaved = [(r, c, f) for r, c, f in _unsaved_formulas(path, chosen)
                   if r < len(table) and c < table.shape[1] and table.iat[r, c] == ""]
    merged_ranges = []
    for rng in sorted(ws.merged_cells.ranges, key=lambda rng: (rng.min_row, rng.min_col)):
        r0, c0, r1, c1 = rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1
        if r0 >= len(table) or c0 >= table.shape[1]:
            continue
        value = table.iat[r0, c0]
        for r in range(r0, min(r1, len(table) - 1) + 1):
            for c in range(c0, min(c1, table.shape[1] - 1) + 1):
                table.iat[r, c] = value
        if r1 > r0 or c1 > c0:
            merged_ranges.append((r0, min(r1, len(table) - 1), c0, min(c1, table.shape[1] - 1)))
    return table, {"merged": merged_ranges, "sheet": chosen if chosen != names[0] or sheet else None,
                   "sheet_name": chosen, "unsaved_formulas": unsaved, "note": warnings_note}


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(r"^([A-Za-z]{1,3})(\d+)$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str:
    """The zip member holding a worksheet's XML, found through the package's relationships."""
    import posixpath
    import xml.etree.ElementTree as ET

    def relationships(part: str) -> dict[str, tuple[str, str]]:
        folder, base = posixpath.split(part)
        root = ET.fromstring(archive.read(posixpath.join(folder, "_rels", base + ".rels")))
        out = {}
        for rel in root:
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id")] = (rel.get("Type", ""), full)
        return out

    workbook = next(p for t, p in relationships("").values() if t.endswith("/officeDocument"))
    sheet_rels = relationships(workbook)
    for el in ET.fromstring(archive.read(workbook)).iter():
        if _local(el.tag) == "sheet" and el.get("name") == sheet_name:
            rid = next(v for k, v in el.attrib.items() if _local(k) == "id")
            return sheet_rels[rid][1]
    raise KeyError(sheet_name)


def _unsaved_formulas(path: Path, sheet_name: str) -> list[tuple[int, int, str]]:
    """(row, column, formula), 0-based, of the sheet's formula cells that hold no saved value.

    Excel and LibreOffice save each formula with its value (an empty text result as ``t="str"`` and an empty
    value); a program that writes formulas without calculating them (openpyxl, some exports) saves none. The
    sheet's XML is first scanned for any formula at all, and parsed only if one is there."""
    import xml.etree.ElementTree as ET

    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet_name)
            with archive.open(part) as fh:  # cheap scan: most sheets hold no formula
                tail, found = b"", False
                while chunk := fh.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        found = True
                        break
                    tail = chunk[-16:]
            if not found:
                return []
            out = []
            with archive.open(part) as fh:
                container = None
                row_number, column = 0, -1
                for event, el in ET.iterparse(fh, events=("start", "end")):
                    tag = _local(el.tag)
                    if event == "start":
                        if tag == "sheetData":
                            container = el
                        elif tag == "row":
                            row_number = int(el.get("r") or row_number + 1)
                            column = -1
                        continue
                    if tag == "c":
                        ref = _CELL_REF.match(el.get("r") or "")
                        if ref:
                            from openpyxl.utils import column_index_from_string

                            column = column_index_from_string(ref.group(1).upper()) - 1
                            row_number = int(ref.group(2))
                        else:
                            column += 1
                        children = {_local(child.tag): child for child in el}
                        formula, value = children.get("f"), children.get("v")
                        saved = (value is not None and bool(value.text)) or el.get("t") in ("str", "inlineStr")
                        if formula is not None and not saved:
                            out.append((row_number - 1, column, formula.text or "(a shared formula)"))
                    elif tag == "row" and container is not None:
                        container.clear()  # rows done with: memory stays flat on a long sheet
            return out
    except (KeyError, StopIteration, ET.ParseError, zipfile.BadZipFile, ValueError):
        # an unusual package that openpyxl reads: its formula view of the sheet (which cannot tell an empty
        # text result from no saved value, so it may report a few formulas Excel did calculate)
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            return [(r, c, str(v)[1:]) for r, row in enumerate(wb[sheet_name].iter_rows(values_only=True))
                    for c, v in enumerate(row) if isinstance(v, str) and v.startswith("=")]
        finally:
            wb.close()


def _choose_sheet(names: list[str], sheet, file: str, head_of: Callable, is_header) -> str:
    if sheet is not None and not (isinstance(sheet, int) and sheet == 0):
        if isinstance(sheet, int):
            if 0 <= sheet < len(names):
                return names[sheet]
        else:
            lookup = {n.strip().lower(): n for n in names}
            if str(sheet).strip().lower() in lookup:
                return lookup[str(sheet).strip().lower()]
        raise FileReadError(file, f"no sheet {sheet!r}; its sheets are: " + ", ".join(repr(n) for n in names),
                            "give one of them with --sheet")
    first = names[0]
    if is_header is None or len(names) == 1 or sheet == 0:
        return first
    if _header_index(head_of(first).fillna("").astype(str), is_header) is not None:
        return first
    fitting = [n for n in names[1:] if _header_index(head_of(n).fillna("").astype(str), is_header) is not None]
    raise FileReadError(file, f"the first sheet {first!r} holds no partnership columns; its sheets are: "
                        + ", ".join(repr(n) for n in names),
                        (f"choose one with --sheet (partnership columns found on {', '.join(repr(n) for n in fitting)})"
                         if fitting else "choose one with --sheet NAME"))


def _header_index(head: pd.DataFrame, is_header) -> int | None:
    for i in range(min(HEADER_SEARCH_ROWS, len(head))):
        cells = [str(v).strip() for v in head.iloc[i].tolist()]
        if is_header(cells):
            return i
    return None


def _letter(column: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(column + 1)


def _finish(raw: pd.DataFrame, merged: dict, file: str, warnings: list[str], is_header, check_text: bool
            ) -> pd.DataFrame:
    raw = raw.fillna("").astype(str)
    if raw.empty:
        raise FileReadError(file, "the file holds no table (no header row)")
    header_at = 0
    if merged.get("note"):
        warnings.append(f"{file}: {merged['note']}")
    if is_header is not None:
        found = _header_index(raw, is_header)
        if found is not None and found > 0:
            above = raw.iloc[:found]
            seen_values: dict[str, None] = {}  # a title merged across columns is in each cell: quoted once
            for v in above.to_numpy().ravel():
                if str(v).strip():
                    seen_values.setdefault(" ".join(str(v).split()), None)
            title = " / ".join(seen_values)
            excerpt = title if len(title) <= 60 else title[:57] + "..."
            rows = "row 1 is a title" if found == 1 else f"rows 1-{found} are a title"
            warnings.append(f"{file}: {rows} above the header ({excerpt!r}): skipped; the header is row {found + 1}")
            header_at = found
    header = [str(c).strip() for c in raw.iloc[header_at].tolist()]
    # unnamed trailing columns (spreadsheet padding) are dropped when empty
    body = raw.iloc[header_at + 1:].copy()
    body.columns = range(body.shape[1])
    keep = [i for i, h in enumerate(header) if h or (body[i].str.strip() != "").any()]
    names, seen = [], {}
    for i in keep:
        h = header[i] or f"column {i + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h} ({seen[h]})"
        else:
            seen[h] = 1
        names.append(h)
    name_of = dict(zip(keep, names))

    def column(c: int) -> str:
        return repr(name_of[c]) if c in name_of else f"{_letter(c)} (no header)"

    unsaved = [(r, c, f) for r, c, f in merged.get("unsaved_formulas", []) if r >= header_at]
    if unsaved:
        cells = [f"cell {_letter(c)}{r + 1} (row {r + 1}, column {column(c)}): ={f[:60]}" for r, c, f in unsaved[:5]]
        sheet_name = merged.get("sheet_name")
        raise FileReadError(
            file, (f"sheet {sheet_name!r}: " if sheet_name else "")
            + f"{len(unsaved)} cell(s) hold a formula whose value was never saved (the workbook was written by a "
            "program that does not calculate formulas and has not been saved by Excel since), so they read as "
            "empty: " + "; ".join(cells) + (f" and {len(unsaved) - 5} more" if len(unsaved) > 5 else ""),
            "open the file in Excel or LibreOffice and save it (that stores each formula's value), or copy the "
            "cells and paste them as values")
    table = body[keep]
    table.columns = names
    table.insert(len(names), "_row", range(header_at + 2, header_at + 2 + len(table)))
    table = table.reset_index(drop=True)
    for r0, r1, c0, c1 in merged.get("merged", []):
        if r1 <= header_at:
            continue  # a title or the header itself
        columns = [c for c in range(c0, c1 + 1)]
        label = (f"column {column(c0)}" if len(columns) == 1
                 else "columns " + ", ".join(column(c) for c in columns))
        cells_range = f"{_letter(c0)}{r0 + 1}:{_letter(c1)}{r1 + 1}"
        if r1 > r0:
            warnings.append(f"{file}: merged cells over rows {r0 + 1}-{r1 + 1} in {label} ({cells_range}): the "
                            "value is filled down into each of those rows (check that is meant)")
        else:
            warnings.append(f"{file}: merged cells in row {r0 + 1} across {label} ({cells_range}): the value is "
                            "copied into each of those columns (check that is meant)")
    blank = (table.drop(columns="_row").apply(lambda col: col.str.strip() == "")).all(axis=1)
    table = table[~blank].reset_index(drop=True)
    if check_text:
        table = _repair_mojibake(table, file, warnings)
    table.attrs["header_row"] = header_at + 1  # for messages: "header = row 3" after a title block
    return table
