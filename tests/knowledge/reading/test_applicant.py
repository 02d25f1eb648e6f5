"""Who applies when the question does not say (knowledge.reading.applicant)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import Estimate, evaluate
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.applicant import APPLICANT, IMPLIED, assume_applicant, without_implied
from knowledge.reading.extraction import Extraction, extract_facts
from knowledge.sources.base import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)
ON = date(2020, 6, 1)


def _run(ex: Extraction) -> Estimate:
    return evaluate(RULESET, ex.facts, ON, rule_ids=list(ex.candidate_rules), denied=ex.denied)


def _assumed(question: str) -> Estimate | None:
    ex = extract_facts(question, ON, RULESET)
    return assume_applicant(RULESET, _run(ex), ex, _run)


def test_the_same_award_for_every_kind_is_computed_and_said() -> None:
    # buying technology: enterprises, service institutions and incubators alike
    estimate = _assumed("2019年买技术花了80万，合同登记了，能奖多少")
    assert estimate is not None and estimate.total_yuan == 160000
    assert "您没有说明单位类型" in estimate.warnings[0]


def test_an_award_that_depends_on_who_applies_is_asked() -> None:
    # a city technology innovation centre: 200万 if an enterprise leads, 300万 otherwise
    assert _assumed("我们牵头的技术创新中心列入了市级，能拿多少") is None


def test_a_stated_applicant_is_not_assumed() -> None:
    ex = extract_facts("我们公司买技术花了80万，合同登记了，能奖多少", ON, RULESET)
    assert APPLICANT in ex.facts
    assert assume_applicant(RULESET, _run(ex), ex, _run) is None



def test_an_implied_applicant_no_award_is_open_to_is_dropped() -> None:
    # 经区 implies the district government; buying technology is no award of its
    ex = extract_facts("经区2020年买了项专利，合同100万已登记，能补多少", ON, RULESET)
    assert any(IMPLIED in n for n in ex.notes)
    dropped = without_implied(RULESET, _run(ex), ex, _run)
    assert dropped is not None
    estimate, kept = dropped
    assert APPLICANT not in kept.facts and not any(IMPLIED in n for n in kept.notes)
    assert assume_applicant(RULESET, estimate, kept, _run) is not None


@pytest.mark.parametrize("question", [
    "我们公司买技术花了80万，合同登记了，能奖多少",  # said, not implied
    "文登区获批省级高新区，有奖励吗",  # implied, and the award is open to it
    "我一朋友开机械加工厂的，2021年头一回评上高企，他能拿20万不",  # a firm implied: kept
    "镇里问一下：今年我们所在的区创建成国家创新型县（市）了，镇里能分到多少",  # asked about
])
def test_a_said_or_fitting_applicant_stays(question: str) -> None:
    ex = extract_facts(question, ON, RULESET)
    assert without_implied(RULESET, _run(ex), ex, _run) is None
