"""Worked answers to the book's exercises, for teachers: one module per chapter, one small function per
exercise (``exercise_1(run)``, ...), each returning a hidden-by-default dropdown note computed from the run
where it quotes numbers. A notebook shows one with ``lg.answer(run, "propensity", 1)`` in a cell whose input
is removed; the tests run every answer on small settings, so they never drift from the data.

Answers that rerun a chapter with other settings (another dataset, a block left out, more permutations,
other planted effects) do so here, with the run's own year and seed.
"""

from __future__ import annotations

from importlib import import_module

from lgnet.book.chapters.notes import Note, admonition

#: Chapter keys and their modules (in book order).
CHAPTERS = ("background", "propensity", "selection", "subsets", "synthesis", "validation")


def note(number: int, body: str) -> Note:
    """The answer box: a dropdown admonition (closed until the reader opens it)."""
    return admonition(f"Answer to exercise {number} (for teachers)", body.strip(), "dropdown")


def exercises(chapter: str) -> list[int]:
    """The numbers of the exercises with answers in ``chapter``."""
    module = import_module(f"lgnet.book.answers.{chapter}")
    return sorted(int(n.split("_")[1]) for n in dir(module) if n.startswith("exercise_"))


def answer(run, chapter: str, number: int) -> Note:
    """The worked answer to exercise ``number`` of ``chapter`` (one of :data:`CHAPTERS`), for this run."""
    if chapter not in CHAPTERS:
        raise ValueError(f"chapter must be one of {', '.join(CHAPTERS)}, not {chapter!r}")
    module = import_module(f"lgnet.book.answers.{chapter}")
    fn = getattr(module, f"exercise_{int(number)}", None)
    if fn is None:
        raise ValueError(f"{chapter} has no answer to exercise {number} (it has {exercises(chapter)})")
    return note(int(number), fn(run))
