"""Council designations abbreviated AFTER the name ("Havering LB", "Windsor & Maidenhead RB", "Hammersmith &
Fulham LBC", "Solihull MBC") are read by rule, like the same abbreviations written before the name."""

from __future__ import annotations

import pytest

from lgnet.data.names import light_normalise, normalise


@pytest.mark.parametrize(
    "written, core",
    [
        ("Havering LB", "havering"),
        ("Barking & Dagenham LB", "barking and dagenham"),
        ("Windsor & Maidenhead RB", "windsor and maidenhead"),
        ("Kingston upon Thames RB", "kingston upon thames"),
        ("Hammersmith & Fulham LBC", "hammersmith and fulham"),
        ("Greenwich RBC", "greenwich"),
        ("Croydon LBO", "croydon"),
        ("Havering LB Council", "havering"),
        ("Kensington & Chelsea Royal Borough", "kensington and chelsea"),
        ("Havering London Borough Council", "havering"),
        ("Solihull MBC", "solihull"),
        ("Stevenage BC", "stevenage"),
        ("Mendip DC", "mendip"),
        ("Kent CC", "kent"),
        # the prefix forms are unchanged
        ("LB of Havering", "havering"),
        ("RB Windsor & Maidenhead", "windsor and maidenhead"),
        ("LB Hammersmith & Fulham", "hammersmith and fulham"),
        # a place is never cut: "City of London" keeps its designation
        ("City of London", "city of london"),
        ("London", "london"),
    ],
)
def test_suffix_designations_are_stripped(written, core):
    assert normalise(written) == core


def test_suffix_designations_expand_without_a_dangling_of():
    assert light_normalise("Havering LB") == "havering london borough"
    assert light_normalise("Windsor & Maidenhead RB") == "windsor and maidenhead royal borough"
    assert light_normalise("Hammersmith & Fulham LBC") == "hammersmith and fulham london borough council"
    assert light_normalise("LB Havering") == "london borough of havering"  # before the name: "... of"


@pytest.fixture(scope="module")
def matcher(raw_data):
    from lgnet.data.councils import council_table
    from lgnet.data.names import CouncilMatcher, load_registry

    return CouncilMatcher(council_table(2017), 2017, None, load_registry())  # by rule: no alias table


@pytest.mark.parametrize(
    "written, code",
    [
        ("Havering LB", "E09000016"),
        ("Barking & Dagenham LB", "E09000002"),
        ("Windsor & Maidenhead RB", "E06000040"),
        ("Hammersmith & Fulham LBC", "E09000013"),
        ("Kensington and Chelsea RB", "E09000020"),
        ("Greenwich RB", "E09000011"),
        ("Croydon LB", "E09000008"),
        ("Solihull MBC", "E08000029"),
        ("Stevenage BC", "E07000243"),
        ("East Herts DC", "E07000242"),
    ],
)
def test_suffix_designations_match_by_rule(matcher, written, code):
    result = matcher.match(written)
    assert result.matched and result.code == code, (written, result)


def test_kingston_rb_is_never_silently_hull(matcher):
    # "Kingston" alone is the start of two council names: the rule must not pick one
    result = matcher.match("Kingston RB")
    assert not result.matched or result.code == "E09000021", result
    assert "E06000010" != result.code
