"""The dataset years the project supports, and the check every year-taking function runs first.

The registry, boundary and political-control sources together cover 2014-2026.
"""

from __future__ import annotations

FIRST_YEAR, LAST_YEAR = 2014, 2026


def check_year(year: int) -> int:
    """The year as an int, or a ValueError if it is outside the supported range."""
    try:
        value = int(year)
    except (TypeError, ValueError):
        raise ValueError(f"year {year!r} is not a whole number; use a year from {FIRST_YEAR} to {LAST_YEAR}") from None
    if value != year or not FIRST_YEAR <= value <= LAST_YEAR:
        raise ValueError(
            f"year {year!r} is outside the supported range {FIRST_YEAR}..{LAST_YEAR} "
            "(the registry, boundary and political-control sources cover these years)"
        )
    return value
