"""A question's estimate: recipients or groups one by one, each year on its own law
(:mod:`knowledge.reading.years`), parts of a year dated apart, an applicant the award is
open to alike, narrowed as the question says, a supposition computed and labelled
("如果…")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from types import MappingProxyType

from knowledge.awards.calculator import Estimate, Item, evaluate
from knowledge.awards.rules import RuleSet
from knowledge.errors import FactError
from knowledge.money import format_yuan
from knowledge.reading.applicant import assume_applicant, without_implied
from knowledge.reading.asked_years import only_year
from knowledge.reading.ceiling import at_ceiling, granted_at_top
from knowledge.reading.dated import estimate_dated
from knowledge.reading.entities import compose_recipients
from knowledge.reading.extraction import (
    Extraction,
    extract_facts,
    spaced_as_commas,
    subject_nouns,
)
from knowledge.reading.groups import compose_groups
from knowledge.reading.holders import held_by_others
from knowledge.reading.month import month_asked
from knowledge.reading.narrowing import already_received, counted_titles, per_recipient
from knowledge.reading.said import amount_unknown
from knowledge.reading.scope import IF, asks_repeat
from knowledge.reading.segments import fill_elided_subjects, relative_years
from knowledge.reading.years import FLOW_KINDS, compose_years, estimate_by_year

__all__ = ["FLOW_KINDS", "compose_years", "estimate_by_year", "estimate_profile",
           "estimate_question", "flat_profile"]


def _standing_out(rules: RuleSet, estimate: Estimate, standing: Mapping[tuple[str, str], str]
                  ) -> Estimate:
    """The estimate without the one-time awards for titles the asker only says it holds
    (我们是国家级孵化器, beside what happened this year), said so."""
    if not standing:
        return estimate
    kept: list[Item] = []
    dropped: list[Item] = []
    for item in estimate.items:
        rule = rules.get(item.rule_id)
        held = rule is not None and rule.count_fact is None and rule.base_fact is None and any(
            c.op == "has" and (c.fact, c.value) in standing for c in rule.conditions)
        (dropped if held and item.outcome == "eligible" else kept).append(item)
    if not dropped:
        return estimate
    said = "、".join(f"“{v}”" for v in dict.fromkeys(standing.values()))
    note = (f"您说的{said}是已有的称号，不是这次新获得的，其一次性奖励未计入；"
            "如是这次新认定的，请告诉我。")
    return replace(estimate, items=tuple(kept), warnings=(note, *estimate.warnings))


def _approximate(extraction: Extraction, settled: Callable[[Extraction], Estimate],
                 units: Mapping[str, str] = MappingProxyType({})) -> Estimate:
    """The estimate, unless an amount said approximately (二百五十多万) gives another total
    at either end of its range: then the amount is asked (it is left out of the facts),
    and the reply says what the two ends give — a total is never guessed.  A count said
    roughly (十几家) whose ends give one total is said so."""
    same: list[str] = []
    for fact, (low, high, said) in extraction.approximate.items():
        ends = [settled(replace(extraction, facts={**extraction.facts, fact: v})).total_yuan
                for v in (low, high)]
        if ends[0] != ends[1]:
            asked = settled(replace(extraction, facts={
                k: v for k, v in extraction.facts.items() if k != fact}))
            unit = units.get(fact)  # (十二三家: a count, not an amount)
            lo, hi = (f"{low}{unit}", f"{high}{unit}") if unit else (format_yuan(low),
                                                                   format_yuan(high))
            what = "数量" if unit else "金额"
            note = (f"{what}“{said}”是约数：按{lo}计合计{format_yuan(ends[0])}，"
                    f"按{hi}计合计{format_yuan(ends[1])}，结果取决于确切{what}，"
                    f"请告诉我确切{what}。")
            return replace(asked, warnings=(note, *(
                w for w in asked.warnings if "是约数，按约" not in w)))
        if unit := units.get(fact):
            same.append(f"数量“{said}”是约数：按{low}{unit}到{high}{unit}计，结果相同。")
    estimate = settled(extraction)
    return replace(estimate, warnings=(*estimate.warnings, *same)) if same else estimate


def estimate_profile(rules: RuleSet, profile: Mapping[str, object], on: date, today: date,
                     rule_ids: list[str] | None = None) -> Estimate | None:
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
    ids = rule_ids if rule_ids is not None else [r.id for r in rules.rules]
    return compose_years(rules, standing, per_year, ids, on, today, {}, every_year=True)


def flat_profile(profile: Mapping[str, object]) -> dict[str, object]:
    """A profile's standing facts with its years' facts over them (the latest year's
    last): what an interview asks about, whatever the year."""
    out = {k: v for k, v in profile.items() if k != "years"}
    years = profile.get("years")
    if isinstance(years, Mapping):
        for _, facts in sorted(years.items()):
            if isinstance(facts, Mapping):
                out.update(facts)
    return out


def estimate_question(rules: RuleSet, text: str, today: date, rule_ids: list[str],
                      extraction: Extraction, on: date, hypothetical: bool = False,
                      by_recipient: bool = True) -> Estimate:
    """The estimate of a question: by year when it states flows for several years, else
    once; a hypothetical ("如果认定成功能拿多少") is computed and labelled as such."""
    # 2021年首次通过…已经拿过钱了，2023年第二次通过，这次能拿多少: the repeat alone is asked
    specs = rules.vocabulary.facts
    repeat = asks_repeat(text) and any(
        "首次" in specs[f].choice_label(v) for f, vs in extraction.excluded.items()
        if f in specs for v in vs)

    def part(one: str, counts_read: bool = False) -> Estimate:  # one recipient's or group's
        ex = extract_facts(one, today, rules)
        # (a part dated on its own, 2023年6月首次认定的3家, is judged on its own date)
        est = estimate_question(rules, one, today, list(ex.candidate_rules) or rule_ids, ex,
                                ex.as_of or on, hypothetical, by_recipient=False)
        # counts_read: with how its own counts were read (→ 按4家计)
        said = tuple(n for n in ex.notes if "→" in n and n not in est.warnings) \
            if counts_read else ()
        return replace(est, warnings=(*said, *est.warnings)) if said else est

    def read_part(one: str) -> Estimate:
        return part(one, counts_read=True)

    # the message with its subjects written back (省级3家 → 省级孵化器3家; 3家重新认定 →
    # 3家重新认定高企): how groups and counted titles read it
    spaced = spaced_as_commas(text)
    filled = fill_elided_subjects(spaced, subject_nouns(spaced, rules.vocabulary))
    # 两个孵化器分别有8家和13家: each recipient on its own (caps are per recipient)
    vocab = rules.vocabulary
    split = compose_recipients(filled, read_part, (vocab.home, vocab.elsewhere)) \
        if by_recipient else None
    if split is None and by_recipient and not any(
            specs[f].kind == "count" for f in extraction.facts if f in specs):
        # 国家级2家，省级3家: each group as one holder, its one-time awards per holder
        split = compose_groups(rules, filled, part)
    if split is not None:
        return split

    def run(ex: Extraction) -> Estimate:
        dated = estimate_dated(rules, text, today, rule_ids, on, ex)
        if dated is not None:
            return dated
        # (2020年又买了一项，金额记不清了: no year's figure for it, the amount asked)
        by_year = None if amount_unknown(text) else estimate_by_year(
            rules, text, today, rule_ids, ex, on)
        if by_year is not None and (by_year.years or not repeat):
            return by_year  # (这次 then keeps the latest year: only_year)
        return evaluate(rules, ex.facts, on, rule_ids=rule_ids, denied=ex.denied)

    def settled(ex: Extraction) -> Estimate:
        estimate = run(ex)
        if (dropped := without_implied(rules, estimate, ex, run)) is not None:
            estimate, ex = dropped  # (按“经区”推定…, no award open to it: not the asker)
        return assume_applicant(rules, estimate, ex, run) or estimate

    estimate = _approximate(extraction, settled, {n: s.unit or "个" for n, s in specs.items()
                                                  if s.kind == "count"})
    estimate = month_asked(estimate, text, lambda day: evaluate(
        rules, extraction.facts, day, rule_ids=rule_ids, denied=extraction.denied)) or estimate
    estimate = granted_at_top(rules, text, estimate, extraction.denied) or estimate
    estimate = per_recipient(rules, text, estimate) or estimate
    estimate = held_by_others(rules, filled, estimate) or estimate
    estimate = counted_titles(rules, filled, estimate) or estimate
    estimate = _standing_out(rules, estimate, extraction.standing)
    estimate = only_year(relative_years(text, today), estimate) or estimate
    estimate = already_received(rules, filled, estimate) or estimate
    estimate = at_ceiling(text, estimate) or estimate
    if (hypothetical or IF.search(text)) and any(i.outcome == "eligible"
                                                  for i in estimate.items):
        note = "以上是按您假设的情况（“如果……”）计算的，实际以认定或审核结果为准。"
        estimate = replace(estimate, warnings=(note, *estimate.warnings))
    return estimate
