"""Council names that only the record around them can decide: "Richmond", "Newcastle", "Kingston".

A bare place name that fits several councils (or an alias the table marks for review: its ``review``
column says yes) is decided, for one partnership record, by

1. the user's own qualifier in brackets ("Richmond (Yorks)", "Newcastle (Staffs)", "Kingston (Hull)"):
   the one candidate whose name, county or region holds the qualifier's words;
2. otherwise the record's other members: the one candidate sharing a county or region with most of them.

Every decision is printed among the warnings; where neither decides, the name stays ambiguous (an error
listing the candidates). A parish-level city or town council that shares a district's name
("Lichfield City Council", while the district is Lichfield District Council) is never matched to the
district: it is excluded as not a principal council, with a warning saying how to name the district.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from lgnet.data.names import CouncilMatcher, MatchResult, light_normalise, normalise
from lgnet.data.partnership_data import RecordWarning

__all__ = ["resolve_in_context", "needs_context"]

_QUALIFIER = re.compile(r"^(?P<base>.*?)\s*\((?P<qualifier>[^)]+)\)\s*$")
_GENERIC = {"and", "the", "of", "upon", "on", "under", "council", "borough", "district", "city", "county"}


def _candidate_codes(matcher: CouncilMatcher, base: str) -> list[str]:
    """Councils of the year whose core name starts with the core of ``base`` ("richmond" -> Richmondshire too)."""
    core = normalise(base)
    if not core:
        return []
    return sorted({code for name, codes in matcher._index.core.items() if name.startswith(core) for code in codes})


def _review_alias(result: MatchResult) -> bool:
    return result.matched and result.method == "alias" and result.review


def needs_context(result: MatchResult, as_written: str, matcher: CouncilMatcher) -> list[str]:
    """The candidate codes when this match must be decided from context (empty list otherwise)."""
    if result.method == "code_and_name":  # a code and a name that disagree: the file must settle it
        return []
    base = _QUALIFIER.match(as_written)
    base_text = base.group("base") if base else as_written
    if result.status == "ambiguous":
        codes = [c for c, _ in result.candidates]
    elif _review_alias(result) or (base and not result.matched):
        codes = sorted(set(_candidate_codes(matcher, base_text)) | ({result.code} if result.matched else set()))
    elif base and result.matched:
        codes = _candidate_codes(matcher, base_text)  # "Kingston (Hull)": the bracket is the user's word
        codes = codes if len(codes) > 1 else []
    else:
        return []
    return codes if len(codes) > 1 else []


def _county_name(matcher: CouncilMatcher, county) -> str | None:
    """The council table's county is the county council's code: its name, for messages and qualifiers."""
    if not isinstance(county, str):
        return None
    return matcher.names.get(county, county)


def _blob(matcher: CouncilMatcher, code: str) -> str:
    row = matcher.councils.loc[matcher.councils["code"] == code].iloc[0]
    parts = [row.get("name"), row.get("official_name"), _county_name(matcher, row.get("county")), row.get("region")]
    return " " + light_normalise(" ".join(str(p) for p in parts if isinstance(p, str))) + " "


def _written_names(matcher: CouncilMatcher, code: str) -> set[str]:
    """Every name the council table gives a council (name, official name, alternative names), normalised."""
    row = matcher.councils.loc[matcher.councils["code"] == code].iloc[0]
    names = [row.get("name"), row.get("official_name"), *(row.get("alt_names") or [])]
    return {light_normalise(n) for n in names if isinstance(n, str)}


_DESIGNATIONS = ("city", "borough", "district", "county", "metropolitan")


def _by_name_or_designation(matcher: CouncilMatcher, as_written: str, codes: list[str]) -> tuple[list[str], str]:
    """Candidates narrowed by what the written name itself says: a council's own full name ("Newcastle City
    Council" is Newcastle upon Tyne's official name), else its designation ("city" rules out a borough)."""
    written = light_normalise(as_written)
    exact = [c for c in codes if written in _written_names(matcher, c)]
    if len(exact) == 1:
        return exact, "is that council's own name"
    says = [w for w in _DESIGNATIONS if w in written.split()]
    if says:
        fitting = [c for c in codes
                   if all(any(w in n.split() for n in _written_names(matcher, c)) for w in says)]
        if fitting:
            return fitting, f"says {' '.join(says)}"
    return codes, ""


