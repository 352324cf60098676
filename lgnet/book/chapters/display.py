"""How the chapters show things: the article's published figures, the closing "article reports / this run
finds" table, figures with alt text, and the formatting of numbers and p-values."""

from __future__ import annotations

import base64
import math
import html
import io

import pandas as pd

# tables in the book: show whole cells and whole tables (the longest is the data dictionary)
pd.set_option("display.max_colwidth", None)
pd.set_option("display.max_rows", 400)

#: Where the article's figures come from.
ARTICLE_SOURCE = (
    "Dixon & Elston (2020), 'Efficiency and legitimacy in inter-local agreements', LSE British Politics and "
    "Policy blog, summarising Dixon & Elston (2020), Public Administration 98(3), doi:10.1111/padm.12649"
)

#: The article's published figures (Dixon & Elston 2020, LSE blog summary of Public Administration 98(3)).
#: Each entry: value (a number, or None for a qualitative finding), text (how the article states it).
ARTICLE: dict[str, dict] = {
    "councils": {"value": 353, "text": "353 English councils (2017)"},
    "partnerships": {"value": 338, "text": "338 partnerships (LGA shared services map, 2017)"},
    "frontline": {"value": 182, "text": "182 frontline ('programme') partnerships"},
    "administrative": {"value": 127, "text": "127 administrative partnerships"},
    "mixed": {"value": 29, "text": "29 mixed partnerships"},
    "participation": {"value": 0.97, "text": "over 97% of councils in at least one partnership"},
    "degree_min": {"value": 1, "text": "councils belonged to between 1 and 33 partnerships"},
    "degree_max": {"value": 33, "text": "councils belonged to between 1 and 33 partnerships"},
    "degree_median": {"value": 3, "text": "median 3 partnerships per council"},
    "degree_mean": {"value": 4, "text": "mean 4 partnerships per council"},
    "propensity_r2_max": {"value": 0.05, "text": "less than 5% of the variance in propensity predicted by "
                          "resource, organisational or political factors, alone or combined"},
    "propensity_ethnic": {"value": None, "text": "ethnic diversity: weak negative relationship"},
    "propensity_type": {"value": None, "text": "council type significant: metropolitan districts partnered less"},
    "propensity_null": {"value": None, "text": "population, financial health, opportunities within 30 miles, "
                        "complexity and political variables: not significant"},
    "homophily_org": {"value": None, "text": "region, proximity and council type each significant when "
                      "tested together"},
    "homophily_county": {"value": None, "text": "intra-county relationships highly significant"},
    "intra_region": {"value": None, "text": "intra-regional partnerships much more common than expected from "
                     "proximity alone"},
    "resources": {"value": None, "text": "similarity in ethnic diversity, age diversity, external income ratio "
                  "and reserves associated with partner selection, adding little explanatory power"},
    "politics": {"value": None, "text": "political homophily when tested alone; disappears (slight "
                 "heterophily) once region is controlled"},
    "partner_r2_max": {"value": 0.24, "text": "no more than 24% of the variance in partner selection explained"},
    "subsets": {"value": None, "text": "frontline and back-office subsets: very similar associations; partner "
                "selection more predictable than propensity"},
    "distance": {"value": None, "text": "frontline partnerships at markedly shorter distances than "
                 "administrative ones"},
}


# --------------------------------------------------------------------------------------------------
# Numbers and p-values
# --------------------------------------------------------------------------------------------------


def pct(x, digits: int = 1) -> str:
    """A share as a percentage ('12.3%'); '–' when missing."""
    return "–" if x is None or pd.isna(x) else f"{100 * float(x):.{digits}f}%"


def num(x, digits: int = 2) -> str:
    """A number as text: whole numbers without decimals, others with ``digits``; '–' when missing."""
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return "–"
    if isinstance(x, str):
        return x
    if float(x).is_integer() and abs(x) < 1e6:
        return f"{int(x)}"
    return f"{float(x):.{digits}f}"


def sig3(x) -> str:
    """A coefficient as text with three significant figures ('-0.000506', '37.6'), never '0.000'; '–' if missing."""
    if x is None or pd.isna(x):
        return "–"
    x = float(x)
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    decimals = max(0, 2 - math.floor(math.log10(abs(x))))
    return f"{x:.{decimals}f}"


def p_floor(permutations: int) -> float:
    """The smallest p-value a permutation test with ``permutations`` draws can report: 1/(R+1)."""
    return 1.0 / (int(permutations) + 1)


