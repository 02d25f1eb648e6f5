"""On-disk layout of the search index, and loading and checking the live build.

Layout under ``data_dir/index/``::

    CURRENT                  name of the live build (replaced atomically with os.replace)
    .lock                    flock held while a build runs (one builder at a time)
    builds/<name>/           a complete build:
        manifest.json        format, embedder, dim, parser/tokenizer versions, built_at,
                             and per chunk: chunk_id, content_hash, record_hash
                             and ``artifacts``: the sha256 of every file below,
                             verified before a byte of it is parsed (a damaged
                             build counts as stale and is rebuilt)
        pieces.npy           float16 unit vectors, one row per *distinct* text: the
                             chunks' content hashes, then the sentences' and phrases'
                             text hashes, in order of first appearance (manifest
                             ``pieces``: the hash of every row; see
                             :mod:`index.vectorstore`)
        sentences.npy        (owning chunk, row of pieces.npy) of every sentence, int64
        phrases.npy          the same for every phrase
        faiss.index          IndexScalarQuantizer (fp16 codes, inner product) over the
                             chunks' whole-text vectors
        chunks.json          clause records (full Clause + DocumentMeta) and BM25 tokens
    builds/.tmp-<name>/      a build in progress; never read

Builds are written by :mod:`index.build`; sentences and phrases come from
:mod:`index.pieces`.  A build is immutable once ``CURRENT`` names it, so a loaded build is
memory-mapped (never copied) and a read-only data dir loads without writing a byte.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.embedders import Embedder
from index.lexical import LexicalIndex
from index.pieces import SENTENCE_VERSION
from index.records import clause_from_record, clause_hashes
from index.tokenize import TOKENIZER_VERSION, tokenize
from index.vectorstore import (
    PIECES_FILE,
    ROWS_FILES,
    PieceRows,
    decode_pieces,
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

# 2: sentence vectors; 3: phrase vectors; 4: distinct float16, mmap; 5: sentence and phrase
# rows in .npy files, the distinct texts' hashes ("pieces") in the manifest
FORMAT_VERSION = 5
ARTIFACTS_KEY = "artifacts"  # manifest: artefact file name -> sha256 of its bytes
ARTIFACT_FILES = (PIECES_FILE, "faiss.index", "chunks.json", *ROWS_FILES.values())
# manifest keys listing every row: kept on disk, dropped from the loaded manifest (memory)
ROW_KEYS = ("chunks", "pieces")
HASH_BLOCK = 1 << 20
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


def parser_version() -> str:
    """``knowledge.sources.parsing.PARSER_VERSION``, or "unknown" while that module is absent."""
    try:
        module = importlib.import_module("knowledge.sources.parsing")
    except ImportError:
        return "unknown"
    return str(getattr(module, "PARSER_VERSION", "unknown"))


def index_root(data_dir: Path) -> Path:
    return Path(data_dir) / "index"


def current_build(data_dir: Path) -> Path | None:
    root = index_root(data_dir)
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not name or "/" in name or name.startswith("."):
        return None
    path = root / "builds" / name
    return path if path.is_dir() else None


def read_manifest(build: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


_verified: dict[tuple[str, int, int, str], bool] = {}  # (path, size, mtime_ns, sha256)
_verified_lock = threading.Lock()


def _expected_sha(build: Path, manifest: Mapping[str, Any], name: str) -> str:
    expected = (manifest.get(ARTIFACTS_KEY) or {}).get(name)
    if not isinstance(expected, str):
        raise IndexError_(f"index in {build} is damaged: no checksum for {name}")
    return expected


def verified_path(build: Path, manifest: Mapping[str, Any], name: str) -> Path:
    """The path of one artefact, only if its bytes match the manifest's sha256.

    The file is hashed in 1 MiB blocks (through the page cache, never held whole in
    memory), once per process for an unchanged file (same size and mtime).  Raises
    :class:`IndexError_` ("damaged") like :func:`read_artifact`.
    """
    expected = _expected_sha(build, manifest, name)
    path = build / name
    try:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns, expected)
        with _verified_lock:
            if key in _verified:
                return path
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while block := handle.read(HASH_BLOCK):
                digest.update(block)
    except OSError as exc:
        raise IndexError_(f"index in {build} is damaged: {name}: {exc}") from exc
    if digest.hexdigest() != expected:
        raise IndexError_(f"index in {build} is damaged: {name} fails its sha256 checksum")
    with _verified_lock:
        _verified[key] = True
    return path


def read_artifact(build: Path, manifest: Mapping[str, Any], name: str) -> bytes:
    """The bytes of one artefact, only if they match the manifest's sha256.

    Raises :class:`IndexError_` ("damaged") when the file is missing, unreadable, has no
    recorded checksum (a build older than checksums) or fails it: a truncated or bit-flipped
    file is never handed to numpy, FAISS or JSON.
    """
    expected = _expected_sha(build, manifest, name)
    try:
        data = (build / name).read_bytes()
    except OSError as exc:
        raise IndexError_(f"index in {build} is damaged: {name}: {exc}") from exc
    if hashlib.sha256(data).hexdigest() != expected:
        raise IndexError_(f"index in {build} is damaged: {name} fails its sha256 checksum")
    return data


def artifacts_intact(build: Path, manifest: Mapping[str, Any]) -> bool:
    """Whether every artefact of ``build`` matches its checksum (logs the first that fails)."""
    try:
        for name in ARTIFACT_FILES:
            verified_path(build, manifest, name)
    except IndexError_ as exc:
        log.warning("%s; the index will be rebuilt", exc)
        return False
    return True


def piece_hashes(manifest: Mapping[str, Any]) -> list[str]:
    """The hash of the text of every row of ``pieces.npy``, in row order."""
    return [str(h) for h in manifest.get("pieces", [])]


def stored_vectors(build: Path, manifest: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """hash -> float32 vector of every distinct text of ``build`` (for reuse by a rebuild).

    Empty when the build is of another format or its vectors fail their checksum.
    """
    if manifest.get("format") != FORMAT_VERSION:
        return {}
    try:
        path = verified_path(build, manifest, PIECES_FILE)
        return decode_pieces(path, piece_hashes(manifest))
    except (OSError, ValueError, IndexError_):
        return {}


def chunk_entries(clauses: Sequence[Clause]) -> list[dict[str, str]]:
    entries = []
    for c in clauses:
        content, record = clause_hashes(c)  # once per clause object (staleness, then build)
        entries.append({"chunk_id": c.chunk_id, "content_hash": content, "record_hash": record})
    return entries


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
