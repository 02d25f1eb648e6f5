"""The focus check on the engine's answers (index.answering.focus_check)."""

from __future__ import annotations

from typing import Any

import pytest

from index.answering.focus_check import _amount_spans

pytestmark = pytest.mark.slow


def test_a_question_of_its_own_about_something_unstated_says_so(engine: Any) -> None:
    answer = engine.ask("科技特派员得干满几年")
    assert answer.unanswered is not None and answer.unanswered.asked == "focus"
    assert "干满" in answer.unanswered.label


@pytest.mark.parametrize("question", ["孵化器有什么支持", "企业买技术怎么奖励",
                                      "科技成果转化有什么支持政策",
                                      # (where the step stands is read as its status)
                                      "今年报了国家级技术创新中心，还在公示没批下来，现在能先拿吗"])
def test_a_question_the_clauses_answer_is_not_flagged(engine: Any, question: str) -> None:
    assert engine.ask(question).unanswered is None


@pytest.mark.parametrize(("question", "focus"), [
    ("创新创业大赛一等奖奖金多少", "一等奖"),
    ("科技特派员一年给多少生活补贴", "生活"),
])
def test_an_amount_of_something_the_clauses_do_not_name(engine: Any, question: str,
                                                        focus: str) -> None:
    answer = engine.ask(question)
    assert answer.unanswered is not None and focus in answer.unanswered.label


@pytest.mark.parametrize("question", ["买技术花了300万能补多少", "孵化器奖励多少",
                                      "企业牵头建设市级技术创新中心能获得多少补助？",
                                      # a place is whose the money is, not what is asked
                                      "我们是烟台的企业，今年公司牵头的技术创新中心被认定为"
                                      "省级，威海能给多少",
                                      # the asker is not a thing whose amount is asked
                                      "我们学校参与了一家企业牵头组建的市级技术创新中心 今年获批 "
                                      "我们学校能拿多少",
                                      # a time said is no thing asked
                                      "我们企业2021年拿到了国家级国际合作基地，当时是多少",
                                      "临床医学研究中心 2024年第一次绩效评价没过 2025年还是没过 "
                                      "今年终于过了 这能给多少",
                                      "区科技局自己能拿多少，辖区企业牵头的市级技术创新中心获批了"])
def test_an_amount_the_clauses_name_is_not_flagged(engine: Any, question: str) -> None:
    assert engine.ask(question).unanswered is None


@pytest.mark.parametrize(("said", "spans"), [
    ("我们学校参与了一家企业牵头组建的市级技术创新中心今年获批我们学校能拿多少", []),
    ("我们公司土地出让金能减多少", ["土地出让金"]),
    ("一年给多少生活补贴", ["生活补贴"]),
    # the asker said as itself or by its role
    ("辖区里一家企业牵头的中心今年获批了，区科技局自己能拿多少", []),
    ("这个中心今年获批了，我们作为供应商能拿多少", []),
    ("我们公司按文件自己能单独拿多少", []),
    # a party asked about (区科技局这边) names who, not a thing
    ("问一下这笔奖励区科技局这边能拿多少", []),
    ("买方那家公司这边能拿多少", []),
    ("合同80万，已经登记，山东大学能拿多少", []),
    ("我们镇所在的荣成市评上国家创新型县 镇里能拿多少", []),
    ("作为孵化器运营方，生活补贴能拿多少", ["生活补贴"]),
    # a time said is no thing whose amount is asked
    ("那国家级的当时是多少", ["那国家级"]),
    ("这次还能拿多少", []),
    ("年底能拿多少奖励？", []),
    ("2020年买了5项技术，下半年能拿多少", []),
    ("到时候能补多少", []),
    ("今年年底能拿多少生活补贴", ["生活补贴"]),
    # a sum asked at the top names no thing
    ("两项顶格加一块是多少", []),
    ("这几项加起来最多多少", []),
    ("合计下来能到账多少", []),
])
def test_the_asker_is_no_thing_whose_amount_is_asked(said: str, spans: list[str]) -> None:
    assert _amount_spans(said) == spans
