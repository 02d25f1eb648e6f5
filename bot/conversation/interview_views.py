"""The interview's views: the question, its answered form, the review and the result.

Split from :mod:`bot.conversation.interview` (the transitions): everything here is a pure
function of the :class:`~bot.conversation.interview_state.InterviewState`; user-facing
text comes from the templates and ``tg_labels.j2``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.conversation.interview_state import (
    CHOICE_KINDS,
    TERMINAL,
    Asked,
    EngineLike,
    FactSpecLike,
    InterviewState,
    decode,
)
from bot.conversation.reply import Button, Keyboard, Reply, label, labels_list, render, rows
from bot.conversation.summary import Summary, estimate_view
from bot.render import format_yuan
from knowledge.errors import FactError

MAX_INVALID_HINT = 2  # after this many bad answers, remind how to leave
# The question's own "（可多选，…）": the template gives one instruction per channel instead.
_OWN_INSTRUCTION_RE = re.compile(r"（可多选[^）]*）\s*$")


def button(state: InterviewState, text: str, action: str, arg: int | None = None) -> Button:
    tail = "" if arg is None else f":{arg}"
    return Button(text, f"i:{state.seq}:{action}{tail}")


# -- views -------------------------------------------------------------------------------
def nav(state: InterviewState, skip: bool = True) -> list[Button]:
    nav = []
    if state.history or state.editing:
        nav.append(button(state, label("back"), "b"))
    if skip:
        nav.append(button(state, label("skip"), "s"))
    nav.append(button(state, label("cancel"), "x"))
    return nav


def question_keyboard(state: InterviewState) -> Keyboard:
    asked = state.question
    buttons: list[Button] = []
    if asked.kind == "multi":
        chosen = set(state.multi)
        for i, (_, text) in enumerate(asked.choices):
            mark = label("checked") if i in chosen else label("unchecked")
            buttons.append(button(state, f"{mark}{text}", "t", i))
        buttons.append(button(state, label("multi_done"), "d"))
    else:  # the earlier answer (back, or changing it) shown ticked
        before = state.previous
        buttons = [button(state, f"{label('checked')}{text}" if i == before else text, "c", i)
                   for i, (_, text) in enumerate(asked.choices)]
    longest = max((len(b.label) for b in buttons), default=0)
    return (*rows(buttons, 1 if longest > 8 else 2), tuple(nav(state)))


def question_reply(state: InterviewState, error: str | None = None) -> Reply:
    asked = state.question
    number, total = progress(state)
    previous = state.previous
    if asked.kind in CHOICE_KINDS and isinstance(previous, int):
        previous = asked.choices[previous][1]
    html = render(
        "tg_question.j2",
        q=asked,
        question=_OWN_INSTRUCTION_RE.sub("", asked.question),
        number=number,
        total=total,
        error=error,
        invalid=state.invalid,
        hint_leave=state.invalid >= MAX_INVALID_HINT,
        chosen=[asked.choices[i][1] for i in state.multi],
        previous=previous,
        terminal=state.channel == TERMINAL,
    )
    free_text = asked.kind not in (*CHOICE_KINDS, "multi")  # a bare number picks an option
    return Reply(html, question_keyboard(state), free_text=free_text, tag=question_tag(state))


def question_tag(state: InterviewState) -> str:
    """The tag of the current question's message (its ``seq``: never an older question)."""
    return f"iv:{state.seq}"


def progress(state: InterviewState) -> tuple[int, int]:
    """(number, total) of the current question: an edited answer keeps its number; the
    total is 0 (not shown) until it is known (see ``interview._count``)."""
    name = state.current
    shown = listed(state)
    total = state.total
    if state.editing and name in shown:
        return shown.index(name) + 1, max(len(shown), total)
    number = (state.history.index(name) + 1 if name in state.history  # back to it
              else len(state.history) + 1)
    return number, max(number, total) if total else 0


def answered_html(state: InterviewState, shown: str, typed: bool = False,
                  left: bool = False) -> str:
    """The current question as it reads once answered: "问题 3：… → 已选：企业"; ``left``:
    the user went back from it ("→ 已返回上一步")."""
    asked = state.question
    number, total = progress(state)
    return render("tg_answered.j2", q=asked, question=_OWN_INSTRUCTION_RE.sub("", asked.question),
                  number=number, total=total, shown=shown, typed=typed, left=left)


def shown_value(asked: Asked, value: Any) -> str:
    """A typed answer as the review shows it: an option's label, 是/否, 300万元, 3项."""
    labels = {repr(decode(v)): text for v, text in asked.choices}
    if isinstance(value, list | tuple | set | frozenset):
        return "、".join(labels.get(repr(v), str(v)) for v in value) or label("none_chosen")
    if repr(value) in labels:
        return labels[repr(value)]
    if asked.kind == "money":
        return format_yuan(value)
    return f"{value}{asked.unit}"


def listed(state: InterviewState) -> list[str]:
    """Answers shown in the review: facts understood from the question, then those asked."""
    given = [n for n in state.given if n in state.asked]
    return given + [n for n in state.history if n not in given]


