"""The queued push over the real stores: once each, resumable, claimed, leased."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from bot.alerts import fanout
from bot.alerts.fanout import FAILED, SENT, Drainer, Message, RetryLater, enqueue, summary
from bot.conversation.store import RedisStore, SQLiteStore, StateStore

RATE = 5000.0  # the limiter is exercised, not waited for (the bench measures the rate)


@pytest.fixture(params=["sqlite", "redis"])
def any_store(request: pytest.FixtureRequest, store: SQLiteStore) -> Iterator[StateStore]:
    if request.param == "sqlite":
        yield store
        return
    redis_store = RedisStore(request.getfixturevalue("redis_url"), prefix="test-fanout:")
    for key in redis_store.client.scan_iter("test-fanout:*"):
        redis_store.client.delete(key)
    yield redis_store
    redis_store.close()


class Recorder:
    def __init__(self) -> None:
        self.sent: list[int] = []

    async def __call__(self, message: Message) -> str:
        self.sent.append(message.chat_id)
        return SENT


def messages(n: int, start: int = 1) -> list[Message]:
    return [Message(chat, f"提醒 {chat}", ((("查看完整估算", "al:es"),),))
            for chat in range(start, start + n)]


def test_a_job_is_sent_once_to_everyone(any_store: StateStore) -> None:
    assert enqueue(any_store, "k1", "alert", []) == 0 and summary(any_store) is None
    assert enqueue(any_store, "k1", "alert", messages(250)) == 250
    rec = Recorder()
    assert asyncio.run(Drainer(any_store, rec, rate=RATE).drain()) == 250
    assert sorted(rec.sent) == list(range(1, 251))
    assert summary(any_store) == {"job": "k1", "kind": "alert", "total": 250, "sent": 250,
                                  "failed": 0, "skipped": 0, "pending": 0, "lost": 0}
    assert asyncio.run(Drainer(any_store, rec, rate=RATE).drain()) == 0  # nothing left
    assert (any_store.get(fanout.JOBS).data or {})["active"] == []


def test_a_stop_mid_way_resumes_where_it_stopped(any_store: StateStore) -> None:
    enqueue(any_store, "k2", "alert", messages(30))
    rec = Recorder()
    asyncio.run(Drainer(any_store, rec, rate=RATE).drain(lambda: len(rec.sent) < 12))
    assert len(rec.sent) == 12
    left = summary(any_store)
    assert left is not None and left["pending"] == 18
    other = Recorder()
    asyncio.run(Drainer(any_store, other, rate=RATE).drain())
    assert sorted(rec.sent + other.sent) == list(range(1, 31))


def test_a_claimed_message_is_never_sent_again(any_store: StateStore) -> None:
    enqueue(any_store, "k3", "alert", messages(3))
    assert any_store.claim("alerts:sent:k3:2", 60)  # a replica died after claiming it
    rec = Recorder()
    asyncio.run(Drainer(any_store, rec, rate=RATE).drain())
    assert rec.sent == [1, 3]
    assert (summary(any_store) or {})["skipped"] == 1


def test_a_leased_chunk_waits_for_its_lease_to_expire(any_store: StateStore) -> None:
    enqueue(any_store, "k4", "alert", messages(4))
    dead = Drainer(any_store, Recorder(), rate=RATE, lease=0.3)
    assert dead._acquire("k4", 0) is not None  # taken, then the replica is gone
    rec = Recorder()
    alive = Drainer(any_store, rec, rate=RATE, lease=0.3)
    assert asyncio.run(alive.drain()) == 0
    deadline = time.monotonic() + 10
    while not rec.sent and time.monotonic() < deadline:
        asyncio.run(alive.drain())
    assert sorted(rec.sent) == [1, 2, 3, 4]


def test_two_drainers_at_once_send_each_message_once(any_store: StateStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fanout, "CHUNK", 5)
    enqueue(any_store, "k5", "alert", messages(60))
    a, b = Recorder(), Recorder()

    async def both() -> None:
        await asyncio.gather(Drainer(any_store, a, rate=RATE).drain(),
                             Drainer(any_store, b, rate=RATE).drain())

    asyncio.run(both())
    assert sorted(a.sent + b.sent) == list(range(1, 61))


def test_failures_are_counted_and_retry_after_is_honoured(any_store: StateStore) -> None:
    enqueue(any_store, "k6", "alert", messages(3))
    calls: list[int] = []

    async def flaky(message: Message) -> str:
        calls.append(message.chat_id)
        if message.chat_id == 1 and calls.count(1) == 1:
            raise RetryLater(0.01)
        if message.chat_id == 2:
            return FAILED
        if message.chat_id == 3:
            raise RuntimeError("network gone")
        return SENT

    asyncio.run(Drainer(any_store, flaky, rate=RATE).drain())
    assert calls == [1, 1, 2, 3]
    assert (summary(any_store) or {}) | {} == {"job": "k6", "kind": "alert", "total": 3,
                                               "sent": 1, "failed": 2, "skipped": 0,
                                               "pending": 0, "lost": 0}


def test_bad_limits_are_refused(store: SQLiteStore) -> None:
    with pytest.raises(ValueError):
        Drainer(store, Recorder(), rate=0)


def test_a_chunk_lost_from_the_store_is_counted_and_reported_once(
        any_store: StateStore) -> None:
    """A Redis restart that drops a queued chunk (AOF without the last writes): its
    messages cannot be sent, the job says how many were lost, and the admins are told
    once, not silently finished."""
    assert enqueue(any_store, "k9", "alert", messages(250)) == 250
    record = any_store.get(fanout.chunk_key("k9", 1))
    any_store.put(fanout.chunk_key("k9", 1), None, record.version)  # the lost chunk
    told: list[tuple[str, int]] = []

    async def on_lost(job: str, lost: int) -> None:
        told.append((job, lost))

    rec = Recorder()
    assert asyncio.run(Drainer(any_store, rec, rate=RATE, on_lost=on_lost).drain()) == 150
    assert told == [("k9", 100)]
    got = summary(any_store, "k9")
    assert got is not None and (got["sent"], got["pending"], got["lost"]) == (150, 0, 100)
    assert asyncio.run(Drainer(any_store, rec, rate=RATE, on_lost=on_lost).drain()) == 0
    assert told == [("k9", 100)]  # once
