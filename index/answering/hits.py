"""The clauses an answer cites: validity on the answer's date and responsible offices."""

from __future__ import annotations

from datetime import date

from index.answering.answer import AnswerHit, Responsible
from index.retriever import Hit
from knowledge.sources.base import KnowledgeBase

__all__ = ["answer_hit", "responsible_offices"]


def answer_hit(kb: KnowledgeBase, hit: Hit, on: date) -> AnswerHit:
    """The cited clause of a hit with its document's validity on ``on``."""
    clause = hit.clause  # the best chunk; the answer quotes the whole clause
    meta = clause.doc
    return AnswerHit(
        doc_number=meta.doc_number,
        title=meta.title,
        clause_path=clause.path,
        text=kb.clause(meta.doc_number, clause.path) or clause.text,
        score=round(float(hit.score), 4),
        in_force=meta.in_force(on),
        validity=meta.validity(on),
        effective_from=meta.effective_from or meta.issued,
        effective_until=meta.effective_until,
        headings=tuple(clause.headings),
        responsible=Responsible(tuple(clause.responsible.lead),
                                tuple(clause.responsible.units)),
        issued=meta.issued,
        confirmed_in_force_on=meta.confirmed_in_force_on,
        superseded_by=meta.superseded_by if meta.is_superseded(on) else "",
        superseded_by_title=meta.superseded_by_title if meta.is_superseded(on) else "",
    )


def responsible_offices(kb: KnowledgeBase, doc_number: str, clause_path: str) -> list[str]:
    """See :meth:`Engine.clause_offices`."""
    paths = kb.paths(doc_number)
    for path in sorted((p for p in paths if clause_path.startswith(p)), key=len,
                       reverse=True):
        for chunk in kb.chunks(doc_number, path):
            offices = [*chunk.responsible.lead, *chunk.responsible.units]
            if offices:
                return list(dict.fromkeys(offices))
    meta = kb.document(doc_number)
    issuer = str(getattr(meta, "issuer", None) or "")
    return [issuer] if issuer else []

