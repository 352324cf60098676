"""The hand-checkable 12-council, 6-partnership network fixture (tests/fixtures/network, see its README).

One loader for every test module that uses it (test_network, test_dyadic, test_homophily); the
``network_fx`` fixture in conftest.py hands each test a fresh copy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lgnet.data.partnership_data import PartnershipData

FOLDER = Path(__file__).parent / "fixtures" / "network"


def load() -> tuple[PartnershipData, pd.DataFrame]:
    """(partnership data, council table) of the fixture; codes and counties as strings."""
    councils = pd.read_csv(FOLDER / "councils.csv", dtype={"code": "string", "county": "string"})
    parts = pd.read_csv(FOLDER / "partnerships.csv", dtype="string")
    mems = pd.read_csv(FOLDER / "memberships.csv", dtype="string")
    return PartnershipData(parts, mems, year=2017, dataset="fixture"), councils


def position(councils: pd.DataFrame, name: str) -> int:
    """Row (and matrix) position of the council called ``name``."""
    return int(np.flatnonzero(councils["name"].to_numpy() == name)[0])
