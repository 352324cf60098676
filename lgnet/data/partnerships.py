"""Partnership data: read a partnership file (tidy pair or wide sheet), check it, match its councils.

Accepted shapes (CSV or XLSX; column names are matched case-insensitively, with common synonyms):

tidy pair   a folder holding ``partnerships.csv`` (or ``.xlsx``) and ``memberships.csv`` (or ``.xlsx``),
            or one workbook with sheets ``partnerships`` and ``memberships``.
            partnerships: partnership_id, name, nature, function, any further columns (kept);
            memberships:  partnership_id and the council as ``council`` (GSS code or name), ``code``
            (GSS code) and/or ``council_name_as_written`` (name).
wide        one row per partnership: partnership_id (optional: made from the row number if absent),
            name, nature, function and one column listing the member councils as free text.
            Members are separated by ";", "|" or new lines; within one such piece, commas, " and " and
            " & " separate councils only where the parts are themselves council names, so
            "Bournemouth, Christchurch and Poole", "Barking and Dagenham" and
            "Hammersmith & Fulham, Kensington & Chelsea" are read right. Safest: separate members with ";".

Synonyms: partnership_id ~ id, partnership id, ref; name ~ title, partnership, partnership name;
nature ~ type, category, activity; function ~ service, service area, services; members ~ councils,
partners, member councils, authorities. Nature spellings: "front-line", "front line", "programme",
"service delivery" -> frontline; "back office", "back-office", "admin", "administration", "support"
-> administrative; "both", "hybrid" -> mixed (case-insensitive; every mapping is reported).

Checks. Errors (collected, all reported together in one :class:`PartnershipFileError`, each with file,
row, column, value and a suggestion): missing columns, empty or duplicated partnership ids, missing
names, unknown natures, council names that are unmatched or ambiguous (with the closest candidates),
memberships whose partnership id is not in the partnerships file. Reported in ``meta["warnings"]``
(kept visible, never silent): a council listed twice in one partnership (the repeat is not counted),
one-member partnerships, partnerships without members, missing functions (set to "unspecified"),
and names of councils not existing in the year, of non-English councils or of bodies that are not
councils (listed in ``meta["exclusions"]``, not in the memberships).

Row numbers are counted as in a spreadsheet: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from lgnet.data import paths
from lgnet.data.errors import LgnetError
from lgnet.data.evidence_sets import DEFAULT_SET, EVIDENCE_SETS, evidence_set, is_documented
from lgnet.data.names import (AliasTableError, CouncilMatcher, MatchResult, load_aliases, load_registry,
                               with_project_aliases)
from lgnet.data.name_context import resolve_in_context
from lgnet.data.partnership_data import NATURES, PartnershipData, RecordWarning, concerns, participation
from lgnet.data.readers import read_table, sheet_names

__all__ = [
    "PartnershipData", "NATURES", "PartnershipFileError", "Problem", "DOCUMENTED_DIR", "DOCUMENTED_YEAR",
    "load_partnerships", "read_tidy", "read_wide", "map_nature", "split_members", "summarise",
    "EVIDENCE_SETS", "DEFAULT_SET", "is_documented", "evidence_set", "carry_to_year", "load_evidence_sets",
]

DOCUMENTED_DIR = paths.DATA / "documented_partnerships"
DOCUMENTED_YEAR = 2017

COLUMN_SYNONYMS = {
    "partnership_id": ["partnership id", "partnership_id", "id", "ref", "reference", "partnership ref"],
    "name": ["name", "title", "partnership", "partnership name", "partnership title"],
    "nature": ["nature", "type", "category", "activity", "activity type", "partnership type", "nature of service"],
    "function": ["function", "service", "service area", "services", "function service", "service type"],
    "members": ["members", "councils", "partners", "member councils", "authorities", "councils involved",
                "partner councils", "member authorities", "participating councils"],
    "council": ["council", "member", "authority", "partner", "council name", "local authority"],
    "code": ["code", "gss code", "gss", "council code", "la code"],
    "council_name_as_written": ["council name as written", "council_name_as_written", "name as written"],
}

NATURE_SPELLINGS = {
    "frontline": ["frontline", "front line", "front line service", "front line services", "programme",
                  "programmes", "program", "service delivery", "delivery", "front office"],
    "administrative": ["administrative", "admin", "administration", "back office", "backoffice",
                       "back office service", "back office services", "support", "support services",
                       "corporate", "corporate services"],
    "mixed": ["mixed", "both", "hybrid", "front and back office", "back office and front line",
              "frontline and administrative", "administrative and frontline"],
}
_NATURE_LOOKUP = {spelling: nature for nature, spellings in NATURE_SPELLINGS.items() for spelling in spellings}
UNSPECIFIED_FUNCTION = "unspecified"


# --- errors -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem in a partnership file."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    suggestion: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f": {self.value!r}"
        if self.suggestion:
            text += f" -- {self.suggestion}"
        return text


class PartnershipFileError(LgnetError, ValueError):
    """A partnership file has problems; ``problems`` lists every one (not only the first)."""

    def __init__(self, source: str, problems: list[Problem], warnings: list[str] | None = None,
                 header_rows: dict[str, int] | None = None):
        self.source = source
        self.problems = list(problems)
        self.warnings = list(warnings or [])
        rows = {f: r for f, r in (header_rows or {}).items() if r != 1}
        header = ("header = row 1" if not rows else
                  f"header = row {next(iter(rows.values()))}" if len(header_rows) == 1 else
                  "header = row 1 except " + ", ".join(f"row {r} in {f}" for f, r in rows.items()))
        lines = [f"{len(self.problems)} problem(s) in partnership file {source} "
                 f"(rows counted as in the spreadsheet: {header}):"]
        lines += [f"  - {p}" for p in self.problems]
        if self.warnings:  # found on the same pass: shown now, so fixing the errors brings no surprises
            lines.append(f"also noted ({len(self.warnings)} warning(s), not errors):")
            lines += [f"  - {w}" for w in self.warnings]
        super().__init__("\n".join(lines))


# --- small helpers ----------------------------------------------------------------------------------


def _display(path) -> str:
    """A path as shown in messages: relative to the repository when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text).lower()).split())


