"""The `lgnet` command's entry point. Each step lives in its own module, which adds its subcommand here.

A module listed in SUBCOMMAND_MODULES exposes ``add_parser(subparsers)``; the parser it adds sets
``func`` (called with the parsed arguments, returning an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from lgnet.data.errors import LgnetError

SUBCOMMAND_MODULES = [
    "lgnet.cli.data",      # lgnet data fetch | build
    "lgnet.cli.check",     # lgnet check
    "lgnet.cli.simulate",  # lgnet simulate
    "lgnet.cli.mrqap",     # lgnet mrqap
    "lgnet.cli.run",       # lgnet run
    "lgnet.cli.export",    # lgnet export
]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; ``only`` (a subcommand name) imports just that subcommand's module, so a command starts
    without importing every other command's dependencies."""
    parser = argparse.ArgumentParser(
        prog="lgnet",
        description="Data, models and reruns for the lgnet book on English councils' shared services.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    modules = [m for m in SUBCOMMAND_MODULES if m.rsplit(".", 1)[-1] == only] or SUBCOMMAND_MODULES
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a step not built yet
            if exc.name == name:
                continue
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=words[0] if words and not words[0].startswith("-") else None)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except LgnetError as exc:
        print(f"lgnet {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"lgnet {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - never a traceback: one line, exit status 2
        if os.environ.get("LGNET_DEBUG", "") not in ("", "0"):
            traceback.print_exc()
        print(unexpected_error_line(args, exc), file=sys.stderr)
        return 2


# argument names that hold the file a command reads, in the order they are looked for
FILE_ARGUMENTS = ("file", "partnerships", "aliases", "y")


def unexpected_error_line(args: argparse.Namespace, exc: BaseException) -> str:
    """One line for an unexpected error: the command, the file it was reading (if any), the error."""
    where = ""
    for name in FILE_ARGUMENTS:
        value = getattr(args, name, None)
        if isinstance(value, (str, os.PathLike)) and value and value not in ("documented", "simulated"):
            where = f" ({value})"
            break
    detail = " ".join(str(exc).split()) or "(no message)"
    return (f"lgnet {args.command}{where}: unexpected error: {type(exc).__name__}: {detail} "
            "[set LGNET_DEBUG=1 to see the traceback]")


if __name__ == "__main__":
    sys.exit(main())
