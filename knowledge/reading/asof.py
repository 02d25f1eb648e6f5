"""The date a question is about: a full date, a month (its last day), a part of a year,
a year (a past one's last day, the current one today, a future one's first day)."""

from __future__ import annotations

import calendar
import re
from datetime import date

from knowledge.numerals import parse_int

__all__ = ["lone_months", "read_as_of"]


# the last day of a part of a year owners name (2021年上半年签的)
_PERIOD_END = {"上半年": (6, 30), "一季度": (3, 31), "二季度": (6, 30), "三季度": (9, 30),
               "年初": (1, 31)}


# a closing clause asking about one year (今年能拿多少, 2022年一共多少)
_YEAR_ASKED = re.compile(r"(\d{4}\s*年|今年|去年|前年)(那年|这一年|这年)?[^\d，。；\s]{0,3}?"
                         r"(一共|总共|合计|能拿|能补|能奖|能给|多少)")


# a month said apart from its year (当时10月份, 去年11月): not 3个月, not 2021年10月
_LONE_MONTH = re.compile(r"(?<![\d个])(\d{1,2})\s*月(?!\d)")


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
    m = re.search(r"(\d{4})\s*年\s*(?:就|的|是|也)?\s*(上半年|第?[一二三]季度|年初)", text)
    if m:  # 2021年上半年: the period's last day
        return date(int(m.group(1)), *_PERIOD_END[m.group(2).lstrip("第")])
    # 2021年3到9月: the range's last month
    m = (re.search(r"(\d{4})\s*年\s*\d{1,2}\s*月?\s*(?:到|至|-|~|—)\s*(\d{1,2})\s*月", text)
         or re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月", text))
    if m and 1 <= int(m.group(2)) <= 12:
        in_year, month = int(m.group(1)), int(m.group(2))
        return date(in_year, month, calendar.monthrange(in_year, month)[1])
    year = _year_said(text, today)
    if year is None:
        return None
    if (dated := _with_month(text, year, today)) is not None:
        return dated
    if year == today.year:
        return today
    return date(year, 12, 31) if year < today.year else date(year, 1, 1)


def lone_months(text: str) -> set[str]:
    """The months ``text`` says apart from a year (当时10月份, 11月底; not 2021年3月)."""
    return set(_LONE_MONTH.findall(re.sub(r"\d{2,4}\s*年\s*\d{1,2}\s*月", "", text)))


def _with_month(text: str, year: int, today: date) -> date | None:
    """The one year's month said apart from it (2021年那份合同…，要是当时10月份就去登记了 /
    去年10月认定的), when one year and one month are said; else None."""
    months = lone_months(text)
    years_said = set(re.findall(r"(?<!\d)(?:19|20)\d\d(?=\s*年)|[今去前]年", text))
    if len(months) != 1 or len(years_said) != 1 or not 1 <= (month := int(months.pop())) <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    return min(today, date(year, month, last)) if year <= today.year else date(year, month, 1)


def _year_said(text: str, today: date) -> int | None:
    """The year ``text`` names: written out, else 前年/去年/今年."""
    m = re.search(r"(?<!\d)(19[9]\d|20\d\d)\s*年(?!\d{1,2}\s*月)", text)
    if m:
        return int(m.group(1))
    return next((today.year - back for word, back in (("前年", 2), ("去年", 1), ("今年", 0))
                 if word in text), None)


# 六年前 / 3年前 / 大前年: a year counted back from today, written out (2020年) so that every
# reader (the years, the dates, the documents in force) takes it as said
_YEARS_AGO = re.compile(r"(?<![\d一二两三四五六七八九十百孵立满])"
                        r"(\d{1,2}|[一二两三四五六七八九十]{1,2})\s*年前|大大前年|大前年")


def years_written_out(text: str, today: date) -> str:
    """``text`` with the years it counts back from ``today`` written out."""
    def year(m: re.Match[str]) -> str:
        word = m.group()
        back = 4 if word == "大大前年" else 3 if word == "大前年" else parse_int(m.group(1))
        return f"{today.year - back}年" if back is not None and 0 < back <= 30 else word

    text = _YEARS_AGO.sub(year, text)

    def following(m: re.Match[str]) -> str:
        said = _YEAR_WRITTEN.findall(text, 0, m.start())
        return f"{int(said[-1]) + _FOLLOWING[m.group()]}年" if said else m.group()
    return _NEXT_YEAR.sub(following, text)


# 2018年10月认定…，第二年 / 次年…: the year after the one said before (not 孵化第二年: a
# year of something's own count)
_FOLLOWING = {"第二年": 1, "次年": 1, "转年": 1, "第三年": 2}
_NEXT_YEAR = re.compile(r"(?<![孵化立营建期入第])(第二年|次年|转年|第三年)")
_YEAR_WRITTEN = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