def _find_columns(columns, wanted: list[str]) -> dict[str, str]:
    """Standard name -> the file's column, for the standard names in ``wanted`` that are present."""
    keys = {_header_key(c): c for c in columns}
    found = {}
    for std in wanted:
        for synonym in COLUMN_SYNONYMS[std]:
            column = keys.get(_header_key(synonym))
            if column is not None and column not in found.values():
                found[std] = column
                break
    return found


def _text(value) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0", text):  # spreadsheets turn ids like 12 into 12.0
        text = text[:-2]
    return text


def _is_header(cells: list[str]) -> bool:
    """A row is a header row when at least two of its cells are known column names."""
    wanted = [c for c in COLUMN_SYNONYMS if c != "council_name_as_written"]
    return len(_find_columns([c for c in cells if c], wanted)) >= 2


def _read_table(path: Path, sheet: str | int | None = 0, warnings: list[str] | None = None) -> pd.DataFrame:
    """A CSV/TSV or one sheet of a workbook as strings ('' for empty cells), through lgnet.data.readers."""
    table = read_table(path, sheet, warnings=warnings, is_header=_is_header, file=_display(path))
    if table.empty:
        raise PartnershipFileError(_display(path), [Problem(
            _display(path), None, None, None, "no partnerships: the file has a header row but no data rows",
            "add one row per partnership (or membership) below the header")])
    return table


def map_nature(value: str) -> str | None:
    """The canonical nature (frontline / administrative / mixed) for a spelling, or None if unknown."""
    key = " ".join(re.sub(r"[^a-z]+", " ", str(value).lower()).split())
    return _NATURE_LOOKUP.get(key)


def _closest(value: str, choices, limit: int = 3) -> list[str]:
    from rapidfuzz import process

    return [c for c, _score, _i in process.extract(str(value), list(choices), limit=limit)]


# --- member lists in one cell -------------------------------------------------------------------------

_PIECE_SEPARATORS = re.compile(r"[;\n\r|]+")
_INNER_SEPARATORS = re.compile(r"(\s*,\s*|\s+and\s+|\s*&\s*|\s*\+\s*|\s*/\s*)", re.IGNORECASE)


def split_members(text: str, matcher: CouncilMatcher) -> list[tuple[str, MatchResult]]:
    """Split a free-text list of councils into (name as written, match) pairs.

    Pieces are first separated on ";", "|" and new lines. A piece that is a council name as a whole
    stays whole ("Bournemouth, Christchurch and Poole"); otherwise it is cut at commas, " and ", "&", "+",
    "/" into the fewest parts that are each a council name ("Hammersmith and Fulham, Barnet" -> 2). Parts
    that match no council are returned with their failed match, joined back across "and"/"&" (so
    "Barking and Dagenhm" is reported as one name, not two).
    """
    out: list[tuple[str, MatchResult]] = []
    for piece in _PIECE_SEPARATORS.split(str(text)):
        piece = piece.strip().strip(",").strip()
        if not piece:
            continue
        out.extend(_split_piece(piece, matcher))
    return out


_NAME_AND_CODE = re.compile(r"^(?P<name>.*?)\s*[(\[]\s*(?P<code>[ENSWK]\d{8})\s*[)\]]\s*$", re.IGNORECASE)


def code_and_name(matcher: CouncilMatcher, code: str, name: str, as_written: str,
                  partnership_id: str | None = None) -> MatchResult:
    """A council given both by GSS code and by name: the code's match, unless the name is (by itself) another
    council, which is a conflict the file must settle: an ambiguous result that names both (never a guess).
    A name that matches no council, or only needs context, leaves the code to decide."""
    by_code = matcher.match(code)
    if not by_code.matched or not name:
        return by_code
    by_name = matcher.match(name, partnership_id=partnership_id) if partnership_id else matcher.match(name)
    if not by_name.matched or by_name.code == by_code.code or by_name.review:
        return by_code
    return MatchResult(
        as_written, "ambiguous", method="code_and_name",
        candidates=((by_code.code, by_code.name), (by_name.code, by_name.name)),
        message=(f"the code {by_code.code} is {by_code.name} but the name {name!r} is {by_name.name} "
                 f"({by_name.code})"))


def _split_piece(piece: str, matcher: CouncilMatcher) -> list[tuple[str, MatchResult]]:
    both = _NAME_AND_CODE.match(piece)
    if both and both.group("name").strip():  # "Surrey Heath (E07000214)": the name and its code must agree
        return [(piece, code_and_name(matcher, both.group("code").upper(), both.group("name").strip(), piece))]
    whole = matcher.match(piece)
    if whole.matched:
        return [(piece, whole)]
    parts = _INNER_SEPARATORS.split(piece)
    segments = [p.strip() for p in parts[0::2]]
    separators = parts[1::2]
    n = len(segments)
    if n == 1:
        return [(piece, whole)]

    def text(i: int, j: int) -> str:  # segments i..j-1 with their original separators
        pieces = [segments[i]]
        for k in range(i + 1, j):
            pieces += [separators[k - 1], segments[k]]
        return "".join(pieces).strip()

    cache: dict[tuple[int, int], MatchResult] = {}

    def result(i: int, j: int) -> MatchResult:
        if (i, j) not in cache:
            cache[(i, j)] = matcher.match(text(i, j))
        return cache[(i, j)]

    # cost, lexicographically: segments left unmatched, then unmatched groups, then groups
    best: list[tuple[float, list[tuple[int, int]]] | None] = [None] * (n + 1)
    best[0] = (0, [])
    for j in range(1, n + 1):
        for i in range(j):
            if best[i] is None or not segments[i]:
                continue
            spans_comma = any("," in separators[k - 1] for k in range(i + 1, j))
            r = result(i, j)
            if r.matched:
                cost = 1
            elif not spans_comma:
                cost = 1_000_000 * (j - i) + 1000
            else:
                continue
            total = best[i][0] + cost
            if best[j] is None or total < best[j][0]:
                best[j] = (total, best[i][1] + [(i, j)])
    if best[n] is None:
        return [(piece, whole)]
    groups = best[n][1]
    if all(not result(i, j).matched for i, j in groups):
        return [(piece, whole)]  # nothing recognisable: report the piece as written
    return [(text(i, j), result(i, j)) for i, j in groups]


