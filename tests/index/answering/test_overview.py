"""The "which fit me" overview (index.answering.overview): every stated fact over every
rule — what is eligible, what one more fact settles, what the owner's words rule out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from index.answering.overview import MAX_ELIGIBLE, MAX_SETTLE, build_overview
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.extraction import extract_facts
from knowledge.sources.base import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)
IN_FORCE = date(2020, 6, 1)


@pytest.mark.parametrize(("question", "eligible", "total", "settles", "ruled_out"), [
    ("我们是高新技术企业，有市级技术创新中心，去年研发投入800万，能享受哪些政策？",
     {"d106_tech_centre_city_enterprise", "d32_rnd_subsidy"}, 2_000_000,
     "registered_tech_purchase_yuan", ""),
    ("我们是国家级孵化器，在孵企业有5家升级为高企，合同还没登记，能享受哪些政策？",
     {"d106_incubator_national", "d107_incubatee_upgrade"}, 2_500_000, "", "合同还没登记"),
    ("我们是企业，能享受哪些政策？", set(), 0, "registered_tech_purchase_yuan", ""),
], ids=["four-facts", "incubator-with-denial", "applicant-only"])
def test_overview_sorts_what_the_stated_facts_settle(question: str, eligible: set[str],
                                                     total: int, settles: str,
                                                     ruled_out: str) -> None:
    out = extract_facts(question, IN_FORCE, RULESET)
    view = build_overview(RULESET, out.facts, IN_FORCE, out.denied)
    assert {e["rule_id"] for e in view.eligible} == eligible
    assert view.total_yuan == total
    assert len(view.eligible) <= MAX_ELIGIBLE and len(view.settle) <= MAX_SETTLE
    if settles:
        assert settles in {s["fact"] for s in view.settle}
    assert all(s["labels"] for s in view.settle)
    if ruled_out:
        assert any(ruled_out in r["why"] for r in view.ruled_out)
    assert view.stated[0].startswith("申报主体类型：")


def test_expired_awards_are_not_listed_as_eligible() -> None:
    facts = {"applicant_types": ["enterprise"], "registered_tech_purchase_yuan": 3_000_000}
    lapsed = build_overview(RULESET, facts, date(2025, 6, 1))  # 58号 expired 2021-11-10
    live = build_overview(RULESET, facts, IN_FORCE)
    assert "d58_tech_purchase" in {e["rule_id"] for e in live.eligible}
    assert "d58_tech_purchase" not in {e["rule_id"] for e in lapsed.eligible}
    assert live.to_json()["total_yuan"] == live.total_yuan == 500_000
