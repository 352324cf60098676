"""lgnet_helpers: the one module the book's notebooks import.

Chapter-level, one-line calls that return tables (pandas DataFrames), figures or short Markdown notes.
The work itself lives in the ``lgnet`` package; this module only composes it, caches the expensive steps
(loading a dataset, building networks, permutation tests) so the chapters do not repeat them, and formats
results for reading. It holds no statistics of its own.

A chapter starts with::

    import lgnet_helpers as lg
    run = lg.setup(year=year, partnerships=partnerships, seed=seed, permutations=permutations)
    lg.dataset_note(run, needs="...")

and then calls e.g. ``lg.overview_table(run)``, ``lg.glue_figure("name", lg.partnership_map(run))``,
``lg.propensity_summary(run)``, ``lg.partner_r2(run)``, ``lg.compare_partner_selection(run)``.

The article's published figures are the constants in :data:`ARTICLE`, each with the sentence it comes from;
the closing "article reports / this run finds" tables put them beside values computed from the run.

Sections (one per chapter): setup and cached data (``setup``, ``partnership_data``, ``network``); display
(``dataset_note``, ``glue_figure``, ``article_vs_run``); chapter 1 (``overview_table``, ``partnership_map``,
``function_breakdown``, ``degree_table``, ``compare_background`` ...); chapter 2 (``propensity_*``,
``compare_propensity``); chapter 3 (``ei_table``, ``proximity_table``, ``partner_r2``, ``partner_coefficients``,
``logistic_table``, ``compare_partner_selection``); chapter 4 (``subset_*``, ``tie_distance_*``,
``compare_activity``); chapter 5 (``synthesis_table``, ``interpretation``, ``compare_conclusions``); the
validation appendix (``planted_effects_table``, ``recovery_*``, ``null_calibration_table``,
``calibration_figure``); the data appendix (``manifest_table``, ``data_dictionary``, ``attribute_gaps`` ...).
After the data or the lgnet code changed in a running kernel, call ``clear_cache()``.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import os
from dataclasses import dataclass
from pathlib import Path

import warnings

import numpy as np
import pandas as pd

with warnings.catch_warnings():  # the book's kernel has no ipywidgets: silence tqdm's one-off notice
    warnings.simplefilter("ignore")
    import tqdm.auto  # noqa: F401

from lgnet import figures
from lgnet.partnership_data import NATURES, PartnershipData

# tables in the book: show whole cells and whole tables (the longest is the data dictionary)
pd.set_option("display.max_colwidth", None)
pd.set_option("display.max_rows", 400)

# --------------------------------------------------------------------------------------------------
# The article's figures
# --------------------------------------------------------------------------------------------------

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

DEFAULT_SEED = 2017
SIMULATED = "simulated"
DOCUMENTED = "documented"

# --------------------------------------------------------------------------------------------------
# Run settings
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """The parameters of one chapter execution (hashable, so results can be cached per run).

    year: dataset year (councils in existence on 1 April); partnerships: "documented", "simulated" or a
    path; seed: permutation seed and seed of the simulated stand-in; permutations: QAP / Freedman–Lane
    permutations; logistic_permutations: logistic QAP permutations (slow: refits per permutation);
    mixed: how mixed partnerships enter the activity subsets ("exclude" or "include").
    """

    year: int = 2017
    partnerships: str = DOCUMENTED
    seed: int = DEFAULT_SEED
    permutations: int = 499
    logistic_permutations: int = 99
    mixed: str = "exclude"

    @property
    def simulated(self) -> bool:
        return self.partnerships == SIMULATED


def setup(year: int = 2017, partnerships: str | os.PathLike = DOCUMENTED, seed: int = DEFAULT_SEED,
          permutations: int = 499, logistic_permutations: int = 99, mixed: str = "exclude") -> Run:
    """The settings of a chapter, checked. Nothing is loaded until a table or figure asks for it."""
    source = str(partnerships)
    if source not in (DOCUMENTED, SIMULATED):
        source = str(Path(source).expanduser().resolve())
    if int(permutations) < 1 or int(logistic_permutations) < 1:
        raise ValueError(f"permutations must be positive (got {permutations}, {logistic_permutations})")
    if mixed not in ("exclude", "include"):
        raise ValueError(f"mixed must be 'exclude' or 'include', not {mixed!r}")
    return Run(int(year), source, int(seed), int(permutations), int(logistic_permutations), mixed)


def _dataset(run: Run, dataset: str | None) -> str:
    return run.partnerships if dataset is None else dataset


# --------------------------------------------------------------------------------------------------
# Data (cached)
# --------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def council_table(year: int) -> pd.DataFrame:
    """The council table of ``year`` (``lgnet.councils.council_table``)."""
    from lgnet import councils

    return councils.council_table(year)


@functools.lru_cache(maxsize=None)
def analysis_table(year: int) -> pd.DataFrame:
    """The council table of ``year`` merged with the council attributes (``lgnet.attributes``)."""
    from lgnet import attributes

    return attributes.analysis_table(year)


@functools.lru_cache(maxsize=None)
def boundaries(year: int):
    """Council boundaries of ``year`` (GeoDataFrame, EPSG:27700)."""
    from lgnet import councils

    return councils.boundaries(year)


@functools.lru_cache(maxsize=1)
def regions():
    """The nine English regions (ONS December 2016 boundaries, EPSG:27700), for maps."""
    from lgnet import boundaries as lgboundaries

    return lgboundaries.regions_layer()


@functools.lru_cache(maxsize=None)
def _load(year: int, source: str, seed: int) -> PartnershipData:
    from lgnet import partnerships

    return partnerships.load_partnerships(source, year=year, seed=seed if source == SIMULATED else None)


def partnership_data(run: Run, dataset: str | None = None) -> PartnershipData:
    """The partnership dataset of a run (``dataset="simulated"`` gives the stand-in for the run's year)."""
    return _load(run.year, _dataset(run, dataset), run.seed)


@functools.lru_cache(maxsize=None)
def _subset(year: int, source: str, seed: int, nature: str, mixed: str) -> PartnershipData:
    from lgnet import network

    pdata = _load(year, source, seed)
    return pdata if nature == "all" else network.subset(pdata, nature, mixed=mixed)


def subset_data(run: Run, nature: str = "all", dataset: str | None = None) -> PartnershipData:
    """The partnerships of one nature ("frontline", "administrative", "mixed" or "all")."""
    return _subset(run.year, _dataset(run, dataset), run.seed, nature, run.mixed)


@functools.lru_cache(maxsize=None)
def _network(year: int, source: str, seed: int, nature: str, mixed: str):
    from lgnet import network

    return network.build(_subset(year, source, seed, nature, mixed), analysis_table(year))


def network(run: Run, nature: str = "all", dataset: str | None = None):
    """Incidence, co-membership and degree for a run (``lgnet.network.CouncilNetwork``)."""
    return _network(run.year, _dataset(run, dataset), run.seed, nature, run.mixed)


@functools.lru_cache(maxsize=None)
def _describe(year: int, source: str, seed: int, nature: str, mixed: str) -> dict:
    from lgnet import network

    return network.describe(_subset(year, source, seed, nature, mixed), analysis_table(year))


def describe(run: Run, nature: str = "all", dataset: str | None = None) -> dict:
    """``lgnet.network.describe`` of a run's data (cached)."""
    return _describe(run.year, _dataset(run, dataset), run.seed, nature, run.mixed)


def label(run: Run, dataset: str | None = None) -> str:
    """A short label for a dataset of the run: 'documented sample', 'simulated stand-in' or the file name."""
    source = _dataset(run, dataset)
    if source == DOCUMENTED:
        return "documented sample"
    if source == SIMULATED:
        return "simulated stand-in"
    return f"file {Path(source).name}"


# --------------------------------------------------------------------------------------------------
# Display: dataset admonitions and figures with alt text
# --------------------------------------------------------------------------------------------------


class Note:
    """A Markdown note (a MyST admonition) that renders in the book and in Jupyter."""

    def __init__(self, markdown: str):
        self.markdown = markdown

    def _repr_markdown_(self) -> str:
        return self.markdown

    def __repr__(self) -> str:
        return self.markdown


def dataset_note(run: Run, needs: str = "") -> Note:
    """The box at the top of every results page: which dataset it shows and what that dataset supports.

    ``needs`` is a short phrase saying what this page's results require (e.g. "participation needs the whole
    network"); it is quoted in the box.
    """
    pdata = partnership_data(run)
    n_p, n_m = len(pdata.partnerships), len(pdata.memberships)
    page = f" On this page: {needs.rstrip('.')}." if needs else ""
    if pdata.simulated:
        title = f"Simulated data: the stand-in network for {run.year} (seed {run.seed})"
        cls = "warning"
        body = (
            f"This page runs on **simulated** partnerships: {n_p} synthetic partnerships ({n_m} memberships) over "
            f"the real councils of {run.year}, generated by `lgnet simulate` and calibrated to the article's "
            "published totals, with partner choices driven by effects *planted* by the simulator. "
            "It can show what the analyses look like at the article's scale and whether the methods recover "
            "the planted effects. **It cannot support any finding about English councils**: every pattern "
            "below was put there by the simulator." + page
        )
    elif run.partnerships == DOCUMENTED:
        title = "Real data: the documented sample of partnerships (c. 2017)"
        cls = "important"
        body = (
            f"This page runs on the **documented sample**: {n_p} real shared-service partnerships "
            f"({n_m} memberships) around 2017, compiled from public web pages, each with its source. "
            "It is a convenience sample of the 338 partnerships the article counted, leaning to "
            "well-publicised arrangements and to the south and east of England. Who partners with whom "
            "inside it is real evidence about partner selection; how many partnerships a council has, and "
            "how many councils take part at all, mostly reflect which councils publish their "
            "arrangements, so whole-network statistics are **not** comparable with the article's."
            + page
        )
    else:
        title = f"Your data: partnership file {Path(run.partnerships).name} ({run.year} councils)"
        cls = "note"
        body = (
            f"This page runs on the partnership file `{Path(run.partnerships).name}`: {n_p} partnerships "
            f"({n_m} memberships) matched to the councils of {run.year}. If the file is the complete network "
            "(for instance the LGA's full export), participation and the degree distribution are comparable "
            "with the article's; if it is a sample, only partner selection within it is." + page
        )
    return Note(f"```{{admonition}} {title}\n:class: {cls}\n{body}\n```\n")


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


# --------------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------------


def _pct(x, digits: int = 1) -> str:
    return "–" if x is None or pd.isna(x) else f"{100 * float(x):.{digits}f}%"


def _num(x, digits: int = 2) -> str:
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return "–"
    if isinstance(x, str):
        return x
    if float(x).is_integer() and abs(x) < 1e6:
        return f"{int(x)}"
    return f"{float(x):.{digits}f}"


def _p(p) -> str:
    if p is None or pd.isna(p):
        return "–"
    return "< 0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def _pv(p) -> str:
    """'p = 0.023', or 'p < 0.001' (a permutation p-value of 0 means: beyond every permutation)."""
    if p is None or pd.isna(p):
        return "p: –"
    return "p < 0.001" if float(p) < 0.001 else f"p = {float(p):.3f}"


def _var_label(variable: str) -> str:
    """The data dictionary's label of a council variable (the name itself if it has none)."""
    return _variable_labels().get(str(variable), str(variable))


def _round(df: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


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
                    "This run finds": found if isinstance(found, str) else _num(found), "Note": note})
    table = pd.DataFrame(out).set_index("Quantity")
    table.attrs["source"] = ARTICLE_SOURCE
    return table


