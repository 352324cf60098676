"""`lgnet check FILE [--year Y]`: validate a partnership file and summarise it, or list its errors."""

from __future__ import annotations

import argparse

from lgnet.data.errors import LgnetError

DESCRIPTION = """\
Validate a partnership file and print a summary (partnerships, memberships, councils matched,
natures, functions, participation, name and nature mappings applied, warnings) or every error
found (with file, row, column, value and the closest candidates); exit code 2 on errors.

FILE is one of:
  documented            the committed documented sample, c. 2017 (default evidence set: shared
                        services, proposals and services dated outside 2014-2019)
  documented-strict     ... shared services with evidence of operation in 2014-2019 only
  documented-all        ... every record (also joint plans, strategic partnerships, statutory bodies)
                        For any of the three, the counts of all three sets are printed too. With a
                        --year after 2017 the members are carried to their successor councils;
                        partnerships whose members merged into one council are listed.
  a folder              a tidy pair: partnerships.csv + memberships.csv (or .xlsx)
  a .csv / .xlsx file   a wide file (one row per partnership, member councils as free text),
                        or a workbook with sheets 'partnerships' and 'memberships'
Council names are matched to the councils of --year through the registry's names and data/aliases.csv.
"""


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="validate a partnership file and summarise it",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", metavar="FILE",
                        help="'documented', 'documented-strict', 'documented-all', a tidy folder, or a wide .csv/.xlsx file")
    parser.add_argument("--year", type=int, default=2017, help="dataset year: councils in existence on 1 April (default 2017)")
    parser.add_argument("--quiet", action="store_true", help="print only the headline counts")
    parser.add_argument("--sheet", metavar="NAME", help="the sheet of a workbook to read (default: the first)")
    parser.add_argument("--aliases", metavar="FILE",
                        help="your own alias table (columns as data/aliases.csv), used before the project's")
    parser.set_defaults(func=run)


def _table(rows: list[tuple[str, str]], indent: str = "  ") -> list[str]:
    width = max((len(k) for k, _ in rows), default=0)
    return [f"{indent}{k.ljust(width)}  {v}" for k, v in rows]


def format_summary(data, summary: dict, quiet: bool = False) -> str:
    """The text `lgnet check` prints for a file that passed."""
    s = summary
    source = data.meta.get("source", data.dataset)
    lines = [
        f"Partnership file: {data.dataset}" + (f" (source {source})" if source != data.dataset else "")
        + f", councils of {data.year}",
        *(["SIMULATED: a generated stand-in (lgnet simulate), not data about real partnerships"]
          if data.simulated else []),
        "",
        *_table([
            ("partnerships", str(s["partnerships"])),
            ("memberships", f"{s['memberships']} matched to {data.year} councils"
                            + (f", {s['exclusions']} excluded (see warnings)" if s["exclusions"] else ", none excluded")),
            ("names as written", f"{s['distinct_names_as_written']} distinct"),
            ("councils", f"{s['councils_matched']} distinct of {s['councils_in_year']} in {data.year}"),
            ("participation", f"{s['participation']:.1%} of {data.year} councils in at least one partnership"),
            ("natures", ", ".join(f"{k} {v}" for k, v in s["natures"].items())),
            ("members each", "min {min:.0f}, median {50%:.0f}, mean {mean:.2f}, max {max:.0f}".format(
                **s["members_per_partnership"]) if s["memberships"] else "-"),
        ]),
    ]
    if quiet:
        n_warnings = len(data.meta.get("warnings", []))
        if n_warnings:
            lines += ["", f"warnings: {n_warnings} (run without --quiet to list them)"]
        return "\n".join(lines)
    lines += ["", "functions:", *_table([(k, str(v)) for k, v in s["functions"].items()])]
    nature_maps = data.meta.get("nature_mappings", {})
    lines += ["", "nature spellings mapped:" + ("" if nature_maps else " none")]
    lines += _table([(k, f"{v} row(s)") for k, v in nature_maps.items()])
    name_maps = data.meta.get("name_mappings", [])
    counts = data.meta.get("name_mapping_counts", {})
    lines += ["", "council names matched other than by exact name or code: "
              + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) if counts else "none")]
    shown_notes: set[str] = set()
    for m in name_maps:
        note = ""
        if m.get("note") and m["method"] == "alias":
            note = "  [see note above]" if m["note"] in shown_notes else f"  [{m['note']}]"
            shown_notes.add(m["note"])
        lines.append(f"  {m['as_written']!r} -> {m['council']} ({m['code']}) by {m['method']}, "
                     f"{m['count']}x{note}")
    warnings = data.meta.get("warnings", [])
    lines += ["", f"warnings: {len(warnings) or 'none'}", *[f"  - {w}" for w in warnings]]
    return "\n".join(lines)


