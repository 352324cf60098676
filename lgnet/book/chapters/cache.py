"""The chapters' memo: loading a dataset, building networks and permutation tests run once per kernel."""

from __future__ import annotations

import functools

_CACHED: list = []


def cached(function):
    """``functools.lru_cache`` that :func:`clear_cache` can reach (arguments must be hashable)."""
    memo = functools.lru_cache(maxsize=None)(function)
    _CACHED.append(memo)
    return memo


def clear_cache() -> None:
    """Forget every cached dataset, network and model (e.g. after the data or the lgnet code changed)."""
    for memo in _CACHED:
        memo.cache_clear()
