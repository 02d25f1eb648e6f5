"""What a chat last asked, so that a short follow-up can be read against it.

After a matched answer the conversation stores, per chat and user, the question it
answered, the best clause and what the question said (topics, facts, rule ids, the named
document).  The record lives in the shared store (compare-and-set, so replicas agree) and
expires after :data:`CONTEXT_TTL` seconds.

:func:`read_follow_up` turns a follow-up into either a full question (the previous one
with one slot changed: the level "那省级的呢", the applicant "如果是高校牵头呢", the year
"2020年呢") or a question about the stored clause ("这个找哪个部门申请？", "申请需要什么
材料？").  The rewriting is plain string substitution over the small tables below.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.conversation.interview import encode
from bot.conversation.store import StateStore, StoreUnavailable, update
from index.answering.answer import Answer
from knowledge.reading.intent import DEADLINE, MATERIALS, OFFICE, read_intent, strip_intent

CONTEXT_TTL = 30 * 60
SHORT = 12  # a message this short (characters, no spaces) may be a follow-up

LEVELS = ("国家级", "省级", "市级", "县级", "区级")
LEVEL_ALIASES = {"国家层面": "国家级", "省里": "省级", "市里": "市级"}
APPLICANTS = ("科研院所", "高校", "企业", "新型研发机构", "医院")
APPLICANT_ALIASES = {"高等学校": "高校", "大学": "高校", "学校": "高校", "公司": "企业",
                     "研究院": "科研院所", "科研机构": "科研院所", "院所": "科研院所"}
STARTS = ("那么", "那", "如果是", "如果", "要是", "换成", "假如", "改成")
DEICTIC = ("这个", "这项", "这条", "该项", "该", "它", "上面的", "刚才的")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?!\d)")
# what a slot follow-up may say besides its slot words ("如果是高校牵头的话呢")
_SLOT_FILLER = re.compile(r"牵头|组建|建设|认定|情况|单位|主体|是|呢|吗|的话|的|了"
                          r"|[\s，,。.？?！!]")
_FILLER = re.compile(r"[\s，,。.？?！!、]|呢|吗|的话|的|了|请问|一下|我们|我|申请|申报|需要|要")


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

    def to_data(self) -> dict[str, Any]:
        return {"q": self.question, "doc": self.doc_number, "path": self.clause_path,
                "title": self.title, "document": self.document, "topics": list(self.topics),
                "facts": self.facts or {}, "rules": list(self.rule_ids), "as_of": self.as_of}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Context | None:
        if not isinstance(data.get("q"), str) or not data["q"]:
            return None
        return cls(question=data["q"], doc_number=str(data.get("doc") or ""),
                   clause_path=str(data.get("path") or ""), title=str(data.get("title") or ""),
                   document=str(data.get("document") or ""),
                   topics=tuple(data.get("topics") or ()), facts=dict(data.get("facts") or {}),
                   rule_ids=tuple(data.get("rules") or ()), as_of=data.get("as_of"))


@dataclass(frozen=True)
class FollowUp:
    """A follow-up read against a context: ``question`` to ask again (``as_of`` when the
    year changed), or ``about_clause`` (an intent) answered from the stored clause."""

    question: str = ""
    as_of: date | None = None
    about_clause: str = ""


def context_of(question: str, answer: Answer, as_of: date | None = None) -> Context:
    best = answer.hits[0] if answer.hits else None
    extraction = answer.extraction
    return Context(
        question=question,
        doc_number=best.doc_number if best else "",
        clause_path=best.clause_path if best else "",
        title=best.title if best else "",
        document=str((answer.document or {}).get("doc_number") or ""),
        topics=tuple(sorted(extraction.topics)) if extraction is not None else (),
        facts=encode(answer.facts),
        rule_ids=tuple(answer.rule_ids),
        as_of=as_of.isoformat() if as_of else None,
    )


# Follow-ups answered from the clause in context: office, materials, deadline.
CLAUSE_INTENTS = (OFFICE, MATERIALS, DEADLINE)


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


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _found(text: str, words: tuple[str, ...], aliases: dict[str, str]) -> tuple[str, str]:
    """(the table word ``text`` names, the text naming it), else ("", "")."""
    for word in words:
        if word in text:
            return word, word
    for alias, word in sorted(aliases.items(), key=lambda kv: -len(kv[0])):
        if alias in text:
            return word, alias
    return "", ""


def _swap(question: str, words: tuple[str, ...], new: str) -> str:
    """``question`` with its first word of ``words`` replaced by ``new`` (prefixed when
    it has none)."""
    for word in words:
        if word in question:
            return question.replace(word, new, 1)
    return new + question


def is_follow_up(text: str) -> bool:
    """Whether ``text`` reads like a follow-up (short, or opening with 那/如果/要是/换成…)."""
    compact = _compact(text)
    return len(compact) <= SHORT or compact.startswith(STARTS + DEICTIC)


def read_follow_up(text: str, context: Context | None, today: date | None = None
                   ) -> FollowUp | None:
    """``text`` read against ``context``; None when it is a new question of its own."""
    if context is None or not is_follow_up(text):
        return None
    compact = _compact(text)
    intent = read_intent(compact)
    rest = _FILLER.sub("", strip_intent(compact))
    for word in DEICTIC + STARTS:
        rest = rest.replace(word, "")
    if intent in CLAUSE_INTENTS and len(rest) <= 2 and context.doc_number:
        return FollowUp(about_clause=intent)
    body = compact
    for start in STARTS:
        if body.startswith(start):
            body = body[len(start):]
            break
    question = context.question
    changed = False
    left = body
    level, said = _found(body, LEVELS, LEVEL_ALIASES)
    if level:
        question, changed, left = _swap(question, LEVELS, level), True, left.replace(said, "")
    applicant, said = _found(body, APPLICANTS, APPLICANT_ALIASES)
    if applicant:
        question, changed = _swap(question, APPLICANTS, applicant), True
        left = left.replace(said, "")
    as_of: date | None = None
    year = _YEAR.search(body)
    left = _SLOT_FILLER.sub("", _YEAR.sub("", left))
    if len(left) > 2:  # it says more than a slot: a question of its own
        return None
    if year:
        question, changed = f"{year.group(1)}年" + _YEAR.sub("", question), True
        as_of = _year_end(int(year.group(1)), today or date.today())
    elif context.as_of and changed:
        as_of = date.fromisoformat(context.as_of)
    return FollowUp(question=question, as_of=as_of) if changed else None


def _year_end(year: int, today: date) -> date:
    """The date a year stands for (as :func:`knowledge.reading.question.read_as_of`)."""
    if year == today.year:
        return today
    return date(year, 12, 31) if year < today.year else date(year, 1, 1)