def format_evidence_sets(sets: dict) -> str:
    """The table of the documented sample's evidence sets: partnerships, memberships, participation."""
    first = next(iter(sets.values()))
    year = first.year
    header = ("evidence set", "categories", "partnerships", "memberships", "councils", "participation")
    rows = []
    for name, data in sets.items():
        e = data.meta["evidence_set"]
        rows.append((name, ", ".join(e["categories"]) if len(e["categories"]) < 6 else "all categories",
                     str(e["partnerships"]), str(e["memberships"]),
                     f"{e['councils']} of {e['councils_in_year']}", f"{e['participation']:.1%}"))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    right = {2, 3, 4, 5}

    def line(cells):
        return "  " + "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    lines = [f"Evidence sets of the documented sample (councils of {year}; participation = councils in at "
             "least one partnership):", line(header), *[line(r) for r in rows]]
    carried = first.meta.get("carried")
    if carried:
        lines += ["", first.meta["geography_note"]]
        for name, data in sets.items():
            c = data.meta["carried"]
            gone = ", ".join(f"{x['partnership_id']} ({x['council']})" for x in c["collapsed"]) or "none"
            lines.append(f"  {name}: {c['moved']} of {c['memberships_2017']} memberships moved; "
                         f"{len(c['merged'])} merger(s) inside partnerships counted once; set aside: {gone}")
        if carried["splits"]:
            lines.append("  councils of 2017 carried to several successors: " + "; ".join(
                f"{s['council_2017']} -> " + ", ".join(n for _, n in s["to"]) for s in carried["splits"]))
    return "\n".join(lines)


def user_aliases(path):
    """The analyst's alias table (--aliases FILE) followed by the project's: the analyst's rows win."""
    from lgnet.data.names import AliasTableError, with_project_aliases

    try:
        return with_project_aliases(path, "--aliases")
    except AliasTableError as exc:
        raise LgnetError(str(exc)) from None


def warnings_block(data) -> str:
    """The file's warnings as `lgnet check` lists them ('' when there are none): for `lgnet run` and `lgnet export`,
    which read the same file and must not lose what reading it warned about."""
    warnings = data.meta.get("warnings", [])
    if not warnings:
        return ""
    return "\n".join([f"warnings: {len(warnings)} (reading {data.meta.get('source', data.dataset)})",
                      *[f"  - {w}" for w in warnings]])


def run(args) -> int:
    from lgnet.data.partnerships import (PartnershipFileError, is_documented, load_evidence_sets,
                                         load_partnerships, summarise)

    from lgnet.data.years import check_year

    if args.file == "simulated":
        raise LgnetError("`lgnet check` validates partnership files; use `lgnet simulate` for the stand-in")
    try:
        check_year(args.year)
    except ValueError as exc:
        raise LgnetError(f"--year: {exc}") from None
    try:
        extra = {"sheet": args.sheet} if args.sheet else {}
        if args.aliases:
            extra["aliases"] = user_aliases(args.aliases)
        sets = load_evidence_sets(args.year, **extra) if is_documented(args.file) else None  # read once
        data = sets[args.file] if sets else load_partnerships(args.file, year=args.year, **extra)
    except PartnershipFileError:
        raise
    except FileNotFoundError as exc:
        raise LgnetError(str(exc)) from exc
    print(format_summary(data, summarise(data), quiet=args.quiet))
    if sets:
        print()
        print(format_evidence_sets(sets))
    return 0
