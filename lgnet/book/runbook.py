"""Reruns of the book: execute every chapter with papermill for a year and dataset, then build it.

A rerun ("variant") is written to a git-ignored folder, by default ``runs/<year>-<dataset>/``
(dataset = ``documented``, ``simulated`` or the partnership file's stem). The folder is a
standalone Jupyter Book: a copy of the book's pages, bibliography and images, with the executed
notebooks in place of the stripped sources, and a ``_config.yml`` that titles the variant and
turns execution off (the notebooks are already executed). ``jupyter-book build`` then writes its
HTML to ``<out>/_build/html``.

Each notebook receives only the parameters its ``parameters`` cell declares (year, partnerships,
permutations, seed, ...). A failing cell is reported as ``chapter <name>, cell <n>: <error>``.

Every table a chapter returns is also written as CSV, under ``<out>/results/<chapter>/`` (mechanism:
``$LGNET_RESULTS_DIR`` in each kernel's environment, read by ``lgnet_helpers``; see
``lgnet.book.results_out``), with one index ``<out>/results.json`` (chapter, table, file, dataset, year,
seed, permutations). ``chapters=["2", "3"]`` executes only those chapters: the pages that are not
notebooks are kept; another chapter is kept from an earlier run in the same folder with the same
settings, otherwise left out of the variant's table of contents. ``aliases`` (an analyst's alias table)
reaches the kernels as ``$LGNET_ALIASES``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import nbformat
import yaml
from tqdm.auto import tqdm

from lgnet.data import paths
from lgnet.data.errors import LgnetError
from lgnet.data.evidence_sets import EVIDENCE_SETS, is_documented

DOCUMENTED_YEAR = 2017
"""The documented partnership sample is on 2017 council geography."""

RUN_MARKER = "lgnet-run.json"
"""Written into every run folder; a folder holding it may be replaced by a new run."""

SKIP_DIRS = {"_build", ".ipynb_checkpoints", "__pycache__", ".jupyter_cache", ".pytest_cache"}


class RunbookError(LgnetError):
    """A rerun could not be prepared, executed or built."""


@dataclass
class Chapter:
    """One notebook listed in the table of contents."""

    rel: Path  # path relative to the book root, with the .ipynb suffix
    source: Path  # absolute path of the stripped source notebook

    @property
    def name(self) -> str:
        return self.rel.name


@dataclass
class RunResult:
    """What a rerun produced."""

    out: Path
    year: int
    partnerships: str
    dataset: str  # slug: documented | simulated | file stem
    notebooks: list[Path] = field(default_factory=list)  # executed notebooks, in toc order
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)  # chapter -> passed parameters
    timings: dict[str, float] = field(default_factory=dict)  # chapter -> seconds
    build_seconds: float | None = None
    html_index: Path | None = None  # <out>/_build/html/index.html when built
    build_warnings: list[str] = field(default_factory=list)  # Sphinx warnings of the variant build
    results: list[dict] = field(default_factory=list)  # the entries of results.json
    kept: list[str] = field(default_factory=list)  # chapters kept from an earlier run (--chapters)


# --------------------------------------------------------------------------------------------
# the table of contents


def _toc_files(node: Any) -> Iterable[str]:
    """Every ``file:``/``root:`` entry of a _toc.yml structure, in reading order."""
    if isinstance(node, dict):
        for key in ("root", "file"):
            if isinstance(node.get(key), str):
                yield node[key]
        for key in ("parts", "chapters", "sections", "subtrees", "entries"):
            for child in node.get(key) or []:
                yield from _toc_files(child)
    elif isinstance(node, list):
        for child in node:
            yield from _toc_files(child)


def toc_entries(book_root: Path) -> list[Path]:
    """Every page of the book's _toc.yml, as paths relative to ``book_root`` with their suffix.

    A toc entry may omit its suffix (Jupyter Book style); it is resolved against the files on
    disk (.ipynb, .md, .rst). An entry with no file behind it is an error naming it.
    """
    book_root = Path(book_root)
    toc_path = book_root / "_toc.yml"
    if not toc_path.is_file():
        raise RunbookError(f"{toc_path}: no table of contents; the book root needs a _toc.yml")
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    pages: list[Path] = []
    for entry in _toc_files(toc):
        rel = Path(entry)
        candidates = [rel] if rel.suffix in {".ipynb", ".md", ".rst"} else [
            rel.with_name(rel.name + suffix) for suffix in (".ipynb", ".md", ".rst")
        ]
        found = [c for c in candidates if (book_root / c).is_file()]
        if not found:
            raise RunbookError(
                f"{toc_path}: entry {entry!r} names no file (looked for "
                f"{', '.join(str(c) for c in candidates)}); fix the entry or add the page"
            )
        if found[0] not in pages:
            pages.append(found[0])
    return pages


def chapter_notebooks(book_root: Path | None = None) -> list[Chapter]:
    """The .ipynb pages of the book's _toc.yml, in reading order."""
    book_root = Path(book_root or paths.ROOT)
    return [Chapter(rel, (book_root / rel).resolve()) for rel in toc_entries(book_root) if rel.suffix == ".ipynb"]


