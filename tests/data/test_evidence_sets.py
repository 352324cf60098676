"""The documented sample's evidence sets, its aliases (scoped ones included) and its later-year geography."""

from __future__ import annotations

import pandas as pd
import pytest

from lgnet.cli.entry import main
from lgnet.data.errors import LgnetError
from lgnet.data.evidence_sets import CATEGORIES, DEFAULT_SET, EVIDENCE_SETS, evidence_set, is_documented
from lgnet.data.partnerships import (DOCUMENTED_DIR, PartnershipFileError, load_evidence_sets, load_partnerships,
                                     read_tidy)

pytestmark = pytest.mark.usefixtures("raw_data")


def _files():
    p = pd.read_csv(DOCUMENTED_DIR / "partnerships.csv", dtype=str, keep_default_na=False)
    m = pd.read_csv(DOCUMENTED_DIR / "memberships.csv", dtype=str, keep_default_na=False)
    return p, m


@pytest.fixture(scope="module")
def sets_2017(raw_data):
    return load_evidence_sets(2017)


@pytest.fixture(scope="module")
def sets_2023(raw_data):
    return load_evidence_sets(2023)


def test_set_definitions():
    assert list(EVIDENCE_SETS) == ["documented-strict", "documented", "documented-all"]
    assert DEFAULT_SET == "documented"
    assert evidence_set("documented-strict").categories == ("shared_service",)
    assert set(evidence_set("documented").categories) == {"shared_service", "proposal", "out_of_period"}
    assert set(evidence_set("documented-all").categories) == set(CATEGORIES)
    assert is_documented("documented-all") and not is_documented("simulated") and not is_documented("docs")
    p, _ = _files()
    assert set(p["category"]) <= set(CATEGORIES)  # no record falls outside every set


@pytest.mark.parametrize("name", list(EVIDENCE_SETS))
def test_counts_from_the_files_equal_the_loader(sets_2017, name):
    p, m = _files()
    ids = set(p.loc[p["category"].isin(EVIDENCE_SETS[name].categories), "partnership_id"])
    rows = m[m["partnership_id"].isin(ids)]
    data = sets_2017[name]
    single = load_partnerships(name, year=2017)
    assert len(single.partnerships) == len(data.partnerships) == len(ids)
    assert len(single.memberships) == len(data.memberships) == len(rows)  # every membership matched, none dropped
    assert data.dataset == name and data.year == 2017
    e = data.meta["evidence_set"]
    assert e["name"] == name and e["categories"] == list(EVIDENCE_SETS[name].categories)
    assert (e["partnerships"], e["memberships"]) == (len(ids), len(rows))
    assert e["councils"] == data.memberships["code"].nunique() and e["councils_in_year"] == 353
    assert e["participation"] == pytest.approx(e["councils"] / 353)
    assert data.meta["exclusions"] == []  # nothing dropped; warnings may only record decisions by context
    assert not any("excluded" in w or "listed twice" in w for w in data.meta["warnings"])
    assert "2017" in data.meta["geography_note"]
    # names as written are kept row for row
    assert data.memberships["council_name_as_written"].tolist() == rows["council_name_as_written"].tolist()
    assert str(e["partnerships"]) in data.label


def test_sets_nest(sets_2017):
    strict, default, every = (set(sets_2017[n].partnerships["partnership_id"]) for n in EVIDENCE_SETS)
    assert strict < default < every


NEW_ALIASES = {
    "Welhat": "Welwyn Hatfield", "Harrow London Borough Council": "Harrow",
    "Stratford District Council": "Stratford-on-Avon", "NWBC": "North Warwickshire", "WCC": "Warwickshire",
    "RBC": "Rugby", "Barrow Borough Council": "Barrow-in-Furness", "Adur district": "Adur",
    "B&NES Council": "Bath and North East Somerset", "Colchester City Council": "Colchester",
}


def test_new_aliases_match_their_councils(sets_2017):
    mapped = {m["as_written"]: m for m in sets_2017["documented-all"].meta["name_mappings"]}
    for written, council in NEW_ALIASES.items():
        assert mapped[written]["council"] == council, written
        assert mapped[written]["method"] == "alias" and mapped[written]["note"]


