"""Every table a chapter shows, also written as CSV during `lgnet run`.

Mechanism: ``lgnet run`` (``lgnet.book.runbook``) sets ``$LGNET_RESULTS_DIR`` to ``<run>/results/<chapter>``
in the environment of each chapter's kernel. When it is set, ``lgnet_helpers`` passes its namespace to
:func:`record_tables`, which wraps every public function so that a pandas DataFrame it returns (or the
data of a Styler) -- the table the reader sees -- is also written to ``<table>.csv`` in that folder, with a
line in ``index.jsonl`` (table, file, function, arguments, year, dataset, seed, permutations). The runbook
gathers the chapters' lines into ``<run>/results.json``. Without the variable nothing is wrapped (the book
build and the tests see the plain functions).
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any, Callable

import pandas as pd

RESULTS_ENV = "LGNET_RESULTS_DIR"
INDEX_FILE = "index.jsonl"


def _describe(value: Any) -> Any:
    """A JSON-friendly short form of an argument (the run object becomes its year and dataset)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_describe(v) for v in value]
    return type(value).__name__


def _run_of(args: tuple, kwargs: dict) -> Any:
    for value in (*args, *kwargs.values()):
        if hasattr(value, "year") and hasattr(value, "seed"):
            return value
    return None


def _dataset_shown(run, table: pd.DataFrame, kwargs: dict) -> str | None:
    """The dataset a table shows: the one asked for (``dataset="simulated"`` beside the run's own data), else
    the run's."""
    shown = kwargs.get("dataset")
    if shown:
        return str(shown)
    return str(getattr(run, "partnerships", getattr(run, "dataset", None))) if run is not None else None


class TableRecorder:
    """Writes the DataFrames returned by wrapped functions into one folder, one CSV each."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.counts: dict[str, int] = {}

    def record(self, function: str, table: pd.DataFrame, args: tuple, kwargs: dict) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        n = self.counts[function] = self.counts.get(function, 0) + 1
        name = function if n == 1 else f"{function}_{n}"
        path = self.folder / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}.csv"
        table.to_csv(path, index=not isinstance(table.index, pd.RangeIndex))
        run = _run_of(args, kwargs)
        entry = {
            "table": name,
            "file": path.name,
            "function": function,
            "arguments": {**{f"arg{i}": _describe(a) for i, a in enumerate(args) if a is not run},
                          **{k: _describe(v) for k, v in kwargs.items() if v is not run}},
            "rows": int(table.shape[0]),
            "year": getattr(run, "year", None),
            "dataset": _dataset_shown(run, table, kwargs),
            "seed": getattr(run, "seed", None),
            "permutations": getattr(run, "permutations", None),
        }
        with open(self.folder / INDEX_FILE, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, default=str) + "\n")
        return path

    def wrap(self, name: str, function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            value = function(*args, **kwargs)
            table = getattr(value, "data", None) if type(value).__name__ == "Styler" else value
            if isinstance(table, pd.DataFrame):
                self.record(name, table, args, kwargs)
            return value

        return wrapper


def record_tables(namespace: dict[str, Any], folder: str | os.PathLike | None = None) -> bool:
    """Wrap the public functions of ``namespace`` (a module's globals) when ``$LGNET_RESULTS_DIR`` (or
    ``folder``) is set; returns whether it did. Classes and non-callables are left alone."""
    import inspect

    folder = folder or os.environ.get(RESULTS_ENV, "").strip()
    if not folder:
        return False
    recorder = TableRecorder(folder)
    for name, value in list(namespace.items()):
        if name.startswith("_") or not inspect.isfunction(value):
            continue
        namespace[name] = recorder.wrap(name, value)
    return True


def read_index(folder: str | os.PathLike) -> list[dict]:
    """The lines of a chapter's ``index.jsonl`` (empty when the chapter returned no table)."""
    path = Path(folder) / INDEX_FILE
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
