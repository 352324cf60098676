"""The catalogue appendix: every record of the documented sample, searchable, with its coverage.

Functions take the run first (``run = lg.setup(partnerships="documented-all")``):
``catalogue_table`` (one row per record, human labels, members as 2017 council names, source links),
``catalogue_search`` (the same as a searchable, sortable table that works offline: itables with its
JavaScript served inside the page, and a static table for readers without JavaScript), ``catalogue_summary``
(a computed sentence), ``coverage_counts``, ``coverage_map`` (councils shaded by their number of
partnerships) and ``coverage_table`` (by region and council type).
"""

from __future__ import annotations

import html

import pandas as pd

from lgnet.book import figures
from lgnet.book.chapters import data
from lgnet.book.chapters.run import Run
from lgnet.data.evidence_sets import ALL_SET, CATEGORY_LABELS, is_documented
from lgnet.data.partnerships import DOCUMENTED_YEAR

COLUMNS = ["ID", "Name", "Function", "Nature", "Category", "Year", "Members (2017 councils)", "Sources"]


def _records(run: Run):
    """The run's documented records on 2017 geography (the catalogue shows members as 2017 councils)."""
    return data.partnerships_at(data.DataKey(DOCUMENTED_YEAR, listed_set(run), run.seed))


def listed_set(run: Run) -> str:
    """The evidence set the catalogue lists: the run's own, or every record when the run is not documented
    (a rerun with the simulated stand-in or a user's file still lists the documented sample)."""
    return run.partnerships if is_documented(run.partnerships) else ALL_SET


def source_links(text: str) -> str:
    """The ``source_url`` cell as HTML links (several separated by ' | '); a citation without an address
    is shown as text."""
    out = []
    for i, piece in enumerate(p.strip() for p in str(text).split(" | ") if p.strip()):
        if piece.startswith(("http://", "https://")):
            host = piece.split("/")[2].removeprefix("www.")
            out.append(f'<a href="{html.escape(piece, quote=True)}" target="_blank" rel="noopener">{html.escape(host)}</a>')
        else:
            out.append(html.escape(piece))
    return "<br>".join(out) if out else "no source address (see the record's caveat)"


def catalogue_table(run: Run, links: bool = True) -> pd.DataFrame:
    """One row per record: id, name, function and nature (readable), category, year, members as 2017 council
    names, and the source pages (HTML links if ``links``, else the addresses)."""
    pdata = _records(run)
    names = dict(zip(*data._council_table(DOCUMENTED_YEAR)[["code", "name"]].T.to_numpy()))
    members = (pdata.memberships.assign(council=pdata.memberships["code"].map(names))
               .groupby("partnership_id", sort=False)["council"].agg(lambda s: "; ".join(sorted(s))))
    p = pdata.partnerships
    year = p["year"].astype("string").fillna("").replace("", "undated")
    table = pd.DataFrame({
        "ID": p["partnership_id"],
        "Name": p["name"],
        "Function": p["function"].map(figures.function_label),
        "Nature": p["nature"].str.capitalize(),
        "Category": p["category"].map(lambda c: CATEGORY_LABELS.get(c, c)).str.capitalize(),
        "Year": year,
        "Members (2017 councils)": p["partnership_id"].map(members).fillna(""),
        "Sources": p["source_url"].map(source_links) if links else p["source_url"],
    })
    return table.reset_index(drop=True)


def _itables_assets() -> str:
    """itables' DataTables bundle and its start-up code, for pages read offline (no script from elsewhere)."""
    from itables import javascript as js

    init = js.read_package_file("html/init_datatables.html")
    connected_import = "import { set_or_remove_dark_class } from '" + js.UNPKG_DT_BUNDLE_URL_NO_VERSION + "';"
    local_import = "const { set_or_remove_dark_class } = await window." + js._itables_underscore_version() + ";"
    init = js.replace_value(init, connected_import, local_import)
    return init + js.generate_init_offline_itables_html(js.opt.dt_bundle)


def catalogue_html(run: Run) -> str:
    """The catalogue as one HTML fragment: a searchable, sortable table (itables, assets inline) whose static
    fallback lists every record too."""
    from itables import javascript as js

    table = catalogue_table(run)
    body = js.to_html_datatable(
        table, connected=False, allow_html=True, display_logo_when_loading=False, showIndex=False,
        pageLength=25, lengthMenu=[10, 25, 50, 100, 500], maxBytes=0, classes="display compact lgnet-catalogue",
        caption="Every record of the documented sample (type in the search box to filter)",
        autoWidth=False, columnDefs=column_widths(list(table.columns)),
    )
    return _itables_assets() + f'<div class="lgnet-catalogue-box">{body}</div>'


