"""The ceiling of the one award asked about (knowledge.reading.ceiling)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from knowledge.awards.calculator import Estimate
from knowledge.awards.estimate import Item
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.ceiling import ceiling_of
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)


def test_a_yearly_ceiling_is_added_up_over_the_years_asked() -> None:
    def year(y: int) -> Item:
        return Item("d58_registered_excellent", f"{y}年：考核优秀（每年）", "eligible", "",
                    (), True, max_yuan=500000)

    two = Estimate(as_of=TODAY, items=(year(2019), year(2020)), years={2019: {}, 2020: {}})
    top = ceiling_of(two, RULESET)
    assert top is not None and top.yuan == 1000000 and "2年合计" in top.label
    one = Estimate(as_of=TODAY, items=(year(2019),))
    top = ceiling_of(one, RULESET)
    assert top is not None and top.yuan == 500000


def test_no_ceiling_when_several_awards_are_considered() -> None:
    two = Estimate(as_of=TODAY, items=(
        Item("d106_incubator_national", "国家级科技企业孵化器", "eligible", "", (), True,
             amount_yuan=2000000),
        Item("d106_star_maker", "星创天地", "eligible", "", (), True, amount_yuan=1000000)))
    assert ceiling_of(two, RULESET) is None
