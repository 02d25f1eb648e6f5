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
        vectors.npy          float32 unit vectors, one row per chunk
        sentences.npy        float32 unit vectors, one row per sentence of a chunk
                             (manifest ``sentences``: owning chunk and content hash)
        phrases.npy          float32 unit vectors, one row per phrase of a chunk
                             (manifest ``phrases``: owning chunk and content hash)
        faiss.index          IndexFlatIP over the same vectors
        chunks.json          clause records (full Clause + DocumentMeta) and BM25 tokens
    builds/.tmp-<name>/      a build in progress; never read

Builds are written by :mod:`index.build`; sentences and phrases come from
:mod:`index.pieces`.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.embedders import Embedder
from index.lexical import LexicalIndex
from index.pieces import SENTENCE_VERSION
from index.records import clause_from_record, clause_to_record, record_hash
from index.tokenize import TOKENIZER_VERSION, tokenize
from knowledge.errors import IndexError_
from knowledge.model import Clause

__all__ = [
    "ARTIFACTS_KEY",
    "FORMAT_VERSION",
    "HasClauses",
    "SearchIndex",
    "chunk_entries",
    "current_build",
    "index_is_stale",
    "index_root",
    "load_index",
    "parser_version",
    "read_artifact",
    "read_manifest",
    "stack_vectors",
]

FORMAT_VERSION = 3  # 2: sentence vectors; 3: phrase vectors
ARTIFACTS_KEY = "artifacts"  # manifest: artefact file name -> sha256 of its bytes
ARTIFACT_FILES = ("vectors.npy", "sentences.npy", "phrases.npy", "faiss.index", "chunks.json")
log = logging.getLogger(__name__)


class HasClauses(Protocol):
    """What :func:`index_is_stale` and :func:`index.build.build_index` need from a KnowledgeBase."""

    @property
    def clauses(self) -> Sequence[Clause]: ...


@dataclass(frozen=True, eq=False)
class SearchIndex:
    """A loaded build: chunks (full clauses), vectors, FAISS and BM25, all read-only."""

    path: Path
    manifest: Mapping[str, Any]
    chunks: tuple[Clause, ...]
    vectors: np.ndarray
    faiss_index: Any
    lexical: LexicalIndex
    tokens: tuple[tuple[str, ...], ...] = field(repr=False)
    # one row per sentence of a chunk, and the chunk index owning each row
    sentence_vectors: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), dtype=np.float32), repr=False
    )
    sentence_owners: np.ndarray = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False
    )
    # one row per phrase of a chunk (see chunk_phrases), and the chunk index owning each row
    phrase_vectors: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), dtype=np.float32), repr=False
    )
    phrase_owners: np.ndarray = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False
    )

    @property
    def embedder_name(self) -> str:
        return str(self.manifest["embedder"])

    def __len__(self) -> int:
        return len(self.chunks)


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


def read_artifact(build: Path, manifest: Mapping[str, Any], name: str) -> bytes:
    """The bytes of one artefact, only if they match the manifest's sha256.

    Raises :class:`IndexError_` ("damaged") when the file is missing, unreadable, has no
    recorded checksum (a build older than checksums) or fails it: a truncated or bit-flipped
    file is never handed to numpy, FAISS or JSON.
    """
    expected = (manifest.get(ARTIFACTS_KEY) or {}).get(name)
    if not isinstance(expected, str):
        raise IndexError_(f"index in {build} is damaged: no checksum for {name}")
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
            read_artifact(build, manifest, name)
    except IndexError_ as exc:
        log.warning("%s; the index will be rebuilt", exc)
        return False
    return True


def chunk_entries(clauses: Sequence[Clause]) -> list[dict[str, str]]:
    return [
        {
            "chunk_id": c.chunk_id,
            "content_hash": c.content_hash,
            "record_hash": record_hash(clause_to_record(c)),
        }
        for c in clauses
    ]


def stack_vectors(known: Mapping[str, np.ndarray], hashes: Sequence[str], dim: int) -> np.ndarray:
    """The vectors of ``hashes`` as one float32 matrix, shape ``(len(hashes), dim)``."""
    if not hashes:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([known[h] for h in hashes]).astype(np.float32)


def _load_build(build: Path, embedder: Embedder) -> SearchIndex | None:
    import faiss

    manifest = read_manifest(build)
    if manifest is None:
        raise IndexError_(f"index manifest missing or unreadable in {build}")
    if manifest.get("format") != FORMAT_VERSION or manifest.get("embedder") != embedder.name:
        return None
    def npy(name: str) -> np.ndarray:
        return np.load(io.BytesIO(read_artifact(build, manifest, name)), allow_pickle=False)

    try:  # every artefact is checked against its sha256 before it is parsed
        vectors = npy("vectors.npy")
        raw_index = read_artifact(build, manifest, "faiss.index")
        flat = faiss.deserialize_index(np.frombuffer(raw_index, dtype=np.uint8))
        rows = json.loads(read_artifact(build, manifest, "chunks.json").decode("utf-8"))
        chunks = tuple(clause_from_record(r["record"]) for r in rows)
        stored_tokens = [tuple(r["tokens"]) for r in rows]
        sentence_vectors = npy("sentences.npy")
        owners = np.asarray([int(i) for i, _ in manifest.get("sentences", [])], dtype=np.int64)
        phrase_vectors = npy("phrases.npy")
        phrase_owners = np.asarray(
            [int(i) for i, _ in manifest.get("phrases", [])], dtype=np.int64
        )
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexError_(f"index in {build} is damaged: {exc}") from exc
    n = len(chunks)
    if vectors.shape != (n, manifest.get("dim")) or flat.ntotal != n:
        raise IndexError_(f"index in {build} is inconsistent ({n} chunks, {vectors.shape})")
    for kind, rows, who in (
        ("sentence", sentence_vectors, owners), ("phrase", phrase_vectors, phrase_owners)
    ):
        if rows.shape != (len(who), manifest.get("dim")) or (
            len(who) and (who.min() < 0 or who.max() >= n)
        ):
            raise IndexError_(f"index in {build} has inconsistent {kind} vectors")
    if manifest.get("tokenizer_version") == TOKENIZER_VERSION:
        tokens = tuple(stored_tokens)
    else:  # the dictionary or stop words changed since the build: re-tokenise (cheap)
        tokens = tuple(tuple(tokenize(c.embedding_text())) for c in chunks)
    vectors.setflags(write=False)
    sentence_vectors = np.ascontiguousarray(sentence_vectors, dtype=np.float32)
    sentence_vectors.setflags(write=False)
    owners.setflags(write=False)
    phrase_vectors = np.ascontiguousarray(phrase_vectors, dtype=np.float32)
    phrase_vectors.setflags(write=False)
    phrase_owners.setflags(write=False)
    return SearchIndex(
        path=build,
        manifest=manifest,
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


def load_index(data_dir: Path, embedder: Embedder) -> SearchIndex | None:
    """The live index, or ``None`` if there is none or it was built with another embedder.

    Raises :class:`IndexError_` if the live build is damaged (rebuild to repair).
    """
    for attempt in range(2):
        build = current_build(Path(data_dir))
        if build is None:
            return None
        try:
            return _load_build(build, embedder)
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
