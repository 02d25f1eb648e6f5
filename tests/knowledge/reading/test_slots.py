"""A follow-up's slots merged into the previous question (knowledge.reading.slots)."""

from __future__ import annotations

import pytest

from knowledge.reading.slots import merge_counts, merge_year, restate


@pytest.mark.parametrize(("said", "before", "restated"), [
    ("2022年有3家", "2021年有2家在孵企业认定高企", "2022年有3家在孵企业认定高企"),
    ("2020年又买了一个，花了400万", "2019年我们买技术花了80万，合同登记了",
     "2020年我们买技术花了400万，合同登记了"),  # 一个: an article
    ("2020年180万", "2019年登记的技术合同200万", "2020年登记的技术合同180万"),
])
def test_a_terse_statement_restates_the_one_before(said: str, before: str,
                                                   restated: str) -> None:
    assert restate(said, before) == restated


@pytest.mark.parametrize(("said", "before", "merged"), [
    ("要是2021年12月签的呢", "2021年3月签的 250万", "2021年12月签的 250万"),
    ("2021年上半年呢", "2019年技术交易额260万", "2021年上半年技术交易额260万"),
    # a year said replaces 今年 (not put before it: 2020年…今年…)
    ("那要是2020年认定的呢", "我们今年头一回认定高企", "我们2020年头一回认定高企"),
])
def test_a_year_keeps_the_part_of_it_said(said: str, before: str, merged: str) -> None:
    refs: list[str] = []
    assert merge_year(said, before, said, refs)[0] == merged and refs == ["year"]


@pytest.mark.parametrize(("said", "before", "merged"), [
    # a part of the count said before is said of it, the count kept
    ("那4家里有1家已经出孵一年多了", "我们是一家软件公司，孵化器有4家在孵企业升了高企",
     "我们是一家软件公司，孵化器有4家在孵企业升了高企，其中1家已经出孵一年多了"),
    ("其中2项没登记", "买了5项技术", "买了5项技术，其中2项没登记"),
    # a new count replaces the one before
    ("要是8家呢", "孵化器有4家在孵企业升了高企", "孵化器有8家在孵企业升了高企"),
])
def test_a_part_of_a_count_is_said_of_it(said: str, before: str, merged: str) -> None:
    refs: list[str] = []
    assert merge_counts(said, before, refs)[0] == merged and refs == ["count"]
