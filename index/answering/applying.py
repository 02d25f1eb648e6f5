"""Where and when to apply for an award, from its rule and its document (answers and
``ask --json``): the rule's ``office``/``window``, else what the document says
(:func:`knowledge.reading.applying.read_applying`: the clause, its enclosing clauses, then
one applying sentence of the whole document), else the 牵头单位, else the one 责任单位,
else the issuer — never the first name of a list."""

from __future__ import annotations

from typing import Any

from knowledge.reading.applying import Applying, apply_office, read_applying
from knowledge.sources.base import KnowledgeBase


def _stated(kb: KnowledgeBase, doc_number: str, clause_path: str) -> Applying:
    paths = kb.paths(doc_number)
    for path in sorted((p for p in paths if clause_path.startswith(p)), key=len, reverse=True):
        found = read_applying(kb.clause(doc_number, path))
        if found:
            return found
    everywhere = {found.office: found for p in paths
                  if (found := read_applying(kb.clause(doc_number, p)))}
    return next(iter(everywhere.values())) if len(everywhere) == 1 else Applying()


def _responsible(kb: KnowledgeBase, doc_number: str, clause_path: str
                 ) -> tuple[list[str], list[str]]:
    for path in sorted((p for p in kb.paths(doc_number) if clause_path.startswith(p)),
                       key=len, reverse=True):
        for chunk in kb.chunks(doc_number, path):
            if chunk.responsible:
                return list(chunk.responsible.lead), list(chunk.responsible.units)
    return [], []


def clause_applying(kb: KnowledgeBase, doc_number: str, clause_path: str,
                    office: str = "", window: str = "") -> dict[str, Any]:
    """``{"office", "office_source", "window", "window_source", "units"}`` for an award
    cited at ``doc_number`` ``clause_path`` whose rule declares ``office``/``window``.

    ``office_source``: rule / text / lead / unit / leads or units (several, none named
    for applying: ``office`` is "", ``units`` lists them) / issuer; ``window`` is ""
    where the document says nothing.
    """
    stated = _stated(kb, doc_number, clause_path)
    lead, units = _responsible(kb, doc_number, clause_path)
    meta = kb.document(doc_number)
    name, source = apply_office(office, stated.office, lead, units,
                                meta.issuer if meta is not None else "")
    return {"office": name, "office_source": source,
            "window": window or stated.window,
            "window_source": "rule" if window else "text" if stated.window else "",
            "units": list(dict.fromkeys(lead if source == "leads" else [*lead, *units]))}
