"""`lgnet mrqap`: MRQAP (or logistic QAP) on your own matrices, as UCINET and R sna allow.

Each matrix is a square CSV file with the node labels in the first row and the first column.
Rows and columns are matched by label (any order; every matrix is reordered to the response's
row order). Undirected by default (each pair once; the matrices must be symmetric). The diagonal is never
used: its cells may be empty or '-'.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
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
    to say where. Raises MatrixFileError naming the file for: unreadable file (with what to do when it is
    ';'- or tab-separated, uses decimal commas or is UTF-16), duplicate labels, row and column labels that differ,
    and cells off the diagonal that are empty or not numeric (with row label, column label, value). The diagonal
    is never used by the model: empty, '-' or other non-numeric diagonal cells read as 0.
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
            # only once the check above failed: empty cells (NaN) on the diagonal alone are fine, the model
            # never uses the diagonal; anything else goes to the slow path, which says where
            if not fast.columns.equals(fast.index):
                values = values[:, fast.columns.get_indexer(fast.index)]
            diagonal = np.eye(values.shape[0], dtype=bool)
            if np.isfinite(values[~diagonal]).all():
                values = np.where(diagonal & ~np.isfinite(values), 0.0, values)  # values may be a read-only view
                return pd.DataFrame(values, index=fast.index, columns=fast.index, copy=False)
    return _read_matrix_csv_slow(path)


def _read_matrix_csv_slow(path: Path) -> pd.DataFrame:
    """Every cell as text, checked one by one: the path that locates what is wrong in a matrix file.

    Also says when the file is in another CSV dialect (';' or tab separated, decimal commas, UTF-16), and
    ignores the diagonal (never used by the model): an empty or non-numeric diagonal cell reads as 0.
    """
    dialect = _other_dialect(path)
    if dialect:
        raise MatrixFileError(f"{path}: {dialect}")
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
    arr = values.to_numpy()  # a view: the diagonal is set in place below
    diag = np.eye(arr.shape[0], dtype=bool)
    bad = np.isnan(arr) & ~diag  # the diagonal is never used: empty, '-' or text there is fine
    if bad.any():
        i, j = np.argwhere(bad)[0]
        val = raw.iat[i, j]
        kind = "empty" if str(val).strip() == "" else "not numeric"
        hint = " (a decimal comma? write it with '.')" if _DECIMAL_COMMA.fullmatch(str(val)) else ""
        raise MatrixFileError(
            f"{path}: cell at row {raw.index[i]!r}, column {raw.columns[j]!r} is {kind} (value {val!r}){hint}; "
            f"{int(bad.sum())} such cell(s) in all. Every cell off the diagonal must be a number (use 0 for no tie)."
        )
    infinite = ~np.isfinite(arr) & ~diag
    if infinite.any():
        i, j = np.argwhere(infinite)[0]
        raise MatrixFileError(f"{path}: cell at row {raw.index[i]!r}, column {raw.columns[j]!r} is not finite "
                              f"({raw.iat[i, j]!r}); every cell off the diagonal must be a finite number")
    if not np.isfinite(arr[diag]).all():
        values = pd.DataFrame(np.where(diag & ~np.isfinite(arr), 0.0, arr), index=values.index, columns=values.columns)
    return values


_DELIMITER_NAMES = {";": "';'", "\t": "tabs"}
_DECIMAL_COMMA = re.compile(r"\s*[-+]?\d*,\d+(?:[eE][-+]?\d+)?\s*")


def _split(lines: list[str], delim: str) -> list[list[str]]:
    return [[c.strip() for c in row] for row in csv.reader(lines, delimiter=delim)]


def _is_matrix(lines: list[str], delim: str) -> bool:
    """Whether the first lines, split at ``delim``, have one width (> 1) and row labels among the header's."""
    rows = _split(lines[:20], delim)
    return (len({len(r) for r in rows}) == 1 and len(rows[0]) > 1
            and all(r[0] in set(rows[0][1:]) for r in rows[1:]))


