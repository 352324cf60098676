"""`lgnet export`: the networks and dyadic matrices of a year and dataset, for Gephi, R and UCINET."""

from __future__ import annotations

import argparse

from lgnet.data.errors import LgnetError

DESCRIPTION = """\
Write the partnership networks of a year and dataset in an open format, with the dyadic matrices of
the book's partner-selection models as square CSVs.

Into --out DIR:
  the two-mode network (councils x partnerships) and the one-mode co-membership network (edge weight =
  partnerships shared), council attributes on the council nodes (id = council code, label = name;
  a missing value is left off the node), in --format:
    graphml    one_mode.graphml, two_mode.graphml        Gephi; R igraph read_graph(f, "graphml");
                                                         statnet via intergraph; Cytoscape
    gexf       one_mode.gexf, two_mode.gexf              Gephi
    csv        nodes.csv, edges.csv (one-mode),          R igraph graph_from_data_frame(edges, vertices=nodes),
               partnerships.csv, memberships.csv         statnet network(); Gephi's spreadsheet import
               (two-mode)
    ucinet-dl  one_mode.dl (DL fullmatrix, labels        UCINET (Data > Import text file > DL); attributes
               embedded), two_mode.dl (DL nodelist2,     in nodes.csv
               row and column labels), nodes.csv
  matrices/    comembership.csv (the response), comembership_binary.csv and one CSV per predictor
               (same_region, same_county, same_type, distance_km, abs_diff_<resource>, same_party) over the
               councils complete for every predictor; `lgnet mrqap` reads them back (README.txt in DIR
               gives the command for each of the book's models); matrices/dropped.csv lists who was left out.
"""


def add_parser(subparsers) -> None:
    from lgnet.data.evidence_sets import EVIDENCE_SETS

    p = subparsers.add_parser("export", help="write the networks (GraphML, GEXF, CSV, UCINET DL) and dyadic matrices",
                              description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--year", type=int, default=2017, help="dataset year: councils on 1 April YEAR (default 2017)")
    p.add_argument("--partnerships", default="documented", metavar="|".join([*EVIDENCE_SETS, "simulated", "PATH"]),
                   help="partnership dataset: an evidence set of the documented sample, the simulated stand-in, "
                        "or your own tidy folder / wide CSV or XLSX file (default documented)")
    p.add_argument("--format", required=True, choices=["graphml", "gexf", "csv", "ucinet-dl"],
                   help="format of the network files (the matrices are always CSV)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write into (created if needed)")
    p.add_argument("--seed", type=int, default=2017, metavar="S", help="seed of the simulated stand-in (default 2017)")
    p.add_argument("--sheet", metavar="NAME", help="the sheet of a workbook to read (default: the first)")
    p.add_argument("--aliases", metavar="FILE",
                   help="your own alias table (columns as data/aliases.csv), used before the project's")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from lgnet.cli.check import user_aliases, warnings_block
    from lgnet.data.attributes import analysis_table
    from lgnet.data.evidence_sets import is_documented
    from lgnet.data.partnerships import load_partnerships
    from lgnet.data.years import check_year
    from lgnet.stats.export import export

    try:
        check_year(args.year)
    except ValueError as exc:
        raise LgnetError(f"--year: {exc}") from None
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise LgnetError(f"--out {out} is a file; give a folder")
    extra = {"sheet": args.sheet} if args.sheet else {}
    if args.aliases:
        extra["aliases"] = user_aliases(args.aliases)
    seed = args.seed if args.partnerships == "simulated" else None
    pdata = load_partnerships(args.partnerships, year=args.year, seed=seed, **extra)
    if not (args.partnerships == "simulated" or is_documented(args.partnerships)):
        block = warnings_block(pdata)
        if block:
            print(block)
    before = {p for p in out.rglob("*") if p.is_file()} if out.is_dir() else set()
    files = export(pdata, analysis_table(args.year), out, args.format)
    print(f"wrote {len(files)} files into {out}:")
    for f in files:
        print(f"  {f.relative_to(out).as_posix()}")
    stale = sorted(before - {Path(f) for f in files})
    if stale:
        print(f"note: {len(stale)} other file(s) already in {out} were not written by this export (left in place; "
              "they may be from an earlier export of other data): "
              + ", ".join(p.relative_to(out).as_posix() for p in stale[:10]) + (" ..." if len(stale) > 10 else ""))
    print(f"see {out / 'README.txt'} for what each file is and the `lgnet mrqap` command for each model")
    return 0
