"""How every table of the book is shown: one styling function, :func:`book_table`.

A chapter function returns a plain pandas DataFrame (tests and analysts use it as data). When a notebook
displays one, :func:`register` (called by ``lgnet_helpers`` on import, inside IPython only) makes IPython add a
``text/markdown`` rendering made by :func:`book_table`; the book prefers it to pandas' HTML
(``nb_mime_priority_overrides`` in ``_config.yml``). The Markdown is a MyST ``{list-table}`` with a caption and a
``:name:``, so Sphinx numbers it like a figure ("Table 2.1") and the text can refer to it with
``{numref}`tbl-propensity-summary```. What the styling does:

- the index becomes ordinary columns (no empty header row), column and row names become human labels
  (data dictionary labels, dyadic term labels, ``party_control[LAB]`` -> "Party control: Labour");
- missing values are shown as "–" with a note under the table saying why;
- floats are rounded to what they mean (three significant figures, never "0.000" for a non-zero value);
- the caption comes from ``df.attrs["caption"]`` or :data:`CAPTIONS` (by the chapter function's name, which
  ``lgnet_helpers`` records in ``df.attrs["table"]``); notes (``attrs["note"]``, ``attrs["source"]`` ...) and
  explanations of specialist column names (:data:`COLUMN_NOTES`) go under the table.

Wide tables scroll inside their own box and long cells wrap: the CSS is ``_static/lgnet.css``.
"""

from __future__ import annotations

import math
import re

import pandas as pd

#: Captions by chapter function (the table's ``attrs["table"]``). "{dataset}" is filled with the dataset label.
CAPTIONS = {
    "council_counts": "Councils by type in the dataset year, and how many belong to at least one partnership.",
    "overview_table": "The partnership dataset of this page beside the simulated stand-in and the article.",
    "nature_table": "Partnerships by nature (frontline, administrative, mixed).",
    "degree_table": "Partnerships per council: summary of the degree distribution.",
    "top_councils": "The councils with the most partnerships in this dataset.",
    "propensity_variables": "The variables of each block of the propensity models.",
    "propensity_summary": "Variance in partnerships per council explained by each block ({dataset}).",
    "propensity_coefficients": "Coefficients of the combined propensity model.",
    "propensity_factors": "Joint tests of the factors with several levels.",
    "propensity_count_model": "Negative binomial check of the combined propensity model.",
    "ei_table": "E–I index of the co-membership network by attribute, with permutation p-values.",
    "proximity_table": "Ties within regions and counties: observed and expected from proximity alone.",
    "partner_r2": "Variance in partner selection explained by each MRQAP model.",
    "partner_coefficients": "Coefficients of the partner-selection models (MRQAP, double semi-partialling).",
    "politics_region_table": "Political homophily with and without the regional control.",
    "logistic_table": "Logistic QAP of the binary network (robustness check).",
    "subset_overview": "The frontline and administrative subsets of the network.",
    "subset_r2": "Variance in partner selection explained in each activity subset.",
    "subset_coefficients": "Partner-selection coefficients in each activity subset.",
    "tie_distance_table": "Distances between partners, by nature of partnership.",
    "synthesis_table": "The evidence on efficiency and legitimacy, chapter by chapter.",
    "planted_effects_table": "The effects planted by the simulator.",
    "recovery_table": "How well the models recover the planted effects.",
    "null_calibration_table": "Rejection rates under the null (calibration of the permutation tests).",
    "calibration_table": "The simulated stand-in against the article's published figures.",
    "manifest_table": "The public files the book is built from.",
    "data_dictionary": "The data dictionary: every council variable, its definition and source.",
    "attribute_gaps": "Councils without a value, by variable, and why.",
    "council_provenance": "Where each council's record comes from.",
    "documented_sample_summary": "The documented sample of partnerships, summarised.",
    "catalogue_table": "The documented partnerships.",
    "evidence_table": "Key results on the strict, default and all evidence sets of the documented sample.",
}

#: Closing "article reports / this run finds" tables.
COMPARISON_CAPTION = "What the article reports beside what this run finds."

#: Explanations of specialist column names, printed under any table that has the column (a key matches a
#: column whose label contains it, case-insensitively).
COLUMN_NOTES = {
    "IRR": "IRR: incidence rate ratio, the factor by which the expected number of partnerships changes per unit "
           "of the variable (1 = no change).",
    "HC3": "HC3: a classical p-value with heteroskedasticity-robust (HC3) standard errors.",
    "Freedman": "Freedman–Lane: a permutation p-value that shuffles the residuals of the model without the "
                "variable tested (node-level permutation).",
    "assortativity": "Assortativity: the correlation between the attribute values of tied councils "
                     "(1 = ties only between alike councils, 0 = no pattern).",
    "E–I": "E–I index: (external − internal ties) / all ties; −1 = every tie within the group, +1 = every tie "
           "between groups.",
    "R²": "R²: share of the variance explained by the model.",
    "odds ratio": "Odds ratio: the factor by which the odds of a tie change per unit of the predictor.",
}

