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
    from bot.render import answer_json
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
