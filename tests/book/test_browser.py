"""Browser checks of built HTML (lgnet.book.htmlcheck, scripts/check_html.py, scripts/screenshots.py).

Tests marked ``browser`` open pages in headless Chromium (Debian's ``chromium``). When Chromium is
missing they FAIL with the install command, so CI cannot pass without the check; set
LGNET_SKIP_BROWSER=1 to skip them deliberately (e.g. on a machine without a browser).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import struct
from pathlib import Path

import pytest

from lgnet.book import htmlcheck
from lgnet.data import paths

FIXTURE = Path(__file__).parents[1] / "fixtures" / "browser" / "site"


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, paths.ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def chromium():
    if os.environ.get("LGNET_SKIP_BROWSER") == "1":
        pytest.skip("LGNET_SKIP_BROWSER=1: browser checks skipped on request")
    binary = htmlcheck.find_chromium()
    if binary is None:
        pytest.fail(
            "headless Chromium not found: install it with `apt-get install -y chromium` "
            "(or set LGNET_SKIP_BROWSER=1 to skip the browser checks on purpose)",
            pytrace=False,
        )
    return binary


@pytest.fixture
def site(tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(FIXTURE, copy)
    return copy


# ---------------------------------------------------------------------------------------------
# parsing and resolving (no browser)


def test_parse_html_reads_titles_links_ids_and_images():
    info = htmlcheck.parse_html((FIXTURE / "html/book/chapter.html").read_text())
    assert info.h1 == ["Partner selection"]  # the headerlink '#' is not part of the title
    assert {"partner-selection", "figure-map", "partnerships"} <= info.ids
    assert "../index.html" in info.links and "https://example.org/" in info.links
    in_main = [img for img in info.images if img["in_main"]]
    assert [img["src"] for img in in_main] == ["../_images/figure1.png"]
    assert in_main[0]["alt"].startswith("A map of England")
    assert "added by a script" not in info.text  # only a browser runs the script


def test_resolve_internal_links():
    html = FIXTURE / "html"
    page = Path("book/chapter.html")
    assert htmlcheck._resolve(html, page, "intro.html#x") == (html / "book/intro.html", "x")
    assert htmlcheck._resolve(html, page, "#y") == (html / "book/chapter.html", "y")
    assert htmlcheck._resolve(html, page, "../index.html")[0] == html / "index.html"
    assert htmlcheck._resolve(html, page, "../../../etc/passwd")[0] is None
    assert htmlcheck._is_external("https://example.org") and htmlcheck._is_external("mailto:a@b")
    assert not htmlcheck._is_external("intro.html")


def test_source_expectations_from_markdown_and_notebooks(tmp_path):
    import nbformat

    assert htmlcheck.source_expectations(FIXTURE / "book/chapter.md") == ("Partner selection", 1)
    assert htmlcheck.source_expectations(FIXTURE / "book/intro.md") == ("A fixture book", 0)
    nb = nbformat.v4.new_notebook()
    shown = nbformat.v4.new_code_cell("plot()")
    shown.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})]
    hidden = nbformat.v4.new_code_cell("plot()", metadata={"tags": ["remove-output"]})
    hidden.outputs = list(shown.outputs)
    nb.cells = [nbformat.v4.new_markdown_cell("# Propensity\n\ntext"), shown, hidden]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    assert htmlcheck.source_expectations(path) == ("Propensity", 1)


def test_chapter_pages_follow_the_toc():
    pages = htmlcheck.chapter_pages(FIXTURE, FIXTURE / "html")
    assert [(p.rel_html.as_posix(), p.title, p.figures) for p in pages] == [
        ("book/intro.html", "A fixture book", 0),
        ("book/chapter.html", "Partner selection", 1),
    ]


def test_flags_keep_chromium_offline_and_sandbox_free(tmp_path):
    flags = htmlcheck.chromium_flags(tmp_path)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path}"):
        assert flag in flags
    assert any(f.startswith("--host-resolver-rules=MAP * ~NOTFOUND") for f in flags)


def test_missing_chromium_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("LGNET_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert htmlcheck.find_chromium() is None
    with pytest.raises(htmlcheck.ChromiumMissing, match="apt-get install -y chromium"):
        htmlcheck.require_chromium()


# ---------------------------------------------------------------------------------------------
# in the browser


@pytest.mark.browser
def test_browser_runs_the_page_scripts(chromium):
    with htmlcheck.serve(FIXTURE / "html") as base:
        assert base.startswith("http://127.0.0.1:")
        dom = htmlcheck.dump_dom(base + "book/intro.html", chromium=chromium)
    assert 'id="js-added"' in dom and "added by a script" in dom


@pytest.mark.browser
def test_good_fixture_site_passes(chromium, site):
    report = htmlcheck.check_book(site / "html", site, chromium=chromium)
    assert report.problems == []
    assert report.pages == ["book/intro.html", "book/chapter.html"]
    assert report.links_checked >= 8 and report.images_checked >= 2


@pytest.mark.browser
def test_broken_fixture_site_reports_every_problem(chromium, site):
    html = site / "html" / "book"
    chapter = (html / "chapter.html").read_text()
    chapter = chapter.replace('<a href="../index.html">index</a>', '<a href="gone.html">gone</a>')
    chapter = chapter.replace('href="intro.html#a-fixture-book"', 'href="intro.html#no-such-heading"')
    chapter = chapter.replace('alt="A map of England with ties between partner councils" ', 'alt="" ')
    # mathematics whose MathJax comes from a CDN: an offline reader sees raw LaTeX
    chapter = chapter.replace("</body>", '<p><span class="math">\\(x^2\\)</span></p>\n'
                              '<script defer src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script></body>')
    (html / "chapter.html").write_text(chapter)
    (site / "html" / "_images" / "figure1.png").unlink()
    intro = (html / "intro.html").read_text()
    # the script-added link now points to a missing page: only the rendered DOM shows it
    intro = intro.replace('a.href = "chapter.html#figure-map"', 'a.href = "only-in-js.html"')
    intro = intro.replace("<p>The front page", "<pre>Traceback (most recent call last):\n  boom</pre><p>The front page")
    (html / "intro.html").write_text(intro)
    (site / "_toc.yml").write_text((site / "_toc.yml").read_text() + "  - file: book/unbuilt\n")
    (site / "book" / "unbuilt.md").write_text("# Not built\n")

    report = htmlcheck.check_book(site / "html", site, chromium=chromium)
    text = "\n".join(report.problems)
    assert not report.ok
    assert "book/chapter.html: broken link 'gone.html'" in text
    assert "broken anchor 'intro.html#no-such-heading'" in text
    assert "image file '../_images/figure1.png' is missing" in text
    assert "has no alt text" in text
    assert "book/intro.html: broken link 'only-in-js.html'" in text
    assert "book/intro.html: the page shows a Python traceback" in text
    assert "book/unbuilt.html: did not load" in text
    assert "book/chapter.html: its mathematics is not typeset" in text and "cdn.jsdelivr.net" in text
    assert "book/intro.html: its mathematics" not in text  # typeset by the book's own script


@pytest.mark.browser
def test_missing_figure_and_wrong_title_are_reported(chromium, site):
    html = site / "html" / "book" / "chapter.html"
    text = html.read_text()
    start, end = text.index("<figure"), text.index("</figure>") + len("</figure>")
    html.write_text(text[:start] + text[end:].replace("#partnerships", "#partner-selection"))
    (site / "book" / "intro.md").write_text("# Another title entirely\n")
    report = htmlcheck.check_book(site / "html", site, chromium=chromium)
    problems = "\n".join(report.problems)
    assert "book/chapter.html: 0 figure(s) shown but the source has 1" in problems
    assert "book/intro.html: title 'Another title entirely' not found" in problems


@pytest.mark.browser
def test_check_html_script_exit_codes(chromium, site, capsys):
    script = _load_script("check_html")
    assert script.main([str(site / "html"), "--book-root", str(site)]) == 0
    assert "no problems" in capsys.readouterr().out
    chapter = site / "html" / "book" / "chapter.html"
    chapter.write_text(chapter.read_text().replace(
        "</body>", '<span class="math">\\(x\\)</span><script src="https://cdn.jsdelivr.net/mathjax.js"></script></body>'))
    assert script.main([str(site / "html"), "--book-root", str(site)]) == 1
    assert "mathematics is not typeset" in capsys.readouterr().out
    assert script.main([str(site / "html"), "--book-root", str(site), "--no-math-check"]) == 0
    capsys.readouterr()
    (site / "html" / "book" / "intro.html").write_text("<html><body></body></html>")
    assert script.main([str(site / "html"), "--book-root", str(site)]) == 1
    assert "empty or has no <h1>" in capsys.readouterr().out


@pytest.mark.browser
def test_check_html_script_reads_every_page_at_1280(chromium, site, capsys):
    """The script also runs the reading check: a table wider than the column fails it (unless skipped)."""
    script = _load_script("check_html")
    chapter = site / "html" / "book" / "chapter.html"
    chapter.write_text(chapter.read_text().replace("</body>", _WIDE.replace("<table>", '<table style="width:3000px">')
                                                   + "</body>"))
    assert script.main([str(site / "html"), "--book-root", str(site)]) == 1
    assert "at 1280 px" in capsys.readouterr().out  # the page scrolls sideways
    assert script.main([str(site / "html"), "--book-root", str(site), "--no-reading-check"]) == 0


@pytest.mark.browser
def test_screenshots_script_writes_pngs(chromium, site, tmp_path):
    script = _load_script("screenshots")
    out = tmp_path / "shots"
    assert script.main([str(site / "html"), "--book-root", str(site), "--out", str(out), "--quiet"]) == 0
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["book__chapter.png", "book__intro.png"]
    header = (out / "book__chapter.png").read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1280, 2400)


@pytest.mark.browser
def test_real_book_html(chromium):
    """The main book as built by `make book` (CI builds it before the tests)."""
    html = paths.ROOT / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.skip("the main book is not built (_build/html); `make book` builds it")
    report = htmlcheck.check_book(html, paths.ROOT, chromium=chromium)
    assert report.ok, report.summary()
    assert len(report.pages) >= 5


# ---------------------------------------------------------------------------------------------
# reading at 1280 px: overflow, NaN, raw variable names, odds ratios of 0.000

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>t</title><style>
.bd-article {{ width: 600px; margin: 0 auto; }} {css}</style></head>
<body><main><article class="bd-article"><h1>Page</h1>{body}</article></main></body></html>"""

