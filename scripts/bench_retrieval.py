#!/usr/bin/env python3
"""Retrieval benchmark on the canned questions.

One run reports:

* recall@1, recall@k and MRR of hybrid vs BM25-only vs dense-only ranking
  (``index.retriever.Retriever.search`` modes; ranking only, the match threshold is not
  applied), plus the hybrid row with the threshold applied as the engine does and the
  out-of-scope accuracy;
* cold build time of the knowledge into an empty temp dir (fresh embedder, knowledge
  load, index build) and its parts;
* query latency p50/p95 after warm-up (hybrid ``search`` on each question once, empty
  query cache; and ``Engine.ask`` end to end);
* peak RSS of the process (``resource.getrusage(...).ru_maxrss``).

Prints a Markdown table; ``--json FILE`` also writes the figures as JSON.

    .venv/bin/python scripts/bench_retrieval.py [--knowledge DIR] [--embedder SPEC]
        [--questions FILE] [--json FILE] [--failures]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from index.build import build_index, load_index  # noqa: E402
from index.embedders import make_embedder  # noqa: E402
from index.retriever import Mode, Retriever  # noqa: E402
from knowledge.base import KnowledgeBase, load_knowledge  # noqa: E402
from knowledge.cases import (  # noqa: E402
    CannedQuestion,
    Hit,
    Metrics,
    format_failures,
    load_questions,
    score,
)

MODES: tuple[Mode, ...] = ("hybrid", "bm25", "dense")


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def full_text(kb: KnowledgeBase, doc_number: str, path: str, fallback: str) -> str:
    return kb.clause(doc_number, path) or fallback


def mode_answer(retriever: Retriever, kb: KnowledgeBase, mode: Mode, k: int, gate: bool) -> Any:
    """answer_fn for knowledge.cases.score over one search mode."""

    def answer(question: str) -> tuple[bool, Sequence[Hit]]:
        hits = retriever.search(question, top_k=k, mode=mode)
        matched = retriever.is_match(hits) if gate else True
        pairs = [
            (h.clause.doc_number, full_text(kb, h.clause.doc_number, h.clause.path, h.clause.text))
            for h in hits
        ]
        return matched, pairs

    return answer


def row(name: str, m: Metrics) -> dict[str, Any]:
    return {
        "mode": name,
        "recall_at_1": round(m.recall_at_1, 4),
        "recall_at_k": round(m.recall_at_5, 4),
        "mrr": round(m.mrr, 4),
        "oos_correct": m.oos_correct,
        "oos_total": m.oos_total,
        "in_scope_unmatched": m.in_scope_unmatched,
        "failures": [f.question.id for f in m.failures],
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    questions: list[CannedQuestion] = load_questions(args.questions)
    k = args.k
    result: dict[str, Any] = {
        "questions": len(questions),
        "in_scope": sum(q.in_scope for q in questions),
        "out_of_scope": sum(not q.in_scope for q in questions),
        "k": k,
    }
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        data_dir = Path(tmp) / "data"
        # -- cold build: fresh embedder, knowledge load, index build into an empty dir
        t0 = time.perf_counter()
        embedder = make_embedder(args.embedder)
        warm = getattr(embedder, "warm_up", None)
        if callable(warm):
            warm()
        t1 = time.perf_counter()
        kb = load_knowledge(args.knowledge)
        t2 = time.perf_counter()
        report = build_index(kb, data_dir, embedder, progress=False)
        t3 = time.perf_counter()
        index = load_index(data_dir, embedder)
        t4 = time.perf_counter()
        if index is None:
            raise SystemExit("index could not be loaded after build")
        result["embedder"] = embedder.name
        result["documents"] = len(kb.documents)
        result["chunks"] = len(kb.clauses)
        result["build"] = {
            "cold_total_s": round(t4 - t0, 3),
            "embedder_load_s": round(t1 - t0, 3),
            "knowledge_load_s": round(t2 - t1, 3),
            "index_build_s": round(t3 - t2, 3),
            "index_load_s": round(t4 - t3, 3),
            "embedded": report.embedded,
            "reused": report.reused,
        }

        # -- ranking quality per mode
        retriever = Retriever(index, embedder)
        retriever.warm_up()
        metrics: dict[str, Metrics] = {}
        rows = []
        in_scope = [q for q in questions if q.in_scope]
        for mode in MODES:  # ranking only: in-scope questions, no match threshold
            m = score(in_scope, mode_answer(retriever, kb, mode, k, gate=False), k=k)
            metrics[mode] = m
            rows.append(row(mode, m))
        gated = score(questions, mode_answer(retriever, kb, "hybrid", k, gate=True), k=k)
        metrics["hybrid+threshold"] = gated
        rows.append(row("hybrid+threshold", gated))
        result["modes"] = rows

        # -- latency after warm-up: a fresh retriever, every question once, empty cache
        fresh = Retriever(index, embedder)
        fresh.warm_up()
        timings = []
        for q in questions:
            start = time.perf_counter()
            fresh.search(q.question, top_k=k, mode="hybrid")
            timings.append((time.perf_counter() - start) * 1000)
        result["latency_ms"] = {
            "search_hybrid_p50": round(percentile(timings, 50), 2),
            "search_hybrid_p95": round(percentile(timings, 95), 2),
            "search_hybrid_mean": round(statistics.fmean(timings), 2),
        }
        result["latency_ms"].update(engine_latency(args, data_dir, questions, k))
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["_metrics"] = metrics
    return result


def engine_latency(
    args: argparse.Namespace, data_dir: Path, questions: Sequence[CannedQuestion], k: int
) -> dict[str, float | None]:
    """Engine.ask end to end, reusing the index just built in ``data_dir``."""
    try:
        from bot.engine import Engine
    except ImportError as exc:  # the bot layer is optional for this benchmark
        print(f"(Engine.ask latency skipped: {exc})", file=sys.stderr)
        return {"engine_ask_p50": None, "engine_ask_p95": None}
    engine = Engine(args.knowledge, data_dir, args.embedder)
    engine.warm_up()
    timings = []
    for q in questions:
        start = time.perf_counter()
        engine.ask(q.question, top_k=k)
        timings.append((time.perf_counter() - start) * 1000)
    return {
        "engine_ask_p50": round(percentile(timings, 50), 2),
        "engine_ask_p95": round(percentile(timings, 95), 2),
    }


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def markdown(result: dict[str, Any]) -> str:
    k = result["k"]
    lines = [
        f"Canned set: {result['questions']} questions ({result['in_scope']} in scope, "
        f"{result['out_of_scope']} out of scope); embedder `{result['embedder']}`; "
        f"{result['documents']} documents, {result['chunks']} chunks.",
        "",
        f"| mode | recall@1 | recall@{k} | MRR | out-of-scope correct | in-scope unmatched |",
        "|---|---|---|---|---|---|",
    ]
    for r in result["modes"]:
        gated = r["mode"] == "hybrid+threshold"
        oos = f"{r['oos_correct']}/{r['oos_total']}" if gated else "n/a"
        unmatched = str(r["in_scope_unmatched"]) if gated else "n/a"
        lines.append(
            f"| {r['mode']} | {r['recall_at_1']:.3f} | {r['recall_at_k']:.3f} | "
            f"{r['mrr']:.3f} | {oos} | {unmatched} |"
        )
    b = result["build"]
    lat = result["latency_ms"]
    lines += [
        "",
        "| measure | value |",
        "|---|---|",
        f"| cold build total (embedder load + knowledge load + index build + load) | "
        f"{b['cold_total_s']:.2f} s |",
        f"| — embedder load | {b['embedder_load_s']:.2f} s |",
        f"| — knowledge load | {b['knowledge_load_s']:.2f} s |",
        f"| — index build ({b['embedded']} embedded, {b['reused']} reused) | "
        f"{b['index_build_s']:.2f} s |",
        f"| — index load | {b['index_load_s']:.2f} s |",
        f"| hybrid search latency p50 / p95 | {lat['search_hybrid_p50']:.1f} / "
        f"{lat['search_hybrid_p95']:.1f} ms |",
        f"| Engine.ask latency p50 / p95 | {ms(lat['engine_ask_p50'])} / "
        f"{ms(lat['engine_ask_p95'])} ms |",
        f"| peak RSS | {result['peak_rss_mb']:.0f} MiB |",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    parser.add_argument("--questions", type=Path, default=None,
                        help="default: <knowledge>/cases/questions.yaml")
    parser.add_argument("--embedder", default=None, help="embedder spec (default: USE)")
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None, help="also write figures here")
    parser.add_argument("--failures", action="store_true",
                        help="list failing questions of each mode with their top hits")
    args = parser.parse_args(argv)
    if args.questions is None:
        args.questions = args.knowledge / "cases" / "questions.yaml"
    result = run(args)
    metrics: dict[str, Metrics] = result.pop("_metrics")
    print(markdown(result))
    if args.failures:
        for name, m in metrics.items():
            print(f"\n### failures: {name}\n")
            print(format_failures(m) or "(none)")
            late = sorted((rank, qid) for qid, rank in m.ranks.items() if rank and rank > 1)
            if late:
                print(f"\nfound below rank 1 ({name}): "
                      + ", ".join(f"{qid}@{rank}" for rank, qid in late))
    if args.json is not None:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
