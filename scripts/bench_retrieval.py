#!/usr/bin/env python3
"""Retrieval benchmark on the canned questions, with a held-out half.

The canned set is split deterministically (computed here, never stored in the file):
questions with an odd number form the *calibration* half, except q170-q202; the even ones
and q170-q202 form the *holdout* half.  q170-q202 were written before the retriever was
re-tuned and never looked at while tuning; q203 onwards are a batch written blind (from the
clause texts alone, without seeing the retriever or its results) and merged before any
measurement.

One run reports:

* recall@1, recall@k and MRR of hybrid vs BM25-only vs dense-only ranking side by side on
  all / calibration / holdout (``Retriever.search`` modes; ranking only);
* the hybrid with the match threshold applied as the engine does (out-of-scope questions
  rejected, in-scope questions left unmatched) and the threshold margin (lowest in-scope
  vs highest out-of-scope best match score), per split;
* a re-calibration on the calibration half only (dense composition — whole / sentence /
  phrase weights — jointly with the ranking weight, then domain-coverage threshold, match
  weight and threshold) next to the shipped ``CALIBRATIONS`` entry; a question the domain
  gate rejects counts with match score 0 in the margins;
* cold index build time in a fresh process into an empty data dir (embedder load,
  knowledge load, build, load), with that process's peak RSS;
* query latency p50/p95 after warm-up (hybrid ``search`` on each question once, empty
  query cache; and ``Engine.ask`` end to end);
* peak RSS of this process (``resource.getrusage(...).ru_maxrss``).

Prints Markdown tables; ``--json FILE`` also writes the figures as JSON.

Two short modes instead of the full run:

* ``--expansion``: recall@1/@k, in-scope unmatched and out-of-scope rejected of the hybrid
  with the vocabulary's alias expansion (``index.expansion``) off, on, and on for the
  embedded text too, on ``cases/paraphrases.yaml`` and on the canned set;
* ``--throughput``: questions per second and p50/p95 of ``Engine.ask`` (empty query
  cache, then cached) and of ``policybot ask --jsonl`` in a fresh process (start-up
  subtracted).

    .venv/bin/python scripts/bench_retrieval.py [--knowledge DIR] [--embedder SPEC]
        [--questions FILE] [--json FILE] [--failures] [--expansion | --throughput]
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from index.artifacts import SearchIndex, load_index  # noqa: E402
from index.build import build_index  # noqa: E402
from index.domain import knowledge_domain_terms  # noqa: E402
from index.embedders import make_embedder  # noqa: E402
from index.expansion import QueryExpander, knowledge_expander  # noqa: E402
from index.retriever import Calibration, Mode, Retriever, clean_query  # noqa: E402
from knowledge.goldens.questions import (  # noqa: E402
    CannedQuestion,
    Hit,
    Metrics,
    format_failures,
    load_questions,
    score,
)
from knowledge.sources.base import KnowledgeBase, load_knowledge  # noqa: E402

MODES: tuple[Mode, ...] = ("hybrid", "bm25", "dense")
SPLITS = ("all", "calibration", "holdout")
FROZEN_AFTER = 169  # q170 .. q202 are always holdout
BLIND_BATCH_FROM = 203  # q203 onwards (a blind batch): odd ids calibrate, even ids hold out
RANK_GRID = [round(0.025 * i, 3) for i in range(0, 25)]  # ranking dense weight 0 .. 0.6
MATCH_GRID = [round(0.05 * i, 2) for i in range(0, 21)]  # match dense weight 0 .. 1
# dense = whole_w * whole + s * best sentence + p * best phrase, s = 1 - whole_w - p
WHOLE_GRID = [0.0, 0.25, 0.5]
PHRASE_GRID = [round(0.125 * i, 3) for i in range(0, 9)]


def split_of(question: CannedQuestion) -> str:
    """``calibration`` or ``holdout`` (deterministic, from the id alone)."""
    digits = "".join(ch for ch in question.id if ch.isdigit())
    number = int(digits) if digits else 0
    frozen = FROZEN_AFTER < number < BLIND_BATCH_FROM
    return "calibration" if number % 2 == 1 and not frozen else "holdout"


def in_split(questions: Sequence[CannedQuestion], split: str) -> list[CannedQuestion]:
    return [q for q in questions if split == "all" or split_of(q) == split]


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
    """answer_fn for knowledge.goldens.questions.score over one search mode."""

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
        "in_scope": m.in_scope_total,
        "recall_at_1": round(m.recall_at_1, 4),
        "recall_at_k": round(m.recall_at_5, 4),
        "mrr": round(m.mrr, 4),
        "oos_correct": m.oos_correct,
        "oos_total": m.oos_total,
        "in_scope_unmatched": m.in_scope_unmatched,
        "failures": [f.question.id for f in m.failures],
    }


# -- calibration on precomputed component scores ------------------------------------------


@dataclass
class Scored:
    """Dense and lexical score of every chunk for one question, and which chunks answer it."""

    question: CannedQuestion
    whole: np.ndarray  # cosine with the chunk's whole-text vector
    best: np.ndarray  # cosine with the chunk's best sentence (or whole text)
    lexical: np.ndarray
    good: np.ndarray  # bool per chunk: the chunk's clause is an acceptable answer
    domain: float = 1.0  # the query's domain coverage (index.domain)
    s: float = 0.0  # sentence weight of ``dense``
    phrase: np.ndarray | None = None  # cosine with the chunk's best phrase (or whole text)
    p: float = 0.0  # phrase weight of ``dense``

    @property
    def dense(self) -> np.ndarray:
        out = (1 - self.s - self.p) * self.whole + self.s * self.best
        if self.phrase is not None:
            out = out + self.p * self.phrase
        return out


def score_arrays(
    retriever: Retriever, kb: KnowledgeBase, questions: Sequence[CannedQuestion]
) -> list[Scored]:
    index: SearchIndex = retriever.index
    texts = [full_text(kb, c.doc_number, c.path, c.text) for c in index.chunks]
    out = []
    n = len(index)
    for q in questions:
        comp = retriever.component_scores(q.question)
        if comp is None:
            whole = best = phrase = lexical = np.zeros(n)
        else:
            whole, best, phrase = retriever.dense_parts(clean_query(q.question))
            lexical = comp[1]
        pairs = zip(index.chunks, texts, strict=True)
        good = np.array([q.in_scope and q.accepts(c.doc_number, t) for c, t in pairs])
        out.append(Scored(
            q, whole.astype(np.float64), best.astype(np.float64), lexical.astype(np.float64),
            good, retriever.domain(q.question), retriever.calibration.sentence_weight,
            phrase.astype(np.float64), retriever.calibration.phrase_weight,
        ))
    return out


def with_dense_weights(scored: Sequence[Scored], s: float, p: float) -> list[Scored]:
    return [replace(x, s=s, p=p) for x in scored]


def medoid(points: Sequence[tuple[float, ...]], steps: Sequence[float]) -> tuple[float, ...]:
    """The point of ``points`` nearest (in grid steps) to their centroid; ties: smallest."""
    centre = [statistics.fmean(p[i] for p in points) for i in range(len(steps))]

    def distance(p: tuple[float, ...]) -> float:
        return sum(((p[i] - centre[i]) / steps[i]) ** 2 for i in range(len(steps)))

    return min(points, key=lambda p: (round(distance(p), 9), p))


def top_clauses(scores: np.ndarray, clause_ids: Sequence[str], k: int) -> list[int]:
    """Chunk ids of the best chunk of each of the k best clauses (as Retriever.search)."""
    seen: set[str] = set()
    picked: list[int] = []
    for i in np.argsort(-scores, kind="stable"):
        if clause_ids[i] in seen:
            continue
        seen.add(clause_ids[i])
        picked.append(int(i))
        if len(picked) >= k:
            break
    return picked


def ranking_figures(
    scored: Sequence[Scored], clause_ids: Sequence[str], w: float, k: int
) -> tuple[float, float]:
    """(recall@1, MRR) of in-scope questions when ranking with dense weight ``w``."""
    r1 = rr = 0.0
    n = 0
    for s in scored:
        if not s.question.in_scope:
            continue
        n += 1
        top = top_clauses(w * s.dense + (1 - w) * s.lexical, clause_ids, k)
        for rank, i in enumerate(top, 1):
            if s.good[i]:
                r1 += rank == 1
                rr += 1 / rank
                break
    return (r1 / n, rr / n) if n else (0.0, 0.0)


def match_scores(
    scored: Sequence[Scored], clause_ids: Sequence[str], w: float, m: float, k: int,
    domain_threshold: float = 0.0,
) -> tuple[list[float], list[float]]:
    """Best match score (weight ``m``) over the top-k hits ranked with ``w``: in scope, out.

    A question whose domain coverage is below ``domain_threshold`` is rejected whatever
    its score: it counts with match score 0.
    """
    ins: list[float] = []
    oos: list[float] = []
    for s in scored:
        dense = s.dense
        top = top_clauses(w * dense + (1 - w) * s.lexical, clause_ids, k)
        best = max((m * dense[i] + (1 - m) * s.lexical[i] for i in top), default=0.0)
        if s.domain < domain_threshold:
            best = min(best, 0.0)
        (ins if s.question.in_scope else oos).append(float(best))
    return ins, oos


def margin_of(ins: Sequence[float], oos: Sequence[float], threshold: float) -> dict[str, Any]:
    low_in = min(ins, default=float("nan"))
    high_out = max(oos, default=float("nan"))
    return {
        "lowest_in_scope": round(low_in, 4),
        "highest_out_of_scope": round(high_out, 4),
        "gap": round(low_in - high_out, 4),
        "threshold": round(threshold, 4),
        "in_scope_unmatched": sum(x < threshold for x in ins),
        "out_of_scope_matched": sum(x >= threshold for x in oos),
    }


def calibrate(scored: Sequence[Scored], clause_ids: Sequence[str], k: int) -> dict[str, Any]:
    """Ranking weight, match weight and threshold fitted on ``scored`` alone.

    Dense composition (whole / sentence / phrase weights) and ranking weight, jointly: best
    hybrid (recall@1, MRR); among ties, the medoid of the best set (see :func:`medoid`).
    Domain threshold, match weight and threshold: jointly, see :func:`fit_gate`.
    """
    # dense composition and ranking weight, jointly on the hybrid ranking: the dense side
    # matters only through the hybrid
    grid: dict[tuple[float, float, float], tuple[float, float]] = {}
    for whole in WHOLE_GRID:
        for pw in PHRASE_GRID:
            sw = round(1.0 - whole - pw, 3)
            if sw < 0:
                continue
            items = with_dense_weights(scored, sw, pw)
            for w in RANK_GRID:
                grid[(whole, pw, w)] = ranking_figures(items, clause_ids, w, k)
    best = max(grid.values())
    optimum = [key for key, f in grid.items() if f == best]
    whole, pw, w = medoid(optimum, (0.25, 0.125, 0.025))
    sw = round(1.0 - whole - pw, 3)
    plateau = sorted(x[2] for x in optimum if x[:2] == (whole, pw))
    scored = with_dense_weights(scored, sw, pw)
    dt, m, t = fit_gate(scored, clause_ids, w, k)
    return {
        "sentence_weight": sw,
        "phrase_weight": pw,
        "optimum_points": len(optimum),
        "domain_threshold": round(dt, 4),
        "dense_weight": w,
        "ranking_plateau": [plateau[0], plateau[-1]],
        "match_weight": m,
        "threshold": round(t, 4),
        "calibration_recall_at_1": round(best[0], 4),
        "calibration_mrr": round(best[1], 4),
    }


def fit_gate(
    scored: Sequence[Scored], clause_ids: Sequence[str], w: float, k: int
) -> tuple[float, float, float]:
    """(domain threshold, match weight, threshold) of the match decision, fitted jointly.

    The two gates work together (a question must pass both), so they are fitted together:
    fewest errors on ``scored`` first, then the widest relative gap between the lowest
    in-scope and the highest out-of-scope match score among the questions the domain gate
    lets through (a gap over the in-scope spread), then the smaller domain threshold.
    Domain candidates are 0 and the midpoints between consecutive distinct coverages, so a
    chosen domain threshold sits in the middle of its interval; the score threshold is the
    middle of the gap (or, when they overlap, the value with fewest errors).
    """
    covers = sorted({round(x.domain, 6) for x in scored})
    domain_grid = [0.0] + [(a + b) / 2 for a, b in itertools.pairwise(covers)]
    tops = []
    for x in scored:
        dense = x.dense
        top = top_clauses(w * dense + (1 - w) * x.lexical, clause_ids, k)
        tops.append((dense[top], x.lexical[top]))
    best: tuple[tuple[float, float, float], float, float, float] | None = None
    for m in MATCH_GRID:
        score_of = [float(np.max(m * d + (1 - m) * lx)) if len(d) else 0.0 for d, lx in tops]
        for dt in domain_grid:
            ins = [v if x.domain >= dt else 0.0
                   for v, x in zip(score_of, scored, strict=True) if x.question.in_scope]
            oos = [v if x.domain >= dt else 0.0
                   for v, x in zip(score_of, scored, strict=True) if not x.question.in_scope]
            if not ins or not oos:
                continue
            low, high = min(ins), max(oos)
            spread = max(max(ins) - low, 1e-6)
            if low > high:
                errors, t = 0, (low + high) / 2
            else:
                cands = sorted(set(ins) | set(oos))
                t = min(cands, key=lambda c: sum(v < c for v in ins) + sum(v >= c for v in oos))
                errors = sum(v < t for v in ins) + sum(v >= t for v in oos)
            key = (-float(errors), (low - high) / spread, -dt)
            if best is None or key > best[0]:
                best = (key, dt, m, t)
    if best is None:
        return 0.0, 0.5, 0.0
    return best[1], best[2], best[3]


# -- cold build in a fresh process ---------------------------------------------------------


def cold_build_child(knowledge: Path, embedder_spec: str | None) -> None:
    """Run in a fresh process: build into an empty dir and print timings as JSON."""
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp:
        data_dir = Path(tmp) / "data"
        t0 = time.perf_counter()
        embedder = make_embedder(embedder_spec)
        warm = getattr(embedder, "warm_up", None)
        if callable(warm):
            warm()
        t1 = time.perf_counter()
        kb = load_knowledge(knowledge)
        t2 = time.perf_counter()
        report = build_index(kb, data_dir, embedder, progress=False)
        t3 = time.perf_counter()
        index = load_index(data_dir, embedder)
        t4 = time.perf_counter()
        if index is None:
            raise SystemExit("index could not be loaded after build")
    print(json.dumps({
        "cold_total_s": round(t4 - t0, 3),
        "embedder_load_s": round(t1 - t0, 3),
        "knowledge_load_s": round(t2 - t1, 3),
        "index_build_s": round(t3 - t2, 3),
        "index_load_s": round(t4 - t3, 3),
        "embedded": report.embedded,
        "reused": report.reused,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }))


def cold_build(args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--cold-build-child",
           "--knowledge", str(args.knowledge)]
    if args.embedder:
        cmd += ["--embedder", args.embedder]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = round(wall, 3)  # including interpreter start and imports
    return result


# -- paraphrases: query expansion from the vocabulary on and off -------------------------


def expansion_run(args: argparse.Namespace) -> dict[str, Any]:
    """recall@1/@k and matches of each question file with alias expansion off and on."""
    files = {"paraphrases": args.knowledge / "cases" / "paraphrases.yaml",
             "canned": args.questions}
    out: dict[str, Any] = {"k": args.k, "sets": {}}
    with tempfile.TemporaryDirectory(prefix="bench-expansion-") as tmp:
        embedder = make_embedder(args.embedder)
        kb = load_knowledge(args.knowledge)
        build_index(kb, Path(tmp), embedder, progress=False)
        index = load_index(Path(tmp), embedder)
        if index is None:
            raise SystemExit("index could not be loaded after build")
        out["embedder"] = embedder.name
        terms = knowledge_domain_terms(args.knowledge)
        variants = {
            "off": Retriever(index, embedder, domain_terms=terms, expander=QueryExpander()),
            "on": Retriever(index, embedder, domain_terms=terms,
                            expander=knowledge_expander(args.knowledge)),
            "on+dense": Retriever(index, embedder, domain_terms=terms,
                                  expander=knowledge_expander(args.knowledge),
                                  dense_expansion=True),
        }
        for name, path in files.items():
            questions = load_questions(path)
            rows = {}
            for variant, retriever in variants.items():
                ranked = score([q for q in questions if q.in_scope],
                               mode_answer(retriever, kb, "hybrid", args.k, gate=False),
                               k=args.k)
                gated = score(questions, mode_answer(retriever, kb, "hybrid", args.k,
                                                     gate=True), k=args.k)
                rows[variant] = {**row(variant, ranked),
                                 "oos_correct": gated.oos_correct,
                                 "oos_total": gated.oos_total,
                                 "in_scope_unmatched": gated.in_scope_unmatched,
                                 "ranks": ranked.ranks}
            out["sets"][name] = rows
    return out


def expansion_markdown(result: dict[str, Any]) -> str:
    k = result["k"]
    lines = [f"Alias expansion (index.expansion), embedder `{result['embedder']}`, hybrid:", "",
             f"| set | expansion | recall@1 | recall@{k} | MRR | in-scope unmatched | "
             "out-of-scope rejected |", "|---|---|---|---|---|---|---|"]
    for name, rows in result["sets"].items():
        for variant, r in rows.items():
            lines.append(f"| {name} ({r['in_scope']}) | {variant} | {r['recall_at_1']:.3f} | "
                         f"{r['recall_at_k']:.3f} | {r['mrr']:.3f} | "
                         f"{r['in_scope_unmatched']} | {r['oos_correct']}/{r['oos_total']} |")
    for name, rows in result["sets"].items():
        off, on = rows["off"]["ranks"], rows["on"]["ranks"]
        changed = sorted(q for q in off if off[q] != on.get(q))
        if changed:
            lines.append(f"\n{name}, rank off → on: " + ", ".join(
                f"{q} {off[q]}→{on.get(q)}" for q in changed))
    return "\n".join(lines)


# -- throughput: Engine.ask and `policybot ask --jsonl` ----------------------------------


def throughput_run(args: argparse.Namespace) -> dict[str, Any]:
    """Questions per second of Engine.ask (in process) and of ``policybot ask --jsonl``.

    Engine: each canned question once with an empty query-embedding cache (first pass),
    then again (the cache holds them: the repeat-question case).  CLI: a fresh process
    answering the canned questions, minus the same process answering nothing (start-up,
    model and index load), so the figure is the steady rate of the command.
    """
    from index.answering.engine import Engine

    questions = [q.question for q in load_questions(args.questions)]
    out: dict[str, Any] = {"questions": len(questions)}
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        engine = Engine(args.knowledge, Path(tmp), args.embedder)
        engine.warm_up()
        for name in ("first_pass", "cached"):
            timings = []
            start = time.perf_counter()
            for q in questions:
                t0 = time.perf_counter()
                engine.ask(q)
                timings.append((time.perf_counter() - t0) * 1000)
            wall = time.perf_counter() - start
            out[name] = {"questions_per_s": round(len(questions) / wall, 1),
                         "p50_ms": round(percentile(timings, 50), 2),
                         "p95_ms": round(percentile(timings, 95), 2)}
        exe = Path(sys.executable).with_name("policybot")
        if exe.is_file():
            cmd = [str(exe), "--knowledge", str(args.knowledge), "--data-dir", tmp]
            if args.embedder:
                cmd += ["--embedder", args.embedder]
            cmd += ["ask", "--jsonl"]
            walls = []
            for text in ("", "\n".join(questions) + "\n"):
                t0 = time.perf_counter()
                subprocess.run(cmd, input=text, check=True, capture_output=True, text=True)
                walls.append(time.perf_counter() - t0)
            steady = max(walls[1] - walls[0], 1e-9)
            out["cli_jsonl"] = {"startup_s": round(walls[0], 2), "total_s": round(walls[1], 2),
                                "questions_per_s": round(len(questions) / steady, 1)}
    return out


def throughput_markdown(result: dict[str, Any]) -> str:
    lines = [f"Throughput on {result['questions']} canned questions:", "",
             "| run | questions/s | p50 / p95 ms |", "|---|---|---|"]
    for name in ("first_pass", "cached"):
        r = result[name]
        lines.append(f"| Engine.ask, {name.replace('_', ' ')} | {r['questions_per_s']} | "
                     f"{r['p50_ms']} / {r['p95_ms']} |")
    cli = result.get("cli_jsonl")
    if cli:
        lines.append(f"| `policybot ask --jsonl` (start-up {cli['startup_s']} s excluded; "
                     f"{cli['total_s']} s in all) | {cli['questions_per_s']} | – |")
    return "\n".join(lines)


# -- the run -------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    questions: list[CannedQuestion] = load_questions(args.questions)
    k = args.k
    result: dict[str, Any] = {"k": k, "splits": {}}
    for split in SPLITS:
        qs = in_split(questions, split)
        result["splits"][split] = {
            "questions": len(qs),
            "in_scope": sum(q.in_scope for q in qs),
            "out_of_scope": sum(not q.in_scope for q in qs),
        }
    result["build"] = cold_build(args)
    metrics: dict[str, Metrics] = {}
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        data_dir = Path(tmp) / "data"
        embedder = make_embedder(args.embedder)
        kb = load_knowledge(args.knowledge)
        build_index(kb, data_dir, embedder, progress=False)
        index = load_index(data_dir, embedder)
        if index is None:
            raise SystemExit("index could not be loaded after build")
        result["embedder"] = embedder.name
        result["documents"] = len(kb.documents)
        result["chunks"] = len(kb.clauses)

        terms = knowledge_domain_terms(args.knowledge)
        expander = knowledge_expander(args.knowledge)
        retriever = Retriever(index, embedder, domain_terms=terms, expander=expander)
        retriever.warm_up()
        shipped: Calibration = retriever.calibration
        result["shipped_calibration"] = {
            "dense_weight": shipped.dense_weight,
            "match_weight": shipped.gate_weight,
            "threshold": shipped.threshold,
            "sentence_weight": shipped.sentence_weight,
            "phrase_weight": shipped.phrase_weight,
            "domain_threshold": shipped.domain_threshold,
        }

        # -- ranking quality per mode and split, and the gated hybrid
        result["modes"] = {}
        for split in SPLITS:
            qs = in_split(questions, split)
            in_scope = [q for q in qs if q.in_scope]
            rows = []
            for mode in MODES:  # ranking only: in-scope questions, no match threshold
                m = score(in_scope, mode_answer(retriever, kb, mode, k, gate=False), k=k)
                rows.append(row(mode, m))
                if split == "all":
                    metrics[mode] = m
            gated = score(qs, mode_answer(retriever, kb, "hybrid", k, gate=True), k=k)
            rows.append(row("hybrid+threshold", gated))
            if split == "all":
                metrics["hybrid+threshold"] = gated
            result["modes"][split] = rows

        # -- threshold margins (shipped values) and re-calibration on the calibration half
        clause_ids = [c.clause_id for c in index.chunks]
        scored = score_arrays(retriever, kb, questions)
        by_split = {s: [x for x in scored if s == "all" or split_of(x.question) == s]
                    for s in SPLITS}
        result["margin"] = {}
        for split, items in by_split.items():
            ins, oos = match_scores(items, clause_ids, shipped.dense_weight,
                                    shipped.gate_weight, k, shipped.domain_threshold)
            result["margin"][split] = margin_of(ins, oos, shipped.threshold)
        fitted = calibrate(by_split["calibration"], clause_ids, k)
        result["recalibrated"] = fitted
        result["recalibrated_figures"] = {}
        for split, items in by_split.items():
            items = with_dense_weights(items, fitted["sentence_weight"],
                                       fitted["phrase_weight"])
            r1, mrr = ranking_figures(items, clause_ids, fitted["dense_weight"], k)
            ins, oos = match_scores(items, clause_ids, fitted["dense_weight"],
                                    fitted["match_weight"], k, fitted["domain_threshold"])
            result["recalibrated_figures"][split] = {
                "recall_at_1": round(r1, 4), "mrr": round(mrr, 4),
                **margin_of(ins, oos, fitted["threshold"]),
            }

        # -- latency after warm-up: a fresh retriever, every question once, empty cache
        fresh = Retriever(index, embedder, domain_terms=terms, expander=expander)
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
        from index.answering.engine import Engine
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
    sp = result["splits"]
    cal = result["shipped_calibration"]
    lines = [
        f"Canned set: {sp['all']['questions']} questions ({sp['all']['in_scope']} in scope, "
        f"{sp['all']['out_of_scope']} out of scope); calibration half "
        f"{sp['calibration']['in_scope']}+{sp['calibration']['out_of_scope']}, holdout "
        f"{sp['holdout']['in_scope']}+{sp['holdout']['out_of_scope']} (in scope + out). "
        f"Embedder `{result['embedder']}`; {result['documents']} documents, "
        f"{result['chunks']} chunks. Shipped calibration: ranking w={cal['dense_weight']}, "
        f"sentence weight {cal['sentence_weight']}, phrase weight {cal['phrase_weight']}, "
        f"match w={cal['match_weight']}, "
        f"threshold {cal['threshold']}, domain threshold {cal['domain_threshold']}.",
        "",
    ]
    header = "| metric | " + " | ".join(f"{s} {m}" for s in SPLITS for m in MODES) + " |"
    lines += [header, "|---" * (1 + len(SPLITS) * len(MODES)) + "|"]
    rows = {s: {r["mode"]: r for r in result["modes"][s]} for s in SPLITS}
    for key, label in (("recall_at_1", "recall@1"), ("recall_at_k", f"recall@{k}"),
                       ("mrr", "MRR")):
        cells = [f"{rows[s][m][key]:.3f}" for s in SPLITS for m in MODES]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "| hybrid + threshold | " + " | ".join(SPLITS) + " |",
              "|---" * (1 + len(SPLITS)) + "|"]
    gated = {s: rows[s]["hybrid+threshold"] for s in SPLITS}
    mg = result["margin"]
    lines += [
        "| out-of-scope rejected | "
        + " | ".join(f"{gated[s]['oos_correct']}/{gated[s]['oos_total']}" for s in SPLITS) + " |",
        "| in-scope unmatched | "
        + " | ".join(str(gated[s]["in_scope_unmatched"]) for s in SPLITS) + " |",
        "| lowest in-scope / highest out-of-scope match score | "
        + " | ".join(f"{mg[s]['lowest_in_scope']:.3f} / {mg[s]['highest_out_of_scope']:.3f}"
                     for s in SPLITS) + " |",
        "| gap (threshold inside it when > 0) | "
        + " | ".join(f"{mg[s]['gap']:+.3f}" for s in SPLITS) + " |",
    ]
    fit = result["recalibrated"]
    fig = result["recalibrated_figures"]
    lines += [
        "",
        f"Re-calibrated on the calibration half only: sentence weight "
        f"{fit['sentence_weight']}, phrase weight {fit['phrase_weight']}, domain threshold "
        f"{fit['domain_threshold']}, ranking w={fit['dense_weight']} "
        f"(medoid of {fit['optimum_points']} best grid points; ranking plateau at this "
        f"composition {fit['ranking_plateau'][0]}–{fit['ranking_plateau'][1]}), "
        f"match w={fit['match_weight']}, threshold {fit['threshold']}.",
        "",
        "| re-calibrated | " + " | ".join(SPLITS) + " |",
        "|---" * (1 + len(SPLITS)) + "|",
        "| hybrid recall@1 / MRR | "
        + " | ".join(f"{fig[s]['recall_at_1']:.3f} / {fig[s]['mrr']:.3f}" for s in SPLITS) + " |",
        "| out-of-scope matched / in-scope unmatched | "
        + " | ".join(f"{fig[s]['out_of_scope_matched']} / {fig[s]['in_scope_unmatched']}"
                     for s in SPLITS) + " |",
        "| gap | " + " | ".join(f"{fig[s]['gap']:+.3f}" for s in SPLITS) + " |",
    ]
    b = result["build"]
    lat = result["latency_ms"]
    lines += [
        "",
        "| measure | value |",
        "|---|---|",
        f"| cold build, fresh process, empty data dir (embedder load + knowledge load + "
        f"index build + load) | {b['cold_total_s']:.2f} s ({b['process_wall_s']:.2f} s "
        f"with interpreter start) |",
        f"| — embedder load | {b['embedder_load_s']:.2f} s |",
        f"| — knowledge load | {b['knowledge_load_s']:.2f} s |",
        f"| — index build ({b['embedded']} embedded, {b['reused']} reused) | "
        f"{b['index_build_s']:.2f} s |",
        f"| — index load | {b['index_load_s']:.2f} s |",
        f"| peak RSS of the cold build process | {b['peak_rss_mb']:.0f} MiB |",
        f"| hybrid search latency p50 / p95 | {lat['search_hybrid_p50']:.1f} / "
        f"{lat['search_hybrid_p95']:.1f} ms |",
        f"| Engine.ask latency p50 / p95 | {ms(lat['engine_ask_p50'])} / "
        f"{ms(lat['engine_ask_p95'])} ms |",
        f"| peak RSS of the benchmark process | {result['peak_rss_mb']:.0f} MiB |",
    ]
    return "\n".join(lines)


def print_failures(metrics: dict[str, Metrics], questions: Sequence[CannedQuestion]) -> None:
    split = {q.id: split_of(q)[0] for q in questions}  # c / h
    for name, m in metrics.items():
        print(f"\n### failures: {name}\n")
        print(format_failures(m) or "(none)")
        late = sorted((rank, qid) for qid, rank in m.ranks.items() if rank and rank > 1)
        if late:
            print(f"\nfound below rank 1 ({name}; c = calibration, h = holdout): "
                  + ", ".join(f"{qid}{split.get(qid, '?')}@{rank}" for rank, qid in late))


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
    parser.add_argument("--expansion", action="store_true",
                        help="only compare alias expansion off / on (cases/paraphrases.yaml "
                             "and the canned set)")
    parser.add_argument("--throughput", action="store_true",
                        help="only measure Engine.ask and `policybot ask --jsonl` questions/s")
    parser.add_argument("--cold-build-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cold_build_child:
        cold_build_child(args.knowledge, args.embedder)
        return 0
    if args.questions is None:
        args.questions = args.knowledge / "cases" / "questions.yaml"
    if args.throughput:
        figures = throughput_run(args)
        print(throughput_markdown(figures))
        if args.json is not None:
            args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        return 0
    if args.expansion:
        figures = expansion_run(args)
        print(expansion_markdown(figures))
        if args.json is not None:
            args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n",
                                 encoding="utf-8")
        return 0
    result = run(args)
    metrics: dict[str, Metrics] = result.pop("_metrics")
    print(markdown(result))
    if args.failures:
        print_failures(metrics, load_questions(args.questions))
    if args.json is not None:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
    return 0



if __name__ == "__main__":
    raise SystemExit(main())
