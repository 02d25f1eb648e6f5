"""Scale benchmark: the seed policies among N-4 generated distractors.

Generates a deterministic N-document knowledge folder from the seeds
(``knowledge/policies``): every extra document is another city's version of a seed —
a new 文号 and title, city and district names replaced, figures changed, sentences
within a paragraph shuffled and a quarter of the unnumbered lines dropped — so that each is a
plausible, *different* document (the near-duplicate check keeps it).  Rules, cases and
vocabulary are copied unchanged, so the seeds' canned questions
(``knowledge/cases/questions.yaml``) measure recall among the distractors.

For each N, in a fresh subprocess (so memory figures are that N's alone):

* full build — ``Engine.warm_up`` on an empty data dir (load, parse, embed, write, load);
* incremental build — one distractor edited, ``load_knowledge`` + ``build_index``;
* ``policybot kb check --no-cases`` (a child process: start-up included);
* beside each of those times, the CPU seconds it took (on shared cores, wall time also
  counts other processes' turns);
* reload — another edit, ``Engine.reload``, in a second, fresh process that first loads the
  built index and answers the questions as the bot does (:func:`serve_worker`): its
  serving RSS (VmRSS after the questions), reload peak (VmHWM, reset before the reload
  through ``/proc/self/clear_refs``) and their ratio (issue 22's budget: ≤ 1.3 at 1000
  documents), and the CPU per question there;
* index size on disk (the live build folder);
* ``Engine.ask`` p50/p95 over the canned questions, and their recall@1/@5 (hybrid
  retrieval, gate off, in-scope questions).

Embedder: USE for N < 400 (the real model); the deterministic ``hash`` embedder
(character n-gram feature hashing, :class:`index.embedders.HashingEmbedder`) for N ≥ 400
so the run stays short on two cores — its recall is not USE's recall, and its embedding
cost is near zero, so the build figures at N ≥ 400 show everything *but* the model.
``--embedder`` forces one for every N.

    .venv/bin/python scripts/bench_scale.py                 # N = 4, 40 (quick)
    .venv/bin/python scripts/bench_scale.py --n 4 40 400 1000 --json scale.json
    .venv/bin/python scripts/bench_scale.py --n 8 --embedder hash   # the CI smoke mode
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEED_DIR = REPO / "knowledge"
COPIED = ("rules", "cases", "vocabulary")
# distractors sort after the seeds, so a seed is always the copy dedup keeps
GENERATED = "zz-"
HASH_FROM = 400  # N at or above which the hash embedder is the default
CITIES = (
    ("烟台", "烟"), ("青岛", "青"), ("潍坊", "潍"), ("日照", "日"), ("临沂", "临"),
    ("淄博", "淄"), ("济宁", "济"), ("泰安", "泰"), ("德州", "德"), ("聊城", "聊"),
    ("滨州", "滨"), ("菏泽", "菏"), ("枣庄", "枣"), ("东营", "东"), ("大连", "连"),
    ("苏州", "苏"), ("无锡", "锡"), ("宁波", "甬"), ("温州", "温"), ("厦门", "厦"),
)
# Weihai's districts and county-level cities, replaced by made-up ones of the other city
DISTRICTS = ("环翠区", "文登区", "荣成市", "乳山市", "高区", "经区", "临港区", "综保区")
_SENTENCE = re.compile(r"(?<=[。；])")
_FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*(?:万元|万|%))")
_YEAR = re.compile(r"(?<!\d)(20[12]\d)(?!\d)")
_SEED_NUMBER = re.compile(r"^doc_number:.*$", re.M)
_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十\d]+）|\d{1,2}[.．、]|第\S{1,3}[章节条])"
)
DROP = 0.25  # share of plain (unnumbered) body lines a distractor leaves out


# ---------------------------------------------------------------------------- corpus


def _split(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return front, body


def _variant(front: str, body: str, index: int, rng: random.Random) -> str:
    city, short = CITIES[index % len(CITIES)]
    year = 2015 + index % 10
    number = f"{short}政办字〔{year}〕{100 + index}号"

    def figure(match: re.Match[str]) -> str:
        value = float(match.group(1))
        factor = rng.choice((0.5, 0.6, 0.8, 1.2, 1.5, 2, 3))
        new = value * factor
        return str(int(new)) if new == int(new) else f"{new:.1f}"

    def rename(text: str) -> str:
        text = text.replace("威海", city).replace("威", short)
        for k, name in enumerate(DISTRICTS):
            text = text.replace(name, f"{city}第{k + 1}区")
        return text

    seed_number = re.search(r"^doc_number:\s*(\S+?)〔(\d{4})〕(\d+)号", front, re.M)
    if seed_number:  # the 文号 printed in the text, however it is spaced
        prefix, printed_year, serial = seed_number.groups()
        body = re.sub(rf"{re.escape(prefix)}\s*〔\s*{printed_year}\s*〕\s*{serial}\s*号",
                      number, body)
    lines: list[str] = []
    for raw in body.split("\n"):
        parts = [p for p in _SENTENCE.split(raw) if p]
        if len(parts) > 2:
            head, rest = parts[0], parts[1:]  # the first keeps any numbering marker
            rng.shuffle(rest)
            parts = [head, *rest]
        plain = raw.strip() and not _MARKER.match(raw.strip())
        if plain and len(lines) > 12 and rng.random() < DROP:
            continue  # a wrapped line or a sentence of this city's version left out
        lines.append(_FIGURE.sub(figure, "".join(parts)))
    new_front = _SEED_NUMBER.sub(f"doc_number: {number}", rename(front))
    text = rename("\n".join(lines))
    shift = year - 2018  # every date moves with the issue year

    def move(match: re.Match[str]) -> str:
        return str(int(match.group(1)) + shift)

    new_front = _YEAR.sub(move, new_front)
    text = _YEAR.sub(move, text)
    return f"---\n{new_front}---\n{text}"


def make_corpus(n: int, target: Path, seed: int = 14) -> Path:
    """A knowledge folder at ``target`` with the seeds and ``n - seeds`` distractors."""
    if target.exists():
        shutil.rmtree(target)
    policies = target / "policies"
    policies.mkdir(parents=True)
    for name in COPIED:
        shutil.copytree(SEED_DIR / name, target / name)
    seeds = sorted(p for p in (SEED_DIR / "policies").glob("*.md")
                   if not p.stem.lower().startswith("readme"))
    for path in seeds:
        shutil.copy2(path, policies / path.name)
    rng = random.Random(seed)
    for index in range(max(0, n - len(seeds))):
        source = seeds[index % len(seeds)]
        front, body = _split(source)
        text = _variant(front, body, index, rng)
        (policies / f"{GENERATED}{index:04d}-{source.stem}.md").write_text(text, encoding="utf-8")
    return target


def edit_one(knowledge: Path, round_: int) -> Path:
    """Change one sentence of one distractor (or of a seed when there is none)."""
    files = sorted((knowledge / "policies").glob(GENERATED + "*.md")) or sorted(
        (knowledge / "policies").glob("*.md"))
    path = files[round_ % len(files)]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n本文件第{round_ + 1}次修订后继续执行。\n",
                    encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- worker


def _status(key: str) -> int:
    """A ``/proc/self/status`` field in KiB (0 where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def cache_argument(load: Any, data: Path) -> dict[str, Any]:
    """``cache_dir`` for ``load_knowledge`` where it takes one (the benchmark also runs on
    older code, for before/after figures)."""
    import inspect

    return {"cache_dir": data / "cache"} if "cache_dir" in inspect.signature(load).parameters \
        else {}


def worker(n: int, embedder_spec: str, work: Path) -> dict[str, Any]:
    """Every figure of one N (runs in its own process)."""
    from bot.staff.kb import __name__ as _  # noqa: F401  (import cost outside the timers)
    from index.answering.engine import Engine
    from index.artifacts import current_build
    from index.build import build_index
    from index.embedders import make_embedder
    from knowledge.goldens.questions import load_questions, score
    from knowledge.sources.base import load_knowledge

    knowledge = make_corpus(n, work / "knowledge")
    data = work / "data"
    embedder = make_embedder(embedder_spec)
    getattr(embedder, "warm_up", lambda: None)()
    out: dict[str, Any] = {"n": n, "embedder": embedder.name}

    engine = Engine(knowledge, data, embedder=embedder)
    started, cpu = time.perf_counter(), time.process_time()
    engine.warm_up()
    out["full_build_s"] = time.perf_counter() - started
    out["full_build_cpu_s"] = time.process_time() - cpu
    snap = engine.snapshot
    out["documents"] = len(snap.kb.documents)
    out["chunks"] = len(snap.kb.clauses)
    out["duplicates"] = len(snap.kb.duplicates)

    questions = [q for q in load_questions(knowledge / "cases" / "questions.yaml")]
    in_scope = [q for q in questions if q.in_scope]
    retriever = snap.retriever

    def answer(question: str) -> tuple[bool, list[tuple[str, str]]]:
        hits = retriever.search(question, top_k=5)
        return True, [(h.clause.doc_number, h.clause.text) for h in hits]

    metrics = score(in_scope, answer, k=5)
    out["recall_at_1"] = metrics.recall_at_1
    out["recall_at_5"] = metrics.recall_at_5
    for q in questions[:20]:  # warm-up
        engine.ask(q.question)
    timings = []
    cpu = time.process_time()
    for q in questions:
        t0 = time.perf_counter()
        engine.ask(q.question)
        timings.append((time.perf_counter() - t0) * 1000)
    out["ask_cpu_ms"] = (time.process_time() - cpu) * 1000 / max(1, len(questions))
    timings.sort()
    out["ask_p50_ms"] = statistics.median(timings)
    out["ask_p95_ms"] = timings[int(len(timings) * 0.95)]
    out["serving_rss_mib"] = _status("VmRSS") / 1024
    build = current_build(data)
    out["index_mib"] = _folder_bytes(build) / 2**20 if build else 0.0

    edit_one(knowledge, 0)
    started, cpu = time.perf_counter(), time.process_time()
    kb = load_knowledge(knowledge, **cache_argument(load_knowledge, data))
    report = build_index(kb, data, embedder, progress=False)
    out["incremental_build_s"] = time.perf_counter() - started
    out["incremental_build_cpu_s"] = time.process_time() - cpu
    out["incremental_embedded"] = report.embedded

    env = dict(os.environ, POLICYBOT_EMBEDDER=embedder_spec)
    policybot = Path(sys.executable).with_name("policybot")
    command = [str(policybot)] if policybot.exists() else [sys.executable, "-m", "bot.cli.main"]
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([*command, "kb", "check", "--no-cases", "--knowledge", str(knowledge),
                    "--data-dir", str(data)], env=env, capture_output=True, check=False)
    out["kb_check_s"] = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["kb_check_cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


def serve_worker(embedder_spec: str, work: Path) -> dict[str, Any]:
    """Reload as the bot does it: a fresh process loads the built index (no build of its
    own to inflate the heap), answers the canned questions, then one document is edited
    and ``Engine.reload`` rebuilds and swaps while the old snapshot still serves.

    Steady (serving) RSS is VmRSS after the questions; the reload peak is VmHWM, reset
    just before the reload through ``/proc/self/clear_refs``.
    """
    from index.answering.engine import Engine
    from index.embedders import make_embedder
    from knowledge.goldens.questions import load_questions

    knowledge, data = work / "knowledge", work / "data"
    embedder = make_embedder(embedder_spec)
    getattr(embedder, "warm_up", lambda: None)()
    engine = Engine(knowledge, data, embedder=embedder)
    engine.warm_up()
    questions = [q.question for q in load_questions(knowledge / "cases" / "questions.yaml")]
    for question in questions[:20]:  # warm-up
        engine.ask(question)
    cpu = time.process_time()
    for question in questions:
        engine.ask(question)
    out: dict[str, Any] = {
        "serve_ask_cpu_ms": (time.process_time() - cpu) * 1000 / max(1, len(questions)),
        "steady_rss_mib": _status("VmRSS") / 1024,
    }
    edit_one(knowledge, 1)
    peak_reset = _reset_peak()
    started, cpu = time.perf_counter(), time.process_time()
    reloaded = engine.reload()
    out["reload_s"] = time.perf_counter() - started
    out["reload_cpu_s"] = time.process_time() - cpu
    if not reloaded.ok:
        raise SystemExit(f"reload failed: {reloaded.message}")
    out["reload_peak_mib"] = _status("VmHWM") / 1024 if peak_reset else 0.0
    out["steady_after_reload_mib"] = _status("VmRSS") / 1024
    if peak_reset and out["steady_rss_mib"]:
        out["reload_peak_ratio"] = out["reload_peak_mib"] / out["steady_rss_mib"]
    return out


# ---------------------------------------------------------------------------- driver

COLUMNS = (
    ("documents", "documents", "{:d}"),
    ("chunks", "chunks", "{:d}"),
    ("embedder", "embedder", "{}"),
    ("full_build_s", "full build (s)", "{:.1f}"),
    ("full_build_cpu_s", "… CPU (s)", "{:.1f}"),
    ("incremental_build_s", "incremental build, one edit (s)", "{:.2f}"),
    ("incremental_build_cpu_s", "… CPU (s)", "{:.2f}"),
    ("reload_s", "reload after one edit (s)", "{:.2f}"),
    ("reload_cpu_s", "… CPU (s)", "{:.2f}"),
    ("kb_check_s", "`kb check --no-cases` (s)", "{:.1f}"),
    ("kb_check_cpu_s", "… CPU (s)", "{:.1f}"),
    ("serving_rss_mib", "RSS after the full build and questions (MiB)", "{:.0f}"),
    ("steady_rss_mib", "serving RSS, fresh process (MiB)", "{:.0f}"),
    ("reload_peak_mib", "reload peak RSS (MiB)", "{:.0f}"),
    ("reload_peak_ratio", "reload peak / serving RSS", "{:.2f}"),
    ("steady_after_reload_mib", "RSS after reload (MiB)", "{:.0f}"),
    ("index_mib", "index on disk (MiB)", "{:.1f}"),
    ("ask_p50_ms", "ask p50 (ms)", "{:.1f}"),
    ("ask_p95_ms", "ask p95 (ms)", "{:.1f}"),
    ("ask_cpu_ms", "ask CPU per question (ms)", "{:.1f}"),
    ("serve_ask_cpu_ms", "… in the serving process (ms)", "{:.1f}"),
    ("recall_at_1", "canned recall@1", "{:.3f}"),
    ("recall_at_5", "canned recall@5", "{:.3f}"),
)


def table(results: list[dict[str, Any]]) -> str:
    head = "| | " + " | ".join(f"N = {r['n']}" for r in results) + " |"
    rule = "|---|" + "---|" * len(results)
    rows = [head, rule]
    for key, label, fmt in COLUMNS:
        cells = [fmt.format(r[key]) if key in r else "–" for r in results]
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[4, 40], help="corpus sizes")
    parser.add_argument("--embedder", help="embedder spec for every N (default: use < 400 ≤ hash)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--work", type=Path, help="keep the corpora here (default: a tmp dir)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        assert args.work is not None
        run = serve_worker(args.embedder or "use", args.work) if args.serve else worker(
            args.worker, args.embedder or "use", args.work)
        print(json.dumps(run))
        return 0
    results = []
    base = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        for n in args.n:
            spec = args.embedder or ("hash" if n >= HASH_FROM else "use")
            work = base / f"n{n}"
            work.mkdir(parents=True, exist_ok=True)
            result: dict[str, Any] = {}
            for serve in ([], ["--serve"]):  # build, then reload in a fresh serving process
                done = subprocess.run(
                    [sys.executable, __file__, "--worker", str(n), "--embedder", spec,
                     "--work", str(work), *serve], capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    print(done.stderr[-3000:], file=sys.stderr)
                    return 1
                result.update(json.loads(done.stdout.strip().splitlines()[-1]))
            results.append(result)
            print(f"N = {n}: " + json.dumps(result, ensure_ascii=False), file=sys.stderr)
    finally:
        if args.work is None:
            shutil.rmtree(base, ignore_errors=True)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
