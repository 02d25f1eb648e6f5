"""Time windows read from a question (knowledge.reading.windows): numbers + 年 + window
words, with negation; a bound is read half a year inside it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from knowledge.reading.windows import read_windows


@pytest.mark.parametrize(("text", "years", "words"), [
    ("成立两年", "2", "两年"),
    ("孵化了3年", "3", "3年"),
    ("认定已经三年多了", "3.5", "三年多"),
    ("超过三年", "3.5", "超过三年"),
    ("不止三年", "3.5", "不止三年"),
    ("孵化第四年才升级", "3.5", "第四年"),
    ("第一年就升级了", "0.5", "第一年"),
    ("不到三年", "2.5", "不到三年"),
    ("还没满三年", "2.5", "没满三年"),
    ("三年内升级", "2.5", "三年内"),
    ("没超过三年", "3", "没超过三年"),
    ("满3年", "3", "满3年"),
    ("孵化了5年以上", "5", "5年以上"),
], ids=["exact-chinese", "exact-digits", "duo", "chaoguo", "buzhi", "di-si-nian",
        "di-yi-nian", "budao", "mei-man", "nian-nei", "mei-chaoguo", "man", "yishang"])
def test_a_window_is_read_as_years(text: str, years: str, words: str) -> None:
    (window,) = read_windows(text)
    assert window.years == Decimal(years) and window.words == words


@pytest.mark.parametrize("text", ["2020年买的技术", "每年最高100万元", "去年研发投入800万",
                                  "年度技术交易额", "2018年11月印发", "5家企业升级"],
                         ids=["calendar-year", "meinian", "qunian", "niandu", "month",
                              "no-years"])
def test_calendar_years_and_annual_words_are_not_windows(text: str) -> None:
    assert read_windows(text) == []


def test_a_window_carries_its_clause() -> None:
    (window,) = read_windows("我们是市级孵化器，5家企业孵化超过三年后升级为高企，能奖多少？")
    assert window.clause == "5家企业孵化超过三年后升级为高企"


@pytest.mark.parametrize("text", [
    "两年加起来孵化器能拿多少", "这两年孵化器一共多少", "近三年孵化的企业", "三年一共孵化了10家",
    # a year referred to, not a length
    "同一年有5家在孵企业认定上了高企", "那一年孵化器升了国家级", "当年入孵的企业",
])
def test_years_a_question_adds_up_are_no_window(text: str) -> None:
    assert read_windows(text) == []
