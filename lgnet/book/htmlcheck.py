"""Check a built HTML book the way a reader sees it: in headless Chromium.

The HTML folder is served on 127.0.0.1 (a random free port, a thread of ``http.server``) and every
chapter page listed in the book's ``_toc.yml`` is opened in headless Chromium (Debian's
``chromium``), which dumps the rendered DOM. Checks:

* each page loads: a non-empty DOM whose ``<h1>`` carries the chapter title, no error traceback;
* figures: a page whose source has figures (image outputs in the executed notebook, figure/image
  directives or markdown images) shows at least that many ``<img>`` in its article, each with
  real alt text (not empty, not just the file name), and every image file exists;
* mathematics: a page with math shows it typeset by MathJax (served from the book, not a CDN);
* links: every internal ``<a href>`` of every page (rendered chapter pages and all other HTML files)
  resolves to a file in the HTML folder, and its ``#anchor`` to an id in that file.

Chromium never reaches beyond this machine: every host name but 127.0.0.1 is mapped to "not
found" and background networking is off. Screenshots (``screenshot``) use the same launcher.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_PACKAGE = "chromium"  # Debian package providing /usr/bin/chromium


class ChromiumMissing(RuntimeError):
    """No Chromium binary: install Debian's ``chromium`` package."""


# ---------------------------------------------------------------------------------------------
# Chromium


