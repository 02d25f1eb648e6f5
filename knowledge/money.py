"""Money and counts in Chinese text: parsing and formatting, all in integer yuan.

``parse_money("1.5亿元") == 150_000_000``; ``parse_money("五十万") == 500_000``;
``parse_count("三个") == 3``; ``format_yuan(600_000) == "60万元"``.  No float is ever
used: arithmetic goes through :class:`decimal.Decimal` and ends in ``int`` yuan.
Chinese numerals are read by :mod:`knowledge.numerals` (the one parser).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from knowledge.numerals import CN_NUMERAL_CHARS, CN_NUMERAL_PATTERN, parse_cn_numeral, parse_int

# An arabic number (with thousands separators) or a Chinese numeral starting with a digit
# or 十.  An arabic number glued to a letter or digit before it is not read (1e3万元 is not
# 3万元); exponent notation is captured so that it can be refused, never misread.
# Digits may be grouped by commas or, as in code, underscores (1_000万元); an underscore
# group that is not three digits (1_00万) is captured whole and refused (``GROUPING``).
_ARABIC = r"(?<![A-Za-z0-9._])\d+(?:[,，]\d{3}|_+\d+)*(?:\.\d+)?(?:[eE][+-]?\d+)?"
_GROUPED = re.compile(r"\d{1,3}(?:_\d{3})+(?:\.\d+)?$")
_CN = CN_NUMERAL_PATTERN
# Stacked units first: 1.5万亿 is 1.5 × 10**12, never 1.5万 followed by a stray 亿.
_MULT = r"(?:万亿|千亿|百亿|十亿|千万|百万|十万|万|亿|千|百)"
_MONEY_RE = re.compile(
    rf"(?P<num>{_ARABIC}|{_CN})\s*(?P<mult>{_MULT})?\s*(?P<yuan>元|块钱|块)?"
)
_COUNT_RE = re.compile(
    rf"(?P<num>\d+|{_CN})\s*(?P<unit>项|家|个|件|所|名|位|次|项次|处|座)?"
)
_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_MULT_VALUES = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9,
                "千万": 10_000_000, "百万": 1_000_000, "十万": 100_000, "万": 10_000,
                "亿": 100_000_000, "千": 1000, "百": 100}
# 100到200万, 10万-20万, 十至二十万: a range is never read as one of its ends.
_RANGE_WORD = r"\s*(?:到|至|~|～|—|–|-|－|−)\s*"
_RANGE_BEFORE = re.compile(rf"[\d{CN_NUMERAL_CHARS}]\s*{_MULT}?\s*(?:元|块)?{_RANGE_WORD}$")
_RANGE_AFTER = re.compile(rf"^{_RANGE_WORD}[\d零〇一二两三四五六七八九十]")
_MINUS_BEFORE = re.compile(r"(?:负|[-－−])\s*$")
# 不到300万, 300万以下: only a ceiling is said (``bound``), so an owner's amount cannot be
# computed from it — an estimate at the ceiling would be too high; in a policy text
# (不超过50万元) it is the figure itself.  300多万 is a floor, read at the floor.
_UPPER_BEFORE = re.compile(r"(?:不到|不足|不满|少于|低于|不超过|未超过|没有?超过|最多)\s*$")
_CURRENCY_BEFORE = re.compile(r"(?:[¥￥]|RMB|CNY|人民币)\s*$")
_UPPER_AFTER = re.compile(r"^\s*(?:以下|以内|之内)")
_MORE_MULT = re.compile(rf"(?:多|余|来)\s*(?P<mult>{_MULT})\s*(?:元|块钱|块)?")  # (300来万: about)

NEGATIVE = "是负数"
EXPONENT = "用了科学计数法"
GROUPING = "的数字分隔不规范（应每三位一组，如 1_000万元）"
RANGE = "是一个范围，不是确定的金额"
CEILING = "只说了上限，不是确定的金额"  # what the reader says of a ceiling it does not use


def _number(raw: str) -> Decimal | None:
    """The numeric part of a match (arabic or Chinese) as a Decimal."""
    cleaned = raw.replace(",", "").replace("，", "").replace("_", "")
    if cleaned[0].isdigit():
        try:
            return Decimal(cleaned)
        except InvalidOperation:
            return None
    value = parse_cn_numeral(cleaned)
    return None if value is None else Decimal(value)


@dataclass(frozen=True)
class MoneyMention:
    """A money amount found in a text, with its span.

    ``problem`` is set (:data:`NEGATIVE`, :data:`EXPONENT`, :data:`RANGE`) when the
    amount is refused; ``yuan`` is then 0 and must not be used.
    """

    yuan: int
    start: int
    end: int
    text: str
    problem: str = ""
    bound: str = ""  # "ceiling" (不到300万, 300万以下) or "floor" (300多万), else ""


def scan_money(text: str, bare_numbers: bool = False) -> list[MoneyMention]:
    """Every money amount in ``text``, left to right, refused ones included (``problem``).

    Only numbers with a money unit (元, 万, 亿) count, unless ``bare_numbers`` (then a
    bare number is read as yuan).  ``千``/``百`` alone need 元 (``5千元``).  Refused:
    a minus sign or 负 before the amount (``-300万元``), exponent notation (``1e3万元``),
    and either end of a range (``100到200万``, ``10万-20万元``).  A ceiling (``不到300万``,
    ``300万以下``) or a floor (``300多万``, read at the floor; its span ends before 多) is
    marked in ``bound``.
    """
    found: list[MoneyMention] = []
    for m in _MONEY_RE.finditer(text):
        raw = m.group("num")
        exponent = raw[0].isdigit() and ("e" in raw or "E" in raw)
        num = None if exponent else _number(raw)
        if num is None and not exponent:
            continue
        mult = m.group("mult") or ""
        more = None if mult or m.group("yuan") else _MORE_MULT.match(text, m.end("num"))
        if more is not None:  # 300多万: the floor, 300万; the reader sees the 多 after it
            mult = more.group("mult")
        if not _is_money(text, m, mult, bare_numbers):
            continue
        before = text[:m.start()]
        problem = _problem(text, m, exponent)
        if problem:
            found.append(MoneyMention(0, m.start(), m.end(), m.group(0), problem))
            continue
        assert num is not None
        value = num * _MULT_VALUES.get(mult, 1)
        yuan = int(value.to_integral_value(rounding=ROUND_DOWN))
        if more is not None:
            found.append(MoneyMention(yuan, m.start(), m.end("num"), text[m.start():more.end()],
                                      bound="floor"))
            continue
        ceiling = bool(_UPPER_BEFORE.search(before) or _UPPER_AFTER.search(text[m.end():]))
        found.append(MoneyMention(yuan, m.start(), m.end(), m.group(0),
                                  bound="ceiling" if ceiling else ""))
    return found


_TOGETHER_BEFORE = ("这", "那", "哪", "加", "放", "合", "算", "凑", "搁", "在", "到")


def _is_money(text: str, m: re.Match[str], mult: str, bare_numbers: bool) -> bool:
    """Whether the number of ``m`` is an amount: a money unit (元, 万, 亿; 千/百 with 元),
    or ``bare_numbers``, and no count word (5家, 2018年) right after it."""
    raw = m.group("num")
    has_big = any(u in raw for u in "万亿") or "万" in mult or "亿" in mult
    # ¥850,000 / 人民币120万: a currency sign before the number is its unit
    yuan = m.group("yuan") or _CURRENCY_BEFORE.search(text, 0, m.start())
    if not (yuan or has_big or bare_numbers):
        return False
    if m.group("yuan") == "块" and not mult and m.group("num") == "一" \
            and text[m.start() - 1:m.start()] in _TOGETHER_BEFORE:
        return False  # 省级这一块 / 两项加一块: a part asked, or together; no one yuan
    if not yuan and mult in ("千", "百") and not bare_numbers:
        return False
    # a count like 5家 or 2018年 right after the number is not money
    after = text[m.end("num"):m.end("num") + 1]
    return not (not mult and not yuan and after and after in "年月日项家个件名位次%％")


def _problem(text: str, m: re.Match[str], exponent: bool) -> str:
    """Why an amount is refused (exponent, grouping, a range, a minus), else ""."""
    raw = m.group("num")
    before = text[:m.start()]
    if exponent:
        return EXPONENT
    if "_" in raw and not _GROUPED.match(raw):
        return GROUPING
    if _RANGE_BEFORE.search(before) or _RANGE_AFTER.search(text[m.end():]):
        return RANGE
    if _MINUS_BEFORE.search(before):
        return NEGATIVE
    return ""


def find_money(text: str, bare_numbers: bool = False) -> list[MoneyMention]:
    """The amounts of :func:`scan_money` that can be used (refused ones left out)."""
    return [m for m in scan_money(text, bare_numbers) if not m.problem]


def parse_money(text: str) -> int | None:
    """The amount in ``text`` in integer yuan (120万元, 五十万, 1.5亿元, 800,000元, 3千万).

    A bare number is read as yuan when no amount with a unit is said.  None when there is
    no amount, or when the first amount is refused (negative, exponent notation, a range).
    """
    if text is None:
        return None
    # (一共200万: the amount with its unit, not the 一 of 一共 read as a bare number)
    mentions = scan_money(str(text).strip()) or scan_money(str(text).strip(), bare_numbers=True)
    if not mentions or mentions[0].problem:
        return None
    return mentions[0].yuan


def parse_count(text: str) -> int | None:
    """A count in ``text`` (5项, 3家, 三个, 12) as an int; None when there is none."""
    if text is None:
        return None
    for m in _COUNT_RE.finditer(str(text).strip()):
        value = parse_int(m.group("num"))
        if value is not None:
            return value
    return None


def find_percents(text: str) -> list[Decimal]:
    """Every percentage in ``text`` (``20%`` → Decimal("20"))."""
    return [Decimal(m.group(1)) for m in _PERCENT_RE.finditer(text)]


def format_yuan(yuan: int) -> str:
    """600000 → ``60万元``; 12345 → ``1.2345万元``; 8000 → ``8000元``; 1.5亿 → ``1.5亿元``;
    1.5 × 10**12 → ``1.5万亿元``."""
    sign = "-" if yuan < 0 else ""
    value = abs(int(yuan))
    if value >= 10**12 and value % 10**8 == 0:
        return f"{sign}{_trim(Decimal(value) / 10**12)}万亿元"
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
