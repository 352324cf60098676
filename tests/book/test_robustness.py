"""Robustness of the results chapters: the evidence-set table and its sentence (lgnet.book.chapters.robustness),
the partner-selection models restricted to councils with at least one partnership (chapter 3), the dataset
note's set and counts (lgnet.book.chapters.notes), and no count of the old documented sample left in the book.

Built on the 12-council network fixture (tests/fixtures/network: "Lon A" is in no partnership) by replacing the
cached loaders of lgnet.book.chapters.data; the three evidence sets are three different partnership lists."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import lgnet_helpers as lg
from lgnet.book.chapters import data as chapter_data, robustness
from lgnet.data.partnership_data import PartnershipData

ROOT = Path(__file__).parents[2]


def _drop(pdata: PartnershipData, ids: set[str], dataset: str, meta: dict | None = None) -> PartnershipData:
    p = pdata.partnerships[~pdata.partnerships["partnership_id"].isin(ids)].reset_index(drop=True)
    m = pdata.memberships[~pdata.memberships["partnership_id"].isin(ids)].reset_index(drop=True)
    return PartnershipData(p, m, pdata.year, dataset, meta=meta or {})


@pytest.fixture
def sets(monkeypatch, network_fx):
    """The network fixture as the three evidence sets: strict without P3 and P6, default without P6, all."""
    pdata, table = network_fx
    datasets = {"documented-strict": _drop(pdata, {"P3", "P6"}, "documented-strict"),
                "documented": _drop(pdata, {"P6"}, "documented"),
                "documented-all": _drop(pdata, set(), "documented-all")}
    lg.clear_cache()
    monkeypatch.setattr(chapter_data, "_load", lambda year, source, seed: datasets[source])
    monkeypatch.setattr(chapter_data, "_council_table", lambda year: table)
    monkeypatch.setattr(chapter_data, "_analysis_table", lambda year: table)
    yield datasets
    lg.clear_cache()


def _results(rows):
    return pd.DataFrame(rows, columns=["group", "quantity", "kind", "estimate", "p"])


AGREE = [("strict", "R² (combined model)", "R²", 0.10, np.nan), ("default", "R² (combined model)", "R²", 0.12, np.nan),
         ("strict", "same region", "coefficient", 0.30, 0.001), ("default", "same region", "coefficient", 0.25, 0.004),
         ("strict", "council type (joint test)", "joint test", np.nan, 0.01),
         ("default", "council type (joint test)", "joint test", np.nan, 0.02)]


def test_sentence_says_the_conclusion_holds_when_signs_and_significance_agree():
    text = robustness.conclusion_sentence(_results(AGREE))
    assert text.startswith("The conclusion holds across the evidence sets: all 2 results agree")
    assert "p = 0.05" in text and "from 0.100 to 0.120" in text


def test_sentence_names_a_sign_that_flips():
    flipped = [r if not (r[0] == "default" and r[1] == "same region") else ("default", "same region", "coefficient",
                                                                            -0.25, 0.004) for r in AGREE]
    text = robustness.conclusion_sentence(_results(flipped), {"strict": "the strict set", "default": "the default set"})
    assert "does not hold in full" in text and "1 of 2 results agree" in text
    assert "same region (positive, p < 0.05 in the strict set; negative, p < 0.05 in the default set)" in text
    agreement = robustness.agreement(_results(flipped)).set_index("quantity")
    assert not agreement.loc["same region", "holds"] and agreement.loc["council type (joint test)", "holds"]


def test_sentence_names_a_loss_of_significance_and_a_missing_result():
    rows = AGREE[:-1] + [("default", "council type (joint test)", "joint test", np.nan, 0.2)]
    text = robustness.conclusion_sentence(_results(rows))
    assert "council type (joint test) (p < 0.05 in strict; not significant at 0.05 in default)" in text
    missing = robustness.agreement(_results(AGREE[:-1]))
    assert not missing.set_index("quantity").loc["council type (joint test)", "holds"]


def test_evidence_table_shows_three_sets_side_by_side(sets):
    run = lg.setup(partnerships="documented", permutations=19)
    table = lg.evidence_table(run, "selection")
    assert list(table.columns) == ["strict (documented-strict)", "default (documented)", "all (documented-all)"]
    assert table.loc["partnerships"].tolist() == ["4 (8 of 12 councils)", "5 (10 of 12 councils)",
                                                  "6 (11 of 12 councils)"]
    for row in ("R² (organisational model)", "same region (organisational model)",
                "distance (per 100 km) (organisational model)", "same party in control (with region)"):
        assert row in table.index
    assert re.fullmatch(r"[+−][0-9.e-]+ \(p [=<≤] [0-9.]+\)", table.loc["same region (organisational model)"].iloc[0])
    long = lg.evidence_results(run, "selection")
    assert list(dict.fromkeys(long["group"])) == ["documented-strict", "documented", "documented-all"]
    # the sentence is computed from these results by the stated rule
    sentence = lg.evidence_sentence(run, "selection").markdown
    expected = robustness.conclusion_sentence(long, {"documented-strict": "the strict set",
                                                     "documented": "the default set", "documented-all": "the all set"})
    assert sentence == expected and "the strict set, the default set and the all set" in sentence


def test_evidence_table_caption_mentions_distance_only_when_the_table_has_it():
    lg.clear_cache()
    run = lg.setup(partnerships="documented", permutations=19, logistic_permutations=9)
    assert "distance per 100 km" in lg.evidence_table(run, "selection").attrs["caption"]
    assert "distance" not in lg.evidence_table(run, "propensity").attrs["caption"]


def test_evidence_table_uses_each_sets_own_data(sets):
    run = lg.setup(partnerships="documented", permutations=19)
    r2 = lg.evidence_results(run, "selection").query("quantity == 'R² (organisational model)'")
    assert r2["estimate"].nunique() == 3  # three different networks, three different fits


def test_evidence_table_on_other_data_says_it_applies_to_the_documented_sample_only(sets):
    for run in (lg.setup(partnerships="simulated"), lg.setup(partnerships=ROOT / "tests" / "fixtures" / "network")):
        note = lg.evidence_table(run, "propensity")
        assert "applies only to the documented sample" in note.markdown
        assert "only to the documented sample" in lg.evidence_sentence(run, "subsets").markdown
    with pytest.raises(ValueError, match="chapter"):
        lg.evidence_results(lg.setup(), "homophily")


def test_restricted_models_leave_out_the_council_in_no_partnership(sets):
    run = lg.setup(partnerships="documented", permutations=19)
    r2 = lg.restricted_r2(run)
    assert set(r2["councils (all)"]) == {12}
    assert set(r2["councils (in ≥1 partnership)"]) == {10}  # the default set has no P6: Met B and Lon A are out
    assert set(r2["pairs (in ≥1 partnership)"]) == {45}
    assert (r2["R² (all councils)"] != r2["R² (in ≥1 partnership)"]).any()
    coefs = lg.restricted_coefficients(run)
    assert list(coefs.columns) == ["all councils", "councils in ≥1 partnership"]
    sentence = lg.restricted_sentence(run).markdown
    assert sentence.startswith("Restricting the models to the 10 councils with at least one partnership in the "
                               "data (2 councils with none left out)")
    full = float(r2.loc["combined", "R² (all councils)"])
    part = float(r2.loc["combined", "R² (in ≥1 partnership)"])
    assert (f"from {full:.3f} to {part:.3f}" in sentence) or (f"at {full:.3f}" in sentence)


def test_dataset_note_names_the_set_and_its_counts(sets):
    sets["documented-strict"].meta["evidence_set"] = {
        "name": "documented-strict", "label": "documented sample, strict set", "partnerships": 4, "memberships": 11,
        "councils": 8, "councils_in_year": 12, "participation": 8 / 12}
    doc = lg.dataset_note(lg.setup(partnerships="documented-strict")).markdown
    assert "documented sample, strict set" in doc and "`documented-strict`" in doc
    assert "4 partnerships (11 memberships); 8 of the 12 councils of 2017 (66.7%) are in at least one" in doc
    # without metadata the counts are computed from the data
    doc = lg.dataset_note(lg.setup(partnerships="documented")).markdown
    assert "5 partnerships (14 memberships); 10 of the 12 councils of 2017 (83.3%)" in doc
    assert "belong to 1 to 2 partnerships" in doc and "against the article's 1 to 33" in doc


def test_dataset_note_for_a_later_year_carries_the_geography_sentence_and_the_collapsed(sets):
    later = sets["documented"]
    later.year = 2023
    later.meta.update({"geography_note": "The partnerships are c. 2017 arrangements drawn on the councils of 2023.",
                       "carried": {"collapsed": [{"partnership_id": "P9", "code": "E1", "council": "Newshire",
                                                  "from": [("A", "Old A"), ("B", "Old B")]}]}})
    doc = lg.dataset_note(lg.setup(year=2023, partnerships="documented")).markdown
    assert "c. 2017 arrangements drawn on the councils of 2023" in doc
    assert "P9 (Old A, Old B became Newshire)" in doc and "2023" in doc
    later.meta["carried"]["collapsed"] = []
    lg.clear_cache()
    doc = lg.dataset_note(lg.setup(year=2023, partnerships="documented")).markdown
    assert "No partnership collapsed" in doc


OLD_COUNTS = re.compile(r"(?<![\w.])153(?![\w.])|67\.7")


def test_no_count_of_the_old_documented_sample_is_left_in_the_book():
    hits = []
    for folder in (ROOT / "book", ROOT / "lgnet" / "book"):
        for path in folder.rglob("*"):
            if path.suffix in (".py", ".md", ".ipynb", ".bib") and path.is_file():
                for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    if OLD_COUNTS.search(line):
                        hits.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()[:100]}")
    assert not hits, "counts of the old sample (153 partnerships, 67.7%) left:\n" + "\n".join(hits)


def test_coverage_note_is_computed_from_the_data(sets):
    doc = lg.coverage_note(lg.setup(partnerships="documented")).markdown
    assert "It reaches 10 of the 12 councils of 2017 (83.3%)" in doc and "far from the whole network" in doc
    assert "run from 1 to 2" in doc and "the long tail is missing" in doc
    doc = lg.coverage_note(lg.setup(partnerships="documented-all")).markdown
    assert "11 of the 12 councils of 2017 (91.7%)" in doc
