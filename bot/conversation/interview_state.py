"""The interview's state: one typed record per chat and user, stored as a JSON object.

:class:`InterviewState` is what the state machine (:mod:`bot.conversation.interview`)
changes and what its views (:mod:`bot.conversation.interview_views`) read.  In the store
it is the JSON object it always was (:meth:`InterviewState.to_data`, the same keys), so
replicas of the previous release and of this one read each other's records, and an
interview survives a restart or a deploy in the middle.  Fact values are JSON through
:func:`encode` / :func:`decode` (a ``Decimal`` or a ``date`` survives the store).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from bot.conversation.reply import label
from bot.conversation.summary import OfficeSource

__all__ = ["ASK", "DONE", "REVIEW", "TELEGRAM", "TERMINAL", "Asked", "EngineLike",
           "FactSpecLike", "InterviewState", "decode", "encode", "holders", "implausible"]

ASK, REVIEW, DONE = "ask", "review", "done"
TELEGRAM, TERMINAL = "telegram", "terminal"
CHOICE_KINDS = ("choice", "bool")
APPLICANT = "applicant_types"


class FactSpecLike(Protocol):
    """What the interview reads of a :class:`knowledge.awards.facts.FactSpec`."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def question(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def choices(self) -> Sequence[tuple[Any, str]]: ...
    @property
    def example(self) -> str: ...
    @property
    def implied_by(self) -> Mapping[str, Sequence[str]]: ...
    def parse(self, text: str) -> Any: ...


class EngineLike(OfficeSource, Protocol):
    """What the interview needs from :class:`index.answering.engine.Engine` (the offices
    of the awards it estimates too)."""

    def estimate(
        self, facts: dict[str, Any], as_of: date | None = None, rule_ids: list[str] | None = None
    ) -> dict[str, Any]: ...

    def next_questions(
        self, facts: dict[str, Any], as_of: date | None = None, rule_ids: list[str] | None = None
    ) -> Sequence[FactSpecLike]: ...

    def states_facts(self, text: str) -> bool: ...

    def facts_stated(self, text: str) -> dict[str, Any]: ...


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


@dataclass(frozen=True)
class Asked:
    """A question as it was asked: its fact's spec when asked, so that a later answer (or
    a press on its keyboard) is read against the options that were shown."""

    name: str
    kind: str
    question: str
    label: str
    unit: str = ""
    example: str = ""
    choices: tuple[tuple[Any, str], ...] = ()  # (encoded value, text)
    implied: dict[str, tuple[str, ...]] = field(default_factory=dict)  # implied_by

    @classmethod
    def of(cls, spec: FactSpecLike) -> Asked:
        choices = list(spec.choices)
        if spec.kind == "bool" and not choices:
            choices = [(True, label("yes")), (False, label("no"))]
        implied = spec.implied_by or {}
        return cls(name=spec.name, kind=spec.kind, question=spec.question,
                   label=str(spec.label or spec.question), unit=str(spec.unit or ""),
                   example=spec.example,
                   choices=tuple((encode(v), str(text)) for v, text in choices),
                   implied={str(k): tuple(str(w) for w in v) for k, v in dict(implied).items()})

    @property
    def values(self) -> list[Any]:
        """The options' values (decoded), in the order shown."""
        return [decode(v) for v, _ in self.choices]

    def to_data(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "question": self.question,
                "label": self.label, "unit": self.unit, "example": self.example,
                "choices": [[v, text] for v, text in self.choices],
                "implied": {k: list(v) for k, v in self.implied.items()}}

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Asked:
        return cls(name=str(data.get("name") or ""), kind=str(data.get("kind") or ""),
                   question=str(data.get("question") or ""),
                   label=str(data.get("label") or data.get("question") or ""),
                   unit=str(data.get("unit") or ""), example=str(data.get("example") or ""),
                   choices=tuple((v, str(text)) for v, text in data.get("choices") or ()),
                   implied={str(k): tuple(str(w) for w in v)
                            for k, v in (data.get("implied") or {}).items()})


