"""The Redis lock replicas take before building the shared index (bot.build_lock)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
import redis

from bot.build_lock import KEY_PREFIX, RedisBuildLock


def test_lock_is_exclusive_while_held_and_gone_after(redis_url: str, tmp_path: Path) -> None:
    lock = RedisBuildLock(redis_url, tmp_path / "data")
    client = redis.Redis.from_url(redis_url)
    assert lock.key == KEY_PREFIX + str(tmp_path / "data")
    with lock():
        assert client.get(lock.key) is not None
        assert 0 < client.pttl(lock.key) <= lock.ttl * 1000
        other = client.lock(lock.key, timeout=5)
        assert not other.acquire(blocking=False), "a second builder must wait"
    assert client.get(lock.key) is None
    client.close()


def test_a_second_builder_waits_for_the_first(redis_url: str, tmp_path: Path) -> None:
    """The second holder enters only after the first left (order recorded, no timing)."""
    data = tmp_path / "data"
    order: list[str] = []
    first_in = threading.Event()

    def second() -> None:
        first_in.wait()
        with RedisBuildLock(redis_url, data)():
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    with RedisBuildLock(redis_url, data)():
        first_in.set()
        order.append("first")
    thread.join(timeout=30)
    assert order == ["first", "second"]


def test_unreachable_redis_builds_under_the_file_lock_alone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lock = RedisBuildLock("redis://127.0.0.1:1/0", tmp_path)
    entered = False
    with caplog.at_level(logging.WARNING, logger="bot.build_lock"), lock():
        entered = True
    assert entered
    assert "file lock alone" in caplog.text


class FakeRedis:
    """Just enough of a Redis client for the lock's waiting: keys with and without a TTL."""

    def __init__(self) -> None:
        self.values: dict[str, bytes] = {}
        self.ttls: dict[str, int] = {}

    def lock(self, name: str, **_kwargs: object) -> FakeLock:
        return FakeLock(self, name)

    def set(self, key: str, value: str, px: int | None = None, nx: bool = False) -> bool:
        if nx and key in self.values:
            return False
        self.values[key] = value.encode()
        self.ttls[key] = px if px is not None else -1
        return True

    def get(self, key: str) -> bytes | None:
        return self.values.get(key)

    def pttl(self, key: str) -> int:
        return self.ttls.get(key, -2)

    def delete(self, key: str) -> int:
        self.ttls.pop(key, None)
        return 1 if self.values.pop(key, None) is not None else 0

    def pexpire(self, key: str, ms: int) -> None:
        self.ttls[key] = ms

    def close(self) -> None:
        pass


class FakeLock:
    def __init__(self, client: FakeRedis, name: str) -> None:
        self.redis, self.name = client, name

    def acquire(self, blocking: bool = True, blocking_timeout: float | None = None) -> bool:
        deadline = None if blocking_timeout is None else time.monotonic() + blocking_timeout
        while not self.redis.set(self.name, "token", px=60_000, nx=True):
            if not blocking or (deadline is not None and time.monotonic() > deadline):
                return False
            time.sleep(0.01)
        return True

    def extend(self, *_args: object, **_kwargs: object) -> None:
        pass

    def release(self) -> None:
        self.redis.delete(self.name)


def test_a_lock_key_without_ttl_is_taken_over_not_waited_on_forever(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeRedis()
    monkeypatch.setattr(redis.Redis, "from_url", staticmethod(lambda url: fake))
    monkeypatch.setattr("bot.build_lock.WAIT_SLICE", 0.05, raising=False)
    lock = RedisBuildLock("redis://fake", tmp_path / "data")
    fake.set(lock.key, "left-by-hand")  # no TTL: it can never expire
    entered = threading.Event()

    def build() -> None:
        with lock():
            entered.set()

    with caplog.at_level(logging.WARNING, logger="bot.build_lock"):
        threading.Thread(target=build, daemon=True).start()
        assert entered.wait(10), "a lock key without a TTL blocked the build for good"
    assert "没有过期时间" in caplog.text and fake.values.get(lock.key) != b"left-by-hand"


def test_a_waiter_says_whom_it_waits_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeRedis()
    monkeypatch.setattr(redis.Redis, "from_url", staticmethod(lambda url: fake))
    monkeypatch.setattr("bot.build_lock.WAIT_SLICE", 0.05, raising=False)
    lock = RedisBuildLock("redis://fake", tmp_path / "data")
    fake.set(lock.key, "other", px=60_000)
    fake.set(lock.key + ":owner", '{"host": "replica-b", "pid": 41}', px=60_000)
    entered = threading.Event()

    def build() -> None:
        with lock():
            entered.set()

    with caplog.at_level(logging.WARNING, logger="bot.build_lock"):
        threading.Thread(target=build, daemon=True).start()
        assert not entered.wait(0.3)
        fake.delete(lock.key)  # the holder finished
        assert entered.wait(10)
    assert "replica-b 上的进程 41" in caplog.text and "正在等待" in caplog.text
