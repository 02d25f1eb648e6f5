"""A Redis lock replicas on several hosts take before building the shared index.

The file lock in the index folder (:func:`index.fsutil.build_lock`) serialises builders
that share a filesystem with working ``flock``; replicas on several hosts over NFS may
not, so when they share Redis every builder also takes this lock first (the engine's
``build_lock``, see :mod:`index.ensure`).  It expires ``ttl`` seconds after its holder
dies and is renewed every ``ttl / 3`` while a build runs.  When Redis cannot be reached
the build goes ahead under the file lock alone (logged): an outage must not stop a
replica from starting.  A waiter says once whom it waits for (the holder's host and pid,
kept beside the lock); a lock key without a TTL, which could never expire, is taken over.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["KEY_PREFIX", "RedisBuildLock", "waiting_on"]

KEY_PREFIX = "policybot:index-build:"
OWNER_SUFFIX = ":owner"
WAIT_SLICE = 1.0  # seconds between looks at who holds the lock
log = logging.getLogger(__name__)


def waiting_on(client: Any, key: str, ttl: float, told: bool) -> bool:
    """One look at a lock held elsewhere: take over a key without a TTL, else say (once)
    who holds it and for how long it may; whether the wait was told."""
    left = client.pttl(key)
    if left == -1:  # no expiry: its holder can never release it by dying
        client.delete(key)
        log.warning("Redis 索引构建锁 %s 没有过期时间，无法自行失效：已接管", key)
        return told
    if not told:
        raw = client.get(key + OWNER_SUFFIX)
        owner = json.loads(raw) if raw else {}
        holder = (f"{owner.get('host', '?')} 上的进程 {owner.get('pid', '?')}" if owner
                  else "另一个副本")
        log.warning("正在等待 Redis 索引构建锁 %s：%s 正在构建索引（最多再等 %.0f 秒，"
                    "持有者停止续期即失效）", key, holder, max(0, left) / 1000 or ttl)
    return True


class RedisBuildLock:
    """Callable giving a context manager that holds the build lock of ``data_dir``."""

    def __init__(self, url: str, data_dir: Path | str, ttl: float = 60.0) -> None:
        self.url = url
        self.key = KEY_PREFIX + str(Path(data_dir))
        self.ttl = ttl

    def __call__(self) -> contextlib.AbstractContextManager[object]:
        return self._held()

    @contextlib.contextmanager
    def _held(self) -> Iterator[object]:
        import redis

        from bot.config import redact

        client = redis.Redis.from_url(self.url)
        lock = client.lock(self.key, timeout=self.ttl, sleep=0.2, thread_local=False)
        try:
            acquired = self._acquire(client, lock)
        except redis.RedisError as exc:
            log.warning("Redis build lock unavailable (%s); building under the file lock "
                        "alone", redact(str(exc)))
            acquired = False
        stop = threading.Event()
        renewer = threading.Thread(target=self._renew, args=(lock, stop), daemon=True,
                                   name="index-build-lock")
        if acquired:
            renewer.start()
        try:
            yield lock
        finally:
            stop.set()
            if acquired:
                renewer.join()
                with contextlib.suppress(redis.RedisError):
                    lock.release()
                    client.delete(self.key + OWNER_SUFFIX)
            client.close()

    def _acquire(self, client: Any, lock: Any) -> bool:
        """Wait for the lock, saying once for whom; a key without a TTL (left by hand or
        by an old version) can never expire: it is taken over rather than waited on."""
        told = False
        while not lock.acquire(blocking=True, blocking_timeout=WAIT_SLICE):
            told = waiting_on(client, self.key, self.ttl, told)
        owner = json.dumps({"host": socket.gethostname(), "pid": os.getpid(),
                            "since": time.time()})
        client.set(self.key + OWNER_SUFFIX, owner, px=max(1, int(self.ttl * 1000)))
        return True

    def _renew(self, lock: object, stop: threading.Event) -> None:
        import redis

        from bot.config import redact

        while not stop.wait(self.ttl / 3):
            try:
                lock.extend(self.ttl, replace_ttl=True)  # type: ignore[attr-defined]
                lock.redis.pexpire(  # type: ignore[attr-defined]
                    self.key + OWNER_SUFFIX, max(1, int(self.ttl * 1000)))
            except redis.RedisError as exc:
                log.warning("could not renew the Redis build lock: %s", redact(str(exc)))
