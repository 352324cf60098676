"""Appendix pages lettered A, B, ...: their tables and figures numbered 'Table A.1' (lgnet.book.appendix_numbers)."""

import subprocess
import sys

import pytest

from lgnet.book import appendix_numbers


def test_letters_in_order_and_at_most_26():
    assert appendix_numbers.letters(["a", "b", "c"]) == {"a": "A", "b": "B", "c": "C"}
    with pytest.raises(ValueError, match="26"):
        appendix_numbers.letters([str(i) for i in range(27)])


def test_figures_renumbered_per_type_in_page_order():
    numbers = {"table": {"t2": (9,), "t1": (8,)}, "figure": {"f": (2,)}}
    assert appendix_numbers.renumber_figures(numbers, "B") == {"table": {"t1": ("B", 1), "t2": ("B", 2)},
                                                               "figure": {"f": ("B", 1)}}


def test_a_sphinx_build_letters_appendix_titles_tables_and_references(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        "extensions = ['lgnet.book.appendix_numbers']\nnumfig = True\n"
        "lgnet_appendices = ['app_a', 'app_b']\n", encoding="utf-8")
    (src / "index.rst").write_text(
        "Book\n====\n\n.. toctree::\n   :numbered:\n\n   chap\n\n.. toctree::\n\n   app_a\n   app_b\n",
        encoding="utf-8")
    table = ".. list-table:: {cap}\n   :name: {name}\n\n   * - x\n\n"
    (src / "chap.rst").write_text("Chapter\n=======\n\n" + table.format(cap="Chapter table", name="tc"),
                                  encoding="utf-8")
    (src / "app_a.rst").write_text("Data\n====\n\n" + table.format(cap="First", name="ta1")
                                   + "Files\n-----\n\n" + table.format(cap="Second", name="ta2"), encoding="utf-8")
    (src / "app_b.rst").write_text("Teaching\n========\n\n" + table.format(cap="Plan", name="tb1")
                                   + "See :numref:`ta2` and :numref:`tc`.\n", encoding="utf-8")
    out = tmp_path / "html"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    chap, a, b = ((out / f"{n}.html").read_text(encoding="utf-8") for n in ("chap", "app_a", "app_b"))
    assert "Table 1.1" in chap
    assert "Table A.1" in a and "Table A.2" in a and "Table 1 " not in a
    assert "Table B.1" in b
    assert "Table A.2" in b and "Table 1.1" in b  # cross-references follow
    assert '<span class="section-number">A. </span>Data' in a
    assert "A. </span>Files" not in a  # only the page title is lettered
    assert '<span class="section-number">B. </span>Teaching' in (out / "index.html").read_text(encoding="utf-8") or \
        "B. </span>Teaching" in b
