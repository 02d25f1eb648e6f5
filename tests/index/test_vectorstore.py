"""Distinct float16 vectors, memory-mapped, viewed per row (index.vectorstore)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.artifacts import current_build, load_index
from index.build import build_index
from index.pieces import chunk_phrases, chunk_sentences, text_hash
from index.vectorstore import (
    SCORE_BLOCK,
    PieceRows,
    encode_faiss,
    encode_pieces,
    open_faiss,
    open_pieces,
    piece_order,
)


def _unit(rows: int, dim: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit


def test_piece_order_keeps_first_appearance_once() -> None:
    assert piece_order(["a", "b"], ["b", "c", "a"], ["d", "c"]) == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("distinct", "index"),
    [(5, [0, 1, 1, 4, 0, 2]), (SCORE_BLOCK + 7, [0, SCORE_BLOCK + 6, 3]), (3, [])],
    ids=["duplicates", "many-blocks-few-rows", "empty"],
)
def test_piece_rows_behave_like_the_duplicated_matrix(
    tmp_path: Path, distinct: int, index: list[int]
) -> None:
    dim = 8
    vectors = _unit(distinct, dim)
    order = [f"h{i}" for i in range(distinct)]
    path = tmp_path / "pieces.npy"
    path.write_bytes(encode_pieces(order, dict(zip(order, vectors, strict=True)), dim))
    table = open_pieces(path)
    assert isinstance(table, np.memmap) and table.dtype == np.float16
    assert not table.flags.writeable
    rows = PieceRows(table, np.asarray(index, dtype=np.int64))
    dense = vectors[index].reshape(len(index), dim)  # what float32 storage would hold
    assert rows.shape == (len(index), dim) and len(rows) == len(index)
    query = _unit(1, dim, seed=1)[0]
    assert np.allclose(rows @ query, dense @ query, atol=2e-3)
    assert (rows @ query).dtype == np.float32
    assert np.allclose(np.asarray(rows), dense, atol=1e-3)
    if index:
        assert np.allclose(rows[[0, len(index) - 1]], dense[[0, -1]], atol=1e-3)


def test_faiss_index_is_memory_mapped_fp16_inner_product(tmp_path: Path) -> None:
    vectors = _unit(50, 16)
    path = tmp_path / "faiss.index"
    path.write_bytes(encode_faiss(vectors, 16))
    flat = open_faiss(path)
    assert flat.ntotal == 50
    scores, ids = flat.search(vectors[7:8], 3)
    assert int(ids[0][0]) == 7 and abs(float(scores[0][0]) - 1.0) < 2e-3
    assert encode_faiss(vectors, 16) == path.read_bytes(), "deterministic bytes"


def test_build_stores_each_distinct_text_once(
    kb: Any, fake_cls: Any, tmp_path: Path
) -> None:
    """A clause repeated under another path: its sentences are stored once for both."""
    kb.clauses.append(kb.clauses[1].__class__(**{**kb.clauses[1].__dict__, "path": "九、"}))
    embedder = fake_cls()
    build_index(kb, tmp_path, embedder, progress=False)
    texts = {c.content_hash for c in kb.clauses}
    texts |= {text_hash(t) for c in kb.clauses for t in (*chunk_sentences(c), *chunk_phrases(c))}
    build = current_build(tmp_path)
    assert build is not None
    stored = np.load(io.BytesIO((build / "pieces.npy").read_bytes()))
    assert stored.dtype == np.float16 and stored.shape == (len(texts), embedder.dim)
    index = load_index(tmp_path, embedder)
    assert index is not None
    assert len(index.vectors) == len(kb.clauses)
    last = len(kb.clauses) - 1
    owners, rows = index.sentence_owners, index.sentence_vectors.index
    assert list(rows[owners == 1]) == list(rows[owners == last]), "shared sentences: one row"
    assert index.vectors.table is index.sentence_vectors.table is index.phrase_vectors.table
    assert "pieces" not in index.manifest, "row lists are not kept in memory"
    assert "sentences" not in index.manifest
