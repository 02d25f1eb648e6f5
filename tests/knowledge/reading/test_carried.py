"""A title of an earlier year held in a later one (knowledge.reading.carried)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.carried import carry_titles
from knowledge.reading.extraction import extract_facts
from knowledge.reading.years import estimate_by_year
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)
NATIONAL = frozenset({"maker_space_national"})


def test_a_title_is_carried_into_a_later_year_with_a_count() -> None:
    per_year: list[tuple[int, dict[str, object]]] = [
        (2019, {"incubation_titles": NATIONAL}),
        (2020, {"incubatees_upgraded": 4}),
        (2021, {})]
    carried = dict(carry_titles(RULESET, per_year))
    assert carried[2020]["incubation_titles"] == NATIONAL
    assert carried[2021] == {}  # (no flow of its own: nothing to qualify)
    assert carried[2019] == {"incubation_titles": NATIONAL}


def test_a_title_no_flow_award_requires_is_not_carried() -> None:
    # a prize (技术市场奖) is no condition of a count's award: not held into later years
    per_year: list[tuple[int, dict[str, object]]] = [
        (2019, {"transfer_titles": frozenset({"tech_market_award_provincial"})}),
        (2020, {"registered_tech_purchase_yuan": 1_000_000})]
    assert "transfer_titles" not in dict(carry_titles(RULESET, per_year))[2020]


@pytest.mark.parametrize(("text", "total"), [
    # 200万 once for the title; 4 and 2 upgrades counted in 2020 and 2021
    ("2019年我们众创空间被认定为国家专业化众创空间，2020年又有4家在孵企业升了高企，"
     "2021年3月又升了2家，合计多少", 2_600_000),
])
def test_later_counts_are_those_of_the_title_holder(text: str, total: int) -> None:
    whole = extract_facts(text, TODAY, RULESET)
    estimate = estimate_by_year(RULESET, text, TODAY, list(whole.candidate_rules), whole,
                                whole.as_of or TODAY)
    assert estimate is not None and estimate.total_yuan == total


def test_a_year_with_a_title_of_its_own_is_not_given_the_earlier_one() -> None:
    # 前年我们另一个众创空间又被评为山东省品牌众创空间，省里拨了40万: another holder
    brand = frozenset({"brand_incubator_sd"})
    per_year: list[tuple[int, dict[str, object]]] = [
        (2019, {"incubation_titles": frozenset({"incubator_national"})}),
        (2024, {"incubation_titles": brand, "provincial_funds_yuan": 400_000})]
    assert dict(carry_titles(RULESET, per_year))[2024]["incubation_titles"] == brand
