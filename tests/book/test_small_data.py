"""A user's file too small for the models (five partnerships, one of them frontline): chapters 2 to 5 build
with sentences saying what cannot be estimated, never a table of NaN, a traceback or a statsmodels warning."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from lgnet.book import runbook
from lgnet.data import paths

FIVE = Path(__file__).parents[1] / "fixtures" / "partnerships" / "five"
CHAPTERS = ["book/02_propensity.ipynb", "book/03_partner_selection.ipynb", "book/04_activity_subsets.ipynb",
            "book/05_efficiency_legitimacy.ipynb"]
SMALL = {"permutations": 19, "logistic_permutations": 9}


def _outputs(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                parts.append(f"[{o.get('name')}] " + o.get("text", ""))
            if o.get("output_type") == "error":
                parts.append("Traceback " + o.get("ename", ""))
            for key in ("text/plain", "text/html", "text/markdown"):
                v = o.get("data", {}).get(key)
                if v:
                    parts.append(v if isinstance(v, str) else "".join(v))
    return "\n".join(parts)


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("rel", CHAPTERS)
def test_five_partnership_file_gives_sentences_not_nan(rel, raw_data, tmp_path):
    source = paths.ROOT / rel
    out = tmp_path / Path(rel).name
    runbook.execute_chapter(source, out, runbook.parameters_for(source, {**SMALL, "year": 2017,
                                                                         "partnerships": str(FIVE)}),
                            cwd=source.parent, quiet=True, label=Path(rel).name)
    text = _outputs(nbformat.read(str(out), as_version=4))
    assert "Traceback" not in text
    assert not re.search(r"\bNaN\b|\bnan\b", text), re.findall(r".{60}\bn?NaN?\b.{20}", text)[:3]
    assert "Warning" not in text and "[stderr]" not in text
    zeros = [text[max(0, m.start() - 120):m.end() + 10] for m in re.finditer(r"(?<![\d.])0\.000(?!\d)", text)]
    assert not zeros, zeros[:3]
