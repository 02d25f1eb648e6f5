"""Golden questions end to end: retrieval (matched gate) + extraction + calculator.

Every ``question:`` case of ``knowledge/cases/estimates.yaml`` is asked through the real
engine (``Engine.ask``) and its ``estimate`` JSON is checked against the case's
expectations; a few are also piped through the ``policybot ask --jsonl`` console script.
The offline check of the same cases (extraction + calculator, no retrieval) lives in
``tests/knowledge/test_calculator.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_jsonl

from bot.conversation.presenter import answer_json
from knowledge.goldens.estimates import EstimateCase, load_estimate_cases

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
CASES = [c for c in load_estimate_cases(REPO / "knowledge" / "cases" / "estimates.yaml")
         if c.question is not None]


def _item(estimate: dict[str, Any], rule_id: str) -> dict[str, Any] | None:
    """The item of ``rule_id``, also when it was merged into another rule's item."""
    for item in estimate["items"]:
        if item["rule_id"] == rule_id or rule_id in item.get("same_as", []):
            found: dict[str, Any] = item
            return found
    return None


def estimate_problems(estimate: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    """Differences between an ``estimate`` JSON object and a case's ``expect``."""
    problems: list[str] = []
    if "total_yuan" in expect and estimate["total_yuan"] != expect["total_yuan"]:
        problems.append(f"total_yuan {estimate['total_yuan']} != {expect['total_yuan']}")
    if "missing" in expect:
        got_missing = [m["fact"] for m in estimate["missing"]]
        if got_missing != expect["missing"]:
            problems.append(f"missing {got_missing} != {expect['missing']}")
    for text in expect.get("warnings_contain", []):
        if not any(text in w for w in estimate["warnings"]):
            problems.append(f"no warning contains “{text}”: {estimate['warnings']}")
    for rule_id, want in expect.get("items", {}).items():
        problems += _item_problems(estimate, rule_id, want)
    return problems


def _item_problems(estimate: dict[str, Any], rule_id: str, want: dict[str, Any]) -> list[str]:
    """Differences between the item of ``rule_id`` and what the case expects of it."""
    got = _item(estimate, rule_id)
    if want.get("absent"):
        return [] if got is None else [f"{rule_id}: expected no item, got {got['outcome']}"]
    if got is None:
        return [f"{rule_id}: no item in the estimate "
                f"({[i['rule_id'] for i in estimate['items']]})"]
    problems = [f"{rule_id}: {key} {got.get(key)!r} != {want[key]!r}"
                for key in ("outcome", "amount_yuan", "max_yuan", "min_yuan", "in_force")
                if key in want and got.get(key) != want[key]]
    cited = {c["doc_number"] for c in got["citations"]}
    problems += [f"{rule_id}: does not cite {doc}" for doc in want.get("cites", [])
                 if doc not in cited]
    if "missing" in want and got.get("missing", []) != want["missing"]:
        problems.append(f"{rule_id}: missing {got.get('missing', [])} != {want['missing']}")
    hint = want.get("explanation_contains")
    if hint is not None and hint not in got["explanation"]:
        problems.append(f"{rule_id}: explanation “{got['explanation']}” lacks “{hint}”")
    if "failed_contains" in want and not any(
            want["failed_contains"] in f for f in got.get("failed", [])):
        problems.append(f"{rule_id}: failed {got.get('failed')} lacks "
                        f"“{want['failed_contains']}”")
    return problems


def test_there_are_enough_question_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[f"L{c.line}" for c in CASES])
def test_golden_question_end_to_end(engine: Any, case: EstimateCase) -> None:
    today = case.today or case.as_of or date(2025, 6, 1)
    result = answer_json(engine.ask(case.question, as_of=case.as_of, today=today))
    assert result["question"] == case.question
    assert result["matched"], f"{case.name}: retrieval did not match (no estimate)"
    estimate = result["estimate"]
    assert estimate is not None, f"{case.name}: no estimate"
    assert estimate_problems(estimate, case.expect) == [], case.name
    assert result["answer_text"]


# -- the console script ---------------------------------------------------------------------
# Cases whose date is stated in the question (a past year), so the real today does not matter.
_DATED = [c for c in CASES if c.question and any(f"{y}年" in c.question
                                                 for y in (2019, 2020, 2021))]


_YEAR_CASES = _DATED[:8]


@pytest.fixture(scope="module")
def year_and_garbage_run(built_data_dir: Path) -> list[dict[str, Any]]:
    """One ``policybot ask --jsonl`` run shared by two tests: the golden questions with a
    year, then the garbage lines (each test reads its own slice of the output)."""
    lines = [*(c.question or "" for c in _YEAR_CASES), *GARBAGE_LINES]
    return run_jsonl(lines, built_data_dir)


def test_cli_jsonl_golden_questions_with_a_year(
    year_and_garbage_run: list[dict[str, Any]],
) -> None:
    chosen = _YEAR_CASES
    assert len(chosen) >= 5
    results = year_and_garbage_run[: len(chosen)]
    for case, result in zip(chosen, results, strict=True):
        assert result["question"] == case.question
        assert result["estimate"] is not None, case.name
        assert result["estimate"]["total_yuan"] == case.expect["total_yuan"], case.name
        assert estimate_problems(result["estimate"], case.expect) == [], case.name


def test_cli_jsonl_golden_questions_with_as_of(built_data_dir: Path) -> None:
    """Questions without a year, answered at the case's ``today`` through ``--as-of``."""
    chosen = [c for c in CASES if c not in _DATED and c.today == date(2025, 6, 1)
              and not any(w in (c.question or "") for w in ("今年", "去年", "前年"))][:8]
    assert len(chosen) >= 5
    results = run_jsonl([c.question or "" for c in chosen], built_data_dir,
                         "--as-of", "2025-06-01")
    for case, result in zip(chosen, results, strict=True):
        assert result["question"] == case.question
        assert result["as_of"] == "2025-06-01"
        assert result["estimate"] is not None, case.name
        assert result["estimate"]["total_yuan"] == case.expect["total_yuan"], case.name


GARBAGE = [
    "",
    "   ",
    "🙂🚀💰",
    "\x00\x01\x07\x1b[31m红色\x1b[0m\x7f",
    "<script>alert('x')</script><b>星创天地</b>能拿多少？",
    "<html><body><p>&lt;&amp;&gt;</p></body></html>",
    "补" * 10_000,
    "a" * 3000 + "国家级孵化器能奖多少" + "🙂" * 2000 + "b" * 4990,
    "\u200b\u202e\ufeff",
]


SENTINEL = "2020年我们中介机构促成了五项成果转化，合同额两千万元，能补多少？"
GARBAGE_LINES = [*GARBAGE, SENTINEL, ""]


def test_cli_jsonl_survives_garbage_lines(year_and_garbage_run: list[dict[str, Any]]) -> None:
    lines = GARBAGE_LINES
    results = year_and_garbage_run[len(_YEAR_CASES):]  # after the golden questions
    assert len(results) == len(lines)
    for line, result in zip(lines, results, strict=True):
        assert isinstance(result, dict)
        assert {"question", "matched", "hits", "estimate", "answer_text"} <= set(result)
        assert result["question"] == line  # in order, one object per line
        assert isinstance(result["answer_text"], str)
    last = results[len(GARBAGE)]
    assert last["estimate"] is not None
    assert last["estimate"]["total_yuan"] == 500_000
