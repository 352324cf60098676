"""The one table-styling function of the book (lgnet.book.chapters.tables)."""

import numpy as np
import pandas as pd

from lgnet.book.chapters import tables


def test_human_labels_for_variables_terms_and_factor_levels(monkeypatch):
    monkeypatch.setattr(tables, "_dictionary", lambda: {"opportunities_30mi": "Councils within 30 miles",
                                                        "party_control": "Party control"})
    assert tables.human("opportunities_30mi") == "Councils within 30 miles"
    assert tables.human("party_control[LAB]") == "Party control: Labour"
    assert tables.human("C(party_control)[T.CON]") == "Party control: Conservative"
    assert tables.human("same_region") == "same region"
    assert tables.human("source_year") == "Source year"
    assert tables.human("Already readable") == "Already readable"


def test_numbers_rounded_and_never_zero_when_not_zero():
    assert tables.number(353.0) == "353"
    assert tables.number(0.01234) == "0.012"
    assert tables.number(0.0004) == "4.0e-04"
    assert tables.number(12.345) == "12.3"
    assert tables.number(2.345) == "2.35"   # noqa: PLR2004
    assert tables.number(float("nan")) == "–"
    assert tables.number(123456.7) == "123,457"


def test_index_becomes_columns_without_empty_header_row_and_nan_explained(monkeypatch):
    monkeypatch.setattr(tables, "_dictionary", lambda: {"log_population": "Log population"})
    df = pd.DataFrame({"estimate": [0.5, np.nan], "p (HC3)": ["0.010", "–"]},
                      index=pd.Index(["log_population", "same_region"], name="term"))
    df.attrs["table"] = "propensity_coefficients"
    md = tables.book_table(df)
    assert md.startswith("````{list-table} Coefficients of the combined propensity model.")
    assert ":name: tbl-propensity-coefficients" in md and ":header-rows: 1" in md
    assert "* - Term\n  - Estimate\n  - p (HC3)" in md  # one header row: the index name is a column
    assert "Log population" in md and "log\\_population" not in md and "NaN" not in md
    assert "HC3: a classical p-value" in md  # specialist column explained under the table
    assert "–: no value" in md


def test_names_are_unique_per_page_and_follow_the_dataset():
    tables._used_names.clear()
    a = pd.DataFrame({"x": [1]}, index=["a"])
    a.attrs.update(table="propensity_summary")
    b = a.copy()
    b.attrs.update(table="propensity_summary", dataset="simulated")
    names = [tables._name(a), tables._name(b), tables._name(a)]
    assert names == ["tbl-propensity-summary", "tbl-propensity-summary-simulated", "tbl-propensity-summary-2"]


def test_markdown_special_characters_are_escaped():
    df = pd.DataFrame({"estimate": ["0.12**", "$5 | 6"]}, index=pd.Index(["a", "b"], name="term"))
    df.attrs["table"] = "x"
    md = tables.book_table(df)
    assert "0.12\\*\\*" in md and "\\$5 \\| 6" in md


def test_comparison_tables_name_their_source():
    df = pd.DataFrame({"The article reports": ["338"], "This run finds": ["153"]},
                      index=pd.Index(["partnerships"], name="Quantity"))
    df.attrs.update(table="compare_background", source="Dixon & Elston (2020), LSE British Politics and Policy blog")
    md = tables.book_table(df)
    assert "What the article reports beside what this run finds." in md
    assert "* - Quantity\n  - The article reports (blog, 2020b)" in md
    assert "quoted from the authors' blog summary, Dixon and Elston (2020b)" in md
    df.attrs.update(source_key="article")
    assert "The article reports (journal article, 2020a)" in tables.book_table(df)


def test_helpers_tag_their_tables():
    import lgnet_helpers as lg

    df = lg.propensity_variables()
    assert df.attrs["table"] == "propensity_variables"
    md = tables.book_table(df)
    assert "opportunities\\_30mi" not in md and "opportunities_30mi" not in md


def test_a_name_column_that_repeats_its_label_column_is_dropped(monkeypatch):
    monkeypatch.setattr(tables, "_dictionary", lambda: {"log_population": "Log population"})
    df = pd.DataFrame({"variable": ["log_population"], "label": ["Log population"], "year": ["2017"]})
    assert list(tables.tidy(df).columns) == ["Variable", "Year"]


