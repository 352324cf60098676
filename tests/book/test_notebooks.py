"""The book's chapter notebooks: their shape (stripped, one parameters cell, python3) and that each
one executes with papermill on small settings and says which partnership dataset it shows.

The execution tests are marked ``notebooks`` and run in CI (they are never skipped): they are the
guarantee that `lgnet run` and `jupyter-book build` can execute every chapter.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from lgnet.data import paths
from lgnet.book import runbook

# the smallest settings the chapters' parameters cells offer (each is passed only where declared)
SMALL = {"permutations": 19, "logistic_permutations": 9, "replications": 10, "calibration_nodes": 12}


def _toc_notebooks() -> list[str]:
    try:
        return [c.rel.as_posix() for c in runbook.chapter_notebooks(paths.ROOT)]
    except Exception as exc:  # noqa: BLE001 - reported by test_toc_lists_notebooks
        return [f"<toc unreadable: {exc}>"]


NOTEBOOKS = _toc_notebooks()


def _path(rel: str) -> Path:
    """The notebook's path; a clear failure when the toc could not be read."""
    if rel.startswith("<toc"):
        pytest.fail(rel, pytrace=False)
    return paths.ROOT / rel


def _read(rel: str) -> nbformat.NotebookNode:
    return nbformat.read(str(_path(rel)), as_version=4)


def _output_text(nb: nbformat.NotebookNode) -> str:
    """Everything a reader could see in the outputs: streams, plain text, HTML and markdown."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            for key in ("text/plain", "text/html", "text/markdown"):
                value = output.get("data", {}).get(key)
                if value:
                    parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------
# shape


def test_toc_lists_notebooks():
    assert NOTEBOOKS and not NOTEBOOKS[0].startswith("<toc"), NOTEBOOKS
    assert all(rel.startswith("book/") for rel in NOTEBOOKS)


@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_notebook_is_valid_and_stripped(rel):
    nb = _read(rel)
    nbformat.validate(nb)
    params = runbook.parameters_cells(nb)
    assert len(params) == 1, f"{rel}: {len(params)} cells tagged 'parameters' (need exactly one)"
    assert nb.cells[params[0]].cell_type == "code", f"{rel}: the parameters cell must be a code cell"
    dirty = [i + 1 for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{rel}: cells {dirty} keep outputs or execution counts; strip them before committing"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", f"{rel}: kernelspec must be python3"


@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_parameters_cell_declares_year(rel):
    declared = runbook.declared_parameters(_path(rel))
    assert "year" in declared, f"{rel}: parameters cell should declare `year` (declares {sorted(declared)})"
    results_page = "partnerships" in declared
    if results_page:
        # the catalogue appendix lists every record of the documented sample by default
        default = "documented-all" if Path(rel).stem == "appendix_catalogue" else "documented"
        assert declared["partnerships"].strip("'\"") == default, f"{rel}: default dataset must be {default}"


# ---------------------------------------------------------------------------------------------
# execution


_executed: dict[tuple, Path | BaseException] = {}


@pytest.fixture(scope="module")
def executed_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("executed")


def _execute(rel: str, out_dir: Path, **wanted) -> Path:
    """Execute a chapter once per settings (cached, failures included) and return the output."""
    key = (rel, tuple(sorted(wanted.items())))
    if key not in _executed:
        source = _path(rel)
        target = out_dir / f"{len(_executed):02d}-{Path(rel).name}"
        try:
            runbook.execute_chapter(
                source, target, runbook.parameters_for(source, {**SMALL, **wanted}),
                cwd=source.parent, quiet=True, label=Path(rel).name,
            )
            _executed[key] = target
        except BaseException as exc:  # noqa: BLE001 - cached so a second test does not re-run it
            _executed[key] = exc
    result = _executed[key]
    if isinstance(result, BaseException):
        pytest.fail(str(result), pytrace=False)
    return result


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("rel", NOTEBOOKS)
def test_chapter_executes(rel, raw_data, executed_dir):
    out = _execute(rel, executed_dir, year=2017, partnerships="documented")
    nb = nbformat.read(str(out), as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code), f"{rel}: some code cells did not run"
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    if injected:  # only declared names were injected
        declared = runbook.declared_parameters(paths.ROOT / rel)
        names = {line.split("=")[0].strip() for line in injected[0].source.splitlines() if "=" in line}
        assert names <= set(declared)


def _results_pages() -> list[str]:
    """Pages that show results on a partnership dataset: they declare `partnerships` or call dataset_note."""
    pages = []
    for rel in NOTEBOOKS:
        if rel.startswith("<toc"):
            pages.append(rel)
            continue
        try:
            nb = nbformat.read(str(paths.ROOT / rel), as_version=4)
            calls_note = any("dataset_note(" in c.source for c in nb.cells if c.cell_type == "code")
            if calls_note or "partnerships" in runbook.declared_parameters(paths.ROOT / rel):
                pages.append(rel)
        except Exception:  # noqa: BLE001 - the shape tests report unreadable notebooks
            pages.append(rel)
    return pages


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("rel", _results_pages())
def test_results_page_names_its_dataset(rel, raw_data, executed_dir):
    """Every results page states, in its outputs, which partnership dataset it shows.

    Pages with a `partnerships` parameter run here on the default documented sample; a page
    without one (method validation) runs on the simulated stand-in and must say so.
    """
    out = _execute(rel, executed_dir, year=2017, partnerships="documented")
    text = _output_text(nbformat.read(str(out), as_version=4)).lower()
    expected = "documented sample" if "partnerships" in runbook.declared_parameters(_path(rel)) else "simulated"
    assert expected in text, f"{rel}: no {expected!r} statement in the executed outputs"


# The rerun path (`lgnet run --year 2019 --partnerships simulated`, every chapter, built as a book)
# is tested in tests/book/test_runbook.py::test_real_book_reruns_for_2019_on_the_simulated_stand_in.
