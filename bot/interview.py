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

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from bot.reply import Button, Keyboard, Outcome, Reply, label, render, rows
from bot.store import StateStore, update
from knowledge.errors import FactError

ASK, REVIEW, DONE = "ask", "review", "done"
CHOICE_KINDS = ("choice", "bool")
MAX_INVALID_HINT = 2  # after this many bad answers, remind how to leave


class FactSpecLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def question(self) -> str: ...
    @property
    def choices(self) -> Sequence[tuple[Any, str]]: ...
    @property
    def example(self) -> str: ...
    def parse(self, text: str) -> Any: ...


class EngineLike(Protocol):
    """What the interview needs from :class:`bot.engine.Engine`."""

    def estimate(
        self, facts: dict[str, Any], as_of: date | None = None, rule_ids: list[str] | None = None
    ) -> dict[str, Any]: ...

    def next_questions(
        self, facts: dict[str, Any], as_of: date | None = None, rule_ids: list[str] | None = None
    ) -> Sequence[FactSpecLike]: ...


# -- events ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Start:
    facts: dict[str, Any]
    rule_ids: list[str] | None = None
    as_of: date | None = None


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


def _btn(state: dict[str, Any], text: str, action: str, arg: int | None = None) -> Button:
    tail = "" if arg is None else f":{arg}"
    return Button(text, f"i:{state['seq']}:{action}{tail}")