_WIDE = "<table><tr>" + "".join(f"<td>wide_cell_without_breaks_{i}</td>" for i in range(12)) + "</tr></table>"


def _reading(tmp_path, chromium, body: str, css: str = "", names=("opportunities_30mi",)):
    (tmp_path / "p.html").write_text(_PAGE.format(css=css, body=body), encoding="utf-8")
    with htmlcheck.serve(tmp_path, inject=htmlcheck.LAYOUT_JS) as base:
        layout = htmlcheck.measure_layout(base + "p.html", chromium=chromium)
    return htmlcheck.reading_problems("p.html", layout, list(names))


@pytest.mark.browser
def test_a_wide_table_overflowing_its_column_is_reported(chromium, tmp_path):
    problems = _reading(tmp_path, chromium, _WIDE)
    assert any("table" in p and "overflows its column at 1280 px" in p for p in problems), problems


@pytest.mark.browser
def test_a_wide_table_scrolling_in_its_own_box_passes(chromium, tmp_path):
    css = "table { display: block; overflow-x: auto; max-width: 100%; }"
    assert _reading(tmp_path, chromium, _WIDE, css) == []


@pytest.mark.browser
def test_the_book_css_keeps_wide_tables_in_their_column(chromium, tmp_path):
    css = (paths.ROOT / "_static" / "lgnet.css").read_text(encoding="utf-8").replace("main table", "table")
    assert _reading(tmp_path, chromium, _WIDE, css) == []


