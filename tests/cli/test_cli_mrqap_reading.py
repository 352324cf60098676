"""`lgnet mrqap` reads matrix CSVs with pandas' numeric parsing; the per-cell path only locates errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lgnet.cli import mrqap as cli_mrqap


def _write(path, M, labels):
    pd.DataFrame(M, index=labels, columns=labels).to_csv(path)
    return path


def test_valid_file_never_takes_the_slow_path(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    labels = [f"0{i}" for i in range(1, 9)]  # labels that look like numbers stay text ("01", not 1)
    M = rng.normal(size=(8, 8))
    path = _write(tmp_path / "m.csv", M, labels)
    monkeypatch.setattr(cli_mrqap, "_read_matrix_csv_slow", lambda p: pytest.fail("slow path used"))
    got = cli_mrqap.read_matrix_csv(path)
    assert list(got.index) == labels and list(got.columns) == labels
    assert np.array_equal(got.to_numpy(), M)


def test_columns_in_another_order_are_reordered(tmp_path):
    labels = ["a", "b", "c"]
    M = np.arange(9.0).reshape(3, 3)
    df = pd.DataFrame(M, index=labels, columns=labels)[["c", "a", "b"]]
    df.to_csv(tmp_path / "m.csv")
    got = cli_mrqap.read_matrix_csv(tmp_path / "m.csv")
    assert np.array_equal(got.to_numpy(), M)


@pytest.mark.parametrize("value, kind", [("", "empty"), ("x", "not numeric"), ("NA", "not numeric"),
                                         ("inf", "not finite"), ("TRUE", "not numeric")])
def test_a_bad_cell_is_located_by_the_slow_path(tmp_path, value, kind):
    labels = ["a", "b", "c"]
    df = pd.DataFrame(np.ones((3, 3)), index=labels, columns=labels).astype(object)
    df.loc["b", "c"] = value
    df.to_csv(tmp_path / "m.csv")
    with pytest.raises(cli_mrqap.MatrixFileError, match=rf"row 'b', column 'c' is {kind}"):
        cli_mrqap.read_matrix_csv(tmp_path / "m.csv")


def test_spaces_after_the_commas_are_read_on_the_fast_path(tmp_path, monkeypatch):
    """A hand-written file ("a, b" and " 0.5") is read with pandas' parsing, labels stripped."""
    (tmp_path / "m.csv").write_text("id, a, b, c\n a, 0, 0.5, 2\n b, 0.5 ,0, 1e-3\n c, 2, 0.001, 0\n")
    monkeypatch.setattr(cli_mrqap, "_read_matrix_csv_slow", lambda p: pytest.fail("slow path used"))
    got = cli_mrqap.read_matrix_csv(tmp_path / "m.csv")
    assert list(got.index) == ["a", "b", "c"] and list(got.columns) == ["a", "b", "c"]
    assert np.array_equal(got.to_numpy(), [[0, 0.5, 2], [0.5, 0, 0.001], [2, 0.001, 0]])
