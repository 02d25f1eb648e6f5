"""Award-level replacement: one award of an older document replaced from a date, the rest
of that document standing; declared by rule id or by document and clause."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import evaluate
from knowledge.awards.loading import check_rules, load_rules
from knowledge.sources.base import load_knowledge

NOTICE = """---
doc_number: 威政办字〔2026〕2号
title: 关于调整省级技术创新中心支持政策的通知
issuer: 威海市人民政府办公室
issued: 2025-12-01
effective_from: 2026-01-01
effective_until: 2028-12-31
---
一、原规定中对认定为省级技术创新中心的给予500万元支持的规定不再执行。

二、对新认定为省级技术创新中心的企业，给予一次性奖励300万元。
"""
RULE = """document:
  doc_number: 威政办字〔2026〕2号
  authority: 市政府
  issued: 2025-12-01
  effective_from: 2026-01-01
  effective_until: 2028-12-31
rules:
  - id: d2026_provincial
    label: 省级技术创新中心（2026年起）
    kind: fixed
    amount_yuan: 3000000
    applicant_types: [enterprise]
    conditions:
      - {{fact: platform_titles, has: tech_centre_provincial}}
    replaces: [{replaces}]
    topics: [tech_centre]
    citations:
      - clause_path: 二、
        quote: 对新认定为省级技术创新中心的企业，给予一次性奖励300万元
not_awards:
  - clause_path: 一、
    quote: 给予500万元支持的规定不再执行
    reason: 替代通知
"""
FACTS = {"applicant_types": ["enterprise"], "platform_titles": ["tech_centre_provincial"]}


def _root(tmp_path: Path, knowledge_dir: Path, replaces: str) -> Path:
    root = tmp_path / "knowledge"
    for name in ("policies", "rules", "vocabulary"):
        shutil.copytree(knowledge_dir / name, root / name)
    (root / "policies" / "n.md").write_text(NOTICE, encoding="utf-8")
    (root / "rules" / "n.yaml").write_text(RULE.format(replaces=replaces), encoding="utf-8")
    return root


@pytest.mark.parametrize("replaces", [
    "d106_tech_centre_provincial",
    "{doc_number: 威政办字（2018）106号, clause_path: 四、(三)}",
], ids=["rule-id", "document-and-clause"])
@pytest.mark.parametrize(("on", "rule_id", "amount", "total"), [
    (date(2025, 12, 31), "d106_tech_centre_provincial", 5_000_000, 5_000_000),
    (date(2026, 1, 1), "d2026_provincial", 3_000_000, 3_000_000),
], ids=["day-before", "first-day"])
def test_the_old_award_stands_before_the_new_one(
        tmp_path: Path, knowledge_dir: Path, replaces: str, on: date, rule_id: str,
        amount: int, total: int) -> None:
    root = _root(tmp_path, knowledge_dir, replaces)
    kb = load_knowledge(root)
    rules = load_rules(root / "rules", kb.clause, kb.document)
    estimate = evaluate(rules, FACTS, on, ["d106_tech_centre_provincial"])
    (item,) = estimate.items
    assert (item.rule_id, item.amount_yuan, estimate.total_yuan) == (rule_id, amount, total)
    assert {c.doc_number for c in item.citations} >= {"威政办字〔2018〕106号"} or \
        item.rule_id == "d2026_provincial"
    # the rest of 106号 stands on both dates
    national = {"applicant_types": ["enterprise"], "platform_titles": ["tech_centre_national"]}
    assert evaluate(rules, national, on, ["d106_tech_centre_national"]).total_yuan == 10_000_000


def test_a_replaced_award_alone_is_listed_not_summed(tmp_path: Path,
                                                     knowledge_dir: Path) -> None:
    root = _root(tmp_path, knowledge_dir, "d106_tech_centre_provincial")
    kb = load_knowledge(root)
    rules = load_rules(root / "rules", kb.clause, kb.document)
    old = rules.get("d106_tech_centre_provincial")
    assert old is not None and old.replaced_from == date(2026, 1, 1)
    assert old.in_force(date(2025, 12, 31)) and not old.in_force(date(2026, 1, 1))
    university = {"applicant_types": ["university"], "platform_titles": ["tech_centre_provincial"]}
    (item,) = evaluate(rules, university, date(2026, 6, 1), ["d106_tech_centre_provincial"]).items
    assert item.outcome == "ineligible"  # the new award names enterprises only


@pytest.mark.parametrize(("replaces", "message"), [
    ("d106_no_such_rule", "replaces 写的“d106_no_such_rule”找不到对应的奖励规则"),
    ("{doc_number: 威政办字〔2018〕106号, clause_path: 九、}", "找不到对应的奖励规则"),
    ("d2026_provincial", "找不到对应的奖励规则"),
], ids=["unknown-id", "unknown-clause", "itself"])
def test_a_wrong_replaces_is_a_located_error(tmp_path: Path, knowledge_dir: Path,
                                             replaces: str, message: str) -> None:
    root = _root(tmp_path, knowledge_dir, replaces)
    kb = load_knowledge(root)
    ruleset, problems = check_rules(root / "rules", kb.clause, kb.document)
    assert ruleset is None
    assert [(p.file, p.line) for p in problems] == [("rules/n.yaml", 8)]
    assert message in problems[0].message


@pytest.mark.parametrize(("sentence", "rule_ids"), [
    ("《威海市人民政府办公室关于加快科技创新平台建设的意见》（威政办字〔2018〕106号）中对认定为"
     "省级技术创新中心的市级给予500万元支持的规定不再执行，其他规定继续执行。",
     ("d106_tech_centre_provincial",)),
    ("《关于加快科技创新平台建设的意见》（威政办字[2018]106号）中国家级技术创新中心给予1000万元"
     "支持的规定停止执行。", ("d106_tech_centre_national",)),
    ("《某意见》（威政办字〔2018〕106号）中给予999万元的规定废止。", ()),
], ids=["provincial-centre", "national-centre", "no-such-award"])
def test_a_notice_names_the_award_it_stops(knowledge_dir: Path, sentence: str,
                                            rule_ids: tuple[str, ...]) -> None:
    from knowledge.awards.replacement import find_notices

    kb = load_knowledge(knowledge_dir)
    rules = load_rules(knowledge_dir / "rules", kb.clause, kb.document)
    (notice,) = find_notices(sentence, rules.rules)
    assert notice.doc_number == "威政办字〔2018〕106号" and notice.rule_ids == rule_ids


STOP_RULES = """document:
  doc_number: 威政办字〔2026〕2号
  authority: 市政府
  issued: 2025-12-01
  effective_from: 2026-01-01
  effective_until: 2028-12-31
  replaces: [{replaces}]
