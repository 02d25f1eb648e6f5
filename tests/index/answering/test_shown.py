"""What an answer's estimate shows of the conversation and of the reading
(index.answering.shown), on the real engine."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from index.answering.shown import asks_of_place, place_unread
from knowledge.reading.extraction import extract_facts

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("question", "says"), [
    ("我们是市级孵化器，2022年有6家在孵企业升级为高企，其中2家已经超过3年孵化期，奖多少",
     "您说有6家，其中2家已经超过3年孵化期 → 按4家计"),
    ("2019年我们孵化器里有3家在孵企业升了高企，孵化器能拿多少", "按“我们孵化器”推定为"),
    ("2019年买了个小技术，三万五，合同登记了，能奖多少",
     "按技术合同已经技术合同登记机构认定登记计算"),
], ids=["excluded-part", "implied-level", "registration-assumed"])
def test_how_each_figure_was_read_is_said(engine: Any, question: str, says: str) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None
    assert any(says in w for w in answer.estimate.warnings)


@pytest.mark.parametrize(("question", "preamble"), [
    # a place the reader placed (a part of a count, the applicant, a recipient), or the
    # other party's: the estimate stands without the other-city preamble
    ("我们是技术转移服务机构，2020年促成了3项高校成果转化，2项在威海，1项在烟台，"
     "合同额加起来五百万，能补多少", False),
    ("2020年我们从烟台的大学买了技术，登记了两百万，能有多少奖励", False),
    ("我们是烟台的公司，2020年买了技术，登记了两百万，能有多少奖励", False),
    ("我们集团4家子公司 今年有3家认定了技术先进型服务企业 其中1家是注册在烟台的 另外1家没通过 "
     "一共能拿多少奖励", False),
    # a group's holder pointed at and left out (国家级那家注册地在青岛)
    ("2024年我们这批评上技术转移示范机构的有3家，2家是省级、1家国家级，不过国家级那家注册地在"
     "青岛，威海这边总共奖多少", False),
    # an entity of the asker's elsewhere (我们烟台的子公司)
    ("2020年我们（威海的公司）签了3项技术购买合同：两项合计90万，已认定登记；一项30万，也登记了；"
     "还有一项是我们烟台的子公司签的。能拿多少奖励？", False),
    ("我们是济南总部在威海高区设立的独立法人子公司 2020年买技术登记了100万 能奖多少", False),
    # the parent's place (总部在北京), the asker registered in the city
    ("我们是总部在北京的公司在经区注册的全资子公司，去年被认定为技术先进型服务企业，能拿多少",
     False),
    # asked of another city: said
    ("烟台的孵化器能拿多少奖励", True),
])
def test_the_other_city_preamble_only_for_a_place_unread(engine: Any, question: str,
                                                          preamble: bool) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None
    said = answer.unanswered is not None and answer.unanswered.asked == "other_city"
    assert said is preamble


@pytest.mark.parametrize(("question", "dropped"), [
    # another city's standard asked: no Weihai total shown for it
    ("烟台对国家级科技企业孵化器奖多少？", True),
    # a part of a count placed in another city: the estimate stands, no preamble
    ("我们是省级科技企业孵化器，2021年有8家在孵企业升了高企，其中3家不符合：2家超过三年孵化期了，"
     "1家是在青岛注册的。孵化器能拿多少？", False),
])
def test_another_city_s_standard_gets_no_weihai_total(engine: Any, question: str,
                                                      dropped: bool) -> None:
    answer = engine.ask(question)
    assert (answer.estimate is None) is dropped
    said = answer.unanswered is not None and answer.unanswered.asked == "other_city"
    assert said is dropped
    # (another city's standard: refused, its place said — not the city's clauses)
    assert answer.matched is not dropped and (answer.verdict == "refuse") is dropped


@pytest.mark.parametrize(("place", "text", "asked"), [
    ("烟台", "烟台对国家级科技企业孵化器奖多少", True),
    ("济南", "我们济南那边的分公司也认定了，济南那边给多少", True),
    ("青岛", "2021年有8家升了高企，1家是在青岛注册的，孵化器能拿多少", False),
    # the city's own money asked (能拿威海市里的奖吗): not another city's standard
    ("青岛", "青岛一家孵化器 今年升国家级 能拿威海市里的奖吗 多少", False),
])
def test_the_amount_asked_of_a_place(place: str, text: str, asked: bool) -> None:
    assert asks_of_place(place, text, ("威海", "环翠")) is asked


@pytest.mark.parametrize("text", [
    "我们公司牵头、联合一家外地企业建的技术创新中心今年被认定为国家级的，市里给多少？",
    "还有那家外地的合作单位，它能拿多少",
    "本中介今年拿到国家级技术转移示范机构称号 合作的外地高校也算一份吗 总共给多少",
])
def test_a_partner_s_place_is_read(text: str) -> None:
    """A partner named with its place (联合一家外地企业, 那家外地的合作单位): another party's
    place, not another city's standard asked."""
    assert place_unread("外地", text, None, None) == "外地"  # (no extraction: not read)
    assert place_unread("外地", text, extract_facts(text, date(2026, 12, 6)), None) == ""


def test_a_follow_up_asking_only_of_what_it_names(engine: Any) -> None:
    from bot.conversation import context as cx

    first = engine.ask("我们是一家做检验检测的科技服务机构，2021年重新认定了高新技术企业，"
                       "同年还认定了技术先进型服务企业，加起来多少")
    assert first.estimate is not None and first.estimate.total_yuan == 300_000
    previous = cx.context_of(first).previous()
    only = engine.ask("要是高企重新认定是今年的呢，这块能拿多少", previous=previous)
    assert only.estimate is not None and only.estimate.total_yuan == 0
    assert any("这一项" in w for w in only.estimate.warnings)
    assert all("技术先进型" not in i.label for i in only.estimate.items)


@pytest.mark.parametrize("text", [
    "研究所牵头组建市级技术创新中心，2022年获批；参与共建的外地企业，研究所拿多少？",
    "我有个客户在威海，从外地一家研究院买了技术。外地那家研究院也在打听，客户能拿多少？",
])
def test_a_party_pointed_at_or_building_with_the_asker_is_read(text: str) -> None:
    assert place_unread("外地", text, extract_facts(text, date(2026, 12, 6)), None) == ""
