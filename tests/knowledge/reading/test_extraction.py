"""Reading a question into facts (knowledge.reading.extraction): negation, complete
triggers, implied applicants, roles and approximate amounts."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import evaluate
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.extraction import extract_facts, subject_nouns
from knowledge.sources.base import load_knowledge

TODAY = date(2025, 6, 1)
IN_FORCE = date(2020, 6, 1)  # all four seed documents in force
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)


@pytest.mark.parametrize(("question", "fact", "value"), [
    ("我们还没有首次通过高新技术企业认定，能申请吗？", "enterprise_titles", "hitech_first"),
    ("我司尚未认定为技术先进型服务企业，有什么政策？", "enterprise_titles",
     "advanced_tech_service"),
    ("我们的技术创新中心不是市级试点，是省级技术创新中心", "platform_titles",
     "tech_centre_city_pilot"),
    ("我们公司并非国家级技术创新中心", "platform_titles", "tech_centre_national"),
    ("我们单位无重点实验室，但有企业技术中心吗", "platform_titles", "key_platform"),
], ids=["hai-mei-you", "shang-wei", "bu-shi", "bing-fei", "wu-then-dan"])
def test_negated_titles_are_excluded_and_noted(question: str, fact: str, value: str) -> None:
    out = extract_facts(question, TODAY)
    if value == "key_platform":  # the clause after 但 is not negated: the title is read
        assert value in out.facts.get(fact, frozenset())  # type: ignore[operator]
        return
    assert value not in out.facts.get(fact, frozenset())  # type: ignore[operator]
    assert value in out.excluded[fact]
    assert any(n.startswith("未计入：") and "未满足" in n for n in out.notes), out.notes


def test_the_clause_after_a_negation_is_read() -> None:
    out = extract_facts("我们的技术创新中心不是市级试点，是省级技术创新中心", TODAY)
    assert out.facts["platform_titles"] == frozenset({"tech_centre_provincial"})


@pytest.mark.parametrize("question", [
    "我们公司有没有可能首次认定高新技术企业？",
    "我们公司能不能首次认定高新技术企业？",
], ids=["you-mei-you", "neng-bu-neng"])
def test_a_not_a_questions_are_not_negations(question: str) -> None:
    out = extract_facts(question, TODAY)
    assert out.facts["enterprise_titles"] == frozenset({"hitech_first"})
    assert not out.excluded


@pytest.mark.parametrize("question", [
    "我们公司买了300万的技术，合同还没登记，能补多少？",
    "我们公司买了300万的技术，技术合同未登记，能补多少？",
], ids=["hai-mei", "wei"])
def test_an_unregistered_contract_is_not_a_registered_amount(question: str) -> None:
    out = extract_facts(question, TODAY)
    assert "registered_tech_purchase_yuan" not in out.facts
    assert any(n.startswith("未计入：") and "登记" in n for n in out.notes), out.notes


@pytest.mark.parametrize(("question", "values"), [
    ("我司重新认定高新技术企业，能奖多少？", {"hitech_renewal"}),
    ("科技服务机构重新认定高新技术企业还有奖励吗？", {"hitech_renewal"}),
    ("我们公司高企复审通过了，能奖多少？", {"hitech_renewal"}),
    ("我们公司首次认定高新技术企业，能奖多少？", {"hitech_first"}),
    ("我们公司2020年重新申报通过了认定高企，能奖多少？", {"hitech_renewal"}),
    ("检测公司，高企2019年首次，能奖多少", {"hitech_first"}),
    ("2022年：技先，合计？", {"advanced_tech_service"}),
], ids=["renewal", "renewal-service", "review", "first", "applied-again", "terse-first",
        "terse-advanced"])
def test_the_longest_phrase_wins(question: str, values: set[str]) -> None:
    assert extract_facts(question, TODAY).facts["enterprise_titles"] == frozenset(values)


@pytest.mark.parametrize(("question", "applicant"), [
    ("荣成市的国家创新型县，市里奖多少？", "district_gov"),
    ("文登区获批省级高新区，有奖励吗？", "district_gov"),
    ("泊于镇创建国家创新型乡镇有奖励吗？", "town_gov"),
    ("技术先进型服务企业认定后有一次性奖励吗？", "enterprise"),
    ("首次认定为高新技术企业能奖多少？", "enterprise"),
    ("临床医学研究中心首次通过绩效评价，能给多少？", "medical_institution"),
    ("大学科技园升级为国家大学科技园能补多少？", "university"),
], ids=["county-city", "district", "town", "advanced-service", "hitech", "clinical",
        "univ-park"])
def test_titles_and_places_imply_the_applicant(question: str, applicant: str) -> None:
    out = extract_facts(question, TODAY)
    assert out.facts["applicant_types"] == frozenset({applicant})
    assert any(n.startswith("按“") and "推定申报主体为" in n for n in out.notes), out.notes


@pytest.mark.parametrize(("question", "not_implied"), [
    ("我们在荣成市，买技术能补多少？", {"district_gov"}),
    ("荣成市的企业研发补助县级要出多少比例？", {"district_gov"}),
    ("孵化器出了5家高企能奖多少", {"enterprise"}),
    ("我们没有孵化器，买技术能补多少？", {"incubator"}),
    ("我们还不是大学科技园，有什么支持？", {"university"}),
    # a business said after the place: where it is
    ("经区做锂电池材料的企业，2019年登记的技术合同是300万，能拿多少", {"district_gov"}),
    ("2019年买技术，一份45w，都登记了。我们是环翠区做纺织的。能拿多少？", {"district_gov"}),
], ids=["location", "modifier", "counted", "denied-incubator", "denied-univ-park",
        "business-in-district", "trade-in-district"])
def test_a_location_a_count_or_a_denial_implies_no_applicant(question: str,
                                                            not_implied: set[str]) -> None:
    types = extract_facts(question, TODAY).facts.get("applicant_types", frozenset())
    assert not not_implied & types  # type: ignore[operator]


@pytest.mark.parametrize(("question", "applicants"), [
    ("我们厂从高校买了一项专利，花了一百万，能拿多少奖励？", {"enterprise"}),
    ("我们公司和国外研究所合作建研发中心，有支持吗？", {"enterprise"}),
    ("技术转移服务机构促成高校成果在本市转化，有什么补助？", {"service_institution"}),
    ("我们大学牵头组建的市级试点技术创新中心，能补多少钱？", {"university"}),
    ("我们区的技术交易市场办出了特色，有支持吗？", {"district_gov"}),
    ("我们公司注册在烟台，2020年买了威海一个研究所的技术，合同100万", {"enterprise"}),
], ids=["seller", "partner-abroad", "results-of", "self-university", "self-district",
        "technology-of"])
def test_counterparties_are_not_applicants(question: str, applicants: set[str]) -> None:
    assert extract_facts(question, TODAY).facts["applicant_types"] == frozenset(applicants)


def test_a_counterparty_alone_sets_no_applicant() -> None:
    out = extract_facts("公司花钱从大学买了一项专利技术，政府能给报一部分吗？", TODAY)
    assert "university" not in out.facts.get("applicant_types", frozenset())  # type: ignore[operator]


@pytest.mark.parametrize(("question", "yuan"), [
    ("我们公司买了约300万的技术，能补多少？", 3_000_000),
    ("我们公司买技术花了300万左右，能补多少？", 3_000_000),
    ("我们公司买技术花了超过500万元，能补多少？", 5_000_000),
    ("我们公司买技术花了200万以上，能补多少？", 2_000_000),
], ids=["yue", "zuoyou", "chaoguo", "yishang"])  # 不到80万: a ceiling, asked back (below)
def test_approximate_amounts_are_read_and_noted(question: str, yuan: int) -> None:
    out = extract_facts(question, TODAY)
    assert out.facts["registered_tech_purchase_yuan"] == yuan
    assert any("按约" in n and "计算" in n for n in out.notes), out.notes


def test_an_exact_amount_has_no_approximation_note() -> None:
    out = extract_facts("我们公司买了300万的技术，能补多少？", TODAY)
    assert not any("按约" in n for n in out.notes)


@pytest.mark.parametrize("question", ["我们公司购买技术100到200万，能补多少？",
                                      "我们公司购买技术-300万元，能补多少？"],
                         ids=["range", "minus"])
def test_refused_amounts_say_the_interview_will_ask(question: str) -> None:
    out = extract_facts(question, TODAY)
    assert "registered_tech_purchase_yuan" not in out.facts
    assert any("未使用" in n and "确认" in n for n in out.notes), out.notes


# -- what the owner denies reaches the calculator ---------------------------------------
@pytest.mark.parametrize(("question", "fact", "values", "said"), [
    ("我们公司买了300万的技术，合同还没登记，能补多少？", "registered_tech_purchase_yuan",
     frozenset(), "合同还没登记"),
    ("我们的技术创新中心不是市级的，有补助吗", "platform_titles",
     frozenset({"tech_centre_city_pilot"}), "我们的技术创新中心不是市级的"),
    ("我们公司不是国家级技术创新中心，是省级技术创新中心", "platform_titles",
     frozenset({"tech_centre_national"}), "我们公司不是国家级技术创新中心"),
    ("我司尚未认定为技术先进型服务企业，有什么政策？", "enterprise_titles",
     frozenset({"advanced_tech_service"}), "我司尚未认定为技术先进型服务企业"),
    ("我们是科技服务机构，还没认定高新技术企业，能申请吗", "enterprise_titles",
     frozenset({"hitech_first", "hitech_renewal"}), "还没认定高新技术企业"),
], ids=["contract-unregistered", "level-only", "title-then-other-title", "shang-wei",
        "term-names-every-title"])
def test_denials_carry_the_owners_words(question: str, fact: str, values: frozenset[str],
                                        said: str) -> None:
    denied = extract_facts(question, TODAY).denied
    assert denied[fact].values == values and denied[fact].said == said


@pytest.mark.parametrize(("question", "denied_value"), [
    ("我们的孵化空间没有任何级别的认定，2022年有4家在孵企业升了高企，孵化奖励多少",
     "incubator_city"),
    ("我们这个众创空间什么级别都没有，有奖励吗", "incubator_city"),
    ("另一个是我们自己搞的孵化空间，没有任何级别的认定，也有4家升了高企", "incubator_city"),
])
def test_no_title_at_all_denies_the_titles_of_its_subject(question: str,
                                                          denied_value: str) -> None:
    out = extract_facts(question, TODAY)
    assert denied_value in out.denied["incubation_titles"].values
    assert "platform_titles" not in out.denied  # (技术创新中心 shares no subject word)
    assert "enterprise_titles" not in out.denied


@pytest.mark.parametrize("question", [
    "我们的孵化器不是市级的，有奖励吗",  # 市级或省级…孵化器: could still be provincial
    "我们公司能不能首次认定高新技术企业？",
    "我们公司买了300万的技术，合同已经登记，能补多少？",
], ids=["level-shared-by-two", "a-not-a", "affirmed"])
def test_no_denial_without_a_negation_that_settles_it(question: str) -> None:
    out = extract_facts(question, TODAY)
    assert "incubation_titles" not in out.denied and "enterprise_titles" not in out.denied
    assert "registered_tech_purchase_yuan" not in out.denied


@pytest.mark.parametrize(("question", "rule_id", "words"), [
    ("我们公司买了300万的技术，合同还没登记，能补多少？", "d58_tech_purchase", "合同还没登记"),
    ("我们公司的技术创新中心不是市级的，有补助吗？", "d107_tech_centre_city_enterprise",
     "不是市级的"),
    ("我们公司还没列入市级试点技术创新中心，能补多少？", "d107_tech_centre_city_enterprise",
     "还没列入市级试点技术创新中心"),
    ("我们是科技服务机构，还没认定高新技术企业，有奖励吗？", "d107_hitech_first",
     "还没认定高新技术企业"),
], ids=["contract-unregistered", "level-only", "hai-mei-lie-ru", "term"])
def test_a_denied_condition_makes_the_item_ineligible(question: str, rule_id: str,
                                                      words: str) -> None:
    out = extract_facts(question, IN_FORCE, RULESET)
    assert rule_id in out.candidate_rules
    estimate = evaluate(RULESET, out.facts, IN_FORCE, [rule_id], denied=out.denied)
    item = estimate.item(rule_id)
    assert item is not None and item.outcome == "ineligible"
    assert words in item.explanation and item.explanation.startswith("不符合条件：您说")
    assert estimate.total_yuan == 0


# -- time windows as facts ---------------------------------------------------------------
UPGRADE = "d107_incubatee_upgrade"


@pytest.mark.parametrize(("question", "years", "outcome", "says"), [
    ("我们是市级孵化器，有5家在孵企业升级为高企，能奖多少？", None, "eligible",
     "未说明在孵企业升级时已孵化的年限，按在3年孵化期内升级计算"),
    ("我们是市级孵化器，5家在孵企业入孵两年就升级为高企，能奖多少？", "2", "eligible", "50万元"),
    ("我们是市级孵化器，有5家在孵企业孵化第四年才升级为高企，能奖多少？", "3.5", "ineligible",
     "须在3年孵化期内升级（贵单位：3年多）"),
    ("我们是市级孵化器，5家企业孵化超过三年后升级为高企，能奖多少？", "3.5", "ineligible",
     "3年多"),
    ("我们是市级孵化器，5家在孵企业孵化没超过三年就升级为高企，能奖多少？", "3", "eligible",
     "50万元"),
], ids=["unstated-assumed", "two-years", "fourth-year", "over-three", "not-over-three"])
def test_a_stated_window_decides_the_rule_that_states_it(question: str, years: str | None,
                                                         outcome: str, says: str) -> None:
    out = extract_facts(question, IN_FORCE, RULESET)
    read = out.facts.get("incubation_years_at_upgrade")
    assert (str(read) if read is not None else None) == years
    item = evaluate(RULESET, out.facts, IN_FORCE, [UPGRADE], denied=out.denied).items[0]
    assert item.outcome == outcome and says in item.explanation, item.explanation
    assert item.missing == ()  # a window is never asked: stated, or assumed and said so


def test_a_window_outside_the_facts_phrases_is_not_read() -> None:
    out = extract_facts("我们公司成立两年，买了300万的技术，能补多少？", IN_FORCE, RULESET)
    assert "incubation_years_at_upgrade" not in out.facts


# -- amounts said loosely: read right or asked back ----------------------------------------
@pytest.mark.parametrize(("question", "yuan", "note"), [
    ("我们公司买技术花了100到200万，能补多少？", None, "是一个范围"),
    ("我们公司买技术花了100万至200万，能补多少？", None, "是一个范围"),
    ("我们公司买技术不到300万，能补多少？", None, "只说了上限"),
    ("我们公司买技术300万以下，能补多少？", None, "只说了上限"),
    ("我们公司买技术超过300万，能补多少？", 3_000_000, "是约数"),
    ("我们公司买技术花了300多万元，能补多少？", 3_000_000, "是约数"),
    ("我们公司买技术花了三百多万，能补多少？", 3_000_000, "是约数"),
    ("我们公司买技术约300万，能补多少？", 3_000_000, "是约数"),
    ("我们公司买技术花了-300万，能补多少？", None, "是负数"),
    ("我们公司买技术花了1e3万元，能补多少？", None, "科学计数法"),
], ids=["range-dao", "range-zhi", "budao", "yixia", "chaoguo", "duo-digits", "duo-chinese",
        "yue", "minus", "exponent"])
def test_loose_amounts_are_read_right_or_asked_back(question: str, yuan: int | None,
                                                     note: str) -> None:
    out = extract_facts(question, IN_FORCE)
    assert out.facts.get("registered_tech_purchase_yuan") == yuan
    assert any(note in n for n in out.notes), out.notes
    if yuan is None:  # asked back: the note says so, and no amount is assumed
        assert any("稍后会请您确认具体金额" in n for n in out.notes)
        assert not any(n.startswith("按技术合同已经") for n in out.notes)


@pytest.mark.parametrize("question", [
    "区里的张家产镇同一年也被评为国家创新型乡镇，奖多少",
    "县里有2个镇都评上了国家创新型乡镇，一共多少",
])
def test_a_town_said_to_obtain_a_title_is_an_applicant(question: str) -> None:
    kinds = extract_facts(question, TODAY).facts["applicant_types"]
    assert isinstance(kinds, frozenset) and "town_gov" in kinds


@pytest.mark.parametrize(("question", "outside"), [
    ("我们是烟台的公司，2020年从威海的高校买了技术，登记了两百万，能有多少奖励", True),
    ("我司在青岛注册，去年评上了高企，有奖励吗", True),
    ("烟台的企业买技术登记了100万，能补多少", True),
    # no establishment in the city said (没有注册公司): still outside
    ("我们是烟台的企业，2020年买了技术，登记了150万。我们在威海没有注册公司，就是个办事处", True),
    # the other party's place, or an applicant that also works in the city
    ("2020年我们从烟台的大学买了技术，登记了两百万，能有多少奖励", False),
    ("我们是济南注册的技术转移机构，在威海也开展业务，2020年促成了3项成果转化", False),
    ("我们是威海的公司，2020年买了技术，登记了100万", False),
])
def test_an_applicant_outside_the_city_is_denied_every_award(question: str,
                                                             outside: bool) -> None:
    ex = extract_facts(question, TODAY, RULESET)
    denied = ex.denied.get("applicant_types")
    assert (denied is not None and "威海市" in denied.requirement) is outside
    if outside:
        total = evaluate(RULESET, ex.facts, IN_FORCE, denied=ex.denied).total_yuan
        assert total == 0


@pytest.mark.parametrize(("question", "fact", "value"), [
    # parts of a count put out: a place elsewhere, the count's own not_counted words
    ("我们是技术转移服务机构，促成了3项高校成果转化，2项在威海，1项在烟台",
     "results_transferred", 2),
    ("我们市级众创空间有15家企业升成高企，其中3家是毕业出去以后才评上的",
     "incubatees_upgraded", 12),
    ("我们机构促成了4项成果转化，其中2项是山大的成果，另外2项是两家企业之间的技术转让",
     "results_transferred", 2),
    ("我们是技术转移机构，促成了3项高校成果转化，不过买方都在青岛", "results_transferred", 0),
    ("孵化器 市级 2020年在孵升高企12家 其中2家超孵化期 奖多少", "incubatees_upgraded", 10),
    # more than the count, not a part of it
    ("市级孵化器升了高企的在孵企业有9家，其中3家入孵超过三年，另外还有2家申报没通过",
     "incubatees_upgraded", 6),
])
def test_a_count_less_its_parts_that_do_not_count(question: str, fact: str,
                                                  value: int) -> None:
    ex = extract_facts(question, TODAY, RULESET)
    assert ex.facts[fact] == value
    assert value == 0 or any(f"按{value}" in n for n in ex.notes)


@pytest.mark.parametrize(("question", "district"), [
    ("我们企业研发补助三百六十万（不在荣成），市级出多少", None),
    ("我们企业在荣成，研发补助三百六十万，市级出多少", "rongcheng"),
])
def test_a_negated_district_is_not_set(question: str, district: str | None) -> None:
    assert extract_facts(question, TODAY, RULESET).facts.get("district") == district


@pytest.mark.parametrize("question", [
    "我们是经区财政局，辖区一家企业今年拿到企业研究开发财政补助400万，区级要承担多少？",
    "文登区科技局：一家企业研发财政补助1200000元，区级分担多少？",
])
def test_a_government_asking_its_share_speaks_of_the_enterprise(question: str) -> None:
    ex = extract_facts(question, TODAY, RULESET)
    assert ex.facts["applicant_types"] == frozenset({"enterprise"})
    assert ex.facts["share_level_asked"] == "county"


@pytest.mark.parametrize(("question", "amount"), [
    # the part said registered when the rest is said not to be
    ("2020年我们一共签了四百万的技术合同，去登记了的只有一百五十万，剩下的没登，奖励多少", 1500000),
    # a condition supposed met after its denial (如果当时登记了)
    ("我们2019年买过一项技术，合同150万，当时没去登记。如果当时登记了，能拿多少奖励？", 1500000),
    ("我们公司2020年买技术合同150万，都没登记，能奖多少", None),
])
def test_the_registered_amount(question: str, amount: int | None) -> None:
    ex = extract_facts(question, TODAY, RULESET)
    assert ex.facts.get("registered_tech_purchase_yuan") == amount


def test_a_denied_condition_still_names_its_award() -> None:
    ex = extract_facts("我们2019年买过一项技术，合同150万，当时没去登记，能拿多少奖励？",
                       TODAY, RULESET)
    assert "d58_tech_purchase" in ex.candidate_rules
    assert "registered_tech_purchase_yuan" in ex.denied


@pytest.mark.parametrize(("question", "applicant"), [
    ("我是个人技术经纪人，不属于任何机构，促成了4项高校成果转化", {"individual"}),
    # a company doing S&T services is both kinds (the generic kind does not take over)
    ("我们是做科技咨询的公司，第一次评上高企", {"enterprise", "service_institution"}),
])
def test_the_longer_kind_of_applicant_wins(question: str, applicant: set[str]) -> None:
    assert extract_facts(question, TODAY, RULESET).facts["applicant_types"] == applicant


@pytest.mark.parametrize(("question", "applicant"), [
    # a town the company is in is where it is, not who asks
    ("我们公司所在的镇今年创成国家创新型乡镇了，我们企业能分到多少", {"enterprise"}),
    ("我们镇今年创成国家创新型乡镇了，能拿多少", {"town_gov"}),
])
def test_a_town_as_a_place_is_no_applicant(question: str, applicant: set[str]) -> None:
    assert extract_facts(question, TODAY, RULESET).facts["applicant_types"] == applicant


@pytest.mark.parametrize(("question", "amount_question", "granted"), [
    ("公司2019年买技术认定登记了150万，同年还认定了技术先进型服务企业，两项奖励加一起", True, None),
    # 补助能拿多少 asks; it states no granted subsidy
    ("2020年我们机构只促成了2项高校成果在威海转化 加起来500万 3%补助能拿多少", True, None),
    ("区里企业享受企业研究开发财政补助，A企业核定800万，县级要出多少", True, 8000000),
])
def test_asked_sums_and_granted_subsidies(question: str, amount_question: bool,
                                          granted: int | None) -> None:
    ex = extract_facts(question, TODAY, RULESET)
    assert ex.is_amount_question is amount_question
    assert ex.facts.get("rnd_subsidy_granted_yuan") == granted


@pytest.mark.parametrize(("question", "applicant"), [
    # the kind named where the asker asks for itself applies
    ("我是某镇上的企业老板，我们镇2025年被评为国家创新型乡镇，我们企业能分多少", {"enterprise"}),
    ("我们企业是镇上的龙头企业。去年镇里评上了国家创新型乡镇，我们企业能从这笔奖励里拿多少",
     {"enterprise"}),
    ("我们镇2025年被评为国家创新型乡镇，镇里的企业也多，我们镇能拿多少", {"town_gov"}),
    ("我们区今年申报国家创新型县黄了 不过下面有个镇创建国家创新型乡镇成功了 市里一共给多少",
     {"district_gov", "town_gov"}),
    # else the kind the asker says it is, beside the place it is in
    ("我们镇今年评上国家创新型乡镇了 我们是镇上的企业 这个奖励企业能分到多少", {"enterprise"}),
    # a place named otherwise is another recipient: both kept
    ("我是荣成市科技局的。今年我们荣成市创建成了国家创新型县（市），辖区里俚岛镇也创建成了"
     "国家创新型乡镇。这两项奖励加起来是多少？", {"district_gov", "town_gov"}),
])
def test_the_asker_named_in_the_question_applies(question: str, applicant: set[str]) -> None:
    assert extract_facts(question, TODAY, RULESET).facts["applicant_types"] == applicant


def test_amounts_and_parts_outside_the_city_are_left_out() -> None:
    ex = extract_facts("2020年我们中介帮高校成果对接了5个企业 成交额：高区一家300万 荣成一家250万 "
                       "乳山一家150万 潍坊一家200万 大连一家100万 都签了 按3%补助多少",
                       TODAY, RULESET)
    assert ex.facts["applicant_types"] == frozenset({"service_institution"})
    assert ex.facts["tt_contract_turnover_yuan"] == 7000000
    assert ex.facts["results_transferred"] == 3
    assert any("潍坊" in n and "不在本市" in n for n in ex.notes)


@pytest.mark.parametrize(("question", "held", "excluded"), [
    # awaited beside titles obtained: not granted
    ("我们公司今年认定技术先进型服务企业 去年牵头组建的市级技术创新中心获批 省级技术创新中心还在等 "
     "能拿多少", {"tech_centre_city_pilot"}, {"tech_centre_provincial"}),
    # alone, a title planned is what is asked about (as if obtained)
    ("我们打算申报省级技术创新中心，能拿多少", {"tech_centre_provincial"}, set()),
])
def test_a_title_awaited_beside_titles_obtained_is_not_held(question: str, held: set[str],
                                                           excluded: set[str]) -> None:
    ex = extract_facts(question, TODAY, RULESET)
    assert ex.facts.get("platform_titles", frozenset()) == held
    assert set(ex.excluded.get("platform_titles", ())) == excluded


@pytest.mark.parametrize("question", [
    "我们所和一家企业联合组建了市级技术创新中心 今年获批了 能拿多少",
    "我们公司联合哈工大组建的市级技术创新中心今年获批了，能拿多少",
])
def test_a_joint_build_with_no_leader_said_asks_who_applies(question: str) -> None:
    out = extract_facts(question, TODAY, RULESET)
    assert "applicant_types" not in out.facts
    assert any("没说哪一方牵头" in n for n in out.notes)


def test_a_joint_build_whose_lead_is_said_asks_nothing() -> None:
    out = extract_facts("本单位是一所在威高校，牵头联合几家企业组建的市级技术创新中心去年获批了，"
                        "能给多少资金补助", TODAY, RULESET)
    assert not any("没说哪一方牵头" in n for n in out.notes)


@pytest.mark.parametrize(("question", "applicant"), [
    ("我们公司牵头联合哈工大组建的市级技术创新中心今年获批了，能拿多少", "enterprise"),
    # the asker by its short name (我们所), a plain self-description opening the message
    ("是我们所牵头的，市级技术创新中心今年获批了", "research_institute"),
    ("荣成的企业 研究开发财政补助 我们今年能拿多少", "enterprise"),
    ("文登一家企业，去年买了技术花了100万，能奖多少", "enterprise"),
    # the asker by its trade, or its short name
    ("我们做环境和职业卫生检测，2019年首次认定高新技术企业，能拿多少", "service_institution"),
    ("公司主要做建材检测服务，去年认定了技术先进型服务企业", "service_institution"),
    ("我们做建设工程质量检测和建材检测，2019年首次认定了高企", "service_institution"),
    ("技转机构(高区)19年促成5项成果在威海转化，补多少", "service_institution"),
])
def test_the_asker_said_plainly(question: str, applicant: str) -> None:
    assert extract_facts(question, TODAY, RULESET).facts["applicant_types"] == {applicant}


def test_where_the_asker_is_is_no_institute() -> None:
    held = extract_facts("我们所在的园区有孵化器", TODAY, RULESET).facts.get("applicant_types")
    assert not isinstance(held, frozenset) or "research_institute" not in held


@pytest.mark.parametrize("question", [
    "在威海备案的技术转移服务机构 年度考核2019年优秀 能拿多少",
    "我们是备案的技术转移服务机构，2020年考核优秀",
    "技术转移服务机构2020年考评结果优秀",
    "备案的技术转移服务机构，考核结果是：2019年优秀，2020年合格",
    "技术转移服务机构 考核等次 19年为优秀",
])
def test_an_excellent_assessment_said_apart_is_read(question: str) -> None:
    titles = extract_facts(question, TODAY, RULESET).facts.get("transfer_titles")
    assert isinstance(titles, frozenset) and "tt_registered_excellent" in titles


@pytest.mark.parametrize("question", [
    "我们是烟台的公司，买技术花了100万",
    "C公司注册在青岛，买了100万",
    "丙公司烟台注册，买技术100万",
])
def test_an_applicant_registered_elsewhere_is_denied(question: str) -> None:
    assert "applicant_types" in extract_facts(question, TODAY, RULESET).denied


@pytest.mark.parametrize("question", [
    "我们是市级众创空间，2020年有9家企业首次认定高企，这9家里有2家入孵已经超过3年了，能奖多少？",
    "我们是市级孵化器，5家在孵企业升了高企，其中1家入孵超过3年了，能奖多少？",
    "我们市级孵化器2021年在孵企业有9家升级了高企，除了2家是孵化超过3年以后才升的，其余都在3年"
    "孵化期内，能奖多少",
    # a part opening its clause with a smaller count than one said before
    "我们市级孵化器2021年一共7家在孵企业过了高企，不过有2家入孵已经超过3年了，能拿多少奖励？",
    "我们是市级孵化器，2020年8家在孵企业升了高企，有3家入孵4年多了，能奖多少",
])
def test_a_window_of_a_part_of_a_count_is_not_the_counts(question: str) -> None:
    out = extract_facts(question, IN_FORCE, RULESET)
    assert out.facts.get("incubatees_upgraded", 0) > 0  # type: ignore[operator]
    # (the rest's own window, 其余都在3年孵化期内, may be read: 3 years)
    assert out.facts.get("incubation_years_at_upgrade", 0) <= 3  # type: ignore[operator]


@pytest.mark.parametrize("text", ["公司牵头的市级技术创新中心批了，多少",
                                  "企业牵头的市级技术创新中心批了，多少"])
def test_a_company_leading_is_an_enterprise(text: str) -> None:
    assert extract_facts(text, TODAY).facts["applicant_types"] == frozenset({"enterprise"})


def test_an_amount_left_out_for_a_failure_is_a_denial_in_its_words() -> None:
    out = extract_facts("2020年我们买一项技术，合同150万，当时也做了登记，后来对方没履行，"
                        "合同解除了，一分钱没付，登记也撤销了。能拿多少奖励", TODAY)
    assert "registered_tech_purchase_yuan" not in out.facts
    assert out.denied["registered_tech_purchase_yuan"].said == "登记也撤销了"


@pytest.mark.parametrize(("question", "buyer"), [
    ("我们是技术转移服务机构，2020年帮本地一家企业从北京某高校买了3项专利，成交额一共400万，"
     "合同都登记了，那买专利的那家企业能拿多少", True),
    ("我们是技术转移服务机构，2020年帮本地一家企业从北京某高校买了3项专利，成交额一共400万，"
     "合同都登记了，我们能拿多少", False),
    # the ones helped to buy, asked by their noun (这三家企业加起来)
    ("我们是技术转移中介，2020年帮3家威海企业买了高校的成果，合同额分别是100万、80万和60万，"
     "都在技术合同登记机构登记了。这三家企业加起来能拿多少？", True),
])
def test_the_buyer_of_a_deal_brokered(question: str, buyer: bool) -> None:
    facts = extract_facts(question, TODAY).facts
    assert ("registered_tech_purchase_yuan" in facts) is buyer
    assert ("tt_contract_turnover_yuan" in facts) is not buyer


def test_a_sale_by_the_asker_is_no_deal_brokered() -> None:
    """A university that sold (卖给了本地企业), then the broker asked about: no purchase."""
    facts = extract_facts("我们是威海一所高校，2020年把一项成果卖给了本地企业，成交额500万，"
                          "那买的企业能拿多少？中间撮合的技术转移服务机构呢", TODAY).facts
    assert "registered_tech_purchase_yuan" not in facts


@pytest.mark.parametrize(("question", "turnover"), [
    # the part opened a segment before its amount
    ("我们是在威海注册的技术转移服务机构。2019年促成了4项高校科技成果转化：3项落在威海企业，"
     "合同额分别150万、250万、300万；还有1项转给了烟台的企业，合同额200万。按成果转化补助能拿多少？",
     7000000),
    # a counterparty's place is not the deal's
    ("2019年我们中介促成了3项成果在威海企业转化，从青岛的高校引进的一项100万，从北京的院所"
     "引进的两项共200万，能补多少", 3000000),
])
def test_a_part_placed_outside_the_city_in_its_opening_segment(question: str, turnover: int
                                                               ) -> None:
    ex = extract_facts(question, TODAY, RULESET)
    assert ex.facts["tt_contract_turnover_yuan"] == turnover


def test_a_title_said_before_a_colon_names_its_noun_only() -> None:
    nouns = subject_nouns("我们医院有3个市级临床医学研究中心：一个今年是第一次通过绩效评价；"
                          "一个前年就首次通过了", RULESET.vocabulary)
    assert "临床医学研究中心" in nouns
    assert not any("：" in n or "一个" in n for n in nouns)


@pytest.mark.parametrize(("question", "registered", "asked"), [
    # parts by position
    ("2020年我们公司一共签了5份技术购买合同，分别是30万、45万、25万、20万和15万，其中前三份去登记了，"
     "后面两份没登记。能拿多少奖励？", 1_000_000, False),
    # affirmed in one clause, denied of a part with its amount in another
    ("我们公司2020年跟技术相关的签了4个合同 技术开发30万 专利购买45万 技术咨询25万 "
     "这三个都认定登记了 还有一个80万是买设备的普通采购合同 没法做技术合同登记 按20%奖多少",
     1_000_000, False),
    # a part denied of a total: which amount meets it is not said — asked, not denied
    ("2020年我们公司买了5项技术共300万，其中3项登记了，2项没登记，能拿多少", None, True),
    ("我们厂2020年买了3项技术共250万，两项登记了一项没登记，能奖多少", None, True),
    # each part's amount said: read
    ("2020年我们公司买了3项技术，每项100万，其中2项登记了，1项没登记，能拿多少", 2_000_000, False),
], ids=["by-position", "affirmed-apart", "part-of-a-total-asked", "parts-in-one-clause",
        "each-amount"])
def test_a_condition_met_by_some_parts(question: str, registered: int | None,
                                       asked: bool) -> None:
    ex = extract_facts(question, TODAY, RULESET)
    assert ex.facts.get("registered_tech_purchase_yuan") == registered
    assert "registered_tech_purchase_yuan" not in ex.denied
    assert any("未能分清" in n for n in ex.notes) is asked


def test_a_title_naming_an_event_names_its_noun_before_it() -> None:
    nouns = subject_nouns("今年有3家医院的市级临床医学研究中心首次通过绩效评价，另外还有1家"
                          "去年就通过了、今年升成了省级", RULESET.vocabulary)
    assert "临床医学研究中心" in nouns
    assert not any("首次" in n or "绩效评价" in n for n in nouns)


def test_a_title_matched_across_a_comma_without_a_noun_names_none() -> None:
    nouns = subject_nouns("2021年我们区的科技服务机构里首次认定高企的有5家，重新认定的有4家，"
                          "市里的奖励一共是多少", RULESET.vocabulary)
    assert not any(re.search(r"\d|的有", n) for n in nouns)


@pytest.mark.parametrize(("question", "fact", "value"), [
    # vocabulary: the kinds staff declare, read in the owner's words
    ("我们经纪公司2020年促成高校成果在威海转化3项，补助多少？", "applicant_types",
     "service_institution"),
    ("我们是一家孵化器的运营公司，公司本身就是干科技服务的，能拿多少", "applicant_types",
     "service_institution"),
    ("我们协会2019年承办了在全国有一定影响的创新创业大赛，最多能奖我们多少？", "activities",
     "contest_host"),
])
def test_vocabulary_words_in_the_owner_s_words(question: str, fact: str, value: str) -> None:
    held = extract_facts(question, TODAY).facts.get(fact)
    assert isinstance(held, frozenset) and value in held


def test_a_part_over_the_incubation_period_said_as_exceeded() -> None:
    out = extract_facts("本孵化器是省级的，2021年在孵企业里一下子有14家升了高企，"
                        "其中1家入孵时间超了3年，那一年奖励能有多少？", TODAY)
    assert out.facts.get("incubatees_upgraded") == 13
    assert any("按13家计" in n for n in out.notes)


@pytest.mark.parametrize(("question", "fact", "value"), [
    # a title said short (技术先进型), joined by 加
    ("科技服务公司，2019年首次高企加技术先进型，能拿多少", "enterprise_titles",
     "advanced_tech_service"),
    # a centre and its review said apart, within the sentence
    ("本院一共有五个市级临床医学研究中心（心内、骨科、儿科那几个），今年其中三个第一次通过了绩效评价",
     "platform_titles", "clinical_centre_city"),
])
def test_titles_said_short_or_apart(question: str, fact: str, value: str) -> None:
    facts = extract_facts(question, TODAY, RULESET).facts
    assert value in facts[fact]  # type: ignore[operator]


def test_the_alternatives_weighed_are_no_applicant() -> None:
    ex = extract_facts("我司牵头、哈工大参与共建的市级技术创新中心去年批下来了，按高校的300万还是"
                       "企业的200万算？能拿多少？", TODAY, RULESET)
    assert ex.facts["applicant_types"] == frozenset({"enterprise"})


@pytest.mark.parametrize(("question", "applicant"), [
    # a consultant asking for a client: the client applies, the seller pointed at again
    # (上海那家研究院) does not
    ("我有个客户是威海的一家船舶配件企业，2020年从上海一家研究院买了一项技术，合同80万，已经登记。"
     "上海那家研究院也在打听能不能拿奖励。客户这边能拿多少？", "enterprise"),
    # a technology-transfer go-between whose deals convert universities' results
    ("技术转移中介 2020年：高校院所成果在威海转化六项，成交额1.2亿，补助？", "service_institution"),
    ("2019年我们机构一共促成了五项高校院所的成果转化，四项落在威海的企业，补助多少",
     "service_institution"),
    # the one asked for (帮合作高校问一下) applies
    ("帮合作高校问一下，他们牵头组建的市级技术创新中心今年获批试点了，补多少", "university"),
    # the asker saying it is the one pointed at (我们就是那家…)
    ("我们就是那家技术转移服务机构，2019年帮大学促成4项成果在威海转化，合同额一共800万，"
     "我们能补多少？", "service_institution"),
])
def test_who_applies_in_a_terse_or_relayed_question(question: str, applicant: str) -> None:
    assert extract_facts(question, TODAY, RULESET).facts["applicant_types"] == frozenset(
        {applicant})


@pytest.mark.parametrize(("text", "fact", "value"), [
    # the asker's kind said at length (我们是高区一家做碳纤维复合材料的企业): no district implied
    ("我们是高区一家做碳纤维复合材料的企业。2019年我们购买技术的合同登记了300万元",
     "applicant_types", frozenset({"enterprise"})),
    # the city's money asked of a list with a split subsidy (市级资金一共多少)
    ("文登区一家企业，今年企业研究开发财政补助核定总额400万元。市级资金一共多少？",
     "share_level_asked", "city"),
    # an applicant placed elsewhere by its own words (青岛一家孵化器)
    ("青岛一家孵化器今年升国家级，能拿威海市里的奖吗", "incubation_titles",
     frozenset({"incubator_national"})),
])
def test_what_the_asker_says_of_itself_and_asks(text: str, fact: str, value: object) -> None:
    assert extract_facts(text, TODAY, RULESET).facts.get(fact) == value


@pytest.mark.parametrize(("text", "yuan"), [
    # another instrument's amount (创新券补助20万) is no base of the R&D subsidy
    ("省里给了我们创新券补助20万，市里是不是也1比1配套，配多少", None),
    ("研发补助批了400万，市里出多少", 4_000_000),
])
def test_another_instruments_amount_is_no_base(text: str, yuan: int | None) -> None:
    assert extract_facts(text, TODAY, RULESET).facts.get("rnd_subsidy_granted_yuan") == yuan


def test_an_applicant_placed_elsewhere_by_its_own_words_is_denied() -> None:
    ex = extract_facts("青岛一家孵化器今年升国家级，能拿威海市里的奖吗", TODAY, RULESET)
    assert "青岛一家孵化器" in ex.denied["applicant_types"].said


@pytest.mark.parametrize(("text", "fact", "yuan"), [
    # a threshold checked (够不够五十万) is no base
    ("我们的众创空间今年评上了省品牌众创空间，省里给了三十五万；另外公司认定了技术先进型服务企业。"
     "加起来够不够五十万？", "provincial_funds_yuan", 350_000),
    # 拨付 states the province's money
    ("孵化器2022年被认定为山东省品牌科技企业孵化器，省里拨付八十万元。市级配套是多少？",
     "provincial_funds_yuan", 800_000),
])
def test_the_provinces_money_said(text: str, fact: str, yuan: int) -> None:
    assert extract_facts(text, TODAY, RULESET).facts.get(fact) == yuan


@pytest.mark.parametrize(("question", "title"), [
    ("威海某高校科技园2019年升省级，拿多少？", "univ_park_provincial"),
    ("我们大学科技园去年升级为国家大学科技园", "univ_park_national"),
])
def test_a_university_park_by_either_name(question: str, title: str) -> None:
    assert title in extract_facts(question, TODAY).facts["incubation_titles"]  # type: ignore[operator]



@pytest.mark.parametrize(("question", "title"), [
    ("创新中心(企业牵头)：2021年省级，共多少", "tech_centre_provincial"),
    ("我们的创新中心今年认定为国家级创新中心", "tech_centre_national"),
])
def test_a_technology_centre_by_its_short_name(question: str, title: str) -> None:
    assert title in extract_facts(question, TODAY).facts["platform_titles"]  # type: ignore[operator]