# --- reading --------------------------------------------------------------------------------------------


@dataclass
class _Context:
    year: int
    matcher: CouncilMatcher
    problems: list[Problem]
    warnings: list[str]
    header_rows: dict = field(default_factory=dict)  # file -> the spreadsheet row of its header (for messages)


MATCH_BATCH = 50_000
"""Members of a wide file are matched in batches of about this many (bounded memory for large files)."""

PROGRESS_ROWS = 20_000
"""A wide file with at least this many rows shows a progress bar (stderr) while its members are matched."""

ALIASES_ENV = "LGNET_ALIASES"
"""An analyst's alias table (columns as data/aliases.csv) used before the project's when no table is given:
how `lgnet run --aliases FILE` reaches the chapters' kernels."""


def user_aliases_from_environment() -> pd.DataFrame | None:
    """The table named by ``$LGNET_ALIASES`` followed by the project's (the analyst's rows win), or None."""
    value = os.environ.get(ALIASES_ENV, "").strip()
    if not value:
        return None
    try:
        return with_project_aliases(value, ALIASES_ENV)
    except AliasTableError as exc:
        raise LgnetError(str(exc)) from None


def _context(year: int, councils: pd.DataFrame | None, aliases: pd.DataFrame | None,
             registry: pd.DataFrame | None) -> _Context:
    if councils is None:
        from lgnet.data.councils import council_table

        councils = council_table(year)
    if aliases is None:
        aliases = user_aliases_from_environment()
    if aliases is None:
        aliases = load_aliases()
    if registry is None:
        try:
            registry = load_registry()
        except FileNotFoundError:
            registry = None
    return _Context(int(year), CouncilMatcher(councils, year, aliases, registry), [], [])


def _check_columns(file: str, table: pd.DataFrame, required: list[str], optional: list[str],
                   ctx: _Context) -> dict[str, str] | None:
    found = _find_columns(table.columns, required + optional)
    missing = [c for c in required if c not in found]
    for column in missing:
        accepted = ", ".join(repr(s) for s in COLUMN_SYNONYMS[column])
        ctx.problems.append(Problem(file, 1, None, None, f"missing column {column!r}",
                                    f"add a column named one of {accepted}; columns found: "
                                    + ", ".join(repr(c) for c in table.columns if c != "_row")))
    return None if missing else found


def _partnership_rows(file: str, table: pd.DataFrame, cols: dict[str, str], ctx: _Context,
                      make_ids: bool = False) -> tuple[pd.DataFrame, dict]:
    """Validate the partnership columns; returns the standardised table and nature mappings."""
    mapped: Counter = Counter()
    rows = []
    seen: dict[str, int] = {}
    standard = set(cols.values()) | {"_row"}
    for rec in table.to_dict("records"):
        row = int(rec["_row"])
        pid = _text(rec[cols["partnership_id"]]) if "partnership_id" in cols else ""
        if make_ids and "partnership_id" not in cols:
            pid = f"R{row:03d}"
        if not pid:
            ctx.problems.append(Problem(file, row, cols.get("partnership_id"), "", "empty partnership id",
                                        "give every partnership a unique id"))
        elif pid in seen:
            ctx.problems.append(Problem(file, row, cols.get("partnership_id"), pid,
                                        f"duplicated partnership id (also row {seen[pid]})",
                                        "ids must be unique: renumber one of them"))
        else:
            seen[pid] = row
        name = _text(rec[cols["name"]])
        if not name:
            ctx.problems.append(Problem(file, row, cols["name"], "", "empty partnership name", "add its name"))
        raw_nature = _text(rec[cols["nature"]])
        nature = map_nature(raw_nature)
        if nature is None:
            close = _closest(raw_nature, _NATURE_LOOKUP) if raw_nature else []
            hint = ", ".join(f"{c!r} (= {_NATURE_LOOKUP[c]})" for c in close)
            ctx.problems.append(Problem(file, row, cols["nature"], raw_nature,
                                        "unknown nature" if raw_nature else "missing nature",
                                        (f"closest accepted spellings: {hint}; " if hint else "")
                                        + "use frontline, administrative or mixed (or a spelling listed "
                                        "in lgnet.data.partnerships.NATURE_SPELLINGS)"))
        elif raw_nature != nature:
            mapped[(raw_nature, nature)] += 1
        function = _text(rec[cols["function"]])
        if not function:
            ctx.warnings.append(RecordWarning(f"{file}, row {row}: partnership {pid or '?'} has no function: "
                                              f"recorded as {UNSPECIFIED_FUNCTION!r}", pid))
            function = UNSPECIFIED_FUNCTION
        extra = {c: rec[c] for c in table.columns if c not in standard}
        rows.append({"partnership_id": pid, "name": name, "nature": nature, "function": function,
                     **extra, "_row": row})
    if make_ids and "partnership_id" not in cols:
        ctx.warnings.append(f"{file}: no partnership id column: ids R<row> made from the row numbers")
    out = pd.DataFrame(rows, columns=["partnership_id", "name", "nature", "function",
                                      *[c for c in table.columns if c not in standard], "_row"])
    mappings = {f"{raw} -> {nat}": n for (raw, nat), n in sorted(mapped.items())}
    return out, mappings


