"""The data of a run, cached: council tables, boundaries, partnership datasets, their subsets and networks.

Every cache is keyed by plain values (a :class:`DataKey`), so two tables of one run share one load, one
subset and one network. Chapter modules ask for ``key(run, nature, dataset)`` and the ``*_at(key)``
functions; notebooks use the run-level functions (``partnership_data``, ``network``, ``describe`` ...).
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import pandas as pd

from lgnet.book.chapters.cache import cached
from lgnet.book.chapters.run import SIMULATED, Run, label, source_of
from lgnet.data.partnership_data import PartnershipData


class DataKey(NamedTuple):
    """Which partnerships a result is computed on: the dataset of a year and the subset of one nature."""

    year: int
    source: str
    seed: int
    nature: str = "all"
    mixed: str = "exclude"


def key(run: Run, nature: str = "all", dataset: str | None = None) -> DataKey:
    """The cache key of a run's dataset (or ``dataset``, e.g. "simulated") restricted to ``nature``."""
    return DataKey(run.year, source_of(run, dataset), run.seed, nature, run.mixed)


def council_table(run: Run | DataKey) -> pd.DataFrame:
    """The council table of the run's year (``lgnet.data.councils.council_table``)."""
    return _council_table(run.year)


def analysis_table(run: Run | DataKey) -> pd.DataFrame:
    """The council table of the run's year merged with the council attributes (``lgnet.data.attributes``)."""
    return _analysis_table(run.year)


def boundaries(run: Run | DataKey):
    """Council boundaries of the run's year (GeoDataFrame, EPSG:27700)."""
    return _boundaries(run.year)


def regions(run: Run | DataKey | None = None):
    """The nine English regions (ONS December 2016 boundaries, EPSG:27700), for maps (the same in every year)."""
    return _regions()


@cached
def _council_table(year: int) -> pd.DataFrame:
    from lgnet.data import councils

    return councils.council_table(year)


@cached
def _analysis_table(year: int) -> pd.DataFrame:
    from lgnet.data import attributes

    return attributes.analysis_table(year)


@cached
def _boundaries(year: int):
    from lgnet.data import boundaries as lgboundaries

    return lgboundaries.boundaries(year)


@cached
def _regions():
    from lgnet.data import ons_layers

    return ons_layers.regions_layer()


@cached
def _evidence_sets(year: int) -> dict[str, PartnershipData]:
    """The documented sample's three evidence sets for ``year``, read and matched once."""
    from lgnet.data import partnerships

    return partnerships.load_evidence_sets(year)


@cached
def _load(year: int, source: str, seed: int) -> PartnershipData:
    from lgnet.data import partnerships

    if partnerships.is_documented(source):
        return _evidence_sets(year)[source]
    return partnerships.load_partnerships(source, year=year, seed=seed if source == SIMULATED else None)


def partnerships_at(k: DataKey) -> PartnershipData:
    """The whole partnership dataset of ``k`` (all natures)."""
    return _load(k.year, k.source, k.seed)


@cached
def subset_at(k: DataKey) -> PartnershipData:
    """The partnerships of ``k``'s nature (``lgnet.stats.network.subset``)."""
    from lgnet.stats import network as lgnetwork

    pdata = partnerships_at(k)
    return pdata if k.nature == "all" else lgnetwork.subset(pdata, k.nature, mixed=k.mixed)


@cached
def network_at(k: DataKey):
    """Incidence, co-membership and degree of ``k``'s partnerships (``lgnet.stats.network.build``)."""
    from lgnet.stats import network as lgnetwork

    return lgnetwork.build(subset_at(k), analysis_table(k))


@cached
def describe_at(k: DataKey) -> dict:
    """``lgnet.stats.network.describe`` of ``k``'s partnerships."""
    from lgnet.stats import network as lgnetwork

    return lgnetwork.describe(subset_at(k), analysis_table(k))


def partnership_data(run: Run, dataset: str | None = None) -> PartnershipData:
    """The partnership dataset of a run (``dataset="simulated"`` gives the stand-in for the run's year)."""
    return partnerships_at(key(run, dataset=dataset))


def subset_data(run: Run, nature: str = "all", dataset: str | None = None) -> PartnershipData:
    """The partnerships of one nature ("frontline", "administrative", "mixed" or "all")."""
    return subset_at(key(run, nature, dataset))


def network(run: Run, nature: str = "all", dataset: str | None = None):
    """Incidence, co-membership and degree for a run (``lgnet.stats.network.CouncilNetwork``)."""
    return network_at(key(run, nature, dataset))


def describe(run: Run, nature: str = "all", dataset: str | None = None) -> dict:
    """``lgnet.stats.network.describe`` of a run's data (cached)."""
    return describe_at(key(run, nature, dataset))


def beside_stand_in(run: Run, compute: Callable[[str | None], Any]) -> dict[str, Any]:
    """``compute(dataset)`` for the run's own dataset and, unless the run is simulated, for the simulated
    stand-in: ``{label: result}``, the run's first (for tables and figures that show both)."""
    out = {label(run): compute(None)}
    if not run.simulated:
        out[label(run, SIMULATED)] = compute(SIMULATED)
    return out
