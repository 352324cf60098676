"""Council-name matching: turn the strings real partnership lists use into GSS codes of one year's councils.

Real lists write council names in many ways: "Stevenage BC", "East Herts DC", "Solihull MBC",
"Hammersmith & Fulham", "The Council of the Borough of South Tyneside", "Royal Borough of Windsor and
Maidenhead", "RBWM", "Kingston". :func:`normalise` reduces a name to its core place name (case,
punctuation, "&", hyphens, "St."/"Saint", compass abbreviations and council designations such as
"Borough Council", "City of", "DC", "MBC" removed), which keeps apart names that differ in the place
("Worcestershire" vs "Worcester", "Bedford" vs "Bedfordshire", "Lincoln" vs "Lincolnshire").

:class:`CouncilMatcher` maps a string to the GSS code of a council of one year, trying in turn

1. a GSS code (the year's code, or another code of the same council from the registry);
2. the project's alias table (``data/aliases.csv``), for strings no rule should guess: "Kingston",
   "Richmond", "RBWM", "Huntingdon District Council" ...; aliases can be scoped to a range of years
   and can also say that a string is not a council, is a non-English council or names a council that
   did not exist in the year;
3. the names of that year's councils (official, short and the registry's alternate names), first
   compared with designations kept ("durham county council"), then on the core place name
   ("durham"); where a core name fits several councils, the designation written ("County Council"
   vs "City Council") may decide between a county and a district, never anything else;
4. otherwise a structured failure: ``ambiguous`` (with the candidates), ``not_existing_in_year``
   (a council of the registry that was not in existence that year, with its predecessor or
   successor), ``non_english``, ``not_a_council``, or ``unmatched`` (with up to three closest
   candidates from fuzzy matching, which only ever *proposes* names for the error message).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lgnet.data import paths

REGISTRY_FOLDER = "mysociety_uk_local_authority_names_and_codes"
REGISTRY_FILE = "uk_local_authorities_current.csv"
ALIASES_FILE = paths.DATA / "aliases.csv"

ALIAS_COLUMNS = ["alias", "code", "valid_from_year", "valid_to_year", "status", "note"]
# Optional: "|"-separated partnership ids of the documented sample an alias is scoped to (blank = everywhere).
ALIAS_SCOPE_COLUMN = "partnership_ids"
# Optional: "yes" where the alias may mean another council elsewhere ("Kingston": upon Thames or upon Hull), so
# each record's other members decide it (lgnet.data.name_context); blank = the alias's code, always.
ALIAS_REVIEW_COLUMN = "review"
ALIAS_STATUSES = ("council", "not_a_council", "not_existing_in_year", "non_english")
STATUSES = ("matched", "unmatched", "ambiguous", "not_existing_in_year", "non_english", "not_a_council")

GSS_PATTERN = re.compile(r"^[ENSWK]\d{8}$", re.IGNORECASE)

# --- normalisation ---------------------------------------------------------------------------------

# Abbreviations of council designations, expanded before designations are compared or stripped.
_DESIGNATION_ABBREVIATIONS = {
    "bc": "borough council",
    "dc": "district council",
    "cc": "county council",  # also used for "City Council": both are stripped from the core name
    "mbc": "metropolitan borough council",
    "mdc": "metropolitan district council",
    "cbc": "county borough council",
    "lb": "london borough of",
    "lbo": "london borough of",
    "rb": "royal borough of",
    "ua": "unitary authority",
}
# The same abbreviations written AFTER the name ("Havering LB", "Windsor & Maidenhead RB", "Hammersmith & Fulham
# LBC"): read without the "of" of the prefix form, so that :func:`normalise` strips them from the end.
# "LBC"/"RBC" are read so only after a name: alone they are initials, never expanded.
_SUFFIX_DESIGNATION_ABBREVIATIONS = {
    "lb": "london borough",
    "lbo": "london borough",
    "lbc": "london borough council",
    "rb": "royal borough",
    "rbc": "royal borough council",
}
# County nicknames; expanded on both sides, so "East Herts" meets "East Hertfordshire".
_COUNTY_ABBREVIATIONS = {
    "beds": "bedfordshire", "berks": "berkshire", "bucks": "buckinghamshire",
    "cambs": "cambridgeshire", "derbys": "derbyshire", "glos": "gloucestershire",
    "gloucs": "gloucestershire", "hants": "hampshire", "herts": "hertfordshire",
    "lancs": "lancashire", "leics": "leicestershire", "lincs": "lincolnshire",
    "northants": "northamptonshire", "notts": "nottinghamshire", "oxon": "oxfordshire",
    "staffs": "staffordshire", "warks": "warwickshire", "wilts": "wiltshire",
    "worcs": "worcestershire", "yorks": "yorkshire",
}
_COMPASS = {"n": "north", "s": "south", "e": "east", "w": "west"}
_COMPASS_PAIRS = {"ne": "north east", "nw": "north west", "se": "south east", "sw": "south west"}

# Words that designate a council rather than name its place.
_LEADING_DESIGNATIONS = {
    "the", "of", "council", "councils", "royal", "borough", "city", "county", "metropolitan",
    "district", "corporation", "unitary", "authority",
}
_TRAILING_DESIGNATIONS = {
    "council", "councils", "borough", "boro", "district", "county", "city", "metropolitan",
    "unitary", "authority", "of", "the", "corporation",
}
# Core names that must keep their designation (stripping would leave a different or no place).
_PROTECTED_CORES = {"london": "city of london"}


def _ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


@functools.lru_cache(maxsize=1 << 16)  # pure function of the text; a long file repeats its names
def light_normalise(name: str) -> str:
    """Case, punctuation, "&", hyphens, apostrophes and abbreviations normalised; designations kept.

    >>> light_normalise("East Herts DC")
    'east hertfordshire district council'
    >>> light_normalise("Brighton & Hove City Council")
    'brighton and hove city council'
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return ""
    text = _ascii_fold(str(name)).lower()
    text = re.sub(r"\([^)]*\)", " ", text)  # "(ECC)": a parenthetical abbreviation or remark
    text = text.replace("&", " and ")
    text = re.sub(r"['`\u2019]", "", text)  # "King's Lynn" -> "kings lynn", "St Helen's" -> "st helens"
    text = re.sub(r"[^a-z0-9]+", " ", text)  # hyphens, dots, commas, slashes ...
    tokens = text.split()
    if not tokens:
        return ""
    # compass abbreviations at the start: "NE Derbyshire", "N E Derbyshire", "N. Kesteven"
    if len(tokens) >= 3 and tokens[0] in ("n", "s") and tokens[1] in ("e", "w"):
        tokens = [_COMPASS[tokens[0]], _COMPASS[tokens[1]], *tokens[2:]]
    elif len(tokens) >= 2 and tokens[0] in _COMPASS_PAIRS:
        tokens = [*_COMPASS_PAIRS[tokens[0]].split(), *tokens[1:]]
    elif len(tokens) >= 2 and tokens[0] in _COMPASS:
        tokens = [_COMPASS[tokens[0]], *tokens[1:]]
    # compass pairs inside a name too: "Bath & NE Somerset", "Bath and N E Somerset"
    expanded: list[str] = []
    for i, token in enumerate(tokens):
        if i and token in _COMPASS_PAIRS and i + 1 < len(tokens):
            expanded += _COMPASS_PAIRS[token].split()
        elif (i and token in ("n", "s") and i + 2 < len(tokens) and tokens[i + 1] in ("e", "w")):
            expanded.append(_COMPASS[token])
        elif i and token in ("e", "w") and expanded and expanded[-1] in ("north", "south") and tokens[i - 1] in ("n", "s"):
            expanded.append(_COMPASS[token])
        else:
            expanded.append(token)
    tokens = expanded
    out: list[str] = []
    for i, token in enumerate(tokens):
        if token == "saint":
            token = "st"
        if i and token in _SUFFIX_DESIGNATION_ABBREVIATIONS:
            token = _SUFFIX_DESIGNATION_ABBREVIATIONS[token]
        token = _DESIGNATION_ABBREVIATIONS.get(token, token)
        token = _COUNTY_ABBREVIATIONS.get(token, token)
        out.append(token)
    return " ".join(" ".join(out).split())