def test_scoped_alias_applies_only_to_its_records():
    from lgnet.data.councils import council_table
    from lgnet.data.names import CouncilMatcher, load_aliases, load_registry

    aliases = load_aliases()
    wcc = aliases[aliases["alias"] == "WCC"].iloc[0]
    assert wcc["scope"] == frozenset({"M030"})
    matcher = CouncilMatcher(council_table(2017), 2017, aliases, load_registry())
    assert matcher.match("WCC", partnership_id="M030").name == "Warwickshire"
    for elsewhere in ("P001", None):
        result = matcher.match("WCC", partnership_id=elsewhere)
        assert not result.matched  # outside its scope "WCC" is not Warwickshire
        assert result.name != "Warwickshire"
    # unscoped rows keep working everywhere
    assert matcher.match("Welhat").name == "Welwyn Hatfield"
    assert matcher.match("RBWM", partnership_id="X9").name == "Windsor and Maidenhead"


def test_scoped_alias_never_applies_to_a_users_file(tmp_path):
    (tmp_path / "partnerships.csv").write_text(
        "partnership_id,name,nature,function\nM030,Some waste partnership,frontline,waste\n")
    (tmp_path / "memberships.csv").write_text(
        "partnership_id,council_name_as_written\nM030,Warwick District Council\nM030,WCC\n")
    with pytest.raises(PartnershipFileError) as err:
        read_tidy(tmp_path, 2017)
    assert "'WCC'" in str(err.value) and "row 3" in str(err.value)


def test_alias_table_without_scope_column_still_loads(tmp_path):
    from lgnet.data.names import load_aliases

    path = tmp_path / "aliases.csv"
    path.write_text("alias,code,valid_from_year,valid_to_year,status,note\n"
                    "RBWM,E06000040,,,council,abbreviation\n")
    table = load_aliases(path)
    assert table["scope"].iloc[0] == frozenset()


def test_years_before_2017_are_an_error_that_says_why():
    with pytest.raises(LgnetError) as err:
        load_partnerships("documented-strict", year=2016)
    assert "c. 2017" in str(err.value) and "invent partnerships" in str(err.value)
    with pytest.raises(LgnetError, match="not an evidence set"):
        load_partnerships("documented-typo", year=2017)


def test_2023_carries_members_to_successors(sets_2017, sets_2023):
    from lgnet.data.councils import council_table

    c2017, c2023 = council_table(2017), council_table(2023)
    code = {n: c for n, c in zip(c2017["name"], c2017["code"])}
    code23 = {n: c for n, c in zip(c2023["name"], c2023["code"])}
    data = sets_2023["documented-all"]
    assert data.year == 2023 and set(data.memberships["code"]) <= set(c2023["code"])
    # a former district goes to its unitary successor
    for district, unitary in (("Aylesbury Vale", "Buckinghamshire"), ("Allerdale", "Cumberland"),
                              ("Corby", "North Northamptonshire")):
        rows = data.memberships[data.memberships["code_2017"] == code[district]]
        assert len(rows) and (rows["code"] == code23[unitary]).all(), district
    # a row keeps its 2017 code only where that council still exists in 2023
    kept = data.memberships["code"] == data.memberships["code_2017"]
    assert set(data.memberships.loc[~kept, "code_2017"]).isdisjoint(set(c2023["code"]))
    # a council that still exists keeps its code
    worcester = data.memberships[data.memberships["code_2017"] == code["Worcester"]]
    assert len(worcester) and (worcester["code"] == code["Worcester"]).all()
    carried = data.meta["carried"]
    assert carried["memberships_2017"] == len(sets_2017["documented-all"].memberships)
    assert carried["moved"] > 0
    # partnerships whose members all became one council are reported and set aside, never kept with one member
    collapsed = {c["partnership_id"]: c for c in carried["collapsed"]}
    assert collapsed, "the 2019-2023 reorganisations merge some partnerships into one council"
    assert collapsed["P034"]["council"] == "Somerset"
    before = sets_2017["documented-all"]
    for pid, c in collapsed.items():
        assert pid not in set(data.partnerships["partnership_id"])
        assert any(w.startswith(f"partnership {pid} set aside for 2023") for w in data.meta["warnings"])
        assert before.memberships.loc[before.memberships["partnership_id"] == pid, "code"].nunique() >= 2
    assert (data.memberships.groupby("partnership_id").size() >= 2).all()
    assert len(data.partnerships) == len(before.partnerships) - len(collapsed)
    assert not data.memberships.duplicated(["partnership_id", "code"]).any()
    # counties split between several unitaries go to each of them
    splits = {s["council_2017"]: [n for _, n in s["to"]] for s in carried["splits"]}
    assert set(splits["Northamptonshire"]) == {"North Northamptonshire", "West Northamptonshire"}
    note = data.meta["geography_note"]
    assert "c. 2017 arrangements drawn on the councils of 2023" in note and str(len(collapsed)) in note


