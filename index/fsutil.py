"""Small durable-write helpers for the index build (fsync, advisory lock)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from index.lockfile import flock_with_owner

__all__ = ["build_lock", "fsync_dir", "fsync_write"]


_held: dict[Path, tuple[threading.RLock, list[int]]] = {}
_held_guard = threading.Lock()


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Serialise builders on ``root/.lock`` (advisory; no-op where flock is missing), an
    owner, a TTL and a takeover of a stale holder (:mod:`index.lockfile`).

    Re-entrant within a process (a second ``flock`` on a new descriptor would deadlock):
    a caller may hold it across "is the index stale? then build" while the build takes
    it again.  Threads of one process queue on an ``RLock`` before the file lock.
    """
    root.mkdir(parents=True, exist_ok=True)
    with _held_guard:
        rlock, depth = _held.setdefault(root.resolve(), (threading.RLock(), [0]))
    with rlock:
        depth[0] += 1
        try:
            if depth[0] > 1:
                yield
            else:
                with _flock(root):
                    yield
        finally:
            depth[0] -= 1


@contextlib.contextmanager
def _flock(root: Path) -> Iterator[None]:
    try:
        import fcntl  # noqa: F401
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with flock_with_owner(root / ".lock"):
        yield


def fsync_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and fsync it; a failed write (a full disk) removes the
    part written, so nothing of it stays behind."""
    try:
        with open(path, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
