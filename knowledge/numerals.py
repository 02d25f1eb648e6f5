"""Chinese numerals: the one parser of 一百零一, 两千三百万, 十二, 一亿五千万 (and plain digits).

``parse_cn_numeral("两千三百万") == 23_000_000``; ``parse_int("12") == 12``.  The parser
is strict: a string that is not a well-formed numeral gives ``None`` rather than a guess —
``二三`` (two digits in a row), ``一百五`` (the colloquial 150 — ambiguous in a policy),
``十百`` (units out of order), ``万`` (a unit without digits).  Digit-by-digit forms such as
``二〇一八`` are refused too (they are years or codes, not amounts).

Amounts with 元/万/亿 units and arabic decimals (``1.5亿``) are read by
:mod:`knowledge.money`, which uses this module for the Chinese part.
"""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
# A Chinese numeral in running text starts with a digit or 十 (so that 万众创新 or 千万不要
# are not read as numbers); use with :func:`parse_cn_numeral`, which checks the form.
CN_NUMERAL_PATTERN = r"[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
_ZEROS = "零〇"


def parse_cn_numeral(text: str) -> int | None:
    """A Chinese numeral as an int; None if ``text`` is not a well-formed one.

    Big units stack: the part before 亿 may itself hold 万 (一万亿 = 10**12, 三千万亿).
    """
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if all(ch in _ZEROS for ch in text):
        return 0 if len(text) == 1 else None
    return _with_big_units(text, ("亿", "万"), after_higher=False)


def _with_big_units(text: str, units: tuple[str, ...], *, after_higher: bool,
                    spoken: bool = True) -> int | None:
    """A numeral using the big ``units`` (largest first) and the small ones below them.
    ``spoken``: the spoken elision of the next place is read (一万五 = 15000, 一百五 =
    150); not inside the head of a bigger unit (一万五亿 is refused)."""
    if not units:
        return _below_10000(text, after_higher=after_higher, spoken=spoken)
    unit, smaller = units[0], units[1:]
    if unit not in text:
        return _with_big_units(text, smaller, after_higher=after_higher)
    head, rest = text.split(unit, 1)
    if unit in rest:
        return None  # 一万万, 一亿亿: the same big unit twice
    value = _with_big_units(head, smaller, after_higher=after_higher,
                            spoken=False) if head else None
    if not value:
        return None  # 万 / 零万 / 二三万 / 一亿万
    total = value * BIG_UNITS[unit]
    if not rest:
        return total
    if spoken and len(rest) == 1 and rest in DIGITS and DIGITS[rest]:
        return total + DIGITS[rest] * BIG_UNITS[unit] // 10  # 三万五: 35000, 一亿五: 1.5亿
    tail = _with_big_units(rest, smaller, after_higher=True, spoken=spoken)
    if tail is None:
        return None
    if not _has_unit(rest) and not rest.startswith(tuple(_ZEROS)):
        return None  # 一万零五 needs its 零; 一万五 is read above
    return total + tail


def parse_int(text: str) -> int | None:
    """Plain digits (``12``) or a Chinese numeral (``十二``) as an int; None otherwise."""
    raw = str(text).strip()
    if raw.isdigit() and raw.isascii():
        return int(raw)
    return parse_cn_numeral(raw)


def _has_unit(text: str) -> bool:
    return any(ch in SMALL_UNITS or ch in BIG_UNITS for ch in text)


def _below_10000(text: str, *, after_higher: bool, spoken: bool = True) -> int | None:
    """A numeral without 万/亿 (一千零五, 十二, 三百): None if malformed."""
    if not text:
        return None
    if after_higher and text[0] in _ZEROS:
        text = text[1:]  # 一亿零五百万: the 零 marks the missing 千万 place
        if not text or text[0] in _ZEROS:
            return None
    total = 0
    last_unit = 10_000
    digit: int | None = None
    zero = False  # a 零 since the last unit: a place was skipped
    for index, ch in enumerate(text):
        if ch in _ZEROS:
            if digit is not None or index == 0 or zero:
                return None  # 二零, 零五, 一千零零五
            zero = True
        elif ch in DIGITS:
            if digit is not None:
                return None  # 二三
            digit = DIGITS[ch]
        else:
            place = _place(SMALL_UNITS[ch], digit, total, zero, last_unit)
            if place is None:
                return None
            total += place
            last_unit, digit, zero = SMALL_UNITS[ch], None, False
    return _with_ones(total, digit, zero, last_unit, spoken)


def _place(unit: int, digit: int | None, total: int, zero: bool, last_unit: int
           ) -> int | None:
    """``digit`` (None: a bare 十) times ``unit``, after ``last_unit``; None if malformed."""
    if unit >= last_unit:
        return None  # 十百, 一百一百
    if digit is None:
        # 十二, 一百一十 (and 一千零十): a bare 十 means 一十
        if unit != 10 or (total and not zero):
            return None
        digit = 1
    if zero and unit * 10 == last_unit:
        return None  # 一百零十: nothing was skipped
    return digit * unit


def _with_ones(total: int, digit: int | None, zero: bool, last_unit: int,
               spoken: bool = True) -> int | None:
    """``total`` with a last digit of ones added; None if malformed."""
    if zero and digit is None:
        return None  # 一百零
    if digit is not None:
        if last_unit > 10 and last_unit < 10_000 and not zero:
            if not spoken or not digit:
                return None
            return total + digit * last_unit // 10  # 一百五: 150, 两千三: 2300 (spoken)
        total += digit
    return total
