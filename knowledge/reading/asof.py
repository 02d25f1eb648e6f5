"""The date a question is about: a full date, a month (its last day), a part of a year,
a year (a past one's last day, the current one today, a future one's first day)."""

from __future__ import annotations

import calendar
import re
from datetime import date

__all__ = ["read_as_of"]


# the last day of a part of a year owners name (2021年上半年签的)
_PERIOD_END = {"上半年": (6, 30), "一季度": (3, 31), "二季度": (6, 30), "三季度": (9, 30),
               "年初": (1, 31)}


# a closing clause asking about one year (今年能拿多少, 2022年一共多少)
_YEAR_ASKED = re.compile(r"(\d{4}\s*年|今年|去年|前年)(那年|这一年|这年)?[^\d，。；\s]{0,3}?"
                         r"(一共|总共|合计|能拿|能补|能奖|能给|多少)")


def read_as_of(text: str, today: date) -> date | None:
    """The date a question is about: a full date, a month (its last day), a year.

    A past year means its last day (the state at year end), the current year means
    today, a future year its first day; 去年/前年/今年 count from ``today``.  A year in
    the history of a part (其中2家是2021年就认定过的) is not the date asked about; a
    closing question about one year (…，今年能拿多少) is.
    """
    last = re.split(r"[，,。；;！!\s]", text.rstrip("，,。；;！!？? "))[-1]
    if text != last and _YEAR_ASKED.match(last):
        return read_as_of(last, today)
    return _read_date(text, today)


def _read_date(text: str, today: date) -> date | None:
    if (kept := re.sub(r"其中[^，,。；;！!？?（(]*", "", text)) != text and re.search(
            r"\d{4}\s*年|今年|去年|前年|明年", kept):
        text = kept
    m = re.search(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?", text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = re.search(r"(\d{4})\s*年\s*(上半年|第?[一二三]季度|年初)", text)
    if m:  # 2021年上半年: the period's last day
        return date(int(m.group(1)), *_PERIOD_END[m.group(2).lstrip("第")])
    # 2021年3到9月: the range's last month
    m = (re.search(r"(\d{4})\s*年\s*\d{1,2}\s*月?\s*(?:到|至|-|~|—)\s*(\d{1,2})\s*月", text)
         or re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月", text))
    if m and 1 <= int(m.group(2)) <= 12:
        in_year, month = int(m.group(1)), int(m.group(2))
        return date(in_year, month, calendar.monthrange(in_year, month)[1])
    year: int | None
    m = re.search(r"(?<!\d)(19[9]\d|20\d\d)\s*年(?!\d{1,2}\s*月)", text)
    if m:
        year = int(m.group(1))
    elif "前年" in text:
        year = today.year - 2
    elif "去年" in text:
        year = today.year - 1
    elif "今年" in text:
        return today
    else:
        year = None
    if year is None:
        return None
    if year == today.year:
        return today
    return date(year, 12, 31) if year < today.year else date(year, 1, 1)