def normalise(name: str) -> str:
    """The core place name of a council name: comparable across the ways lists write it.

    Lower case; "&" -> "and"; punctuation, hyphens and apostrophes dropped; "Saint"/"St." -> "st";
    "NE"/"N E" -> "north east"; "herts" -> "hertfordshire" and similar; council designations
    ("Council", "Borough of", "Royal Borough of", "London Borough of", "City of", "City Council",
    "District Council", "Borough Council", "County Council", "Metropolitan Borough Council",
    BC/DC/CC/MBC/LB/RB, "UA") removed from the start and end; after the name also "London Borough",
    "Royal Borough" and LB/LBC/RB/RBC ("Havering LB", "Windsor & Maidenhead RB"). The place itself is never cut:
    "Worcestershire County Council" -> "worcestershire", "Worcester City Council" -> "worcester".
    "City of London" keeps its designation (it would otherwise become "london").

    >>> normalise("Stevenage BC")
    'stevenage'
    >>> normalise("The Royal Borough of Windsor and Maidenhead")
    'windsor and maidenhead'
    >>> normalise("N E Derbyshire District Council")
    'north east derbyshire'
    >>> normalise("Hammersmith & Fulham LBC")
    'hammersmith and fulham'
    """
    full = light_normalise(name)
    tokens = full.split()
    if not tokens:
        return ""
    # "... london boro(ugh)" at the end (registry alternate names) and "London Borough of ..." at the start
    if len(tokens) >= 3 and tokens[-2] == "london" and tokens[-1] in ("boro", "borough"):
        tokens = tokens[:-2]
    start = 0
    while start < len(tokens) - 1 and (
        tokens[start] in _LEADING_DESIGNATIONS
        or (tokens[start] == "london" and tokens[start + 1] in ("borough", "boro"))
    ):
        start += 1
    end = len(tokens)
    while end > start + 1 and (
        tokens[end - 1] in _TRAILING_DESIGNATIONS
        # "... London Borough (Council)", "... Royal Borough": "london"/"royal" only before a stripped "borough"
        or (tokens[end - 1] in ("london", "royal") and end < len(tokens) and tokens[end] in ("borough", "boro"))
    ):
        end -= 1
    core = " ".join(tokens[start:end])
    if core in _TRAILING_DESIGNATIONS or core in _LEADING_DESIGNATIONS:
        return full  # nothing but designations: keep what was written
    if core in _PROTECTED_CORES and {"city", "corporation"} & set(tokens[:start] + tokens[end:]):
        return _PROTECTED_CORES[core]  # "City of London", "Corporation of London"; bare "London" stays
    return core


