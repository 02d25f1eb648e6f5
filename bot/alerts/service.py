"""The alert loop of one replica: notice a new snapshot, plan its fan-out once, drain.

:meth:`AlertService.check` compares the engine's snapshot with the one it last saw (a
reload through the watcher or ``/reload`` alike); when documents or rules changed, the
replica that takes the plan of the knowledge version (``alerts:plan:<fingerprint>``, the
new snapshot's knowledge fingerprint, equal on every replica) computes each subscriber's
changes and queues them; a store failure on the way leaves the snapshot unseen, and it is
planned again.
:meth:`AlertService.run` does that, the daily reminders and the draining in a loop until
the application stops.  Nothing here knows Telegram: the sender is injected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, Protocol

from bot.alerts import subscriptions
from bot.alerts.fanout import (
    Drainer,
    Message,
    Sender,
    begin_plan,
    end_plan,
    enqueue,
    summary,
)
from bot.alerts.matching import Change, Diff, changes_for, diff, money_clauses
from bot.alerts.reminders import run_reminders
from bot.alerts.subscriptions import Subscription
from bot.conversation.guarded_store import BACKEND_ERRORS
from bot.conversation.reply import render
from bot.conversation.store import StateStore, StoreUnavailable
from bot.render import html_env
from index.answering.snapshot import Snapshot

log = logging.getLogger(__name__)
ESTIMATE_BUTTON = "al:es"
STOP_SLICE = 0.05  # seconds between looks at running() while idle
FINGERPRINT_CHARS = 20  # of the knowledge fingerprint in a plan's key (short keys)
OUTAGES: tuple[type[BaseException], ...] = (StoreUnavailable, *BACKEND_ERRORS)


def alert_label(name: str) -> str:
    """A short string of ``tg_alert_labels.j2`` (button labels)."""
    return str(getattr(html_env().get_template("tg_alert_labels.j2").module, name))


def alert_message(sub: Subscription, changes: list[Change]) -> Message:
    html = render("tg_alert.j2", changes=[c.to_data() for c in changes])
    return Message(sub.chat_id, html, (((alert_label("estimate"), ESTIMATE_BUTTON),),))


def reminder_message(sub: Subscription, items: list[dict[str, Any]]) -> Message:
    html = render("tg_alert_reminder.j2", items=items)
    return Message(sub.chat_id, html, (((alert_label("estimate"), ESTIMATE_BUTTON),),))


class Reported(Protocol):
    """A reload's report (``index.answering.engine.ReloadReport``)."""

    @property
    def ok(self) -> bool: ...


class Serving(Protocol):
    """The engine whose snapshots the alerts follow (:class:`Engine`)."""

    @property
    def snapshot(self) -> Snapshot: ...


class AlertService:
    def __init__(self, engine: Serving, store: StateStore, send: Sender | None = None, *,
                 rate: float = 30.0, per_chat: float = 1.0, poll: float = 1.0,
                 lease: float = 30.0, today: Callable[[], date] = date.today,
                 on_lost: Callable[[str, int], Awaitable[None]] | None = None) -> None:
        self.engine = engine
        self.store = store
        self.poll = poll
        self.today = today
        self.baseline: Snapshot | None = None
        self.drainer = Drainer(store, send or _nowhere, rate=rate, per_chat=per_chat,
                               lease=lease, on_lost=on_lost)
        self._lock = threading.Lock()
        self._wake: asyncio.Event | None = None

    def snapshot(self) -> Snapshot:
        return self.engine.snapshot

    def start(self) -> None:
        """Remember the snapshot in service now: later ones are compared with it."""
        self.baseline = self.snapshot()

    def check(self) -> int:
        """Plan the fan-out of a new snapshot (once across replicas); messages queued."""
        with self._lock:
            new = self.snapshot()
            old = self.baseline
            if new is old:
                return 0
            try:
                queued = self._plan(old, new)
            except OUTAGES:
                raise  # the snapshot stays unseen: the next round plans it again
            except Exception:
                self.baseline = new  # a bug, not an outage: do not retry it every second
                raise
            self.baseline = new
            return queued

    def _plan(self, old: Snapshot | None, new: Snapshot) -> int:
        """Diff, take the version's plan, match every subscriber, queue, mark it queued."""
        changed = diff(old, new)
        if not changed:
            return 0
        job = "k" + new.fingerprint[:FINGERPRINT_CHARS]  # the new snapshot's knowledge
        owner = self.drainer.owner
        if not begin_plan(self.store, job, owner):
            return 0  # another replica planned (or is planning) this knowledge version
        try:
            queued = enqueue(self.store, job, "alert", self._messages(old, new, changed))
        except BaseException:
            with contextlib.suppress(Exception):  # else the lease runs out
                end_plan(self.store, job, owner, queued=False)
            raise
        end_plan(self.store, job, owner, queued=True)
        log.info("policy alerts: %d of the subscribers concerned by knowledge %s",
                 queued, job)
        return queued

    def _messages(self, old: Snapshot | None, new: Snapshot, changed: Diff) -> list[Message]:
        """One message per subscriber the changes concern."""
        on = self.today()
        money = money_clauses(changed, new, on)
        messages = []
        for sub in subscriptions.every(self.store):
            found = changes_for(changed, old, new, sub.facts, set(sub.topics), on, money)
            if found:
                messages.append(alert_message(sub, found))
        return messages

    def reminders(self) -> int:
        return run_reminders(self.store, self.snapshot(), self.today(), reminder_message)

    def wake(self) -> None:
        """A reload finished (or a job was queued): look now rather than at the next poll."""
        if self._wake is not None:
            self._wake.set()

    async def on_reload(self, report: Reported) -> None:
        """The watcher's hook: after a successful reload, plan and drain at once."""
        if report.ok:
            self.wake()

    async def run(self, running: Callable[[], bool]) -> None:
        """Check, remind and drain until ``running()`` turns false."""
        self._wake = asyncio.Event()
        while running():
            self._wake.clear()
            try:
                await asyncio.to_thread(self.check)
                await asyncio.to_thread(self.reminders)
                await self.drainer.drain(running)
            except StoreUnavailable:
                log.warning("policy alerts wait for the store")
            except Exception:
                log.exception("policy alerts loop failed; trying again")
            waited = 0.0
            while running() and not self._wake.is_set() and waited < self.poll:
                with contextlib.suppress(TimeoutError):  # short slices: a stop is prompt
                    await asyncio.wait_for(self._wake.wait(), STOP_SLICE)
                waited += STOP_SLICE

    def stats(self) -> dict[str, Any]:
        """Subscribers and the last fan-out, for ``/stats``."""
        return {"subscribers": len(subscriptions.chats(self.store)),
                "last": summary(self.store)}


async def _nowhere(message: Message) -> str:
    return "failed"
