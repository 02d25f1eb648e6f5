"""Facts: money and count parsing, typed answers, validation, reading facts from a question."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from knowledge.awards.facts import (
    FACTS,
    KINDS,
    normalize_fact,
    normalize_facts,
)
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.errors import FactError
from knowledge.reading.extraction import extract_facts
from knowledge.sources.base import load_knowledge

TODAY = date(2025, 6, 1)


# -- the registry and typed answers ---------------------------------------------------------
def test_registry_is_complete_and_plain() -> None:
    for name, spec in FACTS.items():
        assert spec.name == name and spec.kind in KINDS
        assert spec.question.endswith("？") or "？" in spec.question, name
        if spec.kind in ("choice", "multi"):
            assert spec.choices and all(isinstance(v, str) for v, _ in spec.choices)
        if spec.kind in ("money", "count"):
            assert spec.example.startswith("例如")
    assert FACTS["registered_tech_purchase_yuan"].question.startswith(
        "贵单位近一年经登记的技术交易额是多少？")


def test_parse_typed_answers() -> None:
    assert FACTS["registered_tech_purchase_yuan"].parse("80万元") == 800_000
    assert FACTS["results_transferred"].parse("三项") == 3
    assert FACTS["incubatees_upgraded"].parse("5家，合同都过了10万") == 5


@pytest.mark.parametrize(("text", "yuan"), [
    # amounts listed one after another: added up
    ("一个是一百二十万 一个是八十万", 2_000_000),
    ("120万和80万", 2_000_000),
    ("第一份120万，第二份80万", 2_000_000),
    # one amount, or amounts said with more than a list: as before (the first)
    ("120万", 1_200_000),
    ("120万，其中80万没登记", 1_200_000),
])
def test_an_amount_typed_as_a_list(text: str, yuan: int) -> None:
    assert FACTS["registered_tech_purchase_yuan"].parse(text) == yuan
    assert FACTS["has_rnd_spending"].parse("有") is True
    assert FACTS["has_rnd_spending"].parse("否") is False
    assert FACTS["district"].parse("荣成") == "rongcheng"
    assert FACTS["applicant_types"].parse("企业，高等院校") == frozenset({"enterprise",
                                                                    "university"})
    assert FACTS["platform_titles"].parse("无") == frozenset()
    assert FACTS["incubation_titles"].parse("星创天地") == frozenset({"star_maker"})


@pytest.mark.parametrize(("name", "text", "message"), [
    ("registered_tech_purchase_yuan", "很多", "没有看懂这个金额"),
    ("registered_tech_purchase_yuan", "80", "请注明单位"),
    ("registered_tech_purchase_yuan", "-80万元", "不能是负数"),
    ("registered_tech_purchase_yuan", "5000亿元", "超过合理范围"),
    ("results_transferred", "好几项", "不小于0的整数"),
    ("results_transferred", "-3", "不能是负数"),
    # an amount typed for a count: the answer to another question, not a count
    ("incubatees_upgraded", "省里当时拨了80w", "这是一个金额，不是数量"),
    ("incubatees_upgraded", "80万元", "这是一个金额，不是数量"),
    ("has_rnd_spending", "也许", "是”或“否"),
    ("district", "北京", "请从以下选项中选择"),
    ("applicant_types", "外星人", "不是可选项"),
])
def test_bad_typed_answers_give_a_chinese_message(name: str, text: str, message: str) -> None:
    with pytest.raises(FactError) as info:
        FACTS[name].parse(text)
    assert message in info.value.message and info.value.fact == name


@pytest.mark.parametrize(("text", "ambiguous"), [("高企", True), ("外星人", False)])
def test_an_answer_fitting_several_choices_is_ambiguous(text: str, ambiguous: bool) -> None:
    """高企 answers the question (first or renewed recognition, which one is asked); 外星人
    is no answer to it."""
    with pytest.raises(FactError) as info:
        FACTS["enterprise_titles"].parse(text)
    assert info.value.ambiguous is ambiguous
    assert ("可能是" in info.value.message) is ambiguous


def test_normalize_facts_checks_every_value() -> None:
    clean = normalize_facts({"applicant_types": ["enterprise"], "registered_tech_purchase_yuan":
                             Decimal("3000000"), "results_transferred": "3项",
                             "has_rnd_spending": None})
    assert clean == {"applicant_types": frozenset({"enterprise"}),
                     "registered_tech_purchase_yuan": 3_000_000, "results_transferred": 3}
    for name, value in [("registered_tech_purchase_yuan", -1), ("results_transferred", 10**9),
                        ("registered_tech_purchase_yuan", True), ("results_transferred", 2.5),
                        ("applicant_types", ["alien"]), ("district", "mars"),
                        ("has_rnd_spending", 3), ("no_such_fact", 1)]:
        with pytest.raises(FactError):
            normalize_fact(name, value)


# -- reading a question ---------------------------------------------------------------------
@pytest.mark.parametrize(("question", "facts", "as_of", "amount"), [
    ("我们买了300万的技术，能补多少？", {"registered_tech_purchase_yuan": 3_000_000}, None, True),
    ("2020年我们公司购买专利花了五十万元，能拿多少奖励？",
     {"applicant_types": {"enterprise"}, "registered_tech_purchase_yuan": 500_000},
     date(2020, 12, 31), True),
    ("我们是国家级孵化器，今年有12家在孵企业升级为高新技术企业，能奖多少？",
     {"applicant_types": {"incubator"}, "incubation_titles": {"incubator_national"},
      "incubatees_upgraded": 12}, TODAY, True),
    ("我们中介机构去年促成3项成果在市内转化，技术合同成交额1.5亿元，补多少",
     {"applicant_types": {"service_institution"}, "results_transferred": 3,
      "tt_contract_turnover_yuan": 150_000_000}, date(2024, 12, 31), True),
    ("我们是代理机构，代理发明专利授权120件，最高奖多少",
     {"applicant_types": {"service_institution"}, "patent_grants": 120}, None, True),
    ("孵化器有哪些政策", {"applicant_types": {"incubator"}}, None, False),
    ("2019年3月我们买技术800,000元", {"registered_tech_purchase_yuan": 800_000},
     date(2019, 3, 31), False),
    ("我们是省级技术转移示范机构，能拿多少奖励",  # a transfer institution serves
     {"transfer_titles": {"tt_demo_provincial"}, "applicant_types": {"service_institution"}},
     None, True),
])
def test_extract_facts(question: str, facts: dict[str, object], as_of: date | None,
                       amount: bool) -> None:
    extraction = extract_facts(question, TODAY)
    expected = {k: frozenset(v) if isinstance(v, set) else v for k, v in facts.items()}
    assert extraction.facts == expected
    assert extraction.as_of == as_of
    assert extraction.is_amount_question is amount


def test_extraction_is_deterministic_and_finds_topics() -> None:
    question = "我们买了300万的技术，能补多少？"
    assert extract_facts(question, TODAY) == extract_facts(question, TODAY)
    assert "tech_purchase" in extract_facts(question, TODAY).topics


def test_absurd_number_in_a_question_is_noted_not_used() -> None:
    extraction = extract_facts("我们买了9000亿元的技术，能补多少？", TODAY)
    assert "registered_tech_purchase_yuan" not in extraction.facts
    assert any("超过合理范围" in note for note in extraction.notes)


def test_future_and_current_years() -> None:
    assert extract_facts("2030年买技术能补多少", TODAY).as_of == date(2030, 1, 1)
    assert extract_facts("2025年买技术能补多少", TODAY).as_of == TODAY


def test_candidate_rules_from_a_question(knowledge_dir: Path) -> None:
    kb = load_knowledge(knowledge_dir)
    ruleset: RuleSet = load_rules(knowledge_dir / "rules", kb.clause)
    extraction = extract_facts("我们买了300万的技术，能补多少？", TODAY, ruleset)
    assert extraction.candidate_rules == ("d58_tech_purchase",)
    centre = extract_facts("企业牵头组建市级试点技术创新中心给多少钱？", TODAY, ruleset)
    assert centre.candidate_rules == ("d106_tech_centre_city_enterprise",
                                      "d107_tech_centre_city_enterprise")
    vague = extract_facts("孵化器能拿多少钱？", TODAY, ruleset)
    assert "d107_incubator_national" in vague.candidate_rules


@pytest.mark.parametrize(("question", "fact", "value"), [
    ("我们专利代理机构去年代理市内发明专利授权一百零一件，能奖多少？", "patent_grants", 101),
    ("我们代理了两千件专利，能奖多少？", "patent_grants", 2000),
    ("我们是荣成的企业，有研发费用投入，研发补助最高多少？", "district", "rongcheng"),
    ("我们是荣成的企业，有研发费用投入，研发补助最高多少？", "has_rnd_spending", True),
    ("我们公司去年没有研发投入，研发补助能拿多少？", "has_rnd_spending", False),
    ("我们公司2019年购买了一项专利，合同额800,000元，能奖多少？",
     "registered_tech_purchase_yuan", 800_000),
    ("我们公司2020年受让了一项发明专利技术，经登记的合同120万元，能奖励多少？",
     "registered_tech_purchase_yuan", 1_200_000),
    ("中介机构促成3项成果转化，合同额200万元，能补多少？", "tt_contract_turnover_yuan", 2_000_000),
    ("孵化器出了5家高企能奖多少", "incubatees_upgraded", 5),
    ("我们众创空间今年培育出三家高新技术企业，奖多少？", "incubatees_upgraded", 3),
])
def test_owner_phrasings(question: str, fact: str, value: object) -> None:
    assert extract_facts(question, TODAY).facts.get(fact) == value


def test_owner_phrasings_titles_and_amount_questions() -> None:
    centre = extract_facts("我们公司牵头建的技术创新中心刚列入市级试点，能拿多少补助？", TODAY)
    assert centre.facts["platform_titles"] == frozenset({"tech_centre_city_pilot"})
    national = extract_facts("我司被认定为国家级技术创新中心了，市级能给多少？", TODAY)
    assert national.is_amount_question
    unsure = extract_facts("不知道有没有研发投入，研发补助能拿多少？", TODAY)
    assert "has_rnd_spending" not in unsure.facts
    assert "district" not in extract_facts("荣成和文登的企业研发补助多少？", TODAY).facts
    assert "patent_grants" not in extract_facts("专利零件能补多少？", TODAY).facts
