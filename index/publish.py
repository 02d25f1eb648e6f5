"""Writing a build of the search index (layout: :mod:`index.manifest`).

Every artefact is written into a fresh ``.tmp-`` folder as its bytes come (never joined
into one copy), the manifest last; an artefact whose bytes equal the live build's (by
sha256) is hard-linked to it instead of rewritten.  :func:`publish` renames the folder
into place and only then switches ``CURRENT``, so a crash at any point leaves the previous
build live and loadable; :func:`cleanup` keeps the previous build (a reader may still be
loading it) and removes older ones and leftover temporary folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.artifacts import chunk_row_parts
from index.fsutil import fsync_dir, fsync_write
from index.manifest import ARTIFACTS_KEY, current_build, read_manifest, verified_path
from index.records import clause_to_record
from index.vectorstore import PIECES_FILE, ROWS_FILES, encode_faiss, encode_pieces
from knowledge.errors import IndexError_
from knowledge.model import Clause

__all__ = ["KEEP_PREVIOUS", "cleanup", "live_build", "publish", "slim", "write_build"]

KEEP_PREVIOUS = 1  # complete builds kept besides the live one


def live_build(data_dir: Path) -> tuple[Path, dict[str, Any]] | None:
    """The live build and its manifest (whose artefacts a new build may share)."""
    build = current_build(data_dir)
    manifest = read_manifest(build) if build is not None else None
    return (build, manifest) if build is not None and manifest else None


def slim(live: tuple[Path, dict[str, Any]] | None) -> tuple[Path, dict[str, Any]] | None:
    """The live build with only the checksums of its manifest."""
    return None if live is None else (live[0], {ARTIFACTS_KEY: live[1].get(ARTIFACTS_KEY)})


def write_build(
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


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    # no indent: json's C encoder serves only indent=None (ten times faster on big builds)
    blob = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    fsync_write(folder / "manifest.json", blob)


def publish(folder: Path, root: Path, name: str) -> Path:
    """Rename the complete build ``folder`` to ``builds/<name>`` and make it the live one;
    the renamed folder is removed again if it cannot be made live."""
    builds = folder.parent
    final = builds / name
    os.rename(folder, final)
    try:  # not live until CURRENT names it: removed if that fails
        fsync_dir(builds)
        _switch_current(root, name)
    except BaseException:
        shutil.rmtree(final, ignore_errors=True)
        raise
    return final


def _switch_current(root: Path, name: str) -> None:
    pointer = root / f".CURRENT.{secrets.token_hex(4)}"
    fsync_write(pointer, name.encode("utf-8"))  # a failed write leaves no pointer file
    try:
        os.replace(pointer, root / "CURRENT")
    except BaseException:
        pointer.unlink(missing_ok=True)
        raise
    fsync_dir(root)


def cleanup(root: Path, live: str) -> None:
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
