"""The in-memory shape of a partnership dataset, shared by ingestion, simulation and the analyses."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

NATURES = ("frontline", "administrative", "mixed")


class RecordWarning(str):
    """A warning's text that concerns one partnership record: the record is carried with it, so that a subset
    of the partnerships (an evidence set) keeps the warnings about its own records only."""

    partnership_id: str | None

    def __new__(cls, text: str, partnership_id: str | None = None):
        obj = super().__new__(cls, text)
        obj.partnership_id = partnership_id or None
        return obj

    def __reduce__(self):
        return (RecordWarning, (str(self), self.partnership_id))


def participation(memberships: pd.DataFrame, councils_in_year: int) -> dict:
    """The one definition of participation: councils in at least one partnership (distinct member codes),
    the year's councils, and the share. Every count of participation (``lgnet check``, the evidence sets, the
    book's dataset notes) comes from here; ``lgnet.stats.network.describe`` counts the same from the network."""
    councils = int(memberships["code"].nunique()) if len(memberships) else 0
    n = int(councils_in_year)
    return {"councils": councils, "councils_in_year": n, "participation": councils / n if n else float("nan")}


def concerns(warning: str, partnership_ids) -> bool:
    """Whether a warning belongs with these partnerships: it concerns one of them, or no record in particular."""
    pid = getattr(warning, "partnership_id", None)
    return pid is None or pid in partnership_ids


@dataclass
class PartnershipData:
    """Partnerships and their member councils for one dataset year.

    partnerships: one row per partnership: partnership_id, name, nature (one of NATURES), function, ...
    memberships:  one row per (partnership, council): partnership_id, code (GSS code valid in ``year``),
                  council_name_as_written (the string the source used, where there was one)
    dataset:      an evidence set of the documented sample ("documented", "documented-strict",
                  "documented-all"), "simulated" or the path the data came from
    simulated:    True for the simulated stand-in: pages must never present it as a finding
    meta:         provenance, calibration targets and achieved values, name mappings applied, ...
    """

    partnerships: pd.DataFrame
    memberships: pd.DataFrame
    year: int
    dataset: str
    simulated: bool = False
    meta: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        """A short human label for pages and tables."""
        if self.simulated:
            return f"simulated stand-in ({self.year} councils)"
        evidence = self.meta.get("evidence_set")
        if evidence:  # one of the documented sample's evidence sets (lgnet.data.evidence_sets)
            return f"{evidence['label']} ({evidence['partnerships']} real partnerships, c. 2017, on {self.year} councils)"
        return f"partnership file {self.dataset} ({self.year} councils)"
