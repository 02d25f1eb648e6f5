"""``kb check`` over the vocabulary (facts, choices, topics): problems at file:line, in Chinese."""

from __future__ import annotations

from datetime import date
from pathlib import Path

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
    assert found and "national_key_lab" in found[0].message and "valid:" in found[0].message
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
