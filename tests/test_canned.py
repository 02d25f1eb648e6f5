"""Retrieval regression: the real engine over ``knowledge/cases/questions.yaml``.

The floors sit a little below the figures measured when they were set (see
``MEASURED``); raise them when retrieval improves, and never lower one to hide a
regression.  A failing question list with the top hits is printed on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_jsonl

from knowledge.goldens.questions import (
    CannedQuestion,
    Hit,
    Metrics,
    format_failures,
    load_questions,
    score,
    unknown_fragments,
)

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"
QUESTIONS = KNOWLEDGE / "cases" / "questions.yaml"
TOP_K = 5

# Measured with the default embedder (USE multilingual v3) on the seed knowledge over all
# 315 canned questions (Engine.ask; 245 in scope, 70 out of scope); the floors are a
# little below.  Weights and thresholds are fitted on the calibration half only
# (scripts/bench_retrieval.py reports the held-out half apart).
# History, over q001-q169 only: 0.966 / 1.000 / 0.980 / 23 of 23 at first; 0.959 / 0.986 /
# 0.970 after the domain gate; 0.966 / 1.000 / 0.981 after phrase vectors.  Then the blind
# batch q203-q315 joined the set and the calibration was re-fitted on the enlarged half:
MEASURED = {"recall_at_1": 0.939, "recall_at_5": 0.996, "mrr": 0.963, "oos_accuracy": 1.000}
# Every out-of-scope question must stay unmatched (70 of 70; three held-out ones, q216,
# q246, q306, were matched until markers were added to index/domain_terms.txt).
FLOORS = {"recall_at_1": 0.93, "recall_at_5": 0.99, "mrr": 0.955, "oos_accuracy": 1.0}


@pytest.fixture(scope="session")
def canned() -> list[CannedQuestion]:
    return load_questions(QUESTIONS)


def test_expectations_exist_in_knowledge(canned: list[CannedQuestion]) -> None:
    """Every fragment is in some clause of its document, else the file (not retrieval) is wrong."""
    from knowledge.sources.base import load_knowledge

    kb = load_knowledge(KNOWLEDGE)
    paths = {(c.doc_number, c.path) for c in kb.clauses}
    clauses = [(doc, kb.clause(doc, path) or "") for doc, path in sorted(paths)]
    bad = unknown_fragments(canned, clauses)
    assert not bad, "\n".join(
        f"{q.file}:{q.line}: {q.id}: no clause of {e.doc_number} contains {e.clause_contains!r}"
        for q, e in bad
    )


@pytest.fixture(scope="session")
def canned_answers(engine: Any, canned: list[CannedQuestion]) -> dict[str, Any]:
    """Every canned question asked once, in process; the tests below read these answers."""
    return {q.question: engine.ask(q.question, top_k=TOP_K) for q in canned}


def engine_answer(answers: dict[str, Any]) -> Any:
    def answer(question: str) -> tuple[bool, Sequence[Hit]]:
        result = answers[question]
        # Each hit carries its whole clause, not one chunk: compare against that.
        hits: list[Hit] = [(h.doc_number, h.text) for h in result.hits]
        return result.matched, hits

    return answer


def figures(m: Metrics) -> dict[str, float]:
    return {
        "recall_at_1": m.recall_at_1,
        "recall_at_5": m.recall_at_5,
        "mrr": m.mrr,
        "oos_accuracy": m.oos_accuracy,
    }


@pytest.mark.slow
def test_canned_questions_meet_floors(
    canned_answers: dict[str, Any], canned: list[CannedQuestion],
    capsys: pytest.CaptureFixture[str],
) -> None:
    m = score(canned, engine_answer(canned_answers), k=TOP_K)
    got = figures(m)
    with capsys.disabled():
        print(
            f"\ncanned: {m.in_scope_total} in scope, {m.oos_total} out of scope | "
            f"recall@1 {m.recall_at_1:.3f}  recall@{TOP_K} {m.recall_at_5:.3f}  "
            f"MRR {m.mrr:.3f}  out-of-scope {m.oos_correct}/{m.oos_total} "
            f"({m.oos_accuracy:.3f})  in-scope unmatched {m.in_scope_unmatched}"
        )
        if m.failures:
            print(format_failures(m))
    below = {name: (got[name], floor) for name, floor in FLOORS.items() if got[name] < floor}
    assert not below, f"below floor (got, floor): {below}"


@pytest.mark.slow
def test_hybrid_ahead_of_single_retrievers(engine: Any, canned: list[CannedQuestion]) -> None:
    """Hybrid ranking beats dense-only and BM25-only on recall@1 and MRR (all in scope).

    Measured (scripts/bench_retrieval.py): recall@1 hybrid / BM25 / dense 0.939 / 0.931 /
    0.690, MRR 0.963 / 0.955 / 0.795; on the held-out half 0.915 / 0.908 / 0.708 and
    0.948 / 0.940 / 0.808.
    """
    retriever = engine.snapshot.retriever
    in_scope = [q for q in canned if q.in_scope]

    def mode_answer(mode: Any) -> Any:
        def answer(question: str) -> tuple[bool, Sequence[Hit]]:
            hits = retriever.search(question, top_k=TOP_K, mode=mode)
            return True, [
                (h.clause.doc_number, engine.clause_text(h.clause.doc_number, h.clause.path)
                 or h.clause.text)
                for h in hits
            ]

        return answer

    got = {m: score(in_scope, mode_answer(m), k=TOP_K) for m in ("hybrid", "bm25", "dense")}
    hybrid, bm25, dense = got["hybrid"], got["bm25"], got["dense"]
    assert hybrid.recall_at_1 > dense.recall_at_1 and hybrid.mrr > dense.mrr
    assert hybrid.recall_at_1 > bm25.recall_at_1 and hybrid.mrr > bm25.mrr


def contract_sample(canned: list[CannedQuestion]) -> list[CannedQuestion]:
    """Every out-of-scope question and every third in-scope one (about half the suite)."""
    in_scope = [q for q in canned if q.in_scope]
    return [q for q in canned if not q.in_scope or in_scope.index(q) % 3 == 0]


@pytest.mark.slow
def test_console_script_answers_the_canned_suite(
    built_data_dir: Path, canned: list[CannedQuestion], canned_answers: dict[str, Any]
) -> None:
    """The CLI contract end to end: canned questions through ``policybot ask --jsonl``.

    One object per line with the contract's keys; no clause twice among a question's hits;
    every out-of-scope question unmatched, with no hits; and the very answers of the
    engine (matched, cited clauses in order), so the engine's floors hold for the console
    script too.  Run on a sample (:func:`contract_sample`): the whole suite is scored
    through the engine in :func:`test_canned_questions_meet_floors`.
    """
    from knowledge.sources.base import load_knowledge

    kb = load_knowledge(KNOWLEDGE)
    sample = contract_sample(canned)
    assert len(sample) >= 140 and sum(q.in_scope for q in sample) >= 70
    results = run_jsonl([q.question for q in sample], built_data_dir)
    by_question = {}
    for q, result in zip(sample, results, strict=True):
        assert result["question"] == q.question
        assert {"question", "matched", "hits", "estimate", "answer_text"} <= set(result)
        assert isinstance(result["matched"], bool) and result["answer_text"].strip()
        paths = [(h["doc_number"], h["clause_path"]) for h in result["hits"]]
        assert len(paths) == len(set(paths)), (q.id, paths)
        for h in result["hits"]:
            assert {"doc_number", "title", "clause_path", "text", "score", "in_force"} <= set(h)
        if not q.in_scope:
            assert result["matched"] is False and result["hits"] == [], q.id
        same = canned_answers[q.question]
        assert result["matched"] is same.matched, q.id
        assert paths == [(h.doc_number, h.clause_path) for h in same.hits], q.id
        by_question[q.question] = result

    def answer(question: str) -> tuple[bool, Sequence[Hit]]:
        result = by_question[question]
        return bool(result["matched"]), [
            (h["doc_number"], kb.clause(h["doc_number"], h["clause_path"]) or h["text"])
            for h in result["hits"]
        ]

    m = score(sample, answer, k=TOP_K)
    got = figures(m)
    below = {name: (got[name], floor) for name, floor in FLOORS.items() if got[name] < floor}
    assert not below, f"below floor (got, floor): {below}\n{format_failures(m)}"
