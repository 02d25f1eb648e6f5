"""``kb check`` over replacement declarations: unknown 文号, self-replacement and loops are
errors at the declaring key's file:line, in Chinese; the loader ignores a loop."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from cli_runner import line_of, run_cli

from bot.staff.check import audit
from knowledge.awards.calculator import evaluate
from knowledge.awards.loading import load_rules
from knowledge.sources.base import load_knowledge

AS_OF = date(2026, 11, 24)
P106 = "policies/weizhengbanzi-2018-106.md"
P32 = "policies/weizhengbanfa-2018-32.md"


def _declare(path: Path, line: str) -> int:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("source: ", f"{line}\nsource: ", 1), encoding="utf-8")
    return line_of(path, line)


def _errors(knowledge: Path, tmp_path: Path, code: str) -> list[tuple[str, int | None, str]]:
    result = audit(knowledge, tmp_path / "data", as_of=AS_OF, run_cases=False)
    return [(p.file, p.line, p.message) for p in result.errors if p.code == code]


@pytest.mark.parametrize(
    ("key_line", "text"),
    [("supersedes: [威政发〔2010〕1号]", "supersedes 写的 威政发〔2010〕1号 不在知识库中"),
     ("superseded_by: 威政办字〔2030〕1号", "superseded_by 写的 威政办字〔2030〕1号 不在知识库中")],
    ids=["supersedes", "superseded-by"],
)
def test_an_unknown_document_is_a_located_error(knowledge: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                key_line: str, text: str) -> None:
    line = _declare(knowledge / P106, key_line)
    assert _errors(knowledge, tmp_path, "supersedes_unknown") == [
        (f"knowledge/{P106}", line,
         f"{text}（替代关系被忽略）：请核对文号，或先用 policybot kb add 加入该文件")]
    code, out, _ = run_cli(["--knowledge", str(knowledge), "kb", "check", "--no-cases",
                            "--as-of", AS_OF.isoformat()], capsys)
    assert code == 1 and f"knowledge/{P106}:{line}: {text}" in out


def test_a_self_replacement_is_a_located_error(knowledge: Path, tmp_path: Path) -> None:
    line = _declare(knowledge / P106, "supersedes: [威政办字〔2018〕106号]")
    errors = _errors(knowledge, tmp_path, "metadata")
    assert [(f, n) for f, n, _ in errors] == [(f"knowledge/{P106}", line)]
    assert "不能替代自身" in errors[0][2]


def test_a_loop_is_a_located_error_and_replaces_nothing(knowledge: Path,
                                                        tmp_path: Path) -> None:
    line_106 = _declare(knowledge / P106, "supersedes: [威政办发〔2018〕32号]")
    line_32 = _declare(knowledge / P32, "supersedes: [威政办字〔2018〕106号]")
    errors = _errors(knowledge, tmp_path, "supersedes_cycle")
    assert sorted((f, n) for f, n, _ in errors) == sorted(
        [(f"knowledge/{P106}", line_106), (f"knowledge/{P32}", line_32)])
    assert all("替代关系成环" in m and "威政办字〔2018〕106号 → 威政办发〔2018〕32号" in m
               for _, _, m in errors)
    # the loader ignores the loop: neither is replaced, and their awards still count
    kb = load_knowledge(knowledge)
    assert {kb.document(n).validity(AS_OF) for n in  # type: ignore[union-attr]
            ("威政办字〔2018〕106号", "威政办发〔2018〕32号")} == {"unstated"}
    assert any("替代关系成环" in w for w in kb.warnings)
    rules = load_rules(knowledge / "rules", kb.clause, kb.document)
    facts = {"applicant_types": ["enterprise"], "platform_titles": ["tech_centre_city_pilot"]}
    assert evaluate(rules, facts, AS_OF, ["d106_tech_centre_city_enterprise"]).total_yuan == (
        2_000_000)
