"""A chapter's settings (:class:`Run`), checked by :func:`setup`, and how a run names its dataset."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lgnet.data.evidence_sets import DEFAULT_SET, EVIDENCE_SETS, is_documented

DEFAULT_SEED = 2017
SIMULATED = "simulated"
DOCUMENTED = DEFAULT_SET  # "documented"; the other evidence sets: "documented-strict", "documented-all"


@dataclass(frozen=True)
class Run:
    """The parameters of one chapter execution (hashable, so results can be cached per run).

    year: dataset year (councils in existence on 1 April); partnerships: an evidence set of the documented
    sample ("documented", "documented-strict", "documented-all"; lgnet.data.evidence_sets), "simulated" or a
    path; seed: permutation seed and seed of the simulated stand-in; permutations: QAP / Freedman–Lane
    permutations; logistic_permutations: logistic QAP permutations (slow: refits per permutation);
    mixed: how mixed partnerships enter the activity subsets ("exclude" or "include"); leave_out: a block of
    propensity predictors ("resource", "organisational" or "political") left out of the propensity models
    ("" keeps all three).
    """

    year: int = 2017
    partnerships: str = DOCUMENTED
    seed: int = DEFAULT_SEED
    permutations: int = 499
    logistic_permutations: int = 99
    mixed: str = "exclude"
    leave_out: str = ""

    @property
    def simulated(self) -> bool:
        return self.partnerships == SIMULATED

    @property
    def documented(self) -> bool:
        """True for any evidence set of the documented sample."""
        return is_documented(self.partnerships)


def setup(year: int = 2017, partnerships: str | os.PathLike = DOCUMENTED, seed: int = DEFAULT_SEED,
          permutations: int = 499, logistic_permutations: int = 99, mixed: str = "exclude",
          leave_out: str | None = "") -> Run:
    """The settings of a chapter, checked. Nothing is loaded until a table or figure asks for it."""
    source = str(partnerships)
    if not is_documented(source) and source != SIMULATED:
        path = Path(source).expanduser()
        if not path.exists() and source.startswith("documented"):
            raise ValueError(f"partnerships={source!r} is not an evidence set of the documented sample; use one of "
                             f"{', '.join(EVIDENCE_SETS)}, 'simulated' or the path of a partnership file")
        source = str(path.resolve())
    if int(permutations) < 1 or int(logistic_permutations) < 1:
        raise ValueError(f"permutations must be positive (got {permutations}, {logistic_permutations})")
    if mixed not in ("exclude", "include"):
        raise ValueError(f"mixed must be 'exclude' or 'include', not {mixed!r}")
    leave_out = str(leave_out or "")
    if leave_out:
        from lgnet.stats.propensity import BLOCKS

        if leave_out not in BLOCKS:
            raise ValueError(f"leave_out must be one of {sorted(BLOCKS)} or empty, not {leave_out!r}")
    return Run(int(year), source, int(seed), int(permutations), int(logistic_permutations), mixed, leave_out)


def source_of(run: Run, dataset: str | None = None) -> str:
    """The partnership source a table shows: the run's own, or ``dataset`` (e.g. "simulated") if given."""
    return run.partnerships if dataset is None else dataset


def label(run: Run, dataset: str | None = None) -> str:
    """A short label for a dataset of the run: 'documented sample', 'simulated stand-in' or the file name
    (``lgnet.book.runbook.dataset_label``, so rerun titles and table headers agree)."""
    from lgnet.book import runbook

    return runbook.dataset_label(source_of(run, dataset))


#: A dataset reaching at least the article's participation less this margin counts as (nearly) the whole network.
NEAR_WHOLE_MARGIN = 0.05

#: What a closing-table row can compare (the quantities of :meth:`Coverage.supports`).
QUANTITIES = ("totals", "participation", "median", "propensity", "propensity_r2", "selection")