def _match_memberships(entries: list[dict], ctx: _Context) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    """entries: dicts with file, row, column, partnership_id, as_written, result -> memberships, exclusions, mappings."""
    members, exclusions = [], []
    mapping: dict[str, dict] = {}
    entries = resolve_in_context(entries, ctx.matcher, ctx.warnings)  # "Richmond", "Lichfield City Council"
    for e in entries:
        r: MatchResult = e["result"]
        if r.matched:
            members.append({"partnership_id": e["partnership_id"], "code": r.code,
                            "council_name_as_written": e["name_as_written"], "_file": e["file"], "_row": e["row"]})
            if r.method not in ("code", "name"):
                # keyed by name and council: one string may be decided differently in two records ("Newcastle")
                m = mapping.setdefault((e["as_written"], r.code), {"as_written": e["as_written"], "code": r.code,
                                                         "council": r.name, "method": r.method,
                                                         "note": r.note, "count": 0})
                m["count"] += 1
        elif r.status in ("unmatched", "ambiguous"):
            what = "ambiguous council name" if r.status == "ambiguous" else f"no council of {ctx.year} matches"
            suggestion = r.suggestion()
            if r.status == "ambiguous" and r.message:  # why it is ambiguous: what fits, what the context says
                suggestion = f"{r.message}; {suggestion}"
            if r.method == "code_and_name":
                what = f"code and name disagree: {r.message}"
                suggestion = "correct the code or the name, so that both are the same council"
            if r.status == "unmatched" and r.message and "GSS code" in r.message:
                what = r.message
            ctx.problems.append(Problem(e["file"], e["row"], e["column"], e["as_written"], what, suggestion))
        else:
            exclusions.append({"partnership_id": e["partnership_id"], "as_written": e["as_written"],
                               "status": r.status, "reason": r.message, "file": e["file"], "row": e["row"]})
            label = {"not_existing_in_year": f"not a council in {ctx.year}",
                     "non_english": "not an English council", "not_a_council": "not a council"}[r.status]
            ctx.warnings.append(RecordWarning(f"{e['file']}, row {e['row']}: {e['as_written']!r} in partnership "
                                              f"{e['partnership_id']} excluded: {label}: {r.message}",
                                              e["partnership_id"]))
    memberships = pd.DataFrame(members, columns=["partnership_id", "code", "council_name_as_written", "_file", "_row"])
    return memberships, exclusions, sorted(mapping.values(), key=lambda m: m["as_written"].lower())


def _finish(source: str, partnerships: pd.DataFrame, memberships: pd.DataFrame, exclusions: list[dict],
            mappings: list[dict], nature_mappings: dict, ctx: _Context, dataset: str, files: list[str],
            extra_meta: dict | None = None) -> PartnershipData:
    """Cross-checks shared by the tidy and wide readers, then the PartnershipData (or the error)."""
    known = set(partnerships["partnership_id"])
    unknown = memberships[~memberships["partnership_id"].isin(known)]
    for _, m in unknown.iterrows():
        close = _closest(m["partnership_id"], known) if known else []
        ctx.problems.append(Problem(m["_file"], int(m["_row"]), "partnership_id", m["partnership_id"],
                                    "membership of a partnership id not in the partnerships file",
                                    f"closest ids: {', '.join(close)}" if close else "add the partnership"))
    if ctx.problems:
        raise PartnershipFileError(source, ctx.problems, ctx.warnings, ctx.header_rows)

    # a council twice in one partnership: keep the first listing, report the repeat
    duplicated = memberships.duplicated(["partnership_id", "code"], keep="first")
    duplicates = []
    first_rows = memberships.groupby(["partnership_id", "code"], sort=False)["_row"].transform("first")
    for m in memberships[duplicated].assign(_first=first_rows[duplicated]).to_dict("records"):
        duplicates.append({"partnership_id": m["partnership_id"], "code": m["code"],
                           "as_written": m["council_name_as_written"], "row": int(m["_row"]),
                           "first_row": int(m["_first"])})
        ctx.warnings.append(RecordWarning(
            f"{m['_file']}, row {int(m['_row'])}: {_text(m['council_name_as_written']) or m['code']!r} is listed "
            f"twice in partnership {m['partnership_id']} (first at row {int(m['_first'])}, same council "
            f"{m['code']}): counted once", m["partnership_id"]))
    memberships = memberships[~duplicated]

    sizes = memberships.groupby("partnership_id").size()
    n_members = partnerships["partnership_id"].map(sizes).fillna(0)
    for p in partnerships.loc[(n_members <= 1).to_numpy(), ["partnership_id", "name"]].to_dict("records"):
        n = int(sizes.get(p["partnership_id"], 0))
        if n == 0:
            ctx.warnings.append(RecordWarning(f"partnership {p['partnership_id']} ({p['name']}) has no member council",
                                              p["partnership_id"]))
        elif n == 1:
            ctx.warnings.append(RecordWarning(f"partnership {p['partnership_id']} ({p['name']}) has only one member "
                                              "council", p["partnership_id"]))

    by_method = Counter(m["method"] for m in mappings for _ in range(m["count"]))
    meta = {
        "source": source,
        "files": files,
        "row_numbering": "spreadsheet rows: header = row 1",
        "nature_mappings": nature_mappings,
        "name_mappings": mappings,
        "name_mapping_counts": dict(by_method),
        "exclusions": exclusions,
        "duplicates": duplicates,
        "warnings": list(ctx.warnings),
    }
    if extra_meta:
        meta.update(extra_meta)
    partnerships = partnerships.drop(columns="_row").reset_index(drop=True)
    memberships = memberships.drop(columns=["_file", "_row"]).reset_index(drop=True)
    memberships["council_name_as_written"] = memberships["council_name_as_written"].astype("string")
    return PartnershipData(partnerships=partnerships, memberships=memberships, year=ctx.year,
                           dataset=dataset, simulated=False, meta=meta)


def _tidy_files(folder_or_pair) -> tuple[tuple[Path, object], tuple[Path, object]]:
    """(path, sheet) for the partnerships and memberships tables."""
    if isinstance(folder_or_pair, (tuple, list)):
        p, m = (Path(x) for x in folder_or_pair)
        return (p, 0), (m, 0)
    path = Path(folder_or_pair)
    if path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = {s.lower(): s for s in sheet_names(path)}
        if "partnerships" in sheets and "memberships" in sheets:
            return (path, sheets["partnerships"]), (path, sheets["memberships"])
        raise PartnershipFileError(_display(path), [Problem(_display(path), None, None, None,
                                                       "workbook has no 'partnerships' and 'memberships' sheets",
                                                       "name the two sheets so, or give a wide file")])
    found = []
    for stem in ("partnerships", "memberships"):
        present = [path / f"{stem}{suffix}" for suffix in (".csv", ".xlsx") if (path / f"{stem}{suffix}").exists()]
        if len(present) > 1:
            raise PartnershipFileError(_display(path), [Problem(
                _display(path), None, None, None, f"both {stem}.csv and {stem}.xlsx are in this folder: "
                "which one to read is ambiguous", "remove or rename the one you do not mean")])
        for candidate in present:
            found.append((candidate, 0))
            break
        else:
            raise PartnershipFileError(_display(path), [Problem(_display(path), None, None, None,
                                                           f"no {stem}.csv or {stem}.xlsx in this folder",
                                                           "a tidy pair is partnerships.csv + memberships.csv")])
    return found[0], found[1]


