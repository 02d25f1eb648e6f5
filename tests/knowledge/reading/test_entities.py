"""Several recipients, each with its own figure (knowledge.reading.entities)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import Estimate, evaluate
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.entities import compose_recipients, is_split, recipients
from knowledge.reading.estimate import estimate_question
from knowledge.reading.extraction import extract_facts
from knowledge.sources.base import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)
ON = date(2020, 6, 1)


@pytest.mark.parametrize(("text", "names", "questions"), [
    ("两个市级孵化器，分别有8家和13家在孵企业升级为高企",
     ("第1个", "第2个"),
     ("市级孵化器，有8家在孵企业升级为高企", "市级孵化器，有13家在孵企业升级为高企")),
    ("辖区有3家企业拿研发补助，分别是1200万、300万、100万，区级承担多少",
     ("第1家", "第2家", "第3家"),
     ("辖区有企业拿研发补助，是1200万，区级承担多少",
      "辖区有企业拿研发补助，是300万，区级承担多少",
      "辖区有企业拿研发补助，是100万，区级承担多少")),
    ("三个子公司：甲公司买了300万，乙公司买了100万，一共多少",
     ("甲公司", "乙公司"),
     ("三个子公司，甲公司买了300万，一共多少", "三个子公司，乙公司买了100万，一共多少")),
    # a letter said twice, a terse clause restated, the recipients' noun given to it
    ("我们有两个孵化器 A是市级的 B是区级的 2021年A有4家在孵企业升高企 B有3家 总共多少",
     ("A", "B"),
     ("我们有孵化器，A孵化器是市级的，2021年A孵化器有4家在孵企业升高企，总共多少",
      "我们有孵化器，B孵化器是区级的，2021年B孵化器有3家在孵企业升高企，总共多少")),
    # letters beyond A–D, before what the recipient did
    ("区里三家企业享受研发补助：A核定800万，B是1200万，C是300万，县级要出多少",
     ("A", "B", "C"),
     # (the enterprises' count as one: who applies stays read)
     ("区里1家企业享受研发补助，A企业核定800万，县级要出多少",
      "区里1家企业享受研发补助，B企业核定1200万，县级要出多少",
      "区里1家企业享受研发补助，C企业核定300万，县级要出多少")),
    # a terse clause with its noun and verb (乙孵化器升了8家); 都… is said of every one
    ("运营两个市级孵化器，2022年甲孵化器在孵企业升高企11家，乙孵化器升了8家，都在孵化期内，"
     "加起来多少",
     ("甲孵化器", "乙孵化器"),
     ("运营市级孵化器，2022年甲孵化器在孵企业升高企11家，都在孵化期内，加起来多少",
      "运营市级孵化器，2022年乙孵化器在孵企业升高企8家，都在孵化期内，加起来多少")),
    # letters named together, each said once (乙、丙各获得…)
    ("今年三家单位：甲获得国家技术市场奖励，乙、丙各获得省技术市场奖励，一共多少",
     ("甲", "乙", "丙"),
     ("今年单位，甲单位获得国家技术市场奖励，一共多少",
      "今年单位，乙单位获得省技术市场奖励，一共多少",
      "今年单位，丙单位获得省技术市场奖励，一共多少")),
    # one and another (一个…另一个…)
    ("医院牵头两个临床医学研究中心，一个今年首次通过绩效评价，另一个今年升成省级了，一共多少",
     ("一个", "另一个"),
     ("医院牵头临床医学研究中心，一个临床医学研究中心今年首次通过绩效评价，一共多少",
      "医院牵头临床医学研究中心，另一个临床医学研究中心今年升成省级了，一共多少")),
    # the one and the other
    ("环翠区两家企业，一家测算应补1300万，另一家应补400万，市级要分担多少",
     ("一家", "另一家"),
     ("环翠区1家企业，一家企业测算应补1300万，市级要分担多少",
      "环翠区1家企业，另一家企业应补400万，市级要分担多少")),
    # a recipient said to have only a lesser status (C只是市级备案的) is one of them
    ("我们区三家技术转移机构，A是2024年拿了省级示范机构，B是2025年拿了国家级示范机构，"
     "C只是市级备案的，奖励总共多少", ("A", "B", "C"),
     ("我们区技术转移机构，A技术转移机构是2024年拿了省级示范机构，奖励总共多少",
      "我们区技术转移机构，B技术转移机构是2025年拿了国家级示范机构，奖励总共多少",
      "我们区技术转移机构，C技术转移机构只是市级备案的，奖励总共多少")),
    # a recipient named by 一个 says what it is (一个是市级孵化器): not a terse figure
    ("两个孵化平台，一个是市级孵化器，有5家在孵企业升了高企；另一个没有认定，也有4家升了，一共多少",
     ("一个", "另一个"),
     ("孵化平台，一个是市级孵化器，有5家在孵企业升了高企，一共多少",
      "孵化平台，另一个没有认定，有4家在孵企业升了高企，一共多少")),
    # the first recipient named after the year the recipients share; a terse one restated
    # under its own name (另一家有15家)
    ("区里两家市级孵化器2022年一家有8家在孵企业升了高企，另一家有15家，一共能拿多少",
     ("一家", "另一家"),
     ("区里市级孵化器2022年，一家市级孵化器有8家在孵企业升了高企，一共能拿多少",
      "区里市级孵化器2022年，另一家市级孵化器有15家在孵企业升了高企，一共能拿多少")),
    # 一个…；一个…；还有一个…: each one said is another recipient, counted in order
    ("医院有3个市级临床医学研究中心：一个今年第一次通过绩效评价；一个今年是第二次通过；"
     "还有一个今年没评过。能拿多少",
     ("第1个", "第2个", "第3个"),
     ("医院有市级临床医学研究中心，这个今年第一次通过绩效评价，能拿多少",
      "医院有市级临床医学研究中心，这个今年是第二次通过，能拿多少",
      "医院有市级临床医学研究中心，这个今年没评过，能拿多少")),
    # a later clause naming one recipient's carrier goes on about that one, in its year,
    # said as the model clause with its own carrier
    ("公司运营两个载体，一个是市级孵化器，一个是众创空间，还没拿到任何级别的认定。"
     "2021年市级孵化器里3家在孵企业升了高企，众创空间里也有2家升了。一共能奖多少",
     ("第1个", "第2个"),
     ("公司运营载体，这个是市级孵化器，2021年市级孵化器里3家在孵企业升了高企，一共能奖多少",
      "公司运营载体，这个是众创空间，还没拿到任何级别的认定，2021年众创空间里2家在孵企业升了"
      "高企，一共能奖多少")),
])
def test_each_recipient_gets_its_own_question(text: str, names: tuple[str, ...],
                                              questions: tuple[str, ...]) -> None:
    found = recipients(text)
    assert found is not None
    assert found.names == names
    assert found.questions == questions


@pytest.mark.parametrize("text", [
    "2019年和2020年分别买了300万和200万",  # years, no recipients counted before
    "3家企业分别买了300万和200万",  # three recipients, two figures
    "A股上市公司有3家",  # a letter that names no recipient
    "我们孵化器有8家在孵企业升了高企",
    # a clause led by a count of several: groups counted part by part, not recipients
    "我对接的4家技术转移机构今年拿称号了：两家威海的拿了省级技术转移示范机构，一家威海的拿了国家级，"
    "还有一家是济南的机构拿的省级。算下来市里奖多少",
])
def test_no_recipients_listed(text: str) -> None:
    assert recipients(text) is None


def _one(question: str) -> Estimate:
    ex = extract_facts(question, ON, RULESET)
    return evaluate(RULESET, ex.facts, ON, rule_ids=list(ex.candidate_rules), denied=ex.denied)


def test_caps_apply_per_recipient() -> None:
    # 8 × 10万 and 13 × 10万 capped at 100万 each: not 21 × 10万 capped once
    text = "我们有两个市级孵化器，分别有8家和13家在孵企业升级为高企，能拿多少"
    estimate = compose_recipients(text, _one)
    assert estimate is not None and is_split(estimate)
    assert estimate.total_yuan == 1800000
    assert [i.label.split("：")[0] for i in estimate.items if i.outcome == "eligible"] == [
        "第1个", "第2个"]
    assert compose_recipients("我们孵化器有8家在孵企业升了高企", _one) is None


@pytest.mark.parametrize(("text", "total", "away"), [
    # recipients named by their place; one placed elsewhere gets nothing, said so
    ("2020年集团下面三家子公司都买了技术，合同都认定登记了：环翠区那家120万，文登那家300万，"
     "还有一家在青岛的200万。三家一共能拿多少奖励", 740_000, True),
    # asking on the recipients' behalf: each asks for itself, not as the asker's kind
    ("我是做科技中介的，帮三家客户问下2020年购买技术的奖励：A公司在高区，登记合同100万；"
     "B公司在经区，登记合同300万；C公司是烟台的，合同也在登记了150万。三家合计能拿多少",
     700_000, True),
    # 市级那个 of two incubators counted: 市级孵化器
    ("我们有两个孵化器，2019年市级那个有4家在孵企业升高企，区级那个有3家，都在孵化期内，"
     "市里一共奖多少", 400_000, False),
])
def test_recipients_by_place_and_on_behalf(text: str, total: int, away: bool) -> None:
    def one(question: str) -> Estimate:  # each on the date it says, as the engine does
        ex = extract_facts(question, date(2026, 12, 6), RULESET)
        return estimate_question(RULESET, question, date(2026, 12, 6),
                                 list(ex.candidate_rules), ex, ex.as_of or ON,
                                 by_recipient=False)

    vocab = RULESET.vocabulary
    estimate = compose_recipients(text, one, (vocab.home, vocab.elsewhere))
    assert estimate is not None and estimate.total_yuan == total
    assert any("不在威海" in w for w in estimate.warnings) is away


def test_one_said_again_is_another_only_when_as_many_are_counted() -> None:
    # two counted, two said: each another
    found = recipients("我们集团两家子公司 2020年一家买技术花了200万 一家花了50万 都登记了 "
                       "能奖多少")
    assert found is not None and found.names == ("第1家", "第2家")
    # none counted before: 一家 said again goes on about the same one
    again = recipients("2020年一家买技术花了200万，都登记了；一家买了50万，能奖多少")
    assert again is None or not any(n.startswith("第") for n in again.names)


def test_ones_listed_with_a_pause_mark_are_recipients_each() -> None:
    found = recipients("2021年我们区有3家企业首次认定高企：一家检测服务公司、一家知识产权代理公司"
                       "（这两家都是科技服务机构），还有一家机械厂。这3家合计能拿多少？")
    assert found is not None and found.names == ("第1家", "第2家", "第3家")


@pytest.mark.parametrize(("text", "total"), [
    # the recipients described one by one before 分别: each keeps its own level
    ("我是区科技局的 我们区有3个孵化器 一个市级 一个区级 一个省级 2020年分别有3家、5家、2家"
     "在孵企业认定高企 都没超3年 这三个孵化器市里一共能奖多少", 500_000),
    ("我们有两个孵化器，一个国家级一个省级，2020年分别有3家和4家在孵企业升了高企，都在孵化期内，"
     "能拿多少", 700_000),
    # a terse recipient naming only its own level and count (一个市级的有4家)
    ("2020年我们两个孵化器 一个国家级的有13家在孵企业认定高企 一个市级的有4家 都没超过3年孵化期 "
     "一共能拿多少", 1_400_000),
])
def test_recipients_keep_the_level_each_is_described_by(text: str, total: int) -> None:
    def one(question: str) -> Estimate:  # as the engine does, a title held kept out
        ex = extract_facts(question, ON, RULESET)
        return estimate_question(RULESET, question, ON, list(ex.candidate_rules), ex,
                                 ex.as_of or ON, by_recipient=False)

    estimate = compose_recipients(text, one)
    assert estimate is not None and estimate.total_yuan == total
    # the level describes the incubator: its one-time award is no news asked about
    assert not any(i.rule_id == "d106_incubator_national" and i.outcome == "eligible"
                   for i in estimate.items)


def test_a_list_described_in_turn_needs_as_many_descriptions() -> None:
    # one description for two recipients: no one described in turn, the words kept as said
    found = recipients("我们有两个孵化器，一个国家级，2020年分别有3家和4家在孵企业升了高企")
    assert found is not None
    assert all("一个国家级" in q and "这个" not in q for q in found.questions)
    described = recipients("我们有两个孵化器，一个国家级，一个省级，2020年分别有3家和4家在孵企业"
                           "升了高企")
    assert described is not None
    assert ["这个国家级孵化器" in q for q in described.questions] == [True, False]
