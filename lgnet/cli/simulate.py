"""`lgnet simulate`: generate the simulated stand-in network for a year's councils and check its calibration."""

from __future__ import annotations

import argparse
from pathlib import Path

from lgnet.data import paths
from lgnet.data.errors import LgnetError


def default_out(year: int, seed: int) -> Path:
    """runs/simulated/<year>-seed<seed>/ (git-ignored)."""
    return paths.RUNS / "simulated" / f"{year}-seed{seed}"


def add_parser(subparsers) -> argparse.ArgumentParser:
    from lgnet.data.simulate import DEFAULT_SEED

    parser = subparsers.add_parser(
        "simulate",
        help="generate the SIMULATED stand-in partnership network and print its calibration table",
        description=(
            "Generate a simulated partnership dataset over the real councils of YEAR, calibrated to the "
            "article's published marginals (338 partnerships: 182 frontline, 127 administrative, 29 mixed; "
            "97-98.5% of councils in at least one; 1 to 25-40 partnerships per council, median 3, mean 4) "
            "with planted homophily on region, county, type and proximity. Writes partnerships.csv, "
            "memberships.csv and simulation.json (targets, planted effects, achieved values) in the tidy "
            "format, prints target vs achieved, and exits 1 if any target is missed. The output is marked "
            "SIMULATED: it is not data about real partnerships."
        ),
    )
    parser.add_argument("--year", type=int, default=2017, help="dataset year: councils on 1 April YEAR (default 2017)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                        help=f"random seed; the same seed gives identical tables (default {DEFAULT_SEED})")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help="output folder (default runs/simulated/<year>-seed<S>/, git-ignored)")
    parser.add_argument("--quiet", action="store_true", help="print only the calibration table")
    from lgnet.data.simulate import PlantedEffects

    planted = PlantedEffects()
    group = parser.add_argument_group(
        "planted effects", "change what the simulator plants (e.g. --beta-region 0 plants no regional "
        "homophily); the output records the effects used. Extreme values can miss calibration targets (exit 1).")
    group.add_argument("--beta-region", type=str, default=None, metavar="B",
                       help=f"log-odds bonus for partners in the same region (default {planted.beta_region})")
    group.add_argument("--beta-county", type=str, default=None, metavar="B",
                       help=f"log-odds bonus for partners in the same county (default {planted.beta_county})")
    group.add_argument("--beta-type", type=str, default=None, metavar="B",
                       help=f"log-odds bonus for partners of the same council type (default {planted.beta_type})")
    defaults = ", ".join(f"{n}={km:g}" for n, km in planted.distance_scale_km)
    group.add_argument("--distance-km", action="append", default=[], metavar="NATURE=KM",
                       help=f"distance (km) over which the chance of partnering falls by a factor e, per nature; "
                            f"repeatable (default {defaults})")
    parser.set_defaults(func=run)
    return parser


def format_table(table) -> str:
    """The calibration table as plain text, 'met' shown as yes/NO."""
    shown = table.assign(met=table["met"].map({True: "yes", False: "NO"})).astype(str)
    widths = {c: max(len(c), int(shown[c].str.len().max())) for c in shown.columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in shown.columns)]
    lines.append("  ".join("-" * widths[c] for c in shown.columns))
    lines += ["  ".join(row[c].ljust(widths[c]) for c in shown.columns) for _, row in shown.iterrows()]
    return "\n".join(line.rstrip() for line in lines)


def _shown(path: Path) -> Path:
    """The path relative to the working directory where possible (for messages)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _number(option: str, text: str, positive: bool = False) -> float:
    import math

    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or (positive and value <= 0):
        need = "a positive number" if positive else "a number"
        raise LgnetError(f"{option} {text}: give {need} (e.g. {option} {'20' if positive else '1.5'})")
    return value


def effects_from_args(args: argparse.Namespace):
    """The planted effects: the simulator's defaults with the options given on the command line."""
    import dataclasses

    from lgnet.data.partnership_data import NATURES
    from lgnet.data.simulate import PlantedEffects

    effects = PlantedEffects()
    changes = {}
    for name in ("beta_region", "beta_county", "beta_type"):
        text = getattr(args, name, None)
        if text is not None:
            changes[name] = _number("--" + name.replace("_", "-"), text)
    scales = dict(effects.distance_scale_km)
    for item in getattr(args, "distance_km", None) or []:
        nature, sep, km = str(item).partition("=")
        if not sep or nature.strip() not in NATURES:
            raise LgnetError(f"--distance-km {item}: write NATURE=KM with NATURE one of {', '.join(NATURES)} "
                             "(e.g. --distance-km frontline=20)")
        scales[nature.strip()] = _number(f"--distance-km {nature.strip()}=", km.strip(), positive=True)
    if scales != dict(effects.distance_scale_km):
        changes["distance_scale_km"] = tuple((n, scales[n]) for n, _ in effects.distance_scale_km)
    return dataclasses.replace(effects, **changes) if changes else effects


def run(args: argparse.Namespace) -> int:
    from lgnet.data.fetch import FetchError
    from lgnet.data.simulate import SimulationInputError, calibration_table, simulate, write_tidy

    if args.seed < 0:
        raise LgnetError(f"--seed {args.seed}: give a non-negative whole number")
    effects = effects_from_args(args)
    try:
        pdata = simulate(year=args.year, seed=args.seed, effects=effects)
        out = Path(args.out) if args.out else default_out(args.year, args.seed)
        written = write_tidy(pdata, out)
    except (SimulationInputError, ValueError, FetchError) as exc:
        raise LgnetError(str(exc)) from exc
    table = calibration_table(pdata)
    if not args.quiet:
        print(f"SIMULATED stand-in: {pdata.meta['n_councils']} councils of {args.year}, seed {args.seed}")
    print(format_table(table))
    if not args.quiet:
        print(f"wrote {', '.join(p.name for p in written)} to {_shown(out)}")
    missed = table.loc[~table["met"], "target"].tolist()
    if missed:
        print(f"targets not met: {'; '.join(missed)}")
        return 1
    return 0
