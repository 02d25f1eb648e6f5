"""Money and counts in Chinese text (knowledge.money)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.money import (
    EXPONENT,
    GROUPING,
    NEGATIVE,
    RANGE,
    find_money,
    format_yuan,
    parse_count,
    parse_money,
    scan_money,
)


@pytest.mark.parametrize(("text", "yuan"), [
    ("120万元", 1_200_000), ("五十万元", 500_000), ("五十万", 500_000), ("1.5亿元", 150_000_000),
    ("1.5亿", 150_000_000), ("800,000元", 800_000), ("80万", 800_000), ("3千万", 30_000_000),
    ("两百万", 2_000_000), ("两千三百万", 23_000_000), ("一千五百万元", 15_000_000),
    ("一亿五千万", 150_000_000), ("0.5万元", 5_000), ("5千元", 5_000), ("800000", 800_000),
    ("十万", 100_000), ("二十五万", 250_000), ("一百零一万", 1_010_000),
    ("300万的技术", 3_000_000), (" 200 万元 ", 2_000_000), ("没有", None), ("", None),
    ("-300万元", None), ("负300万元", None), ("1e3万元", None), ("1e308元", None),
    ("100到200万", None), ("10万-20万元", None), ("二三万", None),
    # an amount with its unit beats a numeral of another word (一共 is no 1 yuan)
    ("一共200万", 2_000_000), ("登记的那两项一共200万", 2_000_000),
], ids=lambda v: str(v) if not isinstance(v, str) else (v.strip() or "empty"))
def test_parse_money(text: str, yuan: int | None) -> None:
    assert parse_money(text) == yuan


@pytest.mark.parametrize(("text", "count"), [
    ("5项", 5), ("3家", 3), ("三个", 3), ("12", 12), ("两家", 2), ("十二件", 12), ("二十家", 20),
    ("无", None),
], ids=lambda v: str(v))
def test_parse_count(text: str, count: int | None) -> None:
    assert parse_count(text) == count


def test_money_in_running_text_ignores_years_counts_and_idioms() -> None:
    found = find_money("大众创业、万众创新，2018年有5家，给予200万元和100 万元，千万不要")
    assert [m.yuan for m in found] == [2_000_000, 1_000_000]


@pytest.mark.parametrize(("text", "yuan", "bound", "end"), [
    ("不到300万元", 3_000_000, "ceiling", 7),
    ("300万元以下", 3_000_000, "ceiling", 5),
    ("最高不超过50万元", 500_000, "ceiling", 9),
    ("300多万元", 3_000_000, "floor", 3),
    ("三百多万", 3_000_000, "floor", 2),
    ("300来万", 3_000_000, "floor", 3),
    ("约300万元", 3_000_000, "", 6),
    ("300万元", 3_000_000, "", 5),
], ids=["budao", "yixia", "policy-ceiling", "duo-digits", "duo-chinese", "lai", "yue",
        "plain"])
def test_ceilings_and_floors_are_marked(text: str, yuan: int, bound: str, end: int) -> None:
    (mention,) = scan_money(text)
    assert (mention.yuan, mention.bound, mention.end, mention.problem) == (yuan, bound, end, "")


@pytest.mark.parametrize(("text", "problems"), [
    ("购买技术-300万元", [NEGATIVE]),
    ("购买技术负300万元", [NEGATIVE]),
    ("技术合同1e3万元", [EXPONENT]),
    ("合同1e308元", [EXPONENT]),
    ("成交额100到200万", [RANGE]),
    ("成交额10万-20万元", [RANGE, RANGE]),
    ("十至二十万元", [RANGE]),
    ("给予300万元", [""]),
], ids=["minus", "fu", "exponent-wan", "exponent-yuan", "range-dao", "range-dash",
        "range-cn", "plain"])
def test_refused_amounts_are_flagged_never_misread(text: str, problems: list[str]) -> None:
    scanned = scan_money(text)
    assert [m.problem for m in scanned] == problems
    assert all(m.yuan == 0 for m in scanned if m.problem)
    assert [m.yuan for m in find_money(text)] == [3_000_000] * problems.count("")


@given(st.integers(min_value=0, max_value=10**16))
def test_format_and_parse_money_round_trip(yuan: int) -> None:
    assert parse_money(format_yuan(yuan)) == yuan


@pytest.mark.parametrize(("yuan", "text"), [
    (600_000, "60万元"), (10_000_000, "1000万元"), (150_000_000, "1.5亿元"), (8_000, "8000元"),
    (-20_000, "-2万元"), (1_500_000_000_000, "1.5万亿元"), (10**12 + 10**6, "10000.01亿元"),
], ids=lambda v: str(v))
def test_format_yuan(yuan: int, text: str) -> None:
    assert format_yuan(yuan) == text


@pytest.mark.parametrize(("text", "yuan"), [
    ("1.5万亿元", 1_500_000_000_000), ("一万亿元", 1_000_000_000_000), ("3千亿", 300_000_000_000),
    ("20百亿元", 20 * 10**10), ("5十亿", 5 * 10**9), ("1_000万元", 10_000_000),
    ("1_000_000元", 1_000_000), ("一百二十万", 1_200_000), ("1200000元", 1_200_000),
    ("1.2亿", 120_000_000), ("1,500万", 15_000_000), ("0.5亿", 50_000_000),
    ("两千万", 20_000_000), ("三百多万", 3_000_000), ("1_00万元", None), ("1__000万元", None),
], ids=lambda v: str(v))
def test_stacked_units_and_digit_groups(text: str, yuan: int | None) -> None:
    assert parse_money(text) == yuan


def test_approximate_amount_is_a_floor_and_bad_grouping_is_refused_not_zero() -> None:
    (more,) = scan_money("三百多万")
    assert (more.yuan, more.bound) == (3_000_000, "floor")
    (bad,) = scan_money("技术合同1_00万元")
    assert (bad.problem, bad.yuan, bad.text) == (GROUPING, 0, "1_00万元")
    assert find_money("技术合同1_00万元") == []


@pytest.mark.parametrize(("text", "yuan"), [
    ("合同额¥850,000，能拿多少", 850_000), ("￥1,200,000元", 1_200_000),
    ("人民币120万", 1_200_000), ("RMB 300000", 300_000),
    ("共850,000", None),  # a bare number with no currency is no amount
])
def test_a_currency_sign_is_the_amounts_unit(text: str, yuan: int | None) -> None:
    found = [m.yuan for m in scan_money(text) if not m.problem]
    assert found == ([] if yuan is None else [yuan])


@pytest.mark.parametrize("text", ["省级这一块能给多少", "那一块怎么算", "哪一块多",
                                  "两项顶格加一块是多少", "放一块算"])
def test_a_part_pointed_at_is_no_amount_of_one_yuan(text: str) -> None:
    assert find_money(text) == []
    assert [m.yuan for m in find_money("省里给了一块钱")] == [1]
