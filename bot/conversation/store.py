"""Where conversations live between updates: SQLite by default, Redis when configured.

Every update reads its state from the store (no in-process cache), and every write is a
compare-and-set on a per-key version, so replicas that alternate on one chat stay coherent:
a writer that read version *n* succeeds only if the key is still at *n*, else it gets
:class:`Conflict` and re-reads.  Deleting writes a tombstone that keeps the version
counter, so a delete-then-recreate cannot be mistaken for the state a stale writer read.

Values are JSON objects.  Counters (incoming flood limit) use fixed windows.

:class:`bot.conversation.guarded_store.GuardedStore` wraps either backend for the bot: a
backend failure (Redis down, SQLite's disk full) becomes :class:`StoreUnavailable`.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.render import render_text
from knowledge.errors import PolicyBotError

PREFIX = "policybot:"
log = logging.getLogger(__name__)


class Conflict(Exception):
    """The key changed since it was read; re-read and try again."""


class StoreUnavailable(Exception):
    """The store cannot be read or written right now (Redis down, disk full…)."""


@dataclass(frozen=True)
class Record:
    version: int  # 0 when the key never existed
    data: dict[str, Any] | None  # None when absent, deleted or expired


class StateStore(Protocol):
    """Versioned JSON objects and windowed counters shared by every replica."""

    def get(self, key: str) -> Record: ...

    def put(
        self, key: str, data: dict[str, Any] | None, expected: int, ttl: float | None = None
    ) -> int:
        """Write ``data`` (None deletes) if the key is at version ``expected``; new version."""
        ...

    def hit(self, key: str, window: float) -> int:
        """Count one event for ``key`` in the current window; the count so far."""
        ...

    def claim(self, key: str, ttl: float) -> bool:
        """True for the first caller of ``key`` within ``ttl`` seconds, False for the rest.

        One replica does a shared job (e.g. telling the admins about a reload) once.
        """
        ...

    def ping(self) -> bool: ...

    def close(self) -> None: ...


def dumps(data: dict[str, Any] | None) -> str | None:
    return None if data is None else json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def loads(raw: str | bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    value = json.loads(raw)
    return value if isinstance(value, dict) else None


def update(
    store: StateStore,
    key: str,
    change: Any,
    ttl: float | None = None,
    attempts: int = 8,
) -> Any:
    """Read-modify-write with retries: ``change(data) -> (new_data, result)``.

    The one compare-and-set retry loop: every read-modify-write of a key goes through here.
    """
    for _ in range(attempts):
        record = store.get(key)
        new_data, result = change(record.data)
        if new_data is record.data:  # unchanged object: nothing to write
            return result
        try:
            store.put(key, new_data, record.version, ttl)
        except Conflict:
            time.sleep(0.002)
            continue
        return result
    raise Conflict(f"{key}: too many concurrent updates")


class SQLiteStore:
    """One SQLite file in the data directory (WAL, a connection per thread)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        try:  # a read-only or missing data dir: one clear line, not 内部错误
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._conn()
            conn.execute(
                "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, version INTEGER NOT NULL,"
                " data TEXT, expires REAL)"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY,"
                " win INTEGER NOT NULL, n INTEGER NOT NULL)"
            )
        except (sqlite3.Error, OSError) as exc:
            self.close()
            raise PolicyBotError(render_text("store_unwritable.txt.j2", path=self.path,
                                             reason=str(exc))) from exc

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # Autocommit: every statement below is a single atomic compare-and-set.
            conn = sqlite3.connect(
                self.path, timeout=10, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def get(self, key: str) -> Record:
        row = self._conn().execute(
            "SELECT version, data, expires FROM kv WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return Record(0, None)
        version, data, expires = row
        if expires is not None and expires < time.time():
            return Record(version, None)
        return Record(version, loads(data))

    def put(
        self, key: str, data: dict[str, Any] | None, expected: int, ttl: float | None = None
    ) -> int:
        expires = time.time() + ttl if ttl else None
        conn = self._conn()
        if expected == 0:
            cur = conn.execute(
                "INSERT OR IGNORE INTO kv (key, version, data, expires) VALUES (?, 1, ?, ?)",
                (key, dumps(data), expires),
            )
        else:
            cur = conn.execute(
                "UPDATE kv SET version = version + 1, data = ?, expires = ?"
                " WHERE key = ? AND version = ?",
                (dumps(data), expires, key, expected),
            )
        if cur.rowcount != 1:
            raise Conflict(key)
        return expected + 1

    def hit(self, key: str, window: float) -> int:
        win = int(time.time() // window)
        row = self._conn().execute(
            "INSERT INTO counters (key, win, n) VALUES (?, ?, 1) ON CONFLICT(key) DO UPDATE"
            " SET n = CASE WHEN win = excluded.win THEN n + 1 ELSE 1 END, win = excluded.win"
            " RETURNING n",
            (key, win),
        ).fetchone()
        return int(row[0])

    def claim(self, key: str, ttl: float) -> bool:
        now = time.time()
        cur = self._conn().execute(
            "INSERT INTO kv (key, version, data, expires) VALUES (?, 1, '{}', ?)"
            " ON CONFLICT(key) DO UPDATE SET version = version + 1, data = excluded.data,"
            " expires = excluded.expires WHERE kv.expires IS NOT NULL AND kv.expires < ?",
            (f"claim:{key}", now + ttl, now),
        )
        return cur.rowcount == 1

    def keys(self, prefix: str) -> list[str]:
        """Every key starting with ``prefix`` that holds data (expired ones too)."""
        rows = self._conn().execute(
            "SELECT key FROM kv WHERE substr(key, 1, ?) = ? AND data IS NOT NULL"
            " AND data != 'null'", (len(prefix), prefix)).fetchall()
        return sorted(str(row[0]) for row in rows)

    def ping(self) -> bool:
        try:
            self._conn().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


class RedisStore:
    """A Redis hash per key (``v`` version, ``d`` JSON); CAS with WATCH/MULTI/EXEC."""

    def __init__(self, url: str | None = None, client: Any = None, prefix: str = PREFIX) -> None:
        if client is None:
            import redis

            client = redis.Redis.from_url(url or "redis://127.0.0.1:6379/0")
        self.client = client
        self.prefix = prefix

    def get(self, key: str) -> Record:
        version, data = self.client.hmget(self.prefix + key, "v", "d")
        if version is None:
            return Record(0, None)
        return Record(int(version), loads(data))

    def put(
        self, key: str, data: dict[str, Any] | None, expected: int, ttl: float | None = None
    ) -> int:
        import redis

        name = self.prefix + key
        with self.client.pipeline() as pipe:
            try:
                pipe.watch(name)
                current = pipe.hget(name, "v")
                if int(current or 0) != expected:
                    raise Conflict(key)
                pipe.multi()
                pipe.hset(name, mapping={"v": expected + 1, "d": dumps(data) or "null"})
                if ttl:
                    pipe.expire(name, max(1, int(ttl)))
                else:
                    pipe.persist(name)
                pipe.execute()
            except redis.WatchError as exc:
                raise Conflict(key) from exc
        return expected + 1

    def hit(self, key: str, window: float) -> int:
        win = int(time.time() // window)
        name = f"{self.prefix}hits:{key}:{win}"
        with self.client.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, max(1, int(window * 2)))
            count, _ = pipe.execute()
        return int(count)

    def claim(self, key: str, ttl: float) -> bool:
        name = f"{self.prefix}claim:{key}"
        return bool(self.client.set(name, "1", nx=True, px=max(1, int(ttl * 1000))))

    def keys(self, prefix: str) -> list[str]:
        """Every key starting with ``prefix`` (a SCAN, never a blocking KEYS)."""
        escaped = "".join("\\" + ch if ch in "*?[]\\" else ch for ch in self.prefix + prefix)
        return sorted((k.decode() if isinstance(k, bytes) else str(k))[len(self.prefix):]
                      for k in self.client.scan_iter(match=escaped + "*", count=500))

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:
            return False

    def close(self) -> None:
        self.client.close()


def open_store(data_dir: Path, redis_url: str | None = None) -> StateStore:
    """Redis when ``redis_url`` is set, else ``<data_dir>/bot_state.sqlite3``."""
    if redis_url:
        return RedisStore(redis_url)
    return SQLiteStore(Path(data_dir) / "bot_state.sqlite3")
