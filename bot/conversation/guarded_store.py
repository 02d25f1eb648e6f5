"""The store the bot serves from, guarded: an outage is one notice, not a traceback.

:class:`GuardedStore` wraps either backend (:mod:`bot.conversation.store`): a backend
failure (Redis down, SQLite's disk full) becomes :class:`StoreUnavailable`, and the start
and end of an outage are queued once each (:meth:`GuardedStore.take_transitions`) for the
admins.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.conversation.store import Conflict, Record, StateStore, StoreUnavailable

__all__ = ["BACKEND_ERRORS", "RECOVERY", "GuardedStore", "guarded"]

log = logging.getLogger(__name__)


def _backend_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [sqlite3.Error, OSError]
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a dependency
        pass
    else:
        errors.append(redis.RedisError)
    return tuple(errors)


BACKEND_ERRORS = _backend_errors()
RECOVERY = 30.0  # seconds without a failure before an outage is declared over


class GuardedStore:
    """A :class:`StateStore` whose backend failures raise :class:`StoreUnavailable`.

    It remembers whether the backend is down: the first failure after success and the
    first success after a failure each queue one transition, ``("down", reason)`` or
    ``("up", "")``, which the bot takes with :meth:`take_transitions` to tell the admins
    once per outage and once when it ends.  Hysteresis: the end is declared only after
    ``recovery`` seconds without a failure, so a full disk, where reads answer and writes
    fail, is one outage and not a pair of notices per message.  :class:`Conflict` passes
    through (the backend answered).
    """

    def __init__(self, inner: StateStore, *, recovery: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.down = False
        self.recovery = RECOVERY if recovery is None else recovery
        self._clock = clock
        self._last_failure = 0.0
        self._lock = threading.Lock()
        self._transitions: list[tuple[str, str]] = []

    def _note(self, failure: BaseException | None) -> None:
        """Down at the first failure; up only after ``recovery`` seconds without one."""
        with self._lock:
            now = self._clock()
            if failure is not None:
                self._last_failure = now
            if failure is None and (not self.down or now - self._last_failure < self.recovery):
                return
            if failure is not None and self.down:
                return
            self.down = failure is not None
            reason = f"{type(failure).__name__}: {failure}" if failure is not None else ""
            self._transitions.append(("down", reason) if self.down else ("up", ""))
        if failure is not None:
            log.error("state store unavailable: %s", reason)
        else:
            log.warning("state store available again")

    def take_transitions(self) -> list[tuple[str, str]]:
        """Outage starts and ends not yet reported, oldest first (then forgotten)."""
        with self._lock:
            taken, self._transitions = self._transitions, []
        return taken

    def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        try:
            result = method(*args)
        except Conflict:
            self._note(None)
            raise
        except BACKEND_ERRORS as exc:
            self._note(exc)
            raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
        self._note(None)
        return result

    def get(self, key: str) -> Record:
        record: Record = self._call(self.inner.get, key)
        return record

    def put(
        self, key: str, data: dict[str, Any] | None, expected: int, ttl: float | None = None
    ) -> int:
        return int(self._call(self.inner.put, key, data, expected, ttl))

    def hit(self, key: str, window: float) -> int:
        return int(self._call(self.inner.hit, key, window))

    def claim(self, key: str, ttl: float) -> bool:
        return bool(self._call(self.inner.claim, key, ttl))

    def keys(self, prefix: str) -> list[str]:
        listing = getattr(self.inner, "keys", None)  # a backend that cannot list: none
        return list(self._call(listing, prefix)) if listing is not None else []

    def ping(self) -> bool:
        try:
            ok = bool(self.inner.ping())
        except BACKEND_ERRORS as exc:
            self._note(exc)
            return False
        self._note(None if ok else StoreUnavailable("ping failed"))
        return ok

    def close(self) -> None:
        self.inner.close()


def guarded(store: StateStore) -> GuardedStore:
    """``store`` wrapped in a :class:`GuardedStore` (itself if it already is one)."""
    return store if isinstance(store, GuardedStore) else GuardedStore(store)
