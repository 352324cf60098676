#!/usr/bin/env python
"""Open every chapter page of a built book in headless Chromium and check pages, figures and links.

    python scripts/check_html.py                 # the main book: _build/html, toc from _toc.yml
    python scripts/check_html.py runs/2019-simulated/_build/html
    python scripts/check_html.py HTML_DIR --book-root DIR   # where the _toc.yml and sources are

Then reads every page at 1280 px (htmlcheck.check_reading): no table or figure overflows its column,
no 'NaN', no raw variable name of data/dictionary.csv, no odds ratio shown as 0.000.

Exits 0 when every page loads with its title and figures, no internal link is broken and every page reads
at 1280 px; 1 and a list of problems otherwise; 2 when Chromium is missing (install Debian's `chromium`).
The checks live in lgnet/book/htmlcheck.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from lgnet.book import htmlcheck
from lgnet.data import paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html_dir", nargs="?", default=str(paths.ROOT / "_build" / "html"),
                        help="built HTML folder (default: the main book's _build/html)")
    parser.add_argument("--book-root", default=None,
                        help="folder with _toc.yml and the page sources (default: two levels above html_dir)")
    parser.add_argument("--workers", type=int, default=2, help="Chromium instances at once (default 2)")
    parser.add_argument("--no-math-check", action="store_true",
                        help="do not require mathematics to be typeset offline (MathJax served by the book)")
    parser.add_argument("--no-reading-check", action="store_true",
                        help="skip the reading check at 1280 px (overflowing tables and figures, NaN, raw names)")
    args = parser.parse_args(argv)

    html_dir = Path(args.html_dir)
    if not html_dir.is_dir():
        print(f"check_html: {html_dir} does not exist; build the book first (make book)", file=sys.stderr)
        return 1
    start = time.perf_counter()
    try:
        report = htmlcheck.check_book(html_dir, args.book_root, workers=args.workers,
                                       math=not args.no_math_check)
        if not args.no_reading_check:
            reading = htmlcheck.check_reading(html_dir, args.book_root, workers=args.workers)
            report.problems.extend(reading.problems)
    except htmlcheck.ChromiumMissing as exc:
        print(f"check_html: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    print(f"checked {html_dir} in {time.perf_counter() - start:.1f} s")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
