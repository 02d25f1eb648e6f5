"""A combination's total (两项加起来, 那今年总共能拿多少) as the sum of the estimates its
questions had on their own, when they grant no award twice.

A combination joins the questions of the conversation's thread ("A；B；C") and the reader
reads them as one message.  Read as one, what one question says leaks into another: a
renewal supposed in one (过两年复审要是又通过了) makes the recognition told in another a
renewal, an asker placed elsewhere in one (我们公司在烟台) denies the subsidiary of another
every award.  Each question was already answered on its own; the total the owner asks for
is the sum of those answers, an award granted alike by two of them counted once.  When
two grant one award with different figures (flows of one year under one annual cap) the
joined reading stays: it applies the cap to the year's whole.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from knowledge.awards.calculator import Estimate, Item
from knowledge.awards.rules import RuleSet
from knowledge.reading.ceiling import at_ceiling
from knowledge.reading.estimate import estimate_question
from knowledge.reading.extraction import Extraction, extract_facts
from knowledge.reading.frame import Frame
from knowledge.reading.supposition import LEFT_OUT_NOTE

__all__ = ["SEPARATOR", "estimated", "summed_thread"]

SEPARATOR = "；"  # how knowledge.reading.thread joins the questions a combination adds up


def summed_thread(rules: RuleSet, text: str, today: date, on: date, refs: tuple[str, ...]
                  ) -> Estimate | None:
    """The estimate of a combination (``refs`` holds "combination") summed question by
    question; None when the text joins no questions, one of them names no award or waits
    for an answer, or two grant one award with different figures (the joined reading then
    stands); an award two grant alike (the question before held whole in a supposition of
    the next step, 明年要是再升成国家级) is counted once."""
    if "combination" not in refs or SEPARATOR not in text:
        return None
    parts = [p for p in text.split(SEPARATOR) if p.strip()]
    estimates = [_own(rules, part, today, on) for part in parts]
    if len(parts) < 2 or any(e is None for e in estimates):
        return None
    kept = [e for e in estimates if e is not None]
    amounts: dict[str, set[int | None]] = {}
    for item in (i for e in kept for i in e.items if i.outcome == "eligible" and i.in_force):
        for rule in (item.rule_id, *item.same_as):
            amounts.setdefault(rule, set()).add(item.amount_yuan)
    if any(len(found) > 1 for found in amounts.values()):
        return None  # (one award with several figures: flows, caps, the joined reading)
    items: list[Item] = []
    for item in (i for e in kept for i in e.items):
        if any(i.rule_id == item.rule_id for i in items):
            continue  # (the same award told again: counted once)
        if (item.outcome == "eligible" and item.in_force) or item.rule_id not in amounts:
            items.append(item)  # (one not granted in any: listed once)
    warnings = tuple(dict.fromkeys(w for e in kept for w in e.warnings))
    # (as of the latest question's date: each item was judged on its own)
    return Estimate(as_of=max(e.as_of for e in kept), items=tuple(items), warnings=warnings,
                    facts=kept[-1].facts, vocabulary=rules.vocabulary)


def _own(rules: RuleSet, part: str, today: date, on: date) -> Estimate | None:
    """One question's own estimate; None when it names no award or waits for an answer."""
    ex = extract_facts(part, today, rules)
    ids = [r for r in ex.candidate_rules if rules.get(r) is not None]
    if not ids:
        return None
    one = estimate_question(rules, part, today, ids, ex, ex.as_of or on)
    if any(i.outcome == "need_info" and i.in_force for i in one.items) and not any(
            i.outcome == "eligible" and i.in_force for i in one.items):
        return None  # (only an answer awaited: the joined reading asks it; beside an
    return one       # award granted, what another award awaits is listed, not summed)


def estimated(rules: RuleSet, text: str, today: date, on: date, frame: Frame,
              rule_ids: list[str], extraction: Extraction) -> Estimate:
    """A question's estimate: a combination's summed by question when it can be (两项加起来),
    else the question read whole."""
    summed = summed_thread(rules, text, today, on, frame.refs)
    # (两项顶格加一块是多少: the sum asked at the most of each)
    estimate = (at_ceiling(frame.said, summed) or summed) if summed is not None else \
        estimate_question(rules, text, today, rule_ids, extraction, on, frame.hypothetical)
    if frame.left_out:  # (…如果…，我只想知道实际拿到的: the supposition said left out)
        note = LEFT_OUT_NOTE.format(said=frame.left_out)
        estimate = replace(estimate, warnings=(note, *estimate.warnings))
    return estimate
