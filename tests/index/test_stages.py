"""The two stages of a query (index.stages): row grouping, top-k, second-stage scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.artifacts import load_index
from index.build import build_index
from index.retriever import Retriever
from index.stages import group_rows, single_thread_blas, top_indices


@pytest.mark.parametrize(
    ("owners", "n", "rows_of"),
    [
        ([0, 0, 1, 2, 2, 2], 3, [[0, 1], [2], [3, 4, 5]]),
        ([2, 0, 2, 0], 4, [[1, 3], [], [0, 2], []]),
        ([], 2, [[], []]),
    ],
    ids=["sorted", "unsorted-with-gaps", "no-rows"],
)
def test_group_rows(owners: list[int], n: int, rows_of: list[list[int]]) -> None:
    order, starts = group_rows(np.asarray(owners, dtype=np.int64), n)
    assert [sorted(order[starts[i]:starts[i + 1]].tolist()) for i in range(n)] == rows_of


@pytest.mark.parametrize(
    ("values", "k", "positive", "expected"),
    [
        ([0.1, 0.9, 0.5, 0.0], 2, False, {1, 2}),
        ([0.1, 0.9, 0.5, 0.0], 10, False, {0, 1, 2, 3}),
        ([0.0, 0.9, 0.0, 0.2], 3, True, {1, 3}),
        ([0.0, 0.0], 1, True, set()),
    ],
    ids=["top-2", "k-beyond-size", "positive-only", "nothing-positive"],
)
def test_top_indices(values: list[float], k: int, positive: bool, expected: set[int]) -> None:
    got = top_indices(np.asarray(values, dtype=np.float32), k, positive=positive)
    assert set(got.tolist()) == expected


def test_single_thread_blas_limits_every_loaded_blas() -> None:
    single_thread_blas()
    single_thread_blas()
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover
        return
    assert all(p["num_threads"] == 1 for p in threadpool_info() if p["user_api"] == "blas")


def test_second_stage_scores_equal_the_full_scoring(kb: Any, fake: Any, tmp_path: Path) -> None:
    """Scoring only some chunks gives each of them the score the full pass gives it."""
    build_index(kb, tmp_path, fake, progress=False)
    index = load_index(tmp_path, fake)
    assert index is not None
    retriever = Retriever(index, fake)
    query = "科技企业孵化器奖励"
    full = retriever.component_scores(query)
    assert full is not None
    vector = retriever._query_vector(query)
    for chosen in (np.arange(len(index)), np.asarray([1, 4, 6])):
        np.testing.assert_allclose(retriever._second_stage(vector, chosen), full[0][chosen],
                                   rtol=1e-5, atol=1e-5)


def test_a_small_first_stage_searches_only_its_candidates(
    kb: Any, fake: Any, tmp_path: Path
) -> None:
    build_index(kb, tmp_path, fake, progress=False)
    index = load_index(tmp_path, fake)
    assert index is not None
    wide = Retriever(index, fake)
    narrow = Retriever(index, fake, first_stage=1)
    query = "国家级科技企业孵化器奖励"
    comp = wide.component_scores(query)
    assert comp is not None
    chosen = narrow.candidates(comp[1], narrow._query_vector(query))
    assert 1 <= len(chosen) <= 2  # the best BM25 chunk and the best whole-vector chunk
    assert int(np.argmax(comp[1])) in chosen.tolist()
    hits = narrow.search(query, top_k=5)
    ids = {index.chunks[int(i)].clause_id for i in chosen}
    assert hits and {h.clause.clause_id for h in hits} <= ids
    assert wide.search(query, top_k=1)[0].clause.clause_id == hits[0].clause.clause_id
    with pytest.raises(ValueError):
        Retriever(index, fake, first_stage=0)


@pytest.mark.parametrize("first", ["", "import numpy; "], ids=["engine-first", "numpy-first"])
def test_importing_the_engine_leaves_numpy_on_one_blas_thread(first: str) -> None:
    """In-process use (tests, benchmarks) runs as serving runs: whatever imported numpy
    first, importing the engine leaves every BLAS pool on one thread."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    code = (first + "import index.answering.engine; from threadpoolctl import threadpool_info; "
            "print(sorted({p['num_threads'] for p in threadpool_info() "
            "if p['user_api'] == 'blas'}))")
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, env={**env, "PYTHONPATH": str(root)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[1]"