def _comparable(run: Run) -> str:
    if run.simulated:
        return "simulated: calibrated to the article, not evidence"
    if run.partnerships == DOCUMENTED:
        return "sample: not comparable with the whole network"
    return "comparable only if the file is the whole network"


# --------------------------------------------------------------------------------------------------
# Chapter 1: the network
# --------------------------------------------------------------------------------------------------

TYPE_ORDER = ["county", "shire district", "unitary", "metropolitan district", "London borough"]


def council_counts(run: Run, participation: bool = True) -> pd.DataFrame:
    """Councils by type in the dataset year and, with ``participation``, how many of them are in at least
    one partnership of the run's dataset."""
    table = council_table(run.year)
    counts = table["type"].value_counts().reindex(TYPE_ORDER).fillna(0).astype(int)
    out = pd.DataFrame({"councils": counts})
    if participation:
        deg = network(run).degree
        active = table.assign(active=deg.reindex(table["code"]).to_numpy() > 0).groupby("type")["active"].sum()
        out[f"in ≥1 partnership ({label(run)})"] = active.reindex(TYPE_ORDER).fillna(0).astype(int)
        out["share"] = [_pct(a / c if c else np.nan) for a, c in zip(out.iloc[:, 1], out["councils"])]
        total = int(out.iloc[:, 1].sum())
        out.loc["all councils"] = [int(out["councils"].sum()), total, _pct(total / out["councils"].sum())]
    else:
        out.loc["all councils"] = [int(out["councils"].sum())]
    out.index.name = "council type"
    return out


def _overview_column(d: dict) -> dict:
    deg, size = d["degree_participants"], d["size"]
    return {
        "partnerships": d["partnerships"],
        "memberships": d["memberships"],
        "councils in the year": d["councils"],
        "councils in ≥1 partnership": d["participants"],
        "members per partnership (median)": _num(size.get("median")),
        "members per partnership (max)": _num(size.get("max")),
        "pairs of councils sharing ≥1 partnership": d["ties"],
        "density of the council network": f"{d['density']:.4f}",
        "connected groups of partnering councils": d["components"],
        "largest connected group (councils)": d["largest_component"],
    }


def overview_table(run: Run) -> pd.DataFrame:
    """Size and shape of the run's network beside the simulated stand-in and the article's totals."""
    cols = {label(run): _overview_column(describe(run))}
    if not run.simulated:
        cols["simulated stand-in"] = _overview_column(describe(run, dataset=SIMULATED))
    table = pd.DataFrame(cols).astype("string")
    table["article (2017)"] = pd.Series({"partnerships": str(ARTICLE["partnerships"]["value"]),
                                         "councils in the year": str(ARTICLE["councils"]["value"])},
                                        dtype="string").reindex(table.index).fillna("–")
    table.index.name = "statistic"
    return table


def partnership_map(run: Run, dataset: str | None = None):
    """Figure 1: the map of partnerships for the run's dataset (or ``dataset="simulated"``)."""
    pdata = partnership_data(run, dataset)
    return figures.partnership_map(boundaries(run.year), council_table(run.year), pdata,
                                   label=label(run, dataset), regions_gdf=regions())


def function_breakdown(run: Run, dataset: str | None = None):
    """Figure 2: partnerships by function and nature."""
    return figures.function_breakdown(partnership_data(run, dataset))