not_awards:
  - clause_path: 一、
    quote: 给予500万元支持的规定不再执行
    reason: 替代通知
  - clause_path: 二、
    quote: 给予一次性奖励300万元
    reason: 本测试只停止旧奖励
"""


def test_the_document_itself_may_stop_an_older_award(tmp_path: Path,
                                                      knowledge_dir: Path) -> None:
    root = _root(tmp_path, knowledge_dir, "d106_tech_centre_provincial")
    (root / "rules" / "n.yaml").write_text(
        STOP_RULES.format(replaces="d106_tech_centre_provincial"), encoding="utf-8")
    kb = load_knowledge(root)
    rules = load_rules(root / "rules", kb.clause, kb.document)
    before = evaluate(rules, FACTS, date(2025, 12, 31), ["d106_tech_centre_provincial"])
    after = evaluate(rules, FACTS, date(2026, 1, 1), ["d106_tech_centre_provincial"])
    assert before.total_yuan == 5_000_000 and after.total_yuan == 0
    (item,) = after.items
    assert (item.validity, item.replaced_by, item.in_force) == (
        "replaced", "威政办字〔2026〕2号", False)
    assert any("自2026-01-01起依威政办字〔2026〕2号不再执行" in w for w in after.warnings)
    national = {"applicant_types": ["enterprise"], "platform_titles": ["tech_centre_national"]}
    assert evaluate(rules, national, date(2026, 6, 1),
                    ["d106_tech_centre_national"]).total_yuan == 10_000_000


def test_a_document_naming_a_clause_of_several_awards_must_name_the_rule(
        tmp_path: Path, knowledge_dir: Path) -> None:
    root = _root(tmp_path, knowledge_dir, "d106_tech_centre_provincial")
    (root / "rules" / "n.yaml").write_text(STOP_RULES.format(
        replaces="{doc_number: 威政办字〔2018〕106号, clause_path: 四、（三）}"), encoding="utf-8")
    kb = load_knowledge(root)
    _, problems = check_rules(root / "rules", kb.clause, kb.document)
    assert [(p.file, p.line) for p in problems] == [("rules/n.yaml", 2)]  # the document
    assert "有多项奖励" in problems[0].message
    assert "d106_tech_centre_provincial" in problems[0].message
