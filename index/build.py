"""Build, load and check the on-disk search index.

Layout under ``data_dir/index/``::

    CURRENT                  name of the live build (replaced atomically with os.replace)
    .lock                    flock held while a build runs (one builder at a time)
    builds/<name>/           a complete build:
        manifest.json        format, embedder, dim, parser/tokenizer versions, built_at,
                             and per chunk: chunk_id, content_hash, record_hash
        vectors.npy          float32 unit vectors, one row per chunk
        sentences.npy        float32 unit vectors, one row per sentence of a chunk
                             (manifest ``sentences``: owning chunk and content hash)
        phrases.npy          float32 unit vectors, one row per phrase of a chunk
                             (manifest ``phrases``: owning chunk and content hash)
        faiss.index          IndexFlatIP over the same vectors
        chunks.json          clause records (full Clause + DocumentMeta) and BM25 tokens
    builds/.tmp-<name>/      a build in progress; never read

A build writes everything into a fresh ``.tmp-`` folder, renames it into place and only
then switches ``CURRENT``, so a crash at any point leaves the previous build live and
loadable.  The previous build is kept (a reader may still be loading it); older ones and
leftover temporary folders are removed.

Incremental: vectors are reused by content hash when the embedder name is unchanged, so
only new or edited chunks (and sentences) are embedded; a different embedder re-embeds
everything.

Sentence vectors: USE is trained on short sentences, and a 300–600 character clause
embedded as one vector is poorly represented.  Every chunk is therefore *also* embedded per
sentence (split on 。；！？, see :func:`chunk_sentences`), each prefixed with the chunk's
deepest heading; the retriever scores a chunk's dense similarity from its whole-text
vector and its best sentence vectors.  Sentence vectors are reused by the hash of their
text exactly like chunk vectors.

Phrase vectors: one step finer, every chunk is also embedded per *phrase* (split on
，。；！？：, pieces under ``MIN_PHRASE_CHARS`` glued to the next, same heading prefix, see
:func:`chunk_phrases`).  A policy sentence often packs several provisions separated by
commas (…用好科技创新券政策，对技术供需双方给予奖补，发挥好创投基金…); a question
about one of them matches its phrase far better than the whole sentence.  Reused by hash
like sentence vectors.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.embedders import Embedder, normalise_rows
from index.fsutil import build_lock, fsync_dir, fsync_write
from index.lexical import LexicalIndex
from index.records import clause_from_record, clause_to_record, record_hash
from index.tokenize import TOKENIZER_VERSION, tokenize
from knowledge.errors import IndexError_, PolicyBotError
from knowledge.model import Clause

__all__ = [
    "FORMAT_VERSION",
    "BuildReport",
    "SearchIndex",
    "build_index",
    "chunk_phrases",
    "chunk_sentences",
    "index_is_stale",
    "load_index",
]

FORMAT_VERSION = 3  # 2: sentence vectors; 3: phrase vectors
# bump when chunk_sentences() or chunk_phrases() changes (forces a (cheap) rebuild)
SENTENCE_VERSION = "2"
MIN_SENTENCE_CHARS = 6  # shorter pieces are glued to the next sentence
MIN_PHRASE_CHARS = 8  # shorter phrases are glued to the next phrase
_SENTENCE_END = re.compile(r"(?<=[。；！？;!?])")
_PHRASE_END = re.compile(r"(?<=[，。；！？：,;!?:])")
EMBED_BATCH = 32
KEEP_PREVIOUS = 1  # complete builds kept besides the live one


class HasClauses(Protocol):
    """What :func:`build_index` needs from a KnowledgeBase."""

    @property
    def clauses(self) -> Sequence[Clause]: ...


@dataclass(frozen=True)
class BuildReport:
    embedded: int  # chunks embedded by this build
    reused: int  # chunks whose stored vector was reused
    path: Path  # folder of the new build
    seconds: float
    chunks: int = 0
    sentences_embedded: int = 0  # sentence vectors embedded by this build
    sentences: int = 0  # sentence vectors in the build
    phrases_embedded: int = 0  # phrase vectors embedded by this build
    phrases: int = 0  # phrase vectors in the build


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
    """``knowledge.parsing.PARSER_VERSION``, or "unknown" while that module is absent."""
    try:
        module = importlib.import_module("knowledge.parsing")
    except ImportError:
        return "unknown"
    return str(getattr(module, "PARSER_VERSION", "unknown"))


def chunk_sentences(clause: Clause) -> list[str]:
    """The texts embedded per sentence for ``clause``: ``"<deepest heading>：<sentence>"``.

    The body is split after 。；！？ (and their ASCII forms); a piece shorter than
    ``MIN_SENTENCE_CHARS`` is glued to the next one.  A body of one sentence gives one
    text (it still differs from the whole-text vector by its short prefix).
    """
    return _pieces(clause, _SENTENCE_END, MIN_SENTENCE_CHARS)


def chunk_phrases(clause: Clause) -> list[str]:
    """The texts embedded per phrase for ``clause``: ``"<deepest heading>：<phrase>"``.

    As :func:`chunk_sentences`, but split after ，。；！？： (and their ASCII forms), pieces
    shorter than ``MIN_PHRASE_CHARS`` glued to the next one.
    """
    return _pieces(clause, _PHRASE_END, MIN_PHRASE_CHARS)


def _pieces(clause: Clause, end: re.Pattern[str], min_chars: int) -> list[str]:
    heading = next((h for h in reversed(clause.headings) if h), "") or clause.doc.title
    out: list[str] = []
    pending = ""
    for piece in end.split(clause.text):
        piece = pending + piece.strip()
        if len(piece) < min_chars:
            pending = piece
            continue
        pending = ""
        out.append(f"{heading}：{piece}")
    if pending:
        if out:
            out[-1] += pending
        else:
            out.append(f"{heading}：{pending}")
    return out


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _root(data_dir: Path) -> Path:
    return Path(data_dir) / "index"


def _current_build(data_dir: Path) -> Path | None:
    root = _root(data_dir)
    try:
        name = (root / "CURRENT").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if not name or "/" in name or name.startswith("."):
        return None
    path = root / "builds" / name
    return path if path.is_dir() else None


def _read_manifest(build: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _chunk_entries(clauses: Sequence[Clause]) -> list[dict[str, str]]:
    return [
        {
            "chunk_id": c.chunk_id,
            "content_hash": c.content_hash,
            "record_hash": record_hash(clause_to_record(c)),
        }
        for c in clauses
    ]


def _previous_vectors(data_dir: Path, embedder: Embedder) -> dict[str, np.ndarray]:
    """text hash -> vector (chunks, sentences, phrases) of the live build, same embedder only."""
    build = _current_build(data_dir)
    if build is None:
        return {}
    manifest = _read_manifest(build)
    if not manifest or manifest.get("format") != FORMAT_VERSION:
        return {}
    if manifest.get("embedder") != embedder.name:
        return {}
    try:
        vectors = np.load(build / "vectors.npy", allow_pickle=False)
    except (OSError, ValueError):
        return {}
    entries = manifest.get("chunks", [])
    if vectors.ndim != 2 or len(entries) != vectors.shape[0]:
        return {}
    known = {e["content_hash"]: vectors[i] for i, e in enumerate(entries)}
    for key, file in (("sentences", "sentences.npy"), ("phrases", "phrases.npy")):
        hashes = [h for _, h in manifest.get(key, [])]
        try:
            rows = np.load(build / file, allow_pickle=False)
        except (OSError, ValueError):
            continue
        if rows.ndim == 2 and rows.shape[0] == len(hashes):
            known.update(zip(hashes, rows, strict=True))
    return known


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc="embedding clauses",
        unit="chunk",
        file=sys.stderr,
        disable=not enabled or total == 0,
        leave=False,
    )


def _embed_missing(
    texts: Sequence[tuple[str, str]],
    embedder: Embedder,
    known: dict[str, np.ndarray],
    progress: bool,
) -> int:
    """Embed the ``(hash, text)`` pairs with no vector yet (adds them to ``known``)."""
    todo: dict[str, str] = {}
    for digest, text in texts:
        if digest not in known and digest not in todo:
            todo[digest] = text
    items = list(todo.items())
    with _progress(len(items), progress) as bar:
        for start in range(0, len(items), EMBED_BATCH):
            batch = items[start : start + EMBED_BATCH]
            vectors = normalise_rows(embedder.embed([text for _, text in batch]), embedder.dim)
            if vectors.shape[0] != len(batch):
                raise IndexError_(
                    f"embedder {embedder.name} returned {vectors.shape[0]} vectors "
                    f"for {len(batch)} texts"
                )
            for (digest, _), vector in zip(batch, vectors, strict=True):
                known[digest] = vector
            bar.update(len(batch))
    return len(items)


def _write_build(
    folder: Path,
    clauses: Sequence[Clause],
    vectors: np.ndarray,
    tokens: list[list[str]],
    manifest: dict[str, Any],
    sentence_vectors: np.ndarray,
    phrase_vectors: np.ndarray,
) -> None:
    """Write every artefact of a build into ``folder`` (the manifest last)."""
    import faiss

    folder.mkdir(parents=True)
    with open(folder / "vectors.npy", "wb") as handle:
        np.save(handle, vectors, allow_pickle=False)
        handle.flush()
        os.fsync(handle.fileno())
    for file, rows in (("sentences.npy", sentence_vectors), ("phrases.npy", phrase_vectors)):
        with open(folder / file, "wb") as handle:
            np.save(handle, rows, allow_pickle=False)
            handle.flush()
            os.fsync(handle.fileno())
    flat = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        flat.add(vectors)
    faiss.write_index(flat, str(folder / "faiss.index"))
    records = [
        {"record": clause_to_record(c), "tokens": t} for c, t in zip(clauses, tokens, strict=True)
    ]
    fsync_write(folder / "chunks.json", json.dumps(records, ensure_ascii=False).encode("utf-8"))
    _write_manifest(folder, manifest)
    fsync_dir(folder)


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    blob = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    fsync_write(folder / "manifest.json", blob)


def _switch_current(root: Path, name: str) -> None:
    pointer = root / f".CURRENT.{secrets.token_hex(4)}"
    fsync_write(pointer, name.encode("utf-8"))
    os.replace(pointer, root / "CURRENT")
    fsync_dir(root)


def _cleanup(root: Path, live: str) -> None:
    """Remove temporary folders and all complete builds but the live one and its previous."""
    builds = root / "builds"
    complete = []
    for entry in builds.iterdir():
        if entry.name.startswith(".tmp-"):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_dir() and entry.name != live:
            complete.append(entry)
    complete.sort(key=lambda p: p.name, reverse=True)
    for old in complete[KEEP_PREVIOUS:]:
        shutil.rmtree(old, ignore_errors=True)
    for stray in root.glob(".CURRENT.*"):
        stray.unlink(missing_ok=True)


def build_index(
    kb: HasClauses, data_dir: Path, embedder: Embedder, progress: bool = True
) -> BuildReport:
    """Build (incrementally) the index of ``kb.clauses`` and make it the live one.

    Raises :class:`IndexError_` when the embedder or the disk fails; the previous build
    then stays live.
    """
    started = time.perf_counter()
    clauses = list(kb.clauses)
    root = _root(Path(data_dir))
    with build_lock(root):
        builds = root / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC)
        name = f"{stamp:%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"
        tmp = builds / f".tmp-{name}"
        try:
            known = _previous_vectors(Path(data_dir), embedder)
            reused = sum(1 for c in clauses if c.content_hash in known)
            embedded = _embed_missing(
                [(c.content_hash, c.embedding_text()) for c in clauses], embedder, known, progress
            )
            sentence_rows: list[tuple[int, str, str]] = [
                (i, text_hash(t), t) for i, c in enumerate(clauses) for t in chunk_sentences(c)
            ]
            sentences_embedded = _embed_missing(
                [(h, t) for _, h, t in sentence_rows], embedder, known, progress
            )
            phrase_rows: list[tuple[int, str, str]] = [
                (i, text_hash(t), t) for i, c in enumerate(clauses) for t in chunk_phrases(c)
            ]
            phrases_embedded = _embed_missing(
                [(h, t) for _, h, t in phrase_rows], embedder, known, progress
            )
            dim = embedder.dim
            sentence_vectors = _stack(known, [h for _, h, _ in sentence_rows], dim)
            phrase_vectors = _stack(known, [h for _, h, _ in phrase_rows], dim)
            vectors = (
                np.stack([known[c.content_hash] for c in clauses]).astype(np.float32)
                if clauses
                else np.zeros((0, dim), dtype=np.float32)
            )
            if vectors.shape[1] != dim:
                raise IndexError_(f"stored vectors have {vectors.shape[1]} dims, expected {dim}")
            tokens = [tokenize(c.embedding_text()) for c in clauses]
            manifest = {
                "format": FORMAT_VERSION,
                "embedder": embedder.name,
                "dim": dim,
                "parser_version": parser_version(),
                "tokenizer_version": TOKENIZER_VERSION,
                "built_at": stamp.isoformat(timespec="seconds"),
                "kb_fingerprint": str(getattr(kb, "fingerprint", "") or ""),
                "count": len(clauses),
                "embedded": embedded,
                "chunks": _chunk_entries(clauses),
                "sentence_version": SENTENCE_VERSION,
                "sentences": [[i, h] for i, h, _ in sentence_rows],
                "phrases": [[i, h] for i, h, _ in phrase_rows],
            }
            _write_build(
                tmp, clauses, vectors, tokens, manifest, sentence_vectors, phrase_vectors
            )
            final = builds / name
            os.rename(tmp, final)
            fsync_dir(builds)
            _switch_current(root, name)
        except PolicyBotError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise IndexError_(f"index build failed: {type(exc).__name__}: {exc}") from exc
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        _cleanup(root, name)
    return BuildReport(
        embedded=embedded,
        reused=reused,
        path=final,
        seconds=time.perf_counter() - started,
        chunks=len(clauses),
        sentences_embedded=sentences_embedded,
        sentences=len(sentence_rows),
        phrases_embedded=phrases_embedded,
        phrases=len(phrase_rows),
    )


def _stack(known: Mapping[str, np.ndarray], hashes: Sequence[str], dim: int) -> np.ndarray:
    """The vectors of ``hashes`` as one float32 matrix, shape ``(len(hashes), dim)``."""
    if not hashes:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([known[h] for h in hashes]).astype(np.float32)


def _load_build(build: Path, embedder: Embedder) -> SearchIndex | None:
    import faiss

    manifest = _read_manifest(build)
    if manifest is None:
        raise IndexError_(f"index manifest missing or unreadable in {build}")
    if manifest.get("format") != FORMAT_VERSION or manifest.get("embedder") != embedder.name:
        return None
    try:
        vectors = np.load(build / "vectors.npy", allow_pickle=False)
        flat = faiss.read_index(str(build / "faiss.index"))
        rows = json.loads((build / "chunks.json").read_text(encoding="utf-8"))
        chunks = tuple(clause_from_record(r["record"]) for r in rows)
        stored_tokens = [tuple(r["tokens"]) for r in rows]
        sentence_vectors = np.load(build / "sentences.npy", allow_pickle=False)
        owners = np.asarray([int(i) for i, _ in manifest.get("sentences", [])], dtype=np.int64)
        phrase_vectors = np.load(build / "phrases.npy", allow_pickle=False)
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
        build = _current_build(Path(data_dir))
        if build is None:
            return None
        try:
            return _load_build(build, embedder)
        except IndexError_:
            # A concurrent build may have switched CURRENT and pruned this one; retry once.
            if attempt == 0 and _current_build(Path(data_dir)) != build:
                continue
            raise
    return None


def index_is_stale(kb: HasClauses, data_dir: Path, embedder: Embedder) -> bool:
    """Whether the live index does not match ``kb`` and ``embedder`` exactly.

    Stale when there is no index, the embedder, format or parser version differ, or any
    chunk was added, removed, reordered or changed (text *or* metadata shown in hits).
    """
    build = _current_build(Path(data_dir))
    manifest = _read_manifest(build) if build is not None else None
    if manifest is None:
        return True
    if manifest.get("format") != FORMAT_VERSION or manifest.get("embedder") != embedder.name:
        return True
    if manifest.get("parser_version") != parser_version():
        return True
    if manifest.get("sentence_version") != SENTENCE_VERSION:
        return True
    return bool(manifest.get("chunks") != _chunk_entries(list(kb.clauses)))