def designation_hint(name: str) -> str | None:
    """'county' if the string calls itself a county council, 'district' for city/borough/district; else None."""
    words = set(light_normalise(name).split())
    says_county = "county" in words and not light_normalise(name).startswith("county ")
    says_district = bool(words & {"district", "borough", "city"})
    if says_county and not says_district:
        return "county"
    if says_district and not says_county:
        return "district"
    return None


# --- registry and alias table -----------------------------------------------------------------------


def registry_path() -> Path:
    """Where the fetched mySociety registry lives (run `lgnet data fetch` first)."""
    return paths.raw_dir() / REGISTRY_FOLDER / REGISTRY_FILE


def load_registry(path: Path | None = None) -> pd.DataFrame:
    """The mySociety registry of UK local authorities past and present (all columns as strings).

    Looks in the raw data folder, then in the mirror (LGNET_DATA_MIRROR).
    """
    candidates = [Path(path)] if path is not None else [registry_path()]
    if path is None and paths.mirror_dir() is not None:
        candidates.append(paths.mirror_dir() / REGISTRY_FOLDER / REGISTRY_FILE)
    for candidate in candidates:
        if candidate.exists():
            return pd.read_csv(candidate, dtype=str, keep_default_na=False).replace("", pd.NA)
    raise FileNotFoundError(
        f"council registry not found at {candidates[0]}: run `lgnet data fetch` "
        "(or set LGNET_DATA_MIRROR to a folder holding the public files)"
    )


