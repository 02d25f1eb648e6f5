#!/usr/bin/env python3
"""Memory benchmark: serving RSS, reload peak and index size, per corpus size.

For each N, in a fresh subprocess (so the figures are that N's alone), on a deterministic
N-document corpus from ``scripts/bench_scale.py`` (``make_corpus``; the seeds alone for
N = 4):

1. the *index job* builds the index in a child process (``policybot index build``);
2. a *replica* engine loads it read-only (``Engine(read_only=True)``), answers the seeds'
   canned questions once, and reports its **steady RSS** (VmRSS) — every memory-mapped
   page the questions touched included;
3. **swap from files** (the deployment of ``deploy/``): one document is edited, the index
   job builds the new version in a child process, and the replica's ``Engine.reload``
   only loads it: **reload peak** = VmHWM over that reload, reset before it through
   ``/proc/self/clear_refs``, and the ratio peak / steady;
4. **rebuild in process** (a single machine without an index job): another edit and an
   ``Engine.reload`` of a writable engine, which builds and loads: its peak and ratio;
5. the live build on disk: total bytes, vector rows vs distinct rows stored (float16).

    .venv/bin/python scripts/bench_memory.py                       # N = 4, 40
    .venv/bin/python scripts/bench_memory.py --n 400 --embedder hash --json mem.json
    .venv/bin/python scripts/bench_memory.py --knowledge DIR       # any knowledge folder

Prints a Markdown table (MiB).  ``measure(knowledge, data, embedder_spec)`` is the
per-corpus entry point for other scripts (it must run in its own process).
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

QUESTIONS = 60  # canned questions asked before the steady figure (touch the index)


def _status(key: str) -> int:
    """A ``/proc/self/status`` field in KiB (the scale benchmark's reader)."""
    from bench_scale import _status as status

    return status(key)


def _reset_peak() -> None:
    from bench_scale import _reset_peak as reset

    reset()  # no /proc: the peak then covers the whole run


def _mib(kib: int) -> float:
    return round(kib / 1024, 1)


def _edit(knowledge: Path, round_: int) -> None:
    from bench_scale import edit_one

    edit_one(knowledge, round_)


def _index_job(knowledge: Path, data: Path, embedder_spec: str) -> float:
    """``policybot index build`` in a child process (the deployment's index job)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "--knowledge", str(knowledge), "--data-dir",
         str(data), "--embedder", embedder_spec, "index", "build"],
        check=True, cwd=REPO, stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _ask_all(engine: Any, questions: list[str]) -> None:
    for question in questions:
        engine.ask(question)


def measure(knowledge: Path, data: Path, embedder_spec: str) -> dict[str, Any]:
    """Every figure of one corpus (call in a fresh process)."""
    from index.answering.engine import Engine
    from index.artifacts import current_build
    from knowledge.goldens.questions import load_questions

    questions = [q.question for q in load_questions(knowledge / "cases" / "questions.yaml")
                 if q.in_scope][:QUESTIONS]
    out: dict[str, Any] = {"knowledge": str(knowledge), "embedder": embedder_spec}
    out["index_job_s"] = round(_index_job(knowledge, data, embedder_spec), 2)
    out["base_rss_mib"] = _mib(_status("VmRSS"))

    replica = Engine(knowledge, data, embedder_spec, read_only=True, index_wait=60)
    started = time.perf_counter()
    replica.warm_up()
    out["cold_start_s"] = round(time.perf_counter() - started, 2)
    _ask_all(replica, questions)
    gc.collect()
    steady = _status("VmRSS")
    out["documents"] = len(replica.snapshot.kb.documents)
    out["chunks"] = len(replica.snapshot.kb.clauses)
    out["steady_rss_mib"] = _mib(steady)

    _edit(knowledge, 0)
    _index_job(knowledge, data, embedder_spec)
    _reset_peak()
    report = replica.reload()
    assert report.ok, report.message
    out["swap_peak_mib"] = _mib(_status("VmHWM"))
    out["swap_ratio"] = round(_status("VmHWM") / steady, 2)
    _ask_all(replica, questions)
    gc.collect()
    out["after_swap_rss_mib"] = _mib(_status("VmRSS"))

    index = replica.snapshot.retriever.index
    build = current_build(data)
    assert build is not None
    out["index_bytes"] = sum(p.stat().st_size for p in build.iterdir() if p.is_file())
    rows = len(index.vectors) + len(index.sentence_vectors) + len(index.phrase_vectors)
    out["vector_rows"] = rows
    out["distinct_rows"] = int(index.vectors.table.shape[0])
    out["pieces_bytes"] = (build / "pieces.npy").stat().st_size
    out["float32_rows_bytes"] = rows * int(index.vectors.table.shape[1]) * 4
    del index, replica
    gc.collect()

    writer = Engine(knowledge, data, embedder_spec)
    writer.warm_up()
    _ask_all(writer, questions)
    gc.collect()
    steady_writer = _status("VmRSS")
    _edit(knowledge, 1)
    _reset_peak()
    report = writer.reload()
    assert report.ok, report.message
    out["rebuild_steady_rss_mib"] = _mib(steady_writer)
    out["rebuild_peak_mib"] = _mib(_status("VmHWM"))
    out["rebuild_ratio"] = round(_status("VmHWM") / steady_writer, 2)
    return out


def _worker(n: int, knowledge: Path | None, embedder_spec: str, work: Path) -> dict[str, Any]:
    target = work / "knowledge"
    if knowledge is not None:
        shutil.copytree(knowledge, target)
    else:
        from bench_scale import make_corpus

        make_corpus(n, target)
    result = measure(target, work / "data", embedder_spec)
    result["n"] = n
    return result


def table(results: list[dict[str, Any]]) -> str:
    head = ("| N | chunks | steady RSS | reload peak (swap from files) | ratio "
            "| reload peak (rebuild in process) | ratio | index on disk | vector rows → distinct "
            "(float16) |\n|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in results:
        lines.append(
            f"| {r['n']} | {r['chunks']} | {r['steady_rss_mib']} MiB | {r['swap_peak_mib']} MiB "
            f"| {r['swap_ratio']}× | {r['rebuild_peak_mib']} MiB | {r['rebuild_ratio']}× "
            f"| {r['index_bytes'] / 2**20:.1f} MiB | {r['vector_rows']} → {r['distinct_rows']} "
            f"({r['pieces_bytes'] / 2**20:.1f} MiB; as float32 rows "
            f"{r['float32_rows_bytes'] / 2**20:.1f} MiB) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[4, 40], help="corpus sizes")
    parser.add_argument("--knowledge", type=Path, help="measure this knowledge folder instead")
    parser.add_argument("--embedder", default="use", help="embedder spec (default: use)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        print(json.dumps(_worker(args.worker, args.knowledge, args.embedder, args.work)))
        return 0
    results = []
    sizes = [0] if args.knowledge is not None else args.n
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
            command = [sys.executable, __file__, "--worker", str(n), "--embedder", args.embedder,
                       "--work", tmp]
            if args.knowledge is not None:
                command += ["--knowledge", str(args.knowledge.resolve())]
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(table(results[-1:]).splitlines()[-1], file=sys.stderr)
    print(table(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