@pytest.mark.browser
def test_nan_raw_names_and_zero_odds_ratios_are_reported_but_not_in_code(chromium, tmp_path):
    body = ("<p>Coefficient NaN for opportunities_30mi.</p><pre>lg.x(opportunities_30mi)</pre>"
            "<table><tr><th>term</th><th>odds ratio</th></tr><tr><td>a</td><td>0.000</td></tr></table>")
    problems = _reading(tmp_path, chromium, body)
    assert any("'NaN'" in p for p in problems)
    assert any("opportunities_30mi" in p for p in problems)
    assert any("odds ratio shown as 0.000" in p for p in problems)
    clean = _reading(tmp_path, chromium, "<p>Fine</p><pre>opportunities_30mi NaN</pre>"
                     "<table><tr><th>odds ratio</th></tr><tr><td>0.004</td></tr></table>")
    assert clean == []


def test_raw_variable_names_come_from_the_dictionary(tmp_path):
    d = tmp_path / "dictionary.csv"
    d.write_text("variable,label\nname,Council\nopportunities_30mi,Councils within 30 miles\nlog_population,x\n",
                 encoding="utf-8")
    assert htmlcheck.raw_variable_names(d) == ["log_population", "opportunities_30mi"]


@pytest.mark.browser
def test_real_book_reads_at_1280(chromium):
    """The built book at 1280 px: no table or figure overflows its column; no NaN, raw variable names or
    odds ratios of 0.000 (LGNET_BOOK_HTML points at another build folder)."""
    html = Path(os.environ.get("LGNET_BOOK_HTML") or paths.ROOT / "_build" / "html")
    if not (html / "index.html").is_file():
        pytest.skip("the main book is not built (_build/html); `make book` builds it")
    report = htmlcheck.check_reading(html, paths.ROOT, chromium=chromium)
    assert len(report.pages) >= 5
    assert report.ok, report.summary()
