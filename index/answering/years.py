"""Several years in one question: each year on the law in force that year, summed.

"2019年买技术花了300万，2020年又买了200万，两年一共能拿多少" states a flow (an amount, a
count) for each of two years.  An annual cap applies per year and each year is judged
on its own as-of date, so the awards that read a flow are estimated once per year (their
items labelled with the year) and the rest once on the whole question.  The calculator
stays pure: this module only calls it once per year and puts the items together.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from knowledge.awards.calculator import Estimate, Item, evaluate
from knowledge.awards.rules import RuleSet
from knowledge.reading.extraction import Extraction, extract_facts
from knowledge.reading.question import read_as_of
from knowledge.reading.segments import year_segments

__all__ = ["FLOW_KINDS", "estimate_by_year"]

FLOW_KINDS = ("money", "count")  # facts that are a year's flow, not a standing title


def estimate_by_year(rules: RuleSet, text: str, today: date, rule_ids: list[str],
                     whole: Extraction, on: date) -> Estimate | None:
    """The estimate with each year's flows on that year's law; None when the question
    does not state flows for two or more years."""
    parts = year_segments(text)
    if not parts:
        return None
    specs = rules.vocabulary.facts
    years = [(year, extract_facts(part, today, rules)) for year, part in parts]
    flows = {name for _, ex in years for name in ex.facts
             if name in specs and specs[name].kind in FLOW_KINDS}
    yearly = [r for r in rule_ids
              if (rule := rules.get(r)) is not None and flows & set(rule.required_facts())]
    if len({y for y, ex in years if flows & set(ex.facts)}) < 2 or not yearly:
        return None
    standing = {k: v for k, v in whole.facts.items() if k not in flows}
    once = [r for r in rule_ids if r not in yearly]
    items: list[Item] = []
    missing: list[str] = []
    warnings: list[str] = []
    if once:
        first = evaluate(rules, standing, on, rule_ids=once, denied=whole.denied)
        items.extend(first.items)
        missing.extend(first.missing)
        warnings.extend(first.warnings)
    for year, ex in years:
        facts = {**standing, **{k: v for k, v in ex.facts.items() if k in flows}}
        if not flows & set(facts):
            continue
        when = read_as_of(f"{year}年", today) or on
        part = evaluate(rules, facts, when, rule_ids=yearly,
                        denied={**whole.denied, **ex.denied})
        items.extend(replace(i, label=f"{year}年：{i.label}") for i in part.items)
        missing.extend(part.missing)
        warnings.extend(part.warnings)
    return Estimate(as_of=on, items=tuple(items), missing=tuple(dict.fromkeys(missing)),
                    warnings=tuple(dict.fromkeys(warnings)), facts=whole.facts,
                    vocabulary=rules.vocabulary)