@dataclass(frozen=True)
class ShownAnswer:
    """One line of the review."""

    name: str
    question: str
    kind: str
    label: str
    value: Any  # None: not answered; a list of labels for a multiple choice
    unit: str


def answers(state: InterviewState) -> list[ShownAnswer]:
    out = []
    for name in listed(state):
        asked = state.asked.get(name) or Asked(name=name, kind="", question=name, label="")
        value = state.facts.get(name)
        labels = {repr(v): t for v, t in asked.choices}
        shown: Any
        if name not in state.facts:
            shown = None
        elif isinstance(value, list) and asked.kind == "multi":
            shown = [labels.get(repr(v), str(v)) for v in value]
        else:
            shown = labels.get(repr(value), decode(value))
        out.append(ShownAnswer(name=name, question=asked.question, kind=asked.kind,
                               label=asked.label or asked.question, value=shown,
                               unit=asked.unit))
    return out


def review_reply(state: InterviewState) -> Reply:
    shown = answers(state)
    edit = [button(state, label("change").format(n=i + 1), "e", i) for i in range(len(shown))]
    keyboard = (
        *rows(edit, 4),
        (button(state, label("confirm"), "ok"),),
        tuple(nav(state, skip=False)),
    )
    deduced = [state.deduced_labels.get(n, n) for n in state.deduced] \
        if "applicant_types" in state.facts else []
    return Reply(render("tg_review.j2", answers=shown, deduced=deduced,
                        terminal=state.channel == TERMINAL), keyboard)


def result_view(engine: EngineLike, state: InterviewState) -> Summary:
    estimate = engine.estimate(state.engine_facts(), state.as_of, state.rule_ids)
    return estimate_view(engine, estimate)


def result_reply(engine: EngineLike, state: InterviewState) -> Reply:
    summary = result_view(engine, state)
    keyboard: Keyboard = ((button(state, label("modify"), "r"),
                           button(state, label("restart"), "n")),)
    if summary.rest:
        keyboard = ((button(state, label("unfold"), "f"),), *keyboard)
    html = render("tg_estimate.j2", summary=summary, folded=True, answers=answers(state))
    return Reply(html, keyboard)


def rest_reply(engine: EngineLike, state: InterviewState) -> Reply:
    """The folded "另有 K 项不适用" line, unfolded."""
    return Reply(render("tg_rest.j2", rest=result_view(engine, state).rest))


def finishes(text: str) -> bool:
    """Whether typed text ends a multiple choice ("完成", "好了": as the "选好了" button)."""
    return text.strip().rstrip("。.!！").lower() in labels_list("finish_words")


def _pick_hint(channel: str) -> str:
    return label("type_a_number" if channel == TERMINAL else "pick_a_button")


# 省里的 / 是国家级的 / 市级: a level alone, said of the options shown
_LEVEL_SAID = re.compile(r"^(?:是|就是|拿的是|获得的是|评的是|我们是)?"
                         r"(国家级?|国家的|国字号|省级?|省里的?|省的|市级?|市里的?|市的)(?:的|那个|的那个|那种)?[。.!！]?$")
# the level an option's label names (not 技术市场's 市, nor 威海市's)
_LEVEL_IN = {"国": re.compile(r"国家"), "省": re.compile(r"省"),
             "市": re.compile(r"市级|(?<![海])市(?![场])")}


def level_options(asked: Asked, text: str) -> list[Any]:
    """The options shown whose label names the level a typed answer says alone (省里的
    to "技术转移方面获得了哪些称号或奖励"), [] when it says no level alone."""
    m = _LEVEL_SAID.match("".join(text.split()))
    if m is None:
        return []
    own = m.group(1)[0]
    return [decode(value) for value, shown in asked.choices
            if _LEVEL_IN[own].search(head := shown.split("（")[0])
            and not any(p.search(head) for k, p in _LEVEL_IN.items() if k != own)]


def typed_choice(asked: Asked, text: str, spec: FactSpecLike | None, channel: str = "") -> Any:
    """A typed answer to a choice: its number, its label, the one option of a level said
    alone, or what the fact's parser says."""
    cleaned = text.strip()
    choices = asked.choices
    if cleaned.isdigit() and 1 <= int(cleaned) <= len(choices):
        return decode(choices[int(cleaned) - 1][0])
    for value, text_label in choices:
        if cleaned in (text_label, str(value)):
            return decode(value)
    if len(level := level_options(asked, cleaned)) == 1:
        return level[0]
    if spec is None:
        raise FactError(asked.name, _pick_hint(channel))
    value = spec.parse(cleaned)
    if value not in asked.values:
        raise FactError(asked.name, _pick_hint(channel))
    return value


def typed_multi(asked: Asked, text: str, spec: FactSpecLike | None,
                channel: str = "") -> list[Any]:
    parts = [p for p in text.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")]
    parts = [p for p in parts if p]
    choices = asked.choices
    if parts and all(p.isdigit() and 1 <= int(p) <= len(choices) for p in parts):
        return [decode(choices[int(p) - 1][0]) for p in dict.fromkeys(parts)]
    if len(level := level_options(asked, text)) == 1:
        return level
    if spec is None:
        raise FactError(asked.name, _pick_hint(channel))
    value = spec.parse(text.strip())
    return list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