def read_tidy(folder_or_pair, year: int = DOCUMENTED_YEAR, *, councils: pd.DataFrame | None = None,
              aliases: pd.DataFrame | None = None, registry: pd.DataFrame | None = None,
              dataset: str | None = None, scope_aliases: bool = False) -> PartnershipData:
    """Read a tidy pair (a folder, a (partnerships, memberships) pair of paths, or a two-sheet workbook).

    ``scope_aliases``: let aliases scoped to partnership ids (column ``partnership_ids`` of
    data/aliases.csv) apply; only for the documented sample, whose ids those are.
    """
    (p_path, p_sheet), (m_path, m_sheet) = _tidy_files(folder_or_pair)
    ctx = _context(year, councils, aliases, registry)
    p_file, m_file = _display(p_path), _display(m_path) + (f" [sheet {m_sheet}]" if m_sheet != 0 else "")
    if p_sheet != 0:
        p_file += f" [sheet {p_sheet}]"
    p_table, m_table = _read_table(p_path, p_sheet, ctx.warnings), _read_table(m_path, m_sheet, ctx.warnings)
    ctx.header_rows.update({_display(p_path): p_table.attrs.get("header_row", 1),
                            _display(m_path): m_table.attrs.get("header_row", 1)})
    p_cols = _check_columns(p_file, p_table, ["partnership_id", "name", "nature", "function"], [], ctx)
    m_cols = _find_columns(m_table.columns, ["partnership_id", "council", "code", "council_name_as_written"])
    if "partnership_id" not in m_cols or not ({"council", "code", "council_name_as_written"} & set(m_cols)):
        ctx.problems.append(Problem(m_file, 1, None, None,
                                    "memberships need a 'partnership_id' column and a 'council' (GSS code or "
                                    "name), 'code' or 'council_name_as_written' column",
                                    "columns found: " + ", ".join(repr(c) for c in m_table.columns if c != "_row")))
        m_cols = None
    if p_cols is None or m_cols is None:
        raise PartnershipFileError(_display(p_path if p_cols is None else m_path), ctx.problems,
                                   header_rows=ctx.header_rows)
    partnerships, nature_mappings = _partnership_rows(p_file, p_table, p_cols, ctx)

    entries = []
    for _, rec in m_table.iterrows():
        row = int(rec["_row"])
        pid = _text(rec[m_cols["partnership_id"]])
        code = _text(rec[m_cols["code"]]) if "code" in m_cols else ""
        council = _text(rec[m_cols["council"]]) if "council" in m_cols else ""
        written = _text(rec[m_cols["council_name_as_written"]]) if "council_name_as_written" in m_cols else ""
        query, column = next(((v, m_cols[c]) for v, c in ((code, "code"), (council, "council"),
                                                          (written, "council_name_as_written")) if v),
                             ("", m_cols.get("council") or m_cols.get("code") or m_cols.get("council_name_as_written")))
        if not pid:
            ctx.problems.append(Problem(m_file, row, m_cols["partnership_id"], "", "empty partnership id",
                                        "every membership names its partnership"))
        if not query:
            ctx.problems.append(Problem(m_file, row, column, "", "empty council", "write a GSS code or name"))
            continue
        name_as_written = written or (council if council and council != code else "")
        if name_as_written and re.fullmatch(r"[ENSWK]\d{8}", name_as_written, re.IGNORECASE):
            name_as_written = ""
        if code and name_as_written:  # a code and a name: they must be the same council
            result = code_and_name(ctx.matcher, code, name_as_written, query,
                                   partnership_id=pid if scope_aliases else None)
        else:
            result = ctx.matcher.match(query, partnership_id=pid) if scope_aliases else ctx.matcher.match(query)
        entries.append({"file": m_file, "row": row, "column": column, "partnership_id": pid,
                        "as_written": query, "name_as_written": name_as_written or pd.NA, "result": result})
    memberships, exclusions, mappings = _match_memberships(entries, ctx)
    if isinstance(folder_or_pair, (tuple, list)):
        source = f"{_display(p_path)} + {_display(m_path)}"
    else:
        source = _display(folder_or_pair)
    data = _finish(source, partnerships, memberships, exclusions, mappings, nature_mappings, ctx,
                   dataset or source, [_display(p_path), _display(m_path)])
    _carry_simulation_marker(data, Path(p_path).parent, p_table)
    return data


def _carry_simulation_marker(data: PartnershipData, folder: Path, partnerships: pd.DataFrame) -> None:
    """A folder written by `lgnet simulate` stays marked as simulated when read back by path."""
    sidecar = folder / "simulation.json"
    if sidecar.is_file():
        import json

        info = json.loads(sidecar.read_text())
        if info.get("marker") == "SIMULATED":
            data.simulated = True
            data.meta["simulation"] = info
    elif "simulated" in partnerships.columns:  # a user's column proves nothing: only lgnet's own sidecar does
        data.meta.setdefault("warnings", []).append(
            f"{_display(folder)}: the column 'simulated' is kept as an ordinary column; data are marked "
            "simulated only by the simulation.json that `lgnet simulate` writes")


def _warn_other_council_columns(file: str, table: pd.DataFrame, cols: dict[str, str], ctx: _Context,
                                sample: int = 50) -> None:
    """Warn about a column other than the members column whose values are council names ("Lead council",
    "Host authority"): it is not read as members, and the warning says how to include it."""
    used = set(cols.values()) | {"_row"}
    members_col = cols["members"]
    for column in table.columns:
        if column in used:
            continue
        head = table.head(sample * 4)
        pairs = [(v, m) for v, m in zip(head[column].map(_text), head[members_col].map(_text)) if v][:sample]
        if not pairs:
            continue
        values, members = [v for v, _ in pairs], [m for _, m in pairs]  # each value beside its own row's members
        matched = [ctx.matcher.match(v) for v in values]
        hits = sum(m.matched for m in matched)
        if hits < max(2, 0.5 * len(values)):
            continue
        outside = sum(1 for m, text in zip(matched, members)
                      if m.matched and m.code not in {r.code for _, r in split_members(text, ctx.matcher) if r.matched})
        ctx.warnings.append(
            f"{file}: column {column!r} holds council names ({hits} of the first {len(values)} values are "
            f"councils) but only {members_col!r} is read as the members"
            + (f"; in {outside} of those rows the council is not in {members_col!r}" if outside else "")
            + f". To count these councils as members, add them to the {members_col!r} list of each row "
            f"(separated like the others); to leave them out, ignore this warning or delete the column."
        )


