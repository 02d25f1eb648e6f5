"""The raw facts a question states, before validation (:mod:`knowledge.reading.question`
reads them, :mod:`knowledge.reading.amounts` places the amounts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["RawExtraction", "add_value", "exclude"]


@dataclass
class RawExtraction:
    facts: dict[str, object] = field(default_factory=dict)
    as_of: date | None = None
    is_amount_question: bool = False
    topics: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    excluded: dict[str, set[str]] = field(default_factory=dict)  # negated choices
    implied: set[str] = field(default_factory=set)  # facts set by implication only
    # titles said as what the asker is (我们是国家级孵化器), not as obtained: (fact, value)
    standing: dict[tuple[str, str], str] = field(default_factory=dict)
    # titles an upgrade starts from (省级…升级成国家级…): held before, not obtained now
    upgraded_from: dict[tuple[str, str], str] = field(default_factory=dict)
    # amounts said approximately (二百五十多万): fact → (least, most, as said)
    approximate: dict[str, tuple[int, int, str]] = field(default_factory=dict)


def exclude(out: RawExtraction, fact: str, value: str, phrase: str) -> None:
    out.excluded.setdefault(fact, set()).add(value)
    note = f"未计入：“{phrase}”（问题中说明未满足）"
    if note not in out.notes:
        out.notes.append(note)


def add_value(facts: dict[str, object], name: str, value: str) -> None:
    current = facts.setdefault(name, set())
    assert isinstance(current, set)
    current.add(value)
