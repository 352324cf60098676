"""The evidence sets of the documented partnership sample: the one place that defines them.

Every record of ``data/documented_partnerships/partnerships.csv`` has a ``category`` saying what the record
is and how strong its evidence is (:data:`CATEGORIES`). An evidence set is a named choice of categories;
every layer that lets a reader choose a dataset (``load_partnerships``, ``lg.setup(partnerships=...)``,
``lgnet run --partnerships``, ``lgnet check``) accepts these names:

``documented``         (the default) service arrangements on any evidence: shared_service, proposal,
                       out_of_period;
``documented-strict``  shared_service only: a shared service with evidence that it operated in 2014-2019;
``documented-all``     every record, including joint plans, strategic partnerships and statutory bodies.

Use :func:`is_documented` to ask whether a dataset name is one of them, :func:`evidence_set` for the
definition (a :class:`EvidenceSet`), :data:`EVIDENCE_SETS` for all three in order (strict, default, all).
"""

from __future__ import annotations

from dataclasses import dataclass

CATEGORIES: dict[str, str] = {
    "shared_service": "councils deliver a service together, with evidence that it operated in 2014-2019",
    "proposal": "only a decision or plan to share a service is shown",
    "out_of_period": "a shared service whose only dated evidence lies outside the period",
    "joint_plan": "a joint planning policy document, with no shared team",
    "strategic_partnership": "an economic, growth or strategy board: councils coordinate but deliver no service together",
    "statutory_body": "a joint body set up by law (joint waste disposal authority, pension fund, coroner)",
}
CATEGORY_LABELS: dict[str, str] = {
    "shared_service": "shared service",
    "proposal": "proposal",
    "out_of_period": "out of period",
    "joint_plan": "joint plan",
    "strategic_partnership": "strategic partnership",
    "statutory_body": "statutory body",
}


@dataclass(frozen=True)
class EvidenceSet:
    """A named choice of record categories of the documented sample."""

    name: str
    categories: tuple[str, ...]
    label: str          # short human label, e.g. "documented sample, strict set"
    description: str    # one sentence for dataset notes

    def includes(self, category: str) -> bool:
        return category in self.categories


DEFAULT_SET = "documented"
STRICT_SET = "documented-strict"
ALL_SET = "documented-all"

EVIDENCE_SETS: dict[str, EvidenceSet] = {
    STRICT_SET: EvidenceSet(
        STRICT_SET, ("shared_service",), "documented sample, strict set",
        "shared services with evidence that they operated in 2014-2019",
    ),
    DEFAULT_SET: EvidenceSet(
        DEFAULT_SET, ("shared_service", "proposal", "out_of_period"), "documented sample",
        "service arrangements on any evidence (shared services, proposals, and services dated outside 2014-2019)",
    ),
    ALL_SET: EvidenceSet(
        ALL_SET, tuple(CATEGORIES), "documented sample, all records",
        "every record, including joint plans, strategic partnerships and statutory bodies",
    ),
}


def is_documented(name) -> bool:
    """True if ``name`` is one of the documented sample's evidence sets."""
    return isinstance(name, str) and name in EVIDENCE_SETS


def evidence_set(name: str) -> EvidenceSet:
    """The evidence set called ``name`` (KeyError with the accepted names otherwise)."""
    try:
        return EVIDENCE_SETS[name]
    except KeyError:
        raise KeyError(f"{name!r} is not an evidence set of the documented sample; "
                       f"use one of {', '.join(EVIDENCE_SETS)}") from None
