"""The clause an answer stands on: which rules an interview from it asks about, and
follow-ups about it ("这个找哪个部门申请？")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.conversation import context as chat_context
from bot.conversation.presenter import ShownHit
from bot.conversation.reply import Reply, render
from index.answering.answer import Answer, AnswerHit
from index.answering.timing import clause_timing
from knowledge.awards.rules import Citation

__all__ = ["ClauseSource", "clause_follow_up", "rules_of_clause"]


class ClauseSource(Protocol):
    """The engine's clause look-ups (:class:`index.answering.engine.Engine`)."""

    def clause_text(self, doc_number: str, clause_path: str) -> str | None: ...
    def clause_offices(self, doc_number: str, clause_path: str) -> list[str]: ...


def rules_of_clause(answer: Answer, hits: Sequence[ShownHit]) -> list[str]:
    """The rules an interview from this answer asks about: those quoting the excerpt
    shown of the clause answered first (the sentences the owner asked about), else those
    citing that clause, else those citing another hit shown (``hits``) — never those of a
    hit left out as unrelated (the answer gives the rules of every retrieved hit).  The
    answer carries each rule's citations: nothing is calculated again."""
    rule_ids = list(answer.rule_ids)
    if not rule_ids or not hits:
        return []
    cited = answer.rule_citations
    best = hits[0]
    seen = _compact(best.excerpt or best.text)

    def quoted(c: Citation) -> bool:
        return _same_clause(c, best) and bool(c.quote) and _compact(c.quote) in seen

    levels = (quoted, lambda c: _same_clause(c, best),
              lambda c: any(_same_clause(c, h) for h in hits[1:]))
    for test in levels:
        tied = [r for r in rule_ids if any(test(c) for c in cited.get(r, ()))]
        if tied:
            return tied
    return []


def clause_follow_up(engine: ClauseSource, previous: chat_context.Context,
                     intent: str) -> Reply:
    """"这个找哪个部门申请？" / "需要什么材料？" / "什么时候申报？" about the clause
    answered last."""
    offices = engine.clause_offices(previous.doc_number, previous.clause_path)
    text = engine.clause_text(previous.doc_number, previous.clause_path) or ""
    listed = any(word in text for word in ("材料", "申报书"))
    return Reply(render("tg_follow_clause.j2", ctx=previous, intent=intent,
                        offices=offices, listed=listed, timing=clause_timing(text)))


def _same_clause(citation: Citation, hit: AnswerHit) -> bool:
    return (citation.doc_number, citation.clause_path) == (hit.doc_number, hit.clause_path)


def _compact(text: str) -> str:
    """Letters and digits only: a rule's quote matches the clause whatever its spacing
    and punctuation (full- or half-width)."""
    return "".join(ch for ch in text if ch.isalnum())
