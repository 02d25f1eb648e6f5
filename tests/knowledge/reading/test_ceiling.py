"""The ceiling of the one award asked about (knowledge.reading.ceiling)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import Estimate, evaluate
from knowledge.awards.estimate import Item
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.ceiling import at_ceiling, ceiling_of, granted_at_top
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
_KB = load_knowledge(KNOWLEDGE)
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", _KB.clause, _KB.document)


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


def _several() -> Estimate:
    return Estimate(as_of=TODAY, items=(
        Item("d107_patent_agency", "专利代理超过100件", "eligible", "", (), True,
             max_yuan=200000),
        Item("d107_patent_ops_pilot", "国家专利运营试点", "eligible", "", (), True,
             max_yuan=1000000),
        Item("d107_hitech_first", "科技服务机构首次高企", "eligible", "", (), True,
             amount_yuan=200000)))


@pytest.mark.parametrize("text", ["顶格算一共多少", "最多能拿多少", "按最高算一共多少"])
def test_several_awards_asked_at_their_most_count_each_ceiling(text: str) -> None:
    top = at_ceiling(text, _several())
    assert top is not None and top.total_yuan == 1400000
    assert all("顶格" in i.explanation for i in top.items if i.max_yuan)
    assert any("上限（顶格）" in w for w in top.warnings)


def test_not_asked_at_their_most_or_one_award_alone_is_left() -> None:
    assert at_ceiling("一共多少", _several()) is None
    one = Estimate(as_of=TODAY, items=_several().items[:1])
    assert at_ceiling("顶格算一共多少", one) is None


def test_an_award_waiting_for_facts_is_not_the_one_whose_most_is_asked() -> None:
    def year(y: int) -> Item:
        return Item("d58_registered_excellent", f"{y}年：考核优秀（每年）", "eligible", "",
                    (), True, max_yuan=500000)

    waiting = Item("d58_intermediary_turnover", "促成成果转化（3%）", "need_info", "", (),
                   True, missing=("results_transferred",))
    estimate = Estimate(as_of=TODAY, items=(year(2019), year(2020), waiting),
                        years={2019: {}, 2020: {}})
    top = ceiling_of(estimate, RULESET)
    assert top is not None and top.yuan == 1000000


def _rnd(facts: dict[str, object]) -> Estimate:
    return evaluate(RULESET, facts, TODAY, rule_ids=["d32_rnd_subsidy"])


@pytest.mark.parametrize(("text", "facts", "total"), [
    ("辖区里一家企业研发财政补助拿了顶格 我们县级财政要承担多少",
     {"applicant_types": {"enterprise"}, "share_level_asked": "county"}, 2_500_000),
    ("如果我们企业的研究开发财政补助能拿到顶格 我们公司在荣成 荣成这边县级要出多少",
     {"applicant_types": {"enterprise"}, "share_level_asked": "county",
      "district": "rongcheng"}, 5_000_000),
    ("假如我们企业研发投入符合财政补助条件 顶格一共能拿多少补助",
     {"applicant_types": {"enterprise"}}, 10_000_000),
])
def test_a_grant_said_at_its_top_is_its_ceiling(text: str, facts: dict[str, object],
                                                total: int) -> None:
    waiting = _rnd(facts)
    assert waiting.items[0].outcome == "need_info"
    topped = granted_at_top(RULESET, text, waiting, {})
    assert topped is not None and topped.total_yuan == total
    assert "按最高额1000万元计算" in topped.items[0].explanation


def test_a_grant_not_said_at_its_top_or_with_its_amount_is_left() -> None:
    facts: dict[str, object] = {"applicant_types": {"enterprise"}, "share_level_asked": "county"}
    assert granted_at_top(RULESET, "企业研发财政补助批了，县级出多少", _rnd(facts), {}) is None
    said = _rnd({**facts, "rnd_subsidy_granted_yuan": 4_000_000, "has_rnd_spending": True})
    assert granted_at_top(RULESET, "研发财政补助拿了顶格400万，县里出多少", said, {}) is None


def test_of_several_the_award_the_question_names_gives_the_ceiling() -> None:
    two = Estimate(as_of=TODAY, items=(
        Item("d106_incubator_national", "国家级科技企业孵化器", "eligible", "", (), True,
             amount_yuan=2000000),
        Item("d106_star_maker", "星创天地", "eligible", "", (), True, amount_yuan=1000000)))
    top = ceiling_of(two, RULESET, "我们星创天地最多能拿多少")
    assert top is not None and top.yuan == 1000000
    # both named alike: no ceiling
    assert ceiling_of(two, RULESET, "孵化器和星创天地最多能拿多少") is None


def test_a_rate_capped_gives_its_cap_as_the_ceiling() -> None:
    rule = next(r for r in RULESET.rules if r.cap_yuan and r.amount_yuan is None
                and r.max_yuan is None)
    one = Estimate(as_of=TODAY, items=(
        Item(rule.id, rule.label, "need_info", "", (), True),))
    top = ceiling_of(one, RULESET)
    assert top is not None and top.yuan == rule.cap_yuan


@pytest.mark.parametrize(("text", "yuan", "gone"), [
    # a yearly ceiling over the years an occasion is said in, each on that year's law
    ("创业协会承办创新创业大赛：2019年一届、2020年一届、2024年一届 — 三年合计最多能拿多少？",
     2_000_000, "2024年文件不在有效期内"),
    ("我们协会2019年到2023年每年都办一次创新创业大赛，2023年那次是9月份办的，顶格能拿多少",
     4_000_000, "2023年文件不在有效期内"),
    ("我们协会2019年办了一场大赛，2020年也办了一场，最多能拿多少", 2_000_000, ""),
])
def test_a_yearly_ceiling_over_the_occasions_said(text: str, yuan: int, gone: str) -> None:
    item = Item("d107_contest_host", "举办创新创业大赛等活动的社会组织（每年最高）", "eligible", "",
                (), True, max_yuan=1_000_000)
    top = ceiling_of(Estimate(as_of=TODAY, items=(item,)), RULESET, text)
    assert top is not None and top.yuan == yuan and gone in top.label
