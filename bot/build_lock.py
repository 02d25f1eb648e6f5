"""A Redis lock replicas on several hosts take before building the shared index.

The file lock in the index folder (:func:`index.fsutil.build_lock`) serialises builders
that share a filesystem with working ``flock``; replicas on several hosts over NFS may
not, so when they share Redis every builder also takes this lock first (the engine's
``build_lock``, see :mod:`index.ensure`).  It expires ``ttl`` seconds after its holder
dies and is renewed every ``ttl / 3`` while a build runs.  When Redis cannot be reached
the build goes ahead under the file lock alone (logged): an outage must not stop a
replica from starting.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

__all__ = ["KEY_PREFIX", "RedisBuildLock"]

KEY_PREFIX = "policybot:index-build:"
log = logging.getLogger(__name__)


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
            acquired = bool(lock.acquire(blocking=True))
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
            client.close()

    def _renew(self, lock: object, stop: threading.Event) -> None:
        import redis

        from bot.config import redact

        while not stop.wait(self.ttl / 3):
            try:
                lock.extend(self.ttl, replace_ttl=True)  # type: ignore[attr-defined]
            except redis.RedisError as exc:
                log.warning("could not renew the Redis build lock: %s", redact(str(exc)))
