"""``policybot kb check``: the canned questions, judged against the known failures.

Canned questions are judged against ``cases/known_failures.yaml``: retrieval is not
perfect, so a question that already failed when the list was recorded
(``kb check --update-known-failures``) is not a new problem; any other failure is.

The results land in the :class:`~bot.staff.check.Audit` of :mod:`bot.staff.check` (problems
and :class:`CaseSummary`), which also feeds ``kb report``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.render import render_text
from bot.staff.audit import Audit, CaseSummary
from knowledge.errors import KnowledgeError, PolicyBotError
from knowledge.goldens.questions import (
    CannedQuestion,
    Hit,
    load_questions,
    score,
    unknown_fragments,
)
from knowledge.sources.base import KnowledgeBase
from knowledge.yamlio import load_yaml

KNOWN_FAILURES = "known_failures.yaml"
Progress = Callable[[int, int], None]
TOP_K = 5


def known_failures_path(knowledge_dir: Path) -> Path:
    return knowledge_dir / "cases" / KNOWN_FAILURES


def load_known_failures(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    root = load_yaml(path, error=KnowledgeError, text_keys=True)
    if root.value is None:
        return {}
    if root.mapping is None:
        raise KnowledgeError(render_text("kb_known_failures_bad.txt.j2"), path, root.line)
    return {k: str(v.plain()) for k, v in root.mapping.items()}


def check_cases(audit: Audit, kb: KnowledgeBase, data_dir: Path,
                embedder_spec: str | None, progress: Progress | None = None) -> None:
    """Canned questions: file validity, expectations that exist, retrieval results;
    ``progress(done, total)`` after each question (and once with 0 before the first)."""
    path = audit.knowledge_dir / "cases" / "questions.yaml"
    if not path.exists():
        return
    try:
        questions = load_questions(path)
        known = load_known_failures(known_failures_path(audit.knowledge_dir))
    except KnowledgeError as exc:
        audit.add_error(exc, "cases")
        return
    paths = sorted({(c.doc_number, c.path) for c in kb.clauses})
    texts = [(doc, kb.clause(doc, p) or "") for doc, p in paths]
    for q, e in unknown_fragments(questions, texts):
        audit.add("case_expectation", q.file, q.line, id=q.id, doc_number=e.doc_number,
                  fragment=e.clause_contains)
    from index.answering.engine import Engine

    engine = Engine(audit.knowledge_dir, data_dir, embedder_spec)
    try:
        engine.warm_up()
    except PolicyBotError as exc:
        audit.add("index", audit.knowledge_dir, None, detail=str(exc))
        return
    came_back: dict[str, str] = {}
    answer = _answer_fn(engine, came_back)
    if progress is not None:
        asked = [0]
        progress(0, len(questions))

        plain = answer

        def counted(question: str) -> tuple[bool, Sequence[Hit]]:
            result: tuple[bool, Sequence[Hit]] = plain(question)
            asked[0] += 1
            progress(asked[0], len(questions))
            return result

        answer = counted
    metrics = score(questions, answer, k=TOP_K)
    audit.cases = summarize_cases(audit, questions, metrics, known, came_back)


def _answer_fn(engine: Any, came_back: dict[str, str] | None = None) -> Any:
    """``score``'s answer function; ``came_back[question]`` records the top hits as
    ``文号 条款`` (or 未匹配) for the failure messages."""
    def answer(question: str) -> tuple[bool, Sequence[Hit]]:
        result = engine.ask(question, top_k=TOP_K)
        if came_back is not None:
            came_back[question] = describe_hits(
                result.matched, [(h.doc_number, h.clause_path) for h in result.hits])
        return result.matched, [(h.doc_number, h.text) for h in result.hits]

    return answer


def describe_hits(matched: bool, hits: Sequence[tuple[str, str]], shown: int = 3) -> str:
    """``威政办字〔2018〕107号 二、（四）1.；…`` of the top hits; 未匹配 when nothing was."""
    top = "；".join(f"{doc} {path}" for doc, path in hits[:shown])
    if not matched:
        return "未匹配" + (f"（最接近：{top}）" if top else "")
    return top or "未匹配"


def summarize_cases(audit: Audit, questions: list[CannedQuestion], metrics: Any,
                    known: dict[str, str], came_back: dict[str, str] | None = None
                    ) -> CaseSummary:
    failed_ids = {f.question.id for f in metrics.failures}
    failures: list[dict[str, Any]] = []
    regressions = 0
    for f in metrics.failures:
        q = f.question
        is_known = q.id in known
        expected = "；".join(f"{e.doc_number} ⊃ {e.clause_contains}" for e in q.expect) \
            or "不应回答（范围外）"
        reason = render_text("kb_case_reason.txt.j2", reason=f.reason, k=metrics.k)
        got = (came_back or {}).get(q.question) or describe_hits(
            f.matched, [(doc, "") for doc, _ in f.hits])
        failures.append({"id": q.id, "question": q.question, "reason": reason,
                         "expected": expected, "file": audit._rel(q.file), "line": q.line,
                         "known": is_known, "came_back": got})
        if not is_known:
            regressions += 1
            audit.add("case_failed", q.file, q.line, id=q.id, question=q.question,
                      reason=reason, expected=expected, came_back=got,
                      in_scope=q.in_scope)
    by_id = {q.id: q for q in questions}
    for qid in sorted(set(known) - failed_ids):
        q = by_id.get(qid)
        audit.add("case_fixed", known_failures_path(audit.knowledge_dir), None,
                  severity="warning", id=qid, exists=q is not None)
    rows = [{"id": q.id, "question": q.question, "ok": q.id not in failed_ids}
            for q in questions]
    return CaseSummary(
        total=len(questions), passed=len(questions) - len(failed_ids), failed=len(failed_ids),
        known=len(failed_ids & set(known)), regressions=regressions,
        recall_at_1=metrics.recall_at_1, recall_at_k=metrics.recall_at_5, mrr=metrics.mrr,
        oos_correct=metrics.oos_correct, oos_total=metrics.oos_total, k=metrics.k,
        failures=failures, rows=rows,
    )


def update_known_failures(audit: Audit) -> Path:
    """Record the canned questions failing now as known failures (the new baseline)."""
    path = known_failures_path(audit.knowledge_dir)
    failures = audit.cases.failures if audit.cases else []
    body = render_text("kb_known_failures.yaml.j2", failures=failures)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body + "\n", encoding="utf-8")
    audit.problems = [p for p in audit.problems if p.code not in ("case_failed", "case_fixed")]
    if audit.cases is not None:
        for f in audit.cases.failures:
            f["known"] = True
        audit.cases.known = audit.cases.failed
        audit.cases.regressions = 0
    return path