def test_tables_shown_on_several_pages_are_numbered_without_a_label():
    df = pd.DataFrame({"x": [1]}, index=pd.Index(["a"], name="row"))
    df.attrs["table"] = "council_counts"
    md = tables.book_table(df)
    assert md.startswith("````{list-table}") and ":name:" not in md


def test_addresses_become_short_links_and_variable_columns_are_labelled(monkeypatch):
    monkeypatch.setattr(tables, "_dictionary", lambda: {"type": "Council type"})
    df = pd.DataFrame({"variable": ["type"], "upstream": ["https://example.org/a/b/c/file_x.csv"]})
    df.attrs["table"] = "manifest_table"
    md = tables.book_table(df)
    assert "[example.org/…/file\\_x.csv](https://example.org/a/b/c/file_x.csv)" in md
    assert "  - Council type" in md or "* - Council type" in md


def test_raw_names_in_free_text_become_labels(monkeypatch):
    monkeypatch.setattr(tables, "_dictionary", lambda: {"aligned_with_government": "Aligned with national government",
                                                        "party_control": "Party control", "type": "Council type"})
    text = "political: aligned_with_government left out: beside party_control, type; `party_control` in code"
    assert tables.relabel_text(text) == ("political: aligned with national government left out: beside party "
                                         "control, type; `party_control` in code")
    df = pd.DataFrame({"note": [text]})
    df.attrs["table"] = "x"
    assert "party\\_control" not in tables.book_table(df).split("`")[0]


def test_every_dictionary_name_in_a_cell_is_labelled(monkeypatch):
    """A cell holding a variable name of the dictionary shows its label, even a one-word name ('complexity' in
    the coefficient table of chapter 2); a name whose label is only its capitalised self stays as written."""
    monkeypatch.setattr(tables, "_dictionary", lambda: {"complexity": "Service breadth (complexity)",
                                                        "county": "County", "log_population": "Log population"})
    df = pd.DataFrame({"estimate": [0.1, 0.2, 0.3]},
                      index=pd.Index(["complexity", "county", "log_population"], name="term"))
    df.attrs["table"] = "propensity_coefficients"
    body = tables.tidy(df)
    assert body["Term"].tolist() == ["Service breadth (complexity)", "county", "Log population"]
    assert tables.relabel_text("organisational complexity") == "organisational complexity"  # prose: a word


def test_manifest_table_one_row_per_source_and_a_compact_file_list():
    """The data appendix's file list: one row per source folder (readable name, files, size, licence once,
    repository), and the per-file list (file, short checksum, size) as a second table."""
    import lgnet_helpers as lg
    from lgnet.data import paths

    m = pd.read_csv(paths.MANIFEST, dtype=str)
    by_source = lg.manifest_table()
    assert len(by_source) == m["folder"].nunique()
    assert by_source["files"].sum() == len(m)
    assert list(by_source.columns) == ["files", "total size (MB)", "licence", "upstream"]
    assert not any("_" in str(name) for name in by_source.index)  # readable names, not folder names
    assert all(u.startswith("https://github.com/") for u in by_source["upstream"] if "githubusercontent" not in u)
    files = lg.manifest_table(files=True)
    assert len(files) == len(m) and list(files.columns) == ["sha256 (first 12)", "size (kB)"]
    assert files["sha256 (first 12)"].str.len().eq(12).all()
    md = tables.book_table(by_source)
    assert "Mysociety" not in md and "mySociety register" in md


def test_captions_fit_their_table():
    import lgnet_helpers as lg

    run = lg.setup(permutations=19)
    assert "partnership" in tables.caption(lg.council_counts(run))
    assert "partnership" not in tables.caption(lg.council_counts(run, participation=False))


def test_a_page_named_in_a_cell_or_note_becomes_a_link():
    from lgnet.book.chapters import tables

    df = pd.DataFrame({"verdict": ["differs; not counted: a known false positive (see the method-validation "
                                   "appendix)"]})
    md = tables.book_table(df)
    assert "[method-validation appendix](appendix_validation.ipynb)" in md
    assert tables.link_pages("a b c") == "a b c"
