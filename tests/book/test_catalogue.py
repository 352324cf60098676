"""The catalogue appendix: every record listed with its members and source links, offline search, coverage."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import lgnet_helpers as lg
from lgnet.data.partnerships import DOCUMENTED_DIR

pytestmark = pytest.mark.usefixtures("raw_data")


@pytest.fixture(scope="module")
def run(raw_data):
    return lg.setup(year=2017, partnerships="documented-all")


def _files():
    return (pd.read_csv(DOCUMENTED_DIR / "partnerships.csv", dtype=str, keep_default_na=False),
            pd.read_csv(DOCUMENTED_DIR / "memberships.csv", dtype=str, keep_default_na=False))


def test_every_record_is_listed_with_its_members_and_links(run):
    p, m = _files()
    table = lg.catalogue_table(run)
    assert list(table["ID"]) == list(p["partnership_id"])  # every record, in file order
    sizes = m.groupby("partnership_id").size()
    listed = table.set_index("ID")["Members (2017 councils)"].str.split("; ").map(len)
    assert (listed == sizes.reindex(listed.index)).all()  # one 2017 council per membership, none lost
    for pid, urls in zip(p["partnership_id"], p["source_url"]):
        cell = table.set_index("ID").at[pid, "Sources"]
        for url in (u.strip() for u in urls.split(" | ") if u.strip().startswith("http")):
            assert f'href="{url.replace("&", "&amp;")}"' in cell, (pid, url)
    assert "no source address" in table.set_index("ID").at["N024", "Sources"]  # the one record without an address
    assert not table["Function"].str.contains("_").any()  # human labels


def test_catalogue_html_is_searchable_offline_and_complete(run):
    page = lg.catalogue_html(run)
    p, _ = _files()
    for pid in p["partnership_id"]:
        assert pid in page
    scripts = re.findall(r"<script[^>]*\bsrc\s*=\s*[\"']?([^\"' >]+)", page)
    assert not [s for s in scripts if s.startswith(("http:", "https:", "//"))]
    assert not re.findall(r"import[^;]*from\s*['\"](?:https?:)?//", page)  # no module fetched from elsewhere
    assert "DataTable" in page or "ITable" in page


def test_other_sets_and_datasets(raw_data):
    strict = lg.catalogue_table(lg.setup(partnerships="documented-strict"))
    p, _ = _files()
    assert set(strict["ID"]) == set(p.loc[p["category"] == "shared_service", "partnership_id"])
    simulated = lg.setup(partnerships="simulated")
    assert len(lg.catalogue_table(simulated)) == len(p)  # a simulated rerun still lists the sample
    assert "every record of the documented sample" in lg.catalogue_summary(simulated)


def test_coverage_map_and_table(run):
    counts = lg.coverage_counts(run)
    assert len(counts) == 353 and (counts > 0).all()
    fig = lg.coverage_map(run)
    assert "shaded by their number" in fig.alt_text
    assert fig.axes[0].get_xlabel().startswith("Easting (km")
    table = lg.coverage_table(run)
    england = table[table["Group"] == "England"].iloc[0]
    assert england["Councils"] == 353 and england["In documented-all (%)"] == 100.0
    assert table.loc[table["Grouping"] == "Region", "Councils"].sum() == 353
    assert table.loc[table["Grouping"] == "Council type", "Councils"].sum() == 353


def test_catalogue_fits_its_column(run):
    """Every column has a width share and the shares add up to the table (members widest); the book's CSS keeps
    the DataTables table a real, fixed-layout table whose cells wrap between words."""
    from lgnet.book.chapters import catalogue
    from lgnet.data import paths

    cols = list(lg.catalogue_table(run).columns)
    defs = catalogue.column_widths(cols)
    assert [d["targets"][0] for d in defs] == list(range(len(cols)))
    shares = {cols[d["targets"][0]]: float(d["width"].rstrip("%")) for d in defs}
    assert sum(shares.values()) == 100 and max(shares, key=shares.get) == "Members (2017 councils)"
    page = lg.catalogue_html(run)
    assert "lgnet-catalogue" in page and '"autoWidth": false' in page.replace("False", "false")
    css = (paths.ROOT / "_static" / "lgnet.css").read_text(encoding="utf-8")
    assert "table.dataTable.lgnet-catalogue" in css and "table-layout: fixed" in css
