"""The clause an answer stands on: which rules an interview from it asks about, and
follow-ups about it ("这个找哪个部门申请？")."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.conversation import context as chat_context
from bot.conversation.reply import Reply, render
from index.answering.timing import clause_timing

__all__ = ["clause_follow_up", "rules_of_clause"]


def rules_of_clause(engine: Any, rule_ids: list[str], hits: list[dict[str, Any]],
                    as_of: date) -> list[str]:
    """The rules an interview from this answer asks about: those quoting the excerpt
    of the clause answered first (the sentences the owner asked about), else those
    citing that clause, else those citing another hit shown — never those of a hit
    left out as unrelated (the engine gives the rules of every retrieved hit)."""
    if not rule_ids or not hits:
        return []
    cited: dict[str, list[dict[str, Any]]] = {
        str(item["rule_id"]): [*item.get("citations", []),
                               *item.get("repealed_citations", [])]
        for item in engine.estimate({}, as_of, rule_ids).get("items", [])}
    best = hits[0]
    seen = _compact(best.get("excerpt") or best["text"])

    def quoted(c: dict[str, Any]) -> bool:
        return _same_clause(c, best) and bool(c.get("quote")) \
            and _compact(str(c["quote"])) in seen

    levels = (quoted, lambda c: _same_clause(c, best),
              lambda c: any(_same_clause(c, h) for h in hits[1:]))
    for test in levels:
        tied = [r for r in rule_ids if any(test(c) for c in cited.get(r, []))]
        if tied:
            return tied
    return []


def clause_follow_up(engine: Any, previous: chat_context.Context, intent: str) -> Reply:
    """"这个找哪个部门申请？" / "需要什么材料？" / "什么时候申报？" about the clause
    answered last."""
    offices = engine.clause_offices(previous.doc_number, previous.clause_path)
    text = engine.clause_text(previous.doc_number, previous.clause_path) or ""
    listed = any(word in text for word in ("材料", "申报书"))
    return Reply(render("tg_follow_clause.j2", ctx=previous, intent=intent,
                        offices=offices, listed=listed,
                        timing=clause_timing(text).to_json()))


def _same_clause(citation: dict[str, Any], hit: dict[str, Any]) -> bool:
    return (citation.get("doc_number"), citation.get("clause_path")) == \
        (hit["doc_number"], hit["clause_path"])


def _compact(text: str) -> str:
    """Letters and digits only: a rule's quote matches the clause whatever its spacing
    and punctuation (full- or half-width)."""
    return "".join(ch for ch in text if ch.isalnum())
