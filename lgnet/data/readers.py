"""Read a user's table file whatever it really is: sniff the content, decode the text, find the header.

Real exports are awkward: a workbook saved from a web page (an HTML table named ``.xls``), CSV text
named ``.xlsx``, Excel's "Unicode text" (UTF-16, tab-separated), Windows-1252 CSV, semicolon CSV from
a continental Excel, a title row above the header, merged cells. :func:`read_table` reads CSV/TSV/TXT,
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
    """The sheet names of a workbook (sniffed, so a mislabelled file gives FileReadError)."""
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
            return list(wb.sheetnames)
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
    Completely empty rows are dropped; ``_row`` keeps the spreadsheet row number of each record.
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
        raw, merged = _read_text(path, file), {}
    elif kind == "html":
        raise FileReadError(file, f"named {suffix or '(no extension)'} but is {_describe(kind)}, not a "
                                  "spreadsheet", "open it in Excel and save it as .xlsx or CSV UTF-8")
    else:
        raise FileReadError(file, f"named {suffix or '(no extension)'} but is {kind}, not a table",
                            "give a .csv, .tsv or .xlsx file")
    return _finish(raw, merged, file, warnings, is_header, check_text)


def _read_text(path: Path, file: str) -> pd.DataFrame:
    raw = path.read_bytes()
    text, _encoding = decode_text(raw, file)
    text = text.lstrip("\ufeff")
    sep = _sniff_delimiter(text, path.suffix.lower())
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, header=None,
                            skip_blank_lines=False, engine="c")
    except pd.errors.EmptyDataError:
        raise FileReadError(file, "the file holds no table (no header row)") from None
    except pd.errors.ParserError as exc:
        name = {",": "comma", ";": "semicolon", "\t": "tab"}.get(sep, repr(sep))
        raise FileReadError(file, f"not a readable {name}-separated table ({exc})",
                            "every row needs the same number of columns; quote cells holding the "
                            "separator") from None
    return table


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix in (".tsv", ".tab"):
        return "\t"
    lines = [line for line in text[:65536].splitlines() if line.strip()][:20]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t").delimiter
    except csv.Error:
        header = lines[0]
        counts = {d: header.count(d) for d in (",", ";", "\t")}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_workbook(path: Path, kind: str, sheet, file: str, is_header) -> tuple[pd.DataFrame, dict]:
    """(cells as a header-less table, {row index: [(first row, last row)]} for merged ranges filled down)."""
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

    def cells(name, limit=None):
        ws = wb[name]
        rows = ws.iter_rows(values_only=True, max_row=limit)
        return pd.DataFrame([["" if v is None else str(v) for v in r] for r in rows])

    chosen = _choose_sheet(list(wb.sheetnames), sheet, file, lambda name: cells(name, HEADER_SEARCH_ROWS),
                           is_header)
    ws = wb[chosen]
    table = cells(chosen)
    merged_rows = []
    for rng in ws.merged_cells.ranges:
        r0, c0, r1, c1 = rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1
        if r0 >= len(table) or c0 >= table.shape[1]:
            continue
        value = table.iat[r0, c0]
        for r in range(r0, min(r1, len(table) - 1) + 1):
            for c in range(c0, min(c1, table.shape[1] - 1) + 1):
                table.iat[r, c] = value
        if r1 > r0:
            merged_rows.append((r0, r1))
    return table, {"merged": merged_rows, "sheet": chosen if chosen != wb.sheetnames[0] or sheet else None}


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


def _finish(raw: pd.DataFrame, merged: dict, file: str, warnings: list[str], is_header, check_text: bool
            ) -> pd.DataFrame:
    raw = raw.fillna("").astype(str)
    if raw.empty:
        raise FileReadError(file, "the file holds no table (no header row)")
    header_at = 0
    if is_header is not None:
        found = _header_index(raw, is_header)
        if found is not None and found > 0:
            above = raw.iloc[:found]
            title = " / ".join(v for v in above.to_numpy().ravel() if v.strip())
            warnings.append(f"{file}: rows 1-{found} ({title[:80]!r}) are a title above the header: "
                            f"skipped; the header is row {found + 1}")
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
    table = body[keep]
    table.columns = names
    table.insert(len(names), "_row", range(header_at + 2, header_at + 2 + len(table)))
    table = table.reset_index(drop=True)
    for r0, r1 in merged.get("merged", []):
        if r0 > header_at:
            warnings.append(f"{file}: merged cells over rows {r0 + 1}-{r1 + 1}: the value is filled down "
                            "into each of those rows (check that is meant)")
    blank = (table.drop(columns="_row").apply(lambda col: col.str.strip() == "")).all(axis=1)
    table = table[~blank].reset_index(drop=True)
    if check_text:
        table = _repair_mojibake(table, file, warnings)
    return table
