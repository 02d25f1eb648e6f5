"""Honest before rules exist: money a shown clause grants that no rule encodes yet.

An amount question whose hits include an in-force clause stating an award (a money
figure in a sentence with 给予/奖励/补助/资助/补贴) that no rule's quote (nor a
``not_awards`` entry) covers gets an estimate item of its own with outcome
``not_encoded``: the clause heading as label, the figure as the clause states it, the
sentence as citation, never counted in ``total_yuan``.  So an answer never says "no award
applies" directly above a clause granting money.  Coverage is the same test as
``kb check`` (:func:`knowledge.awards.coverage.find_uncovered`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import date

from knowledge.awards.calculator import Estimate, Item
from knowledge.awards.coverage import find_uncovered
from knowledge.awards.rules import Citation, RuleSet, match_text
from knowledge.model import Clause
from knowledge.sources.base import KnowledgeBase

NOT_ENCODED = "not_encoded"
EXPLANATION = "尚未编入估算规则，以原文为准"
_AWARD_WORDS = re.compile(r"给予|奖励|补助|资助|补贴")
_YUAN = re.compile(r"元$")


def not_encoded_items(kb: KnowledgeBase, rules: RuleSet, clauses: Iterable[Clause],
                      on: date) -> list[Item]:
    """One ``not_encoded`` item per award sentence of ``clauses`` that no rule covers.

    Only clauses of documents in force on ``on``; each clause once, in the given order.
    """
    seen: set[tuple[str, str]] = set()
    chosen: list[Clause] = []
    for clause in clauses:
        key = (clause.doc_number, clause.path)
        if key in seen or not clause.doc.in_force(on):
            continue
        seen.add(key)
        chosen.extend(kb.chunks(*key) or (clause,))
    items: list[Item] = []
    for found in find_uncovered(chosen, rules):
        if not _AWARD_WORDS.search(found.sentence):
            continue
        money = [f for f in found.figures if _YUAN.search(f)] or list(found.figures)
        meta = kb.document(found.doc_number)
        heading = _heading(chosen, found.doc_number, found.clause_path)
        figure = "、".join(dict.fromkeys(money))
        sentence = found.sentence
        if heading and sentence.startswith(match_text(heading)) and sentence != heading:
            sentence = sentence[len(match_text(heading)):]  # the heading line ran into it
        items.append(Item(
            rule_id=f"{NOT_ENCODED}:{found.doc_number}#{found.clause_path}#{len(items)}",
            label=heading or f"{found.doc_number} {found.clause_path}",
            outcome=NOT_ENCODED,
            explanation=EXPLANATION,
            citations=(Citation(found.doc_number, found.clause_path, sentence),),
            in_force=True,
            effective_until=meta.effective_until if meta else None,
            validity=meta.validity(on) if meta else "",
            figure=figure,
        ))
    return items


def _heading(clauses: list[Clause], doc_number: str, path: str) -> str:
    for clause in clauses:
        if clause.doc_number == doc_number and clause.path == path:
            return next((h for h in reversed(clause.headings) if h), "")
    return ""


def with_not_encoded(estimate: Estimate | None, kb: KnowledgeBase, rules: RuleSet,
                     clauses: Iterable[Clause], on: date) -> Estimate | None:
    """``estimate`` with the not_encoded items of ``clauses`` appended (after all others).

    Without an estimate, one holding only those items; ``None`` when there are none.
    """
    items = not_encoded_items(kb, rules, clauses, on)
    if not items:
        return estimate
    if estimate is None:
        return Estimate(on, tuple(items))
    return dataclasses.replace(estimate, items=tuple(sorted((*estimate.items, *items),
                                                            key=Item.sort_key)))
