"""Inline buttons: one handler per kind of callback data (``<kind>:<arg>``).

``i`` an interview step, ``ex`` an example question, ``cl`` a clause's whole text, ``aq``
a question asked again, ``fo`` the folded "不适用" items, ``es`` an estimate from an
answer, ``nw`` / ``kp`` replace or keep a running interview.  A handler returns None for a
press it cannot serve (an expired reference): the press then only gets a toast.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from bot.conversation.interview import Interviews, Start, decode, parse_press
from bot.conversation.refs import Refs, digest
from bot.conversation.reply import Button, Outcome, Reply, Who, label, labels_list, render

__all__ = ["Buttons", "Pressed"]


class ClauseEngine(Protocol):
    def clause_text(self, doc_number: str, clause_path: str) -> str | None: ...
    def clause_offices(self, doc_number: str, clause_path: str) -> list[str]: ...
    def documents(self, as_of: date | None = None) -> list[dict[str, Any]]: ...


class Pressed(Protocol):
    """What a press needs of :class:`bot.conversation.core.Conversation`."""

    @property
    def engine(self) -> ClauseEngine: ...
    @property
    def interviews(self) -> Interviews: ...
    @property
    def refs(self) -> Refs: ...
    def as_of(self, who: Who) -> date | None: ...
    def ask(self, who: Who, text: str) -> Outcome: ...
    def start_interview(self, who: Who, facts: dict[str, Any],
                        rule_ids: list[str] | None) -> Outcome: ...


class Buttons:
    """The presses of one conversation."""

    def __init__(self, conversation: Pressed) -> None:
        self.conv = conversation
        self.handlers: dict[str, Callable[[Who, str], Outcome | None]] = {
            "i": self.interview, "ex": self.example, "cl": self.clause, "aq": self.ask_again,
            "fo": self.folded, "es": self.estimate, "nw": self.replace_interview,
            "kp": self.keep_interview,
        }

    def press(self, who: Who, data: str) -> Outcome:
        """An inline button: interview steps, example questions, clause text, estimates."""
        kind, _, arg = data.partition(":")
        handler = self.handlers.get(kind)
        outcome = handler(who, data if kind == "i" else arg) if handler is not None else None
        return outcome if outcome is not None else Outcome([], notice=label("stale_button"))

    def interview(self, who: Who, data: str) -> Outcome | None:
        press = parse_press(data)
        if press is None:
            return None
        interviews = self.conv.interviews
        return interviews.handle(interviews.key(who.chat_id, who.user_id), press)

    def example(self, who: Who, arg: str) -> Outcome | None:
        examples = labels_list("examples")
        if not (arg.isdigit() and int(arg) < len(examples)):
            return None
        question = examples[int(arg)]
        return _restated(self.conv.ask(who, question), question)

    def clause(self, who: Who, arg: str) -> Outcome | None:
        ref = self.conv.refs.get(arg)
        if ref is None:
            return None
        text = self.conv.engine.clause_text(ref["doc"], ref["path"])
        if text is not None and ref.get("digest") in (None, digest(text)):
            return Outcome([self._clause_reply(who, ref, text)])
        again = ((Button(label("ask_again"), f"aq:{arg}"),),) if ref.get("q") else ()
        return Outcome([Reply(render("tg_clause_changed.j2", ref=ref, removed=text is None),
                              again)])

    def _clause_reply(self, who: Who, ref: dict[str, Any], text: str) -> Reply:
        """The whole clause with its document's validity (on the user's date) and office."""
        as_of = self.conv.as_of(who) or date.today()
        engine = self.conv.engine
        doc = next((d for d in engine.documents(as_of) if d.get("doc_number") == ref["doc"]),
                   None)
        offices = engine.clause_offices(ref["doc"], ref["path"])
        issuer = doc is not None and offices == [doc.get("issuer")]
        return Reply(render("tg_clause.j2", ref=ref, text=text, doc=doc, offices=offices,
                            issuer_office=issuer, as_of=as_of.isoformat()))

    def ask_again(self, who: Who, arg: str) -> Outcome | None:
        ref = self.conv.refs.get(arg)
        if ref is None or not ref.get("q"):
            return None
        return self.conv.ask(who, str(ref["q"]))

    def folded(self, who: Who, arg: str) -> Outcome | None:
        ref = self.conv.refs.get(arg)
        if ref is None or "rest" not in ref:
            return None
        return Outcome([Reply(render("tg_rest.j2", rest=ref["rest"]))])

    def _estimate_ref(self, arg: str) -> tuple[dict[str, Any], list[str] | None] | None:
        ref = self.conv.refs.get(arg)
        if ref is None:
            return None
        return {k: decode(v) for k, v in (ref.get("facts") or {}).items()}, ref["rules"]

    def estimate(self, who: Who, arg: str) -> Outcome | None:
        """"估算金额" under an answer: the interview over its rules."""
        found = self._estimate_ref(arg)
        return None if found is None else self.conv.start_interview(who, *found)

    def replace_interview(self, who: Who, arg: str) -> Outcome | None:
        """"开始新的估算": the new interview over the unfinished one."""
        found = self._estimate_ref(arg)
        if found is None:
            return None
        interviews = self.conv.interviews
        start = Start(found[0], found[1], self.conv.as_of(who))
        started = interviews.handle(interviews.key(who.chat_id, who.user_id), start)
        started.edit_buttons = ()
        return started

    def keep_interview(self, who: Who, arg: str) -> Outcome | None:
        """"继续当前估算": the unfinished interview's message again."""
        interviews = self.conv.interviews
        kept = interviews.current(interviews.key(who.chat_id, who.user_id))
        if kept.replies:
            kept.edit_buttons = ()
        return kept


def _restated(outcome: Outcome, question: str) -> Outcome:
    """An example button's answer, under the question it asked (nobody typed it)."""
    if outcome.replies:
        first = outcome.replies[0]
        asked = render("tg_example_asked.j2", question=question)
        outcome.replies[0] = dataclasses.replace(first, html=f"{asked}\n\n{first.html}")
    return outcome
