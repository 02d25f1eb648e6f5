"""An award no rule encodes yet, end to end: quoted with its own terms (not every figure of
its sentence), and an eligibility question on it says what the clause grants, never
"暂不符合" — through ``policybot ask --json`` and the Telegram application."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_cli

pytestmark = pytest.mark.slow

DOC = """---
doc_number: 威科字〔2026〕7号
title: 威海市科学技术局关于支持企业加大研发投入的通知
issuer: 威海市科学技术局
issued: 2026-01-10
effective_from: 2026-02-01
effective_until: 2028-12-31
source: 测试
---
一、支持企业加大研发投入。对年销售收入500万元以上的企业，按研发投入的2%给予补助，最高40万元。

二、本通知自2026年2月1日起施行，有效期至2028年12月31日。
"""
TERMS = "研发投入的2%，最高40万元（500万元以上）"
AMOUNT = "我们企业加大研发投入，研发投入补助能补多少？"
ELIGIBILITY = "我们企业加大研发投入有补助吗？"


@pytest.fixture
def kb_copy(tmp_path: Path, knowledge_dir: Path, hash_data_dir: Path) -> tuple[Path, Path]:
    root = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, root, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (root / "policies" / "weikezi-2026-7.md").write_text(DOC, encoding="utf-8")
    return root, Path(shutil.copytree(hash_data_dir, tmp_path / "index"))


def _ask(kb_copy: tuple[Path, Path], question: str, capsys: Any) -> dict[str, Any]:
    root, data = kb_copy
    code, out, err = run_cli(["--knowledge", str(root), "--data-dir", str(data), "--embedder",
                              "hash", "ask", question, "--json", "--as-of", "2026-06-01"],
                             capsys)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def test_an_unencoded_award_is_quoted_with_its_own_terms(kb_copy: tuple[Path, Path],
                                                         capsys: Any) -> None:
    result = _ask(kb_copy, AMOUNT, capsys)
    items = [i for i in result["estimate"]["items"] if i["outcome"] == "not_encoded"]
    assert [i["figure"] for i in items] == [TERMS]
    assert f"原文规定{TERMS}（尚未编入估算规则，以原文为准）" in result["answer_text"]
    assert "500万元、40万元" not in result["answer_text"]


def test_eligibility_on_an_unencoded_award_says_what_the_clause_grants(
        kb_copy: tuple[Path, Path], capsys: Any, hash_embedder: Any, tmp_path: Path) -> None:
    from harness import Running, with_bot

    from bot.conversation.store import SQLiteStore
    from index.answering.engine import Engine

    result = _ask(kb_copy, ELIGIBILITY, capsys)
    assert result["intent"] == "eligibility"
    lead = result["answer_text"].splitlines()[0]
    assert lead.startswith("结论：文件规定") and f"{TERMS}（尚未编入估算规则）" in lead
    assert "暂不符合" not in result["answer_text"]

    store = SQLiteStore(tmp_path / "state.sqlite3")
    engine = Engine(*kb_copy, embedder=hash_embedder)

    async def scenario(bot: Running) -> str:
        await bot.say(61, "/asof 2026-06-01")
        sent = await bot.say(61, ELIGIBILITY)
        return str(sent[0].params["text"])

    try:
        html = with_bot(tmp_path, engine, store, scenario)
    finally:
        store.close()
    assert f"{TERMS}（尚未编入估算规则）" in html and "暂不符合" not in html
