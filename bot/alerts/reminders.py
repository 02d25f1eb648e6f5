"""Expiry reminders: once, before a document behind an eligible item runs out.

Checked once a day by one replica: the day's run is a claim in the store
(``alerts:reminders:<date>``), and the last day run is kept (``alerts:reminders:last``),
so a restart neither repeats nor skips a day.  Each (chat, document, end date) is
reminded once (its own claim), whatever days the checks run on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from bot.alerts.fanout import SENT_TTL, Message, enqueue
from bot.alerts.matching import eligible_items
from bot.alerts.subscriptions import Subscription, every
from bot.conversation.store import StateStore, update
from index.answering.snapshot import Snapshot

LAST = "alerts:reminders:last"
AHEAD = timedelta(days=30)
Render = Callable[[Subscription, list[dict[str, Any]]], Message]


def last_run(store: StateStore) -> str:
    return str((store.get(LAST).data or {}).get("date") or "")


def due(store: StateStore, today: date) -> bool:
    return last_run(store) < today.isoformat()


def expiring(snap: Snapshot, sub: Subscription, today: date) -> list[dict[str, Any]]:
    """Eligible items of ``sub`` whose document ends within :data:`AHEAD` of ``today``."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in eligible_items(snap, sub.facts, today):
        for cite in item.citations:
            meta = snap.kb.document(cite.doc_number)
            until = meta.effective_until if meta is not None else None
            if meta is None or until is None or not today <= until <= today + AHEAD:
                continue
            if meta.doc_number in seen:
                continue
            seen.add(meta.doc_number)
            out.append({"label": item.label, "doc_number": meta.doc_number,
                        "title": meta.title, "until": until.isoformat(),
                        "days": (until - today).days, "issuer": meta.issuer})
    return out


def run_reminders(store: StateStore, snap: Snapshot, today: date, render: Render) -> int:
    """Today's check, if no replica ran it yet; the number of reminders queued."""
    if not due(store, today) or not store.claim(f"alerts:reminders:{today}", 2 * 86400):
        return 0
    messages: list[Message] = []
    for sub in every(store):
        fresh = [e for e in expiring(snap, sub, today)
                 if store.claim(f"alerts:remind:{sub.chat_id}:{e['doc_number']}:{e['until']}",
                                SENT_TTL)]
        if fresh:
            messages.append(render(sub, fresh))
    enqueue(store, f"r{today.isoformat()}", "reminder", messages)
    day = today.isoformat()
    update(store, LAST, lambda _old: ({"date": day}, None))
    return len(messages)
