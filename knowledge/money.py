"""Money and counts in Chinese text: parsing and formatting, all in integer yuan.

``parse_money("1.5亿元") == 150_000_000``; ``parse_money("五十万") == 500_000``;
``parse_count("三个") == 3``; ``format_yuan(600_000) == "60万元"``.  No float is ever
used: arithmetic goes through :class:`decimal.Decimal` and ends in ``int`` yuan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"

# An arabic number (with thousands separators) or a Chinese numeral starting with a digit
# or 十 (so that 万众创新 or 千万不要 are not read as numbers).
_ARABIC = r"\d+(?:[,，]\d{3})*(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
_MULT = r"(?:千万|百万|十万|万|亿|千|百)"
_MONEY_RE = re.compile(
    rf"(?P<num>{_ARABIC}|{_CN})\s*(?P<mult>{_MULT})?\s*(?P<yuan>元|块钱|块)?"
)
_COUNT_RE = re.compile(
    rf"(?P<num>\d+|{_CN})\s*(?P<unit>项|家|个|件|所|名|位|次|项次|处|座)?"
)
_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_MULT_VALUES = {"千万": 10_000_000, "百万": 1_000_000, "十万": 100_000, "万": 10_000,
                "亿": 100_000_000, "千": 1000, "百": 100}


def parse_cn_numeral(text: str) -> int | None:
    """A Chinese numeral (一千五百, 两百, 十二, 一亿五千万) as an int; None if not one."""
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    total = 0  # completed 亿/万 sections
    section = 0  # current section below 万
    digit: int | None = None
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row (二三) is not a numeral
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        else:
            big = _BIG_UNITS[ch]
            section += digit or 0
            digit = None
            if big == 100_000_000:
                total = (total + section) * big
            else:
                total += section * big
            section = 0
    return total + section + (digit or 0)


def _number(raw: str) -> Decimal | None:
    """The numeric part of a match (arabic or Chinese) as a Decimal."""
    cleaned = raw.replace(",", "").replace("，", "")
    if cleaned[0].isdigit():
        try:
            return Decimal(cleaned)
        except InvalidOperation:
            return None
    value = parse_cn_numeral(cleaned)
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class MoneyMention:
    """A money amount found in a text, with its span."""

    yuan: int
    start: int
    end: int
    text: str


def find_money(text: str, bare_numbers: bool = False) -> list[MoneyMention]:
    """Every money amount in ``text``, left to right.

    Only numbers with a money unit (元, 万, 亿) count, unless ``bare_numbers`` (then a
    bare number is read as yuan).  ``千``/``百`` alone need 元 (``5千元``).
    """
    found: list[MoneyMention] = []
    for m in _MONEY_RE.finditer(text):
        num = _number(m.group("num"))
        if num is None:
            continue
        mult = m.group("mult") or ""
        has_big = any(u in m.group("num") for u in "万亿") or "万" in mult or "亿" in mult
        if not (m.group("yuan") or has_big or bare_numbers):
            continue
        if m.group("yuan") is None and mult in ("千", "百") and not bare_numbers:
            continue
        # a count like 5家 or 2018年 right after the number is not money
        after = text[m.end("num"):m.end("num") + 1]
        if not mult and not m.group("yuan") and after and after in "年月日项家个件名位次%％":
            continue
        value = num * _MULT_VALUES.get(mult, 1)
        yuan = int(value.to_integral_value(rounding=ROUND_DOWN))
        found.append(MoneyMention(yuan, m.start(), m.end(), m.group(0)))
    return found


def parse_money(text: str) -> int | None:
    """The amount in ``text`` in integer yuan (120万元, 五十万, 1.5亿元, 800,000元, 3千万).

    A bare number is read as yuan.  None when there is no amount.
    """
    if text is None:
        return None
    mentions = find_money(str(text).strip(), bare_numbers=True)
    return mentions[0].yuan if mentions else None


def parse_count(text: str) -> int | None:
    """A count in ``text`` (5项, 3家, 三个, 12) as an int; None when there is none."""
    if text is None:
        return None
    for m in _COUNT_RE.finditer(str(text).strip()):
        raw = m.group("num")
        value = int(raw) if raw.isdigit() else parse_cn_numeral(raw)
        if value is not None:
            return value
    return None


def find_percents(text: str) -> list[Decimal]:
    """Every percentage in ``text`` (``20%`` → Decimal("20"))."""
    return [Decimal(m.group(1)) for m in _PERCENT_RE.finditer(text)]


def format_yuan(yuan: int) -> str:
    """600000 → ``60万元``; 12345 → ``1.2345万元``; 8000 → ``8000元``; 1.5亿 → ``1.5亿元``."""
    sign = "-" if yuan < 0 else ""
    value = abs(int(yuan))
    if value >= 100_000_000 and value % 1_000_000 == 0:
        return f"{sign}{_trim(Decimal(value) / 100_000_000)}亿元"
    if value >= 10_000:
        return f"{sign}{_trim(Decimal(value) / 10_000)}万元"
    return f"{sign}{value}元"


def format_percent(rate: Decimal) -> str:
    """Decimal("20") → ``20%``."""
    return f"{_trim(rate)}%"


def _trim(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
