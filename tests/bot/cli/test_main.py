"""The ``policybot`` console script: the CLI contract other issues and CI rely on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import build_parser, main

pytestmark = pytest.mark.slow

POLICYBOT = str(Path(sys.executable).with_name("policybot"))


def run(args: list[str], data_dir: Path, stdin: str | None = None,
        knowledge: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, POLICYBOT_DATA_DIR=str(data_dir))
    if knowledge is not None:
        env["POLICYBOT_KNOWLEDGE_DIR"] = str(knowledge)
    return subprocess.run([POLICYBOT, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=300, check=False)


def test_ask_json_contract(built_data_dir: Path) -> None:
    proc = run(["ask", "国家级科技企业孵化器奖励多少", "--json", "--top-k", "3"], built_data_dir)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["matched"] is True
    assert 1 <= len(result["hits"]) <= 3
    assert {"doc_number", "title", "clause_path", "text", "score", "in_force"} <= set(
        result["hits"][0])
    assert result["estimate"] is not None or "estimate" in result


def test_ask_as_of_controls_validity(built_data_dir: Path) -> None:
    question = "技术转移服务机构按合同成交额3%补助"
    early = json.loads(run(["ask", question, "--json", "--as-of", "2020-01-01"],
                           built_data_dir).stdout)
    late = json.loads(run(["ask", question, "--json", "--as-of", "2026-01-01"],
                          built_data_dir).stdout)
    assert early["hits"][0]["doc_number"] == "威科字〔2018〕58号"
    assert early["hits"][0]["in_force"] is True
    assert late["hits"][0]["in_force"] is False


def test_ask_plain_text_prints_answer(built_data_dir: Path) -> None:
    proc = run(["ask", "星创天地有什么支持"], built_data_dir)
    assert proc.returncode == 0
    assert "星创天地" in proc.stdout
    assert "条款" in proc.stdout


def test_jsonl_one_object_per_line_in_order(built_data_dir: Path) -> None:
    lines = ["孵化器奖励", "", "😀", "\x01\x02", "<b>技术创新中心</b>", "签证怎么办", "x" * 10_000]
    proc = run(["ask", "--jsonl"], built_data_dir, stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert len(out) == len(lines)
    objects = [json.loads(line) for line in out]
    assert [o["question"] for o in objects] == lines
    assert objects[0]["matched"] is True
    assert objects[5]["matched"] is False


def test_missing_index_is_built_on_first_use(tmp_path: Path) -> None:
    proc = run(["ask", "大学科技园", "--json"], tmp_path / "fresh")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["matched"] is True
    assert (tmp_path / "fresh" / "index").is_dir()


def test_index_build_is_incremental(tmp_path: Path, knowledge_dir: Path) -> None:
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    data = tmp_path / "data"
    first = run(["index", "build"], data, knowledge=kdir)
    assert first.returncode == 0, first.stderr
    assert "复用 0 个" in first.stdout
    second = run(["index", "build"], data, knowledge=kdir)
    assert "新嵌入 0 个" in second.stdout


def test_rules_json_lists_facts(built_data_dir: Path) -> None:
    proc = run(["rules", "--json"], built_data_dir)
    rules = json.loads(proc.stdout)["rules"]
    assert len(rules) >= 40
    assert all(r["facts"] is not None and r["citations"] for r in rules)


def test_estimate_profile_overview(built_data_dir: Path, tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"applicant_types": ["enterprise"],
                                 "platform_titles": ["tech_centre_city_pilot"]}),
                     encoding="utf-8")
    proc = run(["estimate", "--facts", str(facts), "--as-of", "2024-06-01", "--json"],
               built_data_dir)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["total_yuan"] == 2_000_000
    outcomes = {i["outcome"] for i in result["items"]}
    assert {"eligible", "need_info"} <= outcomes
    text = run(["estimate", "--facts", str(facts), "--as-of", "2024-06-01"], built_data_dir)
    assert "符合条件" in text.stdout and "200万元" in text.stdout


@pytest.mark.parametrize(
    ("content", "fragment"),
    [("not json", "无法读取事实文件"), ("[1, 2]", "JSON 对象"),
     ('{"registered_tech_purchase_yuan": -5}', "registered_tech_purchase_yuan")],
    ids=["not-json", "not-object", "negative"],
)
def test_estimate_bad_facts_are_refused(built_data_dir: Path, tmp_path: Path, content: str,
                                        fragment: str) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(content, encoding="utf-8")
    proc = run(["estimate", "--facts", str(facts)], built_data_dir)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert fragment in proc.stderr


def test_broken_knowledge_names_file_and_line(tmp_path: Path, knowledge_dir: Path) -> None:
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    policy = next((kdir / "policies").glob("*107*.md"))
    text = policy.read_text(encoding="utf-8").replace("issued: 2018-11-27", "issued: 2018-13-45")
    policy.write_text(text, encoding="utf-8")
    proc = run(["ask", "孵化器"], tmp_path / "data", knowledge=kdir)
    assert proc.returncode == 2
    assert f"{policy.name}:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("index", "ask", "rules", "estimate", "chat", "serve", "kb"):
        assert command in out
    assert build_parser().prog == "policybot"


def test_help_reference_is_current() -> None:
    """docs/help.md is generated from --help; regenerate with scripts/gen_help.py."""
    from bot.cli.main import help_markdown

    doc = Path(__file__).resolve().parents[2] / "docs" / "help.md"
    assert doc.read_text(encoding="utf-8") == help_markdown()


def test_unexpected_error_is_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(args: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr("bot.cli.main.cmd_rules", boom)
    monkeypatch.delenv("POLICYBOT_DEBUG", raising=False)
    assert main(["rules"]) == 1
    err = capsys.readouterr().err
    assert "disk full" in err and "Traceback" not in err
