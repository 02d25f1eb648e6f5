"""Who applies when the question does not say: the kinds the awards asked about are
open to, when the total is the same for each (said as such); else the owner is asked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from knowledge.awards.calculator import Estimate
from knowledge.awards.rules import RuleSet
from knowledge.reading.extraction import Extraction

__all__ = ["APPLICANT", "ASSUMED", "IMPLIED", "assume_applicant", "without_implied"]

APPLICANT = "applicant_types"
IMPLIED = "推定申报主体为"  # the note of an applicant only implied (按“经区”推定申报主体为…)
_PLACES = frozenset({"district_gov", "town_gov"})  # kinds a place name implies
ASSUMED = "您没有说明单位类型"  # the note of an applicant assumed (one of the kinds open)


def without_implied(rules: RuleSet, estimate: Estimate, extraction: Extraction,
                    run: Callable[[Extraction], Estimate]
                    ) -> tuple[Estimate, Extraction] | None:
    """An applicant only implied (按“经区”推定申报主体为区市人民政府) that no award asked
    about is open to is no applicant: the estimate and the facts without it (its kind then
    assumed or asked, never a total of 0 for a kind the owner did not say); None when the
    applicant was said, or some award is open to it."""
    held = extraction.facts.get(APPLICANT)
    spec = rules.vocabulary.facts.get(APPLICANT)
    if not isinstance(held, frozenset) or not held <= _PLACES or spec is None \
            or not any(IMPLIED in n and n.endswith(spec.choice_label(k)) for k in held
                       for n in extraction.notes) or not estimate.items \
            or any(i.outcome != "ineligible" for i in estimate.items):
        # (only a place read as the government, and still the applicant: 开机械加工厂的…
        # 高企 is a firm; 镇里能分到多少 is the town asked about)
        return None
    for item in estimate.items:
        rule = rules.get(item.rule_id)
        if rule is None or not rule.applicant_types or set(rule.applicant_types) & held:
            return None  # (an award open to it, ineligible for another reason)
    ex = replace(extraction, facts={k: v for k, v in extraction.facts.items() if k != APPLICANT},
                 notes=tuple(n for n in extraction.notes if IMPLIED not in n))
    return run(ex), ex


def assume_applicant(rules: RuleSet, estimate: Estimate, extraction: Extraction,
                      run: Callable[[Extraction], Estimate]) -> Estimate | None:
    """The estimate for the kinds of applicant the awards asked about are open to, said
    as such, when the question names no applicant and every waiting award waits for it
    (one for it alone: "2019年我们买技术花了80万" asks about an award for enterprises,
    service institutions and incubators, the same for each: computed, "按贵单位属于其中之
    一计算").  A kind that would lose an award already granted is not the asker.  None
    when the total depends on who applies, or an award waits for something else only
    (then the owner is asked)."""
    if APPLICANT in extraction.facts or APPLICANT in extraction.denied:
        return None
    waiting = [i for i in estimate.items if i.outcome == "need_info"]
    if not waiting or any(APPLICANT not in i.missing for i in waiting) \
            or all(i.missing != (APPLICANT,) for i in waiting):
        return None
    kinds: set[str] | None = None
    for item in waiting:
        rule = rules.get(item.rule_id)
        if rule is None or not rule.applicant_types:
            return None
        kinds = set(rule.applicant_types) if kinds is None else kinds & set(rule.applicant_types)
    if not kinds:
        return None
    held = {(i.label, i.amount_yuan) for i in estimate.items if i.outcome == "eligible"}
    tried = [(kind, run(replace(extraction, facts={**extraction.facts,
                                                   APPLICANT: frozenset({kind})})))
             for kind in sorted(kinds)]
    # a kind that loses an award already granted is not the asker (a technology centre
    # beside: not an incubator)
    tried = [(kind, o) for kind, o in tried
             if held <= {(i.label, i.amount_yuan) for i in o.items if i.outcome == "eligible"}]
    kinds = {kind for kind, _ in tried}
    outcomes = [o for _, o in tried]
    if not outcomes or len({o.total_yuan for o in outcomes}) != 1 or not any(
            i.outcome == "eligible" and i.in_force for i in outcomes[0].items):
        return None  # it depends on who applies: ask
    spec = rules.vocabulary.facts.get(APPLICANT)
    label = "、".join(spec.choice_label(k) if spec is not None else k for k in sorted(kinds))
    note = (f"{ASSUMED}；该项奖补面向{label}，以上按贵单位属于其中之一计算，"
            "如不是请告诉我。")
    return replace(outcomes[0], warnings=(note, *outcomes[0].warnings))
