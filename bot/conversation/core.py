"""One conversation core for Telegram and the terminal: commands, questions, buttons.

Every method is synchronous and may block (retrieval, calculation, the store): the
Telegram app calls them in a worker thread so the event loop never waits.  Nothing here
knows Telegram; replies are :class:`bot.conversation.reply.Reply` objects rendered from
templates, an answer through the one presenter (:mod:`bot.conversation.presenter`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from bot.conversation import context as chat_context
from bot.conversation.buttons import Buttons
from bot.conversation.clauses import clause_follow_up, rules_of_clause
from bot.conversation.interview import TERMINAL, Interviews, Start, Text, decode, encode
from bot.conversation.interview_state import EngineLike
from bot.conversation.presenter import AnswerView, answer_html, present
from bot.conversation.refs import REF_TTL, Refs
from bot.conversation.reply import Button, Outcome, Reply, Who, label, labels_list, render, rows
from bot.conversation.store import Conflict, StateStore, StoreUnavailable, update
from bot.conversation.summary import office_lookup
from bot.server_paths import public_report
from bot.subjects import covered_subjects
from index.answering.answer import Answer
from index.answering.snapshot import Snapshot
from knowledge.reading.frame import Previous
from knowledge.reading.month import EVENT_MONTH
from knowledge.reading.sanitize import MAX_QUESTION_CHARS, is_garbage, is_too_long

__all__ = ["Conversation", "FullEngine", "Who"]

SETTINGS_TTL = 365 * 24 * 3600
RETRIEVE_HITS = 5  # retrieved; the presenter keeps at most ANSWER_HITS of them


class FullEngine(EngineLike, Protocol):
    """The engine methods the conversation uses beyond the interview's."""

    @property
    def version(self) -> int: ...
    @property
    def knowledge_dir(self) -> Path: ...
    @property
    def data_dir(self) -> Path: ...
    @property
    def snapshot(self) -> Snapshot: ...
    def warm_up(self) -> None: ...
    def ask(self, question: str, top_k: int = 5, as_of: date | None = None,
            today: date | None = None, previous: Previous | None = None) -> Answer: ...
    def is_greeting(self, text: str) -> bool: ...
    def clause_text(self, doc_number: str, clause_path: str) -> str | None: ...
    def clause_offices(self, doc_number: str, clause_path: str) -> list[str]: ...
    def documents(self, as_of: date | None = None) -> list[dict[str, Any]]: ...
    def reload(self) -> Any: ...
    def stats(self) -> dict[str, Any]: ...


