"""What a user's action means to the interview: the events, and typed text read as a
change to the question rather than an answer.

:func:`parse_press` reads a button's callback data (``i:<seq>:<action>[:<arg>]``);
:func:`is_follow_up_form` and :func:`looks_like_question` tell an answer from a new or
changed question typed while the interview waits (the one definition of that wording).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.conversation.interview_state import APPLICANT, EngineLike, InterviewState, encode
from bot.conversation.interview_views import level_options
from knowledge.reading.scope import SELF

__all__ = ["Event", "Press", "Start", "Text", "asks_instead", "is_follow_up_form",
           "looks_like_question", "parse_press",
           "said_in_words"]


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


_QUESTION_MARKS = ("？", "?", "吗", "多少", "怎么", "什么", "哪些", "有没有", "能否", "如何", "啥",
                   "咋", "哪个", "哪里", "能不能", "可不可以", "是不是", "行不行", "哪条", "哪一条",
                   "哪款", "几月", "几号", "几天", "何时", "什么时候", "哪天", "哪年")
# a statement of facts besides a bare figure (合同额60万 登记过了): a message, not an answer
_STATEMENT = re.compile(r"[\u4e00-\u9fff]{2,}.*\d+(\.\d+)?\s*(万|元|家|项|件|个)"
                        r"|\d+(\.\d+)?\s*(万|元|家|项|件|个).*[\u4e00-\u9fff]{3,}")
# a change to the question answered last (那2020年呢, 不对，是200万), not an answer
_CORRECTED = re.compile(r"说错|搞错|写错|打错|弄错|记错")
_FOLLOW_UP_OPENERS = ("那", "如果", "要是", "假如", "换成", "改成", "不对", "说错", "其实",
                      "后来", "更正")


def is_follow_up_form(text: str) -> bool:
    """Whether ``text`` is worded as a change to a question (opens with 那/如果/要是/说错了
    …, ends with 呢, or asks with ？), which no typed answer is."""
    compact = "".join(text.split())
    # (哦说错了 / 不好意思，搞错了: the correction after a particle or an apology)
    opened = compact.lstrip("哦噢喔啊呃嗯额唉哎呀，,。、 ")
    return (opened.startswith(_FOLLOW_UP_OPENERS) or compact.rstrip("。.!！").endswith("呢")
            or compact.endswith(("？", "?")) or bool(_CORRECTED.search(compact[:10])))


def asks_instead(text: str) -> bool:
    """Whether a typed message asks something and states no figure (这笔钱一般几月份下达):
    a question, even where a lax reading finds a number in it (一般 → 1)."""
    compact = "".join(text.split())
    return any(mark in compact for mark in _QUESTION_MARKS) and not re.search(r"\d", compact)


def looks_like_question(text: str) -> bool:
    """Whether text that is no valid answer reads as a new question rather than a typo."""
    compact = "".join(text.split())
    # (你给我讲个笑话吧: words without a figure, longer than an answer is typed: a message)
    return (is_follow_up_form(compact) or any(mark in compact for mark in _QUESTION_MARKS)
            or len(compact) > 24 or bool(re.search(r"(?:19|20)\d\d年", compact))
            or bool(_STATEMENT.search(compact))
            or (len(compact) > 6 and not re.search(r"\d|[一二两三四五六七八九十百千万]", compact)))


_WHEN = re.compile(r"\d{2,4}\s*年|[今去前明后]年|那年|当年|上半年|下半年")


def said_in_words(engine: EngineLike, state: InterviewState, text: str) -> Any:
    """The current question's value when a typed statement (no question) gives it in the
    owner's words (我们是技术转移机构，合同额是256万 to "贵单位属于哪类主体？"), read as a
    question is; the other facts it states that the interview has no answer for yet are
    kept as answers too.  None when it does not give the value."""
    if state.current is not None and (level := _level_alone(engine, state, text)) is not None:
        return level
    if any(mark in text for mark in _QUESTION_MARKS) or state.current is None or (
            state.current == APPLICANT and not re.search(SELF, text)) or _WHEN.search(text):
        # (牵头的是山大威海: who leads, not what the asker's own unit is; 前年我们先拿的是
        # 省级…: an event of its own year, told to the conversation)
        return None
    facts = engine.facts_stated(text)
    if state.current not in facts:
        return None
    for name, value in facts.items():
        if name != state.current and name not in state.facts:
            state.facts[name] = encode(value)
            state.given.append(name)  # (understood from the message, as the question's)
    value = facts[state.current]
    return sorted(value) if isinstance(value, set | frozenset) else value


def _level_alone(engine: EngineLike, state: InterviewState, text: str) -> Any:
    """The one option of the level a typed answer says alone (省里的) that opens an award
    the interview is for, when several options name that level (省级技术转移示范机构,
    省技术市场奖励), else None."""
    asked = state.question
    hits = level_options(asked, text)
    if len(hits) > 1:
        facts = state.engine_facts()

        def opens(value: Any) -> bool:
            given = [value] if asked.kind == "multi" else value
            est = engine.estimate({**facts, asked.name: given}, state.as_of, state.rule_ids)
            return any(i.get("outcome") == "eligible" for i in est.get("items", ()))

        hits = [v for v in hits if opens(v)]
    if len(hits) != 1:
        return None
    return hits if asked.kind == "multi" else hits[0]
