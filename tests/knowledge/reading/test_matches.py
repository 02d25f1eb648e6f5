"""Where the staff's title patterns match (knowledge.reading.matches)."""

from __future__ import annotations

import pytest

from knowledge.awards.vocabulary import default_vocabulary
from knowledge.reading.matches import title_matches, title_phrases


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