class AliasTableError(ValueError):
    """The alias table is malformed (the message names the row and the fix)."""


def load_aliases(path: Path | str | None = None) -> pd.DataFrame:
    """Read and check the alias table (default: data/aliases.csv).

    Columns: alias, code (GSS code or blank), valid_from_year, valid_to_year (blank = open),
    status (council / not_a_council / not_existing_in_year / non_english), note; optional
    ``partnership_ids``: "|"-separated ids of the documented sample the alias is scoped to (a short form
    such as "WCC" that means Warwickshire in one record and could mean Westminster elsewhere); blank =
    everywhere. A scoped alias applies only when the matcher is given one of those ids
    (``CouncilMatcher.match(text, partnership_id=...)``), never to a name matched without one; optional
    ``review``: "yes" where the alias may mean another council elsewhere, so that each record's other
    members decide it (``lgnet.data.name_context``). Messages about a row name this file and its line.
    """
    path = Path(path) if path is not None else ALIASES_FILE
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ALIAS_COLUMNS if c not in table.columns]
    if missing:
        raise AliasTableError(f"{path}: missing column(s) {missing}; expected {ALIAS_COLUMNS}")
    problems = []
    for i, row in table.iterrows():
        line = i + 2  # 1-based, header is line 1
        alias = row["alias"].strip()
        if not alias:
            problems.append(f"{path}, line {line}: empty alias")
        if row["status"] not in ALIAS_STATUSES:
            problems.append(f"{path}, line {line}: status {row['status']!r} is not one of {ALIAS_STATUSES}")
        code = row["code"].strip()
        if row["status"] == "council" and not GSS_PATTERN.match(code):
            problems.append(f"{path}, line {line}: alias {alias!r} has status council but code {code!r} is not a GSS code")
        if code and not GSS_PATTERN.match(code):
            problems.append(f"{path}, line {line}: code {code!r} is not a GSS code (e.g. E07000112)")
        for col in ("valid_from_year", "valid_to_year"):
            if row[col].strip() and not row[col].strip().isdigit():
                problems.append(f"{path}, line {line}: {col} {row[col]!r} is not a year")
        review = str(row.get(ALIAS_REVIEW_COLUMN, "")).strip()
        if review and review.lower() != "yes":
            problems.append(f"{path}, line {line}: {ALIAS_REVIEW_COLUMN} {review!r} must be 'yes' or blank "
                            "(yes: the record's other members decide which council the alias means)")
    if problems:
        raise AliasTableError("\n".join(problems))
    if ALIAS_SCOPE_COLUMN not in table.columns:
        table[ALIAS_SCOPE_COLUMN] = ""
    table["scope"] = [frozenset(i.strip() for i in str(v).split("|") if i.strip())
                      for v in table[ALIAS_SCOPE_COLUMN]]
    if ALIAS_REVIEW_COLUMN not in table.columns:
        table[ALIAS_REVIEW_COLUMN] = ""
    table["needs_review"] = table[ALIAS_REVIEW_COLUMN].str.strip().str.lower().eq("yes")
    table["source"] = _shown_path(path)
    table["key"] = table["alias"].map(normalise)
    duplicated = table[table.duplicated(["key", "valid_from_year", "valid_to_year", ALIAS_SCOPE_COLUMN],
                                        keep=False)]
    if len(duplicated):
        raise AliasTableError(
            f"{path}: aliases that normalise to the same string with overlapping years: "
            + ", ".join(sorted(set(duplicated["alias"])))
        )
    for col in ("valid_from_year", "valid_to_year"):
        table[col] = pd.to_numeric(table[col].replace("", pd.NA)).astype("Int64")
    table["line"] = table.index + 2
    return table


def with_project_aliases(path: Path | str, label: str) -> pd.DataFrame:
    """An analyst's alias table followed by the project's (the analyst's rows win). A missing or malformed
    table is an AliasTableError whose message starts with ``label`` (how the table was given: "--aliases",
    "LGNET_ALIASES=...")."""
    if not Path(path).is_file():
        raise AliasTableError(f"{label}: {path} not found")
    try:
        return pd.concat([load_aliases(path), load_aliases()], ignore_index=True)
    except AliasTableError as exc:
        raise AliasTableError(f"{label}: {exc}") from None


