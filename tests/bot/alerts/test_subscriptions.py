"""Subscriptions in the real stores: kept facts, the chat index, deletion."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from bot.alerts import subscriptions
from bot.alerts.subscriptions import Subscription
from bot.conversation import context as chat_context
from bot.conversation.interview_state import InterviewState
from bot.conversation.store import RedisStore, SQLiteStore, StateStore

FACTS = {"applicant_types": frozenset({"enterprise"}),
         "registered_tech_purchase_yuan": Decimal(3_000_000)}


@pytest.fixture(params=["sqlite", "redis"])
def any_store(request: pytest.FixtureRequest, store: SQLiteStore) -> Iterator[StateStore]:
    if request.param == "sqlite":
        yield store
        return
    redis_store = RedisStore(request.getfixturevalue("redis_url"), prefix="test-subs:")
    for key in redis_store.client.scan_iter("test-subs:*"):
        redis_store.client.delete(key)
    yield redis_store
    redis_store.close()


def test_save_load_list_and_delete(any_store: StateStore) -> None:
    sub = Subscription(5, 5, dict(FACTS), ("tech_purchase",), "2026-12-01")
    subscriptions.save(any_store, sub)
    subscriptions.save(any_store, sub)  # again: listed once
    subscriptions.save(any_store, Subscription(69, 69, {}, (), "2026-12-01"))
    assert subscriptions.load(any_store, 5) == sub
    assert subscriptions.chats(any_store) == [5, 69]
    assert [s.chat_id for s in subscriptions.every(any_store)] == [5, 69]
    assert subscriptions.delete(any_store, 5) is True
    assert subscriptions.delete(any_store, 5) is False
    assert subscriptions.load(any_store, 5) is None
    assert subscriptions.chats(any_store) == [69]


def test_gathered_takes_the_interview_over_the_last_question(store: SQLiteStore) -> None:
    assert subscriptions.gathered(store, 1, 1) == ({}, set())
    ctx = chat_context.Context(question="企业购买技术成果能补贴多少？", topics=("tech_purchase",),
                               facts={"applicant_types": ["university"]})
    chat_context.save(store, 1, 1, ctx)
    state = InterviewState.new(dict(FACTS), None, None)
    store.put("iv:1:1", state.to_data(), 0)
    facts, topics = subscriptions.gathered(store, 1, 1)
    assert facts == FACTS and topics == {"tech_purchase"}
    assert subscriptions.gathered(store, 2, 2) == ({}, set())


def test_the_record_keeps_only_facts_topics_and_the_day(store: SQLiteStore) -> None:
    subscriptions.save(store, Subscription(9, 9, dict(FACTS), ("tech_purchase",), "2026-12-01"))
    data = store.get("alerts:sub:9").data
    assert data is not None and set(data) == {"chat", "user", "facts", "topics", "since"}


def test_forget_person_erases_their_text_and_nobody_elses(any_store: StateStore) -> None:
    mine, theirs = "我是张三，电话13800138000，能补多少？", "别人的问题"
    chat_context.save(any_store, 7, 7, chat_context.Context(question=mine))
    any_store.put("iv:7:7", {"facts": {}}, 0)
    any_store.put("msg:7:7:answer", {"id": 3}, 0)
    any_store.put("msg:7:77:answer", {"id": 4}, 0)  # another user id sharing the prefix
    any_store.put("ref:a1", {"q": mine, "by": "7:7"}, 0)
    any_store.put("ref:a2", {"q": mine, "by": "8:8"}, 0)  # shared: the same text
    any_store.put("ref:b1", {"q": theirs, "by": "8:8"}, 0)
    any_store.put("ref:c1", {"rules": ["r"]}, 0)
    assert subscriptions.forget_person(any_store, 7, 7) == 5
    gone = ("ctx:7:7", "iv:7:7", "msg:7:7:answer", "ref:a1", "ref:a2")
    assert [any_store.get(k).data for k in gone] == [None] * 5
    assert [any_store.get(k).data is not None for k in ("msg:7:77:answer", "ref:b1", "ref:c1")] \
        == [True, True, True]
    assert subscriptions.forget_person(any_store, 7, 7) == 0
