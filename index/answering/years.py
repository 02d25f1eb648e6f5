"""Several years in one question: each year on the law in force that year, summed.

"2019年买技术花了300万，2020年又买了200万，两年一共能拿多少" states a flow (an amount, a
count) for each of two years.  An annual cap applies per year and each year is judged
on its own as-of date, so the awards that read a flow are estimated once per year (their
items labelled with the year) and the rest once on the whole question.  The calculator
stays pure: this module only calls it once per year and puts the items together.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from knowledge.awards.calculator import Denied, Estimate, Item, evaluate
from knowledge.awards.rules import RuleSet
from knowledge.errors import FactError
from knowledge.reading.extraction import Extraction, extract_facts
from knowledge.reading.question import read_as_of
from knowledge.reading.segments import year_segments

__all__ = ["FLOW_KINDS", "compose_years", "estimate_by_year", "estimate_profile",
           "estimate_question"]

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
    standing = {k: v for k, v in whole.facts.items() if k not in flows}
    per_year = [(year, {k: v for k, v in ex.facts.items() if k in flows}) for year, ex in years]
    denied = {**whole.denied, **{k: v for _, ex in years for k, v in ex.denied.items()}}
    return compose_years(rules, standing, per_year, rule_ids, on, today, denied)


def estimate_profile(rules: RuleSet, profile: dict[str, object], on: date, today: date
                     ) -> Estimate | None:
    """A profile with ``"years": {"2019": {facts}, "2020": {facts}}`` besides its
    standing facts: each year's facts on that year's law, summed; None without years."""
    raw = profile.get("years")
    if not isinstance(raw, dict) or not raw:
        return None
    per_year: list[tuple[int, dict[str, object]]] = []
    for key, facts in sorted(raw.items()):
        if not str(key).isdigit() or not isinstance(facts, dict):
            raise FactError("years", f"“years”的键应为年份、值应为事实对象：{key}")
        per_year.append((int(key), dict(facts)))
    standing = {k: v for k, v in profile.items() if k != "years"}
    estimate = compose_years(rules, standing, per_year, [r.id for r in rules.rules], on,
                             today, {}, every_year=True)
    return estimate


def compose_years(rules: RuleSet, standing: dict[str, object],
                  per_year: list[tuple[int, dict[str, object]]], rule_ids: list[str],
                  on: date, today: date, denied: dict[str, Denied],
                  every_year: bool = False) -> Estimate | None:
    """Awards reading a year's flows estimated per year (as of that year), the rest once
    on the standing facts (as of ``on``); None unless two years state flows."""
    flows = {name for _, facts in per_year for name in facts}
    yearly = [r for r in rule_ids
              if (rule := rules.get(r)) is not None and flows & set(rule.required_facts())]
    stated = [y for y, facts in per_year if facts]
    if (len(stated) < 2 and not every_year) or not yearly:
        return None
    once = [r for r in rule_ids if r not in yearly]
    items: list[Item] = []
    missing: list[str] = []
    warnings: list[str] = []
    if once:
        first = evaluate(rules, standing, on, rule_ids=once, denied=denied)
        items.extend(first.items)
        missing.extend(first.missing)
        warnings.extend(first.warnings)
    for year, facts in per_year:
        if not facts:
            continue
        when = read_as_of(f"{year}年", today) or on
        part = evaluate(rules, {**standing, **facts}, when, rule_ids=yearly, denied=denied)
        items.extend(replace(i, label=f"{year}年：{i.label}") for i in part.items)
        missing.extend(part.missing)
        warnings.extend(part.warnings)
    return Estimate(as_of=on, items=tuple(items), missing=tuple(dict.fromkeys(missing)),
                    warnings=tuple(dict.fromkeys(warnings)), facts=standing,
                    vocabulary=rules.vocabulary)


_IF = re.compile(r"如果|假如|假设|要是|若是|万一|倘若")


def estimate_question(rules: RuleSet, text: str, today: date, rule_ids: list[str],
                      extraction: Extraction, on: date, hypothetical: bool = False
                      ) -> Estimate:
    """The estimate of a question: by year when it states flows for several years, else
    once; a hypothetical ("如果认定成功能拿多少") is computed and labelled as such."""
    estimate = estimate_by_year(rules, text, today, rule_ids, extraction, on) or evaluate(
        rules, extraction.facts, on, rule_ids=rule_ids, denied=extraction.denied)
    estimate = _assume_applicant(rules, estimate, extraction, rule_ids, on) or estimate
    if (hypothetical or _IF.search(text)) and any(i.outcome == "eligible"
                                                  for i in estimate.items):
        note = "以上是按您假设的情况（“如果……”）计算的，实际以认定或审核结果为准。"
        estimate = replace(estimate, warnings=(note, *estimate.warnings))
    return estimate


APPLICANT = "applicant_types"


def _assume_applicant(rules: RuleSet, estimate: Estimate, extraction: Extraction,
                      rule_ids: list[str], on: date) -> Estimate | None:
    """The estimate for the kinds of applicant the awards asked about are open to, said
    as such, when the question names no applicant and that is all they wait for
    ("2019年我们买技术花了80万" asks about an award for enterprises, service institutions
    and incubators, the same for each: computed, "按贵单位属于其中之一计算"); None when
    the total depends on who applies, or the awards wait for anything else (then the
    owner is asked)."""
    if APPLICANT in extraction.facts or APPLICANT in extraction.denied:
        return None
    waiting = [i for i in estimate.items if i.outcome == "need_info"]
    if not waiting or any(i.missing != (APPLICANT,) for i in waiting):
        return None
    kinds: set[str] | None = None
    for item in waiting:
        rule = rules.get(item.rule_id)
        if rule is None or not rule.applicant_types:
            return None
        kinds = set(rule.applicant_types) if kinds is None else kinds & set(rule.applicant_types)
    if not kinds:
        return None
    outcomes = [evaluate(rules, {**extraction.facts, APPLICANT: frozenset({kind})}, on,
                         rule_ids=rule_ids, denied=extraction.denied) for kind in sorted(kinds)]
    if len({o.total_yuan for o in outcomes}) != 1 or not any(
            i.outcome == "eligible" for i in outcomes[0].items):
        return None  # it depends on who applies: ask
    spec = rules.vocabulary.facts.get(APPLICANT)
    label = "、".join(spec.choice_label(k) if spec is not None else k for k in sorted(kinds))
    note = (f"您没有说明单位类型；该项奖补面向{label}，以上按贵单位属于其中之一计算，"
            "如不是请告诉我。")
    return replace(outcomes[0], warnings=(note, *outcomes[0].warnings))
