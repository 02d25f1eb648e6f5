"""A message read against the conversation before anything else (index.answering.understand)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from index.answering.understand import understand
from knowledge.reading.frame import Previous

TODAY = date(2026, 12, 6)
FIRST = ("我们集团2019年牵头建了个市级技术创新中心，2021年旗下孵化器被认定为国家级科技企业孵化器，"
         "这两项市里加一起给多少")


def _read(engine: Any, text: str, previous: Previous | None) -> Any:
    snap = engine.snapshot
    return understand(snap.kb, snap.rules, snap.talk, text, previous, TODAY, snap.names)


def test_a_title_taken_back_is_a_correction_of_the_question(hash_engine: Any) -> None:
    previous = Previous(FIRST, asked="amount", topics=("tech_centre", "incubator"))
    said = "等下，孵化器国家级那个其实没批下来，只批了个山东省品牌孵化器，省里拨了50万"
    u = _read(hash_engine, said, previous)
    assert u.frame.follow_up and u.frame.refs == ("correction",)
    assert "被认定为国家级科技企业孵化器" not in u.text and "市级技术创新中心" in u.text
    assert u.extraction is not None
    assert u.extraction.facts["incubation_titles"] == frozenset({"brand_incubator_sd"})


@pytest.mark.parametrize("text", ["国家级的没评上", "孵化器有什么支持政策"])
def test_nothing_taken_back_reads_as_before(hash_engine: Any, text: str) -> None:
    previous = Previous("我们是省级孵化器，有3家在孵企业升了高企，能拿多少", asked="amount",
                        topics=("incubator",))
    assert _read(hash_engine, text, previous).frame.refs != ("correction",)


def test_a_sum_asked_beside_whether_both_can_be_had_is_an_amount(hash_engine: Any) -> None:
    previous = Previous("前年我们先拿的是省级技术转移示范机构称号，能拿多少", asked="amount",
                        topics=("tech_transfer",),
                        thread=("我们机构今年获批国家级技术转移示范机构了，能奖多少", "",
                                "前年我们先拿的是省级技术转移示范机构称号，能拿多少"))
    assert _read(hash_engine, "两个都能拿吧，加起来多少", previous).intent == "amount"


def test_a_sum_asked_of_the_thread_is_an_amount_whatever_it_asked(hash_engine: Any) -> None:
    first = "我们是科技服务公司，今年被认定为技术先进型服务企业，有啥奖励？"
    second = "我们是科技服务公司，前年我们还首次过了高企，有补助吗"
    previous = Previous(second, asked="eligibility", topics=("hitech",),
                        thread=(first, "", second))
    assert _read(hash_engine, "两项加起来一共多少", previous).intent == "amount"


def test_a_supposed_figure_is_read_in_place_of_the_one_said(hash_engine: Any) -> None:
    u = _read(hash_engine, "我们是技术转移服务机构，2020年促成了4项成果在市内转化，成交额180万，"
              "说没到门槛，要是当时做到260万，能补多少", None)
    assert u.frame.hypothetical and "260万" in u.text and "180万" not in u.text
    assert u.extraction is not None
    assert u.extraction.facts["tt_contract_turnover_yuan"] == 2_600_000


@pytest.mark.parametrize(("said", "replaced"), [
    # a correction naming another title of the same kind: it takes the old one's place
    ("不对，我们是众创空间，是山东省品牌众创空间", True),
    # no correction word: not a correction of the title
    ("我们还有个山东省品牌众创空间", False),
])
def test_a_title_corrected_takes_the_old_ones_place(hash_engine: Any, said: str,
                                                     replaced: bool) -> None:
    previous = Previous("我们孵化器今年被认定为国家级科技企业孵化器了，奖励多少", asked="amount",
                        topics=("incubator",))
    u = _read(hash_engine, said, previous)
    assert (u.text == "我们孵化器今年被认定为品牌众创空间了，奖励多少") is replaced


def test_an_applicant_changed_to_an_enterprise(hash_engine: Any) -> None:
    previous = Previous("2020年我们是科技服务机构，头一回通过高企认定，市里奖多少", asked="amount",
                        topics=("hitech",))
    u = _read(hash_engine, "那要是我们是生产企业呢", previous)
    assert "科技服务机构" not in u.text and u.extraction is not None
    assert u.extraction.facts["applicant_types"] == frozenset({"enterprise"})


@pytest.mark.parametrize("text", [
    "今年申请技术先进型服务企业，材料被退回来了，说技术服务收入占比不够，那奖励还能拿多少？",
    "我们单位今年省技术市场奖励只进了公示名单，最后正式结果没有获奖，市里配套奖励还有吗，多少",
])
def test_the_amount_a_closing_clause_asks_beats_a_kind_said_before(hash_engine: Any,
                                                                   text: str) -> None:
    assert _read(hash_engine, text, None).intent == "amount"


def test_a_kind_asked_in_the_closing_clause_stays(hash_engine: Any) -> None:
    text = "我们孵化器2020年认定了国家级，那申报需要准备什么材料"
    assert _read(hash_engine, text, None).intent == "materials"


@pytest.mark.parametrize(("text", "intent"), [
    # the owner's own case: estimated
    ("我们是做检验检测的科技服务公司，今年被认定为技术先进型服务企业，有啥奖励？", "eligibility"),
    ("我司今年被认定为国家级科技企业孵化器，有什么奖励", "eligibility"),
    # what a title gets in general: a general answer
    ("技术先进型服务企业有什么奖励", "general"),
    # a review said as what happened, the money asked (复核 asks no procedure)
    ("我们是国家级科技企业孵化器，2020年认定的，2023年国家复核通过了，复核这次市里还给钱吗",
     "eligibility"),
])
def test_what_support_the_owner_s_own_case_gets(hash_engine: Any, text: str,
                                                intent: str) -> None:
    assert _read(hash_engine, text, None).intent == intent


def test_a_supposition_beside_the_real_amount_asked_is_left_out(hash_engine: Any) -> None:
    u = _read(hash_engine, "我们是科技服务公司，2021年首次评上高企。如果当年也申请了技术先进型"
              "服务企业，那还能多拿。不过我只想知道实际拿到的是多少？", None)
    assert u.frame.left_out == "如果当年也申请了技术先进型服务企业，那还能多拿"
    assert "技术先进型" not in u.text and not u.frame.hypothetical
    assert u.extraction is not None
    assert u.extraction.facts["enterprise_titles"] == frozenset({"hitech_first"})


@pytest.mark.parametrize(("text", "read"), [
    ("那说正事 临港区一家企业今年认定为市级企业技术中心 市里给多少",
     "临港区一家企业今年认定为市级企业技术中心 市里给多少"),
    ("你好，我们公司买了技术", "我们公司买了技术"),
    ("好的谢谢 你会写诗吗", "你会写诗吗"),
    # a greeting alone is kept (it is answered as one); a question is not cut
    ("你好", "你好"),
    ("那2022年呢", "那2022年呢"),
])
def test_an_opening_of_greetings_is_left_out(hash_engine: Any, text: str, read: str) -> None:
    from index.answering.understand import without_opening

    assert without_opening(text, hash_engine.snapshot.talk) == read