def nature_table(run: Run) -> pd.DataFrame:
    """Partnerships by nature: this dataset (count and share) beside the article's counts."""
    natures = partnership_data(run).partnerships["nature"].astype("string").value_counts()
    total = int(natures.sum())
    rows = []
    art_total = ARTICLE["partnerships"]["value"]
    for n in NATURES:
        k = int(natures.get(n, 0))
        a = ARTICLE[n]["value"]
        rows.append({"nature": n, label(run): k, "share": _pct(k / total if total else np.nan),
                     "article (2017)": a, "article share": _pct(a / art_total)})
    rows.append({"nature": "all", label(run): total, "share": _pct(1.0 if total else np.nan),
                 "article (2017)": art_total, "article share": _pct(1.0)})
    return pd.DataFrame(rows).set_index("nature")


def _degree_column(d: dict) -> dict:
    deg = d["degree_participants"]
    return {
        "councils in ≥1 partnership": _pct(d["participation"]),
        "fewest partnerships (participants)": _num(deg.get("min")),
        "median": _num(deg.get("median")),
        "mean": _num(deg.get("mean")),
        "most partnerships": _num(deg.get("max")),
    }


def degree_table(run: Run) -> pd.DataFrame:
    """Participation and partnerships per council: this dataset, the simulated stand-in, the article."""
    cols = {label(run): _degree_column(describe(run))}
    if not run.simulated:
        cols["simulated stand-in"] = _degree_column(describe(run, dataset=SIMULATED))
    cols["article (2017)"] = {
        "councils in ≥1 partnership": "over 97%",
        "fewest partnerships (participants)": _num(ARTICLE["degree_min"]["value"]),
        "median": _num(ARTICLE["degree_median"]["value"]),
        "mean": _num(ARTICLE["degree_mean"]["value"]),
        "most partnerships": _num(ARTICLE["degree_max"]["value"]),
    }
    table = pd.DataFrame(cols)
    table.index.name = "partnerships per council"
    return table


def degree_figure(run: Run):
    """Histogram of partnerships per council: the run's dataset beside the simulated stand-in (labelled)."""
    series = {label(run): network(run).degree}
    if not run.simulated:
        series["simulated stand-in"] = network(run, dataset=SIMULATED).degree
    return figures.degree_histogram(series)


def top_councils(run: Run, n: int = 10) -> pd.DataFrame:
    """The councils with the most partnerships in the run's dataset."""
    from lgnet import network as lgnetwork

    d = lgnetwork.describe(partnership_data(run), analysis_table(run.year), top=n)
    top = d["top_councils"].merge(council_table(run.year)[["code", "type", "region"]], on="code", how="left")
    return top.rename(columns={"degree": "partnerships"}).set_index("name")


def compare_background(run: Run) -> pd.DataFrame:
    """Chapter 1's closing table."""
    d = describe(run)
    deg = d["degree_participants"]
    by = d["partnerships_by_nature"]
    note = _comparable(run)
    return article_vs_run([
        ("councils", "councils", d["councils"], f"councils in existence on 1 April {run.year}"),
        ("partnerships", "partnerships", d["partnerships"], note),
        ("frontline", "frontline", by.get("frontline", 0), note),
        ("administrative", "administrative", by.get("administrative", 0), note),
        ("mixed", "mixed", by.get("mixed", 0), note),
        ("participation", "participation", _pct(d["participation"]), note),
        ("partnerships per council (range)", "degree_max", f"{_num(deg.get('min'))} to {_num(deg.get('max'))}",
         note),
        ("partnerships per council (median)", "degree_median", _num(deg.get("median")), note),
        ("partnerships per council (mean)", "degree_mean", _num(deg.get("mean")), note),
    ])


# --------------------------------------------------------------------------------------------------
# Chapter 2: propensity
# --------------------------------------------------------------------------------------------------


#: Dropped from the political block when it duplicates a party dummy (a single-party government, e.g. for
#: politics years after 2015: "aligned" is then the same as "controlled by the governing party").
REDUNDANT_IN_SINGLE_PARTY_GOVERNMENT = "aligned_with_government"


@functools.lru_cache(maxsize=None)
def _propensity(year: int, source: str, seed: int, nature: str, mixed: str, permutations: int):
    from lgnet import propensity

    net = _network(year, source, seed, nature, mixed)
    table = analysis_table(year)
    try:
        return propensity.propensity_models(table, net.degree, permutations=permutations, seed=seed, quiet=True)
    except propensity.PropensityInputError as exc:
        if "rank deficient" not in str(exc):
            raise
        # the book's one fallback, stated on the page: drop the alignment dummy that duplicates party control
        blocks = {b: [v for v in vs if v != REDUNDANT_IN_SINGLE_PARTY_GOVERNMENT]
                  for b, vs in propensity.BLOCKS.items()}
        res = propensity.propensity_models(table, net.degree, permutations=permutations, seed=seed,
                                           blocks=blocks, quiet=True)
        res.notes.insert(0, f"{REDUNDANT_IN_SINGLE_PARTY_GOVERNMENT} left out: with the default blocks the "
                            f"design was rank deficient ({exc})")
        return res


def propensity_notes(run: Run) -> Note:
    """The modelling choices the propensity models made (reference categories, pooled levels, fallbacks)."""
    notes = propensity_result(run).notes
    items = "\n".join(f"- {n}" for n in notes) if notes else "- none"
    return Note(f"```{{admonition}} Modelling choices in these models\n:class: dropdown\n{items}\n```\n")


def propensity_result(run: Run, dataset: str | None = None, nature: str = "all"):
    """The fitted propensity models (``lgnet.propensity.PropensityResult``), cached per run."""
    return _propensity(run.year, _dataset(run, dataset), run.seed, nature, run.mixed, run.permutations)


def propensity_variables() -> pd.DataFrame:
    """The variables of each propensity block, with their labels and source years from the data dictionary
    (definitions: the data appendix)."""
    from lgnet import attributes, propensity

    rows = [{"block": b, "variable": v} for b, vs in propensity.BLOCKS.items() for v in vs]
    table = pd.DataFrame(rows)
    try:
        dic = attributes.data_dictionary()[["variable", "label", "source_year"]]
    except (FileNotFoundError, KeyError):  # dictionary not built: show the variables alone
        return table.set_index(["block", "variable"])
    table = table.merge(dic, on="variable", how="left")
    return table.set_index(["block", "variable"])


def propensity_summary(run: Run, dataset: str | None = None, nature: str = "all") -> pd.DataFrame:
    """R², adjusted R² and the permutation p-value of R² for each block and the combined model."""
    s = propensity_result(run, dataset, nature).summary()
    out = pd.DataFrame({
        "model": s["model"], "councils": s["n"], "dropped (missing values)": s["n_dropped"],
        "terms": s["k"], "R²": s["r2"].round(3), "adjusted R²": s["adj_r2"].round(3),
        "p (R², permutation)": s["p_r2_perm"].round(3),
    }).set_index("model")
    out.attrs["method"] = str(s["method"].iloc[0]) if len(s) else ""
    out.index.name = f"model ({label(run, dataset)})"
    return out


def propensity_r2_figure(run: Run):
    """Bar chart of R² per block: run's dataset and the simulated stand-in, with the article's 5% ceiling."""
    r2 = {label(run): propensity_result(run).summary().set_index("model")["r2"]}
    if not run.simulated:
        r2["simulated stand-in"] = propensity_result(run, dataset=SIMULATED).summary().set_index("model")["r2"]
    return figures.r_squared_plot(pd.DataFrame(r2), reference=ARTICLE["propensity_r2_max"]["value"],
                                  reference_label="article: under 5%",
                                  xlabel="Variance in partnerships per council explained (R², %)")


