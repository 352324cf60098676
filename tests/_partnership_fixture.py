"""The partnership-ingestion fixtures (tests/fixtures/partnerships): shared by test_names and test_partnerships."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FOLDER = Path(__file__).parent / "fixtures" / "partnerships"


def fixture_councils() -> pd.DataFrame:
    """37 councils of 2017 with the council table's columns (alt_names as lists)."""
    table = pd.read_csv(FOLDER / "councils_2017.csv", dtype=str, keep_default_na=False)
    table["alt_names"] = table["alt_names"].str.split("|")
    return table