def _other_dialect(path: Path) -> str | None:
    """What to say when the file is not comma-separated text but ';'- or tab-separated (as Excel saves 'CSV'
    where the decimal mark is a comma, or 'Text (Tab delimited)'), or UTF-16 ('Unicode Text'); else None.
    Encoding and delimiter are found as for partnership files (lgnet.data.readers). Only the slow path calls
    this: valid files never pay for it."""
    from lgnet.data.readers import FileReadError, decode_text, sniff_delimiter

    try:
        text, encoding = decode_text(path.read_bytes(), str(path))
    except (OSError, FileReadError):
        return None
    if encoding.startswith("utf-16"):
        return ("the file is UTF-16 text (as Excel's 'Unicode Text' saves it); save it as 'CSV UTF-8 (Comma "
                "delimited)' instead: comma-separated, '.' decimals")
    lines = [ln for ln in text.splitlines() if ln.strip()][:200]
    delim = sniff_delimiter(text, path.suffix.lower(), str(path))
    if delim == "," and not _is_matrix(lines, ","):  # a matrix's own test: its row labels are its column labels
        delim = next((d for d in _DELIMITER_NAMES if _is_matrix(lines, d)), delim)  # ("Smith, A;0;1,5")
    if delim not in _DELIMITER_NAMES:
        return None
    rows = _split(lines, delim)
    decimal = next(((r[0], rows[0][k], c) for r in rows[1:] for k, c in enumerate(r[1:], start=1)
                    if k < len(rows[0]) and _DECIMAL_COMMA.fullmatch(c)), None)
    what = f"the file seems to be separated by {_DELIMITER_NAMES[delim]}, not commas"
    if decimal:
        what += f", and to use decimal commas (e.g. {decimal[2]!r} at row {decimal[0]!r}, column {decimal[1]!r})"
    sep = "'\\t'" if delim == "\t" else repr(delim)
    convert = f"pandas.read_csv(FILE, sep={sep}" + (", decimal=','" if decimal else "") + ", index_col=0).to_csv(NEW)"
    return (what + ". Save it as comma-separated CSV with '.' decimals (in Excel: File > Options > Advanced, "
            "untick 'Use system separators', set the decimal separator to '.', then Save As 'CSV UTF-8 (Comma "
            f"delimited)'), or convert it, e.g. {convert}")


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
    labels = list(mats["y"][1].index)  # the rows and columns of every aligned array
    try:
        if args.logistic:
            res = qap.logistic_qap(y, arrays, permutations=args.permutations, seed=args.seed,
                                   directed=args.directed, quiet=args.quiet)
        else:
            res = qap.mrqap(y, arrays, permutations=args.permutations, seed=args.seed,
                            directed=args.directed, quiet=args.quiet, r2_test=args.r2_test)
    except qap.AsymmetricError as exc:  # qap knows the cells by index; here they are named by node label
        ri, cj = labels[exc.i], labels[exc.j]
        raise LgnetError(_name_files(
            f"{exc.matrix}: not symmetric: row {ri!r}, column {cj!r} is {exc.a_ij!r} but row {cj!r}, column {ri!r} "
            f"is {exc.a_ji!r} ({exc.pairs} pair{'s' if exc.pairs > 1 else ''} of cells differ"
            f"{'s' if exc.pairs == 1 else ''} in all). An undirected analysis (the default) uses each pair once, so "
            "the two cells must be equal: correct the file, or pass --directed if the network is directed.",
            mats)) from None
    except ValueError as exc:
        raise LgnetError(_name_files(str(exc), mats)) from None
    print(res.summary())
    if args.json:
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(_strict_json(res.to_dict()), indent=2, allow_nan=False) + "\n", encoding="utf-8")
        print(f"wrote {out}")
    return 0


def _strict_json(value):
    """NaN and infinities as null (JSON has no NaN: e.g. the p-values of --permutations 0)."""
    if isinstance(value, dict):
        return {k: _strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict_json(v) for v in value]
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


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
