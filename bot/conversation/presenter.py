"""One presenter: a typed :class:`~index.answering.answer.Answer` as every front end shows it.

:func:`present` builds the :class:`AnswerView` of an answer, in this one place: the hits
worth reading, each with the excerpt centred on what was asked; the estimate sorted for a
phone (:func:`bot.conversation.summary.summarize`); where and when to apply for each of
its items.  Telegram (``tg_answer.j2``, through :class:`bot.conversation.core.Conversation`,
which ``policybot chat`` shares) and ``policybot ask`` (``answer.txt.j2``,
:func:`answer_json`) render that one view, and the templates read the typed answer in it
(``view.answer``), so the two front ends cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from bot.conversation.summary import (
    Office,
    OfficeSource,
    Summary,
    excerpt,
    office_lookup,
    relevant_hits,
    summarize,
)
from bot.render import render_html, render_text
from index.answering.answer import Answer, AnswerHit
from knowledge.reading.applying import apply_office, read_applying

__all__ = ["ANSWER_HITS", "AnswerView", "ShownHit", "answer_html", "answer_json",
           "answer_text", "present"]

ANSWER_HITS = 3  # clauses shown of an answer, at most


@dataclass(frozen=True)
class ShownHit(AnswerHit):
    """A hit as an answer shows it: the clause, and the excerpt quoted of it."""

    excerpt: str = ""


@dataclass(frozen=True)
class AnswerView:
    """What the answer templates receive."""

    answer: Answer
    hits: tuple[ShownHit, ...]  # the relevant hits, at most ANSWER_HITS
    summary: Summary | None  # the estimate sorted for a phone
    estimate: dict[str, Any] | None  # Estimate.to_json(), each item with its ``apply``
    understood: str = ""  # a follow-up: the question as understood

    @property
    def as_of(self) -> str:
        return self.answer.as_of.isoformat()


def present(answer: Answer, office: Office) -> AnswerView:
    """The view of ``answer``; ``office(doc_number, clause_path, declared, window)`` names
    where to apply for an estimate item (:func:`bot.conversation.summary.office_lookup`)."""
    question = answer.text or answer.question
    hits = tuple(ShownHit(**{f.name: getattr(h, f.name) for f in fields(h)},
                          excerpt=excerpt(h.text, question))
                 for h in relevant_hits(answer.hits, limit=ANSWER_HITS))
    estimate = answer.estimate.to_json() if answer.estimate is not None else None
    summary = None
    if estimate:
        summary = summarize(estimate, office)
        add_applying(estimate, office)
    frame = answer.frame
    understood = answer.text if frame is not None and frame.follow_up else ""
    return AnswerView(answer, hits, summary, estimate, understood)


def answer_html(view: AnswerView) -> str:
    """A matched answer as Telegram HTML."""
    return render_html("tg_answer.j2", view=view)


def answer_text(view: AnswerView, subjects: list[str] | None = None) -> str:
    """Any answer as plain text (``policybot ask``); ``subjects`` is what a refusal says
    the assistant covers (:func:`bot.subjects.covered_subjects` of the loaded titles)."""
    return render_text("answer.txt.j2", view=view, subjects=subjects or [])


def answer_json(answer: Answer, subjects: list[str] | None = None,
                engine: OfficeSource | None = None) -> dict[str, Any]:
    """The CLI contract object: the answer's JSON plus its plain-text rendering.

    With ``engine`` the text names each eligible item's office as the Telegram reply does
    (else the offices of the clauses shown)."""
    office = office_lookup(engine) if engine is not None else shown_offices(answer.hits)
    view = present(answer, office)
    result = answer.to_json()
    result["estimate"] = view.estimate
    result["answer_text"] = answer_text(view, subjects)
    return result


def add_applying(estimate: dict[str, Any], office: Office) -> None:
    """Every item of ``estimate`` (JSON) gets ``apply``: where and when to apply, from its
    rule's ``office``/``window`` and its document (:mod:`index.answering.applying`)."""
    for item in estimate.get("items", []):
        cite = (item.get("citations") or [{}])[0]
        if not cite:
            continue
        info = office(cite["doc_number"], cite["clause_path"], str(item.get("office", "")),
                      str(item.get("window", "")))
        if info.get("apply"):
            item["apply"] = info["apply"]


def shown_offices(hits: tuple[AnswerHit, ...]) -> Office:
    """``office(doc, path)`` from the hits' own texts and responsible notes (no engine)."""
    shown = {(h.doc_number, h.clause_path): h for h in hits}

    def office(doc_number: str, clause_path: str, declared: str = "",
               window: str = "") -> dict[str, Any]:
        hit = shown.get((doc_number, clause_path))
        lead = list(hit.responsible.lead) if hit is not None else []
        units = list(hit.responsible.units) if hit is not None else []
        stated = read_applying(hit.text if hit is not None else None)
        name, source = apply_office(declared, stated.office, lead, units, "")
        return {"offices": list(dict.fromkeys([*lead, *units])), "time": False,
                "apply": {"office": name, "office_source": source,
                          "window": window or stated.window,
                          "window_source": "rule" if window else "text" if stated.window
                          else "", "units": list(dict.fromkeys(
                              lead if source == "leads" else [*lead, *units]))}}

    return office
