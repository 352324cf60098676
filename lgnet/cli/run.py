"""`lgnet run`: rerun every chapter of the book for a year and partnership dataset, and build it."""

from __future__ import annotations

import argparse
import sys

from lgnet.data.errors import LgnetError


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "run",
        help="rerun the book's chapters (papermill) for a year/dataset and build that variant",
        description=(
            "Execute every chapter notebook listed in _toc.yml with papermill for the given year and "
            "partnership dataset, into a git-ignored run folder (default runs/<year>-<dataset>/), "
            "then build that folder as its own HTML book (<out>/_build/html). The documented sample "
            "describes partnerships c. 2017: a later --year carries each member to its successor council; "
            "for an earlier year use --partnerships simulated or your own file. Every table of every chapter "
            "is also written as CSV under <out>/results/<chapter>/, indexed in <out>/results.json (chapter, "
            "table, file, dataset, year, seed, permutations)."
        ),
    )
    parser.add_argument("--year", type=int, default=2017, help="dataset year: councils on 1 April YEAR (default 2017)")
    parser.add_argument(
        "--partnerships",
        default="documented",
        metavar="documented|documented-strict|documented-all|simulated|PATH",
        help="partnership dataset: an evidence set of the documented c. 2017 sample (documented, the default: "
        "service arrangements on any evidence; documented-strict: shared services shown operating in "
        "2014-2019; documented-all: every record), the simulated stand-in for that year's councils, "
        "or a tidy folder / wide CSV or XLSX file",
    )
    parser.add_argument("--permutations", type=int, default=None, metavar="N", help="QAP permutations (default: each chapter's own)")
    parser.add_argument("--seed", type=int, default=None, metavar="S", help="random seed (default: each chapter's own)")
    parser.add_argument("--out", default=None, metavar="DIR", help="run folder (default runs/<year>-<dataset>/)")
    parser.add_argument("--no-build", action="store_true", help="execute the notebooks only; do not build the HTML book")
    parser.add_argument("--strict", action="store_true", help="build with Sphinx warnings as errors (-n -W)")
    parser.add_argument("--chapters", default=None, metavar="2,3",
                        help="execute only these chapters (numbers, or notebook names such as appendix_validation); "
                        "the other chapters of an earlier run in the same folder with the same settings are kept, "
                        "otherwise they are left out of the variant book (its links to them then stay unresolved: "
                        "Sphinx warnings, and --strict fails; run the whole book once, then --chapters into the same folder)")
    parser.add_argument("--aliases", metavar="FILE",
                        help="your own alias table (columns as data/aliases.csv), used before the project's")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(func=run)
    return parser


def _check_file_first(args: argparse.Namespace, aliases=None) -> None:
    """An analyst's file is read (and checked) before any chapter runs: an error stops the run at once, exit
    status 2, as `lgnet check` would; its warnings are printed, since the chapters' kernels do not print them."""
    from lgnet.data.evidence_sets import is_documented

    if args.partnerships == "simulated" or is_documented(args.partnerships):
        return
    from lgnet.cli.check import warnings_block
    from lgnet.data.partnerships import load_partnerships

    extra = {"aliases": aliases} if aliases is not None else {}
    block = warnings_block(load_partnerships(args.partnerships, year=args.year, **extra))
    if block:
        print(block, flush=True)


# Sphinx's warnings about links to pages that a --chapters variant leaves out (expected there)
_LINKS_TO_LEFT_OUT = ("unknown document:", "undefined label:")


def _print_build_warnings(result, partial: bool) -> None:
    warnings = list(result.build_warnings)
    log = result.out / "_build" / "lgnet-build.log"
    links = [w for w in warnings if partial and any(k in w for k in _LINKS_TO_LEFT_OUT)]
    other = [w for w in warnings if w not in links]
    head = f"{len(warnings)} Sphinx warning(s) in the build (log: {log})"
    if links:
        head += (f"; {len(links)} of them are links to chapters not in this variant (expected with --chapters: "
                 "run the whole book once, then --chapters into the same folder)")
    print(head + (f"; the other{'s' if len(other) != 1 else ''}, first shown:" if other else ""))
    for line in other[:5]:
        print(f"  {line}")


def run(args: argparse.Namespace) -> int:
    from lgnet.book import runbook

    aliases = None
    if args.aliases:
        from lgnet.cli.check import user_aliases

        aliases = user_aliases(args.aliases)  # a missing or malformed table is an error before anything runs
    if args.permutations is not None and args.permutations < 1:
        raise LgnetError(f"--permutations {args.permutations}: give a positive number, e.g. 999")
    _check_file_first(args, aliases)
    result = runbook.run_book(
        year=args.year,
        partnerships=args.partnerships,
        permutations=args.permutations,
        seed=args.seed,
        out=args.out,
        build=not args.no_build,
        quiet=args.quiet,
        strict=args.strict,
        chapters=None if args.chapters is None else [c for c in args.chapters.split(",") if c.strip()],
        aliases=args.aliases,
    )
    width = max(len(name) for name in result.timings)
    print(f"run folder: {result.out}")
    for name, seconds in result.timings.items():
        print(f"  {name:<{width}}  {seconds:7.1f} s")
    print(f"  {'total (execution)':<{width}}  {sum(result.timings.values()):7.1f} s")
    if result.kept:
        print(f"kept from the earlier run: {', '.join(result.kept)}")
    print(f"tables: {len(result.results)} CSV files under {result.out / 'results'}, "
          f"index {result.out / 'results.json'}")
    if result.html_index is not None:
        print(f"  {'HTML build':<{width}}  {result.build_seconds:7.1f} s")
        print(f"HTML book: {result.html_index}")
        if result.build_warnings:
            _print_build_warnings(result, partial=args.chapters is not None)
    else:
        print("HTML book: not built (--no-build); build it with: jupyter-book build " + str(result.out))
    sys.stdout.flush()
    return 0