def _shown_path(path: Path) -> str:
    """The project's own table as data/aliases.csv; an analyst's as they gave it."""
    try:
        return Path(path).resolve().relative_to(paths.ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)


# --- matching ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchResult:
    """The outcome of matching one string to a council of the matcher's year.

    status: "matched" or one of the failures "unmatched", "ambiguous", "not_existing_in_year",
    "non_english", "not_a_council". ``method`` says how a match was made ("code", "other_code",
    "alias", "name", "core_name", "core_name_designation"). ``candidates`` lists (code, name) pairs:
    the councils an ambiguous string could be, or the closest names for an unmatched one.
    """

    query: str
    status: str
    code: str | None = None
    name: str | None = None
    method: str | None = None
    candidates: tuple[tuple[str, str], ...] = ()
    message: str = ""
    note: str = ""
    review: bool = False  # an alias marked for review: the record's other members decide it

    @property
    def matched(self) -> bool:
        return self.status == "matched"

    def suggestion(self) -> str:
        """A short human suggestion for an error message."""
        names = "; ".join(f"{name} ({code})" for code, name in self.candidates)
        if self.status == "ambiguous":
            return f"could be: {names}; write the full name or GSS code, or give your own alias file with --aliases FILE"
        if self.status == "unmatched" and names:
            return f"closest: {names}; correct the name, or give your own alias file with --aliases FILE (columns as data/aliases.csv)"
        if self.status == "unmatched" and GSS_PATTERN.match(self.query):
            return "check the code: English council codes start E06, E07, E08, E09 (London) or E10 (counties)"
        if self.status == "unmatched":
            return "correct the name or write its GSS code"
        if self.status == "not_existing_in_year":
            return self.message + ("" if names else "; use a council of that year or another --year")
        return self.message


@dataclass
class _NameIndex:
    full: dict[str, set[str]] = field(default_factory=dict)
    core: dict[str, set[str]] = field(default_factory=dict)

    def add(self, key_id: str, name: str) -> None:
        full, core = light_normalise(name), normalise(name)
        if full:
            self.full.setdefault(full, set()).add(key_id)
        if core:
            self.core.setdefault(core, set()).add(key_id)


_ACRONYM_STOPWORDS = {"of", "and", "the", "upon", "on", "under", "in", "le"}

_NOT_A_COUNCIL_WORDS = re.compile(
    r"\b(police|fire|rescue|nhs|ccg|clinical commissioning|trust|university|college|hospital|"
    r"combined authority|parish|town council|ltd|limited|plc|constabulary|housing association)\b"
)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    try:
        if pd.isna(value):
            return []
    except (TypeError, ValueError):
        pass
    return [str(v) for v in value if isinstance(v, str) and v.strip()]


