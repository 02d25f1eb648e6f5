"""The ceiling of the one award a question asks about ("最多能给多少"): its fixed amount,
its computed or stated ceiling, added up over the years asked."""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.awards.calculator import Estimate
from knowledge.awards.estimate import Item
from knowledge.awards.rules import RuleSet

__all__ = ["Ceiling", "ceiling_of"]


@dataclass(frozen=True)
class Ceiling:
    """The most the one award asked about can be: its fixed amount, its computed or
    stated ceiling (单个企业最高1000万元; 3000万元×20%=600万元，最高500万元)."""

    rule_id: str
    label: str
    yuan: int

    def to_json(self) -> dict[str, object]:
        return {"rule_id": self.rule_id, "label": self.label, "yuan": self.yuan}


def ceiling_of(estimate: Estimate, rules: RuleSet) -> Ceiling | None:
    """The ceiling of the one in-force award an estimate considers; None when it
    considers several, or the award states no ceiling (择优 without a figure, a floor
    only: 不低于10万元)."""
    listed = [i for i in estimate.items if i.outcome != "ineligible" and i.in_force]
    considered = {i.rule_id: i for i in listed}
    if len(considered) != 1:
        return None
    item = next(iter(considered.values()))
    rule = rules.get(item.rule_id)

    def top(i: Item) -> int | None:
        figure = i.amount_yuan if i.amount_yuan is not None else i.max_yuan
        if figure is None and rule is not None:
            figure = rule.amount_yuan if rule.amount_yuan is not None else rule.max_yuan
        return figure

    figures = [top(i) for i in listed]
    if estimate.years and len(listed) > 1 and all(figures):
        # 2019年、2020年都考核优秀，最多一共: each year's ceiling, added up
        label = f"{rule.label if rule is not None else item.label}（{len(listed)}年合计）"
        return Ceiling(item.rule_id, label, sum(f for f in figures if f))
    figure = top(item)
    return Ceiling(item.rule_id, item.label, figure) if figure else None
