"""Council-name normalisation and matching (lgnet.data.names), on a small fixture council table of 2017."""

from __future__ import annotations

import pandas as pd
import pytest

from _partnership_fixture import fixture_councils
from lgnet.data import names
from lgnet.data.names import CouncilMatcher, designation_hint, load_aliases, load_registry, normalise

@pytest.fixture(scope="module")
def registry(raw_data):
    return load_registry()


@pytest.fixture(scope="module")
def matcher(registry):
    return CouncilMatcher(fixture_councils(), 2017, load_aliases(), registry)


def code_of(councils: pd.DataFrame, name: str) -> str:
    return councils.loc[councils["name"] == name, "code"].item()


# --- normalise -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, core",
    [
        ("Stevenage BC", "stevenage"),
        ("East Herts DC", "east hertfordshire"),
        ("Suffolk CC", "suffolk"),
        ("Solihull MBC", "solihull"),
        ("NE Derbyshire", "north east derbyshire"),
        ("N E Derbyshire District Council", "north east derbyshire"),
        ("N. E. Derbyshire", "north east derbyshire"),
        ("Brighton & Hove City Council", "brighton and hove"),
        ("Royal Borough of Windsor and Maidenhead", "windsor and maidenhead"),
        ("the Royal Borough of Windsor and Maidenhead", "windsor and maidenhead"),
        ("London Borough of Hammersmith and Fulham", "hammersmith and fulham"),
        ("LB Hammersmith & Fulham", "hammersmith and fulham"),
        ("Westminster City Council", "westminster"),
        ("Worcester City", "worcester"),
        ("Newcastle-under-Lyme", "newcastle under lyme"),
        ("Stockton-on-Tees Borough Council", "stockton on tees"),
        ("St. Helens", "st helens"),
        ("Saint Helens", "st helens"),
        ("St Helen's", "st helens"),
        ("Borough Council of King's Lynn and West Norfolk", "kings lynn and west norfolk"),
        ("The Council of the City of Sunderland", "sunderland"),
        ("Barnsley Metropolitan Borough Council", "barnsley"),
        ("City of Bradford Metropolitan District Council", "bradford"),
        ("Kingston upon Hull, City of", "kingston upon hull"),
        ("Essex County Council (ECC)", "essex"),
        ("Malvern Hills District Councils", "malvern hills"),
        ("  Bolsover   District ", "bolsover"),
    ],
)
def test_normalise_strips_designations_and_abbreviations(written, core):
    assert normalise(written) == core


@pytest.mark.parametrize(
    "a, b",
    [
        ("Worcestershire County Council", "Worcester City Council"),
        ("Bedford Borough Council", "Bedfordshire"),
        ("City of Lincoln Council", "Lincolnshire County Council"),
        ("Stafford Borough Council", "Staffordshire County Council"),
        ("Kingston upon Thames", "Kingston upon Hull"),
        ("Richmond upon Thames", "Richmondshire"),
        ("City of London", "London"),
    ],
)
def test_normalise_keeps_places_apart(a, b):
    assert normalise(a) != normalise(b)


def test_durham_and_city_of_london():
    assert normalise("Durham County Council") == normalise("Durham") == normalise("County Durham") == "durham"
    assert normalise("City of London") == normalise("City of London Corporation") == "city of london"
    assert normalise("Corporation of London") == "city of london"
    assert normalise("London") == "london"


def test_designation_hint():
    assert designation_hint("Durham County Council") == "county"
    assert designation_hint("Worcester City Council") == "district"
    assert designation_hint("County Durham") is None
    assert designation_hint("Worcester") is None


# --- matcher: successes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, name, method",
    [
        ("Worcester City Council", "Worcester", "name"),
        ("Worcestershire County Council", "Worcestershire", "name"),
        ("Worcester", "Worcester", "name"),
        ("Stevenage BC", "Stevenage", "name"),
        ("East Herts DC", "East Hertfordshire", "name"),
        ("Solihull MBC", "Solihull", "name"),
        ("N E Derbyshire District Council", "North East Derbyshire", "name"),
        ("Hammersmith & Fulham", "Hammersmith and Fulham", "name"),
        ("The Royal Borough of Kensington and Chelsea", "Kensington and Chelsea", "core_name"),
        ("Durham County Council", "County Durham", "name"),
        ("Durham", "County Durham", "name"),
        ("Bedford", "Bedford", "name"),
        ("Central Bedfordshire Council", "Central Bedfordshire", "name"),
        ("Lincoln", "City of Lincoln", "name"),
        ("Lincolnshire", "Lincolnshire", "name"),
        ("Stafford Borough", "Stafford", "core_name"),
        ("Staffordshire County Council", "Staffordshire", "name"),
        ("Northumberland County Council", "Northumberland", "name"),
        ("Shepway District Council", "Folkestone and Hythe", "name"),
        ("City of London", "City of London", "name"),
        # alias table
        ("Kingston", "Kingston upon Thames", "alias"),
        ("Kingston Council", "Kingston upon Thames", "alias"),
        ("Richmond", "Richmond upon Thames", "alias"),
        ("RBWM", "Windsor and Maidenhead", "alias"),
        ("Huntingdon District Council", "Huntingdonshire", "alias"),
        ("Newcastle", "Newcastle upon Tyne", "alias"),
    ],
)
def test_matcher_matches(matcher, written, name, method):
    result = matcher.match(written)
    assert result.matched, result
    assert result.name == name
    assert result.code == code_of(matcher.councils, name)
    assert result.method == method


