"""The interview's data and views: fact values in JSON, question and review messages.

Split from :mod:`bot.conversation.interview` (the transitions): everything here is a pure
function of the state dict; user-facing text comes from the templates and ``tg_labels.j2``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from bot.conversation.reply import Button, Keyboard, Reply, label, labels_list, render, rows
from bot.conversation.summary import estimate_view
from bot.render import format_yuan
from knowledge.errors import FactError

CHOICE_KINDS = ("choice", "bool")
MAX_INVALID_HINT = 2  # after this many bad answers, remind how to leave
# The question's own "（可多选，…）": the template gives one instruction per channel instead.
_OWN_INSTRUCTION_RE = re.compile(r"（可多选[^）]*）\s*$")


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
    """What the interview needs from :class:`index.answering.engine.Engine`."""

    def estimate(
        self, facts: dict[str, Any], as_of: date | None = None, rule_ids: list[str] | None = None
    ) -> dict[str, Any]: ...

    def next_questions(
        self, facts: dict[str, Any], as_of: date | None = None, rule_ids: list[str] | None = None
    ) -> Sequence[FactSpecLike]: ...


def button(state: dict[str, Any], text: str, action: str, arg: int | None = None) -> Button:
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
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict) and "$dec" in value:
        return Decimal(value["$dec"])
    if isinstance(value, dict) and "$date" in value:
        return date.fromisoformat(value["$date"])
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    return value


def facts_of(state: dict[str, Any]) -> dict[str, Any]:
    """The facts as the engine takes them (a multiple choice is a frozenset again), with
    the titles the applicant's type cannot hold read as none (see :func:`holders`)."""
    out: dict[str, Any] = {}
    for name, raw in state["facts"].items():
        value = decode(raw)
        if isinstance(value, list) and state["asked"].get(name, {}).get("kind") == "multi":
            value = frozenset(value)
        out[name] = value
    if "applicant_types" in out:
        for name in state.get("deduced", []):
            out.setdefault(name, frozenset())
    return out


def holders(choices: Sequence[str], implied: dict[str, list[str]]) -> set[str] | None:
    """The applicant types that can hold one of ``choices`` (labels), or None for anyone.

    The vocabulary's ``implied_by`` lists, per applicant type, the titles only that type
    can hold (孵化器 → incubator operator, 大学科技园 → university): a fact all of whose
    options are such titles is a question for those types only.
    """
    found: set[str] = set()
    for text in choices:
        who = {kind for kind, words in implied.items()
               if any(w and not w.startswith("…") and w in text for w in words)}
        if not who:
            return None
        found |= who
    return found or None


def implausible(state: dict[str, Any], spec: FactSpecLike) -> bool:
    """Whether the applicant's stated types cannot hold any option of ``spec``."""
    facts = state["facts"]
    implied = state["asked"].get("applicant_types", {}).get("implied") or {}
    if spec.kind != "multi" or "applicant_types" not in facts or not implied:
        return False
    kinds = set(decode(facts["applicant_types"]) or [])
    able = holders([str(text) for _, text in spec.choices], implied)
    return able is not None and not (able & kinds)


def as_of_of(state: dict[str, Any]) -> date | None:
    return date.fromisoformat(state["as_of"]) if state.get("as_of") else None


def snapshot(spec: FactSpecLike) -> dict[str, Any]:
    choices = list(spec.choices)
    if spec.kind == "bool" and not choices:
        choices = [(True, label("yes")), (False, label("no"))]
    return {
        "name": spec.name,
        "kind": spec.kind,
        "question": spec.question,
        "label": str(getattr(spec, "label", "") or spec.question),
        "unit": str(getattr(spec, "unit", "") or ""),
        "example": spec.example,
        "choices": [[encode(v), str(text)] for v, text in choices],
        "implied": {str(k): [str(w) for w in v]
                    for k, v in dict(getattr(spec, "implied_by", None) or {}).items()},
    }


# -- views -------------------------------------------------------------------------------
def nav(state: dict[str, Any], skip: bool = True) -> list[Button]:
    nav = []
    if state["history"] or state.get("editing"):
        nav.append(button(state, label("back"), "b"))
    if skip:
        nav.append(button(state, label("skip"), "s"))
    nav.append(button(state, label("cancel"), "x"))
    return nav


def question_keyboard(state: dict[str, Any]) -> Keyboard:
    snap = state["asked"][state["current"]]
    choices = snap["choices"]
    buttons: list[Button] = []
    if snap["kind"] == "multi":
        chosen = set(state.get("multi", []))
        for i, (_, text) in enumerate(choices):
            mark = label("checked") if i in chosen else label("unchecked")
            buttons.append(button(state, f"{mark}{text}", "t", i))
        buttons.append(button(state, label("multi_done"), "d"))
    else:  # the earlier answer (back, or changing it) shown ticked
        before = state.get("previous")
        buttons = [button(state, f"{label('checked')}{text}" if i == before else text, "c", i)
                   for i, (_, text) in enumerate(choices)]
    longest = max((len(b.label) for b in buttons), default=0)
    return (*rows(buttons, 1 if longest > 8 else 2), tuple(nav(state)))


def question_reply(state: dict[str, Any], error: str | None = None) -> Reply:
    snap = state["asked"][state["current"]]
    number, total = progress(state)
    previous = state.get("previous")
    if snap["kind"] in CHOICE_KINDS and previous is not None:
        previous = snap["choices"][previous][1]
    html = render(
        "tg_question.j2",
        q=snap,
        question=_OWN_INSTRUCTION_RE.sub("", snap["question"]),
        number=number,
        total=total,
        error=error,
        invalid=state.get("invalid", 0),
        hint_leave=state.get("invalid", 0) >= MAX_INVALID_HINT,
        chosen=[snap["choices"][i][1] for i in state.get("multi", [])],
        previous=previous,
        terminal=state.get("channel") == "terminal",
    )
    free_text = snap["kind"] not in (*CHOICE_KINDS, "multi")  # a bare number picks an option
    return Reply(html, question_keyboard(state), free_text=free_text, tag=question_tag(state))


