"""The party a question asks about (knowledge.reading.party)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.awards.vocabulary import default_vocabulary
from knowledge.reading.extraction import extract_facts
from knowledge.reading.party import asked_party, from_party

VOCAB = default_vocabulary()
SPEC = VOCAB.facts["applicant_types"]
PHRASES = VOCAB.choice_phrases()["applicant_types"]
WORDS = [(v, w.lstrip("…")) for v, label in SPEC.choices
         for w in (label, *PHRASES.get(v, ()), *SPEC.implied_by.get(v, ()))]


@pytest.mark.parametrize(("text", "kind", "said"), [
    ("我们是哈工大威海，把专利卖给本市一家企业，对方企业能拿多少奖励", "enterprise", "对方企业"),
    ("我们是在孵企业，孵化器能拿多少", "incubator", "孵化器"),
    ("我是乳山市科技局的，下面一个镇评上了，乳山市能拿多少", "district_gov", "乳山市"),
    ("我是镇长，镇政府这边能拿多少", "town_gov", "镇政府"),
    # a place said with 上/里 after its head noun; a staff word "…镇" ends on 镇
    ("我们厂所在的镇评上国家创新型乡镇了，那镇上能拿多少", "town_gov", "镇上"),
    ("我们镇成了国家创新型乡镇，同年我们区也成了国家创新型县。区里能拿多少", "district_gov",
     "区里"),
    ("我们学校参与了一个企业牵头的中心，学校这边能拿多少", "university", "学校"),
    # 每家 asks of the ones named just before
    ("我们镇评上了国家创新型乡镇，那镇上那几家企业，每家能分多少？", "enterprise",
     "镇上那几家企业"),
    ("我们大学牵头组建的，大学这边能拿多少", "university", "大学"),
    # asked yes or no, or said as what the party did (卖给我们技术的那所学校, 买的企业)
    ("那卖给我们技术的那所学校能拿吗", "university", "那所学校"),
    ("那买的企业能拿多少？合同登记了，钱也全付了", "enterprise", "企业"),
    ("镇上的企业能从这笔里分到钱吗", "enterprise", "企业"),
    # 他们 / 对方: the one the asker asks for (想帮买方问下)
    ("我们把技术卖给了文登的一家企业，想帮买方问下他们能拿多少奖励", "enterprise", "买方"),
    # 它: the one named before; one said to take part (是参与单位) is who is asked about
    ("跟我们一起建的那家企业是参与单位，它能另外拿一份吗", "enterprise", "企业"),
    # what the message says the party is comes first; a figure before it is no part of it
    ("我们孵化器里的A公司是做检测服务的科技服务机构，入孵2年A公司自己能拿多少",
     "service_institution", "A公司"),
    # an amount before it is no part of it either
    ("我们是技术中介 2020年帮山大威海把一项专利卖给本市A企业 合同登记了180万 A企业能拿多少",
     "enterprise", "A企业"),
    # after the words that ask; a vocabulary word followed by a demonstrative
    ("我们是一家中介机构，帮一家机械公司买了项技术，合同140万。不问我们自己，"
     "就问买方那家公司能拿多少", "enterprise", "买方"),
    ("我们区下面的泽头镇今年被评为国家创新型乡镇。问一下这笔奖励区科技局这边能拿多少？",
     "district_gov", "区科技局"),
    # 对方企业: the one the asker works for (帮一家科技服务机构做的申报)
    ("我们是代理机构，帮一家科技服务机构做的高企申报，对方2022年第一次认定成功了。对方企业能拿多少？",
     "service_institution", "科技服务机构"),
    # asked together (加起来)
    ("帮3家威海企业买了高校的成果，这三家企业加起来能拿多少？", "enterprise", "这三家企业"),
    # a place's government: the place's kind
    ("今年荣成创成了国家创新型县（市），下面石岛镇也评上了国家创新型乡镇，市里给荣成市政府多少",
     "district_gov", "荣成市政府"),
    # the one the paying side gives to (奖给区政府这一块)
    ("我是文登区政府的，区里另外两个镇也创成了国家创新型乡镇，市里奖给区政府这一块是多少",
     "district_gov", "区政府"),
    # the one each award goes to, asked by a bureau (单个企业最多补多少)
    ("区科技局的，问下企业研究开发财政补助，单个企业最多补多少", "enterprise", "企业"),
    # 他们: the one introduced with 一家 before
    ("跟我们合作的一家青岛企业今年获得了国家技术市场奖 他们能从威海这边拿多少", "enterprise",
     "青岛企业"),
])
def test_the_party_asked_about_and_its_kind(text: str, kind: str, said: str) -> None:
    party = asked_party(text, WORDS, VOCAB.patterns.applicants)
    assert party is not None and (party.kind, party.said) == (kind, said)


@pytest.mark.parametrize("text", [
    "我们公司能拿多少",  # the asker itself
    "我们是荣成的一个镇，荣成市评上国家创新型县(市)，我们镇能分到多少",
    "市里给多少",  # the government paying is no party
    "今年认定了技术先进型服务企业，市里能拿多少",  # (from the city, its payer)
    "这个中心能拿多少",  # no applicant kind named
    "能拿多少",
    "撮合了1项专利，这一单我们公司能拿多少",  # the asker, after words about what is asked
    "这次我司能拿多少",
])
def test_no_other_party_asked(text: str) -> None:
    assert asked_party(text, WORDS, VOCAB.patterns.applicants) is None


def test_the_party_asked_about_is_the_applicant() -> None:
    ex = extract_facts("我是乳山市科技局的，我们下面的一个镇今年评上了国家创新型乡镇，"
                       "乳山市能拿多少", date(2026, 12, 6))
    assert ex.facts["applicant_types"] == frozenset({"district_gov"})
    assert any("乳山市" in n for n in ex.notes)


def test_what_was_done_is_no_party() -> None:
    text = "2019年重新认定，2022年又重新认定，这两次重新认定高企一共能拿多少"
    assert asked_party(text, WORDS, VOCAB.patterns.applicants) is None


@pytest.mark.parametrize(("text", "view"), [
    ("我们是卖方，把一项专利卖给了威海另一家企业，150万，合同登记了。对方企业能拿多少",
     "我们是卖方，把一项专利卖给了我们（威海另一家企业），150万，合同登记了。对方企业能拿多少"),
    # the asker asks for itself: as said
    ("我们把专利卖给了一家企业，我们能拿多少", "我们把专利卖给了一家企业，我们能拿多少"),
    # the asker brokered the sale: its brokering is no part of the buyer's view
    ("我们是技术中介 2020年帮山大威海把一项专利卖给本市A企业 合同登记了180万 A企业能拿多少",
     "2020年山大威海把一项专利卖给了我们（本市A企业） 合同登记了180万 A企业能拿多少"),
])
def test_a_sale_to_the_party_asked_about_is_its_purchase(text: str, view: str) -> None:
    assert from_party(text, asked_party(text, WORDS, VOCAB.patterns.applicants)) == view


def test_the_party_gets_what_it_bought() -> None:
    ex = extract_facts("我们学校2019年把一项专利卖给了威海本地一家公司，合同200万，对方去登记了。"
                       "对方企业能拿多少？", date(2026, 12, 6))
    assert ex.facts["registered_tech_purchase_yuan"] == 2_000_000
    assert ex.facts["applicant_types"] == frozenset({"enterprise"})


def test_the_askers_place_is_not_the_party_asked_about() -> None:
    # 我们是青岛的投资方: the asker is outside the city, the company asked about is not
    ex = extract_facts("我们是青岛的投资方，投的一家威海公司今年被认定为技术先进型服务企业。"
                       "那家威海公司能拿多少？", date(2026, 12, 6))
    assert "applicant_types" not in ex.denied
    assert ex.facts["applicant_types"] == frozenset({"enterprise"})


@pytest.mark.parametrize(("text", "kind", "said"), [
    # a firm of the area introduced by its name, the city's money asked of it
    ("区科技局的同事问：辖区的蓝港科技2023年5月被认定为技术先进型服务企业。蓝港科技市级能拿多少？",
     "enterprise", "蓝港科技"),
    # asked for, no asking clause naming it: its kind from 这家企业 said after
    ("区科技局帮辖区的鑫达机械问一下：这家企业2021年签了4份技术购买合同。市级奖励是多少？",
     "enterprise", "鑫达机械"),
])
def test_the_party_asked_for_by_name(text: str, kind: str, said: str) -> None:
    party = asked_party(text, WORDS, VOCAB.patterns.applicants)
    assert party is not None and (party.kind, party.said) == (kind, said)


def test_the_asker_asking_for_itself_is_no_party() -> None:
    assert asked_party("帮我问一下，我们公司认定了技术先进型服务企业，能拿多少", WORDS,
                       VOCAB.patterns.applicants) is None


@pytest.mark.parametrize(("text", "kinds"), [
    ("2019年荣成创建成了国家创新型县（市），俚岛镇也被评为国家创新型乡镇，"
     "市级奖励给荣成市和俚岛镇合计多少？", {"district_gov", "town_gov"}),
    ("我们荣成市和下面的俚岛镇一共能拿多少？2020年荣成市被命名为国家创新型县（市）",
     {"district_gov", "town_gov"}),
])
def test_two_parties_asked_together_both_apply(text: str, kinds: set[str]) -> None:
    party = asked_party(text, WORDS, VOCAB.patterns.applicants)
    assert party is not None and {party.kind, *party.also} == kinds
    assert extract_facts(text, date(2026, 12, 6)).facts["applicant_types"] == kinds


@pytest.mark.parametrize("text", [
    "我们公司和山大合作建的中心，市里给多少",  # a partner in what was built, not asked
    "孵化器和众创空间一共能拿多少",  # one kind: no second party
])
def test_no_two_parties_of_different_kinds(text: str) -> None:
    party = asked_party(text, WORDS, VOCAB.patterns.applicants)
    assert party is None or not party.also