# --------------------------------------------------------------------------------------------
# parameters


def parameters_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the cells tagged ``parameters``."""
    return [i for i, cell in enumerate(nb.cells) if "parameters" in cell.get("metadata", {}).get("tags", [])]


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """The names (and default source text) that a notebook's ``parameters`` cell declares."""
    import papermill

    try:
        declared = papermill.inspect_notebook(str(notebook))
    except Exception as exc:  # noqa: BLE001 - papermill raises several kinds
        raise RunbookError(f"{notebook}: cannot read its parameters cell ({exc})") from exc
    return {name: info.get("default") for name, info in declared.items()}


def parameters_for(notebook: Path, wanted: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``wanted`` that the notebook declares (None values are not passed)."""
    declared = declared_parameters(notebook)
    return {name: value for name, value in wanted.items() if name in declared and value is not None}


def dataset_slug(partnerships: str | os.PathLike) -> str:
    """The evidence set (``documented``, ``documented-strict``, ...), ``simulated`` or the stem of the
    partnership file (folder name)."""
    value = str(partnerships)
    if is_documented(value) or value == "simulated":
        return value
    return Path(value).stem or Path(value).name


def dataset_label(partnerships: str | os.PathLike) -> str:
    """How a variant's title names its partnership dataset."""
    value = str(partnerships)
    if is_documented(value):
        return EVIDENCE_SETS[value].label
    if value == "simulated":
        return "simulated stand-in"
    return f"partnership file {Path(value).name}"


def resolve_partnerships(partnerships: str | os.PathLike, year: int) -> str:
    """Check the year and the dataset choice before anything runs; a path becomes absolute."""
    from lgnet.data.years import check_year

    try:
        check_year(year)
    except ValueError as exc:
        raise RunbookError(f"--year: {exc}") from None
    value = str(partnerships)
    if is_documented(value):
        if int(year) < DOCUMENTED_YEAR:
            raise RunbookError(
                f"the documented partnership sample describes partnerships c. {DOCUMENTED_YEAR} (coded on "
                f"{DOCUMENTED_YEAR} council geography), so it cannot be used with --year {year}: carrying it "
                f"back to earlier councils would invent partnerships. Use --year {DOCUMENTED_YEAR} or later "
                f"(members are carried to their successor councils), --partnerships simulated (a stand-in "
                f"generated over {year}'s councils) or --partnerships PATH (your own partnership file for {year})."
            )
        return value
    if value == "simulated":
        return value
    path = Path(value).expanduser()
    if not path.exists():
        raise RunbookError(
            f"partnership file {value!r} does not exist; give an evidence set of the documented sample ("
            + ", ".join(EVIDENCE_SETS) + "), 'simulated' or the path "
            "of a tidy folder (partnerships.csv + memberships.csv) or a wide CSV/XLSX file"
        )
    return str(path.resolve())


# --------------------------------------------------------------------------------------------
# executing one chapter


def _source_cell_number(source_nb: nbformat.NotebookNode, executed: Path, err: Any) -> int | None:
    """1-based position, in the source notebook, of the cell papermill reports as failing."""
    matches = [i for i, cell in enumerate(source_nb.cells) if cell.source == err.source]
    if len(matches) == 1:
        return matches[0] + 1
    if err.cell_index is None:
        return None
    try:
        nb = nbformat.read(str(executed), as_version=4)
    except Exception:  # noqa: BLE001 - no executed notebook to count in
        return None
    # papermill's cell_index counts the injected-parameters cell but not its error banners
    cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    before = cells[: err.cell_index + 1]
    return sum("injected-parameters" not in c.get("metadata", {}).get("tags", []) for c in before) or None
    skip = {"injected-parameters", "papermill-error-cell-tag"}
    clean = [c for c in nb.cells if not skip & set(c.get("metadata", {}).get("tags", []))]
    position = 0
    for i, cell in enumerate(nb.cells):
        if skip & set(cell.get("metadata", {}).get("tags", [])):
            continue
        position += 1
        if i == err.cell_index or (err.cell_index is not None and cell is clean[min(err.cell_index, len(clean) - 1)]):
            return position
    return None


def quiet_shutdown_kernel_manager():
    """A jupyter_client kernel manager (IPC transport) that does not send SIGINT to an executed kernel it shuts down.

    jupyter_client interrupts every kernel before its shutdown request (so that a busy kernel can
    answer it). After papermill has run every cell the kernel is idle, and that SIGINT only lands in
    whatever message the kernel is handling, which ipykernel logs to the console as "KeyboardInterrupt
    caught in kernel". Shutdown still escalates (shutdown request, then SIGTERM, then SIGKILL), and an
    interrupt asked for while the kernel is running is still sent.
    """
    from jupyter_client.manager import AsyncKernelManager

    class QuietShutdownKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            # a local kernel over IPC sockets (beside its connection file), not TCP: no plain-text TCP ports,
            # and no "Kernel is running over TCP without encryption" warning on the console
            kwargs.setdefault("transport", "ipc")
            super().__init__(**kwargs)

        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return QuietShutdownKernelManager


def execute_chapter(
    source: Path,
    output: Path,
    parameters: dict[str, Any],
    *,
    kernel: str = "python3",
    cwd: Path | None = None,
    quiet: bool = False,
    label: str | None = None,
    env: dict[str, str] | None = None,
) -> float:
    """Execute one notebook with papermill, returning the seconds it took.

    ``parameters`` is passed as given: filter it with :func:`parameters_for` first. A failure
    raises :class:`RunbookError` naming the chapter and the cell (counted from 1 in the source
    notebook, markdown cells included) with the error; the executed notebook keeps the traceback.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    name = label or Path(source).name
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    progress: bool | dict = False if quiet else {"desc": name, "leave": False}
    start = time.perf_counter()
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})  # the kernel inherits this process's environment
    try:
        papermill.execute_notebook(
            str(source),
            str(output),
            parameters=parameters or None,
            kernel_name=kernel,
            progress_bar=progress,
            log_output=False,
            cwd=str(cwd or output.parent),
            kernel_manager_class=quiet_shutdown_kernel_manager(),
        )
    except PapermillExecutionError as err:
        source_nb = nbformat.read(str(source), as_version=4)
        number = _source_cell_number(source_nb, output, err)
        first_line = next((line for line in (err.source or "").splitlines() if line.strip()), "")
        where = f"cell {number}" if number else f"cell (executed index {err.cell_index})"
        evalue = str(err.evalue).strip()
        raise RunbookError(
            f"chapter {name}, {where}: {err.ename}: {evalue}\n"
            f"  failing line(s) begin: {first_line[:120]}\n"
            f"  executed notebook with the full traceback: {output}"
        ) from err
    except RunbookError:
        raise
    except Exception as exc:  # kernel died, missing kernel, timeouts...
        raise RunbookError(f"chapter {name}: could not be executed: {type(exc).__name__}: {exc}") from exc
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return time.perf_counter() - start


# --------------------------------------------------------------------------------------------
# the variant book


def _config_file_refs(node: Any, book_root: Path) -> Iterable[Path]:
    """Relative paths of existing files that the book's _config.yml mentions (bib, logo...)."""
    if isinstance(node, dict):
        for value in node.values():
            yield from _config_file_refs(value, book_root)
    elif isinstance(node, list):
        for value in node:
            yield from _config_file_refs(value, book_root)
    elif isinstance(node, str) and node and len(node) < 300 and "\n" not in node:
        candidate = Path(node)
        if candidate.is_absolute() or ".." in candidate.parts:
            return
        try:
            if (book_root / candidate).is_file():
                yield candidate
        except OSError:
            return


def _ignore(directory: str, names: list[str]) -> set[str]:
    """What a copy of the book leaves out: build folders, caches and every notebook.

    Notebooks in the toc are written executed by papermill; others would only raise warnings.
    """
    return {name for name in names if name in SKIP_DIRS or name == RUN_MARKER or name.endswith(".ipynb")}


def _book_folders(pages: list[Path]) -> list[Path]:
    """The outermost folders (relative to the book root) that hold the toc's pages."""
    folders = sorted({p.parent for p in pages if p.parent != Path(".")}, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for folder in folders:
        if not any(folder.is_relative_to(k) for k in kept):
            kept.append(folder)
    return kept


def _prepare_folder(out: Path, book_root: Path, folders: list[Path]) -> None:
    """Make ``out`` an empty run folder, replacing an earlier run but never anything else."""
    out_r, root_r = out.resolve(), book_root.resolve()
    if out_r == root_r or out_r in root_r.parents:
        raise RunbookError(f"--out {out} would overwrite the book itself; choose another folder")
    for folder in folders:
        if out_r.is_relative_to((book_root / folder).resolve()):
            raise RunbookError(f"--out {out} lies inside the book folder {folder}; choose a folder outside it")
    if out.exists():
        if not out.is_dir():
            raise RunbookError(f"--out {out} is a file; give a folder")
        if any(out.iterdir()):
            if not (out / RUN_MARKER).is_file():
                raise RunbookError(
                    f"--out {out} is not empty and is not an earlier lgnet run (no {RUN_MARKER}); "
                    "choose an empty or new folder"
                )
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def _config_dir_refs(node: Any, book_root: Path, key: str = "") -> Iterable[Path]:
    """Relative folders that _config.yml names under a ``*_path`` setting (html_static_path: CSS, JS)."""
    if isinstance(node, dict):
        for k, value in node.items():
            yield from _config_dir_refs(value, book_root, str(k))
    elif isinstance(node, list):
        for value in node:
            yield from _config_dir_refs(value, book_root, key)
    elif isinstance(node, str) and key.endswith("_path") and node and ".." not in Path(node).parts:
        candidate = Path(node)
        if not candidate.is_absolute() and candidate.parts and candidate.parts[0] not in SKIP_DIRS \
                and (book_root / candidate).is_dir():
            yield candidate


_DOWNLOAD = re.compile(r"\{download\}`(?:[^`<]*<([^>`]+)>|([^`<>]+))`")


def _download_refs(book_root: Path, pages: list[Path]) -> Iterable[Path]:
    """Files the pages offer with the ``{download}`` role (e.g. the documented sample's CSVs), relative to the
    book root, so that a variant book can offer them too."""
    root = book_root.resolve()
    for page in pages:
        path = book_root / page
        if not path.is_file():
            continue
        for m in _DOWNLOAD.finditer(path.read_text(encoding="utf-8")):
            target = (path.parent / (m.group(1) or m.group(2)).strip()).resolve()
            if target.is_file() and root in target.parents:
                yield target.relative_to(root)


def _copy_book(book_root: Path, out: Path, pages: list[Path], config: dict) -> None:
    """Copy the pages' folders (md, bib, images; not notebooks), the files _config.yml names and the
    folders its ``*_path`` settings name (the book's CSS in html_static_path)."""
    for ref in _config_dir_refs(config, book_root):
        shutil.copytree(book_root / ref, out / ref, ignore=_ignore, dirs_exist_ok=True)
    for folder in _book_folders(pages):
        shutil.copytree(book_root / folder, out / folder, ignore=_ignore, dirs_exist_ok=True)
    for page in pages:
        if page.parent == Path(".") and page.suffix != ".ipynb":
            shutil.copy2(book_root / page, out / page)
    for ref in _config_file_refs(config, book_root):
        target = out / ref
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(book_root / ref, target)
    for ref in _download_refs(book_root, pages):
        (out / ref).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(book_root / ref, out / ref)
    shutil.copy2(book_root / "_toc.yml", out / "_toc.yml")


def variant_config(config: dict, year: int, partnerships: str) -> dict:
    """The book's _config.yml for a variant: titled with year and dataset, execution off."""
    variant = json.loads(json.dumps(config))  # deep copy of plain YAML data
    base = variant.get("title") or "lgnet"
    variant["title"] = f"{base} ({year}, {dataset_label(partnerships)})"
    execute = dict(variant.get("execute") or {})
    execute["execute_notebooks"] = "off"
    variant["execute"] = execute
    variant["only_build_toc_files"] = True
    return variant


def jupyter_book_command() -> list[str]:
    """The jupyter-book CLI of the running Python environment."""
    script = Path(sys.executable).parent / "jupyter-book"
    if script.is_file():
        return [str(script)]
    found = shutil.which("jupyter-book")
    if found:
        return [found]
    return [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"]


def build_warnings(folder: Path) -> list[str]:
    """The Sphinx warnings in the last build log of a book folder (written by :func:`build_book`)."""
    log = folder / "_build" / "lgnet-build.log"
    if not log.is_file():
        return []
    return [line.strip() for line in log.read_text(encoding="utf-8").splitlines() if "WARNING:" in line]


def build_book(folder: Path, *, strict: bool = False, quiet: bool = False) -> Path:
    """Run ``jupyter-book build`` on a book folder; returns its HTML index.

    ``strict`` adds ``-n -W --keep-going`` (warnings are errors). A failed build raises
    :class:`RunbookError` with the tail of the build log.
    """
    cmd = jupyter_book_command() + ["build", str(folder), "--builder", "html"]
    if strict:
        cmd += ["-n", "-W", "--keep-going"]
    if not quiet:
        print(f"building the HTML book in {folder / '_build' / 'html'} ...", file=sys.stderr)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(folder))
    log = (proc.stdout or "") + (proc.stderr or "")
    (folder / "_build").mkdir(exist_ok=True)
    (folder / "_build" / "lgnet-build.log").write_text(log, encoding="utf-8")
    index = folder / "_build" / "html" / "index.html"
    if proc.returncode != 0 or not index.is_file():
        tail = "\n".join(log.strip().splitlines()[-25:])
        raise RunbookError(
            f"jupyter-book build of {folder} failed (exit {proc.returncode}); last lines:\n{tail}\n"
            f"full log: {folder / '_build' / 'lgnet-build.log'}"
        )
    return index


# --------------------------------------------------------------------------------------------
# chapter selection and the tables written as CSV


def select_chapters(chapters: list[Chapter], wanted: Iterable[str] | None) -> list[Chapter]:
    """The chapters named in ``wanted``: a number N (the notebook whose name starts with ``0N_``/``N_``) or a
    notebook name, with or without ``.ipynb`` (``appendix_validation``). None selects all; an unknown
    name is an error listing the choices."""
    if wanted is None:
        return list(chapters)
    picked: list[Chapter] = []
    for token in (str(t).strip() for t in wanted):
        if not token:
            continue
        stem = token[:-6] if token.endswith(".ipynb") else token
        if stem.isdigit():
            found = [c for c in chapters if c.rel.stem.split("_")[0].isdigit()
                     and int(c.rel.stem.split("_")[0]) == int(stem)]
        else:
            found = [c for c in chapters if c.rel.stem == stem]
        if not found:
            choices = ", ".join(c.rel.stem for c in chapters)
            raise RunbookError(f"--chapters: no chapter {token!r}; give numbers (2,3) or names among: {choices}")
        picked += [c for c in found if c not in picked]
    if not picked:
        raise RunbookError("--chapters: no chapter given; e.g. --chapters 2,3")
    return [c for c in chapters if c in picked]  # reading order


def _filter_toc(node: Any, drop: set[str]) -> Any:
    """The _toc.yml structure without the entries whose file is in ``drop`` (paths without suffix)."""
    if isinstance(node, list):
        kept = [_filter_toc(child, drop) for child in node]
        return [k for k in kept if k is not None]
    if isinstance(node, dict):
        if isinstance(node.get("file"), str) and str(Path(node["file"]).with_suffix("")) in drop:
            return None
        out = {}
        for key, value in node.items():
            out[key] = _filter_toc(value, drop) if isinstance(value, (list, dict)) else value
        for key in ("chapters", "sections", "parts"):
            if key in out and not out[key]:
                del out[key]
        if "caption" in out and not any(k in out for k in ("chapters", "file", "sections")):
            return None
        return out
    return node


RESULTS_INDEX = "results.json"


def collect_results(out: Path, result: "RunResult") -> list[dict]:
    """Gather each chapter's ``results/<chapter>/index.jsonl`` into ``<out>/results.json``."""
    from lgnet.book.results_out import read_index

    entries = []
    for notebook in result.notebooks:
        folder = out / "results" / notebook.stem
        for e in read_index(folder):
            entries.append({"chapter": notebook.stem, "table": e["table"],
                            "file": (Path("results") / notebook.stem / e["file"]).as_posix(),
                            "dataset": result.dataset, "year": result.year,
                            "seed": e.get("seed"), "permutations": e.get("permutations"),
                            "function": e.get("function"), "arguments": e.get("arguments"), "rows": e.get("rows")})
    (out / RESULTS_INDEX).write_text(json.dumps({"year": result.year, "partnerships": result.partnerships,
                                                  "dataset": result.dataset, "tables": entries}, indent=2) + "\n",
                                     encoding="utf-8")
    return entries


def _reusable(out: Path, settings: dict) -> dict | None:
    """The marker of an earlier run in ``out`` made with the same settings, or None."""
    try:
        marker = json.loads((out / RUN_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if marker.get("status") not in ("executed", "built") or marker.get("settings") != settings:
        return None
    return marker


# --------------------------------------------------------------------------------------------
# the rerun


def run_book(
    year: int = 2017,
    partnerships: str | os.PathLike = "documented",
    permutations: int | None = None,
    seed: int | None = None,
    out: str | os.PathLike | None = None,
    build: bool = True,
    quiet: bool = False,
    kernel: str = "python3",
    *,
    book_root: str | os.PathLike | None = None,
    parameters: dict[str, Any] | None = None,
    strict: bool = False,
    chapters: Iterable[str] | None = None,
    aliases: str | os.PathLike | None = None,
) -> RunResult:
    """Execute every chapter notebook for ``year`` and ``partnerships`` and build the variant book.

    Parameters
    ----------
    year: dataset year (councils in existence on 1 April).
    partnerships: ``"documented"`` (2017 only), ``"simulated"`` or a path to a partnership file.
    permutations, seed: passed to the chapters that declare them; None keeps each chapter's default.
    out: run folder (default ``runs/<year>-<dataset>/`` under the repository, git-ignored).
    build: run ``jupyter-book build`` on the variant.
    book_root: folder holding the book's _config.yml and _toc.yml (default: the repository).
    parameters: further parameters (e.g. a chapter's small knobs); passed to the chapters that
        declare them; a name no chapter declares is an error.
    strict: build with warnings as errors.
    chapters: execute only these (numbers or notebook names; see :func:`select_chapters`).
    aliases: an analyst's alias table (columns as data/aliases.csv), used before the project's.
    """
    book_root = Path(book_root or paths.ROOT).resolve()
    year = int(year)
    partnerships = resolve_partnerships(partnerships, year)
    slug = dataset_slug(partnerships)
    out = Path(out) if out is not None else paths.RUNS / f"{year}-{slug}"
    out = out.resolve()

    config_path = book_root / "_config.yml"
    if not config_path.is_file():
        raise RunbookError(f"{config_path}: the book has no _config.yml")
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    pages = toc_entries(book_root)
    all_chapters = [Chapter(p, (book_root / p).resolve()) for p in pages if p.suffix == ".ipynb"]
    if not all_chapters:
        raise RunbookError(f"{book_root / '_toc.yml'} lists no notebooks to execute")
    selected = select_chapters(all_chapters, chapters)
    env = {}
    if aliases is not None:
        from lgnet.data.partnerships import ALIASES_ENV

        aliases = Path(aliases).expanduser().resolve()
        if not aliases.is_file():
            raise RunbookError(f"--aliases: {aliases} not found")
        env[ALIASES_ENV] = str(aliases)
    chapters = all_chapters

    wanted: dict[str, Any] = {"year": year, "partnerships": partnerships, "permutations": permutations, "seed": seed}
    extra = dict(parameters or {})
    wanted.update(extra)
    plan = {ch.name: parameters_for(ch.source, wanted) for ch in chapters}
    unknown = [name for name in extra if not any(name in declared_parameters(ch.source) for ch in chapters)]
    if unknown:
        raise RunbookError(
            f"no chapter declares the parameter(s) {', '.join(sorted(unknown))}; "
            f"declared: {', '.join(sorted({n for ch in chapters for n in declared_parameters(ch.source)}))}"
        )

    settings = {"year": year, "partnerships": partnerships, "plan": plan,
                "aliases": env.get("LGNET_ALIASES")}
    # with --chapters, the other chapters of an earlier run with the same settings are kept
    keep: dict[str, tuple[bytes, dict[str, bytes]]] = {}
    earlier = _reusable(out, settings) if len(selected) < len(all_chapters) else None
    if earlier is not None:
        for chapter in all_chapters:
            nb_path = out / chapter.rel
            if chapter in selected or not nb_path.is_file():
                continue
            res_dir = out / "results" / chapter.rel.stem
            files = {f.name: f.read_bytes() for f in res_dir.iterdir()} if res_dir.is_dir() else {}
            keep[chapter.name] = (nb_path.read_bytes(), files)

    _prepare_folder(out, book_root, _book_folders(pages))
    (out / RUN_MARKER).write_text(
        json.dumps({"year": year, "partnerships": partnerships, "dataset": slug, "status": "running"}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    _copy_book(book_root, out, pages, config)

    result = RunResult(out=out, year=year, partnerships=partnerships, dataset=slug)
    bar = tqdm(selected, desc="chapters", unit="chapter", disable=quiet)
    for chapter in bar:
        bar.set_postfix_str(chapter.name)
        target = out / chapter.rel
        results_dir = out / "results" / chapter.rel.stem
        result.timings[chapter.name] = execute_chapter(
            chapter.source, target, plan[chapter.name], kernel=kernel, cwd=target.parent, quiet=quiet,
            label=chapter.name, env={**env, "LGNET_RESULTS_DIR": str(results_dir)},
        )
        result.parameters[chapter.name] = plan[chapter.name]
    bar.close()
    for chapter in all_chapters:
        if chapter.name in keep:
            nb_bytes, files = keep[chapter.name]
            (out / chapter.rel).parent.mkdir(parents=True, exist_ok=True)
            (out / chapter.rel).write_bytes(nb_bytes)
            res_dir = out / "results" / chapter.rel.stem
            res_dir.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (res_dir / name).write_bytes(data)
            result.kept.append(chapter.name)
            result.parameters[chapter.name] = plan[chapter.name]
        if chapter in selected or chapter.name in keep:
            result.notebooks.append(out / chapter.rel)
    dropped = {str(c.rel.with_suffix("")) for c in all_chapters if (out / c.rel) not in result.notebooks}
    if dropped:
        toc = yaml.safe_load((book_root / "_toc.yml").read_text(encoding="utf-8")) or {}
        (out / "_toc.yml").write_text(yaml.safe_dump(_filter_toc(toc, dropped), sort_keys=False), encoding="utf-8")
    result.results = collect_results(out, result)

    (out / "_config.yml").write_text(
        yaml.safe_dump(variant_config(config, year, partnerships), sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    if build:
        start = time.perf_counter()
        result.html_index = build_book(out, strict=strict, quiet=quiet)
        result.build_seconds = time.perf_counter() - start
        result.build_warnings = build_warnings(out)

    (out / RUN_MARKER).write_text(
        json.dumps(
            {
                "year": year,
                "partnerships": partnerships,
                "dataset": slug,
                "status": "built" if build else "executed",
                "settings": settings,
                "chapters_executed": [c.name for c in selected],
                "chapters_kept": result.kept,
                "parameters": result.parameters,
                "timings_seconds": {k: round(v, 2) for k, v in result.timings.items()},
                "build_seconds": None if result.build_seconds is None else round(result.build_seconds, 2),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return result
