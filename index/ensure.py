"""One index per knowledge version, built once however many processes want it.

Every process (replica, CLI, the index job) asks :func:`ensure_index` for the index of the
knowledge it loaded:

* a live build that matches (same chunks, embedder, format, parser and intact files) is
  simply used: nothing is locked and nothing is written;
* a *writable* data dir: the builder takes the build lock (``index/.lock``, and an outer
  lock the caller passes, e.g. a Redis lock shared by replicas on several hosts), checks
  again and builds only if the index is still stale; a process that queued behind a
  builder finds the new build current and just loads it;
* a *read-only* data dir (a shared volume mounted read-only, or ``read_only=True``) is
  never written: the process waits up to ``wait`` seconds for the build job to publish
  the matching build, then gives up with :class:`IndexError_` (the caller keeps what it
  serves).

The knowledge version a build serves is its manifest's ``kb_fingerprint`` (see
:func:`index_version`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from index.artifacts import HasClauses, index_is_stale
from index.build import BuildReport, build_index
from index.embedders import Embedder
from index.fsutil import build_lock
from index.manifest import current_build, index_root, read_manifest
from knowledge.errors import IndexError_

__all__ = ["POLL_SECONDS", "IndexVersion", "data_dir_read_only", "ensure_index", "index_version"]

POLL_SECONDS = 0.5
OuterLock = Callable[[], AbstractContextManager[object]]


@dataclass(frozen=True)
class IndexVersion:
    """What the live build serves: its folder name and the knowledge fingerprint."""

    build: str
    kb_fingerprint: str
    embedder: str
    built_at: str
    chunks: int


def index_version(data_dir: Path) -> IndexVersion | None:
    """The live build's identity, or None when there is none."""
    build = current_build(Path(data_dir))
    manifest = read_manifest(build) if build is not None else None
    if build is None or manifest is None:
        return None
    return IndexVersion(
        build=build.name,
        kb_fingerprint=str(manifest.get("kb_fingerprint", "")),
        embedder=str(manifest.get("embedder", "")),
        built_at=str(manifest.get("built_at", "")),
        chunks=int(manifest.get("count", 0) or 0),
    )


def data_dir_read_only(data_dir: Path) -> bool:
    """Whether the index folder cannot be written (e.g. a volume mounted read-only)."""
    path = index_root(Path(data_dir))
    while not path.exists() and path != path.parent:
        path = path.parent
    return not os.access(path, os.W_OK)


def ensure_index(
    kb: HasClauses,
    data_dir: Path,
    embedder: Embedder,
    *,
    progress: bool = False,
    read_only: bool = False,
    wait: float = 0.0,
    lock: OuterLock | None = None,
    force: bool = False,
) -> BuildReport | None:
    """Make the live index match ``kb``; the report of the build if this call made one.

    ``force`` rebuilds even a current index (still under the locks). Raises
    :class:`IndexError_` when a read-only data dir has no matching build after ``wait``
    seconds, or when the build fails (the previous build then stays live).
    """
    data_dir = Path(data_dir)
    if not force and not index_is_stale(kb, data_dir, embedder):
        return None
    if read_only or data_dir_read_only(data_dir):
        _wait_for_build(kb, data_dir, embedder, wait)
        return None
    outer = lock() if lock is not None else contextlib.nullcontext()
    with outer, build_lock(index_root(data_dir)):
        # another process may have built it while this one queued for the lock
        if not force and not index_is_stale(kb, data_dir, embedder):
            return None
        return build_index(kb, data_dir, embedder, progress=progress)


def _wait_for_build(kb: HasClauses, data_dir: Path, embedder: Embedder, wait: float) -> None:
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        if not index_is_stale(kb, data_dir, embedder):
            return
        if time.monotonic() >= deadline:
            break
        time.sleep(POLL_SECONDS)
    live = index_version(data_dir)
    found = f"live build {live.build} (knowledge {live.kb_fingerprint[:12]})" if live else "none"
    raise IndexError_(
        f"索引目录只读且没有与当前知识库匹配的索引 / the index in {index_root(data_dir)} is "
        f"read-only and no build matches this knowledge (found: {found}); run "
        "`policybot index build` (the index job) for this knowledge version"
    )