def p_cell(p, permutations: int | None = None) -> str:
    """A p-value for a table cell (the one formatter of every p-value in the book).

    Permutation p-values (``permutations`` = R given) follow the convention (b+1)/(R+1), so the smallest
    reportable value is 1/(R+1): a p at (or, from another convention, below) that floor prints as
    '≤ 1/(R+1)' ('≤ 0.01' for 99 permutations, '≤ 0.001' for 999); '< 0.001' only when R ≥ 999 and p is
    below 0.001 (e.g. 9,999 permutations); otherwise three decimals. Classical p-values (``permutations``
    None) print as '< 0.001' or three decimals. Never '0.000'.
    """
    if p is None or pd.isna(p):
        return "–"
    p = float(p)
    if permutations is not None:
        floor = p_floor(permutations)
        if p <= floor * (1 + 1e-9):
            return f"≤ {_floor_text(floor)}" if floor >= 0.001 - 1e-12 or int(permutations) < 999 else "< 0.001"
        if p < 0.001 and int(permutations) >= 999:
            return "< 0.001"
    elif p < 0.001:
        return "< 0.001"
    return f"{p:.3f}"


def _floor_text(floor: float) -> str:
    """1/(R+1) as short text that is not below the floor: 0.01, 0.001, 0.05, 0.0476 -> '0.048'."""
    for digits in range(2, 7):
        text = f"{floor:.{digits}g}"
        if float(text) >= floor * (1 - 1e-9) and float(text) > 0:
            return text if "e" not in text else f"{floor:.6f}"
    return f"{floor:.6f}"


def p_text(p, permutations: int | None = None) -> str:
    """'p = 0.023', 'p ≤ 0.01' (at the floor of R permutations) or 'p < 0.001' (see :func:`p_cell`)."""
    cell = p_cell(p, permutations)
    if cell == "–":
        return "p: –"
    return f"p {cell}" if cell[0] in "<≤" else f"p = {cell}"


def stars(p, permutations: int | None = None) -> str:
    """Significance marks: *** p < 0.001, ** p < 0.01, * p < 0.05, on the p as printed (a permutation p is
    read at no less than its floor 1/(R+1), so 99 permutations never give ** and 999 never ***)."""
    if p is None or pd.isna(p):
        return ""
    p = float(p)
    if permutations is not None:
        p = max(p, p_floor(permutations))
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def stars_legend(permutations: int | None = None) -> str:
    """The legend of the stars a table can show with R permutations."""
    marks = [("***", 0.001), ("**", 0.01), ("*", 0.05)]
    if permutations is not None:
        floor = p_floor(permutations)
        marks = [(m, t) for m, t in marks if floor < t]
    if not marks:
        return (f"none possible: with {int(permutations):,} permutations the smallest reportable p is "
                f"{_floor_text(p_floor(permutations))}")
    return ", ".join(f"{m} p < {t:g}" for m, t in marks) + (
        f" (permutation p-values, {int(permutations):,} permutations: smallest reportable p = 1/(R+1) = "
        f"{_floor_text(p_floor(permutations))})" if permutations is not None else "")


def holm(pvalues) -> list[float]:
    """Holm-adjusted p-values (statsmodels ``multipletests``, method 'holm'); NaN stays NaN."""
    from statsmodels.stats.multitest import multipletests

    arr = pd.to_numeric(pd.Series(list(pvalues), dtype="object"), errors="coerce").to_numpy(dtype=float)
    out = arr.copy()
    ok = ~pd.isna(arr)
    if ok.any():
        out[ok] = multipletests(arr[ok], method="holm")[1]
    return out.tolist()


def multiplicity_sentence(pvalues, permutations: int | None = None, alpha: float = 0.05, what: str = "tests") -> str:
    """A computed sentence on multiplicity: how many of the tests have p < alpha, how many would by chance,
    and how many survive Holm's adjustment."""
    arr = [float(p) for p in pvalues if p is not None and not pd.isna(p)]
    if not arr:
        return ""
    if permutations is not None:
        arr = [max(p, p_floor(permutations)) for p in arr]
    k = len(arr)
    raw = sum(p < alpha for p in arr)
    adj = sum(p < alpha for p in holm(arr))
    return (f"Multiplicity: {raw} of {k} {what} have p < {alpha:g}; about {alpha * k:.1f} would by chance alone "
            f"if no predictor mattered. After Holm's adjustment for {k} tests, {adj} "
            f"{'remains' if adj == 1 else 'remain'} below {alpha:g}.")


