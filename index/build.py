"""Build the on-disk search index (layout: :mod:`index.manifest`).

A build writes everything into a fresh ``.tmp-`` folder, renames it into place and only
then switches ``CURRENT``, so a crash at any point leaves the previous build live and
loadable (:mod:`index.publish`).  The previous build is kept (a reader may still be
loading it); older ones and leftover temporary folders are removed.

Incremental: vectors are reused by content hash when the embedder name is unchanged, so
only new or edited chunks (and sentences) are embedded; a different embedder re-embeds
everything.

BM25 tokens are reused by content hash the same way (from the live build's
``chunks.json``, same tokenizer version), and an artefact whose bytes are unchanged is
hard-linked from the live build instead of rewritten.

Every chunk is also embedded per sentence and per phrase (see :mod:`index.pieces`); those
vectors are reused by the hash of their text exactly like chunk vectors.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.artifacts import HasClauses, chunk_rows
from index.embedders import Embedder, normalise_rows
from index.fsutil import build_lock
from index.manifest import (
    FORMAT_VERSION,
    chunk_entries,
    index_root,
    parser_version,
    stored_vectors,
    verified_path,
)
from index.pieces import SENTENCE_VERSION, chunk_phrases, chunk_sentences, text_hash
from index.publish import KEEP_PREVIOUS, cleanup, live_build, publish, slim, write_build
from index.tokenize import TOKENIZER_VERSION, tokenize
from index.vectorstore import (
    encode_piece_rows,
    piece_order,
)
from knowledge.errors import IndexError_, PolicyBotError
from knowledge.model import Clause

__all__ = ["EMBED_BATCH", "KEEP_PREVIOUS", "BuildReport", "build_index"]

EMBED_BATCH = 32


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
    tokenised: int = 0  # chunks tokenised by this build (the others' tokens reused)


def _previous_vectors(live: tuple[Path, dict[str, Any]] | None,
                      embedder: Embedder) -> dict[str, np.ndarray]:
    """text hash -> vector (chunks, sentences, phrases) of the live build, same embedder only."""
    if live is None:
        return {}
    build, manifest = live
    if not manifest or manifest.get("format") != FORMAT_VERSION:
        return {}
    if manifest.get("embedder") != embedder.name:
        return {}
    # only vectors whose file matches the manifest's checksum are reused
    return stored_vectors(build, manifest)


def _previous_tokens(live: tuple[Path, dict[str, Any]] | None) -> dict[str, list[str]]:
    """content hash -> BM25 tokens of the live build's chunks (same tokenizer version only).

    Tokens depend on a chunk's embedding text alone, so a rebuild re-tokenises only new or
    edited chunks; unreadable or damaged stored tokens are simply recomputed.  The file is
    read a row at a time with interned tokens (parsed whole, the old build's rows were the
    largest part of the reload peak at 1000 documents).
    """
    if live is None or live[1].get("tokenizer_version") != TOKENIZER_VERSION:
        return {}
    build, manifest = live
    try:
        hashes = [str(e["content_hash"]) for e in manifest.get("chunks", [])]
        rows, _ = chunk_rows(verified_path(build, manifest, "chunks.json"), records=False)
        if len(rows) != len(hashes):
            return {}
        return {h: list(row) for h, row in zip(hashes, rows, strict=True)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError_):
        return {}


def _tokens(clauses: Sequence[Clause], known: dict[str, list[str]]) -> tuple[list[list[str]], int]:
    """BM25 tokens of every chunk, reused from ``known`` by content hash; and how many
    chunks were tokenised afresh."""
    out: list[list[str]] = []
    fresh = 0
    for clause in clauses:
        digest = clause.content_hash
        tokens = known.get(digest)
        if tokens is None:
            tokens = tokenize(clause.embedding_text())
            known[digest] = tokens
            fresh += 1
        out.append(tokens)
    return out, fresh


def _piece_rows(
    clauses: Sequence[Clause], pieces: Callable[[Clause], Iterable[str]],
    known: Mapping[str, np.ndarray],
) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """``(chunk, text hash)`` of every piece of every chunk (a hash repeated in many rows is
    one string), and the ``(hash, text)`` of those with no known vector."""
    rows: list[tuple[int, str]] = []
    todo: dict[str, str] = {}
    one: dict[str, str] = {}
    for i, clause in enumerate(clauses):
        for text in pieces(clause):
            digest = text_hash(text)
            digest = one.setdefault(digest, digest)
            rows.append((i, digest))
            if digest not in known:
                todo.setdefault(digest, text)
    return rows, list(todo.items())


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


@dataclass
class _Vectors:
    """Every vector a build needs, by text hash, and where each piece belongs."""

    known: dict[str, np.ndarray]  # text hash -> vector (chunks, sentences, phrases)
    sentence_rows: list[tuple[int, str]]  # (chunk, text hash) of every sentence
    phrase_rows: list[tuple[int, str]]  # the same for every phrase
    reused: int
    embedded: int
    sentences_embedded: int
    phrases_embedded: int


def _embed_all(clauses: Sequence[Clause], embedder: Embedder, known: dict[str, np.ndarray],
               progress: bool) -> _Vectors:
    """Embed every chunk, sentence and phrase text with no vector in ``known`` yet."""
    reused = sum(1 for c in clauses if c.content_hash in known)
    embedded = _embed_missing(
        [(c.content_hash, c.embedding_text()) for c in clauses], embedder, known, progress
    )
    # (chunk, text hash) of every sentence, then of every phrase; a text is kept only
    # until it is embedded, and only when no vector of it is known
    sentence_rows, todo = _piece_rows(clauses, chunk_sentences, known)
    sentences_embedded = _embed_missing(todo, embedder, known, progress)
    phrase_rows, todo = _piece_rows(clauses, chunk_phrases, known)
    phrases_embedded = _embed_missing(todo, embedder, known, progress)
    return _Vectors(known, sentence_rows, phrase_rows, reused, embedded, sentences_embedded,
                    phrases_embedded)


def _chunk_matrix(clauses: Sequence[Clause], known: Mapping[str, np.ndarray], dim: int
                  ) -> np.ndarray:
    """The chunks' whole-text vectors, one float32 row each."""
    vectors = (
        np.stack([known[c.content_hash] for c in clauses]).astype(np.float32, copy=False)
        if clauses
        else np.zeros((0, dim), dtype=np.float32)
    )
    if vectors.shape[1] != dim:
        raise IndexError_(f"stored vectors have {vectors.shape[1]} dims, expected {dim}")
    return vectors


