"""What a question asks about beside its subject (index.answering.focus)."""

from __future__ import annotations

import pytest

from index.answering.focus import unstated_focus

CLAUSE = ("对认定为星创天地的，择优给予100万元奖励。"
          "对工作成效好的科技特派员择优给予不低于10万元的研发支持。")
KNOWN = ["星创天地", "科技特派员", "特派员", "认定", "奖励", "支持"]


@pytest.mark.parametrize(("question", "focus"), [
    ("特派员得干满几年", "干满"),
    ("星创天地认定要有多大场地", "场地"),
    ("星创天地的运营团队需要几个人", "运营团队需"),
])
def test_a_focus_the_clauses_do_not_hold(question: str, focus: str) -> None:
    assert unstated_focus(question, [CLAUSE], KNOWN) == focus


@pytest.mark.parametrize("question", [
    "星创天地给多少奖励",  # only the subject and question words: nothing else asked
    "特派员的研发支持最低多少",  # 研发 is in the clause
    "认定为星创天地是择优给的吗",  # 择优 is in the clause
    "星创天地现在还能给奖励吗",  # when and whether still: asked of the subject
    "星创天地当时给多少奖励",
])
def test_a_focus_the_clauses_hold_or_none(question: str) -> None:
    assert unstated_focus(question, [CLAUSE], KNOWN) == ""