#: Levels of factors as they appear in model term names.
LEVEL_LABELS = {
    "LAB": "Labour", "CON": "Conservative", "LD": "Liberal Democrat", "NOC": "no overall control",
    "IND": "Independent", "OTHER": "other",
}

#: Chapter functions whose tables appear on several pages: their tables are numbered but get no ``:name:`` (a
#: label must be unique in the whole book, and a notebook's kernel does not know its page). Add a function here
#: when the build warns "duplicate label tbl-...".
SHARED_TABLES = {"evidence_table", "council_counts"}

MISSING = "–"
DEFAULT_MISSING_NOTE = f"{MISSING}: no value (not available for this row, or not computed for it)."

_used_names: dict[str, int] = {}


# --------------------------------------------------------------------------------------------------
# labels


def _dictionary() -> dict[str, str]:
    from lgnet.book.chapters.terms import variable_labels

    try:
        return variable_labels()
    except Exception:  # noqa: BLE001 - a missing dictionary only costs the labels
        return {}


def human(name) -> str:
    """A readable label for a column, index or cell name that is a variable or term name; other text unchanged.

    'opportunities_30mi' -> its data-dictionary label; 'party_control[LAB]' -> 'Party control: Labour';
    'same_region' -> 'same region'; 'p_perm' -> 'p perm' (snake_case loses its underscores).
    """
    if not isinstance(name, str):
        return name if not (isinstance(name, float) and math.isnan(name)) else MISSING
    from lgnet.book.chapters.terms import TERM_LABELS, term_label

    labels = _dictionary()
    s = name.strip()
    m = re.fullmatch(r"(?:C\()?([A-Za-z_][A-Za-z0-9_]*)\)?\[(?:T\.)?([^\]]+)\]", s)
    if m:
        var, level = m.groups()
        return f"{human(var)}: {LEVEL_LABELS.get(level, level.replace('_', ' '))}"
    if s in labels:
        return labels[s]
    if s in TERM_LABELS or s.startswith("abs_diff_"):
        return term_label(s)
    if re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)+", s):
        text = s.replace("_", " ")
        return text[:1].upper() + text[1:]
    return name


def relabel_text(text: str) -> str:
    """Free text with the raw variable names of the data dictionary (those with '_' or a digit) replaced by
    their labels, first letter in lower case ('aligned_with_government left out' -> 'aligned with national
    government left out'). Names inside `code` are left alone."""
    labels = _dictionary()
    names = sorted((n for n in labels if re.search(r"[_0-9]", n)), key=len, reverse=True)
    if not names or not isinstance(text, str):
        return text
    pattern = re.compile(r"(?<![\w.`])(" + "|".join(map(re.escape, names)) + r")(?![\w`])")

    def lower(label: str) -> str:
        return label if label[1:2].isupper() else label[:1].lower() + label[1:]

    return pattern.sub(lambda m: lower(labels[m.group(1)]), text)


def _header(col) -> str:
    if isinstance(col, tuple):
        parts = [str(human(c)) for c in col if c is not None and str(c) != "" and not str(c).startswith("Unnamed")]
        out = []
        for p in parts:  # drop repeated levels
            if not out or out[-1] != p:
                out.append(p)
        return ": ".join(out)
    return str(human(col)) if col is not None else ""


# --------------------------------------------------------------------------------------------------
# numbers


