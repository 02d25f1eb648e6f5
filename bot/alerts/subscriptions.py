"""Subscribers and the facts they gave, in the store.

One record per chat (``alerts:sub:<chat>``): the facts (encoded as the interview encodes
them), the topics the chat asked about and the day it subscribed.  Nothing else is kept:
no name, no message text.  The chats are listed in :data:`SHARDS` index records
(``alerts:subs:<n>``) so that a fan-out can enumerate them without a key scan and ten
thousand subscriptions do not contend on one record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.conversation import context as chat_context
from bot.conversation.interview import Interviews
from bot.conversation.interview_state import InterviewState, decode, encode
from bot.conversation.store import Conflict, StateStore, update

SHARDS = 64
PREFIX = "alerts:sub:"
INDEX = "alerts:subs:"


@dataclass(frozen=True)
class Subscription:
    chat_id: int
    user_id: int
    facts: dict[str, Any] = field(default_factory=dict)  # engine values (decoded)
    topics: tuple[str, ...] = ()
    since: str = ""  # ISO date

    def to_data(self) -> dict[str, Any]:
        return {"chat": self.chat_id, "user": self.user_id,
                "facts": {k: encode(v) for k, v in sorted(self.facts.items())},
                "topics": sorted(self.topics), "since": self.since}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Subscription:
        facts: dict[str, Any] = {}
        for name, raw in (data.get("facts") or {}).items():
            value = decode(raw)
            facts[name] = frozenset(value) if isinstance(value, list) else value
        return cls(int(data["chat"]), int(data.get("user") or data["chat"]), facts,
                   tuple(data.get("topics") or ()), str(data.get("since") or ""))


def gathered(store: StateStore, chat_id: int, user_id: int) -> tuple[dict[str, Any], set[str]]:
    """The facts and topics this chat already gave: the last interview's answers over the
    last question's facts (what the conversation keeps anyway)."""
    facts: dict[str, Any] = {}
    topics: set[str] = set()
    ctx = chat_context.load(store, chat_id, user_id)
    if ctx is not None:
        for name, raw in (ctx.facts or {}).items():
            value = decode(raw)
            facts[name] = frozenset(value) if isinstance(value, list) else value
        topics.update(ctx.topics)
    data = store.get(Interviews.key(chat_id, user_id)).data
    if data is not None and isinstance(data.get("facts"), dict):
        # a multiple choice the question gave (not asked) comes back as a list
        facts.update({k: frozenset(v) if isinstance(v, list) else v
                      for k, v in InterviewState.from_data(data).engine_facts().items()})
    return facts, topics


def _shard(chat_id: int) -> str:
    return f"{INDEX}{chat_id % SHARDS}"


def save(store: StateStore, sub: Subscription) -> None:
    """Write the subscription and list its chat (two compare-and-set writes)."""
    data = sub.to_data()
    update(store, PREFIX + str(sub.chat_id), lambda _old: (data, None))

    def listed(old: dict[str, Any] | None) -> tuple[dict[str, Any] | None, None]:
        chats = list((old or {}).get("chats") or [])
        if sub.chat_id in chats:
            return old, None
        return {"chats": [*chats, sub.chat_id]}, None

    update(store, _shard(sub.chat_id), listed)


def load(store: StateStore, chat_id: int) -> Subscription | None:
    data = store.get(PREFIX + str(chat_id)).data
    return Subscription.from_data(data) if data else None


def delete(store: StateStore, chat_id: int) -> bool:
    """Forget the subscription and its facts; True if there was one."""
    def drop(old: dict[str, Any] | None) -> tuple[dict[str, Any] | None, bool]:
        return (old, False) if old is None else (None, True)

    had: bool = update(store, PREFIX + str(chat_id), drop)

    def unlisted(old: dict[str, Any] | None) -> tuple[dict[str, Any] | None, None]:
        chats = list((old or {}).get("chats") or [])
        if chat_id not in chats:
            return old, None
        return {"chats": [c for c in chats if c != chat_id]}, None

    update(store, _shard(chat_id), unlisted)
    return had


def forget_person(store: StateStore, chat_id: int, user_id: int) -> int:
    """Erase every record holding what this person wrote; how many were erased.

    The follow-up context (``ctx:``, the last question), the interview (``iv:``), the
    sent-message notes (``msg:``) and the clause buttons' references (``ref:``) whose
    question is theirs: written for them (``by``) or equal to their last question (a
    reference two people share holds the same text).  A shared reference erased this way
    only makes the other person's old button say it has expired.
    """
    person = f"{chat_id}:{user_id}"
    context = store.get(f"ctx:{person}").data or {}
    asked = {q for q in (context.get("q"),) if q}

    def theirs(data: dict[str, Any]) -> bool:
        return bool(data.get("q")) and (data.get("by") == person or data["q"] in asked)

    erased = sum(_erase(store, key) for key in (f"ctx:{person}", f"iv:{person}"))
    for prefix, where in ((f"msg:{person}:", None), ("ref:", theirs)):
        erased += sum(_erase(store, key, where) for key in _keys(store, prefix))
    return erased


def _keys(store: StateStore, prefix: str) -> list[str]:
    listing = getattr(store, "keys", None)
    return list(listing(prefix)) if listing is not None else []


def _erase(store: StateStore, key: str,
           where: Callable[[dict[str, Any]], bool] | None = None) -> bool:
    """Delete ``key`` if ``where`` holds: a tombstone over its data (over expired data too,
    which SQLite still holds); True when it held live data."""
    for _ in range(8):
        record = store.get(key)
        if record.version == 0 or (where is not None
                                   and (record.data is None or not where(record.data))):
            return False
        try:
            store.put(key, None, record.version)
        except Conflict:
            continue
        return record.data is not None
    return False


def chats(store: StateStore) -> list[int]:
    """Every subscribed chat, in a stable order."""
    out: list[int] = []
    for n in range(SHARDS):
        out.extend(int(c) for c in (store.get(f"{INDEX}{n}").data or {}).get("chats") or [])
    return sorted(out)


def every(store: StateStore) -> Iterator[Subscription]:
    """Every subscription (a chat listed but since deleted is skipped)."""
    for chat in chats(store):
        sub = load(store, chat)
        if sub is not None:
            yield sub


def today() -> str:
    return date.today().isoformat()
