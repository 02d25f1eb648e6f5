"""Suppositions left out when the real amount is asked (knowledge.reading.supposition)."""

from __future__ import annotations

import pytest

from knowledge.reading.supposition import (
    LEFT_OUT_NOTE,
    real_only,
    supposed_instead,
    without_alternatives,
)


@pytest.mark.parametrize(("text", "kept", "left"), [
    ("我们是科技服务公司，2021年首次评上高企。如果当年也申请了技术先进型服务企业，那还能多拿。"
     "不过我只想知道实际拿到的是多少？",
     "我们是科技服务公司，2021年首次评上高企。不过我只想知道实际拿到的是多少？",
     "如果当年也申请了技术先进型服务企业，那还能多拿"),
    ("2021年首次评上高企，要是当年也评上技术先进型，实际能拿多少",
     "2021年首次评上高企，实际能拿多少", "要是当年也评上技术先进型"),
    ("孵化器2020年有5家升了高企，假如再多2家，不算假设的话能拿多少",
     "孵化器2020年有5家升了高企，不算假设的话能拿多少", "假如再多2家"),
])
def test_the_supposition_is_left_out_when_the_real_amount_is_asked(
        text: str, kept: str, left: str) -> None:
    assert real_only(text) == (kept, left)


@pytest.mark.parametrize("text", [
    "如果评上了能拿多少",                                  # only a supposition: computed as if
    "我们实际拿了50万，如果再评上省级能拿多少",              # the supposition is what is asked
    "2021年首次评上高企，如果当年也评上技术先进型，一共能拿多少",  # no real amount asked
    "实际能拿多少",                                        # nothing supposed
])
def test_nothing_is_left_out_otherwise(text: str) -> None:
    assert real_only(text) is None


def test_the_note_names_what_was_left_out() -> None:
    said = real_only("2021年首次评上高企，要是也评上技术先进型，实际能拿多少")
    assert said is not None
    assert LEFT_OUT_NOTE.format(said=said[1]) == (
        "您说的“要是也评上技术先进型”是假设，您问的是实际情况，未计入")


@pytest.mark.parametrize(("text", "read"), [
    ("我司牵头的中心批下来了，按高校的300万还是企业的200万算？能拿多少？",
     "我司牵头的中心批下来了，按哪个标准算？能拿多少？"),
    ("我们是企业，算省级的还是市级的", "我们是企业，按哪个标准算"),
    ("国家级孵化器能拿多少", "国家级孵化器能拿多少"),
])
def test_the_alternatives_a_question_weighs_are_no_facts(text: str, read: str) -> None:
    assert without_alternatives(text) == read


@pytest.mark.parametrize(("text", "read"), [
    ("2022年那次高企是重新认定。如果那次算首次认定的话能拿多少？",
     "2022年那次高企是首次认定。如果那次算首次认定的话能拿多少？"),
    ("2020年首次认定高企，如果当时算重新认定呢", "2020年重新认定高企，如果当时算重新认定呢"),
    # nothing told to replace, or no supposition
    ("如果算首次认定能拿多少", "如果算首次认定能拿多少"),
    ("2022年高企是重新认定，能拿多少", "2022年高企是重新认定，能拿多少"),
])
def test_a_supposition_says_what_the_title_told_was(text: str, read: str) -> None:
    assert supposed_instead(text) == read
