"""The rerun machinery (lgnet.book.runbook, `lgnet run`) on tiny fixture books built in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
import yaml

from lgnet.cli import entry as cli
from lgnet.book import runbook
from lgnet.data.errors import LgnetError

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a2a5b1e20000000049454e44ae426082"
)


def _notebook(parameters: str, *body: str, title: str = "A chapter") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nSome words.")]
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    cells.append(params)
    cells += [nbformat.v4.new_code_cell(src) for src in body]
    nb.cells = cells
    return nb


RECORD = (
    "import json, pathlib\n"
    "pathlib.Path('seen-{name}.json').write_text(json.dumps({{k: v for k, v in globals().items() "
    "if k in ('year', 'partnerships', 'permutations', 'seed', 'subset')}}))"
)


def make_book(root: Path, *, failing: bool = False) -> Path:
    """A two-chapter Jupyter Book: intro.md, two notebooks, a bibliography and an image."""
    book = root / "book"
    (book / "images").mkdir(parents=True)
    (book / "images" / "dot.png").write_bytes(PNG_1x1)
    (book / "references.bib").write_text(
        "@article{dixon2020,\n  author = {Dixon, Ruth and Elston, Thomas},\n"
        "  title = {Efficiency and legitimacy},\n  journal = {Public Administration},\n  year = {2020}\n}\n"
    )
    (book / "intro.md").write_text(
        "# Fixture book\n\nA tiny book {cite}`dixon2020`.\n\n"
        "```{image} images/dot.png\n:alt: a single dot\n```\n"
    )
    (book / "refs.md").write_text("# References\n\n```{bibliography}\n```\n")
    (book / "scratch.ipynb").write_text(nbformat.writes(_notebook("x = 1", title="Not in the toc")))
    one = _notebook(
        "year = 2017\npartnerships = 'documented'\npermutations = 999",
        RECORD.format(name="one"),
        "print(f'This page shows the {partnerships} dataset for {year}.')",
        title="Chapter one",
    )
    body = ["import math\nvalue = math.sqrt(seed)"]
    if failing:
        body.append("raise ValueError('planted failure in chapter two')")
    two = _notebook("year = 2017\nseed = 1\nsubset = 'all'", RECORD.format(name="two"), *body, title="Chapter two")
    nbformat.write(one, book / "01_one.ipynb")
    nbformat.write(two, book / "02_two.ipynb")
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nparts:\n  - caption: Chapters\n    chapters:\n"
        "      - file: book/01_one\n      - file: book/02_two.ipynb\n      - file: book/refs\n"
    )
    (root / "_config.yml").write_text(
        "title: Fixture book\nauthor: tests\nonly_build_toc_files: true\n"
        "execute:\n  execute_notebooks: force\nbibtex_bibfiles:\n  - book/references.bib\n"
        "exclude_patterns: [_build, runs]\n"
    )
    return root


@pytest.fixture
def book(tmp_path):
    return make_book(tmp_path / "src")


# ---------------------------------------------------------------------------------------------


def test_toc_lists_pages_in_order_and_resolves_suffixes(book):
    pages = runbook.toc_entries(book)
    assert pages == [Path("book/intro.md"), Path("book/01_one.ipynb"), Path("book/02_two.ipynb"), Path("book/refs.md")]
    assert [c.name for c in runbook.chapter_notebooks(book)] == ["01_one.ipynb", "02_two.ipynb"]


def test_toc_entry_without_file_is_named(book):
    (book / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n  - file: book/99_missing\n")
    with pytest.raises(LgnetError, match="99_missing"):
        runbook.toc_entries(book)


def test_only_declared_parameters_are_passed(book):
    wanted = {"year": 2019, "partnerships": "simulated", "permutations": 19, "seed": None}
    assert runbook.parameters_for(book / "book/01_one.ipynb", wanted) == {
        "year": 2019, "partnerships": "simulated", "permutations": 19,
    }
    assert runbook.parameters_for(book / "book/02_two.ipynb", wanted) == {"year": 2019}


def test_dataset_slugs_and_labels(tmp_path):
    assert runbook.dataset_slug("documented") == "documented"
    assert runbook.dataset_slug("simulated") == "simulated"
    assert runbook.dataset_slug(tmp_path / "lga_export.xlsx") == "lga_export"
    assert runbook.dataset_label("simulated") == "simulated stand-in"


def test_documented_with_another_year_fails_before_running(book, tmp_path):
    out = tmp_path / "never"
    with pytest.raises(LgnetError) as info:
        runbook.run_book(year=2016, partnerships="documented", out=out, book_root=book, quiet=True)
    message = str(info.value)
    assert "2017" in message and "--partnerships simulated" in message and "PATH" in message
    assert not out.exists()


@pytest.mark.parametrize("year", [2013, 2027])
def test_year_outside_the_data_fails_before_running(book, tmp_path, year):
    """Not a papermill failure in the first chapter after a wait: the year is checked up front."""
    out = tmp_path / "never"
    with pytest.raises(LgnetError) as info:
        runbook.run_book(year=year, partnerships="simulated", out=out, book_root=book, quiet=True)
    assert f"year {year}" in str(info.value) and "2014..2026" in str(info.value)
    assert not out.exists()


def test_missing_partnership_file_is_an_error(book, tmp_path):
    with pytest.raises(LgnetError, match="does not exist"):
        runbook.run_book(year=2019, partnerships=str(tmp_path / "nope.csv"), book_root=book,
                         out=tmp_path / "o", quiet=True)


def test_unknown_extra_parameter_is_an_error(book, tmp_path):
    with pytest.raises(LgnetError, match="bogus"):
        runbook.run_book(book_root=book, out=tmp_path / "o", quiet=True, parameters={"bogus": 1})


def test_run_writes_layout_and_passes_parameters(book, tmp_path):
    out = tmp_path / "runs" / "2019-simulated"
    result = runbook.run_book(
        year=2019, partnerships="simulated", permutations=19, seed=7, out=out, build=False,
        quiet=True, book_root=book, parameters={"subset": "frontline"},
    )
    assert result.out == out.resolve()
    assert result.dataset == "simulated"
    assert [p.name for p in result.notebooks] == ["01_one.ipynb", "02_two.ipynb"]
    assert set(result.timings) == {"01_one.ipynb", "02_two.ipynb"}
    # what each notebook saw (written by the notebook itself, in its own folder)
    seen_one = json.loads((out / "book" / "seen-one.json").read_text())
    seen_two = json.loads((out / "book" / "seen-two.json").read_text())
    assert seen_one == {"year": 2019, "partnerships": "simulated", "permutations": 19}
    assert seen_two == {"year": 2019, "seed": 7, "subset": "frontline"}
    # the injected cell holds only declared names
    executed = nbformat.read(out / "book" / "02_two.ipynb", as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "permutations" not in injected[0].source and "partnerships" not in injected[0].source
    assert any("simulated dataset for 2019" in o.get("text", "")
               for c in nbformat.read(out / "book" / "01_one.ipynb", as_version=4).cells
               for o in c.get("outputs", []))
    # pages, bibliography and images copied; sources untouched; stray notebooks left out
    for rel in ("book/intro.md", "book/refs.md", "book/references.bib", "book/images/dot.png", "_toc.yml"):
        assert (out / rel).is_file(), rel
    assert not (out / "book" / "scratch.ipynb").exists()
    assert not any(o.get("outputs") for o in nbformat.read(book / "book/01_one.ipynb", as_version=4).cells)
    config = yaml.safe_load((out / "_config.yml").read_text())
    assert config["execute"]["execute_notebooks"] == "off"
    assert "2019" in config["title"] and "simulated" in config["title"]
    assert config["bibtex_bibfiles"] == ["book/references.bib"]
    marker = json.loads((out / runbook.RUN_MARKER).read_text())
    assert marker["status"] == "executed" and marker["parameters"]["02_two.ipynb"]["seed"] == 7


def test_partnership_path_is_passed_absolute_and_names_the_folder(book, tmp_path, monkeypatch):
    data = tmp_path / "my_export.csv"
    data.write_text("name,members\n")
    monkeypatch.chdir(tmp_path)
    result = runbook.run_book(year=2021, partnerships="my_export.csv", out=tmp_path / "o", build=False,
                              quiet=True, book_root=book)
    assert result.dataset == "my_export"
    assert result.parameters["01_one.ipynb"]["partnerships"] == str(data.resolve())


def test_default_out_folder_is_under_runs(book, tmp_path, monkeypatch):
    monkeypatch.setattr(runbook.paths, "RUNS", tmp_path / "runs")
    result = runbook.run_book(year=2017, build=False, quiet=True, book_root=book)
    assert result.out == (tmp_path / "runs" / "2017-documented").resolve()


def test_failure_names_chapter_and_cell(tmp_path):
    book = make_book(tmp_path / "src", failing=True)
    with pytest.raises(LgnetError) as info:
        runbook.run_book(out=tmp_path / "o", build=False, quiet=True, book_root=book)
    message = str(info.value)
    # cell 1 is the title, 2 the parameters, 3 the record, 4 the sqrt, 5 the planted failure
    assert "chapter 02_two.ipynb, cell 5: ValueError: planted failure in chapter two" in message
    assert "raise ValueError" in message


def test_refuses_to_overwrite_a_folder_that_is_not_a_run(book, tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("keep me")
    with pytest.raises(LgnetError, match="not an earlier lgnet run"):
        runbook.run_book(out=out, build=False, quiet=True, book_root=book)
    assert (out / "thesis.tex").read_text() == "keep me"
    with pytest.raises(LgnetError, match="overwrite the book"):
        runbook.run_book(out=book, build=False, quiet=True, book_root=book)
    with pytest.raises(LgnetError, match="inside the book folder book"):
        runbook.run_book(out=book / "book" / "run", build=False, quiet=True, book_root=book)
    assert not (book / "book" / "run").exists()


def test_a_rerun_replaces_an_earlier_run(book, tmp_path):
    out = tmp_path / "o"
    runbook.run_book(out=out, build=False, quiet=True, book_root=book)
    (out / "book" / "leftover.txt").write_text("old")
    runbook.run_book(out=out, build=False, quiet=True, book_root=book, seed=3)
    assert not (out / "book" / "leftover.txt").exists()


def test_cli_run_help_and_error(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["run", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--year", "--partnerships", "--permutations", "--seed", "--out", "--no-build", "--quiet"):
        assert option in text
    assert cli.main(["run", "--year", "2016", "--quiet"]) == 2
    assert "--partnerships simulated" in capsys.readouterr().err


@pytest.mark.slow
def test_variant_builds_as_its_own_book(book, tmp_path, capsys, monkeypatch):
    """Execute and build a tiny variant with jupyter-book (execution off in the variant)."""
    monkeypatch.setattr(runbook.paths, "ROOT", book)
    out = tmp_path / "variant"
    code = cli.main(["run", "--year", "2018", "--partnerships", "simulated", "--seed", "2", "--out", str(out),
                     "--quiet", "--strict"])
    printed = capsys.readouterr().out
    assert code == 0
    index = out / "_build" / "html" / "index.html"
    assert index.is_file()
    assert f"HTML book: {index.resolve()}" in printed and "01_one.ipynb" in printed
    chapter = (out / "_build" / "html" / "book" / "01_one.html").read_text()
    assert "simulated dataset for 2018" in chapter  # executed output, not re-executed
    intro = (out / "_build" / "html" / "book" / "intro.html").read_text()
    assert "Fixture book (2018, simulated stand-in)" in intro  # the variant's title
    assert "dot.png" in intro and "Dixon" in (out / "_build" / "html" / "book" / "refs.html").read_text()


@pytest.mark.slow
def test_variant_build_warnings_are_reported_and_strict_fails(book, tmp_path):
    (book / "book" / "intro.md").write_text("# Fixture book\n\nSee {doc}`no_such_page`.\n")
    result = runbook.run_book(out=tmp_path / "lenient", quiet=True, book_root=book)
    assert result.html_index.is_file()
    assert any("no_such_page" in w for w in result.build_warnings)
    with pytest.raises(LgnetError, match="jupyter-book build .* failed"):
        runbook.run_book(out=tmp_path / "strict", quiet=True, book_root=book, strict=True)


@pytest.mark.notebooks
@pytest.mark.slow
def test_real_book_reruns_for_2019_on_the_simulated_stand_in(raw_data, tmp_path):
    """`lgnet run --year 2019 --partnerships simulated` on the real book, with the smallest settings:
    every chapter executes, the variant builds standalone with warnings as errors, every results page
    says it is simulated, and (where Chromium is installed) its HTML passes the browser check."""
    import os

    from lgnet.book import htmlcheck

    small = {"logistic_permutations": 9, "replications": 10, "calibration_nodes": 12}
    declared = {n for ch in runbook.chapter_notebooks() for n in runbook.declared_parameters(ch.source)}
    out = tmp_path / "2019-simulated"
    result = runbook.run_book(year=2019, partnerships="simulated", permutations=19, out=out, quiet=True,
                              strict=True, parameters={k: v for k, v in small.items() if k in declared})
    assert result.html_index.is_file()
    assert [p.name for p in result.notebooks] == [c.name for c in runbook.chapter_notebooks()]
    index = json.loads((out / "results.json").read_text())  # every chapter's tables as CSV
    assert {t["chapter"] for t in index["tables"]} >= {"02_propensity", "03_partner_selection"}
    assert all((out / t["file"]).is_file() and t["year"] == 2019 for t in index["tables"])
    for notebook in result.notebooks:
        nb = nbformat.read(notebook, as_version=4)
        shown = "\n".join(str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells for o in c.get("outputs", []))
        if any("dataset_note(" in c.source for c in nb.cells if c.cell_type == "code"):
            assert "simulated" in shown.lower() and "2019" in shown, f"{notebook.name}: no simulated-2019 statement"
    if htmlcheck.find_chromium() and os.environ.get("LGNET_SKIP_BROWSER") != "1":
        report = htmlcheck.check_book(out / "_build" / "html", out)
        assert report.ok, report.summary()


# --- tables as CSV, --chapters, quiet kernel shutdown, --aliases (issue 11) ----------------------------

TABLES = (
    "import os\n"
    "import lgnet_helpers as lg\n"
    "pathlib.Path('aliases-seen.txt').write_text(os.environ.get('LGNET_ALIASES', ''))\n"
    "lg.manifest_table()\n"
)
TABLES_TWO = "import lgnet_helpers as lg\nlg.data_dictionary()\nlg.data_dictionary()\n"


def _with_tables(book: Path) -> Path:
    for name, cell in (("01_one.ipynb", TABLES), ("02_two.ipynb", TABLES_TWO)):
        path = book / "book" / name
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(cell))
        nbformat.write(nb, path)
    return book


def test_run_writes_every_table_as_csv_with_results_json(book, tmp_path, capfd):
    import pandas as pd

    import lgnet_helpers as lg

    _with_tables(book)
    out = tmp_path / "o"
    result = runbook.run_book(year=2019, partnerships="simulated", permutations=19, seed=7, out=out, build=False,
                              quiet=False, book_root=book)
    index = json.loads((out / "results.json").read_text())
    assert index["year"] == 2019 and index["dataset"] == "simulated"
    rows = {(t["chapter"], t["table"]): t for t in index["tables"]}
    assert set(rows) == {("01_one", "manifest_table"), ("02_two", "data_dictionary"), ("02_two", "data_dictionary_2")}
    for t in index["tables"]:
        assert {"chapter", "table", "file", "dataset", "year", "seed", "permutations"} <= set(t)
        assert (out / t["file"]).is_file()
    written = pd.read_csv(out / rows[("01_one", "manifest_table")]["file"])
    shown = lg.manifest_table()  # what the reader sees
    assert len(written) == len(shown)
    assert list(written.columns) == [str(c) for c in shown.reset_index().columns]  # a labelled index is kept
    assert len(pd.read_csv(out / "results/02_two/data_dictionary.csv")) == len(lg.data_dictionary())
    assert result.results == index["tables"]
    # no kernel-shutdown noise on the console
    captured = capfd.readouterr()
    assert "KeyboardInterrupt" not in captured.err + captured.out
    assert "without encryption" not in captured.err + captured.out  # kernels over IPC, not plain TCP
    assert (out / "book" / "aliases-seen.txt").read_text() == ""


def test_quiet_shutdown_manager_sends_no_interrupt_when_shutting_down():
    import asyncio

    cls = runbook.quiet_shutdown_kernel_manager()
    km = cls(kernel_name="python3")
    with pytest.raises(RuntimeError, match="No kernel"):  # a real interrupt is still sent (none running here)
        asyncio.run(km._async_interrupt_kernel())
    km.shutting_down = True
    assert asyncio.run(km._async_interrupt_kernel()) is None


def test_select_chapters_by_number_and_name(book):
    chapters = runbook.chapter_notebooks(book)
    assert [c.name for c in runbook.select_chapters(chapters, ["2"])] == ["02_two.ipynb"]
    assert [c.name for c in runbook.select_chapters(chapters, ["02_two", "1"])] == ["01_one.ipynb", "02_two.ipynb"]
    with pytest.raises(LgnetError, match="no chapter '7'.*01_one, 02_two"):
        runbook.select_chapters(chapters, ["7"])


def test_chapters_rerun_keeps_the_others_of_an_earlier_run(book, tmp_path):
    _with_tables(book)
    out = tmp_path / "o"
    runbook.run_book(out=out, build=False, quiet=True, book_root=book, permutations=19)
    first_one = (out / "book" / "01_one.ipynb").read_bytes()
    result = runbook.run_book(out=out, build=False, quiet=True, book_root=book, permutations=19, chapters=["2"])
    assert set(result.timings) == {"02_two.ipynb"} and result.kept == ["01_one.ipynb"]
    assert (out / "book" / "01_one.ipynb").read_bytes() == first_one
    tables = {t["table"] for t in json.loads((out / "results.json").read_text())["tables"]}
    assert {"manifest_table", "data_dictionary"} <= tables
    assert "book/01_one" in (out / "_toc.yml").read_text()
    # other settings: nothing to keep, so the variant lists only the chapter run (and the pages)
    result = runbook.run_book(out=out, build=False, quiet=True, book_root=book, permutations=29, chapters=["2"])
    assert result.kept == [] and not (out / "book" / "01_one.ipynb").exists()
    toc = (out / "_toc.yml").read_text()
    assert "book/01_one" not in toc and "book/02_two" in toc and "book/refs" in toc
    assert runbook.toc_entries(out) == [Path("book/intro.md"), Path("book/02_two.ipynb"), Path("book/refs.md")]


def test_aliases_reach_the_kernels(book, tmp_path):
    _with_tables(book)
    aliases = tmp_path / "mine.csv"
    aliases.write_text("alias,code,valid_from_year,valid_to_year,status,note\n")
    out = tmp_path / "o"
    runbook.run_book(out=out, build=False, quiet=True, book_root=book, chapters=["1"], aliases=aliases)
    assert (out / "book" / "aliases-seen.txt").read_text() == str(aliases.resolve())
    with pytest.raises(LgnetError, match="not found"):
        runbook.run_book(out=tmp_path / "p", build=False, quiet=True, book_root=book, aliases=tmp_path / "none.csv")


def test_cli_run_help_lists_chapters_and_aliases(capsys):
    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    text = capsys.readouterr().out
    assert "--chapters" in text and "--aliases" in text and "results.json" in text
    assert cli.main(["run", "--aliases", "/nonexistent/aliases.csv", "--no-build"]) == 2
    assert "not found" in capsys.readouterr().err


def test_static_folder_named_in_config_is_copied(book, tmp_path):
    (book / "_static").mkdir()
    (book / "_static" / "book.css").write_text("table { width: 100%; }\n")
    config = book / "_config.yml"
    config.write_text(config.read_text() + "sphinx:\n  config:\n    html_static_path: [\"_static\"]\n")
    out = tmp_path / "o"
    runbook.run_book(out=out, build=False, quiet=True, book_root=book, chapters=["1"])
    assert (out / "_static" / "book.css").read_text() == "table { width: 100%; }\n"


def test_variant_copies_the_files_pages_offer_for_download(tmp_path):
    """A page's {download} links (the documented sample's CSVs) resolve in the variant book too."""
    root = tmp_path / "book_root"
    (root / "book").mkdir(parents=True)
    (root / "data" / "sample").mkdir(parents=True)
    (root / "data" / "sample" / "a.csv").write_text("x\n1\n")
    (root / "data" / "b.csv").write_text("y\n2\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/intro\n")
    (root / "book" / "intro.md").write_text("# Intro\n")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "- {download}`a.csv <../data/sample/a.csv>`\n- {download}`../data/b.csv`\n"
        "- {download}`missing <../data/none.csv>`")])
    nbformat.write(nb, root / "book" / "cat.ipynb")
    out = tmp_path / "variant"
    out.mkdir()
    runbook._copy_book(root, out, [Path("book/intro.md"), Path("book/cat.ipynb")], {})
    assert (out / "data" / "sample" / "a.csv").read_text() == "x\n1\n"
    assert (out / "data" / "b.csv").is_file()
    assert not (out / "data" / "none.csv").exists()
