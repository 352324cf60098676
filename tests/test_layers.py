"""The package's architecture: four layers, imports only downward (cli -> book -> stats -> data).

Reads every module's imports with ``ast`` (top-level and those inside functions), so a lazy import that
runs the wrong way fails too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lgnet"
LAYERS = ["data", "stats", "book", "cli"]  # lowest first


def _module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path = PACKAGE) -> list[tuple[int, str]]:
    """(line, imported module) for every import of an ``lgnet`` module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "lgnet"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "lgnet":
                continue
            if module == "lgnet":  # from lgnet import data, ...
                out += [(node.lineno, f"lgnet.{a.name}") for a in node.names]
            else:
                out.append((node.lineno, module))
    return out


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return None
    return LAYERS.index(parts[1])


def upward_imports(root: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        own = layer_of(_module_name(path, root))
        if own is None:
            continue
        for line, module in _imports(path, root):
            target = layer_of(module)
            if target is not None and target > own:
                problems.append(f"{path.relative_to(root.parent)}:{line} imports {module} "
                                f"({LAYERS[own]} may not import from {LAYERS[target]})")
    return problems


def test_package_holds_only_the_four_layers():
    entries = {p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"}
    assert entries == {"__init__.py", "__main__.py", *LAYERS}


def test_no_module_imports_from_a_higher_layer():
    assert upward_imports() == []


def test_the_check_catches_an_upward_import(tmp_path):
    """A fixture package whose data layer imports from cli (lazily, inside a function) is caught."""
    pkg = tmp_path / "lgnet"
    for layer in LAYERS:
        (pkg / layer).mkdir(parents=True)
        (pkg / layer / "__init__.py").write_text("")
    (pkg / "data" / "bad.py").write_text("def f():\n    from lgnet.cli.entry import main\n    return main\n")
    (pkg / "stats" / "bad.py").write_text("from lgnet import book\n")
    (pkg / "book" / "ok.py").write_text("from lgnet.stats import qap\nfrom ..data import paths\n")
    (pkg / "data" / "rel.py").write_text("from ..stats import qap\n")
    problems = upward_imports(pkg)
    assert len(problems) == 3, problems
    assert any("data/bad.py:2 imports lgnet.cli.entry" in p for p in problems)
    assert any("stats/bad.py:1 imports lgnet.book" in p for p in problems)
    assert any("data/rel.py:1 imports lgnet.stats" in p for p in problems)


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_imports_on_its_own(layer):
    """Importing a layer's modules does not need a higher layer to be importable first (no cycles)."""
    import importlib

    for path in sorted((PACKAGE / layer).rglob("*.py")):
        importlib.import_module(_module_name(path))