def estimate_p(est: float, p: float, permutations: int | None = None) -> str:
    """'0.123 (p = 0.004)', or '0.123 (p ≤ 0.005)' at the floor of R permutations (:func:`p_text`); the
    estimate with three significant figures (:func:`sig3`)."""
    return f"{sig3(est)} ({p_text(p, permutations)})"


def estimate_stars(est: float, p: float, permutations: int | None = None) -> str:
    """'0.123**' (three significant figures, :func:`sig3`; stars on the floor of R permutations)."""
    return f"{sig3(est)}{stars(p, permutations)}"


def signed(est: float) -> str:
    """An estimate with its sign written out ('+0.0966', '−0.0101'), three significant figures."""
    if est is None or pd.isna(est):
        return "–"
    return ("+" if float(est) > 0 else "−" if float(est) < 0 else "") + sig3(abs(float(est)))


def rounded(df: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """The table with its float columns rounded."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


# --------------------------------------------------------------------------------------------------
# Notes under tables (n, exclusions, conventions) and computed verdicts
# --------------------------------------------------------------------------------------------------


def with_notes(table: pd.DataFrame, *notes: str) -> pd.DataFrame:
    """The table with notes to print under it (its n, what was excluded and why, the p-value convention).

    The notes travel in ``table.attrs["notes"]``; in a notebook (and so in the book) a table with notes is
    shown with them under it (:func:`table_html`)."""
    new = [n for n in notes if n]
    table.attrs["notes"] = list(table.attrs.get("notes", [])) + new
    # the book's table renderer (lgnet.book.chapters.tables) prints attrs["note"] under the table
    table.attrs["note"] = " ".join(([str(table.attrs["note"])] if table.attrs.get("note") else []) + new)
    return table


def table_html(table: pd.DataFrame) -> str:
    """HTML of a table followed by its notes (``attrs["notes"]``), each as a small paragraph."""
    body = table.to_html(notebook=True, na_rep="–")
    notes = table.attrs.get("notes") or []
    foot = "".join(f'<p class="lgnet-table-note" style="font-size:90%;margin:0.2em 0;">{html.escape(n)}</p>'
                   for n in notes)
    return body + foot


def _html_formatter(obj):
    return table_html(obj) if obj.attrs.get("notes") else obj._repr_html_()


def _register_formatter() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is installed with the book
        return
    ip = get_ipython()
    if ip is not None:
        ip.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _html_formatter)


_register_formatter()

#: How the closing tables' verdicts are decided (printed under each closing table).
VERDICT_RULE = ("Verdict rule: a coefficient agrees when its permutation p is on the same side of 0.05 as the "
                "article's finding and, where both are significant, has the same sign; an R² or a share agrees "
                "when it is within the article's bound; a share of partnerships agrees when the article's share "
                "lies inside this run's 95% interval (Wilson); a count agrees when it equals the article's; "
                "'not comparable' when the run's data cannot measure what the article measured (the reason is "
                "given on the row).")


def share_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson interval of a share k/n (statsmodels ``proportion_confint``)."""
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(int(k), int(n), alpha=1 - level, method="wilson")
    return float(lo), float(hi)


def verdict(kind: str, *, estimate=None, p=None, permutations: int | None = None, article_sign: int | None = None,
            article_significant: bool | None = None, value=None, bound=None, comparable: bool = True,
            why: str = "", alpha: float = 0.05, at_least: bool = False, count=None, total=None,
            article=None, digits: int | None = None) -> str:
    """The verdict of one closing-table row: 'agrees', 'differs' or 'not comparable', from the numbers.

    kind="coefficient": the article's finding is a sign (+1/-1, None when not stated) and whether it was
    significant; the run's estimate and p (floored at 1/(R+1)) agree when significance matches and, if both
    are significant and the article gives a sign, the signs match.
    kind="bound": the run's ``value`` agrees when ``value <= bound`` (the article's ceiling), or, with
    ``at_least``, when ``value >= bound`` (the article's floor, e.g. 'over 97% of councils').
    kind="share": ``count`` of ``total`` agrees when the ``article`` share lies in its 95% Wilson interval.
    kind="value": ``value`` agrees when it equals ``article`` (a count or a median); with ``digits``, once rounded
    to the article's precision (the article's "mean 4" is a whole number: ``digits=0``).
    ``comparable=False`` (with ``why``) gives 'not comparable: why'; otherwise ``why`` is appended as a caveat.
    """
    if not comparable:
        return "not comparable" + (f": {why}" if why else "")
    if kind == "coefficient":
        if estimate is None or p is None or pd.isna(estimate) or pd.isna(p):
            return "not comparable: not estimated in this run"
        if permutations is not None and p_floor(permutations) >= alpha:
            return (f"not comparable: with {permutations:,} permutations the smallest p is "
                    f"{p_floor(permutations):.2g}, so significance at {alpha:g} cannot be shown")
        pp = max(float(p), p_floor(permutations)) if permutations is not None else float(p)
        sig = pp < alpha
        sign = 1 if float(estimate) > 0 else -1
        if article_significant is None:
            raise ValueError("a coefficient verdict needs article_significant")
        if sig != bool(article_significant):
            out = ("differs: significant in this run, not in the article" if sig
                   else "differs: not significant in this run")
        elif sig and article_sign is not None and sign != article_sign:
            out = "differs: opposite sign"
        else:
            out = "agrees" + (" (same sign, significant)" if sig else " (not significant)")
    elif kind == "bound":
        if value is None or bound is None or pd.isna(value):
            return "not comparable: not estimated in this run"
        if at_least:
            out = (f"agrees (at or above the article's {100 * bound:g}%)" if float(value) >= float(bound)
                   else f"differs (below the article's {100 * bound:g}%)")
        else:
            out = (f"agrees (within the article's bound of {100 * bound:g}%)" if float(value) <= float(bound)
                   else f"differs (above the article's bound of {100 * bound:g}%)")
    elif kind == "share":
        if count is None or not total or article is None:
            return "not comparable: not estimated in this run"
        lo, hi = share_interval(count, total)
        inside = lo <= float(article) <= hi
        out = (f"{'agrees' if inside else 'differs'} (the article's {pct(article)} is "
               f"{'inside' if inside else 'outside'} this run's 95% interval {pct(lo)} to {pct(hi)})")
    elif kind == "value":
        if value is None or article is None or pd.isna(value):
            return "not comparable: not estimated in this run"
        shown = round(float(value), digits) if digits is not None else float(value)
        out = ("agrees (the same" + (" at the article's precision)" if digits is not None else ")")
               if abs(shown - float(article)) < 1e-9 else f"differs ({num(value)} against {num(article)})")
    else:
        raise ValueError(f"kind must be 'coefficient', 'bound', 'share' or 'value', not {kind!r}")
    return out + (f"; {why}" if why else "")


# --------------------------------------------------------------------------------------------------
# The closing table and figures
# --------------------------------------------------------------------------------------------------


def article_vs_run(rows: list[tuple]) -> pd.DataFrame:
    """The closing table of a chapter: what the article reports beside what this run finds.

    ``rows``: tuples ``(quantity, article, run, note)`` where ``article`` is a key of :data:`ARTICLE` (its
    text is shown) or a string, and ``run`` is the run's computed value (already formatted, or a number).
    """
    out = []
    for row in rows:
        quantity, article, found, note = (tuple(row) + ("",))[:4]
        text = ARTICLE[article]["text"] if article in ARTICLE else str(article)
        out.append({"Quantity": quantity, "The article reports": text,
                    "This run finds": found if isinstance(found, str) else num(found), "Note": note})
    table = pd.DataFrame(out).set_index("Quantity")
    table.attrs["source"] = ARTICLE_SOURCE
    return with_notes(table, VERDICT_RULE) if any(
        str(r[3] if len(r) > 3 else "").startswith(("agrees", "differs", "not comparable")) for r in rows) else table


class FigureOutput:
    """A matplotlib figure displayed as a PNG with its alt text (the HTML ``<img alt=...>``)."""

    def __init__(self, fig, alt: str | None = None):
        self.fig = fig
        self.alt = alt or getattr(fig, "alt_text", None)
        if not self.alt:
            raise ValueError("a book figure needs alt text: set fig.alt_text or pass alt=")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110)
        self.png = base64.b64encode(buf.getvalue()).decode("ascii")

    def _repr_mimebundle_(self, include=None, exclude=None):
        img = (f'<img src="data:image/png;base64,{self.png}" alt="{html.escape(self.alt, quote=True)}" '
               'class="lgnet-figure" style="max-width:100%;height:auto;" />')
        return {"image/png": self.png, "text/html": img, "text/plain": self.alt}


def glue_figure(name: str, fig, alt: str | None = None) -> None:
    """Glue a figure (with alt text) for a ``{glue:figure}`` directive in the page's Markdown."""
    from myst_nb import glue

    glue(name, FigureOutput(fig, alt), display=False)
