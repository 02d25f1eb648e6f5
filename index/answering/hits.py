"""The clauses an answer cites: validity on the answer's date and responsible offices."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from index.answering.answer import AnswerHit, Responsible
from index.retriever import Hit
from knowledge.awards.rules import RuleSet, match_text
from knowledge.money import find_money, find_percents
from knowledge.sources.base import KnowledgeBase
from knowledge.sources.documents import normalize_doc_number

__all__ = ["answer_hit", "document_changes", "responsible_offices", "states_targets_only",
           "without_target_clauses"]

_TARGET_RE = re.compile(r"到(?:20\d\d年|“?十[三四五]五”?末)[^。；]*(?:达到|以上|建成|跻身|翻番)")
_AWARD_WORDS = ("给予", "奖励", "补助", "奖补", "补贴", "资助", "扶持", "支持资金")


def states_targets_only(text: str, not_awards: Sequence[str] = ()) -> bool:
    """Whether a clause sets development targets (到2022年…达到80家以上) and grants
    nothing: no award word, and no amount or rate but in the sentences staff listed as
    ``not_awards`` (技术交易额达到35亿元 is a target, not an award)."""
    if not _TARGET_RE.search(text) or any(word in text for word in _AWARD_WORDS):
        return False
    quotes = [match_text(q) for q in not_awards]
    granting = [s for s in re.split(r"(?<=[。；])", text)
                if s.strip() and not any(q in match_text(s) for q in quotes)]
    return not any(find_money(s) or find_percents(s) for s in granting)


def without_target_clauses(hits: list[Hit], rules: RuleSet) -> list[Hit]:
    """The hits of an amount question without the clauses that only set targets (the
    best hit kept whatever it is)."""
    return hits[:1] + [h for h in hits[1:]
                       if not states_targets_only(h.clause.text, _not_award_quotes(rules,
                                                                                   h.clause))]


def _not_award_quotes(rules: RuleSet, clause: Any) -> list[str]:
    return [n.quote for n in rules.not_awards
            if normalize_doc_number(n.doc_number) == normalize_doc_number(clause.doc_number)
            and n.clause_path == clause.path]


Named = tuple[tuple[str, str], ...]  # (文号, title) of documents


def document_changes(old: KnowledgeBase, new: KnowledgeBase) -> tuple[Named, Named, Named]:
    """The documents ``new`` added, changed (metadata or any clause) and removed."""
    def content(kb: KnowledgeBase, number: str) -> tuple[object, ...]:
        return (kb.document(number), tuple(c.text for c in kb.clauses_by_doc.get(number, ())))

    before = {m.doc_number: m.title for m in old.documents}
    after = {m.doc_number: m.title for m in new.documents}
    return (tuple((n, t) for n, t in after.items() if n not in before),
            tuple((n, t) for n, t in after.items()
                  if n in before and content(old, n) != content(new, n)),
            tuple((n, t) for n, t in before.items() if n not in after))


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
        repealed_on=meta.repealed_on,
        repeal_source=meta.repeal_source,
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

