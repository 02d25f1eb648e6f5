"""The award interview: a pure state machine over a JSON state (see docs/interview.md).

``step(engine, state, event)`` returns the new state and what to say; it never touches
Telegram or the store, so the Telegram app and the terminal chat share it, and
:class:`Interviews` persists it with compare-and-set (every update re-reads the state).

States: ``ask`` (waiting for one fact), ``review`` (answers listed, each can be changed),
``done`` (estimate shown).  Only facts the candidate rules still need are asked
(``engine.next_questions``), the one needed by the most rules first.  Buttons carry the
state's ``seq`` so a press on an old keyboard is recognised and ignored.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.conversation.interview_views import (
    CHOICE_KINDS,
    EngineLike,
    FactSpecLike,
    answered_html,
    as_of_of,
    decode,
    encode,
    facts_of,
    finishes,
    implausible,
    listed,
    question_keyboard,
    question_reply,
    question_tag,
    rest_reply,
    result_reply,
    review_reply,
    shown_value,
    snapshot,
    typed_choice,
    typed_multi,
)
from bot.conversation.reply import Outcome, Reply, label, render
from bot.conversation.store import StateStore, update
from knowledge.errors import FactError

__all__ = ["ASK", "DONE", "REVIEW", "TELEGRAM", "TERMINAL", "EngineLike", "FactSpecLike",
           "Interviews", "Press", "Start", "Text", "decode", "encode", "facts_of", "parse_press",
           "step"]

ASK, REVIEW, DONE = "ask", "review", "done"
TELEGRAM, TERMINAL = "telegram", "terminal"


# -- events ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Start:
    facts: dict[str, Any]
    rule_ids: list[str] | None = None
    as_of: date | None = None
    channel: str = ""  # TELEGRAM or TERMINAL: what the questions tell the user to do


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Press:
    seq: int
    action: str  # c choose, t toggle, d done, b back, s skip, x cancel, e edit, ok, r review
    arg: int = -1


Event = Start | Text | Press


def parse_press(data: str) -> Press | None:
    """``i:<seq>:<action>[:<arg>]`` → :class:`Press`; None for anything else."""
    parts = data.split(":")
    if len(parts) not in (3, 4) or parts[0] != "i":
        return None
    try:
        return Press(int(parts[1]), parts[2], int(parts[3]) if len(parts) == 4 else -1)
    except ValueError:
        return None


# -- choosing the next question ----------------------------------------------------------
def _rule_ids(engine: EngineLike, state: dict[str, Any]) -> list[str]:
    if state.get("rule_ids"):
        return list(state["rule_ids"])
    items = engine.estimate(facts_of(state), as_of_of(state), None).get("items", [])
    return [str(item["rule_id"]) for item in items]


def _needed(engine: EngineLike, state: dict[str, Any]) -> list[FactSpecLike]:
    """Facts still needed and plausible for the applicant; those it cannot be asked about
    (an enterprise, about the titles of its incubator) are noted in ``deduced``."""
    state["deduced"] = []
    while True:
        facts = facts_of(state)
        skipped = set(state.get("skipped", []))
        specs = [s for s in engine.next_questions(facts, as_of_of(state), state.get("rule_ids"))
                 if s.name not in skipped and s.name not in facts]
        ruled_out = [s for s in specs if implausible(state, s)]
        if not ruled_out:
            return specs
        # read as none; other rules may need more facts then
        state["deduced"] += [s.name for s in ruled_out]
        state["deduced_labels"] = {**state.get("deduced_labels", {}),
                                   **{s.name: str(getattr(s, "label", "") or s.name)
                                      for s in ruled_out}}


def ordered_questions(engine: EngineLike, state: dict[str, Any]) -> list[FactSpecLike]:
    """Facts still needed, those that the most candidate rules wait for first."""
    specs = _needed(engine, state)
    facts, as_of = facts_of(state), as_of_of(state)
    if len(specs) <= 1:
        return specs
    counts: Counter[str] = Counter()
    for rule_id in _rule_ids(engine, state):
        counts.update({s.name for s in engine.next_questions(facts, as_of, [rule_id])})
    order = {s.name: i for i, s in enumerate(specs)}
    return sorted(specs, key=lambda s: (-counts[s.name], order[s.name]))


def _spec_for(engine: EngineLike, state: dict[str, Any], name: str) -> FactSpecLike | None:
    """The live spec of ``name`` if the candidate rules still need it without its answer."""
    facts = {k: v for k, v in facts_of(state).items() if k != name}
    for spec in engine.next_questions(facts, as_of_of(state), state.get("rule_ids")):
        if spec.name == name:
            return spec
    return None


# -- transitions -------------------------------------------------------------------------
def new_state(facts: dict[str, Any], rule_ids: list[str] | None, as_of: date | None,
              channel: str = "") -> dict:
    return {
        "channel": channel or TELEGRAM,
        "phase": ASK,
        "seq": 0,
        "facts": {k: encode(v) for k, v in facts.items()},
        "given": sorted(facts),  # understood from the question, not asked
        "history": [],
        "asked": {},
        "skipped": [],
        "deduced": [],  # not asked: the applicant's type cannot hold them (read as none)
        "current": None,
        "editing": False,
        "multi": [],
        "invalid": 0,
        "rule_ids": list(rule_ids) if rule_ids else None,
        "as_of": as_of.isoformat() if as_of else None,
    }


def _ask(state: dict[str, Any], spec: FactSpecLike, editing: bool = False,
         previous: Any = None) -> Reply:
    """Ask ``spec``; ``previous`` (its earlier answer, JSON) comes back chosen."""
    state.update(phase=ASK, current=spec.name, editing=editing, multi=[], invalid=0,
                 previous=None)
    state["seq"] += 1
    snap = state["asked"][spec.name] = snapshot(spec)
    if previous is not None:
        values = [v for v, _ in snap["choices"]]
        if snap["kind"] == "multi":
            state["multi"] = [i for i, v in enumerate(values) if v in previous]
        elif snap["kind"] in CHOICE_KINDS:
            state["previous"] = values.index(previous) if previous in values else None
        else:
            state["previous"] = shown_value(snap, decode(previous))
    return question_reply(state)


def _count(state: dict[str, Any], specs: list[FactSpecLike]) -> None:
    """The questions' total: unknown (not shown) while the applicant type, which decides
    most of the rest, is still to be asked; then it never shrinks (an answer that makes
    a question unnecessary ends the interview early rather than renumbering it)."""
    if any(s.name == "applicant_types" for s in specs):
        return
    state["total"] = max(int(state.get("total") or 0), len(state["history"]) + len(specs))


def advance(engine: EngineLike, state: dict[str, Any]) -> Reply:
    """Ask the next needed fact, or show the review when none is left."""
    specs = ordered_questions(engine, state)
    if specs:
        _count(state, specs)
        return _ask(state, specs[0])
    state.update(phase=REVIEW, current=None, editing=False, multi=[])
    state["seq"] += 1
    return review_reply(state)


def _record(engine: EngineLike, state: dict[str, Any], value: Any) -> Reply:
    name = state["current"]
    state["facts"][name] = encode(value)
    state["skipped"] = [n for n in state["skipped"] if n != name]
    if name not in state["history"] and name not in state.get("given", []):
        state["history"].append(name)
    return advance(engine, state)


def _go_back(engine: EngineLike, state: dict[str, Any]) -> Reply:
    """Back: from an edit to the review, else to the last answered question."""
    if state.get("editing") or state["phase"] == DONE:
        state.update(phase=REVIEW, current=None, editing=False)
        state["seq"] += 1
        return review_reply(state)
    while state["history"]:
        name = state["history"].pop()
        previous = state["facts"].pop(name, None)
        state["skipped"] = [n for n in state["skipped"] if n != name]
        spec = _spec_for(engine, state, name)
        if spec is not None:
            return _ask(state, spec, previous=previous)
    return advance(engine, state)


_QUESTION_MARKS = ("？", "?", "吗", "多少", "怎么", "什么", "哪些", "有没有", "能否", "如何")
# a change to the question answered last (那2020年呢, 不对，是200万), not an answer
_FOLLOW_UP_OPENERS = ("那", "如果", "要是", "假如", "换成", "改成", "不对", "说错", "其实",
                      "后来", "更正")


def is_follow_up_form(text: str) -> bool:
    """Whether ``text`` is worded as a change to a question (opens with 那/如果/要是/说错了
    …, ends with 呢, or asks with ？), which no typed answer is."""
    compact = "".join(text.split())
    return (compact.startswith(_FOLLOW_UP_OPENERS) or compact.rstrip("。.!！").endswith("呢")
            or compact.endswith(("？", "?")))


def looks_like_question(text: str) -> bool:
    """Whether text that is no valid answer reads as a new question rather than a typo."""
    compact = "".join(text.split())
    return (is_follow_up_form(compact) or any(mark in compact for mark in _QUESTION_MARKS)
            or len(compact) > 24 or bool(re.search(r"(?:19|20)\d\d年", compact)))


def asking(engine: EngineLike, state: dict[str, Any], event: Text | Press) -> Outcome:
    """State ASK: a typed answer or a button press for the current fact."""
    snap = state["asked"][state["current"]]
    if isinstance(event, Text) and snap["kind"] == "multi" and finishes(event.text):
        event = Press(state["seq"], "d")  # "完成" typed: the ticked choices, as "选好了"
    if isinstance(event, Text) and is_follow_up_form(event.text):
        # 要是高校牵头呢 / 那2020年呢: a change to the question, not an answer; the
        # interview waits while it is answered
        return Outcome(handled=False)
    if isinstance(event, Text):
        spec = _spec_for(engine, state, state["current"])
        try:
            if snap["kind"] in CHOICE_KINDS:
                value = typed_choice(snap, event.text, spec, state.get("channel", ""))
            elif snap["kind"] == "multi":
                value = typed_multi(snap, event.text, spec, state.get("channel", ""))
            elif spec is None:
                return Outcome([advance(engine, state)])
            else:
                value = spec.parse(event.text)
        except FactError as exc:
            if looks_like_question(event.text):
                # A new question typed mid-interview: answer it; the interview waits.
                return Outcome(handled=False)
            state["invalid"] = state.get("invalid", 0) + 1
            return Outcome([question_reply(state, error=exc.message)])
        # written into the question's own message, as a press would (before it moves on)
        done = answered_html(state, shown_value(snap, value), typed=True)
        tag = question_tag(state)
        return Outcome([_record(engine, state, value)], edit_html=done, edit_tag=tag)
    act, arg = event.action, event.arg
    if act == "c" and 0 <= arg < len(snap["choices"]):
        done = answered_html(state, snap["choices"][arg][1])
        return Outcome([_record(engine, state, decode(snap["choices"][arg][0]))],
                       edit_buttons=(), edit_html=done)
    if act == "t" and 0 <= arg < len(snap["choices"]):
        chosen = set(state.get("multi", []))
        chosen ^= {arg}
        state["multi"] = sorted(chosen)
        return Outcome([], edit_buttons=question_keyboard(state))
    if act == "d":
        value = [decode(snap["choices"][i][0]) for i in state.get("multi", [])]
        picked = "、".join(snap["choices"][i][1] for i in state.get("multi", [])) or label(
            "none_chosen")
        done = answered_html(state, picked)
        return Outcome([_record(engine, state, value)], edit_buttons=(), edit_html=done)
    if act == "s":
        done = answered_html(state, "")
        name = state["current"]
        state["skipped"] = [*state["skipped"], name]
        state["facts"].pop(name, None)
        if name not in state["history"]:
            state["history"].append(name)
        return Outcome([advance(engine, state)], edit_buttons=(), edit_html=done)
    if act == "b":  # the question left is written as left, its keyboard retired
        left = answered_html(state, "", left=True)
        return Outcome([_go_back(engine, state)], edit_buttons=(), edit_html=left)
    return Outcome([], notice=label("stale_button"))


def reviewing(engine: EngineLike, state: dict[str, Any], event: Text | Press) -> Outcome:
    """State REVIEW: change one answer, go back, or confirm and compute."""
    if isinstance(event, Text):
        return Outcome(handled=False)
    if event.action == "ok":
        state.update(phase=DONE)
        state["seq"] += 1
        return Outcome([result_reply(engine, state)], edit_buttons=())
    shown = listed(state)
    if event.action == "e" and 0 <= event.arg < len(shown):
        name = shown[event.arg]
        spec = _spec_for(engine, state, name)
        if spec is None:  # no rule needs it any more: drop the stale answer
            state["history"] = [n for n in state["history"] if n != name]
            state["given"] = [n for n in state.get("given", []) if n != name]
            state["facts"].pop(name, None)
            state["seq"] += 1
            return Outcome([review_reply(state)], edit_buttons=())
        previous = state["facts"].get(name)
        return Outcome([_ask(state, spec, editing=True, previous=previous)], edit_buttons=())
    if event.action == "b":
        return Outcome([_go_back(engine, state)], edit_buttons=())
    return Outcome([], notice=label("stale_button"))


def finished(engine: EngineLike, state: dict[str, Any], event: Text | Press) -> Outcome:
    """State DONE: the estimate is shown; change answers or start again."""
    if isinstance(event, Text):
        return Outcome(handled=False)
    if event.action in ("r", "b"):
        return Outcome([_go_back(engine, state)], edit_buttons=())
    if event.action == "f":
        return Outcome([rest_reply(engine, state)])
    if event.action == "n":
        fresh = new_state({}, state.get("rule_ids"), as_of_of(state), state.get("channel", ""))
        fresh["seq"] = state["seq"] + 1
        state.clear()
        state.update(fresh)
        return Outcome([advance(engine, state)], edit_buttons=())
    return Outcome([], notice=label("stale_button"))


STATES: dict[str, Callable[[EngineLike, dict[str, Any], Text | Press], Outcome]] = {
    ASK: asking,
    REVIEW: reviewing,
    DONE: finished,
}


def step(
    engine: EngineLike, state: dict[str, Any] | None, event: Event
) -> tuple[dict[str, Any] | None, Outcome]:
    """Apply one event; the returned state is None when the interview is over or absent."""
    if isinstance(event, Start):
        fresh = new_state(event.facts, event.rule_ids, event.as_of, event.channel)
        if state is not None:
            fresh["seq"] = state.get("seq", 0) + 1
        for name in list(fresh["given"]):
            spec = _spec_for(engine, fresh, name)
            if spec is None:
                fresh["given"].remove(name)  # kept as a fact, but nothing to review
            else:
                fresh["asked"][name] = snapshot(spec)
        return fresh, Outcome([advance(engine, fresh)])
    if state is None:
        if isinstance(event, Press):
            return None, Outcome([], notice=label("stale_button"), edit_buttons=())
        return None, Outcome(handled=False)
    if isinstance(event, Press):
        if event.action == "x":
            return None, Outcome([Reply(render("tg_cancelled.j2"))], edit_buttons=())
        if event.seq != state["seq"]:
            return state, Outcome([], notice=label("stale_button"))
    work = dict(state)
    work.update(
        facts=dict(state["facts"]), history=list(state["history"]), asked=dict(state["asked"]),
        skipped=list(state.get("skipped", [])), given=list(state.get("given", [])),
    )
    outcome = STATES[state["phase"]](engine, work, event)
    return work, outcome


class Interviews:
    """Interviews persisted per chat and user; every call re-reads the state (CAS)."""

    def __init__(self, store: StateStore, engine: EngineLike, ttl: float = 7 * 24 * 3600,
                 channel: str = TELEGRAM):
        self.store = store
        self.engine = engine
        self.ttl = ttl
        self.channel = channel  # the terminal chat sets TERMINAL: its questions say "输入"

    @staticmethod
    def key(chat_id: int, user_id: int) -> str:
        return f"iv:{chat_id}:{user_id}"

    def handle(self, key: str, event: Event) -> Outcome:
        if isinstance(event, Start) and not event.channel:
            event = replace(event, channel=self.channel)

        def change(data: dict[str, Any] | None) -> tuple[dict[str, Any] | None, Outcome]:
            new, outcome = step(self.engine, data, event)
            if not outcome.handled or (outcome.notice and not outcome.replies):
                return data, outcome  # nothing changed: no write
            return new, outcome

        result: Outcome = update(self.store, key, change, ttl=self.ttl)
        return result

    def cancel(self, key: str) -> bool:
        """Drop the interview; True if there was one."""

        def change(data: dict[str, Any] | None) -> tuple[dict[str, Any] | None, bool]:
            return (data, False) if data is None else (None, True)

        cancelled: bool = update(self.store, key, change, ttl=self.ttl)
        return cancelled

    def phase(self, key: str) -> str | None:
        data = self.store.get(key).data
        return None if data is None else str(data["phase"])

    def unfinished(self, key: str) -> bool:
        """Whether an interview is waiting for an answer or a confirmation."""
        return self.phase(key) in (ASK, REVIEW)

    def current(self, key: str) -> Outcome:
        """The running interview's message again (its question or its review)."""
        data = self.store.get(key).data
        if data is None:
            return Outcome([], notice=label("stale_button"))
        if data["phase"] == ASK and data.get("current"):
            return Outcome([question_reply(data)])
        if data["phase"] == REVIEW:
            return Outcome([review_reply(data)])
        return Outcome([], notice=label("stale_button"))
