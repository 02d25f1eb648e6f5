"""Which rules an answer estimates: those the question names, else those citing the best
clause; whether a named rule vouches for a low-scoring hit; the rules citing the clauses
shown (for an interview started from the answer)."""

from __future__ import annotations

from datetime import date

from index.answering.answer import AnswerHit
from index.answering.honesty import not_encoded_items
from index.answering.snapshot import Snapshot
from index.retriever import Hit
from knowledge.awards.calculator import Item, candidate_rules, evaluate
from knowledge.reading.extraction import Extraction

__all__ = ["candidate_rules_of", "named_rule_cites", "rules_citing"]


def rules_citing(snap: Snapshot, hits: tuple[AnswerHit, ...], on: date
                  ) -> tuple[Item, ...]:
    """Rules citing a shown clause, one per same-award group, in the calculator's order."""
    citing = snap.rules.citing({(h.doc_number, h.clause_path) for h in hits})
    if not citing:
        return ()
    return evaluate(snap.rules, {}, on, rule_ids=citing).items

def named_rule_cites(snap: Snapshot, extraction: Extraction, best: Hit,
                     by_topic: bool = False) -> bool:
    """Whether a rule the question names cites the best hit's clause; ``by_topic``: or a
    rule of a topic the question names (买技术的奖励按几成算: tech_purchase)."""
    named = set(extraction.candidate_rules)
    if by_topic and extraction.topics:
        named |= {r.id for r in snap.rules.rules if set(r.topics) & extraction.topics}
    clause = (best.clause.doc_number, best.clause.path)
    return any(clause in {(c.doc_number, c.clause_path) for c in rule.citations}
               for rule_id in named if (rule := snap.rules.get(rule_id)) is not None)


def candidate_rules_of(snap: Snapshot, extraction: Extraction, hits: list[Hit],
                     on: date) -> list[str]:
    """Rules the question names; else the rules citing the best clause.

    When the best clause grants money no rule encodes (a subject no rule covers),
    only rules the question names by a fact are kept: a shared topic word alone
    would estimate an unrelated rule.
    """
    named = [r for r in extraction.candidate_rules if snap.rules.get(r) is not None]
    if named and not_encoded_items(snap.kb, snap.rules, [hits[0].clause], on,
                                   snap.unencoded):
        by_fact = set(candidate_rules(snap.rules, extraction.facts))
        named = [r for r in named if r in by_fact]
    if named:
        return sorted(named)
    best = hits[0].clause
    return snap.rules.citing({(best.doc_number, best.path)})