# -- JSON codec for fact values (Decimal and date survive the store) --------------------
def encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, set | frozenset):
        return sorted((encode(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict) and "$dec" in value:
        return Decimal(value["$dec"])
    if isinstance(value, dict) and "$date" in value:
        return date.fromisoformat(value["$date"])
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def facts_of(state: dict[str, Any]) -> dict[str, Any]:
    """The facts as the engine takes them (a multiple choice is a frozenset again)."""
    out = {}
    for name, raw in state["facts"].items():
        value = decode(raw)
        if isinstance(value, list) and state["asked"].get(name, {}).get("kind") == "multi":
            value = frozenset(value)
        out[name] = value
    return out


def _as_of(state: dict[str, Any]) -> date | None:
    return date.fromisoformat(state["as_of"]) if state.get("as_of") else None


def _snapshot(spec: FactSpecLike) -> dict[str, Any]:
    choices = list(spec.choices)
    if spec.kind == "bool" and not choices:
        choices = [(True, label("yes")), (False, label("no"))]
    return {
        "name": spec.name,
        "kind": spec.kind,
        "question": spec.question,
        "label": str(getattr(spec, "label", "") or spec.question),
        "example": spec.example,
        "choices": [[encode(v), str(text)] for v, text in choices],
    }


# -- choosing the next question ----------------------------------------------------------
def _rule_ids(engine: EngineLike, state: dict[str, Any]) -> list[str]:
    if state.get("rule_ids"):
        return list(state["rule_ids"])
    items = engine.estimate(facts_of(state), _as_of(state), None).get("items", [])
    return [str(item["rule_id"]) for item in items]


def ordered_questions(engine: EngineLike, state: dict[str, Any]) -> list[FactSpecLike]:
    """Facts still needed, those that the most candidate rules wait for first."""
    facts, as_of = facts_of(state), _as_of(state)
    skipped = set(state.get("skipped", []))
    specs = [
        s
        for s in engine.next_questions(facts, as_of, state.get("rule_ids"))
        if s.name not in skipped and s.name not in facts
    ]
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
    for spec in engine.next_questions(facts, _as_of(state), state.get("rule_ids")):
        if spec.name == name:
            return spec
    return None


# -- views -------------------------------------------------------------------------------
def _nav(state: dict[str, Any], skip: bool = True) -> list[Button]:
    nav = []
    if state["history"] or state.get("editing"):
        nav.append(_btn(state, label("back"), "b"))
    if skip:
        nav.append(_btn(state, label("skip"), "s"))
    nav.append(_btn(state, label("cancel"), "x"))
    return nav


def _question_keyboard(state: dict[str, Any]) -> Keyboard:
    snap = state["asked"][state["current"]]
    choices = snap["choices"]
    buttons: list[Button] = []
    if snap["kind"] == "multi":
        chosen = set(state.get("multi", []))
        for i, (_, text) in enumerate(choices):
            mark = label("checked") if i in chosen else label("unchecked")
            buttons.append(_btn(state, f"{mark}{text}", "t", i))
        buttons.append(_btn(state, label("multi_done"), "d"))
    else:
        buttons = [_btn(state, text, "c", i) for i, (_, text) in enumerate(choices)]
    longest = max((len(b.label) for b in buttons), default=0)
    return (*rows(buttons, 1 if longest > 8 else 2), tuple(_nav(state)))


def _question(state: dict[str, Any], error: str | None = None) -> Reply:
    snap = state["asked"][state["current"]]
    html = render(
        "tg_question.j2",
        q=snap,
        number=len(state["history"]) + 1,
        error=error,
        invalid=state.get("invalid", 0),
        hint_leave=state.get("invalid", 0) >= MAX_INVALID_HINT,
        chosen=[snap["choices"][i][1] for i in state.get("multi", [])],
    )
    free_text = snap["kind"] not in (*CHOICE_KINDS, "multi")  # a bare number picks an option
    return Reply(html, _question_keyboard(state), free_text=free_text)


def _listed(state: dict[str, Any]) -> list[str]:
    """Answers shown in the review: facts understood from the question, then those asked."""
    given = [n for n in state.get("given", []) if n in state["asked"]]
    return given + [n for n in state["history"] if n not in given]


def _answers(state: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name in _listed(state):
        snap = state["asked"].get(name, {"question": name, "kind": "", "choices": []})
        value = state["facts"].get(name)
        labels = {repr(v): t for v, t in snap["choices"]}
        if name not in state["facts"]:
            shown = None
        elif isinstance(value, list) and snap["kind"] == "multi":
            shown = [labels.get(repr(v), str(v)) for v in value]
        else:
            shown = labels.get(repr(value), decode(value))
        out.append({"name": name, "question": snap["question"], "kind": snap["kind"],
                    "label": snap.get("label") or snap["question"], "value": shown})
    return out


def _review(state: dict[str, Any]) -> Reply:
    answers = _answers(state)
    edit = [_btn(state, f"{label('change')}{i + 1}", "e", i) for i in range(len(answers))]
    keyboard = (
        *rows(edit, 4),
        (_btn(state, label("confirm"), "ok"),),
        tuple(_nav(state, skip=False)),
    )
    return Reply(render("tg_review.j2", answers=answers), keyboard)


def _result(engine: EngineLike, state: dict[str, Any]) -> Reply:
    estimate = engine.estimate(facts_of(state), _as_of(state), state.get("rule_ids"))
    keyboard = ((_btn(state, label("modify"), "r"), _btn(state, label("restart"), "n")),)
    return Reply(render("tg_estimate.j2", estimate=estimate, answers=_answers(state)), keyboard)


# -- transitions -------------------------------------------------------------------------
def new_state(facts: dict[str, Any], rule_ids: list[str] | None, as_of: date | None) -> dict:
    return {
        "phase": ASK,
        "seq": 0,
        "facts": {k: encode(v) for k, v in facts.items()},
        "given": sorted(facts),  # understood from the question, not asked
        "history": [],
        "asked": {},
        "skipped": [],
        "current": None,
        "editing": False,
        "multi": [],
        "invalid": 0,
        "rule_ids": list(rule_ids) if rule_ids else None,
        "as_of": as_of.isoformat() if as_of else None,
    }


def _ask(state: dict[str, Any], spec: FactSpecLike, editing: bool = False) -> Reply:
    state.update(phase=ASK, current=spec.name, editing=editing, multi=[], invalid=0)
    state["seq"] += 1
    state["asked"][spec.name] = _snapshot(spec)
    return _question(state)


def advance(engine: EngineLike, state: dict[str, Any]) -> Reply:
    """Ask the next needed fact, or show the review when none is left."""
    specs = ordered_questions(engine, state)
    if specs:
        return _ask(state, specs[0])
    state.update(phase=REVIEW, current=None, editing=False, multi=[])
    state["seq"] += 1
    return _review(state)


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
        return _review(state)
    while state["history"]:
        name = state["history"].pop()
        state["facts"].pop(name, None)
        state["skipped"] = [n for n in state["skipped"] if n != name]
        spec = _spec_for(engine, state, name)
        if spec is not None:
            return _ask(state, spec)
    return advance(engine, state)


def _typed_choice(snap: dict[str, Any], text: str, spec: FactSpecLike | None) -> Any:
    """A typed answer to a choice: its number, its label, or what the fact's parser says."""
    cleaned = text.strip()
    choices = snap["choices"]
    if cleaned.isdigit() and 1 <= int(cleaned) <= len(choices):
        return decode(choices[int(cleaned) - 1][0])
    for value, text_label in choices:
        if cleaned in (text_label, str(value)):
            return decode(value)
    if spec is None:
        raise FactError(snap["name"], label("pick_a_button"))
    value = spec.parse(cleaned)
    if value not in [decode(v) for v, _ in choices]:
        raise FactError(snap["name"], label("pick_a_button"))
    return value


def _typed_multi(snap: dict[str, Any], text: str, spec: FactSpecLike | None) -> list[Any]:
    parts = [p for p in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")]
    parts = [p for p in parts if p]
    choices = snap["choices"]
    if parts and all(p.isdigit() and 1 <= int(p) <= len(choices) for p in parts):
        return [decode(choices[int(p) - 1][0]) for p in dict.fromkeys(parts)]
    if spec is None:
        raise FactError(snap["name"], label("pick_a_button"))
    value = spec.parse(text.strip())
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]


def asking(engine: EngineLike, state: dict[str, Any], event: Text | Press) -> Outcome:
    """State ASK: a typed answer or a button press for the current fact."""
    snap = state["asked"][state["current"]]
    if isinstance(event, Text):
        spec = _spec_for(engine, state, state["current"])
        try:
            if snap["kind"] in CHOICE_KINDS:
                value = _typed_choice(snap, event.text, spec)
            elif snap["kind"] == "multi":
                value = _typed_multi(snap, event.text, spec)
            elif spec is None:
                return Outcome([advance(engine, state)])
            else:
                value = spec.parse(event.text)
        except FactError as exc:
            state["invalid"] = state.get("invalid", 0) + 1
            return Outcome([_question(state, error=exc.message)])
        return Outcome([_record(engine, state, value)], edit_buttons=None)
    act, arg = event.action, event.arg
    if act == "c" and 0 <= arg < len(snap["choices"]):
        return Outcome([_record(engine, state, decode(snap["choices"][arg][0]))], edit_buttons=())
    if act == "t" and 0 <= arg < len(snap["choices"]):
        chosen = set(state.get("multi", []))
        chosen ^= {arg}
        state["multi"] = sorted(chosen)
        return Outcome([], edit_buttons=_question_keyboard(state))
    if act == "d":
        value = [decode(snap["choices"][i][0]) for i in state.get("multi", [])]
        return Outcome([_record(engine, state, value)], edit_buttons=())
    if act == "s":
        name = state["current"]
        state["skipped"] = [*state["skipped"], name]
        state["facts"].pop(name, None)
        if name not in state["history"]:
            state["history"].append(name)
        return Outcome([advance(engine, state)], edit_buttons=())
    if act == "b":
        return Outcome([_go_back(engine, state)], edit_buttons=())
    return Outcome([], notice=label("stale_button"))


def reviewing(engine: EngineLike, state: dict[str, Any], event: Text | Press) -> Outcome:
    """State REVIEW: change one answer, go back, or confirm and compute."""
    if isinstance(event, Text):
        return Outcome(handled=False)
    if event.action == "ok":
        state.update(phase=DONE)
        state["seq"] += 1
        return Outcome([_result(engine, state)], edit_buttons=())
    listed = _listed(state)
    if event.action == "e" and 0 <= event.arg < len(listed):
        name = listed[event.arg]
        spec = _spec_for(engine, state, name)
        if spec is None:  # no rule needs it any more: drop the stale answer
            state["history"] = [n for n in state["history"] if n != name]
            state["given"] = [n for n in state.get("given", []) if n != name]
            state["facts"].pop(name, None)
            state["seq"] += 1
            return Outcome([_review(state)], edit_buttons=())
        return Outcome([_ask(state, spec, editing=True)], edit_buttons=())
    if event.action == "b":
        return Outcome([_go_back(engine, state)], edit_buttons=())
    return Outcome([], notice=label("stale_button"))


def finished(engine: EngineLike, state: dict[str, Any], event: Text | Press) -> Outcome:
    """State DONE: the estimate is shown; change answers or start again."""
    if isinstance(event, Text):
        return Outcome(handled=False)
    if event.action in ("r", "b"):
        return Outcome([_go_back(engine, state)], edit_buttons=())
    if event.action == "n":
        fresh = new_state({}, state.get("rule_ids"), _as_of(state))
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
        fresh = new_state(event.facts, event.rule_ids, event.as_of)
        if state is not None:
            fresh["seq"] = state.get("seq", 0) + 1
        for name in list(fresh["given"]):
            spec = _spec_for(engine, fresh, name)
            if spec is None:
                fresh["given"].remove(name)  # kept as a fact, but nothing to review
            else:
                fresh["asked"][name] = _snapshot(spec)
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

    def __init__(self, store: StateStore, engine: EngineLike, ttl: float = 7 * 24 * 3600):
        self.store = store
        self.engine = engine
        self.ttl = ttl

    @staticmethod
    def key(chat_id: int, user_id: int) -> str:
        return f"iv:{chat_id}:{user_id}"

    def handle(self, key: str, event: Event) -> Outcome:
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
