"""``policybot kb check`` on canned questions: known failures, regressions, fixed entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from cli_runner import line_of, run_cli

from bot.staff.cases import known_failures_path, load_known_failures
from knowledge.errors import KnowledgeError

REPO = Path(__file__).resolve().parents[3]
AS_OF = date(2026, 11, 24)







# -- the known-failures file ---------------------------------------------------------------


def test_load_known_failures(tmp_path: Path) -> None:
    path = known_failures_path(tmp_path / "knowledge")
    assert path == tmp_path / "knowledge" / "cases" / "known_failures.yaml"
    assert load_known_failures(path) == {}  # no file yet: nothing is known
    path.parent.mkdir(parents=True)
    path.write_text("# comment\nq300: 前 5 条结果中没有期望的条款\n7: 1\n", encoding="utf-8")
    assert load_known_failures(path) == {"q300": "前 5 条结果中没有期望的条款", "7": "1"}


@pytest.mark.parametrize(
    ("body", "line"), [("q1: [unclosed\n", 2), ("- q1\n- q2\n", 1)], ids=["yaml", "list"]
)
def test_load_known_failures_reports_file_and_line(tmp_path: Path, body: str, line: int) -> None:
    path = tmp_path / "known_failures.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_known_failures(path)
    assert (caught.value.file, caught.value.line) == (str(path), line)


# -- canned questions (the session's USE index, copied) ---------------------------------------

KEPT_CASES = 40  # the check on a sample of the canned questions; tests/test_canned.py has all


def keep_a_sample(questions: Path, known_failures: Path, n: int = KEPT_CASES) -> None:
    """Cut the copy's questions.yaml to its first ``n`` entries and those known to fail
    (comments and line layout kept, so file:line reports stay meaningful)."""
    import re

    known = set(known_failures.read_text(encoding="utf-8").split())  # "q300:" tokens
    text = questions.read_text(encoding="utf-8")
    head, *entries = re.split(r"(?m)^(?=- id: )", text)
    kept = [e for i, e in enumerate(entries)
            if i < n or f"{e.split()[2]}:" in known]
    assert len(kept) > n  # a known failure is among them
    questions.write_text(head + "".join(kept), encoding="utf-8")

NEW_CASE = """
- id: q900
  question: "货物出口报关需要准备哪些材料？"
  expect:
    - {doc_number: 威政办字〔2018〕107号, clause_contains: 市级试点技术创新中心}
  tags: [direct]
"""


@pytest.mark.slow
def test_check_reports_canned_questions_that_now_fail(
    knowledge_copy: Path, built_copy: Path, shared_use_model: object, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    knowledge = knowledge_copy
    keep_a_sample(knowledge / "cases" / "questions.yaml",
                  knowledge / "cases" / "known_failures.yaml")
    data = built_copy
    argv = ["--knowledge", str(knowledge), "--data-dir", str(data), "kb", "check",
            "--as-of", AS_OF.isoformat()]
    # Record today's failures as the baseline, then the check passes on cases.
    code, out, err = run_cli([*argv, "--update-known-failures"], capsys)
    known = knowledge / "cases" / "known_failures.yaml"
    assert known.is_file() and "登记为已知问题" in out
    code, out, err = run_cli(argv, capsys)
    assert not [row for row in out.splitlines() if "预设问题" in row], out
    assert "预设问题" in err and "通过" in err

    questions = knowledge / "cases" / "questions.yaml"
    with questions.open("a", encoding="utf-8") as handle:
        handle.write(NEW_CASE)
    line = line_of(questions, "- id: q900")
    code, out, err = run_cli(argv, capsys)
    assert code == 1
    rows = [r for r in out.splitlines() if r.startswith(f"knowledge/cases/questions.yaml:{line}: ")]
    assert rows and "q900" in rows[0] and "未通过" in rows[0], out

    report = tmp_path / "report.html"
    code, out, _ = run_cli(["--knowledge", str(knowledge), "--data-dir", str(data), "kb", "report",
                        "--as-of", AS_OF.isoformat(), "--output", str(report)], capsys)
    html = report.read_text(encoding="utf-8")
    assert code == 0 and 'class="case-fail"' in html and "q900" in html

    # Accepting the failure as known makes the check pass again ...
    code, out, err = run_cli([*argv, "--update-known-failures"], capsys)
    assert "q900:" in known.read_text(encoding="utf-8")
    code, out, err = run_cli(argv, capsys)
    assert code == 0, out + err
    assert "个已知问题" in err
    # ... and once the question is gone, -v hints that the entry can go too.
    questions.write_text(questions.read_text(encoding="utf-8").replace(NEW_CASE, ""), "utf-8")
    code, out, err = run_cli([*argv, "-v"], capsys)
    assert code == 0
    assert "knowledge/cases/known_failures.yaml: " in out and "q900" in out


# -- a failing canned question shows what came back ----------------------------------------


@pytest.mark.parametrize(
    ("matched", "hits", "shown"),
    [(True, [("威政办字〔2018〕106号", "二、（一）1.", "别的条款")],
      "威政办字〔2018〕106号 二、（一）1."),
     (False, [], "未匹配"),
     (False, [("威政办字〔2018〕106号", "序言", "别的条款")],
      "未匹配（最接近：威政办字〔2018〕106号 序言）")],
    ids=["wrong-clause", "unmatched", "unmatched-with-hits"],
)
def test_failing_canned_question_shows_what_came_back(
        tmp_path: Path, matched: bool, hits: list[tuple[str, str, str]], shown: str) -> None:
    from bot.staff.audit import Audit
    from bot.staff.cases import _answer_fn, summarize_cases
    from knowledge.goldens.questions import CannedQuestion, Expectation, score

    class Hit:
        def __init__(self, doc: str, path: str, text: str) -> None:
            self.doc_number, self.clause_path, self.text = doc, path, text

    class Result:
        def __init__(self) -> None:
            self.matched, self.hits = matched, [Hit(*h) for h in hits]

    class Engine:
        def ask(self, question: str, top_k: int) -> Result:
            return Result()

    knowledge = tmp_path / "knowledge"
    (knowledge / "cases").mkdir(parents=True)
    questions_file = knowledge / "cases" / "questions.yaml"
    questions_file.write_text("- id: q1\n", encoding="utf-8")
    q = CannedQuestion("q1", "市级试点技术创新中心补助多少？",
                       (Expectation("威政办字〔2018〕107号", "市级试点技术创新中心"),),
                       file=str(questions_file), line=1)
    came_back: dict[str, str] = {}
    metrics = score([q], _answer_fn(Engine(), came_back), k=5)
    result = Audit(knowledge, AS_OF)
    summary = summarize_cases(result, [q], metrics, {}, came_back)
    assert summary.failures[0]["came_back"] == shown
    [found] = [p for p in result.problems if p.code == "case_failed"]
    assert found.location == "knowledge/cases/questions.yaml:1"
    assert f"实际返回：{shown}" in found.message
    assert "clause_contains" in found.message and "--update-known-failures" in found.message
