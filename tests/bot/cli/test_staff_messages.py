"""Staff tools say what happened: kb check quotes the original text, shows its progress and
no stale hint; kb add makes no promise it cannot keep; a reload names the documents it
added, changed or removed (the terminal user is the operator)."""

from __future__ import annotations

import io
from pathlib import Path

import alert_docs
import pytest
from cli_runner import run_cli
from recording import RecordingEngine

from bot.cli.chat import run_chat
from bot.conversation.store import SQLiteStore

QUOTE_58 = "quote: 采取“一事一议”的方式，最高给予不超过50万元的奖励"
CONFLICT_DOC = """---
doc_number: 威科发〔2026〕5号
title: 威海市科学技术局关于支持创新平台建设的若干措施
issuer: 威海市科学技术局
issued: 2026-02-01
effective_until: 2028-12-31
source: 测试
---
一、支持国家级技术创新中心建设
对新认定的国家级技术创新中心，给予一次性奖励500万元。
"""


def test_closest_passage_is_the_original_text(knowledge: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rules = knowledge / "rules" / "weikezi-2018-58.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        QUOTE_58, QUOTE_58.replace("50万元", "60万元"), 1), encoding="utf-8")
    code, out, _ = run_cli(["kb", "check", "--no-cases", "--knowledge", str(knowledge),
                            "--data-dir", str(tmp_path / "data")], capsys)
    assert code == 1
    shown = out.split("最接近的一段是：“", 1)[1].split("——", 1)[0]
    assert "方式，最高给予不超过50万元的奖励" in shown, shown  # full-width ， as in the file
    assert "," not in shown


def test_kb_check_verbose_has_no_stale_hint(knowledge: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    # another figure for an encoded award: a likely-conflict warning
    (knowledge / "policies" / "weikefa-2026-5.md").write_text(CONFLICT_DOC, encoding="utf-8")
    argv = ["kb", "check", "--no-cases", "--knowledge", str(knowledge),
            "--data-dir", str(tmp_path / "data"), "--as-of", "2026-06-01"]
    _, _, err = run_cli(argv, capsys)
    assert "条提示（加 -v 查看）" in err  # the case tested: there are warnings
    _, _, err = run_cli([*argv, "-v"], capsys)
    assert "条提示" in err and "加 -v 查看" not in err


def test_kb_check_shows_progress_on_the_canned_questions(
        knowledge: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run_cli(["kb", "check", "--knowledge", str(knowledge), "--embedder", "hash",
                         "--data-dir", str(tmp_path / "data")], capsys)
    lines = [line for line in err.splitlines() if "预设问题" in line]
    assert lines[0].startswith("正在检查") and "个预设问题" in lines[0]
    total = lines[0].split("正在检查 ")[1].split(" ")[0]
    assert f"已检查 {total}/{total}" in err and len(lines) >= 5


def test_kb_add_promises_no_minute(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kdir = tmp_path / "knowledge"
    (kdir / "policies").mkdir(parents=True)
    source = tmp_path / "new.md"
    source.write_text(alert_docs.MATCHING, encoding="utf-8")
    code, out, _ = run_cli(["kb", "add", str(source), "--knowledge", str(kdir)], capsys)
    assert code == 0 and "已" in out
    assert "一分钟" not in out and "几秒内" in out


def test_reload_names_the_documents_added_changed_and_removed(
        own_engine: RecordingEngine, store: SQLiteStore) -> None:
    kdir = own_engine.knowledge_dir
    alert_docs.add(kdir, "weikezi-2026-9.md", alert_docs.MATCHING)
    plan = kdir / "policies" / "weikezi-2018-58.md"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n附：本计划由市科技局负责解释。\n",
                    encoding="utf-8")
    (kdir / "policies" / "weizhengbanzi-2018-107.md").unlink()
    rules = kdir / "rules" / "weizhengbanzi-2018-107.yaml"
    if rules.exists():
        rules.unlink()
    out = io.StringIO()
    run_chat(own_engine, store, io.StringIO("/reload\n"), out)
    text = out.getvalue()
    assert "新增文件：\n• 威科字〔2026〕9号《威海市科学技术局关于支持企业购买技术成果" in text
    assert "修改的文件：\n• 威科字〔2018〕58号《" in text
    assert "删除的文件：\n• 威政办字〔2018〕107号《" in text
    assert "新计算向量" not in text


def test_kb_report_one_colour_word_and_count_for_unstated_validity(
        knowledge_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "report.html"
    code, _, _ = run_cli(["kb", "report", "--no-cases", "--knowledge", str(knowledge_copy),
                          "--data-dir", str(tmp_path / "data"), "--as-of", "2024-06-01",
                          "--output", str(output)], capsys)
    html = output.read_text(encoding="utf-8")
    assert code == 0
    badges = html.count('<span class="badge unstated">未载明有效期</span>')
    bars = html.count('<g class="doc-bar unstated"')
    assert badges == bars == 2  # 106号 and 32号: no end date (107号 repealed 2023-04-07)
    assert f'<b id="unstated-count">{badges}</b><span>未载明有效期</span>' in html
    assert "现行有效" not in html and "长期" not in html
    assert html.count('fill="#fab005"') == bars  # one colour for them, in every view


@pytest.mark.parametrize("argv", [
    [], ["ask"], ["rules"], ["estimate"], ["chat"], ["serve"], ["index"], ["index", "build"],
    ["kb"], ["kb", "add"], ["kb", "check"], ["kb", "report"]],
    ids=lambda argv: " ".join(argv) or "policybot")
def test_help_is_chinese_for_every_staff_command(argv: list[str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli([*argv, "--help"], capsys)
    assert code == 0
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "[default:",
                    "knowledge folder", "judge validity"):
        assert english not in out, (english, out)
    assert out.startswith("用法：policybot") and "选项：" in out
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    described = [line for line in lines if line.startswith("--") or line.startswith("-h")]
    for line in described:  # every option says what it does in Chinese
        assert any("\u4e00" <= ch <= "\u9fff" for ch in line) or line.endswith(
            ("DIR", "SPEC", "YYYY-MM-DD", "FILE.html", "FILE.json")), line
    summary = lines[1]  # the command's own description, under the usage line
    assert any("\u4e00" <= ch <= "\u9fff" for ch in summary), summary


def test_closest_passage_keeps_a_heading_apart_from_its_text(
        knowledge: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alert_docs.add(knowledge, "weikezi-2026-9.md", alert_docs.MATCHING)
    (knowledge / "rules" / "weikezi-2026-9.yaml").write_text(
        "document:\n  doc_number: 威科字〔2026〕9号\n  issued: 2026-01-05\n"
        "rules:\n  - id: d2026_purchase\n    label: 企业购买技术成果\n    kind: fixed\n"
        "    amount_yuan: 1000000\n    applicant_types: [enterprise]\n    citations:\n"
        "      - clause_path: 一、\n"
        "        quote: 支持企业购买技术成果企业购买技术成果并在外地转化的\n",
        encoding="utf-8")
    _, out, _ = run_cli(["kb", "check", "--no-cases", "--knowledge", str(knowledge),
                         "--data-dir", str(tmp_path / "data")], capsys)
    line = next(line for line in out.splitlines() if "最接近的一段是" in line)
    assert "支持企业购买技术成果 企业购买技术成果并在我市转化的" in line, line
