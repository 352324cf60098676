"""Small helpers shared by the answer modules."""

from __future__ import annotations

import dataclasses


def rerun(run, **changes):
    """The same run with other settings (year and seed kept unless changed)."""
    return dataclasses.replace(run, **changes)


def pct(x: float) -> str:
    return f"{100 * float(x):.1f}%"


def perm_p(p: float, permutations: int) -> str:
    """A permutation p as text, never below 1/(R+1)."""
    floor = 1.0 / (int(permutations) + 1)
    return f"p ≤ {floor:.3g}" if float(p) <= floor else f"p = {float(p):.3f}"
