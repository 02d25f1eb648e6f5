"""Both stores: versioned compare-and-set, tombstones, TTL, windowed counters."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.conversation.store import Conflict, RedisStore, SQLiteStore, StateStore, open_store, update


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """Each test runs on a real SQLite file and on a real redis-server."""
    store: StateStore
    if request.param == "sqlite":
        store = SQLiteStore(tmp_path / "s.sqlite3")
    else:
        client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
        client.flushdb()
        store = RedisStore(client=client)
    yield store
    store.close()


def test_absent_key(any_store: StateStore) -> None:
    record = any_store.get("nope")
    assert record.version == 0 and record.data is None


def test_compare_and_set(any_store: StateStore) -> None:
    assert any_store.put("k", {"a": 1}, 0) == 1
    with pytest.raises(Conflict):
        any_store.put("k", {"a": 2}, 0)  # someone else created it first
    assert any_store.put("k", {"a": 2}, 1) == 2
    with pytest.raises(Conflict):
        any_store.put("k", {"a": 3}, 1)  # stale version
    assert any_store.get("k").data == {"a": 2}


def test_delete_keeps_the_version(any_store: StateStore) -> None:
    any_store.put("k", {"a": 1}, 0)
    any_store.put("k", None, 1)
    record = any_store.get("k")
    assert record.data is None and record.version == 2
    with pytest.raises(Conflict):
        any_store.put("k", {"a": "stale writer"}, 1)


def test_unicode_roundtrip(any_store: StateStore) -> None:
    any_store.put("k", {"文号": "威政办字〔2018〕106号"}, 0)
    assert any_store.get("k").data == {"文号": "威政办字〔2018〕106号"}


def test_hit_counts_per_window(any_store: StateStore) -> None:
    assert [any_store.hit("u", 60) for _ in range(3)] == [1, 2, 3]
    assert any_store.hit("other", 60) == 1


def test_claim_once_per_ttl(any_store: StateStore) -> None:
    assert any_store.claim("reload-notice:ok:abc", 0.2)
    assert not any_store.claim("reload-notice:ok:abc", 0.2)
    assert any_store.claim("reload-notice:ok:def", 0.2)  # another key
    time.sleep(0.3)
    assert any_store.claim("reload-notice:ok:abc", 0.2)  # expired: claimable again
    assert not any_store.claim("reload-notice:ok:abc", 0.2)


def test_sqlite_ttl(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite3")
    store.put("k", {"a": 1}, 0, ttl=0.05)
    time.sleep(0.1)
    record = store.get("k")
    assert record.data is None and record.version == 1
    store.close()


def test_update_retries_on_conflict(any_store: StateStore) -> None:
    any_store.put("k", {"n": 0}, 0)
    calls = []

    def change(data: dict[str, Any] | None) -> tuple[dict[str, Any], int]:
        calls.append(1)
        if len(calls) == 1:  # a concurrent writer sneaks in after our read
            any_store.put("k", {"n": 10}, any_store.get("k").version)
        assert data is not None
        return {"n": data["n"] + 1}, data["n"] + 1

    assert update(any_store, "k", change) == 11
    assert len(calls) == 2


def test_open_store_picks_backend(tmp_path: Path) -> None:
    sqlite = open_store(tmp_path)
    assert isinstance(sqlite, SQLiteStore) and sqlite.ping()
    sqlite.close()
    redis_store = open_store(tmp_path, "redis://127.0.0.1:1/0")
    assert isinstance(redis_store, RedisStore) and not redis_store.ping()
    redis_store.close()


@pytest.mark.redis
def test_real_redis(redis_url: str) -> None:
    store = RedisStore(redis_url, prefix="test-store:")
    assert store.ping()
    store.put("k", {"a": 1}, store.get("k").version)
    assert store.get("k").data == {"a": 1}
    store.close()


def test_guarded_store_disk_full_is_one_outage(tmp_path: Path) -> None:
    """SQLite's disk full (a real one: max_page_count pinned): StoreUnavailable, one "down"
    transition however many failures, one "up" when writes succeed again."""
    from bot.conversation.guarded_store import GuardedStore
    from bot.conversation.store import StoreUnavailable, update

    inner = SQLiteStore(tmp_path / "full.sqlite3")
    store = GuardedStore(inner, recovery=0.0)  # hysteresis: see the flapping test
    conn = inner._conn()  # this thread's connection: the pragma is per connection
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    big = {"blob": "x" * 20000}
    for n in range(3):
        with pytest.raises(StoreUnavailable, match="full"):
            store.put(f"k{n}", big, 0)
    assert store.down
    down = store.take_transitions()
    assert len(down) == 1 and down[0][0] == "down" and "full" in down[0][1]
    conn.execute("PRAGMA max_page_count = 1073741823")
    assert update(store, "k", lambda old: ({"n": 1}, "done")) == "done"
    assert not store.down
    assert [kind for kind, _ in store.take_transitions()] == ["up"]
    assert store.take_transitions() == []
    inner.close()


class Flapping:
    """A store on a full disk: reads answer, writes fail (sqlite3's "database or disk is
    full"), so successes and failures alternate."""

    def __init__(self, inner: SQLiteStore) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def put(self, *args: object, **kwargs: object) -> int:
        import sqlite3

        raise sqlite3.OperationalError("database or disk is full")


def test_outage_notices_do_not_flap_while_the_disk_stays_full(tmp_path: Path) -> None:
    """14 reads and 14 failed writes, alternating: one "down", no "up" pairs."""
    from bot.conversation.guarded_store import GuardedStore
    from bot.conversation.store import StoreUnavailable

    inner = SQLiteStore(tmp_path / "s.sqlite3")
    store = GuardedStore(Flapping(inner))  # type: ignore[arg-type]
    for n in range(14):
        store.get(f"k{n}")
        with pytest.raises(StoreUnavailable):
            store.put(f"k{n}", {"n": n}, 0)
        store.ping()
    assert [kind for kind, _ in store.take_transitions()] == ["down"]
    inner.close()


def test_back_up_only_after_a_quiet_spell(tmp_path: Path) -> None:
    from bot.conversation.guarded_store import GuardedStore
    from bot.conversation.store import StoreUnavailable

    now = [100.0]
    inner = SQLiteStore(tmp_path / "s.sqlite3")
    flapping = GuardedStore(Flapping(inner), recovery=30.0,  # type: ignore[arg-type]
                            clock=lambda: now[0])
    with pytest.raises(StoreUnavailable):
        flapping.put("k", {}, 0)
    now[0] += 29.0
    flapping.get("k")
    assert flapping.down and [k for k, _ in flapping.take_transitions()] == ["down"]
    now[0] += 2.0
    flapping.get("k")
    assert not flapping.down and [k for k, _ in flapping.take_transitions()] == ["up"]
    inner.close()


def test_a_read_only_data_dir_is_a_clear_message(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite that cannot write its file (a read-only data dir; root ignores chmod, so
    the file is opened read-only) is a PolicyBotError in Chinese, not 内部错误."""
    import sqlite3

    from bot.cli.options import internal_error
    from knowledge.errors import PolicyBotError

    real = sqlite3.connect

    def read_only(path: object, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = real(f"file:{path}?mode=ro", *args, uri=True, **kwargs)
        return conn

    (tmp_path / "bot_state.sqlite3").write_bytes(b"")
    monkeypatch.setattr(sqlite3, "connect", read_only)
    with pytest.raises(PolicyBotError) as caught:
        open_store(tmp_path)
    message = str(caught.value)
    assert "状态存储" in message and "可写" in message and "REDIS_URL" in message
    assert "内部错误" not in message and internal_error(caught.value) != message
