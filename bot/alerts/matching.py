"""What changed for one subscriber between two knowledge snapshots.

:func:`diff` compares two snapshots once per reload: the rules that are new or whose
definition changed, and the clauses that are new or whose text changed.  :func:`changes_for`
then looks at one subscriber's facts through that diff only (a reload touching one rule
costs one rule's evaluation per subscriber, not the whole rule set):

- ``eligible`` — an award of a changed rule is now eligible (and was not before);
- ``one_fact`` — it now waits for a single fact (and did not before): the question says
  what would settle it;
- ``new_clause`` — a new in-force clause on the subscriber's topics grants money: a
  changed rule still needing several facts, or a clause no rule encodes yet
  (``not_encoded``, quoted with its own figure).

An empty list means nothing changed for this subscriber: nothing is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from index.answering.engine import responsible_offices as clause_offices  # one office rule
from index.answering.honesty import not_encoded_items
from index.answering.snapshot import Snapshot
from knowledge.awards.calculator import Item, evaluate
from knowledge.errors import PolicyBotError
from knowledge.model import Clause
from knowledge.money import format_yuan
from knowledge.reading.extraction import extract_facts

ELIGIBLE, ONE_FACT, NEW_CLAUSE = "eligible", "one_fact", "new_clause"


@dataclass(frozen=True)
class Change:
    kind: str
    rule_id: str
    label: str
    amount: str  # "50万元", "最高100万元", "" when not computable
    settle: str  # the question that would settle it (one_fact)
    doc_number: str
    title: str
    clause_path: str
    quote: str
    offices: tuple[str, ...]

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["offices"] = list(self.offices)
        return data


@dataclass(frozen=True)
class Diff:
    """What a reload changed: rule ids to re-evaluate and the new money clauses."""

    rule_ids: tuple[str, ...]
    clauses: tuple[Clause, ...]

    def __bool__(self) -> bool:
        return bool(self.rule_ids or self.clauses)


def _rule_key(rule: Any) -> Any:
    data = rule.to_json() if hasattr(rule, "to_json") else repr(rule)
    meta = rule.document
    return (repr(data), repr(meta))


def diff(old: Snapshot | None, new: Snapshot) -> Diff:
    """Rules added or changed and clauses added or reworded from ``old`` to ``new``."""
    if old is None or old is new:
        return Diff((), ())
    before = {r.id: _rule_key(r) for r in old.rules.rules}
    rule_ids = tuple(sorted(r.id for r in new.rules.rules if before.get(r.id) != _rule_key(r)))
    old_text = {(c.doc_number, c.path): c.text for c in old.kb.clauses}
    clauses = tuple(c for c in new.kb.clauses
                    if old_text.get((c.doc_number, c.path)) != c.text)
    return Diff(rule_ids, clauses)


def _amount(item: Item) -> str:
    if item.amount_yuan is not None:
        return format_yuan(item.amount_yuan)
    if item.max_yuan is not None:
        return f"最高{format_yuan(item.max_yuan)}"
    if item.min_yuan is not None:
        return f"不低于{format_yuan(item.min_yuan)}"
    return item.figure


def _change(snap: Snapshot, kind: str, item: Item, settle: str = "") -> Change:
    cite = item.citations[0] if item.citations else None
    doc = snap.kb.document(cite.doc_number) if cite else None
    offices: tuple[str, ...] = ()
    if cite is not None:
        offices = tuple(clause_offices(snap.kb, cite.doc_number, cite.clause_path))
    return Change(kind, item.rule_id, item.label, _amount(item), settle,
                  cite.doc_number if cite else "", doc.title if doc else "",
                  cite.clause_path if cite else "", cite.quote if cite else "", offices)


def _items(snap: Snapshot | None, facts: Mapping[str, object], on: date,
           rule_ids: list[str]) -> dict[str, Item]:
    if snap is None:
        return {}
    known = [r for r in rule_ids if snap.rules.get(r) is not None]
    if not known:
        return {}
    try:
        estimate = evaluate(snap.rules, facts, on, rule_ids=known)
    except (PolicyBotError, KeyError, ValueError):  # facts from an older vocabulary
        return {}
    out: dict[str, Item] = {}
    for item in estimate.items:
        for rid in (item.rule_id, *item.same_as):
            out[rid] = item
    return out


def _is_eligible(item: Item | None) -> bool:
    return item is not None and item.outcome == "eligible" and item.in_force


def _one_fact(item: Item | None) -> bool:
    return item is not None and item.outcome == "need_info" and item.in_force \
        and len(item.missing) == 1


def money_clauses(d: Diff, new: Snapshot, on: date) -> list[tuple[Item, frozenset[str]]]:
    """The new clauses granting money no rule encodes, with their topics (once a reload)."""
    if not d.clauses:
        return []
    return [(item, topics_of(new, f"{item.label}。{item.citations[0].quote}", on))
            for item in not_encoded_items(new.kb, new.rules, d.clauses, on, new.unencoded)]


def changes_for(d: Diff, old: Snapshot | None, new: Snapshot, facts: Mapping[str, object],
                topics: set[str] | frozenset[str], on: date,
                money: list[tuple[Item, frozenset[str]]] | None = None) -> list[Change]:
    """The changes of ``d`` that concern a subscriber with ``facts`` and ``topics``.

    ``money`` is :func:`money_clauses` of ``d`` (computed here when not given)."""
    if not d:
        return []
    out: list[Change] = []
    seen: set[str] = set()
    ids = list(d.rule_ids)
    now, before = _items(new, facts, on, ids), _items(old, facts, on, ids)
    for rule_id in ids:
        item = now.get(rule_id)
        if item is None or item.rule_id in seen:
            continue
        seen.add(item.rule_id)
        was = before.get(rule_id)
        rule = new.rules.get(rule_id)
        if _is_eligible(item):
            if not _is_eligible(was):
                out.append(_change(new, ELIGIBLE, item))
        elif _one_fact(item):
            if not _one_fact(was) or was is None or was.missing != item.missing:
                spec = new.rules.vocabulary.facts.get(item.missing[0])
                out.append(_change(new, ONE_FACT, item, spec.question if spec else ""))
        elif (item.in_force and item.outcome in ("need_info", "case_by_case")
              and rule is not None and set(rule.topics) & set(topics)):
            out.append(_change(new, NEW_CLAUSE, item))
    if d.clauses and topics:
        for item, found in money if money is not None else money_clauses(d, new, on):
            if found & set(topics):
                out.append(_change(new, NEW_CLAUSE, item))
    return out


def topics_of(snap: Snapshot, text: str, on: date) -> frozenset[str]:
    """The vocabulary topics a clause names (read as a question would be)."""
    return frozenset(extract_facts(text, on, vocabulary=snap.rules.vocabulary).topics)


def rule_topics(snap: Snapshot, rule_ids: tuple[str, ...] | list[str]) -> set[str]:
    out: set[str] = set()
    for rule_id in rule_ids:
        rule = snap.rules.get(rule_id)
        if rule is not None:
            out.update(rule.topics)
    return out


def eligible_items(snap: Snapshot, facts: Mapping[str, object], on: date) -> list[Item]:
    """The subscriber's eligible, in-force items today (for the expiry reminders)."""
    try:
        estimate = evaluate(snap.rules, facts, on)
    except (PolicyBotError, KeyError, ValueError):
        return []
    return [i for i in estimate.items if _is_eligible(i)]
