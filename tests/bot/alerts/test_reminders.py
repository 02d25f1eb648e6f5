"""Expiry reminders: once per document, once a day across replicas and restarts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from knowledge_edits import unrepeal_107
from recording import RecordingEngine

from bot.alerts import fanout, subscriptions
from bot.alerts.reminders import LAST, due, expiring, last_run, run_reminders
from bot.alerts.service import reminder_message
from bot.alerts.subscriptions import Subscription
from bot.conversation.store import SQLiteStore

pytestmark = pytest.mark.slow
TODAY = date(2026, 12, 1)
INCUBATOR = {"applicant_types": frozenset({"incubator"}),
             "incubation_titles": frozenset({"incubator_national"})}


def expire_107(knowledge: Path, until: date) -> None:
    unrepeal_107(knowledge)  # a history in which 107号 runs to an end date instead
    for name in ("policies/weizhengbanzi-2018-107.md", "rules/weizhengbanzi-2018-107.yaml"):
        path = knowledge / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("effective_until: null", f"effective_until: {until}", 1),
                        encoding="utf-8")


def test_one_reminder_before_a_document_behind_an_eligible_item_expires(
        own_engine: RecordingEngine, store: SQLiteStore) -> None:
    expire_107(own_engine.knowledge_dir, TODAY + timedelta(days=10))
    assert own_engine.reload().ok
    snap = own_engine.snapshot
    subscriptions.save(store, Subscription(3, 3, dict(INCUBATOR), ("incubator",), "2026-11-01"))
    subscriptions.save(store, Subscription(4, 4, {"applicant_types": frozenset({"enterprise"})},
                                           (), "2026-11-01"))
    found = expiring(snap, subscriptions.load(store, 3) or Subscription(0, 0), TODAY)
    assert [(e["doc_number"], e["days"]) for e in found] == [("威政办字〔2018〕107号", 10)]
    assert due(store, TODAY) and last_run(store) == ""
    assert run_reminders(store, snap, TODAY, reminder_message) == 1
    job = fanout.summary(store)
    assert job is not None and job["kind"] == "reminder" and job["total"] == 1
    chunk = store.get(fanout.chunk_key(f"r{TODAY}", 0)).data or {}
    assert chunk["items"][0]["chat"] == 3 and "2026-12-11" in chunk["items"][0]["html"]
    assert last_run(store) == TODAY.isoformat() and not due(store, TODAY)
    assert run_reminders(store, snap, TODAY, reminder_message) == 0  # same day: done
    tomorrow = TODAY + timedelta(days=1)
    assert run_reminders(store, snap, tomorrow, reminder_message) == 0  # reminded once
    assert store.get(LAST).data == {"date": tomorrow.isoformat()}


def test_one_replica_runs_the_days_check(own_engine: RecordingEngine, store: SQLiteStore) -> None:
    expire_107(own_engine.knowledge_dir, TODAY + timedelta(days=3))
    assert own_engine.reload().ok
    snap = own_engine.snapshot
    subscriptions.save(store, Subscription(3, 3, dict(INCUBATOR), (), "2026-11-01"))
    assert store.claim(f"alerts:reminders:{TODAY}", 60)  # another replica is running it
    assert run_reminders(store, snap, TODAY, reminder_message) == 0
    far = TODAY - timedelta(days=60)  # 107 ends in 63 days: not yet
    assert run_reminders(store, snap, far, reminder_message) == 0