def test_sets_report_only_their_own_collapsed_partnerships(sets_2023):
    p, _ = _files()
    category = dict(zip(p["partnership_id"], p["category"]))
    for name, data in sets_2023.items():
        for c in data.meta["carried"]["collapsed"]:
            assert category[c["partnership_id"]] in EVIDENCE_SETS[name].categories


def test_cli_check_prints_the_three_sets(capsys):
    p, m = _files()
    assert main(["check", "documented", "--year", "2017", "--quiet"]) == 0
    out = capsys.readouterr().out
    for name, spec in EVIDENCE_SETS.items():
        ids = set(p.loc[p["category"].isin(spec.categories), "partnership_id"])
        members = m[m["partnership_id"].isin(ids)]
        line = next(line for line in out.splitlines() if line.strip().startswith(name + " "))
        cells = line.split()
        assert str(len(ids)) in cells and str(len(members)) in cells, line
        assert "of 353" in line and "%" in line


def test_cli_check_later_year_lists_what_was_set_aside(capsys):
    assert main(["check", "documented", "--year", "2023", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "drawn on the councils of 2023" in out and "set aside: P034 (Somerset)" in out
    assert main(["check", "documented", "--year", "2016"]) == 2
    assert "invent partnerships" in capsys.readouterr().err


@pytest.mark.parametrize("year", [2017, 2023])
def test_each_set_warns_only_about_its_own_partnerships(sets_2017, sets_2023, year):
    """A warning about one record (a name decided by context, a merged council ...) is shown with the sets that
    hold that record only: the record it concerns is carried with the warning, not read back from its text."""
    import re

    sets = sets_2017 if year == 2017 else sets_2023
    all_ids = set(sets["documented-all"].partnerships["partnership_id"])
    for name, data in sets.items():
        ids = set(data.partnerships["partnership_id"]) | {c["partnership_id"] for c in
                                                          (data.meta.get("carried") or {}).get("collapsed", [])}
        for w in data.meta["warnings"]:
            named = set(re.findall(r"partnership ([A-Z]\d{3})\b", w)) & all_ids
            assert named <= ids, f"{name} {year}: {w}"
            assert getattr(w, "partnership_id", None) in ids | {None}
    strict = sets["documented-strict"].meta["warnings"]
    assert not any("P142" in w for w in strict)  # 'Kingston Council' in P142 (a proposal): not a strict record
    assert any("P142" in w for w in sets["documented"].meta["warnings"])


def test_participation_is_counted_the_same_everywhere(sets_2017):
    """The evidence set's counts, `lgnet check`'s summary and the network's descriptives agree on participation
    (the first two share lgnet.data.partnership_data.participation; the network counts it from its degrees)."""
    from lgnet.data.councils import council_table
    from lgnet.data.partnerships import summarise
    from lgnet.stats.network import describe

    councils = council_table(2017)
    for name, data in sets_2017.items():
        e, s, d = data.meta["evidence_set"], summarise(data, councils), describe(data, councils)
        assert e["councils"] == s["councils_matched"] == d["participants"], name
        assert e["participation"] == s["participation"] == pytest.approx(d["participation"], abs=1e-12), name


def test_cli_check_documented_uses_the_analysts_aliases_for_every_set(capsys, tmp_path):
    """The summary and the evidence-set table come from one reading with the same aliases: an alias that
    excludes a name changes both alike."""
    a = tmp_path / "mine.csv"
    a.write_text("alias,code,valid_from_year,valid_to_year,status,note\n"
                 "Worcester City Council,,,,not_a_council,test: treat as not a council\n", encoding="utf-8")
    assert main(["check", "documented", "--year", "2017", "--quiet", "--aliases", str(a)]) == 0
    out = capsys.readouterr().out
    memberships = int(next(line for line in out.splitlines() if line.strip().startswith("memberships")).split()[1])
    row = next(line for line in out.splitlines() if line.strip().startswith("documented "))
    assert memberships < 970 and str(memberships) in row.split(), (memberships, row)
