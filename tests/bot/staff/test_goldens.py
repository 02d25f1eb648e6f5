"""``kb check`` runs the golden estimates: a figure that changed fails at the case's line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from cli_runner import line_of, run_cli

from bot.staff.check import audit

AS_OF = date(2026, 11, 24)
CENTRE_CASE = "107号废止后，市级试点技术创新中心（企业）200万元按106号计，只引用106号"

# a new document that replaces 106号 from 2024-01-01, without rules yet
REPLACING_106 = """---
doc_number: 威政办字〔2023〕9号
title: 威海市人民政府办公室关于进一步加快科技创新平台建设的意见
issuer: 威海市人民政府办公室
issued: 2023-12-01
effective_from: 2024-01-01
supersedes: [威政办字〔2018〕106号]
source: 测试
---
一、总体要求
加快科技创新平台建设。
"""


def _golden_errors(knowledge: Path, tmp_path: Path) -> list[tuple[str, int | None, str]]:
    result = audit(knowledge, tmp_path / "data", as_of=AS_OF, run_cases=False)
    return [(p.file, p.line, p.message) for p in result.errors if p.code == "golden"]


def test_the_seed_goldens_pass(knowledge: Path, tmp_path: Path) -> None:
    assert _golden_errors(knowledge, tmp_path) == []


def test_a_wrong_golden_fails_naming_the_case_and_the_figure(
        knowledge: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = knowledge / "cases" / "estimates.yaml"
    text = cases.read_text(encoding="utf-8")
    anchor = f"- name: {CENTRE_CASE}\n"
    head, tail = text.split(anchor)
    cases.write_text(head + anchor + tail.replace("total_yuan: 2000000", "total_yuan: 3000000", 1),
                     encoding="utf-8")
    line = line_of(cases, CENTRE_CASE)
    errors = _golden_errors(knowledge, tmp_path)
    assert [(f, n) for f, n, _ in errors] == [("knowledge/cases/estimates.yaml", line)]
    message = errors[0][2]
    assert message.startswith("估算标准答案不符：“" + CENTRE_CASE)
    assert "合计为200万元，标准答案为300万元" in message and "按2024-06-01" in message
    code, out, err = run_cli(["--knowledge", str(knowledge), "kb", "check", "--no-cases",
                              "--as-of", AS_OF.isoformat()], capsys)
    assert code == 1 and f"knowledge/cases/estimates.yaml:{line}: 估算标准答案不符" in out
    assert "检查未通过" in err


def test_a_new_document_that_changes_an_asserted_figure_fails_the_check(
        knowledge: Path, tmp_path: Path) -> None:
    (knowledge / "policies" / "weizhengbanzi-2023-9.md").write_text(REPLACING_106,
                                                                  encoding="utf-8")
    errors = _golden_errors(knowledge, tmp_path)
    named = {message.split("”")[0].removeprefix("估算标准答案不符：“") for _, _, message in errors}
    assert CENTRE_CASE in named  # 2024-06-01: 106号 replaced, 107号 repealed → nothing
    centre = next(m for _, _, m in errors if CENTRE_CASE in m)
    assert "合计为0元，标准答案为200万元" in centre
    assert all(f == "knowledge/cases/estimates.yaml" and n for f, n, _ in errors)
