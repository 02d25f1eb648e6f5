"""What changed for a subscriber between two real snapshots of a knowledge copy."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import alert_docs
import pytest
from recording import RecordingEngine

from bot.alerts.matching import (
    ELIGIBLE,
    NEW_CLAUSE,
    ONE_FACT,
    changes_for,
    diff,
    eligible_items,
    money_clauses,
)

pytestmark = pytest.mark.slow
TODAY = date(2026, 12, 1)
ENTERPRISE = {"applicant_types": frozenset({"enterprise"})}


def extend_58(knowledge: Path) -> None:
    """Staff record that the technology-transfer plan (58号) was extended."""
    plan = knowledge / "policies" / "weikezi-2018-58.md"
    text = plan.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^effective_until: .*$", "effective_until: null", text, count=1)
    plan.write_text(re.sub(r"(?m)^status: .*$", "status: 现行有效", text, count=1),
                    encoding="utf-8")
    rules = knowledge / "rules" / "weikezi-2018-58.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("  effective_until: 2021-11-10", "  effective_until: null", 1),
                     encoding="utf-8")


def test_nothing_changed_means_no_change(own_engine: RecordingEngine) -> None:
    old = own_engine.snapshot
    assert own_engine.reload().ok
    new = own_engine.snapshot
    d = diff(old, new)
    assert not d and diff(None, new).rule_ids == ()
    assert changes_for(d, old, new, ENTERPRISE, {"tech_purchase"}, TODAY) == []


def test_a_new_money_clause_on_the_subscribers_topics(own_engine: RecordingEngine) -> None:
    old = own_engine.snapshot
    alert_docs.add(own_engine.knowledge_dir, "weikezi-2026-9.md", alert_docs.MATCHING)
    alert_docs.add(own_engine.knowledge_dir, "weikezi-2026-10.md", alert_docs.UNRELATED)
    assert own_engine.reload().ok
    new = own_engine.snapshot
    d = diff(old, new)
    assert d.rule_ids == () and {c.doc_number for c in d.clauses} == {
        "威科字〔2026〕9号", "威科字〔2026〕10号"}
    money = money_clauses(d, new, TODAY)
    found = changes_for(d, old, new, ENTERPRISE, {"tech_purchase"}, TODAY, money)
    assert [(c.kind, c.doc_number, c.amount) for c in found] == [
        (NEW_CLAUSE, "威科字〔2026〕9号", "技术合同成交额的10%，最高100万元")]  # its terms
    assert found[0].offices == ("威海市科学技术局",) and "10%" in found[0].quote
    clinic = changes_for(d, old, new, ENTERPRISE, {"clinical"}, TODAY, money)
    assert [c.doc_number for c in clinic] == ["威科字〔2026〕10号"]
    assert changes_for(d, old, new, ENTERPRISE, {"incubator"}, TODAY, money) == []
    assert changes_for(d, old, new, ENTERPRISE, set(), TODAY, money) == []


def test_an_extended_policy_makes_items_eligible_or_one_fact_away(
        own_engine: RecordingEngine) -> None:
    old = own_engine.snapshot
    extend_58(own_engine.knowledge_dir)
    assert own_engine.reload().ok
    new = own_engine.snapshot
    d = diff(old, new)
    assert "d58_tech_purchase" in d.rule_ids and not d.clauses
    bought = {**ENTERPRISE, "registered_tech_purchase_yuan": Decimal(3_000_000)}
    eligible = [c for c in changes_for(d, old, new, bought, set(), TODAY)
                if c.rule_id == "d58_tech_purchase"]
    assert [(c.kind, c.amount, c.doc_number) for c in eligible] == [
        (ELIGIBLE, "50万元", "威科字〔2018〕58号")]
    asked = [c for c in changes_for(d, old, new, ENTERPRISE, set(), TODAY)
             if c.rule_id == "d58_tech_purchase"]
    assert [c.kind for c in asked] == [ONE_FACT] and "技术" in asked[0].settle
    # the same facts against the same snapshot: nothing new
    assert changes_for(diff(new, new), new, new, bought, set(), TODAY) == []
    assert any(i.rule_id == "d58_tech_purchase" for i in eligible_items(new, bought, TODAY))
    assert eligible_items(new, {"applicant_types": "nonsense"}, TODAY) == []
