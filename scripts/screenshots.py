#!/usr/bin/env python
"""Screenshots (PNG) of every chapter page of a built book, for reviewers.

    python scripts/screenshots.py                               # _build/html -> screenshots/
    python scripts/screenshots.py runs/2019-simulated/_build/html --out screenshots/2019-simulated

Uses headless Chromium (Debian's `chromium`) at 1280x2400; the folder screenshots/ is git-ignored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lgnet.book import htmlcheck
from lgnet.data import paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html_dir", nargs="?", default=str(paths.ROOT / "_build" / "html"),
                        help="built HTML folder (default: the main book's _build/html)")
    parser.add_argument("--out", default=str(paths.ROOT / "screenshots"), help="folder for the PNGs")
    parser.add_argument("--book-root", default=None, help="folder with _toc.yml (default: two levels above html_dir)")
    parser.add_argument("--size", default="1280,2400", help="window WIDTH,HEIGHT (default 1280,2400)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    html_dir = Path(args.html_dir)
    if not html_dir.is_dir():
        print(f"screenshots: {html_dir} does not exist; build the book first (make book)", file=sys.stderr)
        return 1
    width, height = (int(v) for v in args.size.split(","))
    try:
        written = htmlcheck.screenshots(html_dir, Path(args.out), args.book_root, size=(width, height),
                                        quiet=args.quiet)
    except htmlcheck.ChromiumMissing as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 2
    for png in written:
        print(png)
    print(f"{len(written)} screenshot(s) in {Path(args.out).resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
