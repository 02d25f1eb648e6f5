"""What a chat last asked, so that the next message can be read against it.

After a matched answer the conversation stores, per chat and user, the question as
understood, the best clause and what the question said (topics, facts, rule ids, the
named document, the thread of understood questions).  The record lives in the shared
store (compare-and-set, so replicas agree) and expires after :data:`CONTEXT_TTL`
seconds.  Reading a message against it is the core's job
(:func:`knowledge.reading.frame.read_frame`, through ``Engine.ask(previous=…)``): this
module only keeps the record.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.conversation.interview_state import encode
from bot.conversation.store import StateStore, StoreUnavailable, update
from index.answering.answer import Answer
from knowledge.reading.frame import Previous

CONTEXT_TTL = 30 * 60


@dataclass(frozen=True)
class Context:
    question: str  # the full question last answered (a rewritten follow-up included)
    doc_number: str = ""  # the best clause
    clause_path: str = ""
    title: str = ""
    document: str = ""  # the document the question named
    topics: tuple[str, ...] = ()
    facts: dict[str, Any] | None = None  # encoded (bot.conversation.interview.encode)
    rule_ids: tuple[str, ...] = ()
    as_of: str | None = None  # a year follow-up's date
    asked: str = "general"  # what the question asked (the answer's intent)
    thread: tuple[str, ...] = ()  # understood questions of this thread, for "加起来"
    granted: tuple[str, ...] = ()  # the rules the answer granted (for "升省级了呢")

    def to_data(self) -> dict[str, Any]:
        return {"q": self.question, "doc": self.doc_number, "path": self.clause_path,
                "title": self.title, "document": self.document, "topics": list(self.topics),
                "facts": self.facts or {}, "rules": list(self.rule_ids), "as_of": self.as_of,
                "asked": self.asked, "thread": list(self.thread),
                "granted": list(self.granted)}

    def previous(self) -> Previous:
        """The record as the core reads it."""
        return Previous(text=self.question, asked=self.asked, doc_number=self.doc_number,
                        clause_path=self.clause_path, document=self.document,
                        topics=self.topics, thread=self.thread, granted=self.granted)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Context | None:
        if not isinstance(data.get("q"), str) or not data["q"]:
            return None
        return cls(question=data["q"], doc_number=str(data.get("doc") or ""),
                   clause_path=str(data.get("path") or ""), title=str(data.get("title") or ""),
                   document=str(data.get("document") or ""),
                   topics=tuple(data.get("topics") or ()), facts=dict(data.get("facts") or {}),
                   rule_ids=tuple(data.get("rules") or ()), as_of=data.get("as_of"),
                   asked=str(data.get("asked") or "general"),
                   thread=tuple(str(t) for t in data.get("thread") or ()),
                   granted=tuple(str(r) for r in data.get("granted") or ()))


def context_of(answer: Answer, as_of: date | None = None,
               earlier: Context | None = None) -> Context:
    """What to keep of a matched answer: the question as understood, its best clause; the
    awards granted before kept through a follow-up that asks another kind of the same
    question (钱多久到账 between 首次通过绩效评价 and 如果升成省级呢)."""
    best = answer.hits[0] if answer.hits else None
    extraction = answer.extraction
    frame = answer.frame
    return Context(
        question=answer.text,
        doc_number=best.doc_number if best else "",
        clause_path=best.clause_path if best else "",
        title=best.title if best else "",
        document=str((answer.document or {}).get("doc_number") or ""),
        topics=tuple(sorted(extraction.topics)) if extraction is not None else (),
        facts=encode(answer.facts),
        rule_ids=tuple(answer.rule_ids),
        as_of=as_of.isoformat() if as_of else None,
        asked=answer.intent,
        thread=frame.thread if frame is not None else (answer.text,),
        granted=tuple(i.rule_id for i in answer.estimate.items if i.outcome == "eligible")
        if answer.estimate is not None else (
            earlier.granted if earlier is not None and frame is not None and frame.follow_up
            else ()),
    )


def _key(chat_id: int, user_id: int) -> str:
    return f"ctx:{chat_id}:{user_id}"


def load(store: StateStore, chat_id: int, user_id: int) -> Context | None:
    """The chat's context, None when there is none (expired) or the store is down."""
    try:
        data = store.get(_key(chat_id, user_id)).data
    except StoreUnavailable:
        return None
    return Context.from_data(data) if data else None


def save(store: StateStore, chat_id: int, user_id: int, context: Context) -> None:
    """Replace the chat's context (compare-and-set; a store outage only loses it)."""
    data = context.to_data()
    with contextlib.suppress(StoreUnavailable):
        update(store, _key(chat_id, user_id), lambda _old: (data, None), ttl=CONTEXT_TTL)


# a typed answer that is only a figure (60万, 三家): said with its question's label
_FIGURE_ONLY = re.compile(r"[\d.,，\s零〇一二两三四五六七八九十百千万亿元块家个项件份年"
                          r"约大概左右多]*")


def carry_answer(store: StateStore, chat_id: int, user_id: int, label: str, text: str) -> None:
    """A typed answer to the interview an amount question started is part of that
    question: kept with it in the chat's context, so that a correction of it (说错了，
    是一百二十万) or a follow-up (那省级呢) is read against the question with its answer."""
    context = load(store, chat_id, user_id)
    if context is None or not label or not text.strip():
        return
    said = f"{label}{text.strip()}" if _FIGURE_ONLY.fullmatch(text.strip()) else text.strip()
    question = f"{context.question.rstrip('？?。 ')}，{said}"
    thread = context.thread
    if thread and thread[-1] == context.question:
        thread = (*thread[:-1], question)
    save(store, chat_id, user_id, replace(context, question=question, thread=thread))
