"""Who applies when the question does not say (knowledge.reading.applicant)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from knowledge.awards.calculator import Estimate, evaluate
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.applicant import APPLICANT, assume_applicant
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