def number(x) -> str:
    """A float rounded to what it means: whole numbers without decimals; from 100 up no decimals, from 10 up
    one, from 1 up two, below 1 three; a non-zero value below 0.001 in scientific notation, never '0.000'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x.is_integer() and abs(x) < 1e15:
        return f"{int(x):,}" if abs(x) >= 10000 else f"{int(x)}"
    a = abs(x)
    if a >= 100:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    if a >= 0.001:
        return f"{x:.3f}"
    return f"{x:.1e}"


def _cell(v) -> str:
    if v is None:
        return MISSING
    if isinstance(v, float):
        return number(v)
    if isinstance(v, (int,)) and not isinstance(v, bool):
        return str(v)
    try:
        if pd.isna(v):
            return MISSING
    except (TypeError, ValueError):
        pass
    text = str(v)
    if text.strip().lower() in ("nan", "none", "<na>", "nat"):
        return MISSING
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\[[^\]]+\])?", text.strip()) and ("_" in text or "[" in text):
        return str(human(text))
    label = _dictionary().get(text.strip())
    if label is not None and label.lower() != text.strip().lower():  # a one-word name ('complexity')
        return label
    return relabel_text(text)


# --------------------------------------------------------------------------------------------------
# the table


def tidy(df: pd.DataFrame) -> pd.DataFrame:
    """The table as strings with human labels: index turned into columns, NaN as '–', floats rounded."""
    out = df.copy()
    index_named = any(n is not None for n in out.index.names)
    if index_named or not isinstance(out.index, pd.RangeIndex):
        names = [n if n is not None else "" for n in out.index.names]
        out.index = out.index.set_names([n if n else f"__index{i}" for i, n in enumerate(names)])
        out = out.reset_index()
        out.columns = [("" if str(c).startswith("__index") else c) if not isinstance(c, tuple)
                       else tuple("" if str(x).startswith("__index") else x for x in c) for c in out.columns]
    headers = [h if re.match(r"\w\b", h) else h[:1].upper() + h[1:] for h in (_header(c) for c in out.columns)]
    body = pd.DataFrame({i: [_cell(v) for v in out.iloc[:, i]] for i in range(out.shape[1])})
    labels = _dictionary()
    for i, h in enumerate(headers):  # a column of variable names: every cell (even one-word names) labelled
        if h.lower() in ("variable", "variables"):
            body[i] = [labels.get(v, v) for v in body[i]]
    body.columns = headers
    # a column that, once labelled, repeats the one before it (a variable name beside its label) goes
    keep = [i for i in range(body.shape[1]) if i == 0 or not body.iloc[:, i].equals(body.iloc[:, i - 1])]
    body = body.iloc[:, keep]
    # a multi-index shown once: repeated leading labels of the former index are left blank
    n_index = df.index.nlevels if (index_named or not isinstance(df.index, pd.RangeIndex)) else 0
    for i in range(min(max(0, n_index - 1), body.shape[1])):
        col = body.iloc[:, i].tolist()
        body.iloc[:, i] = [c if k == 0 or c != col[k - 1] else "" for k, c in enumerate(col)]
    return body


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|$~^])")


def _escape(text: str) -> str:
    text = str(text).replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text) if text else " "


_URL = re.compile(r"https?://[^\s<>()]+")


def short_url(url: str) -> str:
    """'https://host/a/b/c/file.csv' -> 'host/…/file.csv' (the link text of a long address)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    tail = [p for p in parts.path.split("/") if p]
    if len(tail) <= 1:
        return parts.netloc + parts.path
    return f"{parts.netloc}/…/{tail[-1]}"


#: Pages of the book a table's text may name: the name becomes a link to the page (the book's folder).
PAGE_LINKS = {"method-validation appendix": "appendix_validation.ipynb", "QAP primer": "appendix_qap_primer.md"}


def link_pages(escaped: str) -> str:
    """Escaped MyST text with each page name of :data:`PAGE_LINKS` (first mention) made a link to its page."""
    for name, page in PAGE_LINKS.items():
        escaped = escaped.replace(name, f"[{name}]({page})", 1)
    return escaped


def _md_cell(text: str) -> str:
    """A cell as MyST: escaped text (page names linked), or a link with a short text when the cell is one web
    address."""
    t = str(text).strip()
    if _URL.fullmatch(t):
        return f"[{_escape(short_url(t))}]({t})"
    return link_pages(_escape(text))


def _name(df: pd.DataFrame) -> str | None:
    if not df.attrs.get("name") and str(df.attrs.get("table")) in SHARED_TABLES:
        return None
    base = df.attrs.get("name") or ("tbl-" + str(df.attrs.get("table", "table")).replace("_", "-"))
    dataset = df.attrs.get("dataset")
    if dataset and not df.attrs.get("name"):
        base += "-" + re.sub(r"[^a-z0-9]+", "-", str(dataset).lower()).strip("-")
    k = _used_names.get(base, 0) + 1
    _used_names[base] = k
    return base if k == 1 else f"{base}-{k}"


def caption(df: pd.DataFrame) -> str:
    """The table's caption: ``attrs['caption']``, or the chapter function's caption, or a generic one."""
    if df.attrs.get("caption"):
        return str(df.attrs["caption"])
    fn = str(df.attrs.get("table", ""))
    if fn.startswith("compare_") or "The article reports" in map(str, df.columns):
        return COMPARISON_CAPTION
    text = CAPTIONS.get(fn)
    if fn == "council_counts" and df.shape[1] == 1:  # council_counts(run, participation=False)
        text = "Councils by type in the dataset year."
    if text is None:
        return "Table of results."
    return text.replace("{dataset}", str(df.attrs.get("dataset_label") or df.attrs.get("dataset") or
                                         "the dataset of this page"))


