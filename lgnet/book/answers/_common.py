"""Small helpers shared by the answer modules.

Numbers in an answer are formatted by the same functions as the tables they refer to
(``lgnet.book.chapters.display`` and ``lgnet.book.chapters.tables.number``), so an answer never says
"684.6" where its table says "685"."""

from __future__ import annotations

import dataclasses

from lgnet.book.chapters.display import p_text, sig3
from lgnet.book.chapters.display import pct as _pct
from lgnet.book.chapters.tables import number  # noqa: F401 - re-exported for the answer modules


def rerun(run, **changes):
    """The same run with other settings (year and seed kept unless changed)."""
    return dataclasses.replace(run, **changes)


def pct(x: float) -> str:
    """A share as the tables show it ('12.3%')."""
    return _pct(x)


def perm_p(p: float, permutations: int) -> str:
    """A permutation p as the tables show it ('p = 0.023', 'p ≤ 0.01'), never below 1/(R+1)."""
    return p_text(p, permutations)


def r2(value: float) -> str:
    """An R² as the tables show it (three significant figures), with the percentage beside it."""
    return f"{sig3(value)} ({_pct(value)} of the variance)"


def significant(p: float, alpha: float = 0.05) -> bool:
    return p is not None and float(p) < alpha
