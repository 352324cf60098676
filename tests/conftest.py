"""Shared fixtures. Raw public data come from the mirror in LGNET_DATA_MIRROR (CI: ../shared/data)."""

from __future__ import annotations

import pytest

from lgnet.data import paths


@pytest.fixture(scope="session")
def raw_data():
    """The raw public files, fetched (and checksum-verified) once per test session."""
    from lgnet.data import fetch

    try:
        fetch.fetch_all(mirror=paths.mirror_dir(), quiet=True)
    except fetch.FetchError as exc:  # pragma: no cover - a setup problem, not a test result
        pytest.fail(
            f"raw data unavailable: {exc}\n"
            "Set LGNET_DATA_MIRROR to a folder holding the public files (e.g. ../shared/data) "
            "or allow the upstream fetch."
        )
    return paths.raw_dir()


@pytest.fixture
def network_fx():
    """The 12-council network fixture (tests/fixtures/network): (PartnershipData, council table), fresh per test."""
    from _network_fixture import load

    return load()
