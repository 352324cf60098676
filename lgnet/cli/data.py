"""`lgnet data fetch` and `lgnet data build`: raw public files in, council table and boundaries out."""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path

from lgnet.data import paths
from lgnet.data.errors import LgnetError


def add_parser(subparsers) -> None:
    data = subparsers.add_parser(
        "data",
        help="fetch the raw public data and build the council table for a year",
        description="Fetch the raw public files listed in data/manifest.csv, and build the council "
        "table and boundary layer for a dataset year.",
    )
    sub = data.add_subparsers(dest="data_command", metavar="ACTION")
    sub.required = True

    fetch = sub.add_parser(
        "fetch",
        help="bring the raw files into data/raw (verified by sha256)",
        description="Copy every file of data/manifest.csv into the raw folder (data/raw or "
        "$LGNET_RAW_DIR) from a local mirror (--mirror or $LGNET_DATA_MIRROR), else download it from "
        "its upstream URL pinned to the source commit. Checksums are verified; files already present "
        "with the right checksum are skipped.",
    )
    fetch.add_argument("--mirror", type=Path, default=None,
                       help="folder holding <folder>/<file> copies (default: $LGNET_DATA_MIRROR)")
    fetch.add_argument("--upstream", action="store_true",
                       help="download from the upstream URLs even if a mirror is set")
    fetch.add_argument("--dest", type=Path, default=None,
                       help="where to put the files (default: data/raw or $LGNET_RAW_DIR)")
    fetch.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    fetch.set_defaults(func=run_fetch)

    build = sub.add_parser(
        "build",
        help="build the council table and boundaries for a year",
        description="Build the table of English principal councils in existence on 1 April YEAR "
        "(2014..2026) and their boundary layer into data/build (or $LGNET_BUILD_DIR), with council "
        "attributes if that module is present, and print a summary.",
    )
    build.add_argument("--year", type=int, default=2017, help="dataset year, 2014..2026 (default 2017)")
    build.add_argument("--quiet", action="store_true", help="print only the summary")
    build.set_defaults(func=run_build)


def run_fetch(args: argparse.Namespace) -> int:
    from lgnet.data import fetch

    try:
        fetch.fetch_all(mirror=args.mirror, quiet=args.quiet, dest=args.dest, upstream=args.upstream)
    except fetch.FetchError as exc:
        raise LgnetError(str(exc)) from exc
    return 0


def _ensure_raw(quiet: bool) -> None:
    """Fetch first if raw files are missing (from the mirror if set, else upstream)."""
    from lgnet.data import fetch

    problems = fetch.verify()
    if problems:
        if not quiet:
            print(f"raw data incomplete ({len(problems)} file(s), e.g. {problems[0]}): fetching first")
        fetch.fetch_all(quiet=quiet)


def run_build(args: argparse.Namespace) -> int:
    from lgnet.data import boundaries, councils, fetch

    year = args.year
    try:
        councils.check_year(year)
        _ensure_raw(args.quiet)
        table = councils.council_table(year)
        prov = councils.council_provenance(year)
        gdf = boundaries.boundaries(year)
    except (fetch.FetchError, ValueError) as exc:
        raise LgnetError(str(exc)) from exc

    out = paths.build_dir()
    out.mkdir(parents=True, exist_ok=True)
    table_path = out / f"councils_{year}.csv"
    table.assign(alt_names=table["alt_names"].map("|".join)).to_csv(table_path, index=False)
    geo_path = out / f"boundaries_{year}.gpkg"
    if geo_path.exists():
        geo_path.unlink()
    gdf.to_file(geo_path, layer=f"councils_{year}", driver="GPKG")
    prov_path = out / f"councils_{year}_provenance.json"
    prov_path.write_text(json.dumps({**prov, "boundaries": gdf.attrs["provenance"]}, indent=1, sort_keys=True))

    lines = summary_lines(table, prov, gdf)
    written = [table_path, geo_path, prov_path]
    lines += _attributes_lines(year, out, written)
    lines.append("Wrote: " + ", ".join(_rel(p) for p in written))
    print("\n".join(lines))
    return 0


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def summary_lines(table, prov: dict, gdf) -> list[str]:
    """The human summary of a built council table and its boundaries."""
    from lgnet.data import councils

    year = prov["year"]
    s = councils.summary(table)
    lines = [f"Councils in existence on 1 April {year}: {s['councils']}"]
    for t, n in s["by_type"].items():
        note = ""
        if t == "London borough":
            note = f"  (incl. City of London: {int((table['type_detail'] == 'City of London').sum())})"
        if t == "unitary":
            note = f"  (incl. Isles of Scilly: {int((table['type_detail'] == 'Isles of Scilly').sum())})"
        lines.append(f"  {t:<22}{n:>4}{note}")
    districts = table["type"] == "shire district"
    missing = dict(s["missing"])
    missing["county"] = int(table.loc[districts, "county"].isna().sum())
    ecode_na = missing.pop("ecode")
    bad = {k: v for k, v in missing.items() if v}
    lines.append("Missing values: " + ("none" if not bad else ", ".join(f"{k} {v}" for k, v in bad.items()))
                 + " (county checked for shire districts only)")
    if ecode_na:
        names = "; ".join(table.loc[table["ecode"].isna(), "name"])
        lines.append(f"  no finance E-code (councils created after the registry's E-codes): {ecode_na}: {names}")
    by = prov["boundary_year"]
    note = "" if by == year else f"  (no {year} layer: nearest {'earlier' if by < year else 'later'} one)"
    lines.append(f"Boundary layer: ONS December {by} (lads-{by}, cuas-{by}){note}; "
                 f"{len(gdf)} polygons, {int(gdf.geometry.isna().sum())} missing")
    derived = {k: v for k, v in gdf.attrs["provenance"].items() if not v.startswith(("lad ", "cua "))}
    for code, how in derived.items():
        lines.append(f"  {code}: {how}")
    for key, label in [
        ("codes_from_former", "codes from the registry's former codes"),
        ("codes_from_layer", "codes newer than the registry (from the ONS layer)"),
        ("region_filled", "regions missing in the registry (from ONS)"),
        ("region_corrected", "regions corrected (registry vs ONS)"),
        ("county_corrected", "counties corrected (registry vs ONS)"),
    ]:
        if prov.get(key):
            lines.append(f"{label}: {len(prov[key])}")
            lines += [f"  {code}: {what}" for code, what in sorted(prov[key].items())]
    return lines


def _attributes_lines(year: int, out: Path, written: list) -> list[str]:
    """Build council attributes if lgnet.data.attributes exists; report missing counts."""
    try:
        attributes = importlib.import_module("lgnet.data.attributes")
    except ModuleNotFoundError as exc:
        if exc.name == "lgnet.data.attributes":  # only the module not existing is skipped
            return ["Attributes: lgnet.data.attributes not available yet (skipped)"]
        raise
    attrs = attributes.council_attributes(year)
    path = out / f"attributes_{year}.csv"
    attrs.to_csv(path, index=False)
    written.append(path)
    lines = [f"Attributes: {attrs.shape[1] - 1} columns for {len(attrs)} councils; missing values per column:"]
    for col in attrs.columns:
        if col == "code":
            continue
        lines.append(f"  {col:<28}{int(attrs[col].isna().sum()):>4}")
    return lines
