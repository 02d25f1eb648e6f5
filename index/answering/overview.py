""""Which policies fit me": an overview from every fact the question states.

``能享受哪些政策？`` after four facts about the company is answered by evaluating every
rule (the calculator is cheap) and sorting what the stated facts settle: the awards they
make eligible (in force on the date, certain amounts first), the facts that would settle
one more award each (a need-info item missing exactly one fact, grouped by that fact),
and the awards the owner's own words rule out.  Capped, so that a Telegram reply stays
short; the counts left out are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from knowledge.awards.calculator import Denied, evaluate
from knowledge.awards.conditions import show_value
from knowledge.awards.kinds import figure_text
from knowledge.awards.rules import RuleSet

__all__ = ["MAX_ELIGIBLE", "MAX_RULED_OUT", "MAX_SETTLE", "Overview", "build_overview"]

MAX_ELIGIBLE = 8
MAX_SETTLE = 4  # facts, each naming up to MAX_SETTLE_LABELS awards
MAX_SETTLE_LABELS = 3
MAX_RULED_OUT = 3


@dataclass(frozen=True)
class Overview:
    """What the stated facts make eligible, what one more fact would settle."""

    stated: tuple[str, ...]  # "申报主体类型：企业", in the interview's order
    eligible: tuple[dict[str, Any], ...]  # label, amount_yuan | max_yuan | min_yuan, cite
    settle: tuple[dict[str, Any], ...]  # fact, question, labels
    ruled_out: tuple[dict[str, str], ...]  # label, why (the owner's words)
    total_yuan: int  # certain amounts of the eligible awards, in force
    more_eligible: int = 0  # eligible awards beyond the cap
    more_settle: int = 0
    # awards the facts would meet but whose document is not in force on the date (label,
    # doc_number, validity, effective_from/until): said, so no amount drops silently
    lapsed: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"stated": list(self.stated), "eligible": [dict(e) for e in self.eligible],
                "settle": [dict(s) for s in self.settle],
                "ruled_out": [dict(r) for r in self.ruled_out], "total_yuan": self.total_yuan,
                "more_eligible": self.more_eligible, "more_settle": self.more_settle,
                "lapsed": [dict(x) for x in self.lapsed]}


def build_overview(ruleset: RuleSet, facts: Mapping[str, object], on: date,
                   denied: Mapping[str, Denied] | None = None) -> Overview:
    """The overview of ``facts`` over every rule of ``ruleset`` on ``on``."""
    estimate = evaluate(ruleset, facts, on, denied=denied)
    vocabulary = ruleset.vocabulary
    stated = tuple(f"{vocabulary.facts[n].label}：{show_value(vocabulary.facts[n], v)}"
                   for n, v in sorted(estimate.facts.items(),
                                      key=lambda kv: vocabulary.fact_order[kv[0]]))
    eligible: list[dict[str, Any]] = []
    lapsed: list[dict[str, Any]] = []
    for item in estimate.items:  # already sorted: eligible first, largest figure first
        if item.outcome == "eligible" and not item.in_force:
            lapsed.append({"label": item.label, "doc_number": item.citations[0].doc_number,
                           "validity": item.validity,
                           "effective_until": item.effective_until.isoformat()
                           if item.effective_until else None})
        if item.outcome != "eligible" or not item.in_force:
            continue
        entry: dict[str, Any] = {"rule_id": item.rule_id, "label": item.label,
                                 "doc_number": item.citations[0].doc_number,
                                 "clause_path": item.citations[0].clause_path}
        for key in ("amount_yuan", "max_yuan", "min_yuan"):
            if getattr(item, key) is not None:
                entry[key] = getattr(item, key)
        eligible.append(entry)
    # awards of rules naming the stated applicant first (not those open to any applicant)
    applicants = set(estimate.facts.get("applicant_types", ()))  # type: ignore[call-overload]
    settles: dict[str, list[tuple[bool, str]]] = {}
    for item in estimate.items:
        rule = ruleset.get(item.rule_id)
        if (rule is None or item.outcome != "need_info" or not item.in_force
                or len(item.missing) != 1):
            continue
        figure = f"（{figure_text(rule)}）" if rule.has_figure else ""
        named = bool(applicants & set(rule.applicant_types))
        settles.setdefault(item.missing[0], []).append((named, item.label + figure))
    for labels in settles.values():
        labels.sort(key=lambda nl: not nl[0])  # stable: the calculator's order otherwise
    order = sorted(settles, key=lambda n: (-sum(named for named, _ in settles[n]),
                                           -len(settles[n]), vocabulary.fact_order[n]))
    if any(named for n in order for named, _ in settles[n]):  # the applicant's own first
        order = [n for n in order if any(named for named, _ in settles[n])]
    settle = tuple({"fact": n, "question": vocabulary.facts[n].question,
                    "labels": [label for _, label in settles[n][:MAX_SETTLE_LABELS]],
                    "more": max(0, len(settles[n]) - MAX_SETTLE_LABELS)}
                   for n in order[:MAX_SETTLE])
    ruled_out = tuple({"label": i.label, "why": i.failed[0]} for i in estimate.items
                      if i.outcome == "ineligible" and i.failed
                      and i.failed[0].startswith("您说"))[:MAX_RULED_OUT]
    return Overview(stated, tuple(eligible[:MAX_ELIGIBLE]), settle, ruled_out,
                    estimate.total_yuan if eligible else 0,
                    max(0, len(eligible) - MAX_ELIGIBLE), max(0, len(order) - MAX_SETTLE),
                    tuple(lapsed[:MAX_RULED_OUT]))
