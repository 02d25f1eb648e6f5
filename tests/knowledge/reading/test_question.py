"""Reading facts from a question (knowledge.reading.question): numerals and amounts."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.awards.vocabulary import default_vocabulary
from knowledge.reading.question import read_question

TODAY = date(2025, 6, 1)
TOPICS = {"tech_purchase": ("买技术", "购买技术"), "tech_transfer": ("成果转化",)}


@pytest.mark.parametrize(("question", "fact", "value"), [
    ("购买技术300万元，能补多少？", "registered_tech_purchase_yuan", 3_000_000),
    ("购买技术两千三百万，能补多少？", "registered_tech_purchase_yuan", 23_000_000),
    ("购买技术1.5亿元，能补多少？", "registered_tech_purchase_yuan", 150_000_000),
    ("孵化器出了二十家高企，有什么奖励", "incubatees_upgraded", 20),
    ("孵化器出了十二家高企，有什么奖励", "incubatees_upgraded", 12),
    ("促成了一百零一项成果转化", "results_transferred", 101),
    ("我们有十件专利", "patent_grants", 10),
    # an incubator's upgrades said without 在孵 (升高企3家)
    ("我们孵化器2019年升高企3家，能拿多少", "incubatees_upgraded", 3),
], ids=["money", "cn-money", "yi", "count-20", "count-12", "count-101", "count-10",
        "incubator-upgrades"])
def test_numbers_are_read(question: str, fact: str, value: int) -> None:
    assert read_question(question, TODAY, TOPICS).facts[fact] == value


@pytest.mark.parametrize(("question", "note"), [
    ("购买技术-300万元，能补多少？", "负数"),
    ("购买技术负300万元，能补多少？", "负数"),
    ("购买技术1e3万元，能补多少？", "科学计数法"),
    ("购买技术1e308元，能补多少？", "科学计数法"),
    ("购买技术100到200万，能补多少？", "范围"),
    ("购买技术100万-200万，能补多少？", "范围"),
], ids=["minus", "fu", "exponent-wan", "exponent-yuan", "range", "range-dash"])
def test_refused_amounts_are_noted_not_used(question: str, note: str) -> None:
    out = read_question(question, TODAY, TOPICS)
    assert "registered_tech_purchase_yuan" not in out.facts
    assert any(note in n and "未使用" in n for n in out.notes), out.notes


@pytest.mark.parametrize("question", ["促成了二〇一八项成果转化"], ids=["digit-by-digit"])
def test_nonsense_numerals_are_not_counts(question: str) -> None:
    facts = read_question(question, TODAY, TOPICS).facts
    assert "incubatees_upgraded" not in facts and "results_transferred" not in facts


def test_two_numbers_in_a_row_are_a_rough_count() -> None:
    # 二三家: two or three, read as the lower with its range (asked only when it matters)
    out = read_question("孵化器出了二三家高企", TODAY, TOPICS)
    assert out.facts["incubatees_upgraded"] == 2
    assert out.approximate["incubatees_upgraded"] == (2, 3, "二三家")


@pytest.mark.parametrize(("question", "fact"), [
    ("我们公司买了一项专利技术，成交额80万，能补多少？", "registered_tech_purchase_yuan"),
    ("企业受让了一批技术，合同额80万元，奖励多少", "registered_tech_purchase_yuan"),
    ("我们中介机构促成成果转化，成交额80万，能补多少？", "tt_contract_turnover_yuan"),
    ("技术转移服务机构年度合同成交额80万，补助多少", "tt_contract_turnover_yuan"),
], ids=["buyer-chengjiao", "buyer-hetong", "broker-cuscheng", "broker-institution"])
def test_a_deal_amount_belongs_to_the_buyer_unless_the_sentence_brokers(question: str,
                                                                         fact: str) -> None:
    """成交额 is neutral: the purchase verbs and the brokering words decide whose it is."""
    out = read_question(question, TODAY, TOPICS)
    assert out.facts.get(fact) == 800_000, out.facts


@pytest.mark.parametrize("question", [
    "2022年促成成果转化，评上省级示范机构 奖了100万，今年还能拿多少",
    "成果转化这块前年拿过50万，今年又促成了几项",
])
def test_an_award_received_is_no_amount_to_compute_on(question: str) -> None:
    """(a subsidy granted, 假如补了400万 / 研发补助拿了1200万, is one: see below)"""
    out = read_question(question, TODAY, TOPICS)
    assert "tt_contract_turnover_yuan" not in out.facts
    assert any("已获得的奖励" in n for n in out.notes), out.notes


@pytest.mark.parametrize(("question", "yuan"), [
    # a listed amount named again and denied is left out
    ("买技术签了4份合同：50万、70万、40万、30万。其中30万那份没有去认定登记。能奖多少", 1_600_000),
    # 另外2份没登记: the rest, not every amount
    ("一共签了4份技术购买合同，有2份做了认定登记，分别80万和60万，另外2份没登记", 1_400_000),
])
def test_registered_amounts_among_others(question: str, yuan: int) -> None:
    out = read_question(question, TODAY, TOPICS)
    assert out.facts.get("registered_tech_purchase_yuan") == yuan


def test_a_title_failed_before_another_titles_success_is_excluded_once() -> None:
    # the failure is read up to the next title; what that title did is its own
    from knowledge.reading.extraction import extract_facts

    ex = extract_facts("申报国家级科技企业孵化器，材料交了还没批下来，星创天地批下来了，能拿多少",
                       TODAY)
    assert "incubator_national" in ex.excluded.get("incubation_titles", frozenset())
    held = ex.facts.get("incubation_titles")
    assert isinstance(held, frozenset) and "star_maker" in held


def test_a_subsidy_granted_is_an_amount_to_compute_on() -> None:
    out = read_question("企业研发补助的事，假如补了400万，市里出多少", TODAY,
                        {"rnd_subsidy": ("研发补助",)})
    assert out.facts.get("rnd_subsidy_granted_yuan") == 4_000_000


@pytest.mark.parametrize(("question", "standing"), [
    # what the asker runs is held, not obtained now
    ("我们运营一个国家级孵化器和一个区级众创空间 2022年孵化器里6家在孵企业升了高企", True),
    ("我们国家级孵化器里今年有6家在孵企业升了高企", True),
    ("今年我们孵化器被认定为国家级科技企业孵化器", False),
])
def test_a_title_held_is_not_one_obtained_now(question: str, standing: bool) -> None:
    out = read_question(question, TODAY, TOPICS, patterns=default_vocabulary().patterns)
    assert (("incubation_titles", "incubator_national") in out.standing) is standing


@pytest.mark.parametrize("question", [
    "我们学校的省级大学科技园升级成了国家大学科技园，能拿多少",
    "假设2022年我们学校的省级大学科技园升了国家级大学科技园，那次能拿多少",
])
def test_the_level_upgraded_from_is_not_obtained_now(question: str) -> None:
    out = read_question(question, TODAY, TOPICS, patterns=default_vocabulary().patterns)
    assert ("incubation_titles", "univ_park_provincial") in out.upgraded_from


@pytest.mark.parametrize(("text", "held"), [
    # a title only planned, asked what it gets now: not held
    ("我们公司正在筹备，打算明年申报省级技术创新中心，现阶段按政策能领多少钱？", False),
    # planned, asked what it would get: asked about as if obtained
    ("我们打算明年申报省级技术创新中心，能拿多少", True),
])
def test_a_planned_title_asked_about_now_is_not_held(text: str, held: bool) -> None:
    vocab = default_vocabulary()
    out = read_question(text, date(2026, 12, 6), vocab.topics, vocab.choice_phrases(),
                        patterns=vocab.patterns)
    titles = out.facts.get("platform_titles", set())
    assert isinstance(titles, (set, frozenset)) and ("tech_centre_provincial" in titles) is held


@pytest.mark.parametrize("text", ["我们公司2021年5月在德国建了研发中心", "去年在日本设了联合实验室",
                                  "我们在海外建了研发中心"])
def test_a_research_centre_abroad_named_by_its_country(text: str) -> None:
    titles = read_question(text, TODAY, TOPICS).facts.get("platform_titles")
    assert isinstance(titles, (set, frozenset)) and "overseas_rnd" in titles


@pytest.mark.parametrize(("question", "asks"), [
    ("买技术合同120万已经登记，能拿多少", True),
    # how it is paid said between 能 and its verb
    ("前年我们从外地高校买了个技术，合同120万已经登记，能按20%拿奖励不", True),
    ("买技术合同120万已经登记了", False),
    # (现在能先拿吗: a word between 能 and its verb)
    ("国家级中心还在公示没批下来，现在能先拿吗", True),
    ("两份技术购买合同都做了认定登记，奖励咋算？", True),
    # whether a stated amount is had: the amount is the award asked about
    ("我们是做科技咨询的服务机构，今年第一次通过高企认定，有没有那个20万？", True),
    ("技术先进型服务企业给不给那20万", True),
    ("我们有没有研发投入", False),
    # a terse question of a sum or an award
    ("国家专业化众创空间：2019年认定；2025年重新认定，合计？", True),
    ("技术转移中介 2020年：高校院所成果在威海转化六项，成交额1.2亿，补助？", True),
    ("我们是检测公司，今年认定了技术先进型服务企业，有啥奖励？", False),
    ("对列入市级试点技术创新中心的企业有什么资金补助？", False),
    ("国家级国际合作基地 今年认定，市级奖励？", True),
    # a figure said and checked
    ("听说国家级技术创新中心市里给一千万元，我们今年认定了国家级，是这个数吗？", True),
    ("技术先进型服务企业奖励20万元，这个数对不对", True),
    ("是这个政策吗", False),
    # a threshold checked
    ("省里给了三十五万，另外认定了技术先进型服务企业。加起来够不够五十万？", True),
    # the sum asked in plain words
    ("帮我算下总数：技术转移机构今年评上省级示范机构，又拿了省技术市场奖", True),
    ("给算一下合计，孵化器升了国家级", True),
    ("算一算我们的研发投入", False),
    # a terse sum asked at the end, with or without a question mark
    ("临床中心 20年首次绩效评价过了 21年升省级 合计", True),
    ("创新中心(企业牵头)：19年市级 21年省级，共？", True),
])
def test_an_amount_asked(question: str, asks: bool) -> None:
    assert read_question(question, TODAY, TOPICS).is_amount_question is asks
