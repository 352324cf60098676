"""The `lgnet` command. Each step lives in its own module, which adds its subcommand here.

A module listed in SUBCOMMAND_MODULES exposes ``add_parser(subparsers)``; the parser it adds sets
``func`` (called with the parsed arguments, returning an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys

SUBCOMMAND_MODULES = [
    "lgnet.cli_data",          # lgnet data fetch | build
    "lgnet.cli_partnerships",  # lgnet check
    "lgnet.cli_simulate",      # lgnet simulate
    "lgnet.cli_mrqap",         # lgnet mrqap
    "lgnet.cli_run",           # lgnet run
]


class LgnetError(Exception):
    """An error the user can fix: printed without a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lgnet",
        description="Data, models and reruns for the lgnet book on English councils' shared services.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a step not built yet
            if exc.name == name:
                continue
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except LgnetError as exc:
        print(f"lgnet {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
