"""`lgnet mrqap` through lgnet.cli.entry.main: CSV reading, label alignment, output and error messages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lgnet.stats import qap
from lgnet.cli.entry import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "qap"


def _write(path: Path, M: np.ndarray, labels) -> Path:
    pd.DataFrame(M, index=labels, columns=labels).to_csv(path, index_label="node")
    return path


def _matrices(n=12, seed=0):
    rng = np.random.default_rng(seed)

    def sym(M):
        M = (M + M.T) / 2
        np.fill_diagonal(M, 0)
        return M

    a = sym(rng.normal(size=(n, n)))
    b = sym((rng.random((n, n)) < 0.4).astype(float))
    y = sym(a + rng.normal(size=(n, n)))
    return y, a, b


def test_cli_matches_api_and_writes_json(tmp_path, capsys):
    y, a, b = _matrices()
    labels = [f"node {i}" for i in range(12)]
    _write(tmp_path / "y.csv", y, labels)
    # predictor files in another node order: the command must realign them by label
    order = np.random.default_rng(1).permutation(12)
    _write(tmp_path / "a.csv", a[np.ix_(order, order)], [labels[i] for i in order])
    _write(tmp_path / "b.csv", b, labels)
    out = tmp_path / "out" / "res.json"
    rc = main(["mrqap", "--y", str(tmp_path / "y.csv"), "--x", f"dist={tmp_path / 'a.csv'}",
               "--x", f"same={tmp_path / 'b.csv'}", "--permutations", "200", "--seed", "3",
               "--json", str(out), "--quiet"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "(intercept)" in printed and "dist" in printed and "R²" in printed
    d = json.loads(out.read_text())
    assert list(d) == ["r_squared", "adj_r_squared", "n_nodes", "n_dyads", "permutations", "seed", "method", "model",
                       "directed", "include_observed", "statistic", "coefficients"]
    ref = qap.mrqap(y, {"dist": a, "same": b}, permutations=200, seed=3).to_dict()
    assert d == json.loads(json.dumps(ref))
    assert d["n_dyads"] == 66 and d["permutations"] == 200 and d["seed"] == 3


def test_cli_on_r_fixture_reproduces_r_coefficients(tmp_path):
    folder = FIXTURES / "ols_directed_n15"
    ref = json.loads((folder / "r_result.json").read_text())
    out = tmp_path / "r.json"
    args = ["mrqap", "--y", str(folder / "y.csv"), "--directed", "--permutations", "50", "--json", str(out), "--quiet"]
    for name in ref["predictors"]:
        args += ["--x", f"{name}={folder / (name + '.csv')}"]
    assert main(args) == 0
    got = [c["estimate"] for c in json.loads(out.read_text())["coefficients"]]
    np.testing.assert_allclose(got, ref["fits"]["qapspp"]["coefficients"], rtol=1e-9)


def test_cli_logistic_json_has_deviances(tmp_path):
    folder = FIXTURES / "logit_undirected_n30"
    ref = json.loads((folder / "r_result.json").read_text())
    out = tmp_path / "l.json"
    args = ["mrqap", "--logistic", "--y", str(folder / "y.csv"), "--permutations", "50", "--json", str(out), "--quiet"]
    for name in ref["predictors"]:
        args += ["--x", f"{name}={folder / (name + '.csv')}"]
    assert main(args) == 0
    d = json.loads(out.read_text())
    assert "r_squared" not in d and {"null_deviance", "deviance"} <= set(d)
    assert d["deviance"] == pytest.approx(ref["fits"]["qapy"]["deviance"], rel=1e-8)


LABELS = [f"n{i}" for i in range(12)]


def _response_file(tmp_path: Path) -> tuple[Path, np.ndarray]:
    """y.csv over LABELS in tmp_path, and the predictor ``a`` drawn with it (for the error cases)."""
    y, a, _ = _matrices()
    return _write(tmp_path / "y.csv", y, LABELS), a


def _args(y_csv: Path, a_csv: Path) -> list[str]:
    return ["--y", str(y_csv), "--x", f"a={a_csv}"]


def _run_err(capsys, args):
    rc = main(["mrqap", *args, "--permutations", "10", "--quiet"])
    err = capsys.readouterr().err
    assert rc == 2
    return err


def test_cli_error_labels_differ(tmp_path, capsys):
    y_csv, a = _response_file(tmp_path)
    other = LABELS[:-1] + ["stranger"]
    _write(tmp_path / "a.csv", a, other)
    err = _run_err(capsys, _args(y_csv, tmp_path / "a.csv"))
    assert "a.csv" in err and "missing: 'n11'" in err and "extra: 'stranger'" in err


def test_cli_error_not_square(tmp_path, capsys):
    y_csv, a = _response_file(tmp_path)
    pd.DataFrame(a[:, :11], index=LABELS, columns=LABELS[:11]).to_csv(tmp_path / "a.csv", index_label="node")
    err = _run_err(capsys, _args(y_csv, tmp_path / "a.csv"))
    assert "a.csv" in err and "not a square matrix" in err and "'n11'" in err


def test_cli_error_not_numeric(tmp_path, capsys):
    y_csv, a = _response_file(tmp_path)
    df = pd.DataFrame(a, index=LABELS, columns=LABELS).astype(object)
    df.iloc[3, 5] = "high"
    df.to_csv(tmp_path / "a.csv", index_label="node")
    err = _run_err(capsys, _args(y_csv, tmp_path / "a.csv"))
    assert "a.csv" in err and "row 'n3', column 'n5'" in err and "'high'" in err


def test_cli_error_empty_cell_and_missing_file(tmp_path, capsys):
    y_csv, a = _response_file(tmp_path)
    df = pd.DataFrame(a, index=LABELS, columns=LABELS).astype(object)
    df.iloc[0, 1] = ""
    df.to_csv(tmp_path / "a.csv", index_label="node")
    err = _run_err(capsys, _args(y_csv, tmp_path / "a.csv"))
    assert "row 'n0', column 'n1' is empty" in err
    err = _run_err(capsys, _args(tmp_path / "nope.csv", tmp_path / "a.csv"))
    assert "nope.csv: file not found" in err


def test_cli_error_asymmetric_names_file_and_suggests_directed(tmp_path, capsys):
    y_csv, a = _response_file(tmp_path)
    a = a.copy()
    a[0, 1] += 1
    _write(tmp_path / "a.csv", a, LABELS)
    err = _run_err(capsys, _args(y_csv, tmp_path / "a.csv"))
    assert "a.csv" in err and "not symmetric" in err and "--directed" in err


def test_cli_error_bad_x_spec_and_duplicate_names(tmp_path, capsys):
    y_csv, a = _response_file(tmp_path)
    _write(tmp_path / "a.csv", a, LABELS)
    err = _run_err(capsys, ["--y", str(y_csv), "--x", str(tmp_path / "a.csv")])
    assert "NAME=FILE.csv" in err
    err = _run_err(capsys, [*_args(y_csv, tmp_path / "a.csv"), "--x", f"a={tmp_path / 'a.csv'}"])
    assert "more than once" in err


def test_cli_error_logistic_needs_binary(tmp_path, capsys):
    y_csv, a = _response_file(tmp_path)
    _write(tmp_path / "a.csv", a, LABELS)
    err = _run_err(capsys, ["--logistic", *_args(y_csv, tmp_path / "a.csv")])
    assert "0/1" in err and "y.csv" in err


def test_cli_error_negative_seed_and_permutations_name_the_option(tmp_path, capsys):
    y_csv, a = _response_file(tmp_path)
    _write(tmp_path / "a.csv", a, LABELS)
    err = _run_err(capsys, [*_args(y_csv, tmp_path / "a.csv"), "--seed", "-1"])
    assert "--seed" in err and "-1" in err
    rc = main(["mrqap", *_args(y_csv, tmp_path / "a.csv"), "--permutations", "-5", "--quiet"])
    assert rc == 2 and "--permutations" in capsys.readouterr().err


def test_cli_r2_test_adds_the_r_squared_p(tmp_path, capsys):
    y, a, b = _matrices()
    labels = [f"node {i}" for i in range(12)]
    for name, M in (("y", y), ("a", a), ("b", b)):
        _write(tmp_path / f"{name}.csv", M, labels)
    out = tmp_path / "res.json"
    rc = main(["mrqap", "--y", str(tmp_path / "y.csv"), "--x", f"a={tmp_path / 'a.csv'}", "--x",
               f"b={tmp_path / 'b.csv'}", "--permutations", "99", "--seed", "3", "--r2-test", "--json", str(out),
               "--quiet"])
    assert rc == 0
    assert "R² permutation p (Y-permutation)" in capsys.readouterr().out
    d = json.loads(out.read_text())
    ref = qap.mrqap(y, {"a": a, "b": b}, permutations=99, seed=3, r2_test=True)
    assert d["r_squared_p"] == pytest.approx(ref.r_squared_p) and d["r_squared_p"] >= 1 / 100
