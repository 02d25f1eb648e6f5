"""Vectors on disk: one float16 row per distinct text, memory-mapped, shared by reference.

A build stores every distinct vector once (``pieces.npy``): a chunk's whole text, each of
its sentences and each of its phrases (see :mod:`index.pieces`) are keyed by their hash,
and the thousand copies of a sentence that recurs in every city's version of a policy are
one row.  Rows are float16: half the bytes of float32, and a cosine between unit vectors
moves by about 1e-3, far below the gaps the ranking relies on (measured with
``scripts/bench_retrieval.py``).

The whole-chunk side is a FAISS ``IndexScalarQuantizer`` with fp16 codes.  Both files are
opened memory-mapped (``np.load(mmap_mode="r")``, ``faiss.IO_FLAG_MMAP_IFC``): loading a
build costs page-table entries, not a copy, and the pages are the kernel's clean page
cache, shared with every process that maps the same file and dropped under pressure, so a
reload does not hold two private copies of the index.

:class:`PieceRows` presents "row *i* of sentences" as ``table[index[i]]`` without
materialising the duplicated matrix; ``rows @ q`` scores each distinct row once.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "PIECES_FILE",
    "ROWS_FILES",
    "SCORE_BLOCK",
    "PieceRows",
    "decode_pieces",
    "encode_faiss",
    "encode_piece_rows",
    "encode_pieces",
    "open_faiss",
    "open_piece_rows",
    "open_pieces",
    "piece_order",
]

PIECES_FILE = "pieces.npy"
# (chunk, row of pieces.npy) of every sentence / phrase, int64 pairs (not JSON in the
# manifest: hundreds of thousands of rows at 1000 documents, tens of MiB once parsed)
ROWS_FILES = {"sentences": "sentences.npy", "phrases": "phrases.npy"}
SCORE_BLOCK = 8192  # rows converted to float32 at a time (bounds the temporary to 16 MiB)
STORE_DTYPE = np.float16


class PieceRows:
    """Read-only rows ``table[index[i]]`` of a deduplicated float16 table, as float32.

    Quacks like the ``(len(index), dim)`` float32 matrix it stands for where the retriever
    needs it: ``shape``, ``len``, ``rows @ q`` (one score per row; every distinct row is
    scored once), ``rows[i]``/``rows[array]`` and ``np.asarray(rows)`` (a float32 copy).
    """

    __slots__ = ("index", "table")

    def __init__(self, table: np.ndarray, index: np.ndarray) -> None:
        self.table = table
        self.index = index

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.index.shape[0]), int(self.table.shape[1]))

    @property
    def dtype(self) -> np.dtype[Any]:
        return np.dtype(np.float32)

    @property
    def nbytes(self) -> int:
        """Bytes of the distinct rows this view reaches (what it costs once paged in)."""
        return int(len(np.unique(self.index)) * self.table.shape[1] * self.table.itemsize)

    def __len__(self) -> int:
        return int(self.index.shape[0])

    def distinct_scores(self, query: np.ndarray) -> np.ndarray:
        """``table @ query`` in float32, block by block (no float32 copy of the table)."""
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        out = np.empty(self.table.shape[0], dtype=np.float32)
        for start in range(0, self.table.shape[0], SCORE_BLOCK):
            block = np.asarray(self.table[start : start + SCORE_BLOCK], dtype=np.float32)
            out[start : start + block.shape[0]] = block @ q
        return out

    def __matmul__(self, query: np.ndarray) -> np.ndarray:
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if len(self.index) * 4 < self.table.shape[0]:  # a few rows: score only those
            few: np.ndarray = np.asarray(self.table[self.index], dtype=np.float32) @ q
            return few
        scores: np.ndarray = self.distinct_scores(q)[self.index]
        return scores

    def __getitem__(self, key: Any) -> np.ndarray:
        return np.asarray(self.table[self.index[key]], dtype=np.float32)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self.table[self.index], dtype=dtype or np.float32)

    def __repr__(self) -> str:
        return f"PieceRows(rows={len(self)}, distinct={self.table.shape[0]})"


def piece_order(*groups: Iterable[str]) -> list[str]:
    """Distinct hashes in order of first appearance over ``groups`` (the table's rows)."""
    return list(dict.fromkeys(h for group in groups for h in group))


def encode_pieces(
    order: Sequence[str], known: Mapping[str, np.ndarray], dim: int
) -> bytes:
    """``pieces.npy``: the vectors of ``order`` as one float16 matrix, serialised."""
    table = np.zeros((len(order), dim), dtype=STORE_DTYPE)
    for row, digest in enumerate(order):
        table[row] = known[digest]
    buffer = io.BytesIO()
    np.save(buffer, table, allow_pickle=False)
    return buffer.getvalue()


def encode_piece_rows(rows: Sequence[tuple[int, int]]) -> bytes:
    """``sentences.npy`` / ``phrases.npy``: ``(chunk, piece row)`` pairs, int64."""
    table = np.asarray(rows, dtype=np.int64).reshape(-1, 2)
    buffer = io.BytesIO()
    np.save(buffer, table, allow_pickle=False)
    return buffer.getvalue()


def open_piece_rows(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The owning chunks and the piece rows of ``sentences.npy`` / ``phrases.npy``."""
    table = np.load(path, allow_pickle=False)
    if table.ndim != 2 or table.shape[1] != 2 or table.dtype != np.int64:
        raise ValueError(f"{path.name}: expected (n, 2) int64 rows, got {table.shape}")
    owners, rows = np.ascontiguousarray(table[:, 0]), np.ascontiguousarray(table[:, 1])
    owners.setflags(write=False)
    rows.setflags(write=False)
    return owners, rows


def decode_pieces(path: Path, order: Sequence[str]) -> dict[str, np.ndarray]:
    """hash -> float32 vector of every row of ``pieces.npy`` (for reuse by a rebuild)."""
    table = np.load(path, mmap_mode="r", allow_pickle=False)
    if table.ndim != 2 or table.shape[0] != len(order):
        return {}
    return {h: np.asarray(table[i], dtype=np.float32) for i, h in enumerate(order)}


def open_pieces(path: Path) -> np.ndarray:
    """``pieces.npy`` memory-mapped read-only (float16, shape ``(distinct, dim)``)."""
    table: np.ndarray = np.load(path, mmap_mode="r", allow_pickle=False)
    if table.ndim != 2 or table.dtype != STORE_DTYPE:
        raise ValueError(f"{path.name}: expected a 2-d float16 matrix, got {table.dtype}")
    return table


def encode_faiss(vectors: np.ndarray, dim: int) -> bytes:
    """``faiss.index``: inner product over fp16 codes of the whole-chunk unit vectors."""
    import faiss

    flat = faiss.IndexScalarQuantizer(
        dim, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    )
    if len(vectors):
        flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return bytes(faiss.serialize_index(flat).tobytes())


def open_faiss(path: Path) -> Any:
    """``faiss.index`` memory-mapped read-only (codes stay in the page cache)."""
    import faiss

    return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
