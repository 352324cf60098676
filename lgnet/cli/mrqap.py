"""`lgnet mrqap`: MRQAP (or logistic QAP) on your own matrices, as UCINET and R sna allow.

Each matrix is a square CSV file with the node labels in the first row and the first column.
Rows and columns are matched by label (any order; every matrix is reordered to the response's
row order). Undirected by default (each pair once; the matrices must be symmetric).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

from lgnet.data.errors import LgnetError


class MatrixFileError(LgnetError):
    """A matrix CSV that cannot be used (labels, shape or values)."""


def _label_list(labels, limit: int = 10) -> str:
    labels = list(labels)
    shown = ", ".join(repr(x) for x in labels[:limit])
    return shown + (f" ... ({len(labels)} in all)" if len(labels) > limit else "")


def read_matrix_csv(path: str | Path) -> pd.DataFrame:
    """A labelled square numeric matrix from CSV, columns reordered to the row order.

    Fast path: pandas' own CSV and numeric parsing (labels kept as text). Only when that finds a cell
    that is not a finite number, or labels that do not fit, does the slow path read every cell as text
    to say where. Raises MatrixFileError naming the file for: unreadable file, duplicate labels, row and
    column labels that differ, and cells that are empty or not numeric (with row label, column label, value).
    """
    path = Path(path)
    if not path.is_file():
        raise MatrixFileError(f"{path}: file not found")
    try:
        fast = pd.read_csv(path, index_col=0, dtype={0: str})  # labels (first column) stay text
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, IndexError):
        fast = None
    if fast is not None and fast.shape[0] == fast.shape[1] and fast.shape[1] > 0:
        fast.index = [str(x).strip() for x in fast.index]
        fast.columns = [str(x).strip() for x in fast.columns]
        if (all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in fast.dtypes)
                and fast.index.is_unique and fast.columns.is_unique and set(fast.index) == set(fast.columns)):
            values = fast.to_numpy(dtype=float)
            if np.isfinite(values).all():
                if not fast.columns.equals(fast.index):  # columns in another order than the rows
                    values = values[:, fast.columns.get_indexer(fast.index)]
                return pd.DataFrame(values, index=fast.index, columns=fast.index, copy=False)
    return _read_matrix_csv_slow(path)


def _read_matrix_csv_slow(path: Path) -> pd.DataFrame:
    """Every cell as text, checked one by one: the path that locates what is wrong in a matrix file."""
    try:
        raw = pd.read_csv(path, index_col=0, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise MatrixFileError(f"{path}: cannot read as CSV ({exc})") from None
    raw.index = [str(x).strip() for x in raw.index]
    raw.columns = [str(x).strip() for x in raw.columns]
    for what, labels in (("row", raw.index), ("column", raw.columns)):
        dup = pd.Index(labels)[pd.Index(labels).duplicated()].unique().tolist()
        if dup:
            raise MatrixFileError(f"{path}: duplicate {what} label(s) {_label_list(dup)}; each node must appear once")
    rows, cols = set(raw.index), set(raw.columns)
    if rows != cols or raw.shape[0] != raw.shape[1]:
        only_rows = [x for x in raw.index if x not in cols]
        only_cols = [x for x in raw.columns if x not in rows]
        msg = f"{path}: not a square matrix with the same labels on rows and columns ({raw.shape[0]} rows, {raw.shape[1]} columns)"
        if only_rows:
            msg += f"; row labels missing from the header: {_label_list(only_rows)}"
        if only_cols:
            msg += f"; column labels missing from the first column: {_label_list(only_cols)}"
        raise MatrixFileError(msg + ". Put the node labels in the first row and the first column.")
    raw = raw.loc[:, list(raw.index)]
    values = raw.apply(lambda col: pd.to_numeric(col.str.strip(), errors="coerce")).astype(float)
    bad = values.isna().to_numpy()
    if bad.any():
        i, j = np.argwhere(bad)[0]
        val = raw.iat[i, j]
        kind = "empty" if str(val).strip() == "" else "not numeric"
        raise MatrixFileError(
            f"{path}: cell at row {raw.index[i]!r}, column {raw.columns[j]!r} is {kind} (value {val!r}); "
            f"{int(bad.sum())} such cell(s) in all. Every cell must be a number (use 0 for no tie)."
        )
    if not np.isfinite(values.to_numpy()).all():
        i, j = np.argwhere(~np.isfinite(values.to_numpy()))[0]
        raise MatrixFileError(f"{path}: cell at row {raw.index[i]!r}, column {raw.columns[j]!r} is not finite "
                              f"({raw.iat[i, j]!r}); every cell must be a finite number")
    return values


def align(matrices: dict[str, tuple[Path, pd.DataFrame]], reference: str) -> dict[str, np.ndarray]:
    """Reorder every matrix to the reference's labels; MatrixFileError listing missing/extra labels."""
    ref_path, ref = matrices[reference]
    labels = list(ref.index)
    out = {}
    label_set = set(labels)
    for name, (path, df) in matrices.items():
        present = set(df.index)
        missing = [x for x in labels if x not in present]
        extra = [x for x in df.index if x not in label_set]
        if missing or extra:
            msg = f"{path}: node labels differ from the response {ref_path}"
            if missing:
                msg += f"; missing: {_label_list(missing)}"
            if extra:
                msg += f"; extra: {_label_list(extra)}"
            raise MatrixFileError(msg + ". All matrices must have the same nodes.")
        out[name] = df.loc[labels, labels].to_numpy(dtype=float)
    return out


