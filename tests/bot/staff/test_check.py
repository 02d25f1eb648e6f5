"""``kb check`` over the vocabulary (facts, choices, topics): problems at file:line, in Chinese."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.staff.check import audit

AS_OF = date(2026, 11, 24)


def _line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if fragment in line)


def test_broken_vocabulary_is_reported_at_its_line_and_rules_wait(knowledge: Path,
                                                                  tmp_path: Path) -> None:
    facts = knowledge / "vocabulary" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("    kind: money\n", "    kind: yuan\n", 1), encoding="utf-8")
    line = _line_of(facts, "kind: yuan")
    result = audit(knowledge, tmp_path / "data", as_of=AS_OF, run_cases=False)
    found = [p for p in result.errors if p.code == "fact_vocabulary"]
    assert [(p.file, p.line) for p in found] == [("knowledge/vocabulary/facts.yaml", line)]
    assert found[0].message.startswith("事实词表有误") and "类型“yuan”未知" in found[0].message
    assert not [p for p in result.errors if p.code == "rule"]  # not checked against a guess


def test_rule_using_a_choice_the_vocabulary_lacks_names_the_valid_ones(
        knowledge: Path, tmp_path: Path) -> None:
    rules = knowledge / "rules" / "weikezi-2018-58.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("has: trading_platform}", "has: national_key_lab}", 1),
                     encoding="utf-8")
    line = _line_of(rules, "national_key_lab")
    result = audit(knowledge, tmp_path / "data", as_of=AS_OF, run_cases=False)
    found = [p for p in result.errors if p.code == "rule" and p.line == line]
    assert found and "national_key_lab" in found[0].message
    assert "可用的选项：" in found[0].message
    # the choice declared in the folder's vocabulary: the same rule file is now fine
    facts = knowledge / "vocabulary" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace(
        "      - value: trading_platform\n",
        "      - value: national_key_lab\n        label: 新获批全国重点实验室\n"
        "        phrases: [全国重点实验室]\n      - value: trading_platform\n", 1),
        encoding="utf-8")
    result = audit(knowledge, tmp_path / "data", as_of=AS_OF, run_cases=False)
    assert not [p for p in result.errors if p.code in ("rule", "fact_vocabulary")], \
        [p.message for p in result.errors]


# -- kb check for people -------------------------------------------------------------------

RULES_58 = "weikezi-2018-58.yaml"
QUOTE_58 = "quote: 采取“一事一议”的方式，最高给予不超过50万元的奖励"


@pytest.mark.parametrize(
    ("old", "new", "needles"),
    [(QUOTE_58, QUOTE_58.replace("50万元", "60万元"),
      ("找不到原文", "最接近的一段", "不超过50万元的奖励")),
     ("clause_path: 二、（一）3.", "clause_path: 二、（一）9.",
      ("没有条款“二、（一）9.”", "请核对 clause_path"))],
    ids=["quote-mismatch", "missing-clause"],
)
def test_broken_rule_is_reported_in_chinese_at_its_line(
        knowledge: Path, tmp_path: Path, old: str, new: str, needles: tuple[str, ...]) -> None:
    rules = knowledge / "rules" / RULES_58
    rules.write_text(rules.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    line = _line_of(rules, new.split(": ", 1)[1])
    result = audit(knowledge, tmp_path / "data", as_of=AS_OF, run_cases=False)
    found = [p for p in result.errors if p.code == "rule"]
    assert [(p.file, p.line) for p in found] == [(f"knowledge/rules/{RULES_58}", line)]
    assert found[0].message.startswith("规则有误：")
    assert all(n in found[0].message for n in needles), found[0].message


@pytest.mark.parametrize(
    "typed", ["二、(二)1.", "二、（二）1．", "二、(二) 1、"],
    ids=["half-width-brackets", "full-width-dot", "spaces-and-comma"],
)
def test_half_width_clause_path_passes_rules_and_coverage(
        knowledge: Path, tmp_path: Path, typed: str) -> None:
    before = audit(knowledge, tmp_path / "before", as_of=AS_OF, run_cases=False)
    rules = knowledge / "rules" / RULES_58
    text = rules.read_text(encoding="utf-8")
    assert "clause_path: 二、（二）1.\n" in text
    rules.write_text(text.replace("clause_path: 二、（二）1.\n", f"clause_path: \"{typed}\"\n"),
                     encoding="utf-8")
    after = audit(knowledge, tmp_path / "after", as_of=AS_OF, run_cases=False)
    assert not [p for p in after.errors if p.code == "rule"]
    assert after.rule_total == before.rule_total
    assert after.uncovered == before.uncovered  # the cited figures are still covered
    assert after.coverage_by_doc == before.coverage_by_doc


# -- likely conflicts between a new document and existing rules -----------------------------

CONFLICT_DOC = """---
doc_number: 威科发〔2026〕5号
title: 威海市科学技术局关于支持创新平台建设的若干措施
issuer: 威海市科学技术局
issued: 2026-02-01
effective_until: 2028-12-31
source: 测试{supersedes}
---
一、支持国家级技术创新中心建设
对新认定的国家级技术创新中心，给予一次性奖励{figure}。
二、支持省级重点实验室建设
对新认定的省级海洋重点实验室，给予一次性奖励30万元。
"""


@pytest.mark.parametrize(
    ("figure", "supersedes", "flagged"),
    [("500万元", "", ["d106_tech_centre_national", "d107_tech_centre_national"]),
     ("1000万元", "", []),
     ("500万元", "\nsupersedes:\n  - 威政办字〔2018〕106号", ["d107_tech_centre_national"])],
    ids=["other-figure-flagged", "same-figure-not-flagged", "superseded-document-not-flagged"],
)
def test_likely_conflict_with_another_documents_rule_is_a_warning(
        knowledge: Path, tmp_path: Path, figure: str, supersedes: str,
        flagged: list[str]) -> None:
    policy = knowledge / "policies" / "weikefa-2026-5.md"
    policy.write_text(CONFLICT_DOC.format(figure=figure, supersedes=supersedes),
                      encoding="utf-8")
    line = _line_of(policy, "国家级技术创新中心，给予")
    result = audit(knowledge, tmp_path / "data", as_of=AS_OF, run_cases=False)
    found = [p for p in result.problems if p.code == "likely_conflict"]
    assert [p.severity for p in found] == ["warning"] * len(flagged)
    assert [(p.file, p.line) for p in found] == [
        ("knowledge/policies/weikefa-2026-5.md", line)] * len(flagged)
    for problem, rule_id in zip(found, flagged, strict=True):
        message = problem.message
        assert message.startswith("可能与已有规则冲突：威科发〔2026〕5号 条款 一、")
        assert rule_id in message and "1000万元" in message and figure in message
        assert "supersedes: [威政办字〔2018〕10" in message
        assert "same_award: tech_centre_national" in message
        rules_file = "weizhengbanzi-2018-106.yaml" if "106" in rule_id else \
            "weizhengbanzi-2018-107.yaml"
        assert f"knowledge/rules/{rules_file}:" in message
    # the 重点实验室 clause names a title whose rule grants no figure: never a conflict
    assert not [p for p in found if "条款 二、" in p.message]
