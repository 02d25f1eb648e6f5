"""The typed result of answering one question: what every front end renders.

:class:`Answer` is immutable and renders nothing.  ``to_json()`` is the object of the CLI
contract (``policybot ask --json``) without ``answer_text``, which the edge renders from
the same object; the conversation layer reads the fields directly (the extraction and
the rule ids included), so nothing is computed twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from index.answering.overview import Overview
from index.answering.scope import Suggestion, Unanswered
from index.answering.timing import Timing
from knowledge.awards.calculator import Estimate
from knowledge.awards.rules import Citation
from knowledge.reading.ceiling import Ceiling
from knowledge.reading.extraction import Extraction
from knowledge.reading.frame import Frame


@dataclass(frozen=True)
class Responsible:
    lead: tuple[str, ...] = ()
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerHit:
    """One cited clause of an answer, with its document's validity on the answer's date."""

    doc_number: str
    title: str
    clause_path: str
    text: str  # the whole clause (chunks joined)
    score: float
    in_force: bool
    validity: str
    effective_from: date
    effective_until: date | None
    headings: tuple[str, ...]
    responsible: Responsible
    issued: date | None = None
    confirmed_in_force_on: date | None = None
    superseded_by: str = ""  # 文号 of the replacing document
    superseded_by_title: str = ""
    repealed_on: date | None = None  # the recorded repeal date (validity "repealed")
    repeal_source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_number": self.doc_number,
            "title": self.title,
            "clause_path": self.clause_path,
            "text": self.text,
            "score": self.score,
            "in_force": self.in_force,
            "validity": self.validity,
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "issued": self.issued.isoformat() if self.issued else None,
            "confirmed_in_force_on": (self.confirmed_in_force_on.isoformat()
                                      if self.confirmed_in_force_on else None),
            "superseded_by": ({"doc_number": self.superseded_by,
                               "title": self.superseded_by_title}
                              if self.superseded_by else None),
            "repealed_on": self.repealed_on.isoformat() if self.repealed_on else None,
            "repeal_source": self.repeal_source,
            "headings": list(self.headings),
            "responsible": {"lead": list(self.responsible.lead),
                            "units": list(self.responsible.units)},
        }


@dataclass(frozen=True)
class Answer:
    """Hits (best first), what the question says, the rules behind it, the estimate."""

    question: str  # as received
    text: str  # sanitised: what was read
    matched: bool
    as_of: date
    hits: tuple[AnswerHit, ...] = ()
    extraction: Extraction | None = None
    rule_ids: tuple[str, ...] = ()  # the estimate's rules, else the rules citing a hit
    estimate: Estimate | None = None
    intent: str = "general"  # knowledge.reading.intent: amount, eligibility, office…
    document: dict[str, Any] | None = None  # the named document's metadata on ``as_of``
    offices: tuple[str, ...] = ()  # office/materials/deadline: the best clause's offices
    timing: Timing | None = None  # deadline questions: what the best clause says of timing
    overview: Overview | None = None  # "which fit me": every stated fact over every rule
    # answer / suggest / refuse / greeting (index.answering.scope)
    verdict: str = "answer"
    suggestions: tuple[Suggestion, ...] = ()  # verdict "suggest": covered awards near it
    unanswered: Unanswered | None = None  # what was asked that the clauses do not state
    frame: Frame | None = None  # the message read against the conversation
    ceiling: Ceiling | None = None  # "最多能给多少": the most the award asked about can be
    # each rule of ``rule_ids`` with the clauses it stands on (its same-award group's,
    # those of repealed documents included): which clause each rule quotes
    rule_citations: Mapping[str, tuple[Citation, ...]] = field(default_factory=dict)

    @property
    def materials_listed(self) -> bool:
        """Whether the best clause mentions application materials at all."""
        return bool(self.hits) and any(w in self.hits[0].text for w in ("材料", "申报书"))

    @property
    def empty(self) -> bool:
        return not self.text

    @property
    def facts(self) -> dict[str, object]:
        """A copy of the facts the question states (safe to change); an estimate by year
        gives its standing facts and ``"years"`` with each year's own (a profile)."""
        est = self.estimate
        if est is not None and est.years:
            return {**est.facts, "years": {str(y): dict(f) for y, f in est.years.items()}}
        return dict(self.extraction.facts) if self.extraction is not None else {}

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "matched": self.matched,
            "as_of": self.as_of.isoformat(),
            "hits": [h.to_json() for h in self.hits],
            "estimate": self.estimate.to_json() if self.estimate is not None else None,
            "intent": self.intent,
            "document": self.document,
            "offices": list(self.offices),
            "materials_listed": self.materials_listed,
            "timing": self.timing.to_json() if self.timing is not None else None,
            "overview": self.overview.to_json() if self.overview is not None else None,
            "verdict": self.verdict,
            "suggestions": [s.to_json() for s in self.suggestions],
            "unanswered": self.unanswered.to_json() if self.unanswered is not None else None,
            "frame": self.frame.to_json() if self.frame is not None else None,
            "ceiling": self.ceiling.to_json() if self.ceiling is not None else None,
        }
