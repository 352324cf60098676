"""How the chapters show things: the article's published figures, the closing "article reports / this run
finds" table, figures with alt text, and the formatting of numbers and p-values."""

from __future__ import annotations

import base64
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


def p_cell(p) -> str:
    """A p-value for a table cell: '0.023' or '< 0.001'."""
    if p is None or pd.isna(p):
        return "–"
    return "< 0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def p_text(p) -> str:
    """'p = 0.023', or 'p < 0.001' (a permutation p-value of 0 means: beyond every permutation)."""
    if p is None or pd.isna(p):
        return "p: –"
    return "p < 0.001" if float(p) < 0.001 else f"p = {float(p):.3f}"


def stars(p) -> str:
    """Significance marks for permutation p-values: *** < 0.001, ** < 0.01, * < 0.05."""
    if p is None or pd.isna(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def estimate_p(est: float, p: float) -> str:
    """'0.123 (p = 0.004)'."""
    return f"{est:.3g} ({p_text(p)})"


def estimate_stars(est: float, p: float) -> str:
    """'0.123**'."""
    return f"{est:.3g}{stars(p)}"


def rounded(df: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """The table with its float columns rounded."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


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
    return table


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
