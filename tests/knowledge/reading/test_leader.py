"""Who leads what the question is about (knowledge.reading.leader)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import evaluate
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.extraction import extract_facts
from knowledge.reading.leader import (
    COUNTED,
    OUTSIDE,
    PARTICIPANT,
    ROLE,
    SELLER,
    SUPPLIER,
    counted_asked,
    outside_applicant,
    partner_asked,
    partners_named,
    read_leader,
    seller,
    supplier,
)
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)
APPLICANTS = RULESET.vocabulary.patterns.applicants


@pytest.mark.parametrize(("text", "kind", "participant"), [
    ("我们企业参与了山大威海牵头组建的市级技术创新中心 今年获批了 这个中心能拿多少",
     "university", False),
    ("我们学校参与了一家企业牵头组建的市级技术创新中心 今年获批 我们学校能拿多少",
     "enterprise", True),
    ("我们是县人民医院 市立医院牵头的市级临床医学研究中心今年首次通过绩效评价 我们是参与单位之一 "
     "我们医院能分到多少", "medical_institution", True),
    ("我们公司和哈工大共建了个技术创新中心，牵头的是哈工大，今年列入市级了，市里补助多少",
     "university", False),
    ("我们公司和哈工大威海一起建技术创新中心，哈工大是牵头单位，今年列入了市级", "university",
     False),
    # the asker leads: its own kind, not its partner's
    ("我们公司牵头、联合山大威海组建的技术创新中心今年列进市级了，能拿多少", "enterprise", False),
    # a builder taking part, or an asker asking for itself alone, is no leader
    ("某大学牵头的市级技术创新中心，我们公司是参建单位之一，我们公司自己能单独拿多少",
     "university", True),
    ("我们是区科技局，辖区里一家企业牵头的市级技术创新中心今年获批了，区科技局自己能拿多少",
     "enterprise", True),
    # a place in brackets is part of the leader's name
    ("我们公司参与了哈工大（威海）牵头组建的市级技术创新中心，我们只是参与单位，我们公司能拿多少",
     "university", True),
    # a co-builder (共建单位) of what another leads
    ("我司是哈工大威海牵头组建的市级技术创新中心的共建单位（2021年获批），我们公司能分到多少？",
     "university", True),
])
def test_another_party_leading_is_read_with_its_kind(text: str, kind: str,
                                                     participant: bool) -> None:
    leader = read_leader(text, APPLICANTS)
    assert leader is not None
    assert (leader.kind, leader.participant) == (kind, participant)


@pytest.mark.parametrize("text", [
    # leaders of several kinds: groups, read elsewhere
    "今年两个市级技术创新中心列入试点（一个企业牵头，一个省属科研院所牵头），一共多少",
    "今年认定了省级技术创新中心",  # no leader said
])
def test_no_other_leader(text: str) -> None:
    assert read_leader(text, APPLICANTS) is None


def test_the_leader_applies_and_a_participant_does_not() -> None:
    led = extract_facts("我们企业参与了山大威海牵头组建的市级技术创新中心 今年获批了 "
                        "这个中心能拿多少", TODAY, RULESET)
    assert led.facts["applicant_types"] == frozenset({"university"})
    part = extract_facts("我们学校参与了一家企业牵头组建的市级技术创新中心 今年获批 "
                         "我们学校能拿多少", TODAY, RULESET)
    assert part.denied["applicant_types"].requirement == PARTICIPANT


def test_recipients_named_apart_from_the_asker_leading_stay() -> None:
    text = ("2025年市立医院的临床医学研究中心首次通过市级绩效评价，我们研究所牵头的技术创新中心也"
            "列入了市级，两家一共多少")
    held = extract_facts(text, TODAY, RULESET).facts["applicant_types"]
    assert held == frozenset({"research_institute", "medical_institution"})


def test_the_partner_of_an_asker_leading_does_not_apply() -> None:
    text = "我们公司牵头、联合山大威海组建的技术创新中心今年列进市级了，能拿多少"
    assert partners_named(text, APPLICANTS) == {"university"}
    assert extract_facts(text, TODAY, RULESET).facts["applicant_types"] == frozenset(
        {"enterprise"})


@pytest.mark.parametrize(("text", "said"), [
    ("我们给一家威海企业的市级技术创新中心供了一批研发设备，这个中心今年获批了，"
     "我们作为供应商能拿多少", "我们给一家威海企业的市级技术创新中心供了"),
    ("我们厂给孵化器里的企业供了设备，孵化器今年认定国家级了，我们能拿多少",
     "我们厂给孵化器里的企业供了"),
    # a member of the holder asking for itself
    ("我们是孵化器里的企业，孵化器今年被认定为国家级科技企业孵化器了，我们企业能分多少",
     "我们是孵化器里的企业"),
    # a supplier asking for the holder, the asker's own supplier, or no supplier: nothing
    ("我们是设备供应商，客户的中心认定省级了，客户能拿多少", ""),
    ("我们公司被认定为技术先进型服务企业了，我们的一家供应商也被认定了，我们公司能拿多少", ""),
    ("我们公司认定了技术先进型服务企业，能拿多少", ""),
    # the asker's own clause, then the question without a subject: for itself
    ("我们公司在市级孵化器里 2022年升了高企 孵化器拿了10万 我们公司是做电子元件生产的 能拿多少",
     "我们公司在市级孵化器里"),
])
def test_a_supplier_asking_for_itself_is_no_applicant(text: str, said: str) -> None:
    assert supplier(text) == said
    if said:
        denied = extract_facts(text, TODAY, RULESET).denied["applicant_types"]
        assert denied.requirement == SUPPLIER


def test_a_participant_asking_for_its_own_kind_is_no_applicant() -> None:
    # the party asked about is the participant's kind, not the leader's
    part = extract_facts("我是大学老师，我们学校参与了一个企业牵头的市级技术创新中心，今年批了。"
                         "学校这边能拿多少？", TODAY, RULESET)
    assert part.denied["applicant_types"].requirement == PARTICIPANT
    assert read_leader("我们学校参与了一个企业牵头的中心，企业能拿多少", APPLICANTS,
                       "enterprise") is not None
    led = read_leader("我们学校参与了一个企业牵头的中心，企业能拿多少", APPLICANTS, "enterprise")
    assert led is not None and not led.participant


@pytest.mark.parametrize(("text", "said"), [
    ("我们公司把一项技术卖给了烟台的一家企业，2020年签的，合同200万登记了，我们能拿多少",
     "我们公司把一项技术卖给了烟台的一家企业"),
    ("我校2020年把一项成果转让给了本地企业，我们能拿多少", "我校2020年把一项成果转让给了本地企业"),
    # the asker buys too, or brokers a sale: not a seller only
    ("我们公司2019年买进来两项技术，都登记了；另外我们自己卖出去一项技术，能拿多少", ""),
    ("我们是技术转移机构，促成高校把成果卖给了本地企业，能补多少", ""),
    ("高校把技术卖给了我们公司，合同100万，能拿多少", ""),
    # the asker says it is the seller
    ("单位：环翠某软件公司（技术卖方）；2020年向威海本地一家企业转让技术，合同300万元已认定登记；"
     "问：我们作为卖方能拿多少技术交易奖励？", "（技术卖方）"),
])
def test_a_seller_asking_for_itself_is_no_applicant(text: str, said: str) -> None:
    assert seller(text) == said
    ex = extract_facts(text, TODAY, RULESET)
    if said:
        assert ex.denied["applicant_types"].requirement == SELLER
        assert ex.candidate_rules  # the buyer's award, said not to be the asker's
        estimate = evaluate(RULESET, ex.facts, date(2020, 12, 31),
                            rule_ids=list(ex.candidate_rules), denied=ex.denied)
        assert estimate.total_yuan == 0


@pytest.mark.parametrize(("text", "said"), [
    ("我们孵化器在烟台，去年被认定为国家级科技企业孵化器，能给多少", "我们孵化器在烟台"),
    ("我们是烟台的公司，能拿多少", "我们是烟台的公司"),
    # a district of the place said after it
    ("我们公司在烟台芝罘区，今年孵化器认定为国家级了，能拿多少", "我们公司在烟台芝罘区"),
    ("我们厂在青岛黄岛区，去年买了技术，能补多少", "我们厂在青岛黄岛区"),
    ("我们在烟台也有业务，孵化器在威海，能拿多少", ""),
    # the contract registered in the city is no business of the asker there
    ("我们是烟台的公司，威海没有注册主体，2020年买了技术，合同在威海也做了认定登记，能拿多少",
     "我们是烟台的公司"),
    ("我们是济南注册的公司，在威海也开展业务，能拿多少", ""),
    # a project in the city is no establishment there
    ("我们公司注册在青岛，在威海有个合作项目，省级技术创新中心能给多少", "我们公司注册在青岛"),
    # an entity of the asker's elsewhere is not the asker, when the asker is in the city
    ("我们（威海的公司）签了4项合同，还有一项是我们烟台的子公司签的，能拿多少", ""),
    ("要是我们在青岛注册的分公司认定了技术先进型服务企业 能拿多少",
     "我们在青岛注册的分公司认定了技术先进型服务企业 能拿多少"),
    # a sister company registered elsewhere, beside the asker: not the asker
    ("2020年我们公司和兄弟公司都买了技术，我们买了100万，兄弟公司注册在青岛买了200万，能奖多少",
     ""),
    # the title obtained by an establishment elsewhere
    ("国家技术市场奖是上海总部拿的，威海这边能领吗", "是上海总部拿的"),
    # registered in the city, whatever the parent's place
    ("我们是总部在北京的公司在经区注册的全资子公司，去年被认定为技术先进型服务企业，能拿多少", ""),
    ("我们是上海一家集团的子公司，注册在威海高区，能拿多少", ""),
    # the asker said in a form's field, with 某
    ("单位：烟台某机械企业；2020年从威海某高校购买技术，合同200万元已在威海认定登记；问：能拿多少",
     "烟台某机械企业"),
    # the asker's registration said in a clause of its own
    ("我中心是一所大学的技术转移中心，注册在北京，在威海没有注册任何机构，今年获评国家级技术转移示范"
     "机构，能拿多少", "注册在北京"),
])
def test_an_asker_placed_outside_the_city(text: str, said: str) -> None:
    vocab = RULESET.vocabulary
    assert outside_applicant(text, vocab.elsewhere, vocab.home) == said
    if said:
        assert extract_facts(text, TODAY, RULESET).denied["applicant_types"].requirement \
            == OUTSIDE


def test_a_party_placed_by_its_own_words_is_outside_the_city() -> None:
    text = "跟我们合作的一家青岛企业今年获得了国家技术市场奖 他们能从威海这边拿多少"
    denied = extract_facts(text, TODAY, RULESET).denied["applicant_types"]
    assert denied.requirement == OUTSIDE and denied.said == "青岛企业"


@pytest.mark.parametrize(("text", "partners"), [
    ("我们所和一家企业联合组建了市级技术创新中心", {"enterprise"}),
    ("我们学校和一家企业一起建的市级技术创新中心", {"enterprise"}),
    ("我们公司联合哈工大组建的市级技术创新中心", {"university"}),
])
def test_the_partners_a_joint_build_names(text: str, partners: set[str]) -> None:
    assert partners_named(text, APPLICANTS) == partners


def test_a_party_asked_about_that_only_takes_part_is_no_applicant() -> None:
    text = ("我们是威海本地的一所高校，牵头组建的市级技术创新中心去年批下来了，市里补多少，"
            "跟我们一起建的那家企业是参与单位，它能另外拿一份吗")
    denied = extract_facts(text, TODAY, RULESET).denied["applicant_types"]
    assert denied.requirement == PARTICIPANT and "参与单位" in denied.said


def test_the_asker_leading_said_as_the_leading_unit() -> None:
    text = ("我们公司和山大威海共建的市级技术创新中心，我们是牵头单位，山大是参与单位，今年批了，"
            "我们和山大各能拿多少")
    leader = read_leader(text, APPLICANTS)
    assert leader is not None and leader.kind == "enterprise" and leader.asker
    assert partners_named(text, APPLICANTS) == {"university"}
    assert extract_facts(text, TODAY, RULESET).facts["applicant_types"] == {"enterprise"}


@pytest.mark.parametrize(("text", "kind"), [
    # 有 ends what the asker says of itself: the leader is the word before 牵头
    ("今年我们区有3家企业牵头组建的市级技术创新中心获批", "enterprise"),
    ("我们区有一家高校牵头组建的市级技术创新中心", "university"),
])
def test_the_leader_after_what_the_asker_has(text: str, kind: str) -> None:
    leader = read_leader(text, APPLICANTS)
    assert leader is not None and leader.kind == kind


@pytest.mark.parametrize(("text", "said"), [
    ("我们是市级孵化器，2021年在孵企业里有8家升级成高新技术企业了，这8家企业自己能从这里面分钱吗",
     "这8家企业自己能从这里面分"),
    ("我们孵化器有5家在孵企业升了高企，那些企业能拿多少", "那些企业能拿"),
    ("我们孵化器有5家在孵企业升了高企，孵化器能拿多少", ""),
    # the firms asked for, then the asker itself, last: the asker's
    ("孵化器里有3家在孵企业升了高企。这三家企业自己能不能拿钱我不管，我们孵化器能拿多少", ""),
    ("我们是市级众创空间，2023年1到3月份有4家升级了高企，后来5月份又升了2家，这些一共能拿多少", ""),
])
def test_the_firms_a_count_counts_asked_for(text: str, said: str) -> None:
    assert counted_asked(text) == said
    denied = extract_facts(text, TODAY, RULESET).denied.get("applicant_types")
    assert (denied is not None and denied.requirement == COUNTED) == bool(said)


@pytest.mark.parametrize(("text", "asked"), [
    ("我们公司牵头、联合一家外地企业建的技术创新中心今年被认定为国家级的，市里给多少？；"
     "还有那家外地的合作单位，它能拿多少", True),
    ("我们和山大共建的中心认定为省级了，合作方能分多少", True),
    ("我们单位牵头的市级技术创新中心今年批了 补多少，高校，一起建的企业能拿", True),
    ("我们公司牵头、联合一家外地企业建的技术创新中心今年被认定为国家级的，市里给多少？", False),
    # the holder itself asked after the asker said it takes part
    ("我们企业和在威高校共建的市级技术创新中心2022年获批，是学校牵头组建的，我们企业是参与单位，"
     "这个中心能拿多少补助", False),
])
def test_a_partner_asked_for_is_no_applicant(text: str, asked: bool) -> None:
    assert bool(partner_asked(text)) == asked
    denied = extract_facts(text, TODAY, RULESET).denied.get("applicant_types")
    assert (denied is not None and denied.requirement == PARTICIPANT) == asked


@pytest.mark.parametrize(("text", "placed"), [
    ("我们集团总部在威海，烟台那边的子公司2021年3月买了一项技术，合同100万，在烟台认定登记的。"
     "子公司能拿多少威海的技术交易奖励？", "烟台那边的子公司"),
    ("我们集团总部在威海，子公司2021年3月买了一项技术，合同100万，登记了。子公司能拿多少", ""),
])
def test_a_party_asked_for_placed_outside_the_city(text: str, placed: str) -> None:
    denied = extract_facts(text, TODAY, RULESET).denied.get("applicant_types")
    assert (denied.said if denied is not None and denied.requirement == OUTSIDE else "") \
        == placed


@pytest.mark.parametrize(("text", "role"), [
    ("我是公司研发部的员工，我们公司今年被认定为技术先进型服务企业，我个人能分到多少奖励？",
     "我个人能分"),
    ("我是区科技局的，辖区一家企业今年认定了国家级技术创新中心，那我们局作为推荐单位能分到多少？",
     "推荐单位能分"),
    ("我们公司认定了技术先进型服务企业，项目负责人可以拿多少", "项目负责人可以拿"),
    # the holder asked for, or a person on their own: no role around a holder
    ("我们公司今年被认定为技术先进型服务企业，公司能分到多少", ""),
    ("我个人能拿多少", ""),
])
def test_a_role_around_the_holder_is_no_applicant(text: str, role: str) -> None:
    denied = extract_facts(text, TODAY, RULESET).denied.get("applicant_types")
    if role:
        assert denied is not None and denied.requirement == ROLE and denied.said == role
    else:
        assert denied is None or denied.requirement != ROLE


@pytest.mark.parametrize(("text", "requirement"), [
    # a participant asking for a share of the leader's award (从这笔300万元里分到多少)
    ("我们是一家做新材料的企业。哈工大（威海）牵头组建的市级技术创新中心2021年获批了，我们是参与共建"
     "单位之一。请问我们企业能从这笔300万元里分到多少？", PARTICIPANT),
    # the counted firms asked for by a pronoun (它们自己能拿多少)
    ("我们是市级孵化器运营公司 2021年在孵的4家企业升了高企 升高企那个奖励它们自己能拿多少",
     COUNTED),
])
def test_who_asks_for_another_s_award(text: str, requirement: str) -> None:
    assert extract_facts(text, TODAY, RULESET).denied["applicant_types"].requirement == requirement


def test_a_partner_of_a_build_another_leads_asks_for_its_side() -> None:
    # 共建 is taking part; 学校这边 is the asker's side: the leader's award is not its own
    text = ("我们大学和一家企业共建了市级技术创新中心，是企业牵头组建的，今年获批。"
            "学校这边能拿多少？")
    assert extract_facts(text, TODAY, RULESET).denied["applicant_types"].requirement \
        == PARTICIPANT
    # 学校这边 of the university that leads is the leader's side: no participant denied
    led = "我们公司参与了一个高校牵头的市级技术创新中心，今年批了。学校这边能拿多少？"
    assert "applicant_types" not in extract_facts(led, TODAY, RULESET).denied


def test_the_asker_leading_without_its_kind_is_its_named_kind() -> None:
    # 我们公司…我们牵头组建的: the company leads (not the university it built with)
    ex = extract_facts("我们公司和山大共建了市级技术创新中心，我们牵头组建的，今年获批，能拿多少？",
                       TODAY, RULESET)
    assert ex.facts["applicant_types"] == {"enterprise"}
