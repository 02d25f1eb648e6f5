"""The date a question is about (knowledge.reading.asof)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.reading.asof import read_as_of

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(("text", "as_of"), [
    ("2021年3到9月促成3项", date(2021, 9, 30)),  # a month range: its last month
    ("2021年3月至11月", date(2021, 11, 30)),
    ("2021年6月", date(2021, 6, 30)),
    ("2021年", date(2021, 12, 31)),
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
