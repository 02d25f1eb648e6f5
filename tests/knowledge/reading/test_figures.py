"""A figure that is no base of an award: received, or the award's own
(knowledge.reading.figures)."""

from __future__ import annotations

import pytest

from knowledge.money import scan_money
from knowledge.reading.figures import RECEIVED, names_award, received


@pytest.mark.parametrize(("before", "got"), [
    ("2019年认定国家级孵化器拿了", True),  # …200万: money received, not an input
    ("技术先进型服务企业已经奖过", True),
    ("账上收到了", True),
    ("买技术合同登记了", False),
    ("成交额达到了", False),  # 达到了 is a size, not money received
])
def test_money_already_received(before: str, got: bool) -> None:
    assert bool(RECEIVED.search(before)) is got


@pytest.mark.parametrize(("text", "figure", "got"), [
    ("省里拨了伍拾万元。市里的钱账上目前到了100万元，总共应得多少", "100万元", True),
    ("省里拨了五十万元。市里的钱账上目前到了100万元，总共应得多少", "五十万元", False),
    ("市里已经给了50万，还能拿多少", "50万", True),
    ("省里给了50万，市里配套多少", "50万", False),  # the province's: the base of a 1:1 match
    ("技术合同成交额达到了300万", "300万", False),
])
def test_money_the_city_paid_is_received(text: str, figure: str, got: bool) -> None:
    mention = next(m for m in scan_money(text) if m.text.startswith(figure[:2]))
    assert received(text, mention) is got


@pytest.mark.parametrize(("text", "got"), [
    ("国家专业化众创空间两百万那个奖能拿吗", True),
    ("有没有那个20万", True),
    ("买技术合同登记了150万", False),
])
def test_the_award_named_by_its_figure(text: str, got: bool) -> None:
    m = next(m for m in scan_money(text) if not m.problem)
    assert names_award(text, m) is got
