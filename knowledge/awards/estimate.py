"""The result of an estimate: one :class:`Item` per award, and the :class:`Estimate`.

Both are immutable and render nothing; ``to_json`` is the CLI contract (the key order is
part of it).  :mod:`knowledge.awards.calculator` makes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from knowledge.awards.rules import Citation
from knowledge.awards.vocabulary import Vocabulary, default_vocabulary

__all__ = ["OUTCOME_ORDER", "Estimate", "Item"]

# ``not_encoded``: a clause shown in an answer grants money that no rule encodes yet
# (index.answering.honesty); listed with the clause's own figure, never summed.
OUTCOME_ORDER = {"eligible": 0, "case_by_case": 1, "need_info": 2, "ineligible": 3,
                 "not_encoded": 4}


@dataclass(frozen=True)
class Item:
    """The result of one award (one rule, or one same_award group)."""

    rule_id: str
    label: str
    outcome: str
    explanation: str
    citations: tuple[Citation, ...]
    in_force: bool
    amount_yuan: int | None = None
    max_yuan: int | None = None
    min_yuan: int | None = None
    missing: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()  # other rules of the group (overlaps and conflicts)
    conflicts: tuple[dict[str, str], ...] = ()
    shares: tuple[dict[str, object], ...] = ()
    effective_until: date | None = None
    validity: str = ""  # DocumentMeta.validity of the cited document on the as-of date
    superseded_by: str = ""  # 文号 of the replacing document (validity "superseded")
    repealed_on: date | None = None  # validity "repealed": the recorded repeal date
    # the same award's clauses in documents repealed on the date: no basis, not cited, but
    # still where the award was read from (an answer on that clause finds its item)
    repealed_citations: tuple[Citation, ...] = ()
    office: str = ""  # the rule's declared office and window for applying ("" unstated)
    window: str = ""
    # validity "replaced": a newer document's rule replaced this award (from that date)
    replaced_by: str = ""  # 文号 of the replacing document
    replaced_from: date | None = None
    figure: str = ""  # not_encoded: the award as the clause states it (e.g. 500万元)
    # 文号 of a newer in-force document whose clause states another figure for the same
    # award (index.answering.honesty): shown, never summed
    demoted_by: str = ""

    def sort_key(self) -> tuple[object, ...]:
        figure = self.amount_yuan or self.max_yuan or self.min_yuan or 0
        return (OUTCOME_ORDER[self.outcome], not self.in_force, -figure, self.rule_id)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule_id": self.rule_id, "label": self.label,
                               "outcome": self.outcome}
        out.update((key, value) for key, value in (
            ("amount_yuan", self.amount_yuan), ("max_yuan", self.max_yuan),
            ("min_yuan", self.min_yuan)) if value is not None)
        out.update({
            "explanation": self.explanation,
            "citations": [c.to_json() for c in self.citations],
            "in_force": self.in_force,
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
        })
        out.update(self._standing_json())
        out.update((key, list(value)) for key, value in (
            ("missing", self.missing), ("failed", self.failed), ("warnings", self.warnings),
            ("same_as", self.same_as), ("conflicts", self.conflicts)) if value)
        if self.shares:
            out["shares"] = [dict(s) for s in self.shares]
        return out

    def _standing_json(self) -> dict[str, Any]:
        """Validity, replacement, where to apply, and the figure of an unencoded award."""
        out: dict[str, Any] = {}
        if self.validity:
            out["validity"] = self.validity
        if self.superseded_by:
            out["superseded_by"] = self.superseded_by
        if self.validity == "replaced":
            out["replaced_by"] = self.replaced_by
            out["replaced_from"] = self.replaced_from.isoformat() if self.replaced_from else None
        out.update((key, value) for key, value in (("office", self.office),
                                                   ("window", self.window)) if value)
        if self.repealed_citations:
            out["repealed_citations"] = [c.to_json() for c in self.repealed_citations]
        if self.validity == "repealed" and self.repealed_on:
            out["repealed_on"] = self.repealed_on.isoformat()
        out.update((key, value) for key, value in (("figure", self.figure),
                                                   ("demoted_by", self.demoted_by)) if value)
        return out


@dataclass(frozen=True)
class Estimate:
    as_of: date
    items: tuple[Item, ...]
    missing: tuple[str, ...] = ()  # fact names, the one most rules wait for first
    warnings: tuple[str, ...] = ()
    facts: Mapping[str, object] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=default_vocabulary, compare=False,
                                   repr=False)
    # an estimate by year (knowledge.reading.estimate): each year's own facts
    years: Mapping[int, Mapping[str, object]] = field(default_factory=dict)

    @property
    def total_yuan(self) -> int:
        return sum(i.amount_yuan for i in self.items
                   if i.outcome == "eligible" and i.in_force and i.amount_yuan is not None
                   and not i.demoted_by)

    def item(self, rule_id: str) -> Item | None:
        """The item of ``rule_id``, also when it was merged into another rule's item."""
        for item in self.items:
            if item.rule_id == rule_id or rule_id in item.same_as:
                return item
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "total_yuan": self.total_yuan,
            "items": [i.to_json() for i in self.items],
            "missing": [{"fact": name, "question": self.vocabulary.facts[name].question}
                        for name in self.missing],
            "warnings": list(self.warnings),
        }