@dataclass(frozen=True)
class Coverage:
    """How far the run's data reach, computed from the data: the one place that decides what they support.

    Every closing table (``Coverage.supports``), the dataset box and the coverage note
    (``lgnet.book.chapters.notes``) and chapter 5's reading draw on it."""

    simulated: bool
    councils: int
    councils_in_year: int
    participation: float
    degree_max: float
    degree_median: float
    degree_mean: float

    @property
    def near_whole(self) -> bool:
        """Close to the whole network: participation within ``NEAR_WHOLE_MARGIN`` of the article's."""
        from lgnet.book.chapters.display import ARTICLE

        return bool(self.participation >= ARTICLE["participation"]["value"] - NEAR_WHOLE_MARGIN)

    @property
    def tail_missing(self) -> bool:
        """No council comes near the article's most collaborative councils (most partnerships below half of its 33)."""
        from lgnet.book.chapters.display import ARTICLE

        return bool(not self.degree_max >= ARTICLE["degree_max"]["value"] / 2)

    @property
    def tail(self) -> str:
        """'at most 10 partnerships per council against the article's 33'."""
        from lgnet.book.chapters.display import ARTICLE, num

        return (f"at most {num(self.degree_max)} partnerships per council against the article's "
                f"{ARTICLE['degree_max']['value']}")

    @property
    def reach(self) -> str:
        """'341 (96.6%) of the 353 councils'."""
        from lgnet.book.chapters.display import pct

        return f"{self.councils} ({pct(self.participation)}) of the {self.councils_in_year} councils"

    def supports(self, quantity: str) -> tuple[bool, str]:
        """Whether a closing-table row about ``quantity`` can be set against the article, and the row's reason.

        totals: whole-network counts (partnerships, the most and the mean per council) need the whole network
        and its long tail; participation, median, propensity: a dataset close to the whole network (the
        propensity R² row carries a caveat when the tail is missing); selection: any real data (partner choice
        within a sample is real). Simulated data support none (their numbers were calibrated or planted).
        Returns (comparable, reason): the reason of 'not comparable', or a caveat for a comparable row ('')."""
        if quantity not in QUANTITIES:
            raise ValueError(f"quantity must be one of {QUANTITIES}, not {quantity!r}")
        if self.simulated:
            return False, ("simulated: effects planted by the simulator, not evidence" if quantity == "selection"
                           else "simulated: calibrated to the article, not evidence")
        if quantity == "selection":
            return True, ""
        if not self.near_whole:
            return False, (f"the data reach only {self.reach}, far from the whole network, so a council missing "
                           "from them may have arrangements nobody recorded")
        if quantity == "totals":
            return (False, f"the sample lacks the long tail ({self.tail}), so counts that depend on it (totals, "
                           "the most and the mean per council) undercount the network"
                    ) if self.tail_missing else (True, "")
        if quantity == "propensity_r2" and self.tail_missing:
            return True, (f"caveat: the sample lacks the long tail ({self.tail}), so this R² is measured over a "
                          "compressed range")
        return True, ""


def coverage(run: Run) -> Coverage:
    """The run's :class:`Coverage`, computed from its data (councils in at least one partnership, partnerships
    per participating council)."""
    from lgnet.book.chapters import data, notes  # the counts of the run's own data

    counts = notes.dataset_counts(run)
    deg = data.describe(run)["degree_participants"]

    def _f(key):
        v = deg.get(key)
        return float("nan") if v is None else float(v)

    return Coverage(bool(run.simulated), int(counts["councils"]), int(counts["councils_in_year"]),
                    float(counts["participation"]), _f("max"), _f("median"), _f("mean"))


def comparability(run: Run, quantity: str = "totals") -> tuple[bool, str]:
    """Whether a closing-table row about ``quantity`` is comparable with the article, and why not (or its
    caveat): :meth:`Coverage.supports` of the run's data."""
    return coverage(run).supports(quantity)
