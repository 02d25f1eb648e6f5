"""Where the builds of the search index live, the live one, its manifest, and the
checksums of its artefacts (the layout; loading is :mod:`index.artifacts`).

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
import json
import logging
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.records import clause_hashes
from index.vectorstore import PIECES_FILE, ROWS_FILES, decode_pieces
from knowledge.errors import IndexError_
from knowledge.model import Clause
from knowledge.sources.parsing import PARSER_VERSION

__all__ = [
    "ARTIFACTS_KEY",
    "ARTIFACT_FILES",
    "FORMAT_VERSION",
    "artifacts_intact",
    "chunk_entries",
    "current_build",
    "index_root",
    "parser_version",
    "piece_hashes",
    "read_artifact",
    "read_manifest",
    "stored_vectors",
    "verified_path",
]

# 2: sentence vectors; 3: phrase vectors; 4: distinct float16, mmap; 5: sentence and phrase
# rows in .npy files, the distinct texts' hashes ("pieces") in the manifest
FORMAT_VERSION = 5
ARTIFACTS_KEY = "artifacts"  # manifest: artefact file name -> sha256 of its bytes
ARTIFACT_FILES = (PIECES_FILE, "faiss.index", "chunks.json", *ROWS_FILES.values())
HASH_BLOCK = 1 << 20
log = logging.getLogger(__name__)


def parser_version() -> str:
    """The version of the clause parser the chunks come from (a new one: rebuild)."""
    return PARSER_VERSION


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