def test_match_by_code_and_by_another_code_of_the_same_council(matcher):
    east_herts = code_of(matcher.councils, "East Hertfordshire")
    assert matcher.match(east_herts).method == "code"
    other = matcher.match("E07000097")  # East Herts' former code in the registry
    assert other.matched and other.code == east_herts and other.method == "other_code"


# --- matcher: failures ---------------------------------------------------------------------------------


def test_ambiguous_strings_list_candidates_without_aliases(registry):
    bare = CouncilMatcher(fixture_councils(), 2017, aliases=None, registry=registry)
    for written, expected in [
        ("Kingston", {"Kingston upon Thames", "Kingston upon Hull"}),
        ("Newcastle", {"Newcastle upon Tyne", "Newcastle-under-Lyme"}),
        ("Cheshire", {"Cheshire East", "Cheshire West and Chester"}),
    ]:
        result = bare.match(written)
        assert result.status == "ambiguous", result
        assert {name for _, name in result.candidates} == expected
        assert "could be" in result.suggestion()


def test_unmatched_names_get_closest_candidates_never_a_match(matcher):
    result = matcher.match("Huntingdon Distric Council")
    assert result.status == "unmatched" and result.code is None
    assert result.candidates[0][1] == "Huntingdonshire"
    assert 1 <= len(result.candidates) <= 3
    richmond = CouncilMatcher(matcher.councils, 2017, None, matcher.registry).match("Richmond")
    assert not richmond.matched
    assert {"Richmond upon Thames", "Richmondshire"} <= {n for _, n in richmond.candidates}


def test_unique_initialisms_of_four_letters_match_shorter_ones_are_only_proposed(registry):
    matcher = CouncilMatcher(fixture_councils(), 2017, None, registry)
    result = matcher.match("RBWM")  # the only council with these initials: matched, and said so
    assert (result.status, result.name, result.method) == ("matched", "Windsor and Maidenhead", "acronym")
    assert "initials" in result.note
    short = matcher.match("WCC")  # three letters: Worcester? Westminster? never guessed
    assert short.status == "unmatched" and short.code is None


def test_council_of_another_year_non_english_and_not_a_council(matcher):
    later = matcher.match("Somerset West and Taunton Council")
    assert later.status == "not_existing_in_year"
    assert "2019-04-01" in later.message
    bcp = matcher.match("Bournemouth, Christchurch and Poole Council")
    assert bcp.status == "not_existing_in_year"
    assert {n for _, n in bcp.candidates} == {"Bournemouth", "Poole", "Christchurch"}
    assert matcher.match("BCP").status == "not_existing_in_year"  # alias row scoped to years up to 2018
    assert matcher.match("Cardiff Council").status == "non_english"
    assert matcher.match("W06000015").status == "non_english"
    assert matcher.match("Kent Police").status == "not_a_council"
    assert matcher.match("Greater Manchester Combined Authority").status == "not_a_council"


def test_alias_year_scope(registry):
    councils = pd.DataFrame(
        {"code": ["E06000058"], "la_code": ["BPC"], "name": ["Bournemouth, Christchurch and Poole"],
         "official_name": ["Bournemouth, Christchurch and Poole Council"], "type": ["unitary"],
         "county": [pd.NA], "alt_names": [["Bournemouth, Christchurch and Poole"]]}
    )
    result = CouncilMatcher(councils, 2019, load_aliases(), registry).match("BCP")
    assert result.matched and result.code == "E06000058" and result.method == "alias"


def test_alias_table_is_well_formed_and_checked(tmp_path):
    table = load_aliases()
    assert list(table.columns[:6]) == names.ALIAS_COLUMNS
    assert set(table["status"]) <= set(names.ALIAS_STATUSES)
    assert table["note"].str.len().min() > 20  # every alias says why
    bad = tmp_path / "aliases.csv"
    bad.write_text("alias,code,valid_from_year,valid_to_year,status,note\nFoo,X123,,,council,n\nBar,,,,maybe,n\n")
    with pytest.raises(names.AliasTableError) as err:
        load_aliases(bad)
    assert "line 2" in str(err.value) and "line 3" in str(err.value)


@pytest.mark.parametrize(
    "year, written, other_code",
    [
        (2017, "Dorset Council", "E06000059"),  # the unitary of 2019: not Dorset County Council
        (2020, "Dorset County Council", "E10000009"),  # abolished 2019: not the new Dorset Council
        (2024, "Somerset County Council", "E10000027"),  # abolished 2023: not the new Somerset Council
        (2017, "Buckinghamshire Council", "E06000060"),  # the unitary of 2020
    ],
)
def test_full_name_of_another_years_council_is_not_matched_by_its_core_name(registry, year, written, other_code):
    """A council's own full name from another year must not fall through to a same-core council of this year."""
    from lgnet.data.councils import council_table

    result = CouncilMatcher(council_table(year), year, load_aliases(), registry).match(written)
    assert not result.matched, f"{written!r} silently matched {result.name} ({result.code}) in {year}"
    assert result.status == "not_existing_in_year"
    assert result.code == other_code and str(year) in result.message
    assert result.candidates  # the councils of that year that succeeded / preceded it are proposed


def test_core_names_of_this_years_councils_still_match(registry):
    from lgnet.data.councils import council_table

    matcher = CouncilMatcher(council_table(2017), 2017, load_aliases(), registry)
    assert matcher.match("Dorset County Council").code == "E10000009"
    assert matcher.match("Dorset CC").code == "E10000009"
    assert matcher.match("Somerset County Council").code == "E10000027"
    # a bare place name is not the full name of the later unitary: it keeps its core-name match
    assert matcher.match("Buckinghamshire").code == "E10000002"