@dataclass
class InterviewState:
    """One interview: where it is, what was asked and answered, which rules it is for."""

    channel: str = TELEGRAM  # TERMINAL: the questions say "输入", not "点"
    phase: str = ASK
    seq: int = 0  # every keyboard carries it: a press on an older one is stale
    facts: dict[str, Any] = field(default_factory=dict)  # encoded values
    given: list[str] = field(default_factory=list)  # understood from the question, not asked
    history: list[str] = field(default_factory=list)  # asked, in order
    asked: dict[str, Asked] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    # not asked: the applicant's type cannot hold them (read as none); their labels
    deduced: list[str] = field(default_factory=list)
    deduced_labels: dict[str, str] = field(default_factory=dict)
    current: str | None = None  # the fact asked now
    editing: bool = False  # changing an answer from the review
    multi: list[int] = field(default_factory=list)  # ticked options of a multiple choice
    invalid: int = 0  # bad answers to the current question
    rule_ids: list[str] | None = None  # None: every rule
    as_of: date | None = None
    previous: int | str | None = None  # the earlier answer, shown chosen (back, change)
    total: int = 0  # questions in all; 0 while unknown

    @classmethod
    def new(cls, facts: dict[str, Any], rule_ids: list[str] | None, as_of: date | None,
            channel: str = "") -> InterviewState:
        return cls(channel=channel or TELEGRAM, facts={k: encode(v) for k, v in facts.items()},
                   given=sorted(facts), rule_ids=list(rule_ids) if rule_ids else None,
                   as_of=as_of)

    def restart(self) -> None:
        """Start again with no facts: the same rules, date and channel, a newer ``seq``."""
        fresh = InterviewState.new({}, self.rule_ids, self.as_of, self.channel)
        fresh.seq = self.seq + 1
        for name, value in vars(fresh).items():
            setattr(self, name, value)

    def copy(self) -> InterviewState:
        """A copy whose containers can change without touching this one."""
        return dataclasses.replace(
            self, facts=dict(self.facts), given=list(self.given), history=list(self.history),
            asked=dict(self.asked), skipped=list(self.skipped), deduced=list(self.deduced),
            deduced_labels=dict(self.deduced_labels), multi=list(self.multi),
            rule_ids=list(self.rule_ids) if self.rule_ids is not None else None)

    @property
    def question(self) -> Asked:
        """The question asked now (phase ASK)."""
        assert self.current is not None
        return self.asked[self.current]

    def engine_facts(self) -> dict[str, Any]:
        """The facts as the engine takes them (a multiple choice is a frozenset again), with
        the titles the applicant's type cannot hold read as none (see :func:`holders`)."""
        out: dict[str, Any] = {}
        for name, raw in self.facts.items():
            value = decode(raw)
            asked = self.asked.get(name)
            if isinstance(value, list) and asked is not None and asked.kind == "multi":
                value = frozenset(value)
            out[name] = value
        if APPLICANT in out:
            for name in self.deduced:
                out.setdefault(name, frozenset())
        return out

    def to_data(self) -> dict[str, Any]:
        """The JSON object kept in the store (the keys of every earlier release)."""
        return {
            "channel": self.channel, "phase": self.phase, "seq": self.seq,
            "facts": dict(self.facts), "given": list(self.given),
            "history": list(self.history),
            "asked": {name: asked.to_data() for name, asked in self.asked.items()},
            "skipped": list(self.skipped), "deduced": list(self.deduced),
            "deduced_labels": dict(self.deduced_labels), "current": self.current,
            "editing": self.editing, "multi": list(self.multi), "invalid": self.invalid,
            "rule_ids": list(self.rule_ids) if self.rule_ids else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "previous": self.previous, "total": self.total,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> InterviewState:
        """A stored record; keys an older release did not write take their defaults."""
        as_of = data.get("as_of")
        return cls(
            channel=str(data.get("channel") or TELEGRAM), phase=str(data.get("phase") or ASK),
            seq=int(data.get("seq") or 0), facts=dict(data.get("facts") or {}),
            given=list(data.get("given") or []), history=list(data.get("history") or []),
            asked={str(name): Asked.from_data(raw)
                   for name, raw in (data.get("asked") or {}).items()},
            skipped=list(data.get("skipped") or []), deduced=list(data.get("deduced") or []),
            deduced_labels=dict(data.get("deduced_labels") or {}),
            current=data.get("current"), editing=bool(data.get("editing")),
            multi=[int(i) for i in data.get("multi") or []],
            invalid=int(data.get("invalid") or 0),
            rule_ids=list(data["rule_ids"]) if data.get("rule_ids") else None,
            as_of=date.fromisoformat(as_of) if as_of else None,
            previous=data.get("previous"), total=int(data.get("total") or 0),
        )


def holders(choices: Sequence[str], implied: dict[str, tuple[str, ...]] | dict[str, list[str]]
            ) -> set[str] | None:
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


def implausible(state: InterviewState, spec: FactSpecLike) -> bool:
    """Whether the applicant's stated types cannot hold any option of ``spec``."""
    applicant = state.asked.get(APPLICANT)
    implied = applicant.implied if applicant is not None else {}
    if spec.kind != "multi" or APPLICANT not in state.facts or not implied:
        return False
    kinds = set(decode(state.facts[APPLICANT]) or [])
    able = holders([str(text) for _, text in spec.choices], implied)
    return able is not None and not (able & kinds)
