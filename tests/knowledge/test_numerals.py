"""The one Chinese-numeral parser (knowledge.numerals)."""

from __future__ import annotations

import pytest

from knowledge.numerals import parse_cn_numeral, parse_int


@pytest.mark.parametrize(("text", "value"), [
    ("一", 1), ("十", 10), ("十一", 11), ("十二", 12), ("二十", 20), ("二十三", 23),
    ("一百零一", 101), ("一百零五", 105), ("一百一十", 110), ("两百", 200),
    ("一千零五", 1005), ("一千〇五", 1005), ("一千零十", 1010), ("零", 0), ("〇", 0),
    ("十万", 100_000), ("十一万", 110_000), ("一万零五", 10_005),
    ("两千三百万", 23_000_000), ("一亿五千万", 150_000_000), ("一亿零五百万", 105_000_000),
    ("三亿", 300_000_000), ("一百二十三万四千五百六十七", 1_234_567),
], ids=lambda v: str(v))
def test_parse_cn_numeral(text: str, value: int) -> None:
    assert parse_cn_numeral(text) == value


@pytest.mark.parametrize("text", [
    "", "二三", "二〇一八", "零五", "一百零", "一百零十", "十百", "一百一百", "万", "亿",
    "一万万", "一千零零五", "五x", "12",
], ids=lambda v: v or "empty")
def test_parse_cn_numeral_refuses_malformed(text: str) -> None:
    assert parse_cn_numeral(text) is None


@pytest.mark.parametrize(("text", "value"), [
    ("12", 12), (" 7 ", 7), ("二十", 20), ("十", 10), ("abc", None), ("１２", None),
    ("二三", None),
], ids=["digits", "spaces", "cn-20", "cn-10", "letters", "fullwidth", "nonsense"])
def test_parse_int(text: str, value: int | None) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize(("text", "value"), [
    ("一万亿", 10**12), ("十万亿", 10**13), ("一万五千亿", 15 * 10**11),
    ("三千万亿", 3 * 10**15), ("一万亿零五百万", 10**12 + 5_000_000),
    ("一万亿五千万", 10**12 + 50_000_000), ("一百二十万", 1_200_000), ("两千万", 20_000_000),
], ids=lambda v: str(v))
def test_stacked_big_units_are_multiplied(text: str, value: int) -> None:
    assert parse_cn_numeral(text) == value


@pytest.mark.parametrize(("text", "value"), [
    ("一百五", 150), ("两千三", 2300), ("一万五", 15000), ("三万五", 35000),
    ("一亿五", 150_000_000), ("一百二十万五", 1_205_000), ("十万五", 105_000),
], ids=lambda v: str(v))
def test_the_spoken_elided_place_is_read(text: str, value: int) -> None:
    assert parse_cn_numeral(text) == value


@pytest.mark.parametrize("text", ["一亿万", "一万五亿", "万亿", "一万亿亿"],
                         ids=lambda v: v)
def test_stacked_units_refuse_malformed_never_raise(text: str) -> None:
    assert parse_cn_numeral(text) is None
