"""The Redis lock replicas take before building the shared index (bot.build_lock)."""

from __future__ import annotations

import logging
import threading
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
