"""The README's staff walk-through cannot drift: its blocks, applied to a knowledge copy,
pass ``kb check`` (a misspelt choice fails at the line the README names) and are estimated."""

from __future__ import annotations

import re
import shutil
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.staff.check import audit

REPO = Path(__file__).resolve().parent.parent
SECTION = "### A new document, end to end"


def _blocks() -> tuple[str, str, str, str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(SECTION):readme.index("## Deployment")]
    doc, choice, rule = (textwrap.dedent(b) for b in
                         re.findall(r"```(?:yaml)?\n(.*?)```", section, re.S)[:3])
    return doc, choice, rule, section


def _apply(root: Path, rule_text: str) -> None:
    doc, choice, _, _ = _blocks()
    (root / "policies" / "weikezi-2025-9.md").write_text(doc, encoding="utf-8")
    facts = root / "vocabulary" / "facts.yaml"
    anchor = "      - value: overseas_rnd\n"  # a platform_titles choice
    lines = [line.strip() for line in choice.strip().splitlines()]
    indented = "".join(("      " if line.startswith("- ") else "        ") + line + "\n"
                       for line in lines)
    text = facts.read_text(encoding="utf-8")
    assert anchor in text
    facts.write_text(text.replace(anchor, indented + anchor, 1), encoding="utf-8")
    (root / "rules" / "weikezi-2025-9.yaml").write_text(rule_text, encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for name in ("policies", "rules", "cases", "vocabulary"):
        shutil.copytree(REPO / "knowledge" / name, tmp_path / "knowledge" / name)
    return tmp_path / "knowledge"


def test_misspelt_choice_fails_where_the_readme_says(root: Path, tmp_path: Path) -> None:
    _, _, rule, section = _blocks()
    _apply(root, rule.replace("has: national_key_lab}", "has: national_key_labb}"))
    result = audit(root, tmp_path / "data", as_of=date(2026, 6, 1), run_cases=False)
    shown = re.search(r"`knowledge/rules/weikezi-2025-9\.yaml:(\d+): (规则有误：[^…]+)…", section)
    assert shown is not None
    found = [p for p in result.errors if p.code == "rule"]
    assert [(p.file, p.line) for p in found] == [("knowledge/rules/weikezi-2025-9.yaml",
                                                  int(shown.group(1)))]
    assert found[0].message.startswith(shown.group(2))


@pytest.mark.slow
def test_the_walkthrough_is_checked_and_estimated(root: Path, tmp_path: Path,
                                                  hash_data_dir: Path,
                                                  hash_embedder: Any) -> None:
    from bot.conversation.presenter import answer_json
    from index.answering.engine import Engine

    _, _, rule, section = _blocks()
    _apply(root, rule)
    result = audit(root, tmp_path / "data", as_of=date(2026, 6, 1), run_cases=False)
    assert not result.errors, [p.message for p in result.errors]
    question = re.search(r'policybot ask "([^"]+)" --json', section)
    expected = re.search(r'estimates "([^"]+)"', section)
    assert question is not None and expected is not None
    eng = Engine(root, Path(shutil.copytree(hash_data_dir, tmp_path / "index")),
                 embedder=hash_embedder)
    answer = answer_json(eng.ask(question.group(1), as_of=date(2026, 6, 1)))
    assert expected.group(1) in answer["answer_text"]
    assert answer["estimate"]["total_yuan"] == 5_000_000


REPLACE_SECTION = "### One award replaced, where and when to apply"
REPLACE_QUESTION = "我们企业获批省级技术创新中心，能拿多少？"


def _replace_blocks() -> tuple[str, str, str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index(REPLACE_SECTION)
    section = readme[start:readme.index("## Deployment", start)]
    doc, rule = (textwrap.dedent(b) for b in
                 re.findall(r"```(?:yaml)?\n(.*?)```", section, re.S)[:2])
    return doc, rule, section


def _ask(root: Path, data: Path, question: str, as_of: str, capsys: Any) -> dict[str, Any]:
    import json

    from cli_runner import run_cli

    code, out, err = run_cli(["--knowledge", str(root), "--data-dir", str(data),
                              "--embedder", "hash", "ask", question, "--json",
                              "--as-of", as_of], capsys)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def _item(result: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(i for i in result["estimate"]["items"]
                if rule_id in [i["rule_id"], *i.get("same_as", [])])


@pytest.mark.slow
def test_one_award_replaced_with_where_and_when_to_apply(
        root: Path, tmp_path: Path, hash_data_dir: Path, hash_embedder: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    from cli_runner import run_cli
    from harness import Running, with_bot

    from bot.conversation.store import SQLiteStore
    from index.answering.engine import Engine

    doc, rule, section = _replace_blocks()
    data = Path(shutil.copytree(hash_data_dir, tmp_path / "index"))
    # 1. kb add proposes the replacement and the apply fields
    source = tmp_path / "关于调整省级技术创新中心支持政策的通知.txt"
    source.write_text(doc, encoding="utf-8")
    code, out, err = run_cli(["--knowledge", str(root), "kb", "add", str(source)], capsys)
    assert code == 0, out + err
    assert "replaces: [d106_tech_centre_provincial]" in out and "四、（三）" in out
    assert "office: 所在区市科技局、window: 每年5月31日前" in out
    assert "replaces: [d106_tech_centre_provincial]" in section  # what the README says
    # before the rule: the stopping clause is a notice, never quoted as a grant
    before_rule = _ask(root, data, REPLACE_QUESTION, "2026-06-01", capsys)
    quoted = [i.get("figure", "") for i in before_rule["estimate"]["items"]
              if i["outcome"] == "not_encoded"]
    assert not any("500万元" in f for f in quoted), quoted
    assert any("替代通知" in w for w in before_rule["estimate"]["warnings"])
    stopped = _item(before_rule, "d106_tech_centre_provincial")
    assert stopped["demoted_by"] == "威政办字〔2026〕2号"  # the stopped award is not summed
    assert before_rule["estimate"]["total_yuan"] == 0
    # 2. the rule; 3. kb check passes (goldens included)
    (root / "rules" / "weizhengbanzi-2026-2.yaml").write_text(rule, encoding="utf-8")
    result = audit(root, tmp_path / "data", as_of=date(2026, 6, 1), run_cases=False)
    assert not result.errors, [p.message for p in result.errors]
    # the old award before the new one's date, the new one after, both through ask --json
    old = _ask(root, data, REPLACE_QUESTION, "2025-06-01", capsys)
    item = _item(old, "d106_tech_centre_provincial")
    assert (item["rule_id"], item["amount_yuan"], old["estimate"]["total_yuan"]) == (
        "d106_tech_centre_provincial", 5_000_000, 5_000_000)
    new = _ask(root, data, REPLACE_QUESTION, "2026-06-01", capsys)
    item = _item(new, "d2026_tech_centre_provincial")
    assert (item["rule_id"], item["amount_yuan"], new["estimate"]["total_yuan"]) == (
        "d2026_tech_centre_provincial", 3_000_000, 3_000_000)
    assert [c["doc_number"] for c in item["citations"]][:1] == ["威政办字〔2026〕2号"]
    assert "自2026-01-01起由威政办字〔2026〕2号的新规定替代" in item["explanation"]
    assert (item["office"], item["window"]) == ("所在区市科技局", "每年5月31日前")
    assert item["apply"]["office_source"] == "rule"
    assert "申报：向 所在区市科技局 申报；申报时间：每年5月31日前" in new["answer_text"]
    # the replacing award changed its applicant; the rest of 106号 stands
    university = _ask(root, data, "我们大学获批省级技术创新中心，能拿多少？", "2026-06-01",
                      capsys)
    assert _item(university, "d2026_tech_centre_provincial")["outcome"] == "ineligible"
    assert university["estimate"]["total_yuan"] == 0
    national = _ask(root, data, "我们企业获批国家级技术创新中心，能拿多少？", "2026-06-01",
                    capsys)
    assert national["estimate"]["total_yuan"] == 10_000_000
    # the same through the Telegram application
    store = SQLiteStore(tmp_path / "state.sqlite3")
    engine = Engine(root, data, embedder=hash_embedder)

    async def scenario(bot: Running) -> list[str]:
        out = []
        for day in ("2025-06-01", "2026-06-01"):
            await bot.say(41, f"/asof {day}")
            sent = await bot.say(41, REPLACE_QUESTION)
            out.append(str(sent[0].params["text"]))
        return out

    try:
        before, after = with_bot(tmp_path, engine, store, scenario)
    finally:
        store.close()
    assert before.startswith("<b>可申请 1 项，合计约 500万元</b>")
    assert "届时替代本项规定" in before  # the coming change is said, not summed
    assert after.startswith("<b>可申请 1 项，合计约 300万元</b>")
    assert "向 所在区市科技局 申报；申报时间：每年5月31日前" in after
