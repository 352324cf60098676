"""The results index names the dataset each table shows: a table of the simulated stand-in, drawn beside the
run's own data, is indexed as simulated, not as the run's dataset."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd

from lgnet.book.results_out import INDEX_FILE, TableRecorder


def test_each_table_is_indexed_with_the_dataset_it_shows(tmp_path):
    run = SimpleNamespace(year=2017, partnerships="my_list.xlsx", seed=1, permutations=19)
    rec = TableRecorder(tmp_path)
    table = pd.DataFrame({"a": [1]})
    summary = rec.wrap("propensity_summary", lambda run, dataset=None: table)
    summary(run)
    summary(run, dataset="simulated")
    entries = [json.loads(line) for line in (tmp_path / INDEX_FILE).read_text().splitlines()]
    assert [e["dataset"] for e in entries] == ["my_list.xlsx", "simulated"]
    assert [e["table"] for e in entries] == ["propensity_summary", "propensity_summary_2"]