def _place(matcher: CouncilMatcher, code: str) -> tuple[str | None, str | None]:
    row = matcher.councils.loc[matcher.councils["code"] == code].iloc[0]
    county, region = row.get("county"), row.get("region")
    return (county if isinstance(county, str) else None, region if isinstance(region, str) else None)


def _parish_level(result: MatchResult, as_written: str, matcher: CouncilMatcher) -> MatchResult | None:
    """'Lichfield City Council' matched to Lichfield District Council: a parish-level council, not the district."""
    written = light_normalise(as_written).split()
    says = next((w for w in ("city", "town") if w in written), None)
    if says is None or not result.matched or result.method not in ("core_name", "core_name_designation"):
        return None
    row = matcher.councils.loc[matcher.councils["code"] == result.code].iloc[0]
    names = [row.get("name"), row.get("official_name"), *(row.get("alt_names") or [])]
    registry_row = matcher._registry_rows.get(row.get("la_code"))  # later names: Colchester City Council (2022)
    if registry_row is not None:
        names += [registry_row.get("official-name"), registry_row.get("nice-name"),
                  *str(registry_row.get("alt-names") or "").split(",")]
    if any(says in light_normalise(n).split() for n in names if isinstance(n, str)):
        return None  # "Worcester City Council" is the district council itself
    official = row.get("official_name") or result.name
    return MatchResult(as_written, "not_a_council", name=result.name, method="parish_level",
                       message=f"a parish-level {says} council, not {official} ({result.code}); if the district "
                               f"is meant (a council renamed on gaining city status), write {official!r} or "
                               f"{result.code}, or give an alias with --aliases FILE")