#: Widths of the catalogue's columns (shares of the table, which fits its column at 1280 px; long names and
#: the members wrap between words).
WIDTHS = {"ID": "6%", "Name": "17%", "Function": "11%", "Nature": "12%", "Category": "9%", "Year": "8%",
          "Members (2017 councils)": "25%", "Sources": "12%"}


def column_widths(columns: list[str]) -> list[dict]:
    """DataTables ``columnDefs`` giving each catalogue column its width (:data:`WIDTHS`)."""
    return [{"targets": [i], "width": WIDTHS[c]} for i, c in enumerate(columns) if c in WIDTHS]


def catalogue_search(run: Run):
    """The searchable catalogue for a notebook cell (IPython HTML)."""
    from IPython.display import HTML

    return HTML(catalogue_html(run))


def coverage_counts(run: Run) -> pd.Series:
    """Number of the run's documented partnerships per 2017 council (GSS code; every council, 0 if none)."""
    pdata = _records(run)
    councils = data._council_table(DOCUMENTED_YEAR)
    counts = pdata.memberships.groupby("code")["partnership_id"].nunique()
    return councils.set_index("code").index.to_series().map(counts).fillna(0).astype(int)


def coverage_what(run: Run) -> str:
    """What the coverage map counts, truthfully: records of the listed evidence set (not all of them are
    partnerships: the all set includes plans, strategic partnerships and statutory bodies)."""
    name = listed_set(run)
    short = {"documented-strict": "strict", "documented": "default", "documented-all": "all"}.get(name, name)
    return f"records of the {short} set ({name})"


def coverage_map(run: Run):
    """Figure: 2017 councils shaded by their number of records of the listed evidence set (EPSG:27700), with
    region labels, the London inset and alt text."""
    return figures.coverage_map(data._boundaries(DOCUMENTED_YEAR), coverage_counts(run), regions_gdf=data.regions(run),
                                what=coverage_what(run))


def coverage_table(run: Run) -> pd.DataFrame:
    """Coverage by region and council type: councils, and for each evidence set the share of councils in at
    least one of its records; median and largest number of records per council in the run's set."""
    from lgnet.data.evidence_sets import EVIDENCE_SETS

    councils = data._council_table(DOCUMENTED_YEAR).copy()
    councils["type"] = councils["type"].str.capitalize()
    councils["n"] = councils["code"].map(coverage_counts(run)).fillna(0).astype(int)
    for name in EVIDENCE_SETS:
        other = Run(DOCUMENTED_YEAR, name, run.seed)
        councils[name] = councils["code"].map(coverage_counts(other)).fillna(0).astype(int) > 0

    def summarise(group: pd.DataFrame) -> dict:
        row = {"Councils": len(group)}
        for name in EVIDENCE_SETS:
            row[f"In {name} (%)"] = round(100 * group[name].mean(), 1)
        row[f"Median per council ({listed_set(run)})"] = float(group["n"].median())
        row[f"Most ({listed_set(run)})"] = int(group["n"].max())
        return row

    rows = []
    for by, label in (("region", "Region"), ("type", "Council type")):
        for value, group in councils.groupby(by, sort=True):
            rows.append({"Grouping": label, "Group": value, **summarise(group)})
    rows.append({"Grouping": "All", "Group": "England", **summarise(councils)})
    table = pd.DataFrame(rows)
    table.attrs["caption"] = ("Coverage of the documented sample by region and council type (councils of "
                              f"{DOCUMENTED_YEAR}): the share of councils in at least one record of each evidence "
                              "set, and records per council in this page's set.")
    return table


def catalogue_intro(run: Run):
    """:func:`catalogue_summary` as Markdown for a notebook cell."""
    from IPython.display import Markdown

    return Markdown(catalogue_summary(run))


def catalogue_summary(run: Run) -> str:
    """A sentence with the computed counts of the catalogue."""
    pdata = _records(run)
    e = pdata.meta["evidence_set"]
    counts = coverage_counts(run)
    by_category = pdata.partnerships["category"].value_counts()
    parts = ", ".join(f"{n} {CATEGORY_LABELS.get(c, c)}" for c, n in by_category.items())
    no_source = int((~pdata.partnerships["source_url"].str.contains("http", na=False)).sum())
    note = "" if is_documented(run.partnerships) else (
        f"This run uses {run.partnerships}; the catalogue lists every record of the documented sample. ")
    return note + (f"The catalogue lists {e['partnerships']} records ({parts}) with {e['memberships']} memberships; "
            f"{int((counts > 0).sum())} of the {len(counts)} councils of {DOCUMENTED_YEAR} appear in at least one. "
            f"{no_source} record(s) have no source address, as their caveats explain.")
