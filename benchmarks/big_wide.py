"""A large wide partnership file for the `lgnet check` speed benchmark, generated at run time (never committed).

One row per partnership, members as free text written the way real lists write them (official names,
short names, "&" for "and", "Council"/"DC" suffixes), drawn from the real councils of 2017; natures in
several spellings. ``python benchmarks/big_wide.py OUT.csv --mb 50``.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

NATURES = ["frontline", "Front-line", "administrative", "Back office", "mixed"]
FUNCTIONS = ["waste", "ict", "revenues_benefits", "legal", "audit", "building_control", "procurement", "hr"]


def spellings(councils, year: int = 2017) -> list[str]:
    """Several ways each council is written: its name, its official name, '&' for 'and' -- those that name
    one council without context (an official name such as "Newcastle City Council" is left out)."""
    from lgnet.data.names import CouncilMatcher, load_aliases, load_registry

    matcher = CouncilMatcher(councils, year, load_aliases(), load_registry())
    out = []
    for name, official in zip(councils["name"].astype(str), councils["official_name"].astype(str)):
        out.append(name)
        if official and official != "nan" and official != name:
            out.append(official)
        if " and " in name:
            out.append(name.replace(" and ", " & "))
    ok = [(s, matcher.match(s)) for s in out]
    return [s for s, r in ok if r.matched and "could be" not in str(getattr(r, "note", "")).lower()]


def write(path: str | Path, mb: float = 50.0, year: int = 2017, seed: int = 0) -> tuple[Path, int]:
    """Write about ``mb`` megabytes; returns (path, rows)."""
    from lgnet.data.councils import council_table

    rng = np.random.default_rng(seed)
    names = spellings(council_table(year), year)
    path = Path(path)
    target = int(mb * 1e6)
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Partnership ID", "Name", "Nature", "Function", "Member councils"])
        while fh.tell() < target:
            for _ in range(1000):
                k = int(rng.integers(2, 9))
                members = rng.choice(len(names), size=k, replace=False)
                rows += 1
                w.writerow([f"B{rows:07d}", f"Shared service {rows}", NATURES[rows % len(NATURES)],
                            FUNCTIONS[rows % len(FUNCTIONS)], "; ".join(names[i] for i in members)])
    return path, rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=50.0)
    a = ap.parse_args()
    p, n = write(a.out, a.mb)
    print(f"wrote {p}: {p.stat().st_size / 1e6:.1f} MB, {n} partnerships")
