"""Where the staff's title patterns match (knowledge.reading.matches)."""

from __future__ import annotations

import pytest

from knowledge.awards.vocabulary import default_vocabulary
from knowledge.reading.matches import single_choices, title_matches, title_phrases


@pytest.mark.parametrize(("text", "phrase"), [
    # a match crossing a comma does not hide a later one inside a clause
    ("临床医学研究中心第二次通过，同时升级成了省级临床医学研究中心",
     "升级成了省级临床医学研究中心"),
    ("大学科技园，2020年升了省级", ""),
])
def test_title_phrases_are_found_clause_by_clause(text: str, phrase: str) -> None:
    found = title_phrases(text, default_vocabulary().patterns)
    assert all("，" not in p for p in found)
    if phrase:
        assert phrase in found


@pytest.mark.parametrize(("text", "found"), [
    # a title said in two clauses neither of which the pattern hits alone
    ("我们医院有1个市级临床医学研究中心，今年搞绩效评价，是第一次通过",
     {("platform_titles", "clinical_centre_city")}),
    # a level said in the second clause is left to the segments (its own subject)
    ("大学科技园，2020年升了省级", set()),
])
def test_a_title_said_across_a_comma(text: str, found: set[tuple[str, str]]) -> None:
    hits = {(fact, value) for _, _, fact, value in
            title_matches(text, default_vocabulary().patterns)}
    assert found <= hits and (found or not any("，" in text[a:b] for a, b, _, _ in
                                                title_matches(text, default_vocabulary().patterns)))


@pytest.mark.parametrize(("text", "town"), [
    # a bare mention said elsewhere with a level the title does not take: that one
    ("今年我们区有1个镇评上了创新型乡镇，只是省级创新型乡镇", False),
    ("我们镇今年创建成省级创新型乡镇了，评的是创新型乡镇", False),
    # the title said with its own level beside another's: the title
    ("我们镇创成了国家创新型乡镇，隔壁镇只评上了省级创新型乡镇", True),
    # a bare mention alone: the title the documents know
    ("我们镇今年评上了创新型乡镇", True),
])
def test_a_bare_title_said_again_with_another_level_is_that_level_s(text: str,
                                                                  town: bool) -> None:
    hits = {(fact, value) for _, _, fact, value in
            title_matches(text, default_vocabulary().patterns)}
    assert (("region_titles", "innovative_town") in hits) is town


@pytest.mark.parametrize(("text", "district"), [
    ("我们在荣成，买技术能补多少", "rongcheng"),
    ("我们不在荣成，在文登", "wendeng"),  # a negated place does not count
    ("荣成和文登各有一家", None),  # two places named: no guess
])
def test_a_single_choice_is_set_when_one_value_matches(text: str, district: str | None) -> None:
    assert single_choices(text, default_vocabulary().patterns).get("district") == district
