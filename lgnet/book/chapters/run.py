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


def comparability(run: Run) -> str:
    """What the run's whole-network numbers can be compared with (the note of the closing tables)."""
    if run.simulated:
        return "simulated: calibrated to the article, not evidence"
    if is_documented(run.partnerships):
        from lgnet.book.chapters import data, notes  # the counts of the run's own data

        counts = notes.dataset_counts(run)
        top = data.describe(run)["degree_participants"].get("max")
        return (f"real sample: {notes.pct(counts['participation'])} of councils, at most {notes.num(top)} "
                f"partnerships per council (article: {notes.ARTICLE['degree_max']['value']})")
    return "comparable only if the file is the whole network"
