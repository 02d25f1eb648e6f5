"""Every money figure of the policies is covered by a rule or marked as not an award."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.coverage import find_uncovered
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import (
    Citation,
    NotAward,
    Rule,
    RuleDocument,
    RuleSet,
)
from knowledge.model import Clause, DocumentMeta
from knowledge.sources.base import KnowledgeBase, load_knowledge

META = DocumentMeta("威X〔2030〕1号", "测试文件", "测试", date(2030, 1, 1),
                    file="policies/test.md")


@pytest.fixture(scope="module")
def kb(knowledge_dir: Path) -> KnowledgeBase:
    return load_knowledge(knowledge_dir)


@pytest.fixture(scope="module")
def ruleset(kb: KnowledgeBase, knowledge_dir: Path) -> RuleSet:
    return load_rules(knowledge_dir / "rules", kb.clause)


def test_the_shipped_rules_cover_every_money_sentence(kb: KnowledgeBase,
                                                      ruleset: RuleSet) -> None:
    assert [str(u) for u in find_uncovered(list(kb.clauses), ruleset)] == []


def test_without_not_awards_the_targets_are_reported(kb: KnowledgeBase, ruleset: RuleSet) -> None:
    found = find_uncovered(list(kb.clauses), ruleset, not_awards=[])
    assert sorted((u.doc_number, u.clause_path, u.figures) for u in found) == [
        ("威政办发〔2018〕32号", "一、（三）", ("35亿元",)),
        ("威政办字〔2018〕107号", "一、（三）", ("10%",)),
        ("威政办字〔2018〕107号", "二、（一）1.", ("3%",)),
    ]
    target = next(u for u in found if u.figures == ("3%",))
    assert target.file == "policies/weizhengbanzi-2018-107.md" and target.line > 0
    assert str(target).startswith(f"policies/weizhengbanzi-2018-107.md:{target.line}: ")
    assert "研发经费投入占GDP的比重达到3%以上" in target.sentence


def test_a_rule_missing_from_a_document_is_reported(kb: KnowledgeBase, ruleset: RuleSet) -> None:
    without = RuleSet(tuple(r for r in ruleset.rules if r.id != "d58_tech_purchase"),
                      ruleset.documents, ruleset.not_awards)
    found = find_uncovered(list(kb.clauses), without)
    assert [(u.clause_path, u.figures) for u in found] == [("二、（三）2.", ("20%", "50万元"))]


def _clause(text: str, part: int = 0, path: str = "一、") -> Clause:
    return Clause(META, path, ("测试",), text, line=7, part=part)


def _rules(*quotes: str) -> RuleSet:
    doc = RuleDocument(META, "市政府")
    rule = Rule("r", "测试", "fixed", doc,
                tuple(Citation(META.doc_number, "一、", q) for q in quotes), amount_yuan=1)
    return RuleSet((rule,))


def test_each_figure_needs_a_quote() -> None:
    clause = _clause("对A给予 200 万元奖励，对B给予100万元奖励。增长10%以上。收入一千万元。")
    found = find_uncovered([clause], _rules("对A给予200万元奖励"))
    assert [u.figures for u in found] == [("100万元",), ("10%",), ("一千万元",)]
    assert found[0].line == 7 and found[0].file == "policies/test.md"
    assert found[0].sentence == "对A给予200万元奖励，对B给予100万元奖励。"
    extra = [NotAward(META.doc_number, "一、", "增长10%以上", "目标"),
             NotAward(META.doc_number, "一、", "对B给予100万元奖励", "示例"),
             NotAward(META.doc_number, "一、", "收入一千万元", "示例")]
    assert find_uncovered([clause], _rules("对A给予200万元奖励"), extra) == []


def test_chunks_of_one_clause_are_joined() -> None:
    chunks = [_clause("第一部分。对A给予200万", 0), _clause("元奖励。", 1)]
    assert find_uncovered(chunks, _rules("对A给予200万元奖励")) == []
    assert len(find_uncovered(chunks, _rules("第一部分"))) == 1


def test_a_quote_of_another_clause_does_not_cover() -> None:
    clause = _clause("对A给予200万元奖励。", path="二、")
    assert len(find_uncovered([clause], _rules("对A给予200万元奖励"))) == 1