def _piece_table(clauses: Sequence[Clause], v: _Vectors) -> tuple[list[str], dict[str, bytes]]:
    """Every distinct text once, in order of first appearance (``pieces.npy``'s rows), and
    the encoded (chunk, row) pairs of the sentences and phrases."""
    order = piece_order([c.content_hash for c in clauses],
                        (h for _, h in v.sentence_rows), (h for _, h in v.phrase_rows))
    position = {h: k for k, h in enumerate(order)}
    rows = {name: encode_piece_rows([(i, position[h]) for i, h in pairs])
            for name, pairs in (("sentences", v.sentence_rows), ("phrases", v.phrase_rows))}
    return order, rows


def _manifest(kb: HasClauses, clauses: Sequence[Clause], embedder: Embedder, stamp: datetime,
              v: _Vectors, tokenised: int, order: list[str]) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "embedder": embedder.name,
        "dim": embedder.dim,
        "parser_version": parser_version(),
        "tokenizer_version": TOKENIZER_VERSION,
        "built_at": stamp.isoformat(timespec="seconds"),
        "kb_fingerprint": str(getattr(kb, "fingerprint", "") or ""),
        "count": len(clauses),
        "embedded": v.embedded,
        "tokenised": tokenised,
        "chunks": chunk_entries(clauses),
        "sentence_version": SENTENCE_VERSION,
        "sentence_count": len(v.sentence_rows),
        "phrase_count": len(v.phrase_rows),
        "pieces": order,
    }


def build_index(
    kb: HasClauses, data_dir: Path, embedder: Embedder, progress: bool = True
) -> BuildReport:
    """Build (incrementally) the index of ``kb.clauses`` and make it the live one.

    Raises :class:`IndexError_` when the embedder or the disk fails; the previous build
    then stays live.
    """
    started = time.perf_counter()
    clauses = list(kb.clauses)
    root = index_root(Path(data_dir))
    with build_lock(root):
        builds = root / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC)
        name = f"{stamp:%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"
        tmp = builds / f".tmp-{name}"
        try:
            live = live_build(Path(data_dir))  # the manifest is read once per build
            known = _previous_vectors(live, embedder)
            previous_tokens = _previous_tokens(live)
            # from here on only the live build's checksums are needed (for hard links):
            # its row lists are tens of MiB of objects at 1000 documents
            live = slim(live)
            v = _embed_all(clauses, embedder, known, progress)
            vectors = _chunk_matrix(clauses, known, embedder.dim)
            tokens, tokenised = _tokens(clauses, previous_tokens)
            del previous_tokens
            order, rows = _piece_table(clauses, v)
            manifest = _manifest(kb, clauses, embedder, stamp, v, tokenised, order)
            write_build(tmp, clauses, vectors, tokens, manifest, known, rows, live)
            final = publish(tmp, root, name)
        except PolicyBotError:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise IndexError_(f"index build failed: {type(exc).__name__}: {exc}") from exc
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        cleanup(root, name)
    return BuildReport(
        embedded=v.embedded,
        reused=v.reused,
        path=final,
        seconds=time.perf_counter() - started,
        chunks=len(clauses),
        sentences_embedded=v.sentences_embedded,
        sentences=len(v.sentence_rows),
        phrases_embedded=v.phrases_embedded,
        phrases=len(v.phrase_rows),
        tokenised=tokenised,
    )
