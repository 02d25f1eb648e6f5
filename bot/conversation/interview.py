"""The award interview: a pure state machine over an :class:`InterviewState` (see
docs/interview.md).

``step(engine, state, event)`` returns the new state and what to say; it never touches
Telegram or the store, so the Telegram app and the terminal chat share it, and
:class:`Interviews` persists it with compare-and-set (every update re-reads the state).

States: ``ask`` (waiting for one fact), ``review`` (answers listed, each can be changed),
``done`` (estimate shown).  Only facts the candidate rules still need are asked, in the
calculator's order (``engine.next_questions``: the fact the most open awards wait for
first).  Buttons carry the state's ``seq`` so a press on an old keyboard is recognised and
ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.conversation import interview_views as views
from bot.conversation.interview_events import (
    Event,
    Press,
    Start,
    Text,
    asks_instead,
    is_follow_up_form,
    looks_like_question,
    parse_press,
    said_in_words,
)
from bot.conversation.interview_state import (
    ASK,
    CHOICE_KINDS,
    DONE,
    REVIEW,
    TELEGRAM,
    TERMINAL,
    Asked,
    EngineLike,
    FactSpecLike,
    InterviewState,
    decode,
    encode,
    implausible,
)
from bot.conversation.reply import Outcome, Reply, label, render
from bot.conversation.store import StateStore, update
from knowledge.errors import FactError

__all__ = ["ASK", "DONE", "REVIEW", "TELEGRAM", "TERMINAL", "EngineLike", "FactSpecLike",
           "InterviewState", "Interviews", "Press", "Start", "Text", "decode", "encode",
           "parse_press", "step"]


# -- choosing the next question ----------------------------------------------------------
def needed(engine: EngineLike, state: InterviewState) -> list[FactSpecLike]:
    """Facts still needed and plausible for the applicant, in the calculator's order; those
    it cannot be asked about (an enterprise, about the titles of its incubator) are noted
    in ``deduced``."""
    state.deduced = []
    while True:
        facts = state.engine_facts()
        skipped = set(state.skipped)
        specs = [s for s in engine.next_questions(facts, state.as_of, state.rule_ids)
                 if s.name not in skipped and s.name not in facts]
        ruled_out = [s for s in specs if implausible(state, s)]
        if not ruled_out:
            return specs
        # read as none; other rules may need more facts then
        state.deduced += [s.name for s in ruled_out]
        state.deduced_labels = {**state.deduced_labels,
                                **{s.name: str(s.label or s.name) for s in ruled_out}}


def _spec_for(engine: EngineLike, state: InterviewState, name: str) -> FactSpecLike | None:
    """The live spec of ``name`` if the candidate rules still need it without its answer."""
    facts = {k: v for k, v in state.engine_facts().items() if k != name}
    for spec in engine.next_questions(facts, state.as_of, state.rule_ids):
        if spec.name == name:
            return spec
    return None


# -- transitions -------------------------------------------------------------------------
def _ask(state: InterviewState, spec: FactSpecLike, editing: bool = False,
         previous: Any = None) -> Reply:
    """Ask ``spec``; ``previous`` (its earlier answer, JSON) comes back chosen."""
    state.phase, state.current, state.editing = ASK, spec.name, editing
    state.multi, state.invalid, state.previous = [], 0, None
    state.seq += 1
    asked = state.asked[spec.name] = Asked.of(spec)
    if previous is not None:
        values = [v for v, _ in asked.choices]
        if asked.kind == "multi":
            state.multi = [i for i, v in enumerate(values) if v in previous]
        elif asked.kind in CHOICE_KINDS:
            state.previous = values.index(previous) if previous in values else None
        else:
            state.previous = views.shown_value(asked, decode(previous))
    return views.question_reply(state)


def _count(state: InterviewState, specs: list[FactSpecLike]) -> None:
    """The questions' total: unknown (not shown) while the applicant type, which decides
    most of the rest, is still to be asked; then it never shrinks (an answer that makes
    a question unnecessary ends the interview early rather than renumbering it)."""
    if any(s.name == "applicant_types" for s in specs):
        return
    state.total = max(state.total, len(state.history) + len(specs))


def _to_review(state: InterviewState) -> Reply:
    state.phase, state.current, state.editing = REVIEW, None, False
    state.seq += 1
    return views.review_reply(state)


def advance(engine: EngineLike, state: InterviewState) -> Reply:
    """Ask the next needed fact, or show the review when none is left."""
    specs = needed(engine, state)
    if specs:
        _count(state, specs)
        return _ask(state, specs[0])
    state.multi = []
    if (state.given or state.rule_ids) and len(state.history) == 1 and not state.editing \
            and not state.skipped:
        # an amount question that needed one answer: the result at once (its answers
        # listed there, 修改答案 to change them), not a review of one line
        state.phase, state.current = DONE, None
        state.seq += 1
        return views.result_reply(engine, state)
    return _to_review(state)


def _record(engine: EngineLike, state: InterviewState, value: Any) -> Reply:
    name = state.current
    assert name is not None
    state.facts[name] = encode(value)
    state.skipped = [n for n in state.skipped if n != name]
    if name not in state.history and name not in state.given:
        state.history.append(name)
    return advance(engine, state)


def _go_back(engine: EngineLike, state: InterviewState) -> Reply:
    """Back: from an edit to the review, else to the last answered question."""
    if state.editing or state.phase == DONE:
        return _to_review(state)
    while state.history:
        name = state.history.pop()
        previous = state.facts.pop(name, None)
        state.skipped = [n for n in state.skipped if n != name]
        spec = _spec_for(engine, state, name)
        if spec is not None:
            return _ask(state, spec, previous=previous)
    return advance(engine, state)


def _typed_value(engine: EngineLike, state: InterviewState, text: str) -> Any:
    """The value a typed answer gives the current question (:class:`FactError` if none);
    :data:`_NOT_NEEDED` when no rule needs the question any more."""
    asked = state.question
    spec = _spec_for(engine, state, asked.name)
    if asked.kind in CHOICE_KINDS:
        return views.typed_choice(asked, text, spec, state.channel)
    if asked.kind == "multi":
        return views.typed_multi(asked, text, spec, state.channel)
    if spec is None:
        return _NOT_NEEDED
    return spec.parse(text)


_NOT_NEEDED = object()


def typed(engine: EngineLike, state: InterviewState, event: Text) -> Outcome:
    """A typed answer to the current question."""
    if is_follow_up_form(event.text) or asks_instead(event.text):
        # 要是高校牵头呢 / 那2020年呢: a change to the question, not an answer; the
        # interview waits while it is answered
        return Outcome(handled=False)
    try:
        value = _typed_value(engine, state, event.text)
    except FactError as exc:
        # (我们是技术转移机构，合同额是256万: the value in the owner's words)
        if (value := said_in_words(engine, state, event.text)) is None:
            if looks_like_question(event.text) or (not exc.ambiguous
                                                   and engine.states_facts(event.text)):
                # A new question typed mid-interview, or facts that change the one asked
                # (牵头的是山大威海 to "贵单位属于哪类主体"): read with the conversation
                return Outcome(handled=False)
            state.invalid += 1
            return Outcome([views.question_reply(state, error=exc.message)])
    if value is _NOT_NEEDED:
        return Outcome([advance(engine, state)])
    # written into the question's own message, as a press would (before it moves on)
    done = views.answered_html(state, views.shown_value(state.question, value), typed=True)
    tag = views.question_tag(state)
    return Outcome([_record(engine, state, value)], edit_html=done, edit_tag=tag)


def _choose(engine: EngineLike, state: InterviewState, arg: int) -> Outcome:
    text = state.question.choices[arg][1]
    value = decode(state.question.choices[arg][0])
    done = views.answered_html(state, text)
    return Outcome([_record(engine, state, value)], edit_buttons=(), edit_html=done)


def _toggle(engine: EngineLike, state: InterviewState, arg: int) -> Outcome:
    state.multi = sorted(set(state.multi) ^ {arg})
    return Outcome([], edit_buttons=views.question_keyboard(state))


def _chosen(engine: EngineLike, state: InterviewState, arg: int) -> Outcome:
    """"选好了": the ticked options of a multiple choice."""
    choices = state.question.choices
    value = [decode(choices[i][0]) for i in state.multi]
    picked = "、".join(choices[i][1] for i in state.multi) or label("none_chosen")
    done = views.answered_html(state, picked)
    return Outcome([_record(engine, state, value)], edit_buttons=(), edit_html=done)


def _skip(engine: EngineLike, state: InterviewState, arg: int) -> Outcome:
    done = views.answered_html(state, "")
    name = state.question.name
    state.skipped = [*state.skipped, name]
    state.facts.pop(name, None)
    if name not in state.history:
        state.history.append(name)
    return Outcome([advance(engine, state)], edit_buttons=(), edit_html=done)


def _back(engine: EngineLike, state: InterviewState, arg: int) -> Outcome:
    """The question left is written as left, its keyboard retired."""
    left = views.answered_html(state, "", left=True)
    return Outcome([_go_back(engine, state)], edit_buttons=(), edit_html=left)


Action = Callable[[EngineLike, InterviewState, int], Outcome]
# actions on the current question; c and t take the option's index
_ASKING: dict[str, tuple[Action, bool]] = {
    "c": (_choose, True), "t": (_toggle, True), "d": (_chosen, False), "s": (_skip, False),
    "b": (_back, False),
}


def asking(engine: EngineLike, state: InterviewState, event: Text | Press) -> Outcome:
    """State ASK: a typed answer or a button press for the current fact."""
    if isinstance(event, Text) and state.question.kind == "multi" and views.finishes(event.text):
        event = Press(state.seq, "d")  # "完成" typed: the ticked choices, as "选好了"
    if isinstance(event, Text):
        return typed(engine, state, event)
    action, indexed = _ASKING.get(event.action, (None, False))
    if action is None or (indexed and not 0 <= event.arg < len(state.question.choices)):
        return Outcome([], notice=label("stale_button"))
    return action(engine, state, event.arg)


def reviewing(engine: EngineLike, state: InterviewState, event: Text | Press) -> Outcome:
    """State REVIEW: change one answer, go back, or confirm and compute."""
    if isinstance(event, Text):
        return Outcome(handled=False)
    if event.action == "ok":
        state.phase = DONE
        state.seq += 1
        return Outcome([views.result_reply(engine, state)], edit_buttons=())
    shown = views.listed(state)
    if event.action == "e" and 0 <= event.arg < len(shown):
        name = shown[event.arg]
        spec = _spec_for(engine, state, name)
        if spec is None:  # no rule needs it any more: drop the stale answer
            state.history = [n for n in state.history if n != name]
            state.given = [n for n in state.given if n != name]
            state.facts.pop(name, None)
            state.seq += 1
            return Outcome([views.review_reply(state)], edit_buttons=())
        previous = state.facts.get(name)
        return Outcome([_ask(state, spec, editing=True, previous=previous)], edit_buttons=())
    if event.action == "b":
        return Outcome([_go_back(engine, state)], edit_buttons=())
    return Outcome([], notice=label("stale_button"))


def finished(engine: EngineLike, state: InterviewState, event: Text | Press) -> Outcome:
    """State DONE: the estimate is shown; change answers or start again."""
    if isinstance(event, Text):
        return Outcome(handled=False)
    if event.action in ("r", "b"):
        return Outcome([_go_back(engine, state)], edit_buttons=())
    if event.action == "f":
        return Outcome([views.rest_reply(engine, state)])
    if event.action == "n":
        state.restart()
        return Outcome([advance(engine, state)], edit_buttons=())
    return Outcome([], notice=label("stale_button"))


STATES: dict[str, Callable[[EngineLike, InterviewState, Text | Press], Outcome]] = {
    ASK: asking,
    REVIEW: reviewing,
    DONE: finished,
}


def start(engine: EngineLike, state: InterviewState | None, event: Start) -> InterviewState:
    """A new interview (over ``state``, whose keyboards it makes stale)."""
    fresh = InterviewState.new(event.facts, event.rule_ids, event.as_of, event.channel)
    if state is not None:
        fresh.seq = state.seq + 1
    for name in list(fresh.given):
        spec = _spec_for(engine, fresh, name)
        if spec is None:
            fresh.given.remove(name)  # kept as a fact, but nothing to review
        else:
            fresh.asked[name] = Asked.of(spec)
    return fresh


def step(
    engine: EngineLike, state: InterviewState | None, event: Event
) -> tuple[InterviewState | None, Outcome]:
    """Apply one event; the returned state is None when the interview is over or absent."""
    if isinstance(event, Start):
        fresh = start(engine, state, event)
        return fresh, Outcome([advance(engine, fresh)])
    if state is None:
        if isinstance(event, Press):
            return None, Outcome([], notice=label("stale_button"), edit_buttons=())
        return None, Outcome(handled=False)
    if isinstance(event, Press):
        if event.action == "x":
            return None, Outcome([Reply(render("tg_cancelled.j2"))], edit_buttons=())
        if event.seq != state.seq:
            return state, Outcome([], notice=label("stale_button"))
    work = state.copy()
    outcome = STATES[state.phase](engine, work, event)
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

    def load(self, key: str) -> InterviewState | None:
        data = self.store.get(key).data
        return None if data is None else InterviewState.from_data(data)

    def handle(self, key: str, event: Event) -> Outcome:
        if isinstance(event, Start) and not event.channel:
            event = replace(event, channel=self.channel)

        def change(data: dict[str, Any] | None) -> tuple[dict[str, Any] | None, Outcome]:
            state = None if data is None else InterviewState.from_data(data)
            new, outcome = step(self.engine, state, event)
            if not outcome.handled or (outcome.notice and not outcome.replies):
                return data, outcome  # nothing changed: no write
            return (None if new is None else new.to_data()), outcome

        result: Outcome = update(self.store, key, change, ttl=self.ttl)
        return result

    def cancel(self, key: str) -> bool:
        """Drop the interview; True if there was one."""

        def change(data: dict[str, Any] | None) -> tuple[dict[str, Any] | None, bool]:
            return (data, False) if data is None else (None, True)

        cancelled: bool = update(self.store, key, change, ttl=self.ttl)
        return cancelled

    def phase(self, key: str) -> str | None:
        state = self.load(key)
        return None if state is None else state.phase

    def unfinished(self, key: str) -> bool:
        """Whether an interview is waiting for an answer or a confirmation."""
        return self.phase(key) in (ASK, REVIEW)

    def current(self, key: str) -> Outcome:
        """The running interview's message again (its question or its review)."""
        state = self.load(key)
        if state is None:
            return Outcome([], notice=label("stale_button"))
        if state.phase == ASK and state.current:
            return Outcome([views.question_reply(state)])
        if state.phase == REVIEW:
            return Outcome([views.review_reply(state)])
        return Outcome([], notice=label("stale_button"))
