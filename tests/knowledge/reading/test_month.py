"""An event dated by its year alone in a year a document starts or ends in
(knowledge.reading.month)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.estimate import estimate_question
from knowledge.reading.extraction import extract_facts
from knowledge.reading.month import EVENT_MONTH
from knowledge.sources.base import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
_KB = load_knowledge(KNOWLEDGE)
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", _KB.clause, _KB.document)  # (validity)
TODAY = date(2026, 12, 6)


def _estimate(text: str):  # type: ignore[no-untyped-def]
    ex = extract_facts(text, TODAY, RULESET)
    return estimate_question(RULESET, text, TODAY, list(ex.candidate_rules), ex,
                             ex.as_of or TODAY)


@pytest.mark.parametrize(("text", "said"), [
    # 107号 repealed on 2023-04-07: 300万 in January, nothing in December
    ("我们大学科技园2023年升级为国家大学科技园，能拿多少", "2023-04-07"),
    # 58号 in force until 2021-11-10
    ("2021年我们公司买技术登记合同100万，能拿多少", "2021-11-10"),
])
def test_the_month_is_asked_when_it_decides(text: str, said: str) -> None:
    estimate = _estimate(text)
    assert EVENT_MONTH in estimate.missing and estimate.total_yuan == 0
    asked = [i for i in estimate.items if i.outcome == "need_info" and i.in_force]
    assert asked and said in asked[0].explanation and "此前" in asked[0].explanation
    assert any("请告诉我是几月" in w for w in estimate.warnings)


@pytest.mark.parametrize(("text", "total"), [
    ("2021年3月我们公司买技术登记合同100万，能拿多少", 200_000),   # a month said
    ("2021年12月我们公司买技术登记合同100万，能拿多少", 0),
    ("2020年我们公司买技术登记合同100万，能拿多少", 200_000),      # no document ends in 2020
    ("我们大学科技园2022年升级为国家大学科技园，能拿多少", 3_000_000),
    # another year said beside it: which year the event is in is read elsewhere
    ("我们众创空间是市级的（2018年认定的）。2021年在孵企业里有13家升成了高企，其中有1家已经入孵"
     "三年多了（超出孵化期）。这一年我们空间能拿多少奖励？", 1_000_000),
])
def test_the_month_is_not_asked_otherwise(text: str, total: int) -> None:
    estimate = _estimate(text)
    assert EVENT_MONTH not in estimate.missing and estimate.total_yuan == total


def test_the_month_asked_is_a_fact_of_the_vocabulary() -> None:
    spec = RULESET.vocabulary.facts[EVENT_MONTH]
    assert spec.kind == "count" and "几月" in spec.question
    assert _estimate("2021年我们公司买技术登记合同100万，能拿多少").to_json()["missing"] == [
        {"fact": EVENT_MONTH, "question": spec.question}]


def test_an_award_waiting_for_a_figure_either_way_asks_no_month() -> None:
    # 2023年在孵企业升级 without a count: 需补充信息 in January, nothing in December
    estimate = _estimate("我们重新认定孵化器2023年被认定为国家级科技企业孵化器，"
                         "又通过了这次还有没有")
    assert EVENT_MONTH not in estimate.missing
