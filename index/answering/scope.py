"""The scope verdict of a question, and what the documents leave unanswered.

Three outcomes besides a greeting (:func:`verdict`):

- ``answer``: the retrieval gate matched (or a named rule cites the best clause);
- ``suggest``: not matched, no other bureau's subject named, but covered provisions are
  near: "您是不是想问…" with the closest covered awards (:class:`Suggestion`);
- ``refuse``: another bureau's subject, or nothing covered is near.

The suggestion bar is a fraction of the calibrated match threshold and reads the same
hit scores as the gate; the foreign-subject check is the domain vocabulary's word list,
so adding documents on other subjects changes no verdict of a question naming one.

:func:`unanswered` checks, for the kind of question asked, whether the clauses shown
state it (an amount, conditions, a procedure, a date, materials, a tax rule), and says
who can answer when they do not: the rule that governs the matter (staff data in
``vocabulary/conversation.yaml``) and the responsible office.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from index.domain import DomainTerms
from index.retriever import Calibration, Hit
from knowledge.awards.calculator import Estimate
from knowledge.awards.rules import Rule, RuleSet
from knowledge.money import scan_money
from knowledge.reading.ceiling import Ceiling, ceiling_of
from knowledge.reading.intent import (
    DEADLINE,
    DOCUMENT_INTENTS,
    MATERIALS,
    SUM_BEATS,
    asks_ceiling,
    asks_sum,
    names_two_documents,
)
from knowledge.reading.talk import AskedKind, Talk

__all__ = ["SUGGEST_SHARE", "Suggestion", "Unanswered", "scope_verdict", "suggestions",
           "unanswered", "unanswered_of"]

# A hit scoring this share of the match threshold is near enough to suggest.
SUGGEST_SHARE = 0.8
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Suggestion:
    """A covered award near the question: its label, the clause and a question that
    asks about it (what a suggestion button asks)."""

    label: str
    doc_number: str
    clause_path: str
    question: str

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "doc_number": self.doc_number,
                "clause_path": self.clause_path, "question": self.question}


@dataclass(frozen=True)
class Unanswered:
    """What was asked that the documents shown do not state, and who can answer it."""

    asked: str  # the kind of question (payment_timing, conditions, other_city …)
    label: str  # what was asked, in words (奖补资金的拨付时间)
    rule: str = ""  # the rule that governs it, where the vocabulary knows one
    office: str = ""  # whom to ask
    place: str = ""  # another city named

    def to_json(self) -> dict[str, Any]:
        return {"asked": self.asked, "label": self.label, "rule": self.rule,
                "office": self.office, "place": self.place}


def _gate_score(hit: Hit, calibration: Calibration) -> float:
    w = calibration.gate_weight
    return w * hit.dense + (1 - w) * hit.lexical


def suggestions(hits: list[Hit], rules: RuleSet, calibration: Calibration
                ) -> tuple[Suggestion, ...]:
    """The closest covered awards among ``hits`` (one per award), best first."""
    bar = SUGGEST_SHARE * calibration.threshold
    out: list[Suggestion] = []
    seen: set[str] = set()
    for hit in hits:
        if _gate_score(hit, calibration) < bar:
            continue
        clause = hit.clause
        cited = rules.citing({(clause.doc_number, clause.path)})
        labels = [r.label for r in (rules.get(i) for i in cited) if r is not None]
        label = next((lb for lb in labels if lb not in seen), "")
        if not label and labels:
            continue  # this award is already suggested
        if not label:
            label = _clause_label(clause.headings, clause.text)
        if not label or label in seen:
            continue
        seen.add(label)
        out.append(Suggestion(label, clause.doc_number, clause.path, f"{label}有什么支持政策？"))
        if len(out) == MAX_SUGGESTIONS:
            break
    return tuple(out)


def _clause_label(headings: Any, text: str) -> str:
    """A short name of a clause no rule covers: its last heading, else its first words."""
    for heading in reversed(list(headings or ())):
        name = str(heading).strip(" 。：:")
        if 2 <= len(name) <= 24:
            return name
    first = text.strip().split("。", 1)[0]
    return first[:20] if len(first) >= 4 else ""


def unanswered(asked: str, question: str, shown: list[str], talk: Talk,
               offices: list[str], place: str = "", subjects: tuple[str, ...] = ()
               ) -> Unanswered | None:
    """What ``question`` asks (kind ``asked``) that the clauses ``shown`` (their texts,
    best first) do not state; None when they state it (or nothing is checked for it)."""
    office = "、".join(offices[:3])
    if place:
        return Unanswered("other_city", f"{place}的政策", office=office, place=place)
    external = talk.external_for(question, asked)
    kind = talk.kind(asked)
    label = kind.label if kind is not None else _LABELS.get(asked, "")
    if external is not None and label:
        return Unanswered(asked, label, external.rule, external.office)
    if kind is None or not kind.stated:  # no words to look for: the clauses answer it
        return None
    if shown and _stated_near(kind, shown[0], subjects):
        return None
    return Unanswered(asked, kind.label, office=office)


def _stated_near(kind: AskedKind, text: str, subjects: tuple[str, ...]) -> bool:
    """Whether the clause states the kind for the question's subject: in a sentence that
    names the subject when one does (a clause's 不低于 about another award states no
    condition of this one), else anywhere in it."""
    sentences = [s for s in re.split(r"[。；;]", text) if s]
    near = [s for s in sentences if any(w in s for w in subjects)]
    return any(kind.stated_in(s) for s in near) if near else kind.stated_in(text)


_LABELS = {"amount": "具体金额", "materials": "申报材料", "deadline": "申报时间",
           "office": "受理部门"}


def scope_verdict(hits: list[Hit], text: str, talk: Talk, rules: RuleSet,
                  calibration: Calibration, terms: DomainTerms) -> dict[str, Any]:
    """The verdict of a question the gate did not match: suggest the covered awards
    near it when it is near the policies (``talk.near``) and names no other bureau's
    subject, else refuse."""
    if not hits or terms.names_foreign(text.lower()) or not talk.is_near(text) \
            or talk.found(text, talk.markers("tasks")):
        return {"verdict": "refuse"}
    near = suggestions(hits, rules, calibration)
    return {"verdict": "suggest", "suggestions": near} if near else {"verdict": "refuse"}


def unanswered_of(intent: str, text: str, texts: list[str], talk: Talk, offices: list[str],
                  place: str = "", document: bool = False, timing_stated: bool | None = None,
                  materials_listed: bool = True, said: str = "",
                  subjects: tuple[str, ...] = ()) -> Unanswered | None:
    """What a question (as understood: ``text``, asking ``intent``) asks that the clauses
    shown (``texts``, best first) do not state: the kinds of ``talk`` (also the one the
    message ``said`` asks besides), then a deadline (``timing_stated`` False) or materials
    the best clause omits."""
    if document and intent in DOCUMENT_INTENTS:
        return None
    found = unanswered(intent, text, texts, talk, offices, place, subjects)
    if found is not None:
        return found
    for kind in talk.asked_kinds(said) if said else ():
        if kind.name != intent and kind.stated and not (
                asks_sum(said) and kind.name in SUM_BEATS) and not (
                kind.name == "stacking" and names_two_documents(said)):
            # asked besides (这两个能一起拿吗，一共多少; 所得税优惠怎么办理): said when
            # not stated
            found = unanswered(kind.name, text, texts, talk, offices, subjects=subjects)
            if found is not None:
                return found
    office = "、".join(offices[:3])
    if intent == DEADLINE and timing_stated is False:
        return Unanswered(DEADLINE, "申报时间", office=office)
    if intent == MATERIALS and texts and not materials_listed:
        return Unanswered(MATERIALS, "申报材料", office=office)
    return None


def amount_unstated(estimate: Estimate | None, rules: RuleSet, texts: list[str],
                    offices: list[str]) -> Unanswered | None:
    """An amount question the documents give no figure for: no award considered states
    an amount, a rate, a ceiling or a floor (择优 with no figure, 一事一议, "按全市人才政策"),
    or, with no award encoded, the clause answered names no sum of money."""
    if estimate is not None and estimate.items:
        considered = [i for i in estimate.items if i.outcome != "ineligible"]
        current = [i for i in considered if i.in_force]
        if considered and not current and texts and not scan_money(texts[0]):
            # only a repealed award has a figure; the clause answered states none
            return Unanswered("amount", "具体金额", office="、".join(offices[:3]))
        if not considered or any(i.amount_yuan is not None or i.figure
                                 or states_figure(rules.get(i.rule_id))
                                 for i in considered):
            return None
    elif not texts or scan_money(texts[0]):
        return None
    return Unanswered("amount", "具体金额", office="、".join(offices[:3]))


def states_figure(rule: Rule | None) -> bool:
    return (rule is not None and any(v is not None for v in (
        rule.amount_yuan, rule.max_yuan, rule.min_yuan, rule.rate_percent, rule.unit_yuan,
        rule.ratio, rule.cap_yuan))) or bool(rule is not None and rule.shares)


def amount_answer(estimate: Estimate | None, rules: RuleSet, said: str, texts: list[str],
                  offices: list[str]) -> tuple[Unanswered | None, Ceiling | None]:
    """What an amount question is told first: the ceiling when it asks for the most an
    award can be and no total is certain ("最多能给多少" → 最高1000万元); that the
    documents state no ceiling (a floor only) or no figure at all; else nothing."""
    if asks_ceiling(said) and (estimate is None or not estimate.total_yuan):
        top = ceiling_of(estimate, rules, said) if estimate is not None else None
        if top is not None:
            return None, top
        if estimate is not None and any(i.outcome != "ineligible" for i in estimate.items):
            return Unanswered("amount", "最高金额", office="、".join(offices[:3])), None
    return amount_unstated(estimate, rules, texts, offices), None
