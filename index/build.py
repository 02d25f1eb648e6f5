"""Build the on-disk search index (layout: :mod:`index.artifacts`).

A build writes everything into a fresh ``.tmp-`` folder, renames it into place and only
then switches ``CURRENT``, so a crash at any point leaves the previous build live and
loadable.  The previous build is kept (a reader may still be loading it); older ones and
leftover temporary folders are removed.

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

import hashlib
import json
import os
import secrets
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.artifacts import (
    ARTIFACTS_KEY,
    FORMAT_VERSION,
    HasClauses,
    chunk_entries,
    current_build,
    encode_chunk_rows,
    index_root,
    parser_version,
    read_artifact,
    read_manifest,
    row_hashes,
    stack_vectors,
    stored_vectors,
    verified_path,
)
from index.embedders import Embedder, normalise_rows
from index.fsutil import build_lock, fsync_dir, fsync_write
from index.pieces import SENTENCE_VERSION, chunk_phrases, chunk_sentences, text_hash
from index.records import clause_to_record
from index.tokenize import TOKENIZER_VERSION, tokenize
from index.vectorstore import PIECES_FILE, encode_faiss, encode_pieces, piece_order
from knowledge.errors import IndexError_, PolicyBotError
from knowledge.model import Clause

__all__ = ["EMBED_BATCH", "KEEP_PREVIOUS", "BuildReport", "build_index"]

EMBED_BATCH = 32
KEEP_PREVIOUS = 1  # complete builds kept besides the live one


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
    edited chunks; unreadable or damaged stored tokens are simply recomputed.
    """
    if live is None or live[1].get("tokenizer_version") != TOKENIZER_VERSION:
        return {}
    build, manifest = live
    try:
        rows = json.loads(read_artifact(build, manifest, "chunks.json").decode("utf-8"))
        hashes = [str(e["content_hash"]) for e in manifest.get("chunks", [])]
        if not isinstance(rows, list) or len(rows) != len(hashes):
            return {}
        return {h: [str(t) for t in row["tokens"]] for h, row in zip(hashes, rows, strict=True)
                if isinstance(row, dict) and isinstance(row.get("tokens"), list)}
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


def _link_or_write(folder: Path, name: str, blob: bytes, digest: str,
                   previous: tuple[Path, dict[str, Any]] | None) -> None:
    """Hard-link the previous build's copy of an unchanged artefact, else write it."""
    if previous is not None:
        old_build, old_manifest = previous
        if (old_manifest.get(ARTIFACTS_KEY) or {}).get(name) == digest:
            try:  # never link a copy damaged since it was written
                os.link(verified_path(old_build, old_manifest, name), folder / name)
                return
            except (OSError, IndexError_):  # no hard links here, the file went or is bad
                pass
    fsync_write(folder / name, blob)


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
    previous: tuple[Path, dict[str, Any]] | None = None,
) -> None:
    """Write every artefact of a build into ``folder`` (the manifest last).

    An artefact whose bytes equal the ``previous`` build's (by sha256) is hard-linked, not
    rewritten: builds are immutable once written, so sharing the inode is safe.
    """

    folder.mkdir(parents=True)
    checksums: dict[str, str] = {}

    def write(name: str, blob: bytes) -> None:
        digest = hashlib.sha256(blob).hexdigest()
        _link_or_write(folder, name, blob, digest, previous)
        checksums[name] = digest

    # every distinct vector once, float16 (index.vectorstore); row order from the manifest
    dim = vectors.shape[1]
    chunk_hashes, sentence_hashes, phrase_hashes = row_hashes(manifest)
    known = dict(zip(chunk_hashes, vectors, strict=True))
    known.update(zip(sentence_hashes, sentence_vectors, strict=True))
    known.update(zip(phrase_hashes, phrase_vectors, strict=True))
    order = piece_order(chunk_hashes, sentence_hashes, phrase_hashes)
    write(PIECES_FILE, encode_pieces(order, known, dim))
    write("faiss.index", encode_faiss(vectors, dim))
    records = [
        {"record": clause_to_record(c), "tokens": t} for c, t in zip(clauses, tokens, strict=True)
    ]
    write("chunks.json", encode_chunk_rows(records))  # one row a line: streamed on load
    # sha256 of every artefact: a load verifies them before parsing a byte (index.artifacts)
    manifest[ARTIFACTS_KEY] = checksums
    _write_manifest(folder, manifest)
    fsync_dir(folder)


def _live(data_dir: Path) -> tuple[Path, dict[str, Any]] | None:
    """The live build and its manifest (whose artefacts a new build may share)."""
    build = current_build(data_dir)
    manifest = read_manifest(build) if build is not None else None
    return (build, manifest) if build is not None and manifest else None


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    # no indent: json's C encoder serves only indent=None (ten times faster on big builds)
    blob = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
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
    root = index_root(Path(data_dir))
    with build_lock(root):
        builds = root / "builds"
        builds.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC)
        name = f"{stamp:%Y%m%dT%H%M%S%f}-{secrets.token_hex(3)}"
        tmp = builds / f".tmp-{name}"
        try:
            live = _live(Path(data_dir))  # the manifest is read once per build
            known = _previous_vectors(live, embedder)
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
            sentence_vectors = stack_vectors(known, [h for _, h, _ in sentence_rows], dim)
            phrase_vectors = stack_vectors(known, [h for _, h, _ in phrase_rows], dim)
            vectors = (
                np.stack([known[c.content_hash] for c in clauses]).astype(np.float32)
                if clauses
                else np.zeros((0, dim), dtype=np.float32)
            )
            if vectors.shape[1] != dim:
                raise IndexError_(f"stored vectors have {vectors.shape[1]} dims, expected {dim}")
            tokens, tokenised = _tokens(clauses, _previous_tokens(live))
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
                "tokenised": tokenised,
                "chunks": chunk_entries(clauses),
                "sentence_version": SENTENCE_VERSION,
                "sentences": [[i, h] for i, h, _ in sentence_rows],
                "phrases": [[i, h] for i, h, _ in phrase_rows],
            }
            _write_build(
                tmp, clauses, vectors, tokens, manifest, sentence_vectors, phrase_vectors,
                live,
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
        tokenised=tokenised,
    )
