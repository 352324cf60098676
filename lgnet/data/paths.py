"""Where the project keeps its files. Everything is relative to the repository root."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
MANIFEST = DATA / "manifest.csv"
BOOK = ROOT / "book"
RUNS = ROOT / "runs"


def raw_dir() -> Path:
    """The git-ignored folder raw public files are fetched into (override: LGNET_RAW_DIR)."""
    return Path(os.environ.get("LGNET_RAW_DIR", DATA / "raw"))


def build_dir() -> Path:
    """The git-ignored folder for built tables (override: LGNET_BUILD_DIR)."""
    return Path(os.environ.get("LGNET_BUILD_DIR", DATA / "build"))


def mirror_dir() -> Path | None:
    """A local mirror of the upstream files, from LGNET_DATA_MIRROR, or None."""
    value = os.environ.get("LGNET_DATA_MIRROR")
    return Path(value) if value else None
