"""One conversation core for Telegram and the terminal: commands, questions, buttons.

Every method is synchronous and may block (retrieval, calculation, the store): the
Telegram app calls them in a worker thread so the event loop never waits.  Nothing here
knows Telegram; replies are :class:`bot.conversation.reply.Reply` objects rendered from templates.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from bot.conversation import context as chat_context
from bot.conversation.clauses import clause_follow_up, rules_of_clause
from bot.conversation.interview import (
    TERMINAL,
    EngineLike,
    Interviews,
    Start,
    Text,
    decode,
    encode,
    parse_press,
)
from bot.conversation.reply import Button, Outcome, Reply, label, labels_list, render, rows
from bot.conversation.store import Conflict, StateStore, StoreUnavailable, update
from bot.conversation.summary import estimate_view, excerpt, relevant_hits
from bot.server_paths import public_report
from bot.subjects import covered_subjects
from index.answering.answer import Answer
from knowledge.reading.frame import Previous
from knowledge.reading.sanitize import MAX_QUESTION_CHARS, is_garbage, is_too_long

REF_TTL = 30 * 24 * 3600
SETTINGS_TTL = 365 * 24 * 3600
ANSWER_HITS = 3
RETRIEVE_HITS = 5  # retrieved; relevant_hits() keeps at most ANSWER_HITS of them


class FullEngine(EngineLike, Protocol):
    """The engine methods the conversation uses beyond the interview's."""

    @property
    def version(self) -> int: ...
    def ask(self, question: str, top_k: int = 5, as_of: date | None = None,
            today: date | None = None, previous: Previous | None = None) -> Answer: ...
    def is_greeting(self, text: str) -> bool: ...
    def clause_text(self, doc_number: str, clause_path: str) -> str | None: ...
    def clause_offices(self, doc_number: str, clause_path: str) -> list[str]: ...
    def documents(self, as_of: date | None = None) -> list[dict[str, Any]]: ...
    def reload(self) -> Any: ...
    def stats(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Who:
    chat_id: int
    user_id: int


class Conversation:
    def __init__(
        self,
        engine: FullEngine,
        store: StateStore,
        admin_ids: frozenset[int] = frozenset(),
        flood_limit: int = 20,
        flood_window: float = 10.0,
        state_ttl: float = 7 * 24 * 3600,
    ) -> None:
        self.engine = engine
        self.store = store
        self.admin_ids = admin_ids
        self.flood_limit = flood_limit
        self.flood_window = flood_window
        self.interviews = Interviews(store, engine, ttl=state_ttl)

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
                        rule_ids: list[str] | None) -> Outcome:
        """Start an interview; while another is unfinished, ask before replacing it."""
        key = self.interviews.key(who.chat_id, who.user_id)
        if self.interviews.unfinished(key):
            token = self._put_ref({"rules": rule_ids, "facts": encode(facts), "new": True})
            buttons = ((Button(label("new_estimate"), f"nw:{token}"),
                        Button(label("keep_estimate"), "kp:")),)
            return Outcome([Reply(render("tg_replace_interview.j2"), buttons)])
        return self.interviews.handle(key, Start(facts, rule_ids, self.as_of(who)))

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
        roots = [getattr(self.engine, name, None) for name in ("knowledge_dir", "data_dir")]
        report = public_report(self.engine.reload(),  # no absolute server path
                               *(root for root in roots if root))
        return [Reply(render("tg_reload.j2", report=report))]

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
            outcome = self.interviews.handle(key, Text(text))
            running = not outcome.handled and self.interviews.unfinished(key)
        except StoreUnavailable:  # no state to read: answer it as a question
            return self.ask(who, text)
        if outcome.handled:
            return outcome
        answered = self.ask(who, text)
        if running and not any(r.tag for r in answered.replies):
            answered.replies.append(Reply(render("tg_interview_open.j2")))
        return answered

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
            return Outcome([self._not_matched(answer)])
        chat_context.save(self.store, who.chat_id, who.user_id, chat_context.context_of(answer))
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
                                  f"aq:{self._put_ref({'q': s.question})}")
                           for s in answer.suggestions]
            return Reply(render("tg_suggest.j2", question=shown, as_of=as_of,
                                suggestions=[s.to_json() for s in answer.suggestions]),
                         rows(buttons, 1))
        subjects = covered_subjects(d.get("title", "") for d in self.engine.documents())
        return Reply(render("tg_no_match.j2", as_of=as_of, subjects=subjects, question=shown))

    def _answered(self, who: Who, answer: Answer) -> Outcome:
        """A matched answer: the bottom line, the estimate, the clauses and their
        buttons; an interview only for facts the asked award really misses."""
        as_of_text = answer.as_of.isoformat()
        frame = answer.frame
        understood = answer.text if frame is not None and frame.follow_up else ""
        text = answer.text
        hits = relevant_hits([h.to_json() for h in answer.hits], limit=ANSWER_HITS)
        for h in hits:
            h["excerpt"] = excerpt(h["text"], text)
        estimate = answer.estimate.to_json() if answer.estimate is not None else None
        facts = answer.facts
        rule_ids = list(answer.rule_ids) if estimate is not None else \
            rules_of_clause(self.engine, list(answer.rule_ids), hits, answer.as_of)
        settled = bool(estimate) and any(
            i.get("outcome") == "eligible" for i in estimate["items"])  # type: ignore[index]
        needs_interview = bool(estimate and estimate.get("missing")) and not settled
        summary = estimate_view(self.engine, estimate) if estimate else None
        buttons: list[Button] = []
        store_down = False
        try:  # the buttons' references live in the store; the answer itself does not
            buttons = [
                Button(f"{label('show_clause')}{i + 1}", f"cl:{self._clause_ref(h, text, who)}")
                for i, h in enumerate(hits)
            ]
            if summary is not None and summary["rest"]:
                rest = [{k: r[k] for k in ("label", "reason", "detail")} for r in summary["rest"]]
                buttons.append(Button(label("unfold"), f"fo:{self._put_ref({'rest': rest})}"))
            if rule_ids and not needs_interview:
                token = self._put_ref({"rules": rule_ids, "facts": encode(facts)})
                buttons.append(Button(label("estimate"), f"es:{token}"))
        except StoreUnavailable:
            buttons, store_down = [], True
        reply = Reply(
            render("tg_answer.j2", hits=hits, as_of=as_of_text, summary=summary,
                   result=answer.to_json(), understood=understood),
            rows(buttons, 3),
        )
        outcome = Outcome([reply])
        if needs_interview and not store_down:
            store_down = self._start_from_answer(who, facts, rule_ids, outcome)
        if store_down and needs_interview:  # the answer stands; only the interview waits
            outcome.replies.append(self.store_down_reply())
        return outcome

    def _start_from_answer(self, who: Who, facts: dict[str, Any], rule_ids: list[str],
                           outcome: Outcome) -> bool:
        """Start the interview an answer needs; True when the store is down."""
        key = self.interviews.key(who.chat_id, who.user_id)
        try:
            running = self.interviews.unfinished(key)
            started = self.start_interview(who, facts, rule_ids)
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
        """An inline button: interview steps, example questions, clause text, estimates."""
        kind, _, arg = data.partition(":")
        if kind == "i":
            press = parse_press(data)
            if press is None:
                return Outcome([], notice=label("stale_button"))
            key = self.interviews.key(who.chat_id, who.user_id)
            return self.interviews.handle(key, press)
        if kind == "ex":
            examples = labels_list("examples")
            if arg.isdigit() and int(arg) < len(examples):
                return _restated(self.ask(who, examples[int(arg)]), examples[int(arg)])
        if kind == "cl":
            ref = self._get_ref(arg)
            if ref is not None:
                text = self.engine.clause_text(ref["doc"], ref["path"])
                if text is not None and ref.get("digest") in (None, _digest(text)):
                    return Outcome([self._clause_reply(who, ref, text)])
                again = ((Button(label("ask_again"), f"aq:{arg}"),),) if ref.get("q") else ()
                return Outcome([Reply(render("tg_clause_changed.j2", ref=ref,
                                             removed=text is None), again)])
        if kind == "aq":
            ref = self._get_ref(arg)
            if ref is not None and ref.get("q"):
                return self.ask(who, str(ref["q"]))
        if kind == "fo":
            ref = self._get_ref(arg)
            if ref is not None and "rest" in ref:
                return Outcome([Reply(render("tg_rest.j2", rest=ref["rest"]))])
        if kind in ("es", "nw"):
            ref = self._get_ref(arg)
            if ref is not None:
                facts = {k: decode(v) for k, v in (ref.get("facts") or {}).items()}
                if kind == "es":
                    return self.start_interview(who, facts, ref["rules"])
                key = self.interviews.key(who.chat_id, who.user_id)
                start = Start(facts, ref["rules"], self.as_of(who))
                started = self.interviews.handle(key, start)
                started.edit_buttons = ()
                return started
        if kind == "kp":
            kept = self.interviews.current(self.interviews.key(who.chat_id, who.user_id))
            if kept.replies:
                kept.edit_buttons = ()
            return kept
        return Outcome([], notice=label("stale_button"))

    def _clause_reply(self, who: Who, ref: dict[str, Any], text: str) -> Reply:
        """The whole clause with its document's validity (on the user's date) and office."""
        as_of = self.as_of(who) or date.today()
        doc = next((d for d in self.engine.documents(as_of)
                    if d.get("doc_number") == ref["doc"]), None)
        offices = self.engine.clause_offices(ref["doc"], ref["path"])
        issuer = doc is not None and offices == [doc.get("issuer")]
        return Reply(render("tg_clause.j2", ref=ref, text=text, doc=doc, offices=offices,
                            issuer_office=issuer, as_of=as_of.isoformat()))

    def _clause_ref(self, hit: dict[str, Any], question: str, who: Who) -> str:
        """The clause as shown (its digest: a later press tells whether it changed) and
        the question it answered (to ask again; ``by`` whom: /unsubscribe erases it)."""
        digest = _digest(hit["text"])
        ident = f"{hit['doc_number']}#{hit['clause_path']}#{digest}#{question}"
        token = hashlib.sha1(ident.encode("utf-8")).hexdigest()[:12]
        record = self.store.get(f"ref:{token}")
        if record.data is None:
            data = {"doc": hit["doc_number"], "path": hit["clause_path"], "title": hit["title"],
                    "digest": digest, "q": question, "by": f"{who.chat_id}:{who.user_id}"}
            with contextlib.suppress(Conflict):  # another replica wrote the same reference
                self.store.put(f"ref:{token}", data, record.version, ttl=REF_TTL)
        return token

    def _put_ref(self, data: dict[str, Any]) -> str:
        token = secrets.token_hex(6)
        self.store.put(f"ref:{token}", data, 0, ttl=REF_TTL)
        return token

    def _get_ref(self, token: str) -> dict[str, Any] | None:
        if not token or len(token) > 24:
            return None
        return self.store.get(f"ref:{token}").data


def _restated(outcome: Outcome, question: str) -> Outcome:
    """An example button's answer, under the question it asked (nobody typed it)."""
    if outcome.replies:
        first = outcome.replies[0]
        asked = render("tg_example_asked.j2", question=question)
        outcome.replies[0] = dataclasses.replace(first, html=f"{asked}\n\n{first.html}")
    return outcome


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
