"""The push: a fan-out queued in the store, claimed per message, rate-limited, resumable.

A fan-out (a *job*: one knowledge version's alerts, or one day's reminders) is written
once, in chunks of :data:`CHUNK` rendered messages::

    alerts:jobs              {"active": [job ids], "last": job id}
    alerts:job:<job>         {"id", "kind", "created", "total", "chunks"}
    alerts:chunk:<job>:<n>   {"items": [...], "next", "sent", "failed", "skipped",
                              "owner", "until"}
    alerts:plan:<job>        {"state": "planning" | "queued", "owner", "until"}

Planning is idempotent: a replica takes the plan as a lease (:func:`begin_plan`), writes
the chunks, the header and the activation, and only then marks the job queued
(:func:`end_plan`).  A store failure on the way releases the plan (or lets its lease run
out), so the version is planned again rather than lost; chunks rewritten by a retry are
harmless, as the per-chat send claims below keep every message single.

Any replica drains it.  A chunk is worked by one replica at a time (a lease in the chunk
record itself, taken and renewed by compare-and-set; released on a clean stop, taken over
by another replica once it expires), and its ``next`` moves after every message, so a
restart resumes at the first message not yet handled.  Before a message is sent its claim
``alerts:sent:<job>:<chat>`` is taken: whatever the leases do, a subscriber never gets
the same job's message twice.  (The price, chosen on purpose: a replica killed between the
claim and the send loses that one message; a clean stop finishes the send in hand.)

The rate is shared by every replica through windowed counters in the store: about
``rate`` messages a second overall (Telegram's 30/s) and one a second per chat.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.conversation.store import StateStore, update

log = logging.getLogger(__name__)

CHUNK = 100
JOBS = "alerts:jobs"
SENT_TTL = 180 * 24 * 3600.0
WINDOW = 0.2  # seconds per overall rate window (smoother than one-second windows)
SENT, FAILED = "sent", "failed"
PER_WORKER = 3.0  # messages/s a chunk worker is given: ~60 idle, far less on a busy host
MAX_PARALLEL = 16


@dataclass(frozen=True)
class Message:
    chat_id: int
    html: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()  # rows of (label, callback data)

    def to_data(self) -> dict[str, Any]:
        return {"chat": self.chat_id, "html": self.html,
                "buttons": [[list(b) for b in row] for row in self.buttons]}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Message:
        buttons = tuple(tuple((str(b[0]), str(b[1])) for b in row)
                        for row in data.get("buttons") or ())
        return cls(int(data["chat"]), str(data["html"]), buttons)


class RetryLater(Exception):
    """The sender was told to wait (Telegram's 429 retry_after)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


Sender = Callable[[Message], Awaitable[str]]  # SENT or FAILED; may raise RetryLater


def job_key(job: str) -> str:
    return f"alerts:job:{job}"


def chunk_key(job: str, n: int) -> str:
    return f"alerts:chunk:{job}:{n}"


def enqueue(store: StateStore, job: str, kind: str, messages: list[Message]) -> int:
    """Queue ``messages`` as job ``job`` (the caller holds the job's claim); their count."""
    if not messages:
        return 0
    chunks = [messages[i:i + CHUNK] for i in range(0, len(messages), CHUNK)]
    for n, part in enumerate(chunks):
        data = {"items": [m.to_data() for m in part], "next": 0, "sent": 0, "failed": 0,
                "skipped": 0, "owner": "", "until": 0.0}
        update(store, chunk_key(job, n), lambda _old, d=data: (d, None), ttl=SENT_TTL)
    header = {"id": job, "kind": kind, "created": time.time(), "total": len(messages),
              "chunks": len(chunks), "finished": None}
    update(store, job_key(job), lambda _old: (header, None), ttl=SENT_TTL)

    def activate(old: dict[str, Any] | None) -> tuple[dict[str, Any], None]:
        active = list((old or {}).get("active") or [])
        return {"active": [*active, job] if job not in active else active,
                "last": job}, None

    update(store, JOBS, activate)
    return len(messages)


PLAN_LEASE = 300.0  # seconds a replica may take to plan before another one may


def plan_key(job: str) -> str:
    return f"alerts:plan:{job}"


def begin_plan(store: StateStore, job: str, owner: str, lease: float = PLAN_LEASE) -> bool:
    """Take the planning of ``job``; False when it is queued already or another replica
    is planning it.  The planner's own lease is taken again (a retry after a failure)."""
    now = time.time()

    def take(old: dict[str, Any] | None) -> tuple[dict[str, Any] | None, bool]:
        if old is not None and (old.get("state") == "queued" or (
                old.get("owner") != owner and float(old.get("until") or 0) > now)):
            return old, False
        return {"state": "planning", "owner": owner, "until": now + lease}, True

    taken: bool = update(store, plan_key(job), take, ttl=SENT_TTL)
    return taken


def end_plan(store: StateStore, job: str, owner: str, *, queued: bool) -> None:
    """``queued``: the job's queue is complete, the version is done; else release the
    planning so that any replica plans it again (nothing of it was activated)."""
    def finish(old: dict[str, Any] | None) -> tuple[dict[str, Any] | None, None]:
        if queued:
            return {"state": "queued", "owner": owner, "until": 0.0}, None
        if old is None or old.get("owner") != owner or old.get("state") != "planning":
            return old, None
        return None, None

    update(store, plan_key(job), finish, ttl=SENT_TTL)


def summary(store: StateStore, job: str | None = None) -> dict[str, Any] | None:
    """Sent, failed, skipped and pending of ``job`` (default: the newest fan-out)."""
    if job is None:
        job = (store.get(JOBS).data or {}).get("last")
    if not job:
        return None
    header = store.get(job_key(job)).data
    if header is None:
        return None
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    pending = 0
    for n in range(int(header["chunks"])):
        data = store.get(chunk_key(job, n)).data
        if data is None:
            continue  # lost from the store (a restart without its last writes)
        for name in counts:
            counts[name] += int(data.get(name) or 0)
        pending += max(0, len(data.get("items") or []) - int(data.get("next") or 0))
    # messages of chunks the store no longer holds: never sent, and said so
    lost = max(0, int(header["total"]) - sum(counts.values()) - pending)
    return {"job": job, "kind": header["kind"], "total": header["total"], **counts,
            "pending": pending, "lost": lost}


class Drainer:
    """Works the queued fan-outs of the store through ``send``, at the shared rate."""

    def __init__(self, store: StateStore, send: Sender, *, rate: float = 30.0,
                 per_chat: float = 1.0, lease: float = 30.0, owner: str | None = None,
                 on_lost: Callable[[str, int], Awaitable[None]] | None = None) -> None:
        if rate <= 0 or per_chat <= 0 or lease <= 0:
            raise ValueError("rate, per_chat and lease must be positive")
        self.store = store
        self.send = send
        self.rate = rate
        self.per_chat = per_chat
        self.lease = lease
        self.owner = owner or uuid.uuid4().hex[:12]
        # told once per job (by the replica that finishes it) of messages whose chunk the
        # store lost: they cannot be sent, and nobody would know otherwise
        self.on_lost = on_lost
        self.parallel = max(1, min(MAX_PARALLEL, math.ceil(rate / PER_WORKER)))

    async def _io(self, func: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(func, *args)

    async def drain(self, running: Callable[[], bool] = lambda: True) -> int:
        """Work every active job until done, stopped or leased elsewhere; messages handled."""
        handled = 0
        jobs = (await self._io(self.store.get, JOBS)).data or {}
        for job in list(jobs.get("active") or []):
            header = (await self._io(self.store.get, job_key(job))).data
            if header is None:
                await self._io(self._finish, job)
                continue
            pending = list(range(int(header["chunks"])))
            # One sequential worker sends ~60/s here (HTTP + store round trips per
            # message); a few in parallel keep up with the rate, which the shared
            # counters still cap.
            workers = (self._worker(job, pending, running) for _ in range(self.parallel))
            handled += sum(await asyncio.gather(*workers))
            if not running():
                return handled
            if await self._io(self._all_done, job, int(header["chunks"])) and \
                    await self._io(self._finish, job):
                await self._report_lost(job)
        return handled

    async def _report_lost(self, job: str) -> None:
        lost = int((await self._io(summary, self.store, job) or {}).get("lost") or 0)
        if lost:
            log.error("policy alerts: %d messages of job %s were lost from the store "
                      "before they were sent", lost, job)
            if self.on_lost is not None:
                await self.on_lost(job, lost)

    async def _worker(self, job: str, pending: list[int], running: Callable[[], bool]) -> int:
        done = 0
        while pending and running():
            done += await self._work(job, pending.pop(0), running)
        return done

    def _all_done(self, job: str, chunks: int) -> bool:
        for n in range(chunks):
            data = self.store.get(chunk_key(job, n)).data
            if data is not None and int(data["next"]) < len(data["items"]):
                return False
        return True

    def _finish(self, job: str) -> bool:
        """Take ``job`` off the active list; True for the one caller that did."""
        def done(old: dict[str, Any] | None) -> tuple[dict[str, Any] | None, bool]:
            active = list((old or {}).get("active") or [])
            if job not in active:
                return old, False
            return {**(old or {}), "active": [j for j in active if j != job]}, True

        return bool(update(self.store, JOBS, done))

    def _acquire(self, job: str, n: int) -> dict[str, Any] | None:
        """Take chunk ``n``'s lease if it has work left and nobody else holds it."""
        now = time.time()

        def take(old: dict[str, Any] | None) -> tuple[dict[str, Any] | None, bool]:
            if old is None or int(old["next"]) >= len(old["items"]):
                return old, False
            if old.get("owner") not in ("", self.owner) and float(old.get("until") or 0) > now:
                return old, False
            return {**old, "owner": self.owner, "until": now + self.lease}, True

        if not update(self.store, chunk_key(job, n), take, SENT_TTL):
            return None
        return self.store.get(chunk_key(job, n)).data

    def _advance(self, job: str, n: int, outcome: str, release: bool) -> bool:
        """Record one handled message; False when the lease was lost meanwhile."""
        def step(old: dict[str, Any] | None) -> tuple[dict[str, Any] | None, bool]:
            if old is None or old.get("owner") != self.owner:
                return old, False
            new = {**old, "next": int(old["next"]) + 1, outcome: int(old[outcome]) + 1,
                   "until": time.time() + self.lease}
            if release or new["next"] >= len(new["items"]):
                new["owner"] = ""
            return new, True

        ok: bool = update(self.store, chunk_key(job, n), step, SENT_TTL)
        return ok

    def _release(self, job: str, n: int) -> None:
        def free(old: dict[str, Any] | None) -> tuple[dict[str, Any] | None, None]:
            if old is None or old.get("owner") != self.owner:
                return old, None
            return {**old, "owner": ""}, None

        update(self.store, chunk_key(job, n), free, SENT_TTL)

    async def _work(self, job: str, n: int, running: Callable[[], bool]) -> int:
        data = await self._io(self._acquire, job, n)
        if data is None:
            return 0
        handled = 0
        items = data["items"]
        index = int(data["next"])
        try:
            while index < len(items):
                message = Message.from_data(items[index])
                claim = f"alerts:sent:{job}:{message.chat_id}"
                if await self._io(self.store.claim, claim, SENT_TTL):
                    outcome = await self._deliver(message)
                else:
                    outcome = "skipped"  # handled before (another replica, or a crash)
                handled += 1
                index += 1
                stop = not running()
                if not await self._io(self._advance, job, n, outcome, stop) or stop:
                    return handled
        finally:
            if index < len(items):
                await self._io(self._release, job, n)
        return handled

    async def _deliver(self, message: Message) -> str:
        for _ in range(5):
            await self._throttle(message.chat_id)
            try:
                return await self.send(message)
            except RetryLater as wait:
                await asyncio.sleep(wait.seconds)
            except Exception:
                log.warning("alert push failed", exc_info=True)  # never the text or chat
                return FAILED
        return FAILED

    def _hits(self, chat_id: int, window: float, overall: bool) -> tuple[int, int]:
        """Count one send in the overall window (when ``overall``) and the chat's."""
        count = self.store.hit("alerts:rate", window) if overall else 0
        return count, self.store.hit(f"alerts:chat:{chat_id}", 1.0 / self.per_chat)

    async def _throttle(self, chat_id: int) -> None:
        per_window = max(1, int(self.rate * WINDOW))
        window = WINDOW if self.rate * WINDOW >= 1 else 1.0 / self.rate
        chat_window = 1.0 / self.per_chat
        overall = True
        while True:
            count, mine = await self._io(self._hits, chat_id, window, overall)
            if overall and count > per_window:
                await asyncio.sleep(window - time.time() % window + 0.001)
                continue
            overall = False  # the overall slot is ours; now the chat's own second
            if mine <= 1:
                return
            await asyncio.sleep(chat_window - time.time() % chat_window + 0.001)
