"""The ceiling of the one award a question asks about ("最多能给多少"): its fixed amount,
its computed or stated ceiling, added up over the years asked."""

from __future__ import annotations

from dataclasses import dataclass, replace

from knowledge.awards.calculator import Estimate
from knowledge.awards.estimate import Item
from knowledge.awards.rules import RuleSet
from knowledge.money import format_yuan
from knowledge.reading.intent import asks_ceiling

__all__ = ["Ceiling", "at_ceiling", "ceiling_of"]


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
    if any(i.outcome == "eligible" for i in listed):
        # (an award still waiting for facts is not the one granted whose most is asked)
        listed = [i for i in listed if i.outcome == "eligible"]
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


def at_ceiling(text: str, estimate: Estimate) -> Estimate | None:
    """Several awards granted, some up to a ceiling, asked at their most ("顶格算一共多少",
    "最多能拿多少"): each ceiling counted at its top and said so, so the total is the most
    they can be (首次高企20万 + 专利代理最高20万 + 专利运营试点最高100万 = 140万).  None
    when the question does not ask for the most, or one award alone is granted, in one
    year or several (its ceiling is stated as such: ceiling_of)."""
    granted = [i for i in estimate.items if i.outcome == "eligible" and i.in_force]
    if len({i.rule_id for i in granted}) < 2 or not asks_ceiling(text) \
            or not any(i.amount_yuan is None and i.max_yuan for i in granted):
        return None
    items = tuple(
        replace(i, amount_yuan=i.max_yuan,
                explanation=f"{i.explanation}您问的是最多（顶格）能拿多少，按最高额"
                            f"{format_yuan(i.max_yuan)}计。")
        if i in granted and i.amount_yuan is None and i.max_yuan else i
        for i in estimate.items)
    note = "其中标注“最高”的金额按上限（顶格）计入合计，实际金额由主管部门评审确定。"
    return replace(estimate, items=items, warnings=(note, *estimate.warnings))
