"""scripts/bench_scale.py: the generated corpora and the benchmark's small (CI) mode."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from knowledge.sources.base import load_knowledge

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "bench_scale.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scale", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("n", [4, 9], ids=["seeds-only", "seeds-and-distractors"])
def test_a_generated_corpus_is_n_distinct_loadable_documents(
    bench: ModuleType, tmp_path: Path, n: int
) -> None:
    kb = load_knowledge(bench.make_corpus(n, tmp_path / "k"))
    assert len(kb.documents) == n and kb.duplicates == () and kb.warnings == ()
    assert len({d.doc_number for d in kb.documents}) == n
    seeds = load_knowledge(REPO / "knowledge")
    assert set(seeds.clauses) <= set(kb.clauses)  # the seeds are there unchanged


def test_generation_is_deterministic(bench: ModuleType, tmp_path: Path) -> None:
    def texts(root: Path) -> dict[str, str]:
        return {p.name: p.read_text(encoding="utf-8")
                for p in sorted((root / "policies").glob("*.md"))}

    assert texts(bench.make_corpus(7, tmp_path / "a")) == texts(
        bench.make_corpus(7, tmp_path / "b"))


def test_an_edit_changes_one_distractor(bench: ModuleType, tmp_path: Path) -> None:
    root = bench.make_corpus(6, tmp_path / "k")
    before = {p.name: p.read_bytes() for p in (root / "policies").iterdir()}
    edited = bench.edit_one(root, 0)
    after = {p.name: p.read_bytes() for p in (root / "policies").iterdir()}
    assert [name for name in before if before[name] != after[name]] == [edited.name]
    assert edited.name.startswith(bench.GENERATED)


def test_the_table_has_one_column_per_n(bench: ModuleType) -> None:
    table = bench.table([{"n": 4, "documents": 4, "reload_s": 0.5},
                         {"n": 40, "documents": 40}])
    lines = table.splitlines()
    assert lines[0] == "| | N = 4 | N = 40 |"
    assert "| documents | 4 | 40 |" in lines
    assert "| reload after one edit (s) | 0.50 | – |" in lines


@pytest.mark.slow
def test_small_mode_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--n", "6", "--embedder", "hash", "--json", str(out)],
        capture_output=True, text=True, timeout=900, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    (figures,) = json.loads(out.read_text(encoding="utf-8"))
    assert figures["documents"] == 6 and figures["duplicates"] == 0
    assert figures["incremental_embedded"] >= 1
    assert 0 < figures["recall_at_1"] <= figures["recall_at_5"] <= 1
    assert figures["index_mib"] > 0 and figures["serving_rss_mib"] > 0
    # the reload measured in a fresh serving process: its peak against its steady RSS
    assert figures["steady_rss_mib"] > 0 and figures["reload_peak_ratio"] > 0
    assert figures["serve_ask_cpu_ms"] > 0 and figures["ask_cpu_ms"] > 0
    assert "| reload peak / serving RSS |" in done.stdout
    assert "| canned recall@5 |" in done.stdout
