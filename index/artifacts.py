"""Loading and checking the live build of the search index (:class:`SearchIndex`).

The layout on disk, the manifest and the checksums are :mod:`index.manifest`; builds are
written by :mod:`index.build`.  A build is immutable once ``CURRENT`` names it, so a loaded
build is memory-mapped (never copied) and a read-only data dir loads without writing a
byte; every artefact is checked against its sha256 before it is parsed or mapped.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.embedders import Embedder
from index.lexical import LexicalIndex
from index.manifest import (
    ARTIFACTS_KEY,
    FORMAT_VERSION,
    artifacts_intact,
    chunk_entries,
    current_build,
    index_root,
    parser_version,
    piece_hashes,
    read_artifact,
    read_manifest,
    stored_vectors,
    verified_path,
)
from index.pieces import SENTENCE_VERSION
from index.records import clause_from_record
from index.tokenize import TOKENIZER_VERSION, tokenize
from index.vectorstore import (
    PIECES_FILE,
    ROWS_FILES,
    PieceRows,
    open_faiss,
    open_piece_rows,
    open_pieces,
)
from knowledge.errors import IndexError_
from knowledge.model import Clause

__all__ = [
    "ARTIFACTS_KEY",
    "FORMAT_VERSION",
    "HasClauses",
    "SearchIndex",
    "chunk_entries",
    "chunk_row_parts",
    "chunk_rows",
    "current_build",
    "encode_chunk_rows",
    "index_is_stale",
    "index_root",
    "load_index",
    "parser_version",
    "piece_hashes",
    "read_artifact",
    "read_manifest",
    "stack_vectors",
    "stored_vectors",
    "verified_path",
]

# manifest keys listing every row: kept on disk, dropped from the loaded manifest (memory)
ROW_KEYS = ("chunks", "pieces")
log = logging.getLogger(__name__)


class HasClauses(Protocol):
    """What :func:`index_is_stale` and :func:`index.build.build_index` need from a KnowledgeBase."""

    @property
    def clauses(self) -> Sequence[Clause]: ...


@dataclass(frozen=True, eq=False)
class SearchIndex:
    """A loaded build: chunks (full clauses), vectors, FAISS and BM25, all read-only.

    ``manifest`` is the build's manifest without its per-row lists (``ROW_KEYS``); the
    vectors are views of one memory-mapped float16 table (:class:`PieceRows`).
    """

    path: Path
    manifest: Mapping[str, Any]
    chunks: tuple[Clause, ...]
    vectors: PieceRows
    faiss_index: Any
    lexical: LexicalIndex
    tokens: tuple[tuple[str, ...], ...] = field(repr=False)
    # one row per sentence of a chunk, and the chunk index owning each row
    sentence_vectors: PieceRows = field(default_factory=lambda: _no_rows(), repr=False)
    sentence_owners: np.ndarray = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False
    )
    # one row per phrase of a chunk (see chunk_phrases), and the chunk index owning each row
    phrase_vectors: PieceRows = field(default_factory=lambda: _no_rows(), repr=False)
    phrase_owners: np.ndarray = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False
    )

    @property
    def embedder_name(self) -> str:
        return str(self.manifest["embedder"])

    def __len__(self) -> int:
        return len(self.chunks)


def _no_rows() -> PieceRows:
    return PieceRows(np.zeros((0, 0), dtype=np.float16), np.zeros(0, dtype=np.int64))


def stack_vectors(known: Mapping[str, np.ndarray], hashes: Sequence[str], dim: int) -> np.ndarray:
    """The vectors of ``hashes`` as one float32 matrix, shape ``(len(hashes), dim)``."""
    if not hashes:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([known[h] for h in hashes]).astype(np.float32)


def _rows(order: Mapping[str, int], hashes: Sequence[str]) -> np.ndarray:
    rows = np.fromiter((order[h] for h in hashes), dtype=np.int64, count=len(hashes))
    rows.setflags(write=False)
    return rows


def encode_chunk_rows(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """``chunks.json``: a JSON array with one row a line (a loader can stream it)."""
    return b"".join(chunk_row_parts(rows))


def chunk_row_parts(rows: Iterable[Mapping[str, Any]]) -> Iterator[bytes]:
    """The bytes of ``chunks.json`` a row at a time (a build writes them as they come)."""
    yield b"[\n"
    first = True
    for row in rows:
        yield (b"" if first else b",\n") + json.dumps(row, ensure_ascii=False).encode("utf-8")
        first = False
    yield b"\n]\n"


def chunk_rows(path: Path, records: bool) -> tuple[list[tuple[str, ...]], list[Any]]:
    """The tokens (and, if asked, the records) of ``chunks.json``, one row at a time.

    Reading line by line keeps one row's objects alive, not the whole file's (a third of
    the reload peak at 400 documents); tokens are interned, so a token repeated in a
    thousand chunks is one string.  A file written as one line is parsed whole.
    """
    tokens: list[tuple[str, ...]] = []
    kept: list[Any] = []
    with open(path, encoding="utf-8") as handle:
        first = handle.readline()
        if first.strip() != "[":
            rows = json.loads(first + handle.read())
        else:
            rows = (json.loads(line.rstrip().removesuffix(",")) for line in handle
                    if line.strip() not in ("", "]"))
        for row in rows:
            tokens.append(tuple(map(sys.intern, row["tokens"])))
            if records:
                kept.append(row["record"])
    return tokens, kept


def _load_build(
    build: Path, embedder: Embedder, clauses: Sequence[Clause] | None = None
) -> SearchIndex | None:
    manifest = read_manifest(build)
    if manifest is None:
        raise IndexError_(f"index manifest missing or unreadable in {build}")
    if manifest.get("format") != FORMAT_VERSION or manifest.get("embedder") != embedder.name:
        return None
    try:  # every artefact is checked against its sha256 before it is parsed or mapped
        table = open_pieces(verified_path(build, manifest, PIECES_FILE))
        flat = open_faiss(verified_path(build, manifest, "faiss.index"))
        reuse = clauses is not None and manifest.get("chunks") == chunk_entries(clauses)
        stored_tokens, records = chunk_rows(verified_path(build, manifest, "chunks.json"),
                                             records=not reuse)
        if reuse:
            assert clauses is not None
            chunks = tuple(clauses)  # the knowledge base's own objects: no second copy
        else:
            chunks = tuple(clause_from_record(r) for r in records)
        del records
        order = {h: i for i, h in enumerate(piece_hashes(manifest))}
        vectors = PieceRows(table, _rows(order, [str(e["content_hash"])
                                                 for e in manifest.get("chunks", [])]))
        owners, sentence_rows = open_piece_rows(
            verified_path(build, manifest, ROWS_FILES["sentences"]))
        phrase_owners, phrase_rows = open_piece_rows(
            verified_path(build, manifest, ROWS_FILES["phrases"]))
        for rows in (sentence_rows, phrase_rows):
            if len(rows) and (rows.min() < 0 or rows.max() >= len(order)):
                raise ValueError("a sentence or phrase row outside pieces.npy")
        sentence_vectors = PieceRows(table, sentence_rows)
        phrase_vectors = PieceRows(table, phrase_rows)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, IndexError) as exc:
        raise IndexError_(f"index in {build} is damaged: {exc}") from exc
    n = len(chunks)
    if table.shape != (len(order), manifest.get("dim")) or flat.ntotal != n or (
        vectors.shape[0] != n
    ):
        raise IndexError_(f"index in {build} is inconsistent ({n} chunks, {table.shape})")
    for kind, who in (("sentence", owners), ("phrase", phrase_owners)):
        if len(who) and (who.min() < 0 or who.max() >= n):
            raise IndexError_(f"index in {build} has inconsistent {kind} vectors")
    if manifest.get("tokenizer_version") == TOKENIZER_VERSION:
        tokens = tuple(stored_tokens)
    else:  # the dictionary or stop words changed since the build: re-tokenise (cheap)
        tokens = tuple(tuple(tokenize(c.embedding_text())) for c in chunks)
    return SearchIndex(
        path=build,
        manifest={k: v for k, v in manifest.items() if k not in ROW_KEYS},
        chunks=chunks,
        vectors=vectors,
        faiss_index=flat,
        lexical=LexicalIndex(tokens),
        tokens=tokens,
        sentence_vectors=sentence_vectors,
        sentence_owners=owners,
        phrase_vectors=phrase_vectors,
        phrase_owners=phrase_owners,
    )


def load_index(
    data_dir: Path, embedder: Embedder, clauses: Sequence[Clause] | None = None
) -> SearchIndex | None:
    """The live index, or ``None`` if there is none or it was built with another embedder.

    ``clauses`` (the knowledge base's, when known): used as the index's chunks when the
    build lists exactly them, instead of a second copy parsed from ``chunks.json``.
    Never writes.  Raises :class:`IndexError_` if the live build is damaged (rebuild to
    repair).
    """
    for attempt in range(2):
        build = current_build(Path(data_dir))
        if build is None:
            return None
        try:
            return _load_build(build, embedder, clauses)
        except IndexError_:
            # A concurrent build may have switched CURRENT and pruned this one; retry once.
            if attempt == 0 and current_build(Path(data_dir)) != build:
                continue
            raise
    return None


def index_is_stale(kb: HasClauses, data_dir: Path, embedder: Embedder) -> bool:
    """Whether the live index does not match ``kb`` and ``embedder`` exactly.

    Stale when there is no index, the embedder, format or parser version differ, or any
    chunk was added, removed, reordered or changed (text *or* metadata shown in hits).
    """
    build = current_build(Path(data_dir))
    manifest = read_manifest(build) if build is not None else None
    if manifest is None:
        return True
    if manifest.get("format") != FORMAT_VERSION or manifest.get("embedder") != embedder.name:
        return True
    if manifest.get("parser_version") != parser_version():
        return True
    if manifest.get("sentence_version") != SENTENCE_VERSION:
        return True
    if manifest.get("chunks") != chunk_entries(list(kb.clauses)):
        return True
    assert build is not None
    return not artifacts_intact(build, manifest)  # damaged or unchecked: rebuild
