"""The date a question is about (knowledge.reading.asof)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.reading.asof import lone_months, read_as_of, years_written_out

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(("text", "as_of"), [
    ("2021年3到9月促成3项", date(2021, 9, 30)),  # a month range: its last month
    ("2021年3月至11月", date(2021, 11, 30)),
    ("2021年6月", date(2021, 6, 30)),
    ("2021年", date(2021, 12, 31)),
    ("2021年就上半年促成了五项", date(2021, 6, 30)),  # a word said between (dictated)
    # a year in the history of a part is not the date asked about
    ("今年认定了5家，其中2家是2021年就认定过的", date(2026, 12, 6)),
])
def test_the_date_a_question_is_about(text: str, as_of: date) -> None:
    assert read_as_of(text, date(2026, 12, 6)) == as_of


@pytest.mark.parametrize(("text", "asked"), [
    # a closing clause asking about one year is the date asked about
    ("临床医学研究中心2024年第一次绩效评价通过了，今年第二次也过了，今年能拿多少",
     date(2026, 12, 6)),
    ("2020年买了100万，2021年上半年买了400万，2021年一共多少", date(2021, 12, 31)),
])
def test_the_year_a_closing_question_asks_about(text: str, asked: date) -> None:
    assert read_as_of(text, date(2026, 12, 6)) == asked


@pytest.mark.parametrize(("text", "as_of"), [
    # a month said apart from the one year it is of
    ("我们2021年那份合同一直没登记，要是当时10月份就去登记了，能拿多少", date(2021, 10, 31)),
    ("去年10月认定的", date(2025, 10, 31)),
    ("前年5月份批的，能拿多少", date(2024, 5, 31)),
    # a length in months is no month; two years leave the month unplaced
    ("2021年签了3个月的合同", date(2021, 12, 31)),
    ("2020年买了一项，2021年又买了一项，10月登记的", date(2020, 12, 31)),
])
def test_a_month_said_apart_from_its_year(text: str, as_of: date) -> None:
    assert read_as_of(text, date(2026, 12, 6)) == as_of


def test_a_month_dated_with_its_year_is_not_a_lone_month() -> None:
    assert lone_months("2021年3月签了一份，12月又签了一份") == {"12"}
    assert lone_months("2021年我们10月份登记了，11月底又签") == {"10", "11"}


@pytest.mark.parametrize(("text", "written"), [
    ("六年前我们公司买了技术", "2019年我们公司买了技术"),
    ("七年前首次认定高企，四年前重新认定", "2018年首次认定高企，2021年重新认定"),
    ("大前年认定的", "2022年认定的"),
    # a span of years, not a date; 年前 alone is before the new year
    ("入孵三年前就有了", "入孵三年前就有了"),
    ("年前能到账吗", "年前能到账吗"),
    # the year after the one said before (第二年 / 次年), not a year of something's own
    ("2018年10月孵化器认定成国家级，第二年众创空间又评上了",
     "2018年10月孵化器认定成国家级，2019年众创空间又评上了"),
    ("2020年认定，次年复核", "2020年认定，2021年复核"),
    ("在孵企业入孵第二年升了高企", "在孵企业入孵第二年升了高企"),
    ("第二年又评上了", "第二年又评上了"),
])
def test_years_counted_back_are_written_out(text: str, written: str) -> None:
    assert years_written_out(text, TODAY) == written
