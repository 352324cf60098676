"""`lgnet mrqap`: messages for files saved in another CSV dialect, asymmetric matrices named by node label,
blank diagonals, and a JSON output that holds everything the console table shows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lgnet.cli import mrqap as cli_mrqap
from lgnet.cli.entry import main
from lgnet.stats import qap

LABELS = [f"n{i}" for i in range(8)]


def _sym(M):
    M = (M + M.T) / 2
    np.fill_diagonal(M, 0)
    return M


def _matrices(n=8, seed=4):
    rng = np.random.default_rng(seed)
    a = _sym(rng.normal(size=(n, n)))
    y = _sym(a + rng.normal(size=(n, n)))
    return y, a


def _write(path: Path, M, labels=LABELS) -> Path:
    pd.DataFrame(M, index=labels, columns=labels).to_csv(path, index_label="node")
    return path


def _run_err(capsys, args) -> str:
    rc = main(["mrqap", *args, "--permutations", "10", "--quiet"])
    captured = capsys.readouterr()
    assert rc == 2
    assert "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1, captured.err
    return captured.err


# ---------------------------------------------------------------------------------------------
# 1. a file separated by ';' (European Excel) or by tabs
# ---------------------------------------------------------------------------------------------
def test_semicolon_file_with_decimal_commas_is_recognised(tmp_path):
    path = tmp_path / "euro.csv"
    path.write_text("id;a;b\na;0;0,5\nb;0,5;0\n", encoding="utf-8")
    with pytest.raises(cli_mrqap.MatrixFileError) as info:
        cli_mrqap.read_matrix_csv(path)
    msg = str(info.value)
    assert "euro.csv" in msg and "separated by ';'" in msg
    assert "decimal comma" in msg and "'0,5'" in msg
    assert "comma-separated" in msg and "'.'" in msg
    assert "Could not construct index" not in msg and "not a square matrix" not in msg


@pytest.mark.parametrize("name, text, encoding, says", [
    ("euro.csv", "id;a;b;c\na;0;1;2\nb;1;0;3\nc;2;3;0\n", "utf-8", "separated by ';'"),
    ("tabs.csv", "id\ta\tb\na\t0\t0.5\nb\t0.5\t0\n", "utf-8", "separated by tabs"),
    ("unicode.csv", "id\ta\tb\na\t0\t1\nb\t1\t0\n", "utf-16", "the file is UTF-16"),
    ("bare16.csv", "id,a,b\na,0,1\nb,1,0\n", "utf-16-le", "the file is UTF-16"),  # no byte-order mark
])
def test_other_dialects_without_decimal_commas_are_named_with_the_fix(tmp_path, name, text, encoding, says):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    with pytest.raises(cli_mrqap.MatrixFileError) as info:
        cli_mrqap.read_matrix_csv(path)
    msg = str(info.value)
    assert name in msg and says in msg and "comma-separated" in msg
    assert "decimal comma" not in msg


def test_semicolon_file_with_commas_in_labels_is_recognised(tmp_path):
    path = tmp_path / "euro.csv"
    path.write_text("id;Smith, A;Jones, B\nSmith, A;0;1,5\nJones, B;1,5;0\n", encoding="utf-8")
    with pytest.raises(cli_mrqap.MatrixFileError, match=r"separated by ';'.*decimal comma"):
        cli_mrqap.read_matrix_csv(path)


def test_semicolon_file_through_the_command_is_one_line_exit_2(tmp_path, capsys):
    y, a = _matrices()
    _write(tmp_path / "a.csv", a)
    (tmp_path / "y.csv").write_text(
        pd.DataFrame(y, index=LABELS, columns=LABELS).to_csv(sep=";", decimal=",", index_label="node"),
        encoding="utf-8")
    err = _run_err(capsys, ["--y", str(tmp_path / "y.csv"), "--x", f"a={tmp_path / 'a.csv'}"])
    assert "y.csv" in err and "separated by ';'" in err and "decimal comma" in err


def test_comma_file_with_a_bad_cell_is_not_taken_for_another_dialect(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,a,b\na,0,x;y\nb,1,0\n", encoding="utf-8")
    with pytest.raises(cli_mrqap.MatrixFileError, match=r"row 'a', column 'b' is not numeric"):
        cli_mrqap.read_matrix_csv(path)


# ---------------------------------------------------------------------------------------------
# 2. an asymmetric matrix (undirected analysis): node labels and both values
# ---------------------------------------------------------------------------------------------
def test_asymmetric_predictor_names_labels_values_and_directed(tmp_path, capsys):
    y, a = _matrices()
    a = a.copy()
    a[2, 5] = 7.25
    a[5, 2] = -1.5
    _write(tmp_path / "y.csv", y)
    _write(tmp_path / "a.csv", a)
    err = _run_err(capsys, ["--y", str(tmp_path / "y.csv"), "--x", f"dist={tmp_path / 'a.csv'}"])
    assert "a.csv" in err and "'dist'" in err and "not symmetric" in err
    assert "row 'n2', column 'n5'" in err and "row 'n5', column 'n2'" in err
    assert "7.25" in err and "-1.5" in err
    assert "--directed" in err
    assert "[2, 5]" not in err and "directed=True" not in err


def test_asymmetric_response_in_another_node_order_names_its_own_labels(tmp_path, capsys):
    y, a = _matrices()
    y = y.copy()
    y[1, 6] += 3
    order = [7, 6, 5, 4, 3, 2, 1, 0]  # the response written in reverse node order
    _write(tmp_path / "y.csv", y[np.ix_(order, order)], [LABELS[i] for i in order])
    _write(tmp_path / "a.csv", a)
    err = _run_err(capsys, ["--y", str(tmp_path / "y.csv"), "--x", f"a={tmp_path / 'a.csv'}"])
    assert "y.csv" in err and "response" in err and "not symmetric" in err
    assert {"'n1'", "'n6'"} <= {w.strip(",;") for w in err.split()}
    assert "1 pair" in err


def test_asymmetric_matrix_is_fine_with_directed(tmp_path, capsys):
    y, a = _matrices()
    a = a.copy()
    a[2, 5] += 1
    _write(tmp_path / "y.csv", y)
    _write(tmp_path / "a.csv", a)
    rc = main(["mrqap", "--y", str(tmp_path / "y.csv"), "--x", f"a={tmp_path / 'a.csv'}", "--directed",
               "--permutations", "5", "--quiet"])
    assert rc == 0


def test_library_message_stays_generic():
    y, a = _matrices()
    a = a.copy()
    a[2, 5] += 1
    with pytest.raises(ValueError, match=r"predictor 'a'.*not symmetric.*directed=True"):
        qap.mrqap(y, {"a": a}, permutations=0)


# ---------------------------------------------------------------------------------------------
# 3. a blank or '-' diagonal is ignored, as the model ignores the diagonal
# ---------------------------------------------------------------------------------------------
def _with_diagonal(M, value, labels=LABELS) -> str:
    df = pd.DataFrame(M, index=labels, columns=labels).astype(object)
    for lab in labels:
        df.loc[lab, lab] = value
    return df.to_csv(index_label="node")


@pytest.mark.parametrize("diag", ["", "-", "NA", "x"])
def test_blank_or_dash_diagonal_reads_as_zero(tmp_path, diag):
    _, a = _matrices()
    (tmp_path / "a.csv").write_text(_with_diagonal(a, diag), encoding="utf-8")
    got = cli_mrqap.read_matrix_csv(tmp_path / "a.csv")
    assert list(got.index) == LABELS and list(got.columns) == LABELS
    np.testing.assert_array_equal(np.diag(got.to_numpy()), 0.0)
    np.testing.assert_allclose(got.to_numpy(), a, rtol=1e-15)


@pytest.mark.parametrize("diag", ["", "-"])
def test_blank_or_dash_diagonal_gives_the_same_result_as_zero(tmp_path, capsys, diag):
    y, a = _matrices()
    _write(tmp_path / "y0.csv", y)
    _write(tmp_path / "a0.csv", a)
    (tmp_path / "y.csv").write_text(_with_diagonal(y, diag), encoding="utf-8")
    (tmp_path / "a.csv").write_text(_with_diagonal(a, diag), encoding="utf-8")
    outs = []
    for ycsv, acsv, out in (("y0.csv", "a0.csv", "zero.json"), ("y.csv", "a.csv", "blank.json")):
        rc = main(["mrqap", "--y", str(tmp_path / ycsv), "--x", f"a={tmp_path / acsv}", "--permutations", "50",
                   "--seed", "2", "--json", str(tmp_path / out), "--quiet"])
        assert rc == 0
        outs.append(json.loads((tmp_path / out).read_text()))
    capsys.readouterr()
    assert outs[0] == outs[1]


def test_bad_cell_off_the_diagonal_is_still_an_error(tmp_path):
    _, a = _matrices()
    df = pd.DataFrame(a, index=LABELS, columns=LABELS).astype(object)
    for lab in LABELS:
        df.loc[lab, lab] = "-"
    df.loc["n3", "n4"] = "-"
    df.to_csv(tmp_path / "a.csv", index_label="node")
    with pytest.raises(cli_mrqap.MatrixFileError, match=r"row 'n3', column 'n4' is not numeric \(value '-'\); "
                                                        r"1 such cell"):
        cli_mrqap.read_matrix_csv(tmp_path / "a.csv")


def test_valid_file_with_zero_diagonal_still_takes_the_fast_path(tmp_path, monkeypatch):
    _, a = _matrices()
    _write(tmp_path / "a.csv", a)
    monkeypatch.setattr(cli_mrqap, "_read_matrix_csv_slow", lambda p: pytest.fail("slow path used"))
    np.testing.assert_array_equal(cli_mrqap.read_matrix_csv(tmp_path / "a.csv").to_numpy(), a)


# ---------------------------------------------------------------------------------------------
# 4. --json holds what the console table shows
# ---------------------------------------------------------------------------------------------
def test_json_has_the_whole_table_and_the_settings(tmp_path, capsys):
    y, a = _matrices()
    _write(tmp_path / "y.csv", y)
    _write(tmp_path / "a.csv", a)
    out = tmp_path / "res.json"
    assert main(["mrqap", "--y", str(tmp_path / "y.csv"), "--x", f"a={tmp_path / 'a.csv'}", "--permutations",
                 "40", "--seed", "7", "--json", str(out), "--quiet"]) == 0
    capsys.readouterr()
    d = json.loads(out.read_text())
    ref = qap.mrqap(y, {"a": a}, permutations=40, seed=7)
    assert d["r_squared"] == pytest.approx(ref.r_squared) and d["adj_r_squared"] == pytest.approx(ref.adj_r_squared)
    assert d["n_nodes"] == 8 and d["n_dyads"] == 28 and d["permutations"] == 40 and d["seed"] == 7
    assert d["method"] == "dsp" and d["include_observed"] is True
    table = ref.table()
    assert [c["term"] for c in d["coefficients"]] == list(table["term"])
    for c, (_, row) in zip(d["coefficients"], table.iterrows()):
        assert c["estimate"] == pytest.approx(row["estimate"])
        assert c["std_error"] == pytest.approx(row["std_error"])
        assert c["statistic"] == pytest.approx(row["t"])
        assert c["p_value"] == pytest.approx(row["p_value"])
        assert c["p_classical"] == pytest.approx(row["p_classical"])


def test_logistic_json_has_z_and_classical_p(tmp_path, capsys):
    rng = np.random.default_rng(3)
    n = 14
    labels = [f"v{i}" for i in range(n)]
    a = _sym(rng.normal(size=(n, n)))
    y = (_sym(a + rng.normal(size=(n, n))) > 0.3).astype(float)
    np.fill_diagonal(y, 0)
    _write(tmp_path / "y.csv", y, labels)
    _write(tmp_path / "a.csv", a, labels)
    out = tmp_path / "res.json"
    assert main(["mrqap", "--logistic", "--y", str(tmp_path / "y.csv"), "--x", f"a={tmp_path / 'a.csv'}",
                 "--permutations", "20", "--json", str(out), "--quiet"]) == 0
    capsys.readouterr()
    d = json.loads(out.read_text())
    ref = qap.logistic_qap(y, {"a": a}, permutations=20)
    assert d["method"] == "y" and d["n_nodes"] == n and d["include_observed"] is True
    assert {"null_deviance", "deviance", "failed_permutations"} <= set(d)
    for c, (_, row) in zip(d["coefficients"], ref.table().iterrows()):
        assert c["statistic"] == pytest.approx(row["z"])
        assert c["std_error"] == pytest.approx(row["std_error"])
        assert c["p_classical"] == pytest.approx(row["p_classical"])


def test_empty_diagonal_alone_does_not_need_the_slow_path(tmp_path, monkeypatch):
    """Empty diagonal cells parse as NaN on the fast path; NaN on the diagonal alone is accepted there."""
    _, a = _matrices()
    (tmp_path / "a.csv").write_text(_with_diagonal(a, ""), encoding="utf-8")
    monkeypatch.setattr(cli_mrqap, "_read_matrix_csv_slow", lambda p: pytest.fail("slow path used"))
    np.testing.assert_array_equal(cli_mrqap.read_matrix_csv(tmp_path / "a.csv").to_numpy(), a)


def test_empty_cell_off_the_diagonal_with_an_empty_diagonal_is_located(tmp_path):
    _, a = _matrices()
    df = pd.DataFrame(a, index=LABELS, columns=LABELS).astype(object)
    for lab in LABELS:
        df.loc[lab, lab] = ""
    df.loc["n6", "n1"] = ""
    df.to_csv(tmp_path / "a.csv", index_label="node")
    with pytest.raises(cli_mrqap.MatrixFileError, match=r"row 'n6', column 'n1' is empty.*1 such cell"):
        cli_mrqap.read_matrix_csv(tmp_path / "a.csv")


def test_quoted_decimal_comma_in_a_comma_file_gets_a_hint(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text('id,a,b\na,0,"0,5"\nb,0.5,0\n', encoding="utf-8")
    with pytest.raises(cli_mrqap.MatrixFileError, match=r"row 'a', column 'b' is not numeric \(value '0,5'\) "
                                                        r"\(a decimal comma\? write it with '\.'\)"):
        cli_mrqap.read_matrix_csv(path)


def test_json_without_permutations_is_strict_json(tmp_path, capsys):
    """--permutations 0 leaves the permutation p-values undefined: null in the JSON, never NaN."""
    import json

    y, a = _matrices()
    _write(tmp_path / "y.csv", y)
    _write(tmp_path / "x.csv", a)
    out = tmp_path / "r.json"
    rc = main(["mrqap", "--y", str(tmp_path / "y.csv"), "--x", f"x={tmp_path / 'x.csv'}", "--permutations", "0",
               "--quiet", "--json", str(out)])
    assert rc == 0
    text = out.read_text()
    assert "NaN" not in text
    json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