def find_chromium() -> str | None:
    """The Chromium binary: $LGNET_CHROMIUM, else the first of chromium/chromium-browser/chrome on PATH."""
    explicit = os.environ.get("LGNET_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    binary = find_chromium()
    if binary is None:
        raise ChromiumMissing(
            "headless Chromium is needed for the browser checks but was not found on PATH "
            "(looked for " + ", ".join(CHROMIUM_CANDIDATES) + " and $LGNET_CHROMIUM). "
            f"Install it with: apt-get install -y {CHROMIUM_PACKAGE}"
        )
    return binary


def chromium_flags(user_data_dir: str | Path) -> list[str]:
    """Headless, sandbox-less (CI runs as root), offline flags with a fresh profile."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-breakpad",
        "--disable-crash-reporter",
        "--metrics-recording-only",
        "--mute-audio",
        "--hide-scrollbars",
        # nothing leaves the machine: every host but the local server is "not found"
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        f"--user-data-dir={user_data_dir}",
    ]


def run_chromium(args: list[str], *, timeout: float = 90, chromium: str | None = None) -> subprocess.CompletedProcess:
    """Run Chromium once with a fresh profile; the process group it starts is ended afterwards."""
    binary = chromium or require_chromium()
    with tempfile.TemporaryDirectory(prefix="lgnet-chromium-") as profile:
        cmd = [binary, *chromium_flags(profile), *args]
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            out, err = proc.communicate()
            raise TimeoutError(f"Chromium did not finish within {timeout:.0f} s: {' '.join(args)}") from None
        finally:
            _kill_group(proc.pid)  # helpers Chromium left behind in its own group
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def dump_dom(url: str, *, chromium: str | None = None, timeout: float = 90) -> str:
    """The DOM of ``url`` after Chromium has loaded it and run its scripts."""
    for budget in (5000, 20000):  # once more, with more page time, if Chromium fails on a busy machine
        result = run_chromium([f"--virtual-time-budget={budget}", "--dump-dom", url], timeout=timeout,
                              chromium=chromium)
        if result.returncode == 0:
            break
    if result.returncode != 0:
        raise RuntimeError(f"Chromium failed on {url} (exit {result.returncode}): {result.stderr.strip()[-800:]}")
    return result.stdout


def screenshot(url: str, png: Path, *, size: tuple[int, int] = (1280, 2400), chromium: str | None = None,
               timeout: float = 90) -> Path:
    """A PNG screenshot of ``url`` at ``size`` (width, height)."""
    png = Path(png).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    result = run_chromium(
        ["--virtual-time-budget=5000", f"--window-size={size[0]},{size[1]}", f"--screenshot={png}", url],
        timeout=timeout, chromium=chromium,
    )
    if result.returncode != 0 or not png.is_file():
        raise RuntimeError(f"Chromium could not screenshot {url}: {result.stderr.strip()[-800:]}")
    return png


# ---------------------------------------------------------------------------------------------
# serving the folder


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    inject: str | None = None  # a <script> appended to every HTML page served (the layout measurement)

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if self.inject is None or path.suffix != ".html" or not path.is_file():
            return super().send_head()
        import io

        body = path.read_bytes().replace(b"</body>", self.inject.encode("utf-8") + b"</body>")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(folder: Path, inject: str | None = None):
    """Serve ``folder`` on 127.0.0.1 at a free port; yields the base URL (ending with '/'). ``inject``: HTML
    (a script) added before ``</body>`` of every page served."""
    handler = functools.partial(type("_Handler", (_QuietHandler,), {"inject": inject}), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def visit_pages(html_dir: Path, pages: list, fn, workers: int, inject: str | None = None) -> list[tuple]:
    """(page, fn(url) or the exception it raised) for each page, served from ``html_dir`` (``inject``: see
    :func:`serve`) and visited by ``workers`` threads; a page that was not built gives FileNotFoundError."""
    with serve(html_dir, inject=inject) as base:
        def visit(page):
            if not (html_dir / page.rel_html).is_file():
                return page, FileNotFoundError(f"{page.rel_html} was not built")
            try:
                return page, fn(base + page.rel_html.as_posix())
            except Exception as exc:  # noqa: BLE001 - reported as a problem by the caller
                return page, exc

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return list(pool.map(visit, pages))


# ---------------------------------------------------------------------------------------------
# reading HTML


@dataclass
class PageInfo:
    """What the checks need from one HTML document."""

    title: str = ""
    h1: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)  # src, alt (None when absent), in_main
    text: str = ""


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.info = PageInfo()
        self._in_title = False
        self._h1_depth = 0
        self._h1_text: list[str] = []
        self._headerlink = 0
        self._main = 0
        self._text: list[str] = []
        self._skip = 0  # inside <script>/<style>
        self._saw_main = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if a.get(key):
                self.info.ids.add(a[key])
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "title":
            self._in_title = True
        if tag == "main":
            self._main += 1
            self._saw_main = True
        if tag == "h1":
            self._h1_depth += 1
            self._h1_text = []
        if tag == "a":
            if a.get("href") is not None:
                self.info.links.append(a["href"])
            if "headerlink" in (a.get("class") or "").split():
                self._headerlink += 1
        if tag == "img":
            self.info.images.append({"src": a.get("src") or "", "alt": a.get("alt"), "in_main": self._main > 0})

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        if tag == "title":
            self._in_title = False
        if tag == "main" and self._main:
            self._main -= 1
        if tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            self.info.h1.append(" ".join("".join(self._h1_text).split()))
        if tag == "a" and self._headerlink:
            self._headerlink -= 1

    def handle_data(self, data):
        if self._in_title:
            self.info.title += data
        if self._h1_depth and not self._headerlink:
            self._h1_text.append(data)
        if not self._skip:
            self._text.append(data)

    def close(self):
        super().close()
        self.info.text = " ".join(" ".join(self._text).split())
        self.info.title = " ".join(self.info.title.split())
        if not self._saw_main:  # a page without <main>: all of it is content
            for img in self.info.images:
                img["in_main"] = True


def parse_html(text: str) -> PageInfo:
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return parser.info


# ---------------------------------------------------------------------------------------------
# what the book's sources promise


@dataclass
class ChapterPage:
    """A page of the toc and what its source says should be on it."""

    rel_html: Path  # relative to the HTML folder, e.g. book/01_background.html
    title: str | None  # the source's first "# " heading, when found
    figures: int  # images the source promises (0: no figure check)


_MD_FIGURE = re.compile(r"^(?:```+|:::+)\s*\{(?:figure|image|glue:figure)\}|!\[[^\]]*\]\([^)]+\)", re.M)
_REMOVED = {"remove-cell", "remove-output", "remove_cell", "remove_output"}


def _first_heading(markdown: str) -> str | None:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def source_expectations(source: Path, executed: Path | None = None) -> tuple[str | None, int]:
    """(title, number of figures) that a page's source promises.

    Figures are image outputs of visible code cells in the executed notebook (``executed``, or the
    source itself when it has outputs) plus figure/image directives and markdown images.
    """
    if source.suffix == ".md":
        text = source.read_text(encoding="utf-8")
        text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
        return _first_heading(text), len(_MD_FIGURE.findall(text))
    nb = nbformat.read(str(executed if executed and executed.is_file() else source), as_version=4)
    title = None
    figures = 0
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell.cell_type == "markdown":
            title = title or _first_heading(cell.source)
            figures += len(_MD_FIGURE.findall(cell.source))
        elif cell.cell_type == "code" and not tags & _REMOVED:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if any(key.startswith("image/") for key in data) and not _is_glue(output):
                    figures += 1
    return title, figures


def _is_glue(output) -> bool:
    """myst-nb glue outputs are not shown where the cell is (they are pasted elsewhere)."""
    return "scrapbook" in output.get("metadata", {}) or "glue" in str(output.get("metadata", {}))


def chapter_pages(book_root: Path, html_dir: Path) -> list[ChapterPage]:
    """The toc's pages with their expectations; figures counted from the build's executed notebooks."""
    from lgnet.book.runbook import toc_entries

    pages = []
    for rel in toc_entries(book_root):
        executed = html_dir.parent / "jupyter_execute" / rel  # myst-nb keeps executed copies here
        title, figures = source_expectations(book_root / rel, executed if rel.suffix == ".ipynb" else None)
        pages.append(ChapterPage(rel.with_suffix(".html"), title, figures))
    return pages


# ---------------------------------------------------------------------------------------------
# the checks


@dataclass
class Report:
    pages: list[str] = field(default_factory=list)  # pages opened in Chromium
    links_checked: int = 0
    images_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        head = (f"{len(self.pages)} page(s) opened in Chromium, {self.links_checked} internal link(s) and "
                f"{self.images_checked} image(s) checked: ")
        if self.ok:
            return head + "no problems"
        return head + f"{len(self.problems)} problem(s)\n" + "\n".join(f"  - {p}" for p in self.problems)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _is_external(href: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", href)) or href.startswith("//")


def _resolve(html_dir: Path, page: Path, href: str) -> tuple[Path | None, str]:
    """The file (inside html_dir) and fragment an internal href points to; None if it escapes."""
    parts = urlsplit(href)
    path = unquote(parts.path)
    if path == "":
        target = html_dir / page
    elif path.startswith("/"):
        target = html_dir / path.lstrip("/")
    else:
        target = (html_dir / page).parent / path
    target = Path(os.path.normpath(target))
    if target.is_dir() or path.endswith("/"):
        target = target / "index.html"
    try:
        target.relative_to(html_dir)
    except ValueError:
        return None, parts.fragment
    return target, unquote(parts.fragment)


_MATH = re.compile(r'class="[^"]*\bmath\b')
_MATHJAX_SRC = re.compile(r'<script[^>]*src="([^"]*mathjax[^"]*)"', re.I)


def _has_math(page: Path) -> bool:
    """Whether Sphinx wrote mathematics (class "math") into the page."""
    return bool(_MATH.search(page.read_text(encoding="utf-8", errors="replace")))


def _mathjax_source(page: Path) -> str:
    found = _MATHJAX_SRC.search(page.read_text(encoding="utf-8", errors="replace"))
    if not found:
        return "the page loads no MathJax script"
    src = found.group(1)
    return f"it is loaded from {src}, outside the book" if _is_external(src) else f"its script {src} failed"


def check_links(html_dir: Path, page: Path, info: PageInfo, id_cache: dict[Path, set[str]], report: Report,
                where: str) -> None:
    for href in info.links:
        if not href or href == "#" or _is_external(href):
            continue
        report.links_checked += 1
        target, fragment = _resolve(html_dir, page, href)
        if target is None:
            report.problems.append(f"{where}: link {href!r} points outside the HTML folder")
            continue
        if not target.is_file():
            report.problems.append(f"{where}: broken link {href!r} (no file {target.relative_to(html_dir)})")
            continue
        if fragment and target.suffix == ".html":
            if target not in id_cache:
                id_cache[target] = parse_html(target.read_text(encoding="utf-8", errors="replace")).ids
            if fragment not in id_cache[target]:
                report.problems.append(
                    f"{where}: broken anchor {href!r} (no id {fragment!r} in {target.relative_to(html_dir)})"
                )


def check_images(html_dir: Path, page: Path, info: PageInfo, expected: int, report: Report, where: str) -> None:
    shown = [img for img in info.images if img["in_main"]]
    for img in info.images:
        src = img["src"]
        report.images_checked += 1
        if src.startswith("data:"):  # embedded in the page
            if len(src) < 100:
                report.problems.append(f"{where}: embedded image {src[:40]!r}... is empty")
            continue
        if _is_external(src):
            report.problems.append(f"{where}: image {src!r} is loaded from outside the book (breaks offline)")
            continue
        target, _ = _resolve(html_dir, page, src)
        if target is None or not target.is_file():
            report.problems.append(f"{where}: image file {src!r} is missing")
    for img in shown:
        alt = (img["alt"] or "").strip()
        name = Path(urlsplit(img["src"]).path).name
        if not alt or alt == img["src"] or Path(alt).name == name:
            report.problems.append(
                f"{where}: image {img['src']!r} has no alt text (give the figure an alt text, e.g. cell "
                "metadata mystnb.image.alt or the :alt: option)"
            )
    if expected and len(shown) < expected:
        report.problems.append(
            f"{where}: {len(shown)} figure(s) shown but the source has {expected}; a figure did not render"
        )


def check_book(
    html_dir: Path,
    book_root: Path | None = None,
    *,
    chromium: str | None = None,
    workers: int = 2,
    timeout: float = 90,
    pages: list[ChapterPage] | None = None,
    math: bool = True,
) -> Report:
    """Open every toc page of the built book in headless Chromium and check pages, figures, links.

    ``book_root`` holds the _toc.yml (default: two levels above ``html_dir``, i.e. ``<root>/_build/html``).
    ``math=False`` skips the check that mathematics is typeset offline.
    """
    html_dir = Path(html_dir).resolve()
    report = Report()
    if not (html_dir / "index.html").is_file() and not any(html_dir.glob("*.html")):
        report.problems.append(f"{html_dir}: no HTML files; build the book first (jupyter-book build .)")
        return report
    if pages is None:
        book_root = Path(book_root).resolve() if book_root else html_dir.parent.parent
        pages = chapter_pages(book_root, html_dir)
    binary = chromium or require_chromium()

    rendered: dict[Path, PageInfo] = {}

    def load(url: str) -> str:
        return dump_dom(url, chromium=binary, timeout=timeout)

    results = visit_pages(html_dir, pages, load, workers)

    id_cache: dict[Path, set[str]] = {}
    for page, dom in results:
        where = page.rel_html.as_posix()
        report.pages.append(where)
        if isinstance(dom, Exception):
            report.problems.append(f"{where}: did not load: {dom}")
            continue
        info = parse_html(dom)
        rendered[page.rel_html] = info
        if len(info.text) < 50 or not info.h1:
            report.problems.append(f"{where}: rendered page is empty or has no <h1> title")
        elif page.title and not any(_norm(page.title) in _norm(h) or _norm(h) in _norm(page.title) for h in info.h1):
            report.problems.append(f"{where}: title {page.title!r} not found in the page's <h1> ({info.h1})")
        if math and _has_math(html_dir / page.rel_html) and "<mjx-container" not in dom:
            report.problems.append(
                f"{where}: its mathematics is not typeset (MathJax did not run: "
                f"{_mathjax_source(html_dir / page.rel_html)}). An offline reader sees raw LaTeX; "
                "serve MathJax from the book itself, e.g. the Sphinx extension sphinx-mathjax-offline"
            )
        if "Traceback (most recent call last)" in info.text or "papermill-error-cell" in dom:
            report.problems.append(f"{where}: the page shows a Python traceback")
        check_images(html_dir, page.rel_html, info, page.figures, report, where)
        check_links(html_dir, page.rel_html, info, id_cache, report, where)
        id_cache[(html_dir / page.rel_html)] = parse_html(
            (html_dir / page.rel_html).read_text(encoding="utf-8", errors="replace")).ids | info.ids

    # every other HTML file (index, search, genindex, ...) is checked statically for links
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir)
        if rel in rendered or rel.parts[0] in {"_static", "_sources", "_images"}:
            continue
        info = parse_html(path.read_text(encoding="utf-8", errors="replace"))
        check_links(html_dir, rel, info, id_cache, report, rel.as_posix())
    return report


def screenshots(html_dir: Path, out_dir: Path, book_root: Path | None = None, *, size=(1280, 2400),
                chromium: str | None = None, quiet: bool = False) -> list[Path]:
    """PNG screenshots of every toc page of a built book, named after the pages."""
    from tqdm.auto import tqdm

    html_dir = Path(html_dir).resolve()
    book_root = Path(book_root).resolve() if book_root else html_dir.parent.parent
    pages = [p for p in chapter_pages(book_root, html_dir) if (html_dir / p.rel_html).is_file()]
    binary = chromium or require_chromium()
    written = []
    with serve(html_dir) as base:
        for page in tqdm(pages, desc="screenshots", unit="page", disable=quiet):
            name = page.rel_html.with_suffix("").as_posix().replace("/", "__") + ".png"
            written.append(screenshot(base + page.rel_html.as_posix(), Path(out_dir) / name, size=size,
                                      chromium=binary))
    return written


# ---------------------------------------------------------------------------------------------
# reading checks at 1280 px: nothing overflows its column; no NaN, raw variable names or 0.000 odds ratios

#: Width of the browser window for the reading checks (a laptop).
READING_WIDTH = 1280

#: Measures, after layout, every table, figure and output of the article column: an element whose right edge
#: passes the column's and that no scrolling box (overflow-x auto/scroll) between them holds is an overflow
#: (clipped or pushing the page sideways). Writes JSON into <pre id="lgnet-layout">.
LAYOUT_JS = r"""<script>
(function () { function measure() {
  var old = document.getElementById('lgnet-layout');
  if (old) old.remove();
  var out = {width: window.innerWidth, page_scroll: document.documentElement.scrollWidth > window.innerWidth + 1,
             overflow: [], scrolling: 0, odds_zero: [], nan: [], text: ''};
  var column = document.querySelector('.bd-article') || document.querySelector('main') || document.body;
  var right = column.getBoundingClientRect().right + 1;
  function scrolls(el) {
    for (var a = el; a && a !== column; a = a.parentElement) {
      var ox = getComputedStyle(a).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && a.getBoundingClientRect().right <= right) return a;
    }
    return null;
  }
  function name(el) {
    var cap = el.querySelector && el.querySelector('caption, figcaption');
    var t = (cap ? cap.innerText : (el.getAttribute('alt') || el.innerText || '')).trim();
    return el.tagName.toLowerCase() + ': ' + t.slice(0, 80).replace(/\s+/g, ' ');
  }
  column.querySelectorAll('table, img, figure, svg, .cell_output, pre').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width === 0) return;
    if (r.right > right) {
      if (!scrolls(el)) out.overflow.push(name(el) + ' (' + Math.round(r.right - right) + ' px past the column)');
    } else if (el.tagName === 'TABLE' && el.scrollWidth > el.clientWidth + 1) { out.scrolling += 1; }
  });
  column.querySelectorAll('table').forEach(function (t) {
    var heads = Array.from(t.querySelectorAll('th')).map(function (h) { return h.innerText.toLowerCase(); });
    heads.forEach(function (h, i) {
      if (h.indexOf('odds ratio') < 0) return;
      t.querySelectorAll('tr').forEach(function (tr) {
        var c = tr.children[i];
        if (c && c.tagName === 'TD' && /^\s*0\.0+\s*$/.test(c.innerText)) out.odds_zero.push(name(t));
      });
    });
  });
  var clone = column.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, .highlight, .cell_input').forEach(function (e) { e.remove(); });
  out.text = clone.textContent;
  var pre = document.createElement('pre');
  pre.id = 'lgnet-layout';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}
  // measured once the document is parsed, and again (replacing it) once the page and its scripts have loaded
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', function () { setTimeout(measure, 0); });
  else setTimeout(measure, 0);
  window.addEventListener('load', function () { setTimeout(measure, 500); });
})();
</script>"""


def raw_variable_names(dictionary_csv: Path) -> list[str]:
    """The variable names of the data dictionary that a reader must never see as such: the ones that are not
    ordinary words (they contain '_' or a digit)."""
    import csv

    with open(dictionary_csv, newline="", encoding="utf-8") as fh:
        names = [row["variable"].strip() for row in csv.DictReader(fh)]
    return sorted(n for n in names if n and re.search(r"[_0-9]", n))


#: Page time (ms) Chromium gives a page before dumping its DOM, one per try of :func:`measure_layout`.
MEASURE_BUDGETS_MS = (10_000, 20_000, 40_000, 60_000)


def measure_layout(url: str, *, chromium: str | None = None, timeout: float = 90,
                   width: int = READING_WIDTH) -> dict:
    """The layout measurement of a page served with ``inject=LAYOUT_JS`` (see :data:`LAYOUT_JS`)."""
    import html as _html
    import json

    tries = []
    # A heavy page (the catalogue: 369 rows and a map) on a busy machine can be dumped before its measurement
    # lands, or Chromium can fail once: try again with more virtual time, and say what each try saw.
    for budget in MEASURE_BUDGETS_MS:
        result = run_chromium([f"--virtual-time-budget={budget}", f"--window-size={width},1000", "--dump-dom", url],
                              timeout=timeout, chromium=chromium)
        m = re.search(r'<pre id="lgnet-layout">(.*?)</pre>', result.stdout, flags=re.S)
        if result.returncode == 0 and m:
            return json.loads(_html.unescape(m.group(1)))
        tries.append(f"{budget / 1000:.0f} s of page time: exit {result.returncode}, "
                     f"{len(result.stdout):,} characters of DOM, {'no ' if not m else ''}measurement")
        time.sleep(1)
    raise RuntimeError(f"Chromium could not measure {url} ({'; '.join(tries)}): {result.stderr.strip()[-300:]}")


def reading_problems(where: str, layout: dict, raw_names: list[str]) -> list[str]:
    """What a reader at 1280 px would trip over on one page (from :func:`measure_layout`)."""
    problems = [f"{where}: {o} overflows its column at {layout.get('width')} px" for o in layout["overflow"]]
    if layout.get("page_scroll"):
        problems.append(f"{where}: the page scrolls sideways at {layout.get('width')} px")
    text = layout.get("text", "")
    if re.search(r"\bNaN\b", text):
        problems.append(f"{where}: shows 'NaN' (say '–' and why)")
    for n in raw_names:
        if re.search(rf"(?<![\w.]){re.escape(n)}(?!\w)", text):
            problems.append(f"{where}: shows the raw variable name {n!r} (use its label)")
    for t in sorted(set(layout.get("odds_zero", []))):
        problems.append(f"{where}: an odds ratio shown as 0.000 in {t}")
    return problems


def check_reading(html_dir: Path, book_root: Path | None = None, *, dictionary: Path | None = None,
                  chromium: str | None = None, pages: list[ChapterPage] | None = None,
                  timeout: float = 90, workers: int = 2) -> Report:
    """Open every toc page at 1280 px and report tables or figures that overflow their column, and pages that
    show 'NaN', a raw variable name from ``dictionary`` (default ``<book_root>/data/dictionary.csv``) or an
    odds ratio of 0.000."""
    html_dir = Path(html_dir).resolve()
    book_root = Path(book_root).resolve() if book_root else html_dir.parent.parent
    if pages is None:
        pages = [p for p in chapter_pages(book_root, html_dir) if (html_dir / p.rel_html).is_file()]
    dictionary = Path(dictionary) if dictionary else book_root / "data" / "dictionary.csv"
    names = raw_variable_names(dictionary) if dictionary.is_file() else []
    binary = chromium or require_chromium()
    report = Report()

    def measure(url: str):
        return measure_layout(url, chromium=binary, timeout=timeout)

    results = visit_pages(html_dir, pages, measure, workers, inject=LAYOUT_JS)
    for page, layout in results:
        where = page.rel_html.as_posix()
        report.pages.append(where)
        if isinstance(layout, Exception):
            report.problems.append(f"{where}: could not be measured: {layout}")
            continue
        report.problems.extend(reading_problems(where, layout, names))
    return report
