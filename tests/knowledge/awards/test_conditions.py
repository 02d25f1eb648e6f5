"""Conditions against facts and against what the owner says is not so
(knowledge.awards.conditions): a denied condition makes the rule fail in the owner's
words, a condition the denial does not cover stays unknown."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from knowledge.awards.conditions import Denied, assess, assumed_windows, is_window, show_value
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.sources.base import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)
ENTERPRISE = {"applicant_types": frozenset({"enterprise"})}


@pytest.mark.parametrize(("rule_id", "facts", "denied", "failed_with", "missing"), [
    ("d107_tech_centre_city_enterprise", ENTERPRISE,
     {"platform_titles": Denied("不是市级的", frozenset({"tech_centre_city_pilot"}))},
     "您说“不是市级的”，而本项须“列入市级试点技术创新中心”", []),
    ("d107_tech_centre_city_enterprise", {},
     {"platform_titles": Denied("不是市级的", frozenset({"tech_centre_city_pilot"}))},
     "您说“不是市级的”", ["applicant_types"]),
    ("d58_tech_purchase", ENTERPRISE,
     {"registered_tech_purchase_yuan": Denied("合同还没登记")},
     "您说“合同还没登记”，而本项须有经技术合同管理机构认定登记", []),
    ("d107_contest_host", {},
     {"applicant_types": Denied("我们不是协会", frozenset({"social_org"}))},
     "您说“我们不是协会”，而本项申报主体须为", ["activities"]),
], ids=["choice-denied", "choice-denied-applicant-unknown", "whole-fact-denied",
        "applicant-denied"])
def test_a_denied_condition_fails_in_the_owners_words(
        rule_id: str, facts: dict[str, object], denied: dict[str, Denied],
        failed_with: str, missing: list[str]) -> None:
    rule = RULESET.get(rule_id)
    assert rule is not None
    failed, still_missing = assess(rule, facts, denied)
    assert len(failed) == 1 and failed[0].startswith(failed_with), failed
    assert still_missing == missing


@pytest.mark.parametrize(("rule_id", "facts", "denied"), [
    # one of several accepted titles denied: the others may still hold, so ask
    ("d107_incubatee_upgrade", {"applicant_types": frozenset({"incubator"})},
     {"incubation_titles": Denied("不是国家级的", frozenset({"incubator_national"}))}),
    # the title is also stated positively: the stated fact wins
    ("d107_tech_centre_city_enterprise",
     {**ENTERPRISE, "platform_titles": frozenset({"tech_centre_city_pilot"})},
     {"platform_titles": Denied("不是省级的", frozenset({"tech_centre_city_pilot"}))}),
    # a denial of another fact says nothing about this rule
    ("d107_tech_centre_city_enterprise", ENTERPRISE,
     {"registered_tech_purchase_yuan": Denied("合同还没登记")}),
], ids=["partial-denial-asks", "stated-beats-denied", "unrelated-denial"])
def test_a_denial_that_does_not_cover_the_condition_fails_nothing(
        rule_id: str, facts: dict[str, object], denied: dict[str, Denied]) -> None:
    rule = RULESET.get(rule_id)
    assert rule is not None
    failed, _ = assess(rule, facts, denied)
    assert failed == []


# -- time windows: checked when stated, assumed (and said) otherwise -----------------------
WINDOW_FACTS = {"applicant_types": frozenset({"incubator"}),
                "incubation_titles": frozenset({"incubator_city"}), "incubatees_upgraded": 5}


@pytest.mark.parametrize(("years", "failed", "assumed"), [
    (None, [], ["未说明在孵企业升级时已孵化的年限，按在3年孵化期内升级计算"]),
    (Decimal(3), [], []),
    (Decimal("3.5"), ["须在3年孵化期内升级（贵单位：3年多）"], []),
    (Decimal("0.5"), [], []),
], ids=["unstated", "three", "more-than-three", "first-year"])
def test_a_window_condition(years: Decimal | None, failed: list[str],
                            assumed: list[str]) -> None:
    rule = RULESET.get("d107_incubatee_upgrade")
    assert rule is not None
    facts = dict(WINDOW_FACTS)
    if years is not None:
        facts["incubation_years_at_upgrade"] = years
    assert assess(rule, facts) == (failed, [])
    assert assumed_windows(rule, facts) == assumed


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal(2), "2年"), (Decimal("3.5"), "3年多"), (Decimal("0.5"), "不到1年")],
    ids=["whole", "more-than", "under-one"])
def test_years_are_shown_as_the_owner_says_them(value: Decimal, shown: str) -> None:
    spec = RULESET.vocabulary.facts["incubation_years_at_upgrade"]
    assert is_window(spec) and show_value(spec, value) == shown


def test_an_applicant_outside_the_city_fails_an_award_open_to_any_applicant() -> None:
    rule = RULESET.get("d106_tech_centre_provincial")
    assert rule is not None and not rule.applicant_types  # open to any applicant
    facts = {"applicant_types": frozenset({"enterprise"}),
             "platform_titles": frozenset({"tech_centre_provincial"})}
    outside = {"applicant_types": Denied("我们是烟台的企业", requirement="须为威海市的单位")}
    assert assess(rule, facts) == ([], [])
    failed, _ = assess(rule, facts, outside)
    assert failed and "我们是烟台的企业" in failed[0]
