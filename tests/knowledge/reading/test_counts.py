"""Counts less their parts that do not count, and recipients a government counts
(knowledge.reading.counts)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.awards.vocabulary import default_vocabulary
from knowledge.reading.counts import read_counts, read_spoken_for
from knowledge.reading.extraction import extract_facts
from knowledge.reading.raw import RawExtraction

NOT_COUNTED = {"incubatees_upgraded": ("毕业",), "results_transferred": ("企业之间",)}
PLACES = ("烟台",)


@pytest.mark.parametrize(("text", "incubatee_talk", "fact", "value", "note"), [
    ("孵化器有6家在孵企业升级为高企，其中2家已经超过3年孵化期", True,
     "incubatees_upgraded", 4, "您说有6家，其中2家已经超过3年孵化期 → 按4家计"),
    ("孵化器有5家在孵企业报了高企，只有2家通过", True, "incubatees_upgraded", 2,
     "其中2家通过 → 按2家计"),
    ("孵化器有3家在孵企业申报高企但都没通过", True, "incubatees_upgraded", 0, "按0家计"),
    # an addition put out by what is said of it; not a negated put-out, nor a part's
    ("2020年市级孵化器里有两个在孵企业升级成高企，另外还有一家也升了，但是它入孵已经4年了", True,
     "incubatees_upgraded", 2, ""),
    ("2020年市级孵化器在孵企业升高企，上半年两家，下半年三家，都没出孵化期", True,
     "incubatees_upgraded", 5, "按5家计"),
    # a count of the holders is not of the incubatees
    ("我们运营一个国家级孵化器，2022年孵化器里6家在孵企业升了高企", True,
     "incubatees_upgraded", 6, ""),
    ("2020年在孵企业有6家在孵化期内报高企，4家升级成功，2家没过", True, "incubatees_upgraded",
     4, "其中4家通过 → 按4家计"),
    ("省级孵化器有5家在孵企业报高企，3家升上去了，另外2家被刷", True, "incubatees_upgraded", 3,
     "按3家计"),
    ("众创空间有15家企业升成高企，其中3家是毕业出去以后才评上的", True,
     "incubatees_upgraded", 12, "→ 按12家计"),
    # the whole said before its part in one clause (6家但其中2家…超过三年): less the part
    ("B孵化器升了6家但其中2家入孵超过三年了", True, "incubatees_upgraded", 4, "按4家计"),
    # an incubator's upgrades said without 高企 again (又升了7家)
    ("我们是省级科技企业孵化器，2022年又升了7家，都在孵化期内", True, "incubatees_upgraded", 7,
     ""),
    ("促成了3项高校成果转化，2项在威海，1项在烟台", False, "results_transferred", 2,
     "您说有3项，1项在烟台 → 按2项计"),
    ("促成了3项高校成果转化，买方都在烟台", False, "results_transferred", 0, "都在烟台 → 按0计"),
    ("促成了4项成果转化，另外还有2项在烟台", False, "results_transferred", 4, ""),
])
def test_counts_less_their_parts(text: str, incubatee_talk: bool, fact: str, value: int,
                                 note: str) -> None:
    out = RawExtraction()
    read_counts(text, out, incubatee_talk, NOT_COUNTED, PLACES)
    assert out.facts[fact] == value
    assert (not note and not out.notes) or any(note in n for n in out.notes)


@pytest.mark.parametrize(("text", "held", "applies"), [
    ("我们区有3个镇申报国家创新型乡镇，2个创建成功", {"district_gov"}, {"town_gov"}),
    ("区里今年有三个孵化器被认定为国家级孵化器", {"district_gov"}, {"incubator"}),
    ("辖区5家企业买了技术", {"district_gov"}, {"enterprise"}),
    ("今年我们区报了6家技术先进型服务企业，最后认定下来4家", {"district_gov"}, {"enterprise"}),
    # two kinds counted, or not a government asking: left alone
    ("我们区有3个镇和5家企业", {"district_gov"}, {"district_gov"}),
    ("我们镇有3家企业", {"town_gov"}, {"town_gov"}),
    # one town under it, named; the district's own title stays its own
    ("我们区创建国家创新型县还在评审，下面张村镇已经命名为国家创新型乡镇了", {"district_gov"},
     {"district_gov", "town_gov"}),
    # the district's own level asked: its own, not the town's
    ("2022年我们区创建成了国家创新型县，区里有个镇同年也成了国家创新型乡镇，问我们区本级能拿多少",
     {"district_gov"}, {"district_gov"}),
])
def test_a_government_speaks_for_what_it_counts(text: str, held: set[str],
                                                applies: set[str]) -> None:
    out = RawExtraction(facts={"applicant_types": set(held)})
    read_spoken_for(text, out)
    assert out.facts["applicant_types"] == applies


@pytest.mark.parametrize(("text", "value"), [
    ("市级孵化器第一批过了4家在孵企业高企，第二批又过了5家，不过第二批里有1家早就毕业搬走了", 8),
    # more in another year, or supposed, is not more of this count
    ("2020年孵化器有5家在孵企业升级成高企，如果明年再升5家", 5),
    # the year's halves said apart, the verb said once
    ("2020年我们孵化器在孵企业升高企，上半年两个，下半年三个，都没出孵化期", 5),
])
def test_counts_added_on_in_the_same_year(text: str, value: int) -> None:
    out = RawExtraction()
    read_counts(text, out, True, NOT_COUNTED, PLACES)
    assert out.facts["incubatees_upgraded"] == value


@pytest.mark.parametrize(("text", "value"), [
    ("我们是高区一家软件公司，我们下面的省级孵化器有4家在孵企业升了高企", 4),
    ("作为一家孵化器运营公司，今年有3家在孵企业认定了高企", 3),
    # one incubatee said with 是, not the asker
    ("孵化器里是一家企业升了高企", 1),
    # the operator described with 是一家: no count of incubatees
    ("我们是省级孵化器，运营方是一家国企下属公司。2020年在孵企业升高企12家", 12),
    # the holder described at length (一家市级科技企业孵化器的运营方): no count of incubatees
    ("我们公司是高区一家市级科技企业孵化器的运营方。2022年孵化器里有7家在孵企业在孵化期内升级成了"
     "高新技术企业", 7),
])
def test_the_asker_said_as_one_company_is_no_count(text: str, value: int) -> None:
    out = RawExtraction()
    read_counts(text, out, True, NOT_COUNTED, PLACES)
    assert out.facts["incubatees_upgraded"] == value


@pytest.mark.parametrize(("text", "value"), [
    # the count's own words put the whole count out (a place there does not)
    ("促成了3项企业自有的专利成果在市内转化", 0),
    ("促成了3项烟台大学的成果在威海转化", 3),
    # the rest said after a part: the part is of the count
    ("促成了5项成果转化，有2项没通过登记，剩下的都登记了", 3),
])
def test_a_count_of_a_kind_that_does_not_count(text: str, value: int) -> None:
    out = RawExtraction()
    read_counts(text, out, False, {"results_transferred": ("企业自有",)}, PLACES)
    assert out.facts["results_transferred"] == value


@pytest.mark.parametrize("text", [
    "孵化器12家在孵企业升了高企，其中5家是软件企业",
    "促成了6项高校成果转化，其中2项是给老客户做的",
])
def test_a_part_of_a_count_read_neither_in_nor_out_is_asked(text: str) -> None:
    out = RawExtraction()
    read_counts(text, out, "孵化器" in text, NOT_COUNTED, PLACES)
    assert "incubatees_upgraded" not in out.facts and "results_transferred" not in out.facts
    assert any("是否符合条件未能确定" in n for n in out.notes), out.notes


def test_a_part_of_another_unit_is_no_part_of_the_count() -> None:
    out = RawExtraction()
    read_counts("促成4项高校成果转化，其中一家买方企业自己买了250万", out, False, NOT_COUNTED,
                PLACES)
    assert out.facts["results_transferred"] == 4


@pytest.mark.parametrize(("text", "value"), [
    ("2022年在孵的16家企业报高企，通过了一半，都是孵化期内的", 8),
    ("孵化器里10家在孵企业报高企，一半通过了", 5),
])
def test_half_of_the_count_passed(text: str, value: int) -> None:
    out = RawExtraction()
    read_counts(text, out, True, NOT_COUNTED, PLACES)
    assert out.facts["incubatees_upgraded"] == value


def test_the_asker_and_the_others_are_counted() -> None:
    ex = extract_facts("我们是在孵企业，2022年我们和另外两家一起认定了高企，孵化器是市级的，"
                       "孵化器能拿多少", date(2026, 12, 6))
    assert ex.facts["incubatees_upgraded"] == 3


@pytest.mark.parametrize(("text", "value"), [
    # only those still in the period count (只有3家还在孵化期里)
    ("孵化器2020年有7家在孵企业升了高企，只有3家还在3年孵化期里，另外4家早就超期了", 3),
    # 还有 after 其中, with the rest said: one more part of the count
    ("2022年有9家企业升成了高企，其中2家入孵已经超过3年了，还有1家其实不是我们孵化器的，"
     "剩下的都在孵化期内", 6),
])
def test_parts_of_a_count_said_in_turn(text: str, value: int) -> None:
    out = RawExtraction()
    read_counts(text, out, True, NOT_COUNTED, PLACES)
    assert out.facts["incubatees_upgraded"] == value


@pytest.mark.parametrize(("text", "applicants", "upgraded"), [
    # the asker is the incubatee that upgraded: one, its incubator's award asked about
    ("我是一家在孵企业的老板，我们在一个市级孵化器里，入孵第二年，2022年升成了高企。"
     "想问下孵化器那边能因为我们拿多少？", {"incubator"}, 1),
    ("我们是做科技咨询的科技服务机构，在一个市级孵化器里孵化，2021年第一次认定了高企，"
     "孵化器能拿多少？", {"incubator"}, 1),
    # asking for itself: its own kind, the incubator only where it is
    ("我们是一家做研发设计服务的科技服务机构，现在在孵化器里孵化，2020年首次通过高企认定，"
     "我们公司自己能拿多少？", {"enterprise", "service_institution"}, 1),
])
def test_the_asker_as_the_incubatee_that_upgraded(
        text: str, applicants: set[str], upgraded: int) -> None:
    out = extract_facts(text, date(2026, 12, 6))
    assert out.facts.get("incubatees_upgraded") == upgraded
    held = out.facts.get("applicant_types")
    assert isinstance(held, frozenset) and set(held) == applicants


def test_a_plain_enterprise_in_an_incubator_asking_for_itself_is_no_applicant() -> None:
    out = extract_facts("我们是做传感器的生产企业 在孵化器里 2021年入孵第2年认定了高企 "
                        "孵化器是市级的 我们自己能拿多少", date(2026, 12, 6))
    assert "applicant_types" in out.denied


@pytest.mark.parametrize(("text", "fact", "n"), [
    # only one passed, the others failed: the one counts
    ("我们是市级孵化器，2021年有6家在孵企业报高企，结果只过了1家，其他都被驳回了",
     "incubatees_upgraded", 1),
    ("我们孵化器今年有3家在孵企业报了高企，但都没通过", "incubatees_upgraded", 0),
    # a part said with 只有, then another with 另外: parts of the count
    ("我们技术转移机构撮合了4项高校的成果，只有2项是在威海转化的，另外两项去了外省",
     "results_transferred", 2),
    # the asker and the others, a place said between
    ("我是在孵企业的会计，2020年我们和同一个孵化器里另外两家企业都升了高企，都在孵化期内",
     "incubatees_upgraded", 3),
])
def test_parts_that_failed_or_went_elsewhere(text: str, fact: str, n: int) -> None:
    assert extract_facts(text, date(2026, 12, 6)).facts.get(fact) == n


def test_a_part_of_the_half_that_passed() -> None:
    out = RawExtraction()
    read_counts("19年我们市级众创空间有16家在孵企业报高企，过了一半，不过过了的那一半里有两家"
                "前一年就已经毕业出孵搬走了", out, True, NOT_COUNTED, PLACES)
    assert out.facts["incubatees_upgraded"] == 6


@pytest.mark.parametrize(("text", "value"), [
    # the part that passed said as 4家过了
    ("2020年我们市级众创空间有6家在孵企业报高企，4家过了，2家没通过，都在孵化期内", 4),
    # the rest that failed said right after (4家升级成功2家没过): not put out again
    ("我们是市级孵化器 2020年在孵企业有6家在孵化期内报高企 4家升级成功2家没过", 4),
    # a part of those that passed, put out by the vocabulary's words (满三年)
    ("2022年我们市级孵化器有10家在孵企业报了高企，过了6家，这6家里还有1家孵化期已经满三年了", 5),
    # the words negated (都不满3年) put nothing out
    ("2022年我们省级孵化器一共有7家企业通过了高企认定，5家是在孵企业、入孵都不满3年，"
     "另外2家已经毕业搬出去了", 5),
])
def test_parts_passed_and_put_out(text: str, value: int) -> None:
    specs = default_vocabulary().facts  # the staff's words that put a part out
    out = RawExtraction()
    read_counts(text, out, True, {n: s.not_counted for n, s in specs.items()
                                  if s.kind == "count"}, PLACES)
    assert out.facts["incubatees_upgraded"] == value


@pytest.mark.parametrize(("text", "value"), [
    ("我们代理所2022年代理市内发明专利授权超过了100件", 101),
    ("我们代理所2022年代理市内发明专利授权100多件", 101),
    ("我们代理所2022年代理市内发明专利授权150件", 150),
    # 九十几件: more than 90, fewer than 100 (no more than the threshold either way)
    ("我们代理所2022年代理市内发明专利授权九十几件", 91),
])
def test_more_than_a_count_of_patents(text: str, value: int) -> None:
    out = RawExtraction()
    read_counts(text, out, False, NOT_COUNTED, PLACES)
    assert out.facts["patent_grants"] == value
    assert any("多于" in n for n in out.notes) is (value in (91, 101))


@pytest.mark.parametrize(("text", "value"), [
    # the deals the asker brokered: the results it brought to the city
    ("我们是技术转移服务机构，2020年帮本地一家企业从北京某高校买了3项专利，成交额一共400万", 3),
    ("协助两家企业引进了高校的5项技术", 5),
])
def test_the_deals_brokered_are_results_transferred(text: str, value: int) -> None:
    out = RawExtraction()
    read_counts(text, out, False, {})
    assert out.facts.get("results_transferred") == value


@pytest.mark.parametrize(("text", "value", "approximate"), [
    ("省级孵化器，2021年在孵企业升高企的有十二三家", 12, (12, 13, "十二三家")),
    ("孵化器今年有七八家在孵企业升了高企", 7, (7, 8, "七八家")),
    ("孵化器今年有两三家在孵企业升了高企", 2, (2, 3, "两三家")),
    # some above its tens: 十几家 is 11 to 19
    ("孵化器有十几家在孵企业升了高企，都在孵化期里", 11, (11, 19, "十几家")),
    ("孵化器今年有二十多家在孵企业升了高企", 21, (21, 29, "二十多家")),
    ("孵化器今年有10多家在孵企业升了高企", 11, (11, 19, "10多家")),
    # about those tens: 二十来家 is 18 to 23, 十来家 9 to 13; the verb before it too
    ("孵化器2020年在孵企业里有二十来家在孵化期内升级成了高企", 18, (18, 23, "二十来家")),
    ("市级孵化器2020年在孵升高企二十来家，都在孵化期", 18, (18, 23, "二十来家")),
    ("孵化器今年有十来家在孵企业升了高企", 9, (9, 13, "十来家")),
    # how many there are is no count read: the upgrades said after are
    ("市级孵化器，园区里在孵企业六十多家。在孵企业升高企的情况：2019年6家", 6, None),
    # two numbers not in a row are no range (三五家 is left alone, read as said)
    ("孵化器今年有5家在孵企业升了高企", 5, None),
])
def test_a_count_said_as_two_numbers_in_a_row(text: str, value: int,
                                              approximate: tuple[int, int, str] | None) -> None:
    out = RawExtraction()
    read_counts(text, out, True, NOT_COUNTED, PLACES)
    assert out.facts["incubatees_upgraded"] == value
    assert out.approximate.get("incubatees_upgraded") == approximate


@pytest.mark.parametrize(("text", "value"), [
    ("市级众创空间，2022年在孵企业升级高企的有15家，其中3家已经出了三年孵化期，剩下的都在期内", 12),
    ("市级孵化器去年有8家在孵企业升了高企，其中2家早就过了孵化期", 6),
    ("市级孵化器去年有8家在孵企业升了高企，有1家是在孵化期外升的", 7),
])
def test_the_vocabulary_s_words_put_a_part_out(text: str, value: int) -> None:
    facts = extract_facts(text, date(2026, 12, 6)).facts
    assert facts["incubatees_upgraded"] == value


def test_an_incubatee_said_to_have_upgraded_without_hitech_words() -> None:
    # 还有一家是18年12月升的 (in the incubation period): one incubatee upgraded
    out = RawExtraction()
    read_counts("我们是市级众创空间，一家是2018年12月升的，当时也在孵化期内", out, True,
                NOT_COUNTED, PLACES)
    assert out.facts["incubatees_upgraded"] == 1


@pytest.mark.parametrize(("text", "value"), [
    # all of the count went elsewhere, or none was converted in the city: none counts
    ("我们技术转移机构2020年促成了4项高校成果交易，成交额800万，但合同都是跟外地企业签的，"
     "成果都没在威海落地转化", 0),
    # the rest said to be here (其余都在威海落地): only the part elsewhere is put out
    ("2020年促成了5项成果转化，其中1项在烟台，其余都在威海落地", 4),
    ("我们技术转移机构2020年促成了4项高校成果在威海转化，成交额800万，都登记了", 4),
])
def test_a_count_all_gone_elsewhere(text: str, value: int) -> None:
    out = RawExtraction()
    read_counts(text, out, False, NOT_COUNTED, PLACES)
    assert out.facts["results_transferred"] == value


def test_a_rough_count_less_a_part_stays_rough() -> None:
    out = RawExtraction()
    read_counts("2021年我们孵化器七八家在孵企业升了高企，其中两家其实已经超过三年孵化期了", out,
                True, NOT_COUNTED, PLACES)
    assert out.facts["incubatees_upgraded"] == 5
    assert out.approximate["incubatees_upgraded"][:2] == (5, 6)


@pytest.mark.parametrize(("text", "value", "note"), [
    # the rest said to count, after parts said in words no list has (快四年了)
    ("孵化器2020年有七家在孵企业升成高企了，不过里面有两家是进来孵化都快四年了才升上去的，"
     "其他五家都在三年以内", 5, "其他五家都在三年以内 → 按5家计"),
    ("孵化器2022年报了六家在孵企业升高企，有一家孵化都五年了，有一家没评上，"
     "剩下四家都在三年以内也都评上了", 4, "→ 按4家计"),
    # a rest put out is no rest that counts; a rest not fewer is none
    ("孵化器有6家在孵企业报高企，3家升上去了，剩下三家都没过", 3, "其中3家通过"),
    ("孵化器有3家在孵企业升了高企，其他3家还在申报", 3, ""),
    # a part put out, then the rest said in the words of a part passed (都在3年孵化期内)
    ("2021年一共有8家企业评上了高新技术企业，其中2家入孵已经超过3年了，剩下6家都在3年孵化期内",
     6, "剩下6家都在3年孵化期内 → 按6家计"),
])
def test_the_rest_said_to_count_is_the_count(text: str, value: int, note: str) -> None:
    out = RawExtraction()
    read_counts(text, out, True, NOT_COUNTED, PLACES)
    assert out.facts["incubatees_upgraded"] == value
    assert (not note and not out.notes) or any(note in n for n in out.notes)