class Conversation:
    def __init__(
        self,
        engine: FullEngine,
        store: StateStore,
        admin_ids: frozenset[int] = frozenset(),
        flood_limit: int = 20,
        flood_window: float = 10.0,
        state_ttl: float = 7 * 24 * 3600,
        reload: Callable[[], Any] | None = None,
    ) -> None:
        """``reload`` runs the admins' /reload (the Telegram app passes its knowledge
        watcher's, the path of a file change); by default the engine reloads."""
        self.engine = engine
        self.store = store
        self.admin_ids = admin_ids
        self.flood_limit = flood_limit
        self.flood_window = flood_window
        self.interviews = Interviews(store, engine, ttl=state_ttl)
        self.refs = Refs(store)
        self.buttons = Buttons(self)
        self._reload = reload or self._reload_engine

    # -- per-user settings and flood control ---------------------------------------------
    def as_of(self, who: Who) -> date | None:
        """The user's /asof date; the default (None: today) while the store is down."""
        try:
            data = self.store.get(f"user:{who.user_id}").data or {}
        except StoreUnavailable:
            return None
        return date.fromisoformat(data["as_of"]) if data.get("as_of") else None

    def set_as_of(self, who: Who, arg: str) -> list[Reply]:
        """``/asof YYYY-MM-DD`` sets the date policies are judged on; ``/asof`` resets."""
        arg = arg.strip()
        when: date | None = None
        if arg:
            try:
                when = date.fromisoformat(arg)
            except ValueError:
                return [Reply(render("tg_asof.j2", error=True, value=arg, when=None))]
        def change(old: dict[str, Any] | None) -> tuple[dict[str, Any], None]:
            return {**(old or {}), "as_of": when.isoformat() if when else None}, None

        update(self.store, f"user:{who.user_id}", change, ttl=SETTINGS_TTL)
        return [Reply(render("tg_asof.j2", error=False, value=arg, when=when))]

    def flood(self, who: Who) -> str:
        """``ok``, ``warn`` (first message over the limit) or ``drop``.

        Fails open: while the store is down every update is let through.
        """
        try:
            count = self.store.hit(f"flood:{who.user_id}", self.flood_window)
        except StoreUnavailable:
            return "ok"
        if count <= self.flood_limit:
            return "ok"
        return "warn" if count == self.flood_limit + 1 else "drop"

    def flood_reply(self) -> Reply:
        return Reply(render("tg_flood.j2", seconds=int(self.flood_window)))

    def is_admin(self, who: Who) -> bool:
        return who.user_id in self.admin_ids

    # -- commands ------------------------------------------------------------------------
    def start(self, who: Who) -> list[Reply]:
        examples = labels_list("examples")
        buttons = rows([Button(q, f"ex:{i}") for i, q in enumerate(examples)], 1)
        return [Reply(render("tg_start.j2"), buttons)]

    def help(self, who: Who) -> list[Reply]:
        return [Reply(render("tg_help.j2", admin=self.is_admin(who)))]

    def estimate(self, who: Who) -> Outcome:
        """``/estimate``: a fresh interview over every rule (asks first if one is running)."""
        return self.start_interview(who, {}, None)

    def start_interview(self, who: Who, facts: dict[str, Any],
                        rule_ids: list[str] | None, on: date | None = None) -> Outcome:
        """Start an interview; while another is unfinished, ask before replacing it.
        ``on``: the date the question that started it is about (2020年买了项技术…)."""
        key = self.interviews.key(who.chat_id, who.user_id)
        if self.interviews.unfinished(key):
            token = self.refs.put({"rules": rule_ids, "facts": encode(facts), "new": True})
            buttons = ((Button(label("new_estimate"), f"nw:{token}"),
                        Button(label("keep_estimate"), "kp:")),)
            return Outcome([Reply(render("tg_replace_interview.j2"), buttons)])
        return self.interviews.handle(key, Start(facts, rule_ids, on or self.as_of(who)))

    def cancel(self, who: Who) -> list[Reply]:
        cancelled = self.interviews.cancel(self.interviews.key(who.chat_id, who.user_id))
        return [Reply(render("tg_cancelled.j2", had=cancelled))]

    def policies(self, who: Who) -> list[Reply]:
        as_of = self.as_of(who) or date.today()
        docs = self.engine.documents(as_of)
        return [Reply(render("tg_policies.j2", docs=docs, as_of=as_of.isoformat()))]

    def reload(self, who: Who) -> list[Reply]:
        if not self.is_admin(who):
            return [Reply(render("tg_not_admin.j2"))]
        return [Reply(render("tg_reload.j2", report=self._reload()))]

    def _reload_engine(self) -> Any:
        """The engine reloaded, its report without an absolute server path."""
        return public_report(self.engine.reload(), self.engine.knowledge_dir,
                             self.engine.data_dir)

    def stats(self, who: Who) -> list[Reply]:
        if not self.is_admin(who):
            return [Reply(render("tg_not_admin.j2"))]
        stats = dict(self.engine.stats())
        stats["store"] = type(getattr(self.store, "inner", self.store)).__name__  # the backend
        stats["store_ok"] = self.store.ping()
        return [Reply(render("tg_stats.j2", stats=stats))]

    def unknown_command(self, who: Who) -> list[Reply]:
        return [Reply(render("tg_unknown_command.j2"))]

    def not_text(self, who: Who) -> list[Reply]:
        return [Reply(render("tg_not_text.j2"))]

    # -- free text -----------------------------------------------------------------------
    def text(self, who: Who, text: str) -> Outcome:
        """A typed message: an answer to the running interview, else a question (the
        owner is told the interview is still open)."""
        key = self.interviews.key(who.chat_id, who.user_id)
        if self.engine.is_greeting(text):  # 你好 / 谢谢 is no answer to an interview question
            return self.ask(who, text)
        try:
            waiting = self.interviews.load(key)
            outcome = self.interviews.handle(key, Text(text))
            running = not outcome.handled and self.interviews.unfinished(key)
        except StoreUnavailable:  # no state to read: answer it as a question
            return self.ask(who, text)
        if outcome.handled:
            if outcome.edit_html is not None and waiting is not None \
                    and (waiting.given or waiting.rule_ids) and waiting.current is not None:
                # the answer typed to an amount question's interview (省里拨了60万) is
                # part of that question for what follows (说错了，是一百二十万)
                chat_context.carry_answer(self.store, who.chat_id, who.user_id,
                                          waiting.question.label,
                                          self._answered_as(key, waiting, text))
            return outcome
        answered = self.ask(who, text)
        if running and not any(r.tag for r in answered.replies):
            answered.replies.append(Reply(render("tg_interview_open.j2")))
        return answered

    def _answered_as(self, key: str, waiting: Any, text: str) -> str:
        """A typed answer as the interview took it: the options picked (国家级的 → 国家级
        技术转移示范机构), so that the question it completes names them; else as typed."""
        asked = waiting.question
        after = self.interviews.load(key) if asked.choices else None
        if after is None or (value := after.facts.get(asked.name)) is None:
            return text
        value = decode(value)
        picked = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        shown = [t.split("（")[0] for v, t in asked.choices if decode(v) in picked]
        return "、".join(shown) or text

    def ask(self, who: Who, text: str) -> Outcome:
        """Answer a message read against the chat's last question: cited provisions,
        the estimate when it asks for one, a suggestion, a greeting or a refusal."""
        if is_garbage(text) and not self.engine.is_greeting(text):  # 🙏 is thanks, not garbage
            return Outcome([Reply(render("tg_garbage.j2"))])
        if is_too_long(text):
            return Outcome([Reply(render("tg_too_long.j2", limit=MAX_QUESTION_CHARS))])
        previous = chat_context.load(self.store, who.chat_id, who.user_id)
        answer = self.engine.ask(text, top_k=RETRIEVE_HITS, as_of=self.as_of(who),
                                 previous=previous.previous() if previous else None)
        frame = answer.frame
        if frame is not None and frame.about_clause and previous is not None:
            return Outcome([clause_follow_up(self.engine, previous, frame.about_clause)])
        if answer.verdict == "greeting":
            return Outcome([self._greeting()])
        if not answer.matched:
            if answer.unanswered is not None:  # (烟台给多少 refused: 那威海省级的呢 follows it)
                chat_context.save(self.store, who.chat_id, who.user_id,
                                  chat_context.context_of(answer))
            return Outcome([self._not_matched(answer)])
        chat_context.save(self.store, who.chat_id, who.user_id,
                          chat_context.context_of(answer, earlier=previous))
        return self._answered(who, answer)

    def _greeting(self) -> Reply:
        examples = labels_list("examples")
        buttons = rows([Button(q, f"ex:{i}") for i, q in enumerate(examples)], 1)
        return Reply(render("tg_greeting.j2"), buttons)

    def _not_matched(self, answer: Answer) -> Reply:
        """"您是不是想问…" with the closest covered awards, else a refusal that says what
        is covered."""
        as_of = answer.as_of.isoformat()
        shown = " ".join(answer.question.split())
        if answer.verdict == "suggest" and answer.suggestions:
            buttons: list[Button] = []
            with contextlib.suppress(StoreUnavailable):
                buttons = [Button(s.label if len(s.label) <= 24 else s.label[:23] + "…",
                                  f"aq:{self.refs.put({'q': s.question})}")
                           for s in answer.suggestions]
            return Reply(render("tg_suggest.j2", question=shown, as_of=as_of,
                                suggestions=answer.suggestions), rows(buttons, 1))
        subjects = covered_subjects(d.get("title", "") for d in self.engine.documents())
        place = answer.unanswered.place if answer.unanswered is not None else ""
        return Reply(render("tg_no_match.j2", as_of=as_of, subjects=subjects, question=shown,
                            place=place))

    def _answered(self, who: Who, answer: Answer) -> Outcome:
        """A matched answer: the bottom line, the estimate, the clauses and their
        buttons; an interview only for facts the asked award really misses."""
        view = present(answer, office_lookup(self.engine))
        estimate = answer.estimate
        rule_ids = list(answer.rule_ids) if estimate is not None else \
            rules_of_clause(answer, view.hits)
        settled = estimate is not None and any(i.outcome == "eligible" for i in estimate.items)
        # (the month of an event is asked in words: the owner's reply is read against it)
        needs_interview = estimate is not None and not settled \
            and bool(set(estimate.missing) - {EVENT_MONTH})
        store_down = False
        try:  # the buttons' references live in the store; the answer itself does not
            buttons = self._answer_buttons(who, view, [] if needs_interview else rule_ids)
        except StoreUnavailable:
            buttons, store_down = [], True
        outcome = Outcome([Reply(answer_html(view), rows(buttons, 3))])
        if needs_interview and not store_down:
            # (a fact the estimate still asks, 二百五十多万, is no answer given yet)
            given = {k: v for k, v in answer.facts.items()
                     if estimate is None or k not in estimate.missing}
            store_down = self._start_from_answer(who, given, rule_ids, outcome,
                                                 estimate.as_of if estimate else None)
        if store_down and needs_interview:  # the answer stands; only the interview waits
            outcome.replies.append(self.store_down_reply())
        return outcome

    def _answer_buttons(self, who: Who, view: AnswerView, rule_ids: list[str]) -> list[Button]:
        """查看原文 per clause shown, 展开不适用项, and 估算金额 over ``rule_ids``."""
        by = f"{who.chat_id}:{who.user_id}"
        buttons = [Button(f"{label('show_clause')}{i + 1}",
                          f"cl:{self.refs.clause(h, view.answer.text, by)}")
                   for i, h in enumerate(view.hits)]
        if view.summary is not None and view.summary.rest:
            rest = [{k: r[k] for k in ("label", "reason", "detail")} for r in view.summary.rest]
            buttons.append(Button(label("unfold"), f"fo:{self.refs.put({'rest': rest})}"))
        if rule_ids:
            token = self.refs.put({"rules": rule_ids, "facts": encode(view.answer.facts)})
            buttons.append(Button(label("estimate"), f"es:{token}"))
        return buttons

    def _start_from_answer(self, who: Who, facts: dict[str, Any], rule_ids: list[str],
                           outcome: Outcome, on: date | None = None) -> bool:
        """Start the interview an answer needs (on the date its question is about); True
        when the store is down."""
        key = self.interviews.key(who.chat_id, who.user_id)
        try:
            running = self.interviews.unfinished(key)
            started = self.start_interview(who, facts, rule_ids, on)
        except StoreUnavailable:
            return True
        if not running:
            outcome.replies.append(Reply(render("tg_interview_intro.j2", facts=len(facts),
                                                terminal=self.interviews.channel == TERMINAL)))
        outcome.replies.extend(started.replies)
        return False

    def note_sent(self, who: Who, tag: str, message_id: int) -> None:
        """Remember the message a tagged reply was sent as (see :attr:`Reply.tag`)."""
        key = f"msg:{who.chat_id}:{who.user_id}:{tag}"
        record = self.store.get(key)
        with contextlib.suppress(Conflict):  # a concurrent resend: either id will do
            self.store.put(key, {"id": int(message_id)}, record.version, ttl=REF_TTL)

    def sent_message(self, who: Who, tag: str) -> int | None:
        """The id of the message last sent with ``tag``; None if unknown."""
        data = self.store.get(f"msg:{who.chat_id}:{who.user_id}:{tag}").data
        return int(data["id"]) if data and "id" in data else None

    def store_down_reply(self) -> Reply:
        """The polite notice where a step needed the (unreachable) store."""
        return Reply(render("tg_store_down.j2"))

    # -- buttons -------------------------------------------------------------------------
    def press(self, who: Who, data: str) -> Outcome:
        """An inline button (:class:`bot.conversation.buttons.Buttons`)."""
        return self.buttons.press(who, data)