def question_tag(state: dict[str, Any]) -> str:
    """The tag of the current question's message (its ``seq``: never an older question)."""
    return f"iv:{state['seq']}"


def progress(state: dict[str, Any]) -> tuple[int, int]:
    """(number, total) of the current question: an edited answer keeps its number; the
    total is 0 (not shown) until it is known (see ``interview._count``)."""
    name = state["current"]
    shown = listed(state)
    total = int(state.get("total") or 0)
    if state.get("editing") and name in shown:
        return shown.index(name) + 1, max(len(shown), total)
    if name in state["history"]:  # back to an earlier question
        number = state["history"].index(name) + 1
    else:
        number = len(state["history"]) + 1
    return number, max(number, total) if total else 0


def answered_html(state: dict[str, Any], shown: str, typed: bool = False,
                  left: bool = False) -> str:
    """The current question as it reads once answered: "问题 3：… → 已选：企业"; ``left``:
    the user went back from it ("→ 已返回上一步")."""
    snap = state["asked"][state["current"]]
    number, total = progress(state)
    return render("tg_answered.j2", q=snap, question=_OWN_INSTRUCTION_RE.sub("", snap["question"]),
                  number=number, total=total, shown=shown, typed=typed, left=left)


def shown_value(snap: dict[str, Any], value: Any) -> str:
    """A typed answer as the review shows it: an option's label, 是/否, 300万元, 3项."""
    labels = {repr(decode(v)): text for v, text in snap["choices"]}
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(labels.get(repr(v), str(v)) for v in value) or label("none_chosen")
    if repr(value) in labels:
        return labels[repr(value)]
    if snap["kind"] == "money":
        return format_yuan(value)
    return f"{value}{snap.get('unit', '')}"


def listed(state: dict[str, Any]) -> list[str]:
    """Answers shown in the review: facts understood from the question, then those asked."""
    given = [n for n in state.get("given", []) if n in state["asked"]]
    return given + [n for n in state["history"] if n not in given]


def answers(state: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name in listed(state):
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
                    "label": snap.get("label") or snap["question"], "value": shown,
                    "unit": snap.get("unit", "")})
    return out


def review_reply(state: dict[str, Any]) -> Reply:
    shown = answers(state)
    edit = [button(state, label("change").format(n=i + 1), "e", i) for i in range(len(shown))]
    keyboard = (
        *rows(edit, 4),
        (button(state, label("confirm"), "ok"),),
        tuple(nav(state, skip=False)),
    )
    names = state.get("deduced_labels", {})
    deduced = [names.get(n, n) for n in state.get("deduced", [])] \
        if "applicant_types" in state["facts"] else []
    return Reply(render("tg_review.j2", answers=shown, deduced=deduced,
                        terminal=state.get("channel") == "terminal"), keyboard)


def result_view(engine: EngineLike, state: dict[str, Any]) -> dict[str, Any]:
    estimate = engine.estimate(facts_of(state), as_of_of(state), state.get("rule_ids"))
    return estimate_view(engine, estimate)


def result_reply(engine: EngineLike, state: dict[str, Any]) -> Reply:
    summary = result_view(engine, state)
    keyboard: Keyboard = ((button(state, label("modify"), "r"),
                           button(state, label("restart"), "n")),)
    if summary["rest"]:
        keyboard = ((button(state, label("unfold"), "f"),), *keyboard)
    html = render("tg_estimate.j2", summary=summary, folded=True, answers=answers(state))
    return Reply(html, keyboard)


def rest_reply(engine: EngineLike, state: dict[str, Any]) -> Reply:
    """The folded "另有 K 项不适用" line, unfolded."""
    return Reply(render("tg_rest.j2", rest=result_view(engine, state)["rest"]))


def finishes(text: str) -> bool:
    """Whether typed text ends a multiple choice ("完成", "好了": as the "选好了" button)."""
    return text.strip().rstrip("。.!！").lower() in labels_list("finish_words")


def _pick_hint(channel: str) -> str:
    return label("type_a_number" if channel == "terminal" else "pick_a_button")


def typed_choice(snap: dict[str, Any], text: str, spec: FactSpecLike | None,
                 channel: str = "") -> Any:
    """A typed answer to a choice: its number, its label, or what the fact's parser says."""
    cleaned = text.strip()
    choices = snap["choices"]
    if cleaned.isdigit() and 1 <= int(cleaned) <= len(choices):
        return decode(choices[int(cleaned) - 1][0])
    for value, text_label in choices:
        if cleaned in (text_label, str(value)):
            return decode(value)
    if spec is None:
        raise FactError(snap["name"], _pick_hint(channel))
    value = spec.parse(cleaned)
    if value not in [decode(v) for v, _ in choices]:
        raise FactError(snap["name"], _pick_hint(channel))
    return value


def typed_multi(snap: dict[str, Any], text: str, spec: FactSpecLike | None,
                channel: str = "") -> list[Any]:
    parts = [p for p in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")]
    parts = [p for p in parts if p]
    choices = snap["choices"]
    if parts and all(p.isdigit() and 1 <= int(p) <= len(choices) for p in parts):
        return [decode(choices[int(p) - 1][0]) for p in dict.fromkeys(parts)]
    if spec is None:
        raise FactError(snap["name"], _pick_hint(channel))
    value = spec.parse(text.strip())
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