def _parse_x(spec: str) -> tuple[str, Path]:
    name, sep, path = spec.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise LgnetError(f"--x {spec!r}: expected NAME=FILE.csv, e.g. --x distance=dist.csv")
    return name.strip(), Path(path.strip())


def run(args: argparse.Namespace) -> int:
    from lgnet.stats import qap

    xs_specs = [_parse_x(s) for s in args.x]
    names = [n for n, _ in xs_specs]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise LgnetError(f"predictor name(s) used more than once: {', '.join(dup)}; give each --x a unique NAME")
    if "y" in names:
        raise LgnetError("'y' is the response; choose another NAME for that --x")
    if args.permutations < 0:
        raise LgnetError(f"--permutations must be >= 0, got {args.permutations}")
    if args.seed < 0:
        raise LgnetError(f"--seed must be a non-negative whole number, got {args.seed}")
    mats = {"y": (Path(args.y), read_matrix_csv(args.y))}
    for name, path in xs_specs:
        mats[name] = (path, read_matrix_csv(path))
    arrays = align(mats, "y")
    y = arrays.pop("y")
    try:
        if args.logistic:
            res = qap.logistic_qap(y, arrays, permutations=args.permutations, seed=args.seed,
                                   directed=args.directed, quiet=args.quiet)
        else:
            res = qap.mrqap(y, arrays, permutations=args.permutations, seed=args.seed,
                            directed=args.directed, quiet=args.quiet, r2_test=args.r2_test)
    except ValueError as exc:
        raise LgnetError(_name_files(str(exc), mats)) from None
    print(res.summary())
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res.to_dict(), indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out}")
    return 0


def _name_files(message: str, mats: dict) -> str:
    """Add the file behind a predictor/response named in a lgnet.stats.qap message."""
    for name, (path, _) in mats.items():
        tag = "y (response)" if name == "y" else f"predictor {name!r}"
        if tag in message:
            message = message.replace(tag, f"{tag} [{path}]", 1)
    return message


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "mrqap",
        help="MRQAP (double semi-partialling) or logistic QAP on square CSV matrices",
        description=(
            "Regress a response matrix on predictor matrices over the dyads with QAP permutation p-values: "
            "OLS with double semi-partialling (Dekker, Krackhardt & Snijders 2007; R sna netlm qapspp), or "
            "with --logistic a logit on a 0/1 response with Y-permutation (sna netlogit qapy). Each CSV has "
            "node labels in the first row and first column; matrices are aligned by label."
        ),
    )
    p.add_argument("--y", required=True, metavar="Y.csv", help="response matrix")
    p.add_argument("--x", required=True, action="append", metavar="NAME=X.csv",
                   help="predictor matrix (repeat for each predictor)")
    p.add_argument("--permutations", type=int, default=2000, metavar="N", help="node permutations (default 2000)")
    p.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    p.add_argument("--directed", action="store_true",
                   help="use every ordered pair (default: undirected, each pair once; matrices must be symmetric)")
    p.add_argument("--logistic", action="store_true", help="logistic QAP for a 0/1 response (Y-permutation)")
    p.add_argument("--r2-test", action="store_true",
                   help="also test R² against its Y-permutation null (adds r_squared_p to the output; OLS only)")
    p.add_argument("--json", metavar="OUT", help="also write the result as JSON to OUT")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)
