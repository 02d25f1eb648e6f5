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

from knowledge.cases import (
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

# Measured with the default embedder (USE multilingual v3) on the seed knowledge over
# q001-q169 (Engine.ask; 146 in scope, 23 out of scope); the floors are a little below.
# History: 0.966 / 1.000 / 0.980 / 23 of 23 with the earlier calibration.  Re-measured after
# sentence-level dense vectors and the domain gate (weights, thresholds fitted on odd ids
# <= q169 only, scripts/bench_retrieval.py): recall@1 0.959, recall@5 0.986, MRR 0.970,
# out-of-scope 23/23.  The drop is two English in-scope questions (q004, q112, both
# held out) that the domain gate now leaves unmatched; the gate rejects 10 more held-out
# out-of-scope questions (38/40 over all 202, see test_all_out_of_scope_questions).
# Re-measured after phrase vectors and the joint fit of the dense composition and ranking
# weight (index.retriever.CALIBRATIONS): recall@1 0.966, recall@5 1.000, MRR 0.981,
# out-of-scope 23/23, in-scope unmatched 0.
MEASURED = {"recall_at_1": 0.966, "recall_at_5": 1.000, "mrr": 0.981, "oos_accuracy": 1.000}
FLOORS = {"recall_at_1": 0.95, "recall_at_5": 0.98, "mrr": 0.965, "oos_accuracy": 0.95}
# Out-of-scope questions of the whole set (held-out ones included) rejected by Engine.ask:
# measured 38 of 40 (q200, q201 still matched; tests/index/test_retriever.py).
ALL_OOS_FLOOR = 0.92
FLOORED_UP_TO = 169  # question number; later questions are held out


@pytest.fixture(scope="session")
def canned() -> list[CannedQuestion]:
    return load_questions(QUESTIONS)


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One engine over the repository's knowledge, its index built once in a temp dir."""
    from bot.engine import Engine

    eng = Engine(KNOWLEDGE, tmp_path_factory.mktemp("canned-index"))
    eng.warm_up()
    return eng


def test_expectations_exist_in_knowledge(canned: list[CannedQuestion]) -> None:
    """Every fragment is in some clause of its document, else the file (not retrieval) is wrong."""
    from knowledge.base import load_knowledge

    kb = load_knowledge(KNOWLEDGE)
    paths = {(c.doc_number, c.path) for c in kb.clauses}
    clauses = [(doc, kb.clause(doc, path) or "") for doc, path in sorted(paths)]
    bad = unknown_fragments(canned, clauses)
    assert not bad, "\n".join(
        f"{q.file}:{q.line}: {q.id}: no clause of {e.doc_number} contains {e.clause_contains!r}"
        for q, e in bad
    )


def engine_answer(engine: Any) -> Any:
    def answer(question: str) -> tuple[bool, Sequence[Hit]]:
        result = engine.ask(question, top_k=TOP_K)
        hits: list[Hit] = []
        for h in result["hits"]:
            # The hit names the clause; compare against the whole clause, not one chunk.
            full = engine.clause_text(h["doc_number"], h["clause_path"])
            hits.append((h["doc_number"], full or h["text"]))
        return bool(result["matched"]), hits

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
    engine: Any, canned: list[CannedQuestion], capsys: pytest.CaptureFixture[str]
) -> None:
    floored = [q for q in canned if int(q.id[1:]) <= FLOORED_UP_TO]
    m = score(floored, engine_answer(engine), k=TOP_K)
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
def test_all_out_of_scope_questions(engine: Any, canned: list[CannedQuestion]) -> None:
    """Out-of-scope questions of the whole set, held-out ones included, are rejected."""
    oos = [q for q in canned if not q.in_scope]
    m = score(oos, engine_answer(engine), k=TOP_K)
    assert m.oos_total >= 40
    assert m.oos_accuracy >= ALL_OOS_FLOOR, format_failures(m)


@pytest.mark.slow
def test_hybrid_not_behind_single_retrievers(engine: Any, canned: list[CannedQuestion]) -> None:
    """Hybrid ranking beats dense-only, and BM25-only on MRR (all in scope).

    Strictly ahead of BM25 on recall@1 is the product goal but not reached (measured tie,
    0.944 both; MRR 0.970 vs 0.967; calibration half 0.959 both, MRR 0.980 vs 0.977).
    In each of BM25's three calibration misses (q057, q099, q135) a wrong clause beats
    every acceptable one on the lexical score *and* on every dense score measured (whole
    chunk, best sentence, best phrase, and the shipped mix), so no fusion monotone in both
    scores can put an acceptable clause first (scripts/bench_retrieval.py --failures).
    """
    snap = getattr(engine, "snapshot", None)
    retriever = snap.retriever
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
    assert hybrid.recall_at_1 >= bm25.recall_at_1 and hybrid.mrr > bm25.mrr
