"""Time windows in a question: how many years, read from numbers + 年 + window words.

``成立两年`` is 2 years; ``三年多`` / ``超过三年`` / ``已经三年多了`` / ``不止三年`` are
more than 3; ``不到三年`` / ``未满三年`` / ``三年内`` are fewer than 3; ``第四年`` is
during the fourth year (more than 3, at most 4); ``满三年`` / ``三年以上`` at least 3; a
negated ``超过`` (没超过三年) is at most 3.  A window is one number of years
(:class:`Decimal`): a stated bound is read half a year inside it (超过三年 → 3.5), so that
a rule's whole-year window (``lte: 3``, 在3年孵化期内) compares the right way; the
half year is shown as 年多 (3.5年 → 3年多), never as a figure the owner did not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from knowledge.numerals import parse_int
from knowledge.reading.scope import clause_at

__all__ = ["Window", "read_windows", "show_years"]

_N = r"(\d+|[一二两三四五六七八九十]+)"
HALF = Decimal("0.5")
# (pattern, how the number becomes a window): first match at a position wins
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"(没有?|未|不)(超过|超出){_N}\s*个?年"), "at_most"),
    (re.compile(rf"(超过|超出|不止|多于|大于){_N}\s*个?年"), "more"),
    (re.compile(rf"(不到|没到|未到|未满|不满|没满|不足|少于|小于){_N}\s*个?年"), "fewer"),
    (re.compile(rf"第{_N}\s*个?年"), "during"),
    (re.compile(rf"满{_N}\s*个?年|{_N}\s*个?年(以上|及以上)"), "at_least"),
    (re.compile(rf"{_N}\s*个?年(多|有余|出头)"), "more"),
    (re.compile(rf"{_N}\s*个?年(之内|以内|内)"), "fewer"),
    (re.compile(rf"{_N}\s*个?年(?![0-9月度前底级])"), "exact"),
)
# 两年加起来 / 这两年 / 近三年一共: the years a question adds up, not a window
_SPAN_AFTER = re.compile(r"\s*(加起来|加一起|一共|合计|总共|共计|累计|合起来|下来|分别|各)")
# (同一年 / 那一年 / 当年: a year referred to, not a length)
_SPAN_BEFORE = re.compile(r"(这|近|最近|过去|前后|连续|同|那|当|哪)$")


@dataclass(frozen=True)
class Window:
    """Years stated in the question, with the words that state them and their clause."""

    years: Decimal
    words: str
    clause: str
    start: int


def _number(m: re.Match[str]) -> int | None:
    raw = next((g for g in m.groups() if g and re.fullmatch(_N, g)), None)
    return parse_int(raw) if raw is not None else None


def read_windows(text: str) -> list[Window]:
    """The time windows of ``text`` in order (a calendar year such as 2020年 is not one)."""
    found: list[Window] = []
    taken: list[tuple[int, int]] = []
    for pattern, form in _FORMS:
        for m in pattern.finditer(text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            n = _number(m)
            if n is None or n > 100 or re.search(r"\d{4}\s*个?年", m.group()) \
                    or _SPAN_AFTER.match(text, m.end()) or _SPAN_BEFORE.search(text[:m.start()]):
                continue
            years = {"exact": Decimal(n), "at_least": Decimal(n), "at_most": Decimal(n),
                     "more": n + HALF, "fewer": max(Decimal(0), n - HALF),
                     "during": max(Decimal(0), n - HALF)}[form]
            taken.append((m.start(), m.end()))
            found.append(Window(years, m.group(), clause_at(text, m.start()), m.start()))
    return sorted(found, key=lambda w: w.start)


def show_years(years: Decimal, unit: str = "年") -> str:
    """3 → 3年, 3.5 → 3年多, 0.5 → 不到1年."""
    whole = int(years)
    if years == whole:
        return f"{whole}{unit}"
    return f"不到1{unit}" if whole == 0 else f"{whole}{unit}多"
