"""The alert loop's planning: a new snapshot is planned once across replicas."""

from __future__ import annotations

import asyncio

import alert_docs
import pytest
from recording import RecordingEngine

from bot.alerts import fanout, subscriptions
from bot.alerts.fanout import SENT, Message
from bot.alerts.service import AlertService
from bot.alerts.subscriptions import Subscription
from bot.conversation.store import SQLiteStore, StoreUnavailable

pytestmark = pytest.mark.slow
ENTERPRISE = {"applicant_types": frozenset({"enterprise"})}


def test_a_reload_is_planned_once_and_drained(own_engine: RecordingEngine,
                                             store: SQLiteStore) -> None:
    subscriptions.save(store, Subscription(1, 1, dict(ENTERPRISE), ("tech_purchase",), "x"))
    subscriptions.save(store, Subscription(2, 2, dict(ENTERPRISE), ("clinical",), "x"))
    sent: list[Message] = []

    async def send(message: Message) -> str:
        sent.append(message)
        return SENT

    a = AlertService(own_engine, store, send, rate=1000)
    b = AlertService(own_engine, store, send, rate=1000)  # a second replica
    a.start()
    b.start()
    assert a.check() == 0  # nothing new yet
    alert_docs.add(own_engine.knowledge_dir, "weikezi-2026-9.md", alert_docs.MATCHING)
    assert own_engine.reload().ok
    assert a.check() == 1 and a.check() == 0
    assert b.check() == 0  # the other replica planned this knowledge version
    asyncio.run(b.drainer.drain())
    assert [m.chat_id for m in sent] == [1]
    assert "威科字〔2026〕9号" in sent[0].html and sent[0].buttons[0][0][1] == "al:es"
    stats = a.stats()
    assert stats["subscribers"] == 2 and stats["last"]["sent"] == 1
    assert (store.get(fanout.JOBS).data or {})["active"] == []


def test_the_loop_stops_when_told(own_engine: RecordingEngine, store: SQLiteStore) -> None:
    service = AlertService(own_engine, store, poll=0.05)
    service.start()
    rounds: list[int] = []

    def running() -> bool:
        rounds.append(1)
        return len(rounds) < 20

    asyncio.run(service.run(running))
    assert len(rounds) >= 20 and service.stats()["last"] is None


class FailingOnce:
    """The store, failing once on the first read or write of a key with ``prefix``."""

    def __init__(self, inner: SQLiteStore, prefix: str, method: str) -> None:
        self.inner, self.prefix, self.method, self.failed = inner, prefix, method, False

    def __getattr__(self, name: str) -> object:
        real = getattr(self.inner, name)
        if name != self.method:
            return real

        def maybe_fail(key: str, *args: object) -> object:
            if not self.failed and key.startswith(self.prefix):
                self.failed = True
                raise StoreUnavailable("disk I/O error")
            return real(key, *args)

        return maybe_fail


@pytest.mark.parametrize(("prefix", "method"), [
    (subscriptions.INDEX, "get"), (subscriptions.PREFIX, "get"), ("alerts:chunk:", "put"),
    ("alerts:job:", "put"), (fanout.JOBS, "put"),
], ids=["subscriber-index", "subscriber", "chunk", "header", "activation"])
def test_a_store_failure_while_planning_is_retried_not_lost(
        own_engine: RecordingEngine, store: SQLiteStore, prefix: str, method: str) -> None:
    for chat in (1, 3):
        subscriptions.save(store, Subscription(chat, chat, dict(ENTERPRISE),
                                               ("tech_purchase",), "x"))
    flaky = FailingOnce(store, prefix, method)
    service = AlertService(own_engine, flaky, rate=1000)  # type: ignore[arg-type]
    other = AlertService(own_engine, store, rate=1000)  # a second replica
    service.start()
    other.start()
    alert_docs.add(own_engine.knowledge_dir, "weikezi-2026-9.md", alert_docs.MATCHING)
    assert own_engine.reload().ok
    with pytest.raises(StoreUnavailable):
        service.check()
    assert flaky.failed and fanout.summary(store) is None
    assert other.check() + service.check() == 2  # the claim was released: planned once
    assert service.check() == 0 and other.check() == 0
    summary = fanout.summary(store)
    assert summary is not None and summary["total"] == summary["pending"] == 2
