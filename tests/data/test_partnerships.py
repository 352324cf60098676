"""Partnership ingestion (lgnet.data.partnerships) and `lgnet check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from _partnership_fixture import FOLDER as PARTNERSHIP_FIXTURES
from _partnership_fixture import fixture_councils
from lgnet.cli.entry import main
from lgnet.data.errors import LgnetError
from lgnet.data.names import CouncilMatcher, load_aliases, load_registry
from lgnet.data.partnerships import (
    DOCUMENTED_DIR,
    PartnershipData,
    PartnershipFileError,
    load_partnerships,
    map_nature,
    read_tidy,
    read_wide,
    split_members,
    summarise,
)

FIXTURES = PARTNERSHIP_FIXTURES
def _shared_sample() -> Path | None:
    """The documented sample as compiled, in the data mirror (LGNET_DATA_MIRROR), if one is set."""
    from lgnet.data import paths

    mirror = paths.mirror_dir()
    return mirror / "documented_partnerships" if mirror else None


@pytest.fixture(scope="module")
def ctx(raw_data):
    """Keyword arguments giving the readers the fixture council table and the real registry."""
    return {"councils": fixture_councils(), "registry": load_registry()}


def frames_equal(a: PartnershipData, b: PartnershipData) -> None:
    pd.testing.assert_frame_equal(a.partnerships, b.partnerships)
    pd.testing.assert_frame_equal(a.memberships, b.memberships)
    assert a.year == b.year


# --- natures -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, nature",
    [("back office", "administrative"), ("Back-Office", "administrative"), ("admin", "administrative"),
     ("Administrative", "administrative"), ("front-line", "frontline"), ("Front line", "frontline"),
     ("programme", "frontline"), ("service delivery", "frontline"), ("MIXED", "mixed"), ("both", "mixed"),
     ("frontline", "frontline")],
)
def test_nature_spellings(written, nature):
    assert map_nature(written) == nature


def test_unknown_nature_is_none():
    assert map_nature("front-ish") is None
    assert map_nature("") is None


# --- tidy and wide readers -----------------------------------------------------------------------------


def test_tidy_pair_reads_names_codes_and_reports_nature_mappings(ctx):
    data = read_tidy(FIXTURES / "tidy_good", 2017, **ctx)
    assert list(data.partnerships.columns[:4]) == ["partnership_id", "name", "nature", "function"]
    assert "source_url" in data.partnerships.columns  # extra columns kept
    assert list(data.memberships.columns) == ["partnership_id", "code", "council_name_as_written"]
    assert len(data.partnerships) == 5 and len(data.memberships) == 14
    assert data.partnerships.set_index("partnership_id")["nature"].to_dict() == {
        "T1": "administrative", "T2": "frontline", "T3": "administrative", "T4": "mixed", "T5": "frontline"}
    assert data.meta["nature_mappings"] == {
        "Administrative -> administrative": 1, "Back office -> administrative": 1,
        "front-line -> frontline": 1, "programme -> frontline": 1}
    councils = fixture_councils().set_index("name")["code"]
    t5 = data.memberships[data.memberships["partnership_id"] == "T5"]["code"].tolist()
    assert t5 == [councils["North East Derbyshire"], councils["Newcastle upon Tyne"], councils["County Durham"]]
    by_code = data.memberships[data.memberships["code"] == councils["Wychavon"]]
    assert by_code["council_name_as_written"].isna().all()  # given as a GSS code
    assert not data.simulated and data.meta["warnings"] == []


def test_wide_csv_and_xlsx_give_the_same_data_as_the_tidy_pair(ctx, tmp_path):
    tidy = read_tidy(FIXTURES / "tidy_good", 2017, **ctx)
    wide_csv = read_wide(FIXTURES / "wide_good.csv", 2017, **ctx)
    frames_equal(wide_csv, tidy)
    xlsx = tmp_path / "wide_good.xlsx"
    pd.read_csv(FIXTURES / "wide_good.csv", dtype=str).to_excel(xlsx, index=False)
    frames_equal(read_wide(xlsx, 2017, **ctx), tidy)
    frames_equal(load_partnerships(xlsx, 2017, **ctx), tidy)  # dispatch by suffix
    # the tidy pair as a two-sheet workbook and as a folder of XLSX files
    book = tmp_path / "tidy.xlsx"
    with pd.ExcelWriter(book) as writer:
        for sheet in ("partnerships", "memberships"):
            pd.read_csv(FIXTURES / "tidy_good" / f"{sheet}.csv", dtype=str).to_excel(writer, sheet_name=sheet, index=False)
    frames_equal(load_partnerships(book, 2017, **ctx), tidy)
    folder = tmp_path / "tidy_xlsx"
    folder.mkdir()
    for sheet in ("partnerships", "memberships"):
        pd.read_csv(FIXTURES / "tidy_good" / f"{sheet}.csv", dtype=str).to_excel(folder / f"{sheet}.xlsx", index=False)
    frames_equal(load_partnerships(folder, 2017, **ctx), tidy)


def test_tidy_pair_given_as_two_paths_and_code_column(ctx, tmp_path):
    memberships = pd.read_csv(FIXTURES / "tidy_good" / "memberships.csv", dtype=str)
    matcher = CouncilMatcher(ctx["councils"], 2017, load_aliases(), ctx["registry"])
    memberships["code"] = [matcher.match(c).code for c in memberships["council"]]
    memberships = memberships.drop(columns="council")
    memberships.to_csv(tmp_path / "m.csv", index=False)
    data = load_partnerships((FIXTURES / "tidy_good" / "partnerships.csv", tmp_path / "m.csv"), 2017, **ctx)
    expected = read_tidy(FIXTURES / "tidy_good", 2017, **ctx)
    assert data.memberships["code"].tolist() == expected.memberships["code"].tolist()
    assert data.memberships["council_name_as_written"].isna().all()


def test_split_members_handles_commas_and_and_inside_names(raw_data):
    councils = pd.DataFrame(
        {"code": ["E06000058", "E06000059", "E09000002", "E09000013", "E09000020", "E09000005"],
         "name": ["Bournemouth, Christchurch and Poole", "Dorset", "Barking and Dagenham",
                  "Hammersmith and Fulham", "Kensington and Chelsea", "Brent"],
         "official_name": ["Bournemouth, Christchurch and Poole Council", "Dorset Council",
                           "London Borough of Barking and Dagenham", "London Borough of Hammersmith and Fulham",
                           "Royal Borough of Kensington and Chelsea", "London Borough of Brent"],
         "type": ["unitary", "unitary", "London borough", "London borough", "London borough", "London borough"]}
    )
    councils["alt_names"] = [[n] for n in councils["name"]]
    matcher = CouncilMatcher(councils, 2019)

    def codes(text):
        return [r.code for _, r in split_members(text, matcher)]

    assert codes("Bournemouth, Christchurch and Poole Council, Dorset Council") == ["E06000058", "E06000059"]
    assert codes("Barking and Dagenham and Brent") == ["E09000002", "E09000005"]
    assert codes("Hammersmith & Fulham, Kensington and Chelsea; Brent") == ["E09000013", "E09000020", "E09000005"]
    assert codes("Hammersmith and Fulham and Kensington and Chelsea") == ["E09000013", "E09000020"]
    assert codes("Brent/Barking and Dagenham") == ["E09000005", "E09000002"]  # "Adur/Worthing" style
    assert codes("E09000013 / E09000020") == ["E09000013", "E09000020"]
    pieces = split_members("Barking and Dagenhm, Brent", matcher)
    assert [(t, r.matched) for t, r in pieces] == [("Barking and Dagenhm", False), ("Brent", True)]


# --- reported, not silent ------------------------------------------------------------------------------


def test_warnings_duplicates_one_member_no_member_exclusions(ctx):
    data = read_tidy(FIXTURES / "tidy_warnings", 2017, **ctx)
    warnings = "\n".join(data.meta["warnings"])
    assert "listed twice in partnership W1" in warnings and "row 3" in warnings
    assert "W2 (Lonely) has only one member council" in warnings
    assert "W3 (Nobody) has no member council" in warnings
    assert "W2 has no function" in warnings
    assert data.partnerships.set_index("partnership_id").loc["W2", "function"] == "unspecified"
    statuses = {e["as_written"]: e["status"] for e in data.meta["exclusions"]}
    assert statuses == {"Cardiff Council": "non_english",
                        "Somerset West and Taunton Council": "not_existing_in_year",
                        "Staffordshire Police": "not_a_council"}
    assert [d["row"] for d in data.meta["duplicates"]] == [3]
    # the duplicate is counted once; excluded names are not memberships
    w1 = data.memberships[data.memberships["partnership_id"] == "W1"]
    assert len(w1) == 2 and w1["code"].is_unique
    assert len(data.memberships) == 5


# --- errors --------------------------------------------------------------------------------------------


def test_broken_tidy_file_lists_every_problem(ctx):
    with pytest.raises(PartnershipFileError) as err:
        read_tidy(FIXTURES / "tidy_broken", 2017, **ctx)
    exc = err.value
    assert isinstance(exc, LgnetError) and isinstance(exc, ValueError)
    by_value = {p.value: p for p in exc.problems}
    assert len(exc.problems) == 7
    assert by_value["front-ish"].row == 3 and by_value["front-ish"].column == "nature"
    assert "'back office'" not in by_value["front-ish"].suggestion
    assert by_value["B2"].row == 4 and "also row 3" in by_value["B2"].message
    assert by_value[""].row == 5 and by_value[""].column == "name"
    typo = by_value["Worcestr City Council"]
    assert typo.row == 3 and typo.column == "council" and typo.file.endswith("memberships.csv")
    assert "Worcester (E07000237)" in typo.suggestion
    ambiguous = by_value["Cheshire"]
    assert ambiguous.row == 4 and "Cheshire East" in ambiguous.suggestion and "Cheshire West and Chester" in ambiguous.suggestion
    assert "not a council code" in by_value["E09999999"].message
    assert by_value["B9"].row == 8 and "not in the partnerships file" in by_value["B9"].message
    text = str(exc)
    assert text.startswith("7 problem(s)") and "header = row 1" in text


def test_broken_wide_files(ctx):
    with pytest.raises(PartnershipFileError) as err:
        read_wide(FIXTURES / "wide_broken.csv", 2017, **ctx)
    assert "missing column 'nature'" in str(err.value) and "'type'" in str(err.value)
    with pytest.raises(PartnershipFileError) as err:
        read_wide(FIXTURES / "wide_broken_values.csv", 2017, **ctx)
    values = {p.value: p for p in err.value.problems}
    assert set(values) == {"back offise", "Malvern Hils District Council", "Cheshire", "Barking and Dagenhm"}
    assert values["Malvern Hils District Council"].row == 2
    assert "Malvern Hills (E07000235)" in values["Malvern Hils District Council"].suggestion
    assert values["Barking and Dagenhm"].row == 3
    assert "Barking and Dagenham" in values["Barking and Dagenhm"].suggestion
    assert "'back office' (= administrative)" in values["back offise"].suggestion


def test_errors_also_show_the_warnings_found_on_the_same_pass(ctx, tmp_path):
    """A file with an error and an exclusion: the error lists the exclusion too, so it is not a later surprise."""
    wide = tmp_path / "mixed_problems.csv"
    wide.write_text("id,title,nature,service,councils\n"
                    "X1,Typo,frontline,waste,Malvern Hils; Wychavon\n"
                    "X2,Welsh partner,frontline,waste,Cardiff Council; Worcester City Council; Wychavon\n")
    with pytest.raises(PartnershipFileError) as err:
        read_wide(wide, 2017, **ctx)
    assert [p.value for p in err.value.problems] == ["Malvern Hils"]
    assert len(err.value.warnings) == 1 and "'Cardiff Council'" in err.value.warnings[0]
    message = str(err.value)
    assert "1 problem(s)" in message and "also noted (1 warning(s), not errors)" in message
    assert "row 3: 'Cardiff Council' in partnership X2 excluded: not an English council" in message


def test_missing_path_and_documented_other_year():
    with pytest.raises(LgnetError, match="not found"):
        load_partnerships("no/such/folder", 2017)
    with pytest.raises(LgnetError) as err:  # before 2017: an error that explains why
        load_partnerships("documented", year=2016)
    assert "simulated" in str(err.value) and "2017" in str(err.value) and "invent partnerships" in str(err.value)


# --- the documented sample -----------------------------------------------------------------------------


def test_documented_files_are_unchanged_copies():
    shared = _shared_sample()
    if shared is None:
        pytest.skip("LGNET_DATA_MIRROR not set: no compiled sample to compare with")
    for name in ("partnerships.csv", "memberships.csv", "caveats.csv"):
        assert (DOCUMENTED_DIR / name).read_bytes() == (shared / name).read_bytes()
    assert (DOCUMENTED_DIR / "README.md").exists()


def test_documented_sample_matches_every_membership_for_2017(raw_data):
    from lgnet.data.councils import council_table

    raw = pd.read_csv(DOCUMENTED_DIR / "memberships.csv", dtype=str)
    data = load_partnerships("documented", year=2017)
    assert data.dataset == "documented" and data.year == 2017 and not data.simulated
    assert data.meta["source"] == "data/documented_partnerships"  # no machine paths in the data
    partnerships = pd.read_csv(DOCUMENTED_DIR / "partnerships.csv", dtype=str, keep_default_na=False)
    default = set(partnerships.loc[partnerships["category"].isin(["shared_service", "proposal", "out_of_period"]),
                                   "partnership_id"])
    raw = raw[raw["partnership_id"].isin(default)]
    assert len(data.partnerships) == len(default)
    assert len(data.memberships) == len(raw)
    assert data.meta["exclusions"] == [] and data.meta["duplicates"] == []
    assert not any("excluded" in w or "listed twice" in w for w in data.meta["warnings"])  # decisions by context only
    councils = council_table(2017)
    assert set(data.memberships["code"]) <= set(councils["code"])
    # names as written are kept, row for row
    assert data.memberships["council_name_as_written"].tolist() == raw["council_name_as_written"].tolist()
    assert data.memberships["council_name_as_written"].nunique() == raw["council_name_as_written"].nunique()
    assert not data.memberships.duplicated(["partnership_id", "code"]).any()
    assert set(data.partnerships["nature"]) <= {"frontline", "administrative", "mixed"}
    assert data.partnerships["caveat"].notna().all()
    # every record has a source address, except those whose caveat says no address was returned (N024)
    sourced = data.partnerships["source_url"].str.startswith("http")
    assert data.partnerships.loc[~sourced, "caveat"].str.contains("no url", case=False).all()
    # the reviewable decisions show up in the report
    mapped = {m["as_written"]: m for m in data.meta["name_mappings"]}
    assert mapped["Huntingdon District Council"]["council"] == "Huntingdonshire"
    assert mapped["Kingston"]["council"] == "Kingston upon Thames"
    assert mapped["Richmond"]["council"] == "Richmond upon Thames"
    assert mapped["RBWM"]["council"] == "Windsor and Maidenhead"
    assert all(m["method"] not in ("code", "name") for m in mapped.values())  # only non-exact matches are listed
    s = summarise(data, councils)
    assert s["councils_in_year"] == 353 and s["participation"] == s["councils_matched"] / 353


# --- the command ---------------------------------------------------------------------------------------


def test_cli_check_documented(raw_data, capsys):
    assert main(["check", "documented", "--year", "2017"]) == 0
    out = capsys.readouterr().out
    partnerships = pd.read_csv(DOCUMENTED_DIR / "partnerships.csv", dtype=str, keep_default_na=False)
    memberships = pd.read_csv(DOCUMENTED_DIR / "memberships.csv", dtype=str, keep_default_na=False)
    default = partnerships[partnerships["category"].isin(["shared_service", "proposal", "out_of_period"])]
    n_members = memberships["partnership_id"].isin(set(default["partnership_id"])).sum()
    assert f"partnerships      {len(default)}" in out
    assert f"{n_members} matched to 2017 councils, none excluded" in out
    assert "of 353 in 2017" in out and "participation" in out
    natures = default["nature"].value_counts()
    assert f"frontline {natures['frontline']}, administrative {natures['administrative']}, mixed {natures['mixed']}" in out
    assert "'RBWM' -> Windsor and Maidenhead" in out


def test_cli_check_broken_file_exit_2(raw_data, capsys, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURES / "tidy_broken", broken)
    assert main(["check", str(broken), "--year", "2017"]) == 2
    err = capsys.readouterr().err
    assert "7 problem(s)" in err and "Worcestr City Council" in err and "Cheshire East" in err
    assert main(["check", "documented", "--year", "2016"]) == 2
    assert "simulated" in capsys.readouterr().err


def test_cli_check_year_outside_the_data_is_a_clear_error(raw_data, capsys):
    assert main(["check", str(FIXTURES / "wide_good.csv"), "--year", "2013"]) == 2  # not a traceback
    err = capsys.readouterr().err
    assert err.startswith("lgnet check: error: --year: year 2013") and "2014..2026" in err


def test_cli_check_quiet_counts_the_warnings_it_does_not_list(raw_data, capsys):
    folder = FIXTURES / "tidy_warnings"
    assert main(["check", str(folder), "--year", "2017", "--quiet"]) == 0
    quiet = capsys.readouterr().out
    assert main(["check", str(folder), "--year", "2017"]) == 0
    full = capsys.readouterr().out
    n = int(full.split("warnings: ")[1].split()[0])
    assert n > 0 and "excluded (see warnings)" in quiet
    assert f"warnings: {n} (run without --quiet to list them)" in quiet
    assert "Cardiff" not in quiet and "Cardiff" in full


def test_cli_check_wide_file(raw_data, capsys):
    assert main(["check", str(FIXTURES / "wide_good.csv"), "--year", "2017"]) == 0
    out = capsys.readouterr().out
    assert "partnerships      5" in out and "14 matched" in out
    assert "Back office -> administrative" in out

