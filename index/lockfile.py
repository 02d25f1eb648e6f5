"""The build lock file ``index/.lock``: an ``flock`` with its owner, a TTL and a takeover.

The holder writes who it is into the file (host, pid, since).  A builder that finds the
lock taken says once what it waits for (that owner, and for how long); a lock held
longer than the TTL (:func:`set_lock_ttl` seconds, default 1800: a hung holder; the bot
sets ``POLICYBOT_BUILD_LOCK_TTL``) is stale: the file is replaced and the waiter takes
the new one, so ``index build`` and ``ask`` never wait without end and without a word.
A ``.lock`` that is a directory or a dangling symbolic link is refused with a message
naming it, not an internal error.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from knowledge.errors import IndexError_

__all__ = ["DEFAULT_TTL", "flock_with_owner", "lock_ttl", "set_lock_ttl"]

DEFAULT_TTL = 1800.0
POLL_SECONDS = 0.2
log = logging.getLogger(__name__)
_ttl = DEFAULT_TTL  # this process's, set once by the bot


def set_lock_ttl(seconds: float) -> None:
    """Hold a build lock at most ``seconds`` (at least 1) before others take it over."""
    global _ttl
    _ttl = max(1.0, float(seconds))


def lock_ttl() -> float:
    """The TTL of the build lock in seconds (:func:`set_lock_ttl`, default 1800)."""
    return _ttl


@contextlib.contextmanager
def flock_with_owner(path: Path) -> Iterator[None]:
    """Hold ``path`` exclusively (waiting, telling what for, taking over a stale one)."""
    import fcntl

    _check_path(path)
    ttl, told = lock_ttl(), False
    while True:
        handle = open(path, "a+b")  # noqa: SIM115 - held across the yield below
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner(handle)
            if time.time() - float(owner.get("since") or time.time()) > ttl:
                _take_over(path, handle, owner, ttl)
            elif not told:
                told = True
                log.warning("%s", _waiting(path, owner, ttl))
            handle.close()
            time.sleep(POLL_SECONDS)
            continue
        if not _same_file(path, handle):  # replaced by a takeover meanwhile: lock anew
            handle.close()
            continue
        break
    try:
        _write_owner(handle)
        yield
    finally:
        with contextlib.suppress(OSError):
            handle.truncate(0)
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def _check_path(path: Path) -> None:
    if path.is_symlink() and not path.exists():
        raise IndexError_(f"索引构建锁 {path} 是指向不存在位置的符号链接（→ {os.readlink(path)}）："
                          "请删除这个链接后重试（锁文件会自动重建）")
    if path.is_dir():
        raise IndexError_(f"索引构建锁 {path} 是一个目录，不是锁文件：请删除这个目录后重试"
                          "（锁文件会自动重建）")


def _owner(handle: IO[bytes]) -> dict[str, Any]:
    try:
        handle.seek(0)
        data = json.loads(handle.read(4096) or b"{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_owner(handle: IO[bytes]) -> None:
    owner = {"host": socket.gethostname(), "pid": os.getpid(), "since": time.time()}
    handle.seek(0)
    handle.truncate(0)
    handle.write(json.dumps(owner).encode())
    handle.flush()


def _same_file(path: Path, handle: IO[bytes]) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
    except OSError:
        return False


def _holder(owner: dict[str, Any]) -> str:
    if not owner:
        return "另一个进程"
    return f"{owner.get('host', '?')} 上的进程 {owner.get('pid', '?')}"


def _waiting(path: Path, owner: dict[str, Any], ttl: float) -> str:
    held = time.time() - float(owner.get("since") or time.time())
    return (f"正在等待索引构建锁 {path}：{_holder(owner)} 正在构建索引（已 {held:.0f} 秒）；"
            f"超过 {ttl:.0f} 秒仍未完成则视为失效并接管")


def _take_over(path: Path, handle: IO[bytes], owner: dict[str, Any], ttl: float) -> None:
    """Replace a stale lock file (the hung holder keeps the old one, unlinked)."""
    if _same_file(path, handle):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    log.warning("索引构建锁 %s 已被 %s 持有超过 %.0f 秒，视为失效，接管构建", path,
                _holder(owner), ttl)
