"""The two stages of a query: cheap candidates first, piece vectors for those only.

The first stage (BM25 over every chunk, FAISS over the whole-chunk vectors) costs little
per chunk; the second stage (each candidate's best sentence and best phrase vector, see
:mod:`index.pieces`) touches only the rows of the candidates, found through a CSR grouping
of the piece rows by owning chunk, so a query's cost follows the number of candidates,
not the size of the corpus.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["group_rows", "second_stage", "single_thread_blas", "top_indices"]

Groups = tuple[np.ndarray, np.ndarray]


def group_rows(owners: np.ndarray, n: int) -> Groups:
    """``(order, starts)``: the rows of chunk ``i`` are ``order[starts[i]:starts[i + 1]]``."""
    owners = np.asarray(owners, dtype=np.int64)
    order = np.argsort(owners, kind="stable")
    counts = (np.bincount(owners, minlength=n)[:n] if owners.size
              else np.zeros(n, dtype=np.int64))
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    return order, starts


def top_indices(values: np.ndarray, k: int, positive: bool = False) -> np.ndarray:
    """Indices of the ``k`` largest ``values`` (only those > 0 when ``positive``)."""
    if positive:
        nonzero = np.flatnonzero(values > 0)
        if nonzero.size <= k:
            return nonzero.astype(np.int64)
        part = np.argpartition(-values[nonzero], k - 1)[:k]
        return nonzero[part].astype(np.int64)
    k = min(k, values.size)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.argpartition(-values, k - 1)[:k].astype(np.int64)


def second_stage(
    index: Any, pieces: tuple[Groups, Groups], query: np.ndarray, chosen: np.ndarray,
    weights: tuple[float, float, float],
) -> np.ndarray:
    """``w * whole + s * best sentence + p * best phrase`` cosine of the ``chosen`` chunks.

    ``index`` is a :class:`~index.artifacts.SearchIndex`, ``pieces`` the
    :func:`group_rows` of its sentence and phrase owners; a chunk without piece vectors
    scores its whole-text cosine for that piece kind.
    """
    whole_w, sentence_w, phrase_w = weights
    whole = (np.asarray(index.vectors[chosen], dtype=np.float32) @ query).astype(np.float32)
    dense = whole_w * whole
    for (order, starts), rows, weight in zip(
        pieces, (index.sentence_vectors, index.phrase_vectors), (sentence_w, phrase_w),
        strict=True,
    ):
        best = whole.copy()
        if weight and rows.shape[0] and rows.shape[1] == query.shape[0]:
            counts = starts[chosen + 1] - starts[chosen]
            if counts.any():
                picked = np.concatenate([order[starts[i]:starts[i + 1]] for i in chosen.tolist()])
                local = np.repeat(np.arange(len(chosen)), counts)
                sims = (np.asarray(rows[picked], dtype=np.float32) @ query).astype(np.float32)
                np.maximum.at(best, local, sims)
        dense = dense + weight * best
    return np.asarray(dense, dtype=np.float32)


def single_thread_blas() -> None:
    """One BLAS / OpenMP thread for this process (numpy's OpenBLAS and FAISS).

    A query is a few small matrix products; two threads on a 2-core box only contend
    with the other requests and the embedder's own thread.  Called at every warm-up (a
    few milliseconds), so a BLAS library loaded since is limited too.
    """
    try:
        import faiss

        faiss.omp_set_num_threads(1)
    except (ImportError, AttributeError):  # pragma: no cover - faiss is a dependency
        pass
    from threadpoolctl import threadpool_limits  # a dependency: tests and benchmarks too

    threadpool_limits(limits=1)