def read_wide(path, year: int = DOCUMENTED_YEAR, *, sheet: str | int | None = None, councils: pd.DataFrame | None = None,
              aliases: pd.DataFrame | None = None, registry: pd.DataFrame | None = None,
              dataset: str | None = None) -> PartnershipData:
    """Read a wide file (CSV or XLSX): one row per partnership, member councils as free text."""
    path = Path(path)
    ctx = _context(year, councils, aliases, registry)
    file = _display(path)
    table = _read_table(path, sheet, ctx.warnings)
    ctx.header_rows[_display(path)] = table.attrs.get("header_row", 1)
    cols = _check_columns(file, table, ["name", "nature", "function", "members"], ["partnership_id"], ctx)
    if cols is None:
        raise PartnershipFileError(file, ctx.problems, header_rows=ctx.header_rows)
    _warn_other_council_columns(file, table, cols, ctx)
    partnerships, nature_mappings = _partnership_rows(file, table.drop(columns=[cols["members"]]), cols, ctx,
                                                      make_ids=True)
    entries: list[dict] = []
    parts: list[tuple[pd.DataFrame, list[dict], list[dict]]] = []
    rows_members = zip(table["_row"].tolist(), table[cols["members"]].tolist(), partnerships["partnership_id"])
    for row, text, pid in tqdm(rows_members, total=len(table), desc=f"matching members ({path.name})",
                               unit=" rows", disable=len(table) < PROGRESS_ROWS, mininterval=1.0):
        row = int(row)
        text = _text(text)
        if text:  # a row without members is reported as a partnership without members
            for as_written, result in split_members(text, ctx.matcher):
                as_written = sys.intern(as_written)  # a long file repeats its names: one string each
                entries.append({"file": file, "row": row, "column": cols["members"], "partnership_id": pid,
                                "as_written": as_written,
                                "name_as_written": pd.NA if result.method in ("code", "other_code") else as_written,
                                "result": result})
        if len(entries) >= MATCH_BATCH:  # bounded memory: a partnership's members are all in one batch
            parts.append(_match_memberships(entries, ctx))
            entries = []
    parts.append(_match_memberships(entries, ctx))
    memberships, exclusions, mappings = _merge_matched(parts)
    return _finish(file, partnerships, memberships, exclusions, mappings, nature_mappings, ctx,
                   dataset or file, [file])


def _merge_matched(parts: list[tuple[pd.DataFrame, list[dict], list[dict]]]) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    """One (memberships, exclusions, mappings) from the batches of :func:`_match_memberships`, as one call gives."""
    if len(parts) == 1:
        return parts[0]
    frames = [m for m, _, _ in parts if len(m)] or [parts[0][0]]  # an empty batch would change the dtypes
    memberships = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    exclusions = [x for _, xs, _ in parts for x in xs]
    merged: dict[tuple[str, str], dict] = {}
    for _, _, maps in parts:
        for m in maps:
            k = (m["as_written"], m["code"])
            if k in merged:
                merged[k]["count"] += m["count"]
            else:
                merged[k] = dict(m)
    return memberships, exclusions, sorted(merged.values(), key=lambda m: m["as_written"].lower())


def _recount_mappings(mappings: list[dict], memberships: pd.DataFrame) -> tuple[list[dict], dict]:
    """The name mappings of a subset of the memberships, with their counts in that subset."""
    code = memberships["code_2017"] if "code_2017" in memberships.columns else memberships["code"]
    counts = Counter(zip(memberships["council_name_as_written"], code))
    kept = [{**m, "count": int(counts[(m["as_written"], m["code"])])} for m in mappings
            if counts[(m["as_written"], m["code"])]]
    by_method = Counter(m["method"] for m in kept for _ in range(m["count"]))
    return kept, dict(by_method)


def _successors(la: str, reg: pd.DataFrame, target: set[str], seen: frozenset = frozenset()) -> list[str]:
    """The registry la codes of year-Y councils that ``la`` became (itself if it still exists)."""
    if la in target:
        return [la]
    out: list[str] = []
    for nxt in reg.at[la, "replaced_by"] if la in reg.index else []:
        if nxt in seen:
            continue
        for s in _successors(nxt, reg, target, seen | {la}):
            if s not in out:
                out.append(s)
    return out


