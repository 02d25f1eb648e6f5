"""The focus check on an answer (see :mod:`index.answering.focus`): which questions it
applies to and the :class:`~index.answering.scope.Unanswered` it gives."""

from __future__ import annotations

from index.answering.focus import unstated_focus
from index.answering.scope import Unanswered
from index.answering.snapshot import Snapshot
from index.answering.understand import Understood

__all__ = ["FOCUSED", "focus_answer"]

# the kinds of question whose answer the clause text alone must hold
FOCUSED = frozenset({"general", "conditions", "procedure"})


def focus_answer(u: Understood, texts: list[str], snap: Snapshot, offices: list[str]
                 ) -> Unanswered | None:
    """Not stated when a question of its own asks about something the clauses shown do
    not hold (a follow-up's focus is its previous question's, so it is not checked)."""
    if u.frame.follow_up or not u.extraction or not u.text:
        return None
    topics = snap.rules.vocabulary.topics
    known = [*(w for words in topics.values() for w in words), *snap.domain_terms.generic,
             *snap.domain_terms.subjects, *snap.domain_terms.core]
    focus = unstated_focus(u.text, texts, known)
    if not focus:
        return None
    return Unanswered("focus", f"“{focus}”方面的内容", office="、".join(offices[:3]))
