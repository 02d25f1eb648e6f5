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
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    chunk_row_parts,
    chunk_rows,
    current_build,
    index_root,
    parser_version,
    read_manifest,
    stored_vectors,
    verified_path,
)
from index.embedders import Embedder, normalise_rows
from index.fsutil import build_lock, fsync_dir, fsync_write
from index.pieces import SENTENCE_VERSION, chunk_phrases, chunk_sentences, text_hash
from index.records import clause_to_record
from index.tokenize import TOKENIZER_VERSION, tokenize
from index.vectorstore import (
    PIECES_FILE,
    ROWS_FILES,
    encode_faiss,
    encode_piece_rows,
    encode_pieces,
    piece_order,
)
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


def _write_artifact(folder: Path, name: str, parts: Iterable[bytes],
                    previous: tuple[Path, dict[str, Any]] | None) -> str:
    """Write ``parts`` to ``folder/name`` as they come (never joined into one copy) and
    return their sha256; an artefact equal to the previous build's copy is hard-linked
    to it instead (builds are immutable once written, so sharing the inode is safe)."""
    path = folder / name
    digest = hashlib.sha256()
    with open(path, "wb") as handle:
        for part in parts:
            digest.update(part)
            handle.write(part)
        handle.flush()
        sha = digest.hexdigest()
        if previous is not None and (previous[1].get(ARTIFACTS_KEY) or {}).get(name) == sha:
            link = folder / f".{name}.link"
            try:  # never link a copy damaged since it was written
                os.link(verified_path(previous[0], previous[1], name), link)
                os.replace(link, path)
                return sha
            except (OSError, IndexError_):  # no hard links here, the file went or is bad
                link.unlink(missing_ok=True)
        os.fsync(handle.fileno())
    return sha


def _slim(live: tuple[Path, dict[str, Any]] | None) -> tuple[Path, dict[str, Any]] | None:
    """The live build with only the checksums of its manifest."""
    return None if live is None else (live[0], {ARTIFACTS_KEY: live[1].get(ARTIFACTS_KEY)})


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


def _write_build(
    folder: Path,
    clauses: Sequence[Clause],
    vectors: np.ndarray,
    tokens: list[list[str]],
    manifest: dict[str, Any],
    known: Mapping[str, np.ndarray],
    rows: Mapping[str, bytes],
    previous: tuple[Path, dict[str, Any]] | None = None,
) -> None:
    """Write every artefact of a build into ``folder`` (the manifest last).

    An artefact whose bytes equal the ``previous`` build's (by sha256) is hard-linked, not
    rewritten.  ``known``: hash -> vector of every chunk, sentence and phrase text; the
    sentence and phrase rows are never stacked into matrices of their own (hundreds of
    thousands of repeated rows at 1000 documents).  ``rows``: the encoded
    ``sentences.npy`` and ``phrases.npy`` by key ("sentences", "phrases").
    """

    folder.mkdir(parents=True)
    checksums: dict[str, str] = {}

    def write(name: str, parts: Iterable[bytes]) -> None:
        checksums[name] = _write_artifact(folder, name, parts, previous)

    # every distinct vector once, float16 (index.vectorstore); row order from the manifest
    write(PIECES_FILE, [encode_pieces(manifest["pieces"], known, vectors.shape[1])])
    for key, blob in rows.items():  # (chunk, piece row) of every sentence and phrase
        write(ROWS_FILES[key], [blob])
    write("faiss.index", [encode_faiss(vectors, vectors.shape[1])])
    records = ({"record": clause_to_record(c), "tokens": t}
               for c, t in zip(clauses, tokens, strict=True))
    write("chunks.json", chunk_row_parts(records))  # one row a line: streamed on load
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
    fsync_write(pointer, name.encode("utf-8"))  # a failed write leaves no pointer file
    try:
        os.replace(pointer, root / "CURRENT")
    except BaseException:
        pointer.unlink(missing_ok=True)
        raise
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
            previous_tokens = _previous_tokens(live)
            # from here on only the live build's checksums are needed (for hard links):
            # its row lists are tens of MiB of objects at 1000 documents
            live = _slim(live)
            reused = sum(1 for c in clauses if c.content_hash in known)
            embedded = _embed_missing(
                [(c.content_hash, c.embedding_text()) for c in clauses], embedder, known, progress
            )
            # (chunk, text hash) of every sentence, then of every phrase; a text is kept
            # only until it is embedded, and only when no vector of it is known
            sentence_rows, todo = _piece_rows(clauses, chunk_sentences, known)
            sentences_embedded = _embed_missing(todo, embedder, known, progress)
            phrase_rows, todo = _piece_rows(clauses, chunk_phrases, known)
            phrases_embedded = _embed_missing(todo, embedder, known, progress)
            del todo
            dim = embedder.dim
            vectors = (
                np.stack([known[c.content_hash] for c in clauses]).astype(np.float32, copy=False)
                if clauses
                else np.zeros((0, dim), dtype=np.float32)
            )
            if vectors.shape[1] != dim:
                raise IndexError_(f"stored vectors have {vectors.shape[1]} dims, expected {dim}")
            tokens, tokenised = _tokens(clauses, previous_tokens)
            del previous_tokens
            # every distinct text once, in order of first appearance (pieces.npy's rows)
            order = piece_order([c.content_hash for c in clauses],
                                (h for _, h in sentence_rows), (h for _, h in phrase_rows))
            position = {h: k for k, h in enumerate(order)}
            rows = {name: encode_piece_rows([(i, position[h]) for i, h in pairs])
                    for name, pairs in (("sentences", sentence_rows), ("phrases", phrase_rows))}
            del position
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
                "sentence_count": len(sentence_rows),
                "phrase_count": len(phrase_rows),
                "pieces": order,
            }
            _write_build(tmp, clauses, vectors, tokens, manifest, known, rows, live)
            final = builds / name
            os.rename(tmp, final)
            tmp = final  # not live until CURRENT names it: removed if that fails
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