def carry_to_year(memberships: pd.DataFrame, year: int, *, councils_from: pd.DataFrame | None = None,
                  councils_to: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict]:
    """Carry memberships coded on 2017 councils to the councils of ``year`` through the registry.

    Each 2017 council goes to its successor(s) in ``year`` by the registry's ``replaced_by`` links (a
    council that still exists stays itself; a county split between several unitaries goes to each of
    them). Returns the carried memberships (column ``code`` = year-Y code, ``code_2017`` = the original)
    and a report: ``moved`` (memberships whose council changed), ``splits`` (2017 councils carried to
    several successors), ``merged`` (partnerships in which several 2017 members became one council:
    counted once) and ``collapsed`` (partnerships whose members all became one council).
    """
    from lgnet.data.councils import council_table, registry

    before = councils_from if councils_from is not None else council_table(DOCUMENTED_YEAR)
    after = councils_to if councils_to is not None else council_table(year)
    reg = registry().set_index("la_code")
    la_of = dict(zip(before["code"], before["la_code"]))
    code_of = dict(zip(after["la_code"], after["code"]))
    name_of = {**dict(zip(before["code"], before["name"])), **dict(zip(after["code"], after["name"]))}
    target = set(code_of)
    mapping: dict[str, list[str]] = {}
    for code, la in la_of.items():
        successors = [code_of[s] for s in _successors(la, reg, target)]
        if not successors:
            raise LgnetError(f"{name_of[code]} ({code}), a council of {DOCUMENTED_YEAR}, has no successor among "
                             f"the councils of {year} in the registry: cannot carry the documented sample")
        mapping[code] = successors
    rows = []
    for rec in memberships.to_dict("records"):
        for new in mapping[rec["code"]]:
            rows.append({**rec, "code": new, "code_2017": rec.get("code_2017", rec["code"])})
    carried = pd.DataFrame(rows, columns=[*memberships.columns, *(["code_2017"] if "code_2017" not in
                                                                    memberships.columns else [])])
    moved_in = [rec.partnership_id for rec in memberships.itertuples() if mapping[rec.code] != [rec.code]]
    moved = len(moved_in)
    splits = [{"code_2017": c, "council_2017": name_of[c], "to": [(s, name_of[s]) for s in mapping[c]]}
              for c in sorted(set(memberships["code"])) if len(mapping[c]) > 1]
    merged, collapsed = [], []
    for pid, group in carried.groupby("partnership_id", sort=False):
        before_n = group["code_2017"].nunique()
        by_new = group.groupby("code")["code_2017"].unique()
        for new, olds in by_new.items():
            if len(olds) > 1:
                merged.append({"partnership_id": pid, "code": new, "council": name_of[new],
                               "from": [(o, name_of[o]) for o in olds]})
        if before_n >= 2 and group["code"].nunique() == 1:
            collapsed.append({"partnership_id": pid, "code": group["code"].iloc[0],
                              "council": name_of[group["code"].iloc[0]],
                              "from": [(o, name_of[o]) for o in group["code_2017"].unique()]})
    carried = carried.drop_duplicates(["partnership_id", "code"]).reset_index(drop=True)
    report = {"from_year": DOCUMENTED_YEAR, "to_year": int(year), "memberships_2017": len(memberships),
              "moved": moved, "splits": splits, "merged": merged, "collapsed": collapsed,
              "moved_in": moved_in,
              "memberships_2017_by_partnership": memberships.groupby("partnership_id").size().to_dict()}
    return carried, report


def _read_documented_all(year: int, **kwargs) -> tuple[PartnershipData, pd.DataFrame]:
    """Every record of the documented sample on the councils of ``year`` (carried when year > 2017),
    with the council table of ``year``."""
    year = int(year)
    if year < DOCUMENTED_YEAR:
        raise LgnetError(
            f"the documented sample describes partnerships c. {DOCUMENTED_YEAR}; it cannot be read for "
            f"{year}: many of its arrangements did not exist yet, and carrying them back onto the councils of "
            f"{year} would invent partnerships. Use year {DOCUMENTED_YEAR} or later (later years carry each "
            f"member to its successor council), source='simulated' (lgnet simulate --year {year}) or your own "
            f"partnership file for {year}."
        )
    if year > DOCUMENTED_YEAR:
        from lgnet.data.years import check_year

        try:
            check_year(year)
        except ValueError as exc:
            raise LgnetError(str(exc)) from None
    councils_y = kwargs.pop("councils", None)
    kwargs.pop("sheet", None)  # the documented sample is a tidy folder of CSV files
    full = read_tidy(DOCUMENTED_DIR, DOCUMENTED_YEAR, dataset="documented-all", scope_aliases=True,
                     councils=councils_y if year == DOCUMENTED_YEAR else None, **kwargs)
    caveats_path = DOCUMENTED_DIR / "caveats.csv"
    if caveats_path.exists():
        caveats = pd.read_csv(caveats_path, dtype=str, keep_default_na=False)
        caveats = caveats.groupby("partnership_id")["caveat"].agg(" ".join)
        full.partnerships["caveat"] = full.partnerships["partnership_id"].map(caveats).astype("string")
    full.memberships["code_2017"] = full.memberships["code"]
    meta = full.meta
    if year == DOCUMENTED_YEAR:
        meta["geography_note"] = (f"The partnerships are c. {DOCUMENTED_YEAR} arrangements on the councils of "
                                  f"{DOCUMENTED_YEAR}.")
    else:
        memberships, report = carry_to_year(full.memberships, year, councils_to=councils_y)
        category = dict(zip(full.partnerships["partnership_id"], full.partnerships["category"]))
        for item in report["merged"] + report["collapsed"]:
            item["category"] = category[item["partnership_id"]]
        gone = {c["partnership_id"] for c in report["collapsed"]}
        for c in report["collapsed"]:
            meta["warnings"].append(RecordWarning(
                f"partnership {c['partnership_id']} set aside for {year}: all its {DOCUMENTED_YEAR} members ("
                + ", ".join(n for _, n in c["from"]) + f") became one council, {c['council']} ({c['code']})",
                c["partnership_id"]))
        for m in report["merged"]:
            if m["partnership_id"] not in gone:
                meta["warnings"].append(RecordWarning(
                    f"partnership {m['partnership_id']}: " + ", ".join(n for _, n in m["from"])
                    + f" became one council in {year}, {m['council']} ({m['code']}): counted once",
                    m["partnership_id"]))
        full.partnerships = full.partnerships[~full.partnerships["partnership_id"].isin(gone)].reset_index(drop=True)
        full.memberships = memberships[~memberships["partnership_id"].isin(gone)].reset_index(drop=True)
        full.year = year
        meta["carried"] = report
    if councils_y is None:
        from lgnet.data.councils import council_table

        councils_y = council_table(year)
    return full, councils_y