def propensity_coefficients(run: Run, model: str = "combined", dataset: str | None = None) -> pd.DataFrame:
    """Coefficients of one propensity model with robust (HC3) and Freedman–Lane permutation p-values."""
    c = propensity_result(run, dataset).coefficients()
    c = c[c["model"] == model]
    return _round(c[["term", "estimate", "se_hc3", "p_hc3", "p_perm"]].rename(columns={
        "se_hc3": "robust SE (HC3)", "p_hc3": "p (HC3)", "p_perm": "p (Freedman–Lane)"}).set_index("term"))


def propensity_factors(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """Joint tests of the multi-level factors (council type, party control)."""
    f = propensity_result(run, dataset).factors()
    return _round(f.rename(columns={"p_hc3": "p (Wald, HC3)", "p_perm": "p (Freedman–Lane)"})
                  .set_index(["model", "variable"]))


def propensity_count_model(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """The negative binomial check of the combined model (incidence rate ratios)."""
    res = propensity_result(run, dataset)
    c = res.count_model()
    table = _round(c[["term", "estimate", "se", "p", "irr"]].rename(columns={"irr": "IRR"}).set_index("term"))
    fit = res.count_fit()
    if len(fit):
        table.attrs["pseudo_r2"] = float(fit["mcfadden_r2"].iloc[0])
    return table


def _term_row(coefs: pd.DataFrame, model: str, prefix: str) -> pd.DataFrame:
    return coefs[(coefs["model"] == model) & coefs["term"].astype("string").str.startswith(prefix)]


def _sign_p(row: pd.Series | None, p_col: str = "p_perm") -> str:
    if row is None:
        return "not estimated"
    sign = "positive" if row["estimate"] > 0 else "negative"
    return f"{sign} ({row['estimate']:.3g}), {_pv(row[p_col])}"


def compare_propensity(run: Run) -> pd.DataFrame:
    """Chapter 2's closing table."""
    res = propensity_result(run)
    s = res.summary().set_index("model")
    c = res.coefficients()
    eth = _term_row(c, "combined", "ethnic_diversity")
    met = _term_row(c, "combined", "type[metropolitan")
    fac = res.factors().set_index(["model", "variable"])
    p_type = fac["p_perm"].get(("combined", "type"), np.nan)
    others = c[(c["model"] == "combined") & c["term"].isin(
        ["log_population", "reserves_ratio", "external_income_ratio", "opportunities_30mi", "complexity",
         "aligned_with_government", "electoral_stability"])]
    sig = [t for t, p in zip(others["term"], others["p_perm"]) if p < 0.05]
    note = _comparable(run)
    best = s["r2"].idxmax()
    return article_vs_run([
        ("largest R² of any block or combined", "propensity_r2_max", f"{_pct(s['r2'].max())} ({best})", note),
        ("R² by block", "propensity_r2_max",
         ", ".join(f"{m} {_pct(v)}" for m, v in s["r2"].items()), note),
        ("ethnic diversity (combined model)", "propensity_ethnic",
         _sign_p(eth.iloc[0] if len(eth) else None), "Freedman–Lane permutation p"),
        ("council type (combined model)", "propensity_type",
         f"joint {_pv(p_type)}; metropolitan districts: {_sign_p(met.iloc[0] if len(met) else None)}",
         "against shire districts"),
        ("other resource, organisational and political variables", "propensity_null",
         "none with p < 0.05" if not sig else "p < 0.05: " + ", ".join(map(_var_label, sig)), "combined model"),
    ])


# --------------------------------------------------------------------------------------------------
# Chapter 3: partner selection
# --------------------------------------------------------------------------------------------------

#: The partner-selection models shown in chapter 3, in the article's order (names of lgnet.dyadic.MODEL_SPECS).
PARTNER_MODELS = ["proximity", "organisational", "resource", "organisational_resource", "political",
                  "political_region", "combined"]
#: The models refitted on each activity subset (chapter 4) and by logistic QAP (robustness).
SUBSET_MODELS = ["organisational", "combined"]
LOGISTIC_MODELS = ["organisational", "combined"]

TERM_LABELS = {
    "same_region": "same region", "same_county": "same county", "same_type": "same council type",
    "distance_km": "distance (km)", "log_distance": "log distance", "same_party": "same party in control",
}


@functools.lru_cache(maxsize=1)
def _variable_labels() -> dict[str, str]:
    from lgnet import attributes

    try:
        d = attributes.data_dictionary()
    except FileNotFoundError:  # no dictionary: fall back to the variable names
        return {}
    return dict(zip(d["variable"].astype(str), d["label"].astype(str)))


def _term(t: str) -> str:
    """A readable name for a dyadic predictor ('abs_diff_x' -> 'difference in <label of x>')."""
    t = str(t)
    if t in TERM_LABELS:
        return TERM_LABELS[t]
    if t.startswith("abs_diff_"):
        var = t[len("abs_diff_"):]
        label = _variable_labels().get(var, var.replace("_", " "))
        return f"difference in {label[:1].lower() + label[1:]}"
    return t


@functools.lru_cache(maxsize=None)
def _selection(year: int, source: str, seed: int, nature: str, mixed: str, permutations: int,
               models: tuple[str, ...], logistic: bool):
    from lgnet import dyadic, selection

    specs = {m: dyadic.MODEL_SPECS[m] for m in models}
    return selection.partner_selection_models(_subset(year, source, seed, nature, mixed), analysis_table(year),
                                              specs=specs, permutations=permutations, seed=seed,
                                              logistic=logistic, quiet=True)


def selection_result(run: Run, models: list[str] | None = None, nature: str = "all", logistic: bool = False,
                     dataset: str | None = None):
    """MRQAP (or logistic QAP) partner-selection models (``lgnet.selection.SelectionResult``), cached."""
    if models is None:
        models = LOGISTIC_MODELS if logistic else PARTNER_MODELS
    perms = run.logistic_permutations if logistic else run.permutations
    return _selection(run.year, _dataset(run, dataset), run.seed, nature, run.mixed, perms, tuple(models),
                      logistic)


@functools.lru_cache(maxsize=None)
def _homophily(year: int, source: str, seed: int, nature: str, mixed: str, permutations: int) -> pd.DataFrame:
    from lgnet import homophily

    net = _network(year, source, seed, nature, mixed)
    return homophily.homophily_table(net.W, analysis_table(year), permutations=permutations, seed=seed, quiet=True)


def ei_table(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """E–I index per attribute (region, county, type, party control) with its permutation test."""
    h = _homophily(run.year, _dataset(run, dataset), run.seed, "all", run.mixed, run.permutations)
    out = pd.DataFrame({
        "attribute": h["attribute"].map(lambda a: str(a).replace("_", " ")),
        "councils with ties": h["n_nodes"], "ties": h["ties"], "external (E)": h["E"], "internal (I)": h["I"],
        "E–I index": h["ei"].round(3), "expected E–I": h["ei_expected"].round(3),
        "p (homophily)": h["p_homophily"].round(3), "assortativity": h["assortativity"].round(3),
    })
    return out.set_index("attribute")


@functools.lru_cache(maxsize=None)
def _proximity(year: int, source: str, seed: int, attribute: str, n_sim: int) -> dict:
    from lgnet import homophily

    net = _network(year, source, seed, "all", "exclude")
    return homophily.intra_ties_vs_proximity(net.W_binary, analysis_table(year), attribute, seed=seed,
                                             n_sim=n_sim, quiet=True)


def proximity_table(run: Run, attributes: tuple[str, ...] = ("region", "county")) -> pd.DataFrame:
    """Ties within a region (county) observed versus expected if partners were chosen by distance alone."""
    rows = []
    caveat = ""
    for a in attributes:
        r = _proximity(run.year, run.partnerships, run.seed, a, run.permutations)
        caveat = r.get("caveat", caveat)
        rows.append({"within the same": a, "ties observed": int(r["observed"]),
                     "expected from distance alone": round(float(r["expected"]), 1),
                     "observed / expected": round(float(r["ratio"]), 2), "p (one-sided)": round(float(r["p_value"]), 3),
                     "simulations": int(r["n_sim"])})
    table = pd.DataFrame(rows).set_index("within the same")
    table.attrs["caveat"] = caveat
    return table


def partner_r2(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """R² of each MRQAP model of partner selection (valued co-membership), with councils and dyads used."""
    s = selection_result(run, dataset=dataset).summary()
    out = pd.DataFrame({
        "model": s["model"].str.replace("_", " + "),
        "predictors": s["predictors"].map(lambda p: ", ".join(_term(t.strip()) for t in str(p).split(","))),
        "councils": s["n_councils"], "dyads": s["n_dyads"], "R²": s["r_squared"].round(3),
    })
    return out.set_index("model")


def _stars(p) -> str:
    """Significance marks for permutation p-values: *** < 0.001, ** < 0.01, * < 0.05."""
    if p is None or pd.isna(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def _estimate_p(est: float, p: float) -> str:
    return f"{est:.3g} ({_pv(p)})"


def _estimate_stars(est: float, p: float) -> str:
    return f"{est:.3g}{_stars(p)}"


def partner_coefficients(run: Run, models: list[str] | None = None, dataset: str | None = None) -> pd.DataFrame:
    """MRQAP coefficients, one column per model, marked by permutation p-value (*** < 0.001, ** < 0.01,
    * < 0.05); blank where the predictor is not in the model. R² in the last row."""
    res = selection_result(run, dataset=dataset)
    c = res.coefficients()
    if models is not None:
        c = c[c["model"].isin(models)]
    c = c[c["term"] != "(intercept)"]
    cell = [_estimate_stars(e, p) for e, p in zip(c["estimate"], c["p_value"])]
    wide = c.assign(cell=cell, term=c["term"].map(_term)).pivot(index="term", columns="model", values="cell")
    order = [m for m in PARTNER_MODELS if m in wide.columns]
    terms = list(dict.fromkeys(_term(t) for t in c["term"]))
    wide = wide.reindex(index=terms, columns=order).fillna("")
    r2 = res.summary().set_index("model")["r_squared"]
    wide.loc["R²"] = [f"{r2[m]:.3f}" for m in order]
    wide.columns = [m.replace("_", " + ") for m in wide.columns]
    wide.index.name = "predictor"
    return wide


def partner_coefficient_figure(run: Run, model: str = "combined"):
    """Dot plot of one MRQAP model's t-values (scale-free, so predictors in different units compare;
    filled: permutation p < 0.05)."""
    t = selection_result(run).models[model].table()
    t = t.assign(term=t["term"].map(_term))
    return figures.coefficient_plot(t, estimate="t", xlabel="t-value of the coefficient (OLS over pairs of councils)")


def politics_region_table(run: Run) -> pd.DataFrame:
    """The same-party coefficient without and with region (and in the combined model)."""
    c = selection_result(run).coefficients()
    s = selection_result(run).summary().set_index("model")
    rows = []
    for m, what in [("political", "politics alone"), ("political_region", "politics + region"),
                    ("combined", "all predictors")]:
        r = c[(c["model"] == m) & (c["term"] == "same_party")]
        if r.empty:
            continue
        r = r.iloc[0]
        rows.append({"model": what, "same party: estimate": round(float(r["estimate"]), 4),
                     "p (permutation)": round(float(r["p_value"]), 3), "R² of the model": round(float(s.loc[m, "r_squared"]), 3)})
    return pd.DataFrame(rows).set_index("model")


def _logistic(run: Run, model: str, dataset: str | None = None):
    """Logistic QAP for one model, or the error message if the fit fails (e.g. no convergence)."""
    try:
        return selection_result(run, models=[model], logistic=True, dataset=dataset)
    except ValueError as exc:  # reported in the table, not hidden: the page says the model could not be fitted
        return str(exc)


def logistic_table(run: Run, dataset: str | None = None) -> pd.DataFrame:
    """Logistic QAP on the binary network: coefficients, odds ratios and Y-permutation p-values."""
    frames = []
    for m in LOGISTIC_MODELS:
        res = _logistic(run, m, dataset)
        if isinstance(res, str):
            frames.append(pd.DataFrame([{"model": m.replace("_", " + "), "predictor": "(model not fitted)",
                                         "estimate (log-odds)": "–", "odds ratio": "–",
                                         "p (permutation)": "–", "note": res}]))
            continue
        c = res.coefficients()
        c = c[c["term"] != "(intercept)"]
        frames.append(pd.DataFrame({
            "model": c["model"].str.replace("_", " + "), "predictor": c["term"].map(_term),
            "estimate (log-odds)": c["estimate"].round(4), "odds ratio": np.exp(c["estimate"].astype(float)).round(3),
            "p (permutation)": c["p_value"].round(3), "note": ""}))
    out = pd.concat(frames, ignore_index=True).set_index(["model", "predictor"])
    if not out["note"].astype(bool).any():
        out = out.drop(columns="note")
    out.attrs["permutations"] = run.logistic_permutations
    return out


def _coef(run: Run, model: str, term: str, nature: str = "all", dataset: str | None = None):
    c = selection_result(run, nature=nature, models=None if nature == "all" else SUBSET_MODELS,
                         dataset=dataset).coefficients()
    r = c[(c["model"] == model) & (c["term"] == term)]
    return None if r.empty else r.iloc[0]


def _coef_text(row) -> str:
    if row is None:
        return "not estimated"
    return f"{'+' if row['estimate'] > 0 else '−'}{abs(float(row['estimate'])):.3g}, {_pv(row['p_value'])}"


def compare_partner_selection(run: Run) -> pd.DataFrame:
    """Chapter 3's closing table."""
    s = selection_result(run).summary().set_index("model")
    ei = ei_table(run)
    prox = proximity_table(run)
    org = {t: _coef(run, "organisational", t) for t in ("same_region", "distance_km", "same_type", "same_county")}
    res_terms = [t for t in selection_result(run).coefficients().query("model == 'organisational_resource'")["term"]
                 if str(t).startswith("abs_diff")]
    res_sig = [(_term(t), _coef(run, "organisational_resource", t)) for t in res_terms]
    res_sig = [f"{name} ({'+' if r['estimate'] > 0 else '−'})" for name, r in res_sig
               if r is not None and r["p_value"] < 0.05]
    gain = s.loc["organisational_resource", "r_squared"] - s.loc["organisational", "r_squared"]
    note = ("real partnerships: comparable in kind" if not run.simulated
            else "simulated: effects planted by the simulator, not evidence")
    return article_vs_run([
        ("region, proximity, type together", "homophily_org",
         f"same region {_coef_text(org['same_region'])}; distance {_coef_text(org['distance_km'])}; "
         f"same type {_coef_text(org['same_type'])}", note),
        ("same county", "homophily_county",
         f"{_coef_text(org['same_county'])}; E–I {ei.loc['county', 'E–I index']:.2f} "
         f"({_pv(ei.loc['county', 'p (homophily)'])})", note),
        ("intra-region ties vs proximity alone", "intra_region",
         f"{prox.loc['region', 'ties observed']} observed vs {prox.loc['region', 'expected from distance alone']:.0f} "
         f"expected ({prox.loc['region', 'observed / expected']:.2f}×, {_pv(prox.loc['region', 'p (one-sided)'])})",
         note),
        ("resource similarity", "resources",
         ("p < 0.05: " + ", ".join(res_sig) if res_sig else "no difference term with p < 0.05")
         + f"; R² gain over the organisational model {_pct(gain)}", "negative sign = similar councils partner more"),
        ("politics without / with region", "politics",
         f"alone {_coef_text(_coef(run, 'political', 'same_party'))}; with region "
         f"{_coef_text(_coef(run, 'political_region', 'same_party'))}", note),
        ("largest R² of any model", "partner_r2_max", f"{_pct(s['r_squared'].max())} ({s['r_squared'].idxmax()})",
         note),
    ])


# --------------------------------------------------------------------------------------------------
# Chapter 4: activity subsets
# --------------------------------------------------------------------------------------------------

SUBSETS = ["all", "frontline", "administrative"]


def subset_overview(run: Run) -> pd.DataFrame:
    """Partnerships, participating councils and ties in the whole network and each activity subset."""
    rows = []
    for nature in SUBSETS:
        d = describe(run, nature=nature)
        rows.append({"subset": nature, "partnerships": d["partnerships"], "councils in ≥1": d["participants"],
                     "participation": _pct(d["participation"]), "ties (pairs)": d["ties"],
                     "members per partnership (median)": _num(d["size"].get("median")),
                     "partnerships per council (mean, participants)": _num(d["degree_participants"].get("mean"))})
    out = pd.DataFrame(rows).set_index("subset")
    out.attrs["mixed"] = run.mixed
    return out


def _subset_selection(run: Run, nature: str):
    return selection_result(run, models=None if nature == "all" else SUBSET_MODELS, nature=nature)


def subset_r2(run: Run) -> pd.DataFrame:
    """R² of propensity (combined block model) and of partner selection (MRQAP) in each subset."""
    rows = []
    for nature in SUBSETS:
        p = propensity_result(run, nature=nature).summary().set_index("model")
        s = _subset_selection(run, nature).summary().set_index("model")
        rows.append({"subset": nature, "propensity R² (combined)": round(float(p.loc["combined", "r2"]), 3),
                     "propensity R², largest block": round(float(p["r2"].max()), 3),
                     "partner selection R² (organisational)": round(float(s.loc["organisational", "r_squared"]), 3),
                     "partner selection R² (combined)": round(float(s.loc["combined", "r_squared"]), 3)})
    return pd.DataFrame(rows).set_index("subset")


def subset_coefficients(run: Run, model: str = "combined") -> pd.DataFrame:
    """One MRQAP model's coefficients in each subset, side by side: 'estimate (permutation p)'."""
    cols = {}
    for nature in SUBSETS:
        c = _subset_selection(run, nature).coefficients()
        c = c[(c["model"] == model) & (c["term"] != "(intercept)")]
        cols[nature] = pd.Series([_estimate_stars(e, p) for e, p in zip(c["estimate"], c["p_value"])],
                                 index=c["term"].map(_term).to_list())
    out = pd.DataFrame(cols).fillna("")
    out.index.name = f"predictor ({model} model)"
    return out


@functools.lru_cache(maxsize=None)
def _tie_distances(year: int, source: str, seed: int, mixed: str, permutations: int) -> tuple[pd.DataFrame, dict]:
    from lgnet import homophily

    td = homophily.tie_distances(_load(year, source, seed), analysis_table(year), mixed=mixed)
    return td, homophily.compare_tie_distances(td, permutations=permutations, seed=seed, quiet=True)


def tie_distance_table(run: Run) -> pd.DataFrame:
    """Distances between partner councils by nature, and the test of frontline against administrative."""
    td, cmp_ = _tie_distances(run.year, run.partnerships, run.seed, run.mixed, run.permutations)
    rows = [{"nature": str(r["nature"]), "ties (pairs)": int(r["n"]), "median (km)": _num(r["median_km"], 1),
             "mean (km)": _num(r["mean_km"], 1), "p (permutation)": "", "p (Mann–Whitney)": ""}
            for _, r in cmp_["summary"].iterrows()]
    rows.append({"nature": "difference of means (frontline − administrative)", "ties (pairs)": "",
                 "median (km)": "", "mean (km)": _num(cmp_["diff_means_km"], 1),
                 "p (permutation)": _p(cmp_["p_perm"]), "p (Mann–Whitney)": _p(cmp_["p_mann_whitney"])})
    out = pd.DataFrame(rows).set_index("nature").astype("string")
    out.attrs["note"] = cmp_.get("note", "")
    return out


def tie_distance_figure(run: Run):
    """Box plots of distances between partner councils by nature."""
    td, _ = _tie_distances(run.year, run.partnerships, run.seed, run.mixed, run.permutations)
    return figures.tie_distance_plot(td, group="nature", value="distance_km")


def compare_activity(run: Run) -> pd.DataFrame:
    """Chapter 4's closing table."""
    r2 = subset_r2(run)
    td, cmp_ = _tie_distances(run.year, run.partnerships, run.seed, run.mixed, run.permutations)
    s = cmp_["summary"].set_index("nature")
    more = [n for n in SUBSETS if r2.loc[n, "partner selection R² (combined)"] > r2.loc[n, "propensity R² (combined)"]]
    org = {n: _coef(run, "combined", "same_region", nature=n) for n in ("frontline", "administrative")}
    note = ("real partnerships" if not run.simulated else "simulated: effects planted by the simulator")
    return article_vs_run([
        ("partner selection more predictable than propensity", "subsets",
         f"in {len(more)} of {len(SUBSETS)} networks ({', '.join(more) or 'none'})",
         "R² of combined models; propensity needs the whole network"),
        ("same region, by subset", "subsets",
         f"frontline {_coef_text(org['frontline'])}; administrative {_coef_text(org['administrative'])}", note),
        ("median distance between partners", "distance",
         f"frontline {s.loc['frontline', 'median_km']:.0f} km, administrative {s.loc['administrative', 'median_km']:.0f} km",
         note),
        ("difference of mean distances", "distance",
         f"{cmp_['diff_means_km']:.1f} km ({_pv(cmp_['p_perm'])})", f"mixed partnerships: {run.mixed}d"),
    ])


# --------------------------------------------------------------------------------------------------
# Chapter 5: efficiency and legitimacy
# --------------------------------------------------------------------------------------------------


def _key_numbers(run: Run) -> dict:
    p = propensity_result(run).summary()
    s = selection_result(run).summary()
    ei = ei_table(run)
    prox = proximity_table(run)
    _, cmp_ = _tie_distances(run.year, run.partnerships, run.seed, run.mixed, run.permutations)
    med = cmp_["summary"].set_index("nature")["median_km"]
    return {"propensity_r2": float(p["r2"].max()), "selection_r2": float(s["r_squared"].max()),
            "ei_region": float(ei.loc["region", "E–I index"]), "ei_county": float(ei.loc["county", "E–I index"]),
            "region_ratio": float(prox.loc["region", "observed / expected"]),
            "frontline_km": float(med["frontline"]), "administrative_km": float(med["administrative"]),
            "distance_p": float(cmp_["p_perm"])}


def synthesis_table(run: Run) -> pd.DataFrame:
    """The run's key numbers from chapters 2 to 4, beside the article's."""
    k = _key_numbers(run)
    rows = [
        ("variance in propensity explained (largest R²)", _pct(k["propensity_r2"]), "under 5%", "chapter 2"),
        ("variance in partner selection explained (largest R²)", _pct(k["selection_r2"]), "at most 24%", "chapter 3"),
        ("E–I index, region (−1 = all ties within regions)", f"{k['ei_region']:.2f}", "strong regional homophily",
         "chapter 3"),
        ("E–I index, county", f"{k['ei_county']:.2f}", "intra-county ties highly significant", "chapter 3"),
        ("intra-region ties, observed / expected from distance", f"{k['region_ratio']:.2f}",
         "much more common than proximity predicts", "chapter 3"),
        ("median distance, frontline vs administrative partners",
         f"{k['frontline_km']:.0f} km vs {k['administrative_km']:.0f} km ({_pv(k['distance_p'])})",
         "frontline markedly shorter", "chapter 4"),
    ]
    return pd.DataFrame(rows, columns=["quantity", f"this run ({label(run)})", "the article", "see"]).set_index("quantity")


def interpretation(run: Run) -> Note:
    """A short reading of the run's numbers in the terms of the argument (text computed from the results)."""
    k = _key_numbers(run)
    more = k["selection_r2"] > k["propensity_r2"]
    text = (
        f"In this run council attributes explain at most {_pct(k['propensity_r2'])} of the variance in "
        f"partnerships per council, while the partner-selection models explain up to {_pct(k['selection_r2'])} "
        "of the variance in partnerships shared by pairs of councils: partner choice is "
        + ("**more** predictable than participation, as the article found. " if more else
           "**not** more predictable than participation here, unlike in the article. ")
        + f"Ties within regions are {k['region_ratio']:.1f} times as common as distance alone predicts, and "
        f"frontline partners are a median {k['frontline_km']:.0f} km apart against {k['administrative_km']:.0f} km "
        "for administrative ones."
    )
    if run.simulated:
        text += (" These are properties of the **simulated** stand-in, put there by the simulator's planted effects; "
                 "they illustrate the argument's logic and are not evidence for it.")
    elif run.partnerships == DOCUMENTED:
        text += (" On the documented sample the first number says little: partnership counts per council mostly "
                 "reflect which councils publish their arrangements. The partner-selection numbers are real "
                 "evidence, from a partial and geographically uneven sample.")
    return Note(f"```{{admonition}} This run, in brief\n:class: note\n{text}\n```\n")


def compare_conclusions(run: Run) -> pd.DataFrame:
    """Chapter 5's closing table: the article's two headline contrasts against this run."""
    k = _key_numbers(run)
    return article_vs_run([
        ("propensity: variance explained", "propensity_r2_max", _pct(k["propensity_r2"]), _comparable(run)),
        ("partner selection: variance explained", "partner_r2_max", _pct(k["selection_r2"]),
         "valued co-membership, MRQAP"),
        ("whether vs with whom", "councils' question was not whether to collaborate but with whom",
         "partner choice more predictable" if k["selection_r2"] > k["propensity_r2"] else
         "partner choice not more predictable", _comparable(run)),
        ("frontline vs administrative distance", "distance",
         f"{k['frontline_km']:.0f} km vs {k['administrative_km']:.0f} km (median)", ""),
    ])


# --------------------------------------------------------------------------------------------------
# Appendix: method validation (simulated data only)
# --------------------------------------------------------------------------------------------------

#: How the simulator's planted partner-choice effects map onto the dyadic predictors.
PLANTED_TERMS = {"same_region": "beta_region", "same_county": "beta_county", "same_type": "beta_type"}


def _planted(run: Run) -> dict[str, float]:
    """Planted log-odds effects per predictor (0 where nothing is planted), from the stand-in's metadata."""
    pdata = partnership_data(run, dataset=SIMULATED)
    eff = pdata.meta["planted_effects"]
    planted = {term: float(eff[key]) for term, key in PLANTED_TERMS.items()}
    scales = dict(eff["distance_scale_km"])
    counts = pdata.partnerships["nature"].astype("string").value_counts()
    total = sum(int(counts.get(n, 0)) for n in scales)
    # the simulator's distance decay is -1/scale per km, by nature; weighted by the partnerships of each nature
    planted["distance_km"] = -sum(int(counts.get(n, 0)) / float(s) for n, s in scales.items()) / total
    return planted


def planted_effects_table(run: Run) -> pd.DataFrame:
    """The effects planted in the simulated stand-in (log-odds of joining a partnership), and what is not."""
    pdata = partnership_data(run, dataset=SIMULATED)
    eff = pdata.meta["planted_effects"]
    rows = [{"effect": _term(t), "planted": f"{v:+.2f} log-odds", "in the simulator": f"{PLANTED_TERMS[t]}"}
            for t, v in _planted(run).items() if t in PLANTED_TERMS]
    rows.append({"effect": "distance (km)", "planted": ", ".join(f"{n}: −1/{s:g} per km"
                                                               for n, s in dict(eff["distance_scale_km"]).items()),
                 "in the simulator": "distance_scale_km"})
    rows.append({"effect": "resource differences, same party", "planted": "none",
                 "in the simulator": "not used in partner choice"})
    rows.append({"effect": "propensity: council type", "planted": "; ".join(
        f"{t} × {m:g}" for t, m in dict(eff["type_activity"]).items()), "in the simulator": "type_activity"})
    rows.append({"effect": "councils in no partnership", "planted": _pct(eff["non_participation"]),
                 "in the simulator": "non_participation"})
    return pd.DataFrame(rows).set_index("effect")


def recovery_table(run: Run) -> pd.DataFrame:
    """Planted effects against the MRQAP and logistic QAP estimates on the simulated stand-in."""
    planted = _planted(run)
    ols = selection_result(run, models=["combined"], dataset=SIMULATED).coefficients()
    logit = _logistic(run, "combined", SIMULATED)
    logit = logit.coefficients() if not isinstance(logit, str) else pd.DataFrame(
        {"term": ols["term"], "estimate": np.nan, "p_value": np.nan})
    rows = []
    for term in [t for t in ols["term"] if t != "(intercept)"]:
        o = ols[ols["term"] == term].iloc[0]
        g = logit[logit["term"] == term].iloc[0]
        p = planted.get(term, 0.0)
        if p == 0:
            verdict = "no false positive" if o["p_value"] >= 0.05 else "spurious (MRQAP p < 0.05)"
        else:
            ok = np.sign(o["estimate"]) == np.sign(p) and o["p_value"] < 0.05
            verdict = "recovered" if ok else "not recovered"
        rows.append({"effect": _term(term), "planted (log-odds)": round(p, 3) if p else 0.0,
                     "MRQAP estimate (p)": _estimate_p(o["estimate"], o["p_value"]),
                     "logistic QAP estimate (p)": ("not fitted" if pd.isna(g["estimate"])
                                                   else _estimate_p(g["estimate"], g["p_value"])),
                     "verdict": verdict})
    return pd.DataFrame(rows).set_index("effect")


def recovery_figure(run: Run):
    """Planted effects against the estimates recovered from the simulated stand-in.

    The estimates are logistic QAP log-odds (the planted effects' scale); if logistic QAP cannot be fitted,
    MRQAP t-values are shown instead and the axis label and alt text say so.
    """
    planted = _planted(run)
    logit = _logistic(run, "combined", SIMULATED)
    if isinstance(logit, str):
        c = selection_result(run, models=["combined"], dataset=SIMULATED).models["combined"].table()
        est, ylabel = c["t"], "Recovered MRQAP t-value (logistic QAP not fitted)"
    else:
        c = logit.coefficients()
        est, ylabel = c["estimate"], "Recovered logistic QAP estimate (log-odds)"
    keep = [t in PLANTED_TERMS or t in ("distance_km", "same_party") for t in c["term"]]
    table = pd.DataFrame({"term": c["term"].map(_term), "planted": [planted.get(t, 0.0) for t in c["term"]],
                          "recovered": est.astype(float)})[keep]
    fig = figures.planted_vs_recovered(table, equality=not isinstance(logit, str))
    fig.axes[0].set_xlabel("Planted effect (log-odds per unit)")
    fig.axes[0].set_ylabel(ylabel)
    fig.alt_text += f" Vertical axis: {ylabel}."
    return fig


@functools.lru_cache(maxsize=None)
def _calibration(replications: int, nodes: int, effects: tuple[float, ...], permutations: int, seed: int):
    from lgnet import qap_validation

    return qap_validation.calibration_study(n_datasets=replications, n=nodes, effects=effects,
                                            permutations=permutations, seed=seed, quiet=True)


def null_calibration_table(run: Run, replications: int = 100, nodes: int = 30,
                           effects: tuple[float, ...] = (0.0, 0.25, 0.5), permutations: int | None = None) -> pd.DataFrame:
    """Rejection rates of MRQAP (DSP), QAP (Y-permutation) and the classical t-test on simulated networks
    with network dependence (``lgnet.qap_validation``): at effect 0 the rate is the false-positive rate."""
    t = _calibration(int(replications), int(nodes), tuple(float(e) for e in effects),
                     int(permutations or run.permutations), run.seed)
    names = {"dsp": "MRQAP, double semi-partialling", "y": "QAP, Y-permutation", "classical": "classical t-test"}
    out = pd.DataFrame({
        "effect": t["effect"], "test": t["method"].map(lambda m: names.get(m, m)), "data sets": t["datasets"],
        "rejection rate": [_pct(r) for r in t["rejection_rate"]],
        "95% interval": [f"{_pct(a, 0)}–{_pct(b, 0)}" for a, b in zip(t["ci_low"], t["ci_high"])],
        "councils per network": t["n"],
        "permutations": [str(int(p)) if m != "classical" else "–" for p, m in zip(t["permutations"], t["method"])]})
    return out.set_index(["effect", "test"])


def calibration_figure(run: Run, replications: int = 100, nodes: int = 30,
                       effects: tuple[float, ...] = (0.0, 0.25, 0.5), permutations: int | None = None):
    """Rejection rate against planted effect size, per test, with the nominal 5% level."""
    t = _calibration(int(replications), int(nodes), tuple(float(e) for e in effects),
                     int(permutations or run.permutations), run.seed)
    names = {"dsp": "MRQAP (DSP)", "y": "QAP (Y-permutation)", "classical": "classical t-test"}
    return figures.rejection_rate_plot(t.assign(method=t["method"].map(lambda m: names.get(m, m))))


# --------------------------------------------------------------------------------------------------
# Appendix: data and provenance
# --------------------------------------------------------------------------------------------------


def manifest_table() -> pd.DataFrame:
    """The raw public files of the data manifest: folder, file, licence, short checksum, size, source."""
    from lgnet import paths

    m = pd.read_csv(paths.MANIFEST, dtype="string")
    out = pd.DataFrame({
        "source folder": m["folder"], "file": m["file"], "licence": m["licence"],
        "sha256 (first 12)": m["sha256"].str.slice(0, 12),
        "size (kB)": (pd.to_numeric(m["bytes"], errors="coerce") / 1000).round(0).astype("Int64"),
        "upstream": m["upstream_url"],
    })
    return out.set_index(["source folder", "file"])


def data_dictionary() -> pd.DataFrame:
    """The data dictionary of council attributes (``lgnet.attributes.data_dictionary``)."""
    from lgnet import attributes

    return attributes.data_dictionary().set_index("variable")


def attribute_gaps(year: int) -> pd.DataFrame:
    """Attribute values that could not be computed for ``year``, with the reason (``lgnet.attributes``)."""
    from lgnet import attributes

    gaps = attributes.attribute_gaps(year)
    names = council_table(year).set_index("code")["name"]
    if "code" in gaps.columns:
        gaps = gaps.assign(name=gaps["code"].map(names))
    return gaps


def council_provenance(year: int) -> pd.DataFrame:
    """How the council table of ``year`` was built (``lgnet.councils.council_provenance``), as a table."""
    from lgnet import councils

    prov = councils.council_provenance(year)
    rows = []
    for key, value in prov.items():
        if isinstance(value, (list, tuple, set, dict)) and not value:
            text = "none"
        elif isinstance(value, (list, tuple, set)):
            text = f"{len(value)}: " + ", ".join(map(str, list(value)[:8])) + (" ..." if len(value) > 8 else "")
        elif isinstance(value, dict):
            text = f"{len(value)}: " + "; ".join(f"{k}: {v}" for k, v in list(value.items())[:6]) + (
                " ..." if len(value) > 6 else "")
        else:
            text = str(value)
        rows.append({"item": str(key).replace("_", " "), "value": text})
    return pd.DataFrame(rows).set_index("item")


def documented_sample_summary() -> pd.DataFrame:
    """The documented sample in figures: partnerships, memberships, natures, dates, partial records."""
    from lgnet import partnerships

    folder = partnerships.DOCUMENTED_DIR
    p = pd.read_csv(folder / "partnerships.csv", dtype="string")
    m = pd.read_csv(folder / "memberships.csv", dtype="string")
    c = pd.read_csv(folder / "caveats.csv", dtype="string") if (folder / "caveats.csv").exists() else None
    years = pd.to_numeric(p.get("year"), errors="coerce")
    rows = {
        "partnerships": len(p),
        "memberships (council names as written)": len(m),
        "distinct council-name strings": m["council_name_as_written"].nunique(),
        "frontline / administrative / mixed": " / ".join(str(int((p["nature"] == n).sum())) for n in NATURES),
        "records with a year": f"{int(years.notna().sum())} (range {_num(years.min())}–{_num(years.max())})",
        "records with a partial member list": int((p["members_complete"].str.lower() == "false").sum()),
        "records with a caveat": 0 if c is None else int(c["partnership_id"].nunique()),
        "records with more than one source page": int(p["source_url"].str.contains(r"\|", regex=True).sum()),
    }
    return pd.DataFrame({"value": pd.Series(rows).astype("string")}).rename_axis("documented sample")


def calibration_table(run: Run) -> pd.DataFrame:
    """Targets and achieved values of the simulated stand-in for the run's year (``lgnet.simulate``)."""
    from lgnet import simulate

    return simulate.calibration_table(partnership_data(run, dataset=SIMULATED))


# --------------------------------------------------------------------------------------------------
# Cache control
# --------------------------------------------------------------------------------------------------


def clear_cache() -> None:
    """Forget every cached dataset, network and model (e.g. after the data were rebuilt)."""
    for value in list(globals().values()):
        if callable(value) and hasattr(value, "cache_clear"):
            value.cache_clear()