def resolve_in_context(entries: list[dict], matcher: CouncilMatcher, warnings: list[str]) -> list[dict]:
    """Entries (dicts with partnership_id, as_written, result, file, row) with context-dependent names decided."""
    by_partnership: dict[str, list[dict]] = {}
    for e in entries:
        by_partnership.setdefault(e["partnership_id"], []).append(e)
    out = []
    for e in entries:
        r: MatchResult = e["result"]
        parish = _parish_level(r, e["as_written"], matcher)
        if parish is not None:
            out.append({**e, "result": parish})
            continue
        codes = needs_context(r, e["as_written"], matcher)
        if not codes:
            out.append(e)
            continue
        where = f"{e['file']}, row {e['row']}"
        narrowed, why = _by_name_or_designation(matcher, _QUALIFIER.sub(r"\g<base>", e["as_written"]), codes)
        if len(narrowed) == 1 and why.startswith("says"):  # a designation only: the record's members may disagree
            conflict = _contradicting_members(matcher, narrowed[0], codes, _other_members(e, by_partnership, matcher))
            if conflict:
                out.append({**e, "result": _ambiguous(e["as_written"], {c: matcher.names[c] for c in codes},
                                                      f"the name as written {why} ({matcher.names[narrowed[0]]}), "
                                                      f"but {conflict}")})
                continue
        if len(narrowed) == 1:
            code = narrowed[0]
            warnings.append(RecordWarning(
                f"{where}: {e['as_written']!r} read as {matcher.names[code]} ({code}), not "
                + ", ".join(matcher.names[c] for c in codes if c != code) + f": the name as written {why}",
                e["partnership_id"]))
            out.append({**e, "result": MatchResult(e["as_written"], "matched", code, matcher.names[code],
                                                   "designation", note=f"the name as written {why}")})
            continue
        codes = narrowed
        names = {c: matcher.names[c] for c in codes}
        qualifier = _QUALIFIER.match(e["as_written"])
        if qualifier:
            words = [w for w in light_normalise(qualifier.group("qualifier")).split() if w not in _GENERIC]
            fitting = [c for c in codes if words and all(f" {w}" in _blob(matcher, c) for w in words)]
            if len(fitting) == 1:
                code = fitting[0]
                warnings.append(RecordWarning(f"{where}: {e['as_written']!r} read as {names[code]} ({code}) from "
                                              f"the qualifier {qualifier.group('qualifier')!r}", e["partnership_id"]))
                out.append({**e, "result": MatchResult(e["as_written"], "matched", code, names[code], "qualifier",
                                                       note=f"decided by the qualifier written")})
                continue
            out.append({**e, "result": _ambiguous(e["as_written"], names,
                                                  f"the qualifier {qualifier.group('qualifier')!r} fits "
                                                  f"{len(fitting) or 'none'} of them")})
            continue
        others = _other_members(e, by_partnership, matcher)
        support = _support(matcher, codes, others)
        best = max(support.values()) if support else 0
        top = [c for c, s in support.items() if s == best]
        if best > 0 and len(top) == 1:
            code = top[0]
            county, region = _place(matcher, code)
            same_county = [o.name for o in others if county and _place(matcher, o.code)[0] == county]
            if same_county:
                reason = f"share its county, {_county_name(matcher, county)} ({', '.join(same_county)})"
            else:
                near = [o.name for o in others if _place(matcher, o.code)[1] == region]
                reason = f"are in its region, {region} ({', '.join(near)})"
            warnings.append(RecordWarning(
                f"{where}: {e['as_written']!r} in partnership {e['partnership_id']} read as {names[code]} ({code}), "
                "not " + ", ".join(names[c] for c in codes if c != code) + f": the record's other members {reason}",
                e["partnership_id"]))
            out.append({**e, "result": MatchResult(e["as_written"], "matched", code, names[code], "context",
                                                   note="decided by the record's other members")})
        else:
            out.append({**e, "result": _ambiguous(e["as_written"], names,
                                                  "the record's other members do not decide between them")})
    return out


def _other_members(e: dict, by_partnership: dict, matcher: CouncilMatcher) -> list[MatchResult]:
    """The record's other members that are matched and need no context themselves."""
    return [o["result"] for o in by_partnership[e["partnership_id"]]
            if o is not e and o["result"].matched and not needs_context(o["result"], o["as_written"], matcher)]


def _support(matcher: CouncilMatcher, codes: list[str], others: list[MatchResult]) -> dict[str, int]:
    """Per candidate: 2 for each other member in its county, 1 for each in its region."""
    support = {}
    for c in codes:
        county, region = _place(matcher, c)
        support[c] = sum(2 * bool(county and _place(matcher, o.code)[0] == county)
                         + bool(region and _place(matcher, o.code)[1] == region) for o in others)
    return support


def _contradicting_members(matcher: CouncilMatcher, chosen: str, codes: list[str], others: list[MatchResult]) -> str:
    """'' unless the record's other members all point away from the designation's choice: none shares its county
    or region while another candidate has support; then the reason, naming the members and the other council."""
    support = _support(matcher, codes, others)
    if support.get(chosen, 0) > 0:
        return ""
    best = max((c for c in codes if c != chosen), key=lambda c: support[c], default=None)
    if best is None or support[best] == 0:
        return ""
    region = _place(matcher, best)[1]
    near = [o.name for o in others if _place(matcher, o.code)[1] == region]
    return (f"the record's other members ({', '.join(near)}) are in the region of {matcher.names[best]} ({best}), "
            f"{region}")


def _ambiguous(query: str, names: dict[str, str], why: str) -> MatchResult:
    return MatchResult(query, "ambiguous", candidates=tuple(sorted(names.items())),
                       message=f"{query!r} fits {len(names)} councils and {why}")