def _select_set(full: PartnershipData, name: str, councils_y: pd.DataFrame) -> PartnershipData:
    """The records of one evidence set, with its counts in ``meta['evidence_set']``."""
    spec = evidence_set(name)
    partnerships = full.partnerships[full.partnerships["category"].isin(spec.categories)].reset_index(drop=True)
    ids = set(partnerships["partnership_id"])
    memberships = full.memberships[full.memberships["partnership_id"].isin(ids)].reset_index(drop=True)
    meta = {k: (list(v) if isinstance(v, list) else v) for k, v in full.meta.items()}
    meta["name_mappings"], meta["name_mapping_counts"] = _recount_mappings(full.meta["name_mappings"], memberships)

    carried = full.meta.get("carried")
    if carried is not None:  # merged and set-aside partnerships of this set only
        carried = {**carried, **{key: [i for i in carried[key] if i["category"] in spec.categories]
                                 for key in ("merged", "collapsed")}}
        ids = ids | {c["partnership_id"] for c in carried["collapsed"]}
        carried["memberships_2017"] = sum(n for pid, n in carried["memberships_2017_by_partnership"].items()
                                          if pid in ids)
        carried["moved"] = sum(1 for pid in carried["moved_in"] if pid in ids)
        meta["carried"] = carried
        meta["geography_note"] = (
            f"The partnerships are c. {DOCUMENTED_YEAR} arrangements drawn on the councils of {full.year}: each "
            f"{DOCUMENTED_YEAR} member council is carried to its {full.year} successor through the council "
            f"registry ({carried['moved']} of {carried['memberships_2017']} memberships moved; "
            f"{len(carried['collapsed'])} partnership(s) whose members all became one council set aside). "
            f"They are not a record of partnerships in {full.year}.")
    # warnings about one record are kept for the partnerships of this set only
    meta["warnings"] = [w for w in full.meta["warnings"] if concerns(w, ids)]
    meta["evidence_set"] = {
        "name": spec.name, "label": spec.label, "description": spec.description,
        "categories": list(spec.categories),
        "partnerships": len(partnerships), "memberships": len(memberships),
        **participation(memberships, len(councils_y)),
    }
    meta["provenance"] = (
        f"{len(partnerships)} real inter-council arrangements c. {DOCUMENTED_YEAR} ({spec.label}: "
        f"{', '.join(spec.categories)}) compiled for this project from public web pages; see "
        "data/documented_partnerships/README.md (source_url per partnership, caveats.csv)"
    )
    return PartnershipData(partnerships=partnerships, memberships=memberships, year=full.year, dataset=name,
                           simulated=False, meta=meta)


def _read_documented(name: str, year: int, **kwargs) -> PartnershipData:
    evidence_set(name)  # a clear error for an unknown set name before anything is read
    full, councils_y = _read_documented_all(year, **kwargs)
    return _select_set(full, name, councils_y)


def load_evidence_sets(year: int = DOCUMENTED_YEAR, **kwargs) -> dict[str, PartnershipData]:
    """All three evidence sets of the documented sample for ``year`` (read once): name -> PartnershipData,
    in the order strict, default, all (``EVIDENCE_SETS``)."""
    full, councils_y = _read_documented_all(year, **kwargs)
    return {name: _select_set(full, name, councils_y) for name in EVIDENCE_SETS}


def load_partnerships(source: str | Path = DEFAULT_SET, year: int = DOCUMENTED_YEAR, seed: int | None = None,
                      **kwargs) -> PartnershipData:
    """The partnership dataset for ``year``.

    source: an evidence set of the committed documented sample -- "documented" (default: shared_service,
    proposal, out_of_period), "documented-strict" (shared_service) or "documented-all" (every record); see
    ``lgnet.data.evidence_sets`` -- for 2017 or, carried to successor councils, a later year;
    "simulated" (``lgnet.data.simulate.simulate`` with ``seed``); or a path: a tidy folder, a
    (partnerships, memberships) pair, a two-sheet workbook or a wide CSV/XLSX. Keyword arguments
    (councils, aliases, registry) are passed to the readers.

    For the documented sample, ``meta["evidence_set"]`` holds the set's name, label, description,
    categories and counts (partnerships, memberships, councils, councils_in_year, participation), and
    ``meta["geography_note"]`` a sentence saying on which year's councils the c. 2017 partnerships are
    drawn; for a later year ``meta["carried"]`` reports the memberships moved, the councils split, and
    the partnerships whose members merged (``collapsed`` ones are set aside and listed in the warnings).
    """
    if is_documented(source):
        return _read_documented(source, year, **kwargs)
    if isinstance(source, str) and source.startswith("documented") and not Path(source).exists():
        raise LgnetError(f"{source!r} is not an evidence set of the documented sample: use one of "
                         f"{', '.join(EVIDENCE_SETS)} (lgnet.data.evidence_sets)")
    if isinstance(source, str) and source == "simulated":
        from lgnet.data.simulate import simulate

        return simulate(year=year, seed=seed)
    if isinstance(source, (tuple, list)):
        kwargs.pop("sheet", None)
        return read_tidy(source, year, **kwargs)
    path = Path(source)
    if not path.exists():
        raise LgnetError(f"partnership file {path} not found: give a tidy folder (partnerships.csv + "
                         "memberships.csv), a wide .csv/.xlsx file, 'documented' or 'simulated'")
    if path.is_dir():
        kwargs.pop("sheet", None)
        return read_tidy(path, year, **kwargs)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        sheets = {s.lower() for s in sheet_names(path)}
        if {"partnerships", "memberships"} <= sheets and kwargs.get("sheet") is None:
            kwargs.pop("sheet", None)
            return read_tidy(path, year, **kwargs)
    return read_wide(path, year, **kwargs)


# --- summary ------------------------------------------------------------------------------------------


def summarise(data: PartnershipData, councils: pd.DataFrame | None = None) -> dict:
    """Counts for `lgnet check` and the book: partnerships, memberships, councils, natures, participation."""
    if councils is None:
        from lgnet.data.councils import council_table

        councils = council_table(data.year)
    share = participation(data.memberships, len(councils))
    written = data.memberships["council_name_as_written"].dropna().nunique()
    return {
        "year": data.year,
        "dataset": data.dataset,
        "partnerships": len(data.partnerships),
        "memberships": len(data.memberships),
        "distinct_names_as_written": int(written),
        "councils_matched": share["councils"],
        "councils_in_year": share["councils_in_year"],
        "participation": share["participation"],
        "natures": {n: int((data.partnerships["nature"] == n).sum()) for n in NATURES},
        "functions": data.partnerships["function"].value_counts().to_dict(),
        "members_per_partnership": data.memberships.groupby("partnership_id").size().describe().to_dict(),
        "exclusions": len(data.meta.get("exclusions", [])),
        "duplicates": len(data.meta.get("duplicates", [])),
        "warnings": len(data.meta.get("warnings", [])),
    }
