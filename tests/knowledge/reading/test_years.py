"""Several years in one question, each on its own law (knowledge.reading.years)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.extraction import extract_facts
from knowledge.reading.years import estimate_by_year, joined
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)


def _by_year(text: str) -> tuple[int, list[str]] | None:
    whole = extract_facts(text, TODAY, RULESET)
    estimate = estimate_by_year(RULESET, text, TODAY, list(whole.candidate_rules), whole,
                                whole.as_of or TODAY)
    if estimate is None:
        return None
    return estimate.total_yuan, [i.label for i in estimate.items if i.outcome == "eligible"]


@pytest.mark.parametrize(("text", "total", "year_labels"), [
    # an annual cap per year (2019: 60万 capped at 50万)
    ("我们公司2019年买技术登记了300万，2020年又登记了100万，两年一共奖多少", 700_000,
     ["2019年", "2020年"]),
    # a renewal is paid in each year it is (not a one-time title)
    ("我们科技服务机构2016年首次认定高企，2019年重新认定，2022年又重新认定，一共多少",
     200_000, ["2019年", "2022年"]),
    # a prize won again is paid again (each_time), a title once
    ("我们单位2019年获得省技术市场奖励，2021年获得国家技术市场奖励，2025年又获得一次省技术市场奖励，"
     "三次加一起市里配套多少", 400_000, ["2019年", "2021年", "2025年"]),
    # the titles named before the first year are that year's
    ("我们企业牵头的市级技术创新中心前年拿了200万，今年认定为省级技术创新中心，一共多少",
     7_000_000, ["2024年", "2026年"]),
    # a pass after two failures is the first pass, restated from what the first part says
    ("市级临床医学研究中心 2024年第一次绩效评价没过 2025年还是没过 今年终于过了 这能给多少",
     1_000_000, []),
    # a year said as a bare count and amount, in the words of the year whose count is read
    ("我们是技术经纪机构，2019年促成3项高校成果在威海转化、成交额1800万；2020年4项、1200万；"
     "2022年5项、3000万。三年一共能拿多少补助", 860_000, ["2019年", "2020年"]),
    # a title a year's own part says was not held yet (held only from a later year)
    # a year's months on each side of an expiry (58号 until 2021-11-10): each on its law
    ("我们是威海本地企业，2020年登记了300万的买技术合同；2021年10月登记了一份100万的；"
     "2021年12月又登记了一份80万的。这几笔总共能拿多少？", 700_000, ["2020年", "2021年10月"]),
    ("我们孵化器2019年有3家入孵企业认定了高企，但那时孵化器还没被认定为市级；2020年我们才认定为"
     "市级孵化器，2020年又有2家认定高企。都在孵化期内，两年加起来能拿多少？", 200_000, ["2020年"]),
])
def test_each_year_on_its_own_law(text: str, total: int, year_labels: list[str]) -> None:
    found = _by_year(text)
    assert found is not None
    assert found[0] == total
    assert all(any(label.startswith(y) for label in found[1]) for y in year_labels)


def test_one_year_is_no_estimate_by_year() -> None:
    assert _by_year("2020年买技术登记了300万，能奖多少") is None


def test_joined_unites_a_title_list_and_keeps_other_facts() -> None:
    standing = {"platform_titles": frozenset({"a"}), "district": "wendeng"}
    facts = {"platform_titles": frozenset({"b"}), "district": "rongcheng"}
    assert joined(standing, facts) == {"platform_titles": frozenset({"a", "b"}),
                                       "district": "rongcheng"}


@pytest.mark.parametrize(("text", "total"), [
    # a year to come states a plan, not a title obtained
    ("我们是科技服务公司 2020年首次认定高企 2021年认定技术先进型服务企业 明年打算申报国家级技术转移"
     "示范机构 加起来能拿多少", 400_000),
    # a year asked about that states no award gets none of the other years'
    ("医院的市级临床医学研究中心2024年第一次绩效评价就通过了，今年第二次绩效评价也过了，今年能拿多少？",
     1_000_000),
])
def test_years_to_come_and_years_asked(text: str, total: int) -> None:
    got = _by_year(text)
    assert got is not None and got[0] == total


def test_titles_alone_are_judged_year_by_year_when_a_year_is_asked() -> None:
    text = "我们企业牵头的市级技术创新中心2024年获批，今年认定为省级技术创新中心，今年能拿多少"
    got = _by_year(text)
    assert got is not None
    assert sorted(label[:5] for label in got[1]) == ["2024年", "2026年"]



@pytest.mark.parametrize(("text", "total"), [
    # another holder named (另一个众创空间) does not make a renewal (到期再认定) a new award
    ("我们的众创空间2020年认定为国家专业化众创空间，2023年到期再认定也过了；另外我们旗下另一个"
     "众创空间2021年评上了山东省品牌众创空间，省里拨了30万。这些加一起市里能给多少？", 2_300_000),
    # another holder's own title in another year is its own award
    ("我们公司2020年拿到国家级科技企业孵化器，前年孵化器复核通过了；同一年我们另起的一个众创空间"
     "被认定为国家专业化众创空间。这些加起来总共多少？", 4_000_000),
])
def test_a_renewal_among_distinct_holders_is_not_paid_again(text: str, total: int) -> None:
    from knowledge.reading.segments import relative_years

    by_year = _by_year(relative_years(text, TODAY))
    assert by_year is not None and by_year[0] == total


@pytest.mark.parametrize(("text", "total"), [
    # a terse year restated from its neighbour keeps its own parts, not the neighbour's
    ("我们孵化器是市级的。2020年有7家在孵企业升了高企，只有3家还在3年孵化期里，另外4家早就超期了；"
     "2021年有5家申报，其中1家没通过，剩下的都在孵化期内。两年加起来孵化器能拿多少？", 700_000),
    # one outcome said of two titles is each one's (the renewal in 2023)
    ("我们是一家科技服务机构，2020年首次认定高企，同年也被认定为技术先进型服务企业，"
     "2023年1月高企和技术先进型都重新认定通过了，这几项总共多少", 500_000),
    ("公司牵头的技术创新中心：2019年市级，2021年省级，2025年国家级。三次认定市里累计支持多少钱",
     17_000_000),
    # a level sought again and obtained (再报才成了) is held; one only sought is not
    ("我们大学牵头的市级技术创新中心2019年批了，2020年申报省级失败，2022年再报才成了省级技术创新中心。"
     "学校这边一共能拿多少", 8_000_000),
])
def test_a_terse_year_keeps_its_own_parts(text: str, total: int) -> None:
    """(and a year's level said alone, 2019年市级，2021年省级，2025年国家级: each its own)"""
    found = _by_year(text)
    assert found is not None and found[0] == total


def test_a_year_s_months_across_an_expiry_keep_the_applicant_assumed() -> None:
    # no applicant said: the one assumed for the whole applies to each month's part
    text = ("买技术合同的奖励 2020年登记的合同一共260万 2021年1月到10月登记了240万 "
            "2021年12月又登记了100万 总共能奖多少")
    whole = extract_facts(text, TODAY, RULESET)
    whole = replace(whole, facts={**whole.facts, "applicant_types": frozenset({"enterprise"})})
    estimate = estimate_by_year(RULESET, text, TODAY, list(whole.candidate_rules), whole,
                                whole.as_of or TODAY)
    assert estimate is not None and estimate.total_yuan == 980_000



def test_the_level_a_closing_question_names_is_the_year_s_that_names_it() -> None:
    """…2023年8月升级成了省级技术创新中心。升省级这次能拿多少: 省级 is 2023's, not 2021's."""
    got = _by_year("我们公司2021年牵头的技术创新中心进了市级试点，"
                   "2023年8月升级成了省级技术创新中心。升省级这次能拿多少？")
    assert got is not None
    assert "2023年：省级技术创新中心" in got[1]
    assert not any(label.startswith("2021年：省级") for label in got[1])


_KB = load_knowledge(KNOWLEDGE)
# (with the documents' validity: 威政办字〔2018〕107号 repealed on 2023-04-07)
VALIDITY: RuleSet = load_rules(KNOWLEDGE / "rules", _KB.clause, _KB.document)


@pytest.mark.parametrize(("text", "total", "labels"), [
    # a bare count before an adverb (3项都在威海) is the year's count of the subject before
    ("我们是技术转移服务机构：2019年促成4项成果转化，全在威海，成交额500万；"
     "2021年上半年3项都在威海，成交额2000万。几年一共多少？", 650_000, ["2019年", "2021年"]),
    ("我们是技术转移服务机构：2019年促成4项成果转化，成交额500万；"
     "2020年3项也都在威海，成交额300万。两年一共多少？", 240_000, ["2019年", "2020年"]),
    # one month said twice (a title restated into the year, then its count) is one part
    ("我们众创空间2019年被认定为国家专业化众创空间。这几年在孵企业升高企：2019年3家，2020年11家，"
     "2023年3月1家，2023年8月2家，都在孵化期内。这些年累计能拿多少？", 3_400_000,
     ["2019年", "2019年", "2020年", "2023年3月"]),
])
def test_a_terse_year_s_count_and_months_on_each_side_of_a_repeal(
        text: str, total: int, labels: list[str]) -> None:
    whole = extract_facts(text, TODAY, VALIDITY)
    estimate = estimate_by_year(VALIDITY, text, TODAY, list(whole.candidate_rules), whole,
                                whole.as_of or TODAY)
    assert estimate is not None and estimate.total_yuan == total
    assert [i.label.split("：")[0] for i in estimate.items
            if i.outcome == "eligible" and i.in_force] == labels


def test_the_holders_counted_in_the_question_are_distinct() -> None:
    # 这两个镇: each year's town is another holder, each paid
    text = "这两个镇前后一共能拿多少？2020年张家产镇评上了国家创新型乡镇，2025年侯家镇也评上了。"
    by_year = _by_year(text)
    assert by_year is not None and by_year[0] == 2_000_000