#: The two sources of the article's figures, as the bibliography labels them (book/references.bib).
SOURCES = {
    "blog": ("blog, 2020b", "the authors' blog summary, Dixon and Elston (2020b), LSE British Politics and Policy, "
                            "which reports the journal article (2020a)"),
    "article": ("journal article, 2020a", "the journal article, Dixon and Elston (2020a), Public Administration "
                                          "98(3)"),
}


def source_key(df: pd.DataFrame) -> str | None:
    """Which of the two references an "article reports" column quotes: ``attrs['source_key']``, else read from
    ``attrs['source']`` (the blog when it names it)."""
    key = df.attrs.get("source_key")
    if key in SOURCES:
        return key
    source = str(df.attrs.get("source") or "")
    if not source:
        return None
    return "blog" if "blog" in source.lower() else "article"


def notes(df: pd.DataFrame, headers: list[str], has_missing: bool) -> list[str]:
    """Lines printed under the table: its own notes, the source of article figures, explanations of
    specialist columns, and what '–' means."""
    out = []
    for key in ("note", "caveat", "method"):
        v = df.attrs.get(key)
        if v and isinstance(v, str):
            out.append(v if key != "method" else f"Method: {v}")
    key = source_key(df)
    if key:
        out.append(f"The article's figures in this table are quoted from {SOURCES[key][1]}.")
    joined = " ".join(headers)
    for key, text in COLUMN_NOTES.items():
        if key.lower() in joined.lower():
            out.append(text)
    if has_missing:
        out.append(str(df.attrs.get("missing") or DEFAULT_MISSING_NOTE))
    return out


def book_table(df: pd.DataFrame) -> str:
    """The MyST Markdown of a book table: a numbered, captioned ``{list-table}`` with notes under it."""
    body = tidy(df)
    key = source_key(df)
    if key:  # the column says which of the two references it quotes
        body.columns = [f"{h} ({SOURCES[key][0]})" if h == "The article reports" else h for h in body.columns]
    headers = list(body.columns)
    has_missing = any(MISSING == v for v in body.to_numpy().ravel()) or any(
        _cell(v) == MISSING for v in df.to_numpy().ravel())
    name = _name(df)
    lines = [f"````{{list-table}} {_escape(caption(df))}"] + ([f":name: {name}"] if name else []) + [
        ":header-rows: 1", ":class: lgnet-table", ""]
    for row in [headers] + body.to_numpy().tolist():
        lines.append("* - " + _md_cell(row[0]))
        lines.extend("  - " + _md_cell(c) for c in row[1:])
    lines.append("````")
    below = notes(df, headers, has_missing)
    if below:
        lines.append("")
        lines.append('<div class="lgnet-table-notes">')
        lines.append("")
        lines.extend(f"{link_pages(_escape(n))}  " for n in below)
        lines.append("")
        lines.append("</div>")
    return "\n".join(lines) + "\n"


def _markdown_formatter(df: pd.DataFrame) -> str | None:
    if df.attrs.get("table") is None and not df.attrs.get("caption"):
        return None  # a DataFrame a reader made themselves: pandas shows it
    return book_table(df)


def register() -> bool:
    """Inside IPython, render the chapter functions' DataFrames with :func:`book_table` (``text/markdown``).
    Returns whether a formatter was registered."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of the book
        return False
    ip = get_ipython()
    if ip is None:
        return False
    ip.display_formatter.formatters["text/markdown"].for_type(pd.DataFrame, _markdown_formatter)
    return True


def tag(df, function: str, dataset: str | None = None):
    """Record which chapter function made ``df`` (its caption and table name follow from it)."""
    if isinstance(df, pd.DataFrame):
        df.attrs.setdefault("table", function)
        if dataset:
            df.attrs.setdefault("dataset", dataset)
    return df


def tag_helpers(namespace: dict) -> None:
    """Wrap the chapter functions of ``lgnet_helpers`` (its ``namespace``) so that each table they return
    records its function and dataset (:func:`tag`), and register the book's table style in IPython."""
    import functools

    from lgnet.book.chapters.run import Run, label

    def tagged(fn):
        @functools.wraps(fn)
        def call(*args, **kwargs):
            out = fn(*args, **kwargs)
            if hasattr(out, "markdown") and isinstance(getattr(out, "markdown"), str):  # a Note: labels in text
                out.markdown = relabel_text(out.markdown)
            dataset = kwargs.get("dataset")
            if isinstance(out, pd.DataFrame) and dataset and args and isinstance(args[0], Run):
                out.attrs.setdefault("dataset_label", label(args[0], dataset))
            return tag(out, fn.__name__, dataset)

        return call

    for name in list(namespace.get("__all__", namespace)):
        obj = namespace.get(name)
        if callable(obj) and not isinstance(obj, type) and \
                str(getattr(obj, "__module__", "")).startswith("lgnet.book.chapters."):
            namespace[name] = tagged(obj)
    register()