class CouncilMatcher:
    """Map strings (GSS codes or names as written) to the GSS codes of one year's councils.

    councils: the council table of ``year`` (``lgnet.data.councils.council_table(year)``: code, la_code,
              name, official_name, alt_names, type, ...);
    aliases:  the alias table (``load_aliases()``), optional;
    registry: the mySociety registry (``load_registry()``), optional: used to recognise other codes of
              the same council and councils of other years or other nations.
    """

    def __init__(
        self,
        councils: pd.DataFrame,
        year: int,
        aliases: pd.DataFrame | None = None,
        registry: pd.DataFrame | None = None,
    ):
        self.year = int(year)
        self.councils = councils.reset_index(drop=True)
        self.codes = list(self.councils["code"].astype(str))
        self.names = dict(zip(self.codes, self.councils["name"].astype(str)))
        self.types = dict(zip(self.codes, self.councils.get("type", pd.Series([""] * len(self.codes))).astype(str)))
        self.aliases = aliases
        self.registry = registry
        self._cache: dict[tuple[str, str | None], MatchResult] = {}
        self._acronyms: dict[str, set[str]] | None = None
        self._index = _NameIndex()
        for _, row in self.councils.iterrows():
            code = str(row["code"])
            for name in [row.get("name"), row.get("official_name"), *_as_list(row.get("alt_names"))]:
                if isinstance(name, str) and name.strip():
                    self._index.add(code, name)
        self._la_to_code: dict[str, str] = {}
        if "la_code" in self.councils.columns:
            self._la_to_code = {
                str(la): code for la, code in zip(self.councils["la_code"], self.codes) if isinstance(la, str)
            }
        self._other_code: dict[str, str] = {}  # any registry GSS code -> registry la code
        self._registry_rows: dict[str, pd.Series] = {}
        self._registry_index = _NameIndex()
        if registry is not None:
            for _, row in registry.iterrows():
                la = row["local-authority-code"]
                self._registry_rows[la] = row
                for code in [row.get("gss-code"), *_as_list(row.get("former-gss-codes"))]:
                    if isinstance(code, str) and code.strip():
                        self._other_code[code.strip().upper()] = la
                for name in [row.get("official-name"), row.get("nice-name"), *_as_list(row.get("alt-names"))]:
                    if isinstance(name, str) and name.strip():
                        self._registry_index.add(la, name)

    # -- public API -------------------------------------------------------------------------------
    def match(self, text, partnership_id: str | None = None) -> MatchResult:
        """Match one string; never guesses: a failure says why and proposes candidates.

        ``partnership_id``: the documented-sample record the string comes from; it lets an alias scoped
        to that record (column ``partnership_ids`` of the alias table) apply. Without it, scoped aliases
        are ignored.
        """
        query = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text).strip()
        key = (query, partnership_id)
        if key not in self._cache:  # matched once per distinct string: large files repeat names
            self._cache[key] = self._match_uncached(query, partnership_id)
        return self._cache[key]

    def _match_uncached(self, query: str, partnership_id: str | None) -> MatchResult:
        if not query:
            return MatchResult(query, "unmatched", message="empty council name")
        if GSS_PATTERN.match(query):
            return self._match_code(query.upper())
        alias = self._match_alias(query, partnership_id)
        if alias is not None:
            return alias
        by_name = self._match_name(query)
        if by_name is not None:
            return by_name
        acronym = self._match_acronym(query)
        if acronym is not None:
            return acronym
        return self._failure(query)

    def match_many(self, texts) -> list[MatchResult]:
        return [self.match(t) for t in texts]

    def closest(self, text: str, limit: int = 3) -> list[tuple[str, str]]:
        """Up to ``limit`` (code, name) candidates, by fuzzy similarity: for error messages only."""
        from rapidfuzz import fuzz, process, utils

        key = normalise(text)
        choices: dict[str, str] = {}
        for core, codes in self._index.core.items():
            for code in codes:
                choices.setdefault(f"{core}\t{code}", core)
        hits = process.extract(key, choices, scorer=fuzz.WRatio, processor=utils.default_process,
                               limit=limit * 4, score_cutoff=50)
        out: list[tuple[str, str]] = []
        for _choice, _score, label in hits:
            code = label.split("\t")[1]
            if code not in [c for c, _ in out]:
                out.append((code, self.names[code]))
            if len(out) == limit:
                break
        return out

    # -- tiers ------------------------------------------------------------------------------------
    def _match_code(self, code: str) -> MatchResult:
        if code in self.names:
            return MatchResult(code, "matched", code, self.names[code], "code")
        la = self._other_code.get(code)
        if la is not None and la in self._la_to_code:
            year_code = self._la_to_code[la]
            return MatchResult(
                code, "matched", year_code, self.names[year_code], "other_code",
                note=f"{code} is another GSS code of {self.names[year_code]}, whose code in {self.year} is {year_code}",
            )
        if la is not None:
            return self._registry_failure(code, la)
        return MatchResult(code, "unmatched", message=f"GSS code {code} is not a council code known to the registry")


    def _match_alias(self, query: str, partnership_id: str | None = None) -> MatchResult | None:
        if self.aliases is None or not len(self.aliases):
            return None
        key = normalise(query)
        rows = self.aliases[self.aliases["key"] == key]
        for _, row in rows.iterrows():
            scope = row.get("scope") or frozenset()
            if scope and partnership_id not in scope:
                continue  # scoped to other records of the documented sample
            lo, hi = row["valid_from_year"], row["valid_to_year"]
            if (not pd.isna(lo) and self.year < lo) or (not pd.isna(hi) and self.year > hi):
                continue
            status, code, note = row["status"], row["code"].strip().upper(), row["note"]
            where = f"{row.get('source', 'data/aliases.csv')} (line {row['line']})"
            review = bool(row.get("needs_review", False))
            if status == "council":
                if code in self.names:
                    return MatchResult(query, "matched", code, self.names[code], "alias", note=note, review=review)
                other = self._match_code(code)
                if other.matched:
                    return MatchResult(query, "matched", other.code, other.name, "alias", note=note, review=review)
                return MatchResult(
                    query, "not_existing_in_year", code=code, method="alias", note=note,
                    message=f"{where} maps it to {code}, not a council in {self.year}: {note}",
                )
            return MatchResult(query, status, code=code or None, method="alias", note=note,
                               message=f"{where}: {note}")
        return None

    def _match_name(self, query: str) -> MatchResult | None:
        full = light_normalise(query)
        codes = self._index.full.get(full, set())
        if len(codes) == 1:
            code = next(iter(codes))
            return MatchResult(query, "matched", code, self.names[code], "name")
        core = normalise(query)
        if not codes:
            # the full name, designation included, of a council of ANOTHER year ("Dorset Council" in
            # 2017, "Dorset County Council" in 2020) is that council, not whichever council of this year
            # shares its core name; a bare place name ("Buckinghamshire") still goes by its core name
            elsewhere = self._registry_index.full.get(full, set()) if full != core else set()
            if elsewhere and not any(la in self._la_to_code for la in elsewhere):
                return self._registry_failure(query, sorted(elsewhere)[0])
            codes = set(self._index.core.get(core, set()))
            # a bare place name that also begins another council's name ("Newcastle": upon Tyne or
            # under-Lyme) is not taken as the shorter one
            codes |= self._prefix_codes(core) if codes else set()
        if len(codes) == 1:
            code = next(iter(codes))
            return MatchResult(query, "matched", code, self.names[code], "core_name")
        if len(codes) > 1:
            hint = designation_hint(query)
            if hint is not None:
                fitting = [c for c in codes if (self.types.get(c) == "county") == (hint == "county")]
                if len(fitting) == 1:
                    code = fitting[0]
                    return MatchResult(query, "matched", code, self.names[code], "core_name_designation")
            candidates = tuple(sorted((c, self.names[c]) for c in codes))
            return MatchResult(query, "ambiguous", candidates=candidates,
                               message=f"{query!r} fits {len(codes)} councils of {self.year}")
        return None

    def _prefix_codes(self, core: str) -> set[str]:
        """Councils one of whose core names starts with the words of ``core``."""
        if not core:
            return set()
        return {code for name, codes in self._index.core.items() if name.startswith(core + " ") for code in codes}

    def _acronym_codes(self, query: str) -> list[str]:
        """Councils whose official name has these initials ("RBWM"): candidates for the message only."""
        letters = re.sub(r"[^A-Za-z]", "", query).lower()
        if not (2 <= len(letters) <= 6) or not query.replace(" ", "").isupper():
            return []
        out = []
        for code, official in zip(self.codes, self.councils.get("official_name", self.councils["name"])):
            words = [w for w in light_normalise(official).split() if w not in _ACRONYM_STOPWORDS]
            if "".join(w[0] for w in words) == letters or "".join(w[0] for w in words[:-1]) == letters:
                out.append(code)
        return out

    def _match_acronym(self, query: str) -> MatchResult | None:
        """An initialism of four or more letters ("B&NES", "NWLDC") that fits exactly one council's name.

        Initials are taken from the official name and from its core name, with compass points written
        in full ("North East" -> "NE") and "and" as "&" or left out; a designation after the initials
        ("B&NES Council") is ignored. Shorter or shared initialisms ("WCC") are never matched.
        """
        words = query.split()
        while len(words) > 1 and light_normalise(words[-1]) in _TRAILING_DESIGNATIONS:
            words = words[:-1]
        compact = "".join(words)
        if not re.fullmatch(r"[A-Z&]+", compact) or len(compact.replace("&", "")) < 4:
            return None
        if self._acronyms is None:
            self._acronyms = {}
            for code, official, name in zip(self.codes, self.councils.get("official_name", self.councils["name"]),
                                            self.councils["name"]):
                for text in (official, name):
                    for tokens in (light_normalise(text).split(), normalise(text).split()):
                        tokens = [t for t in tokens if t not in _ACRONYM_STOPWORDS - {"and"}]
                        for and_as in ("&", "a", ""):
                            form = "".join(and_as if t == "and" else t[0] for t in tokens)
                            self._acronyms.setdefault(form, set()).add(code)
        codes = self._acronyms.get(compact.lower(), set())
        if len(codes) != 1:
            return None
        code = next(iter(codes))
        return MatchResult(query, "matched", code, self.names[code], "acronym",
                           note=f"{query!r} read as the initials of {self.names[code]}, the only council of "
                                f"{self.year} with these initials")

    def _failure(self, query: str) -> MatchResult:
        full, core = light_normalise(query), normalise(query)
        las = self._registry_index.full.get(full) or self._registry_index.core.get(core) or set()
        las = {la for la in las if la not in self._la_to_code}
        if len(las) == 1:
            return self._registry_failure(query, next(iter(las)))
        if _NOT_A_COUNCIL_WORDS.search(full):
            return MatchResult(query, "not_a_council",
                               message="looks like a body that is not a principal council (police, fire, NHS, ...)")
        # word-prefix candidates ("Kingston" -> Kingston upon Thames, Kingston upon Hull) before fuzzy ones
        prefix = sorted(self._prefix_codes(core))
        if 1 < len(prefix) <= 5:
            candidates = tuple((c, self.names[c]) for c in prefix)
            return MatchResult(query, "ambiguous", candidates=candidates,
                               message=f"{query!r} is the start of {len(prefix)} council names of {self.year}")
        candidates = [(c, self.names[c]) for c in [*self._acronym_codes(query), *prefix]]
        for cand in self.closest(query):
            if cand not in candidates:
                candidates.append(cand)
        return MatchResult(query, "unmatched", candidates=tuple(candidates[:3]),
                           message=f"no council of {self.year} has this name")

    def _registry_failure(self, query: str, la: str) -> MatchResult:
        row = self._registry_rows[la]
        name = row.get("nice-name") or row.get("official-name")
        if row.get("nation") != "England":
            return MatchResult(query, "non_english", name=name,
                               message=f"{row.get('official-name')} is a council in {row.get('nation')}, not England")
        if row.get("local-authority-type") in ("COMB", "SRA", "GLA", "CA"):
            return MatchResult(query, "not_a_council", name=name,
                               message=f"{row.get('official-name')} is a combined/strategic authority, not a principal council")
        start, end = row.get("start-date"), row.get("end-date")
        related: list[tuple[str, str]] = []
        for successor in _as_list(row.get("replaced-by")):
            if successor in self._la_to_code:
                code = self._la_to_code[successor]
                related.append((code, self.names[code]))
        predecessors = [
            la_p for la_p, r in self._registry_rows.items() if la in _as_list(r.get("replaced-by"))
        ]
        for la_p in predecessors:
            if la_p in self._la_to_code:
                code = self._la_to_code[la_p]
                related.append((code, self.names[code]))
        when = []
        if isinstance(start, str):
            when.append(f"from {start}")
        if isinstance(end, str):
            when.append(f"until {end}")
        text = f"{row.get('official-name')} ({row.get('gss-code')}) existed {' '.join(when) or 'in other years'}, not on 1 April {self.year}"
        if related:
            text += "; in " + str(self.year) + ": " + ", ".join(f"{n} ({c})" for c, n in related)
        return MatchResult(query, "not_existing_in_year", code=row.get("gss-code"), name=name,
                           candidates=tuple(related), message=text)
