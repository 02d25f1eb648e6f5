"""Groups of holders counted part by part (knowledge.reading.groups)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import Estimate, evaluate
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.estimate import estimate_question
from knowledge.reading.extraction import extract_facts
from knowledge.reading.groups import compose_groups, groups
from knowledge.sources.base import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
_KB = load_knowledge(KNOWLEDGE)
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", _KB.clause)
# with the documents' validity (107号 repealed on 2023-04-07)
DATED: RuleSet = load_rules(KNOWLEDGE / "rules", _KB.clause, _KB.document)
SUBJECTS = tuple(w for words in RULESET.vocabulary.topics.values() for w in words if len(w) >= 2)
TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(("text", "counts", "questions"), [
    # a level alone takes the subject the head names
    ("2021年我们区认定的国际合作基地 国家级2家 省级3家 按政策市里奖励加一起多少", [2, 3],
     ["2021年我们区认定的国际合作基地，国家级国际合作基地，按政策市里奖励加一起多少",
      "2021年我们区认定的国际合作基地，省级国际合作基地，按政策市里奖励加一起多少"]),
    # the count the parts add up to is their total, spoken of as one holder
    ("今年我们区有三家机构拿到技术市场奖励，一家是国家的，两家是省里的，市里配套奖励一共多少",
     [1, 2],
     ["今年我们区有1家机构拿到技术市场奖励，是国家级技术市场奖励，市里配套奖励一共多少",
      "今年我们区有1家机构拿到技术市场奖励，是省级技术市场奖励，市里配套奖励一共多少"]),
    # a total closing its own clause, before the parts
    ("我们区新认定的国家级载体有4个：2个国家级科技企业孵化器，1个国家专业化众创空间，"
     "还有1个是普通众创空间。一次性奖励加起来多少", [2, 1, 1],
     ["我们区新认定的国家级载体有1个，国家级科技企业孵化器，一次性奖励加起来多少",
      "我们区新认定的国家级载体有1个，国家专业化众创空间，一次性奖励加起来多少",
      "我们区新认定的国家级载体有1个，还有是普通众创空间，一次性奖励加起来多少"]),
    # where the first part counts (and its year) is the next part's
    ("2021年我们区的科技服务机构里首次认定高企的有5家，重新认定的有4家，一共多少", [5, 4],
     ["2021年我们区的科技服务机构里首次认定高企的有，一共多少",
      "2021年我们区的科技服务机构里重新认定的有，一共多少"]),
    # a first count the next parts add up to; a part of its own kind leaves the framing
    ("2020年我们区的科技服务机构有7家，4家是首次认定，3家是重新认定的；另外还有2家制造业企业"
     "也是首次认定。按科技服务机构那个奖励，总共多少", [4, 3, 2],
     ["2020年我们区的科技服务机构有，是首次认定，按科技服务机构那个奖励，总共多少",
      "2020年我们区的科技服务机构有，是重新认定的，按科技服务机构那个奖励，总共多少",
      "另外还有制造业企业也是首次认定，总共多少"]),
])
def test_each_group_gets_its_own_question(text: str, counts: list[int],
                                          questions: list[str]) -> None:
    found = groups(text, SUBJECTS)
    assert [g.count for g in found] == counts
    assert [g.question for g in found] == questions


@pytest.mark.parametrize("text", [
    "我们公司买技术花了300万，能补多少",
    "我们孵化器有8家在孵企业，其中3家升了高企",  # one count
    # 其中…4家 is a part of the count before it, not a group of its own
    "区里首次认定的高企一共15家，其中科技服务机构4家，奖多少",
    # those that applied, then those that passed: one count
    "我们市今年有3个镇报了国家创新型乡镇，批下来2个，这俩镇总共能拿多少",
    "集团两家子公司各自牵头建了个市级技术创新中心，一共补多少",
    # a count before the parts that they do not add up to: not all parts are said
    "我们区4个镇报国家创新型乡镇，今年创成了2个，还有1个只评上省级的，另1个没评上，一共多少",
    # each year's count: the years reader's
    "我们孵化器2019年是市级的，2020年升为国家级孵化器，2019年升高企3家，2020年5家，一共多少",
    # each month's count: the dated reader's
    "2023年在孵企业有12家拿到高企证书，其中8家证书是2023年3月下的，另外4家是12月份才下的",
])
def test_no_groups(text: str) -> None:
    assert groups(text, SUBJECTS) == []


def _one(question: str) -> Estimate:
    ex = extract_facts(question, TODAY, RULESET)
    return evaluate(RULESET, ex.facts, TODAY, rule_ids=list(ex.candidate_rules),
                    denied=ex.denied)


@pytest.mark.parametrize(("text", "total"), [
    ("2025年我们区技术创新中心的情况 新认定省级1家 国家级1家 还有2家企业牵头的刚进市级 "
     "市级层面的补助支持加起来多少", 19000000),
    ("今年我们区有5家进了市级技术创新中心 三家是企业牵头组建的 另外两家一家是哈工大威海牵头 "
     "一家是市里的一个公益性科研院所牵头 市里补助一共多少", 12000000),
    ("2025年我们区新认定的国家级载体有4个：2个国家级科技企业孵化器，1个国家专业化众创空间，"
     "还有1个是国家备案的普通众创空间。一次性奖励加起来多少", 6000000),
    # what the head grants by itself (the county's own title) is granted once
    ("今年我们区创成国家创新型县 有两个镇创成国家创新型乡镇 区里还有一家企业的技术创新中心认定为"
     "省级 这一年市里给到我们区里（政府 镇 企业）一共多少", 12000000),
    # a group led by who has it (区里有2家…, 我们市一共有3家…)
    ("今年区里有2家机构获得省级技术转移示范机构称号 1家获得国家级技术转移示范机构称号 "
     "市里奖励加起来多少", 4000000),
    ("2020年我们市一共有3家单位认定为省级国际合作基地，1家认定为国家级国际合作基地，"
     "按政策奖励一共多少", 2500000),
    # a counted award keeps each part's count, judged on the part's own window (其中一家孵了
    # 4年: none; 另外两家: 2 × 10万)
    ("市级孵化器，2022年有3家在孵企业升了高企，不过其中一家已经在我们这孵了4年了，另外两家是"
     "第2年。孵化器能拿多少", 200000),
    # what the head says before its count is the asker's, granted once (区 500万 + 2×镇 100万)
    ("我是区科技局的。2022年我们区创成了国家创新型县；区里3个镇报国家创新型乡镇，2个过了，"
     "1个没过。区和镇加在一起市里一共奖多少？", 7000000),
    # the head counts the holders the groups part: its title is theirs, per group
    ("学校今年申报了3个市级技术创新中心，都是学校牵头，批了2个，1个没批，总共多少", 6000000),
    # parts said with 其中 that add up to the count before them
    ("今年我们市有5家单位拿了技术市场奖励，其中3家拿的是省技术市场奖，2家是国家技术市场奖，"
     "市里配套一共多少", 700000),
    ("我们这5家科技服务公司2020年都过了高企，其中3家是第一次认定，另外2家是重新认定的，"
     "这5家奖励合计多少", 800000),
    # parts listed with 、, the first naming what the next ones are
    ("我们高区今年国家级技术创新中心1个、省级3个、企业牵头的市级5个，这些中心合计市里给多少",
     35000000),
    # a part said within the count, the rest said as the rest
    ("今年我们区新列进来5个市级技术创新中心，里头2个是高校院所牵头搞的，剩下的都是企业牵头，"
     "这5个加一块市里给多少补助", 12000000),
    ("2020年区里首次认定的高企一共15家，其中科技服务机构4家，其余都是制造业，奖多少", 800000),
    # a part said to have failed gets nothing
    ("我们园区今年有7家企业申请技术先进型服务企业认定，最后过了4家，另外3家没过，"
     "过了的这几家一共奖多少", 800000),
    # a part said to be a repeat gets no first-time award
    ("今年全市有4个市级临床医学研究中心通过了绩效评价，都是我们医院牵头的，其中3个是第一次通过，"
     "另外1个去年就通过过、今年是第二次。市里今年给我们多少？", 3000000),
    # a group less the parts said to be put out
    ("我们集团4家子公司 今年有3家认定了技术先进型服务企业 其中1家是注册在烟台的 另外1家没通过 "
     "一共能拿多少奖励", 400000),
    # the rest of the head's count said as the rest (剩下的是…)
    ("今年市里新批了7个市级技术创新中心，5个是企业牵头的，剩下的是高校院所牵头的，市级补助总额多少",
     16000000),
    ("区里4个市级技术创新中心，1个是企业牵头，其余都是科研院所牵头的，市里一共补多少", 11000000),
    # a part said of some of a group (其中2家首次认定) holds the award, multiplied once
    ("2020年我们集团有6家子公司，3家是检测公司，其中2家首次认定高企；另外3家是制造企业，奖多少",
     400000),
])
def test_one_time_awards_per_holder(text: str, total: int) -> None:
    estimate = compose_groups(RULESET, text, _one)
    assert estimate is not None and estimate.total_yuan == total
    assert any("×" in i.explanation for i in estimate.items)


@pytest.mark.parametrize(("text", "total"), [
    ("我们集团有3家子公司今年认定了技术先进型服务企业，两家在威海注册，一家在青岛，奖励一共多少钱？",
     400_000),
    ("我们集团有3家子公司今年认定了技术先进型服务企业，一家在烟台，两家在威海，一共多少", 400_000),
    # a part placed in the city (高区) counts
    ("我们集团有3家子公司今年认定了技术先进型服务企业，两家在高区，一家在经区，一共多少", 600_000),
])
def test_a_part_placed_outside_the_city_gets_nothing(text: str, total: int) -> None:
    def one(question: str) -> Estimate:
        ex = extract_facts(question, TODAY, RULESET)
        return evaluate(RULESET, ex.facts, TODAY, rule_ids=ex.candidate_rules, denied=ex.denied)

    estimate = compose_groups(RULESET, text, one)
    assert estimate is not None and estimate.total_yuan == total
    assert any("不在威海" in w for w in estimate.warnings) == (total < 600_000)


@pytest.mark.parametrize(("text", "counts", "total"), [
    # a count that says no outcome, parted by the outcomes after it: their total
    ("今年5家医院的市级临床医学研究中心参加绩效评价，3家是第一次通过，1家是第二次通过，"
     "还有1家没通过。今年市里一共要给多少", [3, 1, 1], 3_000_000),
    # a part renewed (复核) gets no one-time award; a part that failed gets nothing
    ("我们公司有4个众创空间今年报国家专业化众创空间：2个认定了，1个落选，"
     "还有1个是2020年就认定过、今年是复核。能拿多少", [2, 1, 1], 4_000_000),
    # a count parted by level is not parted by outcome: the first part is a group
    ("2家国际合作基地是国家级的，1家是省级的，1家是市级的，市里奖励一共多少", [2, 1, 1], None),
])
def test_parts_set_apart_by_their_outcome(text: str, counts: list[int],
                                          total: int | None) -> None:
    assert [g.count for g in groups(text, SUBJECTS)] == counts
    if total is not None:
        estimate = compose_groups(RULESET, text, _one)
        assert estimate is not None and estimate.total_yuan == total


def _dated(question: str) -> Estimate:
    """One group's estimate on the date its own question gives (2023年9月…: 107号 gone)."""
    ex = extract_facts(question, TODAY, DATED)
    return evaluate(DATED, ex.facts, ex.as_of or TODAY, rule_ids=list(ex.candidate_rules),
                    denied=ex.denied)


@pytest.mark.parametrize(("text", "counts", "total"), [
    # what and when said before 有 (省技术市场奖励威海有3家); siblings of other levels are
    # no parts of the first one's count; a part that failed waits for nothing
    ("今年省技术市场奖励威海有3家单位获奖，国家技术市场奖励有1家，还有2家只是被提名没获奖。"
     "市里配套奖励总共多少", [3, 1, 2], 500_000),
    # the year of the parts before is a part's own when it says none
    ("我们区2021年有4家单位认定为省级国际合作基地，1家认定为国家级，后来2023年9月又有2家认定了"
     "省级。市级奖励加起来多少", [4, 1, 2], 3_000_000),
    # a part that names only a level takes the title the part before names
    ("我对接的4家技术转移机构今年拿称号了：两家威海的拿了省级技术转移示范机构，一家威海的拿了"
     "国家级，还有一家是济南的机构拿的省级。算下来市里奖多少", [2, 1, 1], 4_000_000),
    # the head counts those that passed; the part that did not is beside them
    ("区科技局的，2020年我们区新批了3个市级技术创新中心，两个是企业牵头的，一个是哈工大威海"
     "牵头的，另外还有一个当时还在公示没下来。这3个批了的中心市级一共补多少", [2, 1, 1], 7_000_000),
    # one holder pointed at (国家级那家) and placed outside the city
    ("2024年我们这批评上技术转移示范机构的有3家，2家是省级、1家国家级，不过国家级那家注册地在"
     "青岛，威海这边总共奖多少", [2, 1], 2_000_000),
    # a part refined by its outcome (另外2家是到期重新认定，结果只过了1家); the count before
    # is the total said of the parts (5家申报 = 3 + 2)
    ("我们是科技服务业协会的，2022年会员里有5家科技服务机构申报高企，3家第一次申报的都过了，"
     "另外2家是到期重新认定，结果只过了1家，市里这块奖励合计多少", [3, 1], 700_000),
    # the holders the first part names before 有 are the next parts' too
    ("2022年我们区科技服务机构有5家首次认定高企，3家重新认定高企，一共多少", [5, 3], 1_300_000),
])
def test_parts_said_after_what_they_are(text: str, counts: list[int], total: int) -> None:
    assert [g.count for g in groups(text, SUBJECTS)] == counts
    estimate = compose_groups(DATED, text, _dated)
    assert estimate is not None and estimate.total_yuan == total
    assert not estimate.missing


def test_a_failed_part_inside_the_count_does_not_widen_it() -> None:
    """4个…，3个通过了，1个没通过，另外…还有一个: the failed one is of the four (no groups
    that add up); only a failed part said beyond (另外还有一个…没下来) is outside the count."""
    assert groups("我们医院牵头的4个市级临床医学研究中心，今年第一次参加绩效评价，3个通过了，"
                  "1个没通过，另外前年还有一个中心升了省级，今年能拿多少", SUBJECTS) == []


def test_what_was_left_out_is_said_first() -> None:
    """A phone shows the first warnings only: the holder left out comes before the rest."""
    text = ("2024年我们这批评上技术转移示范机构的有3家，2家是省级、1家国家级，"
            "不过国家级那家注册地在青岛，威海这边总共奖多少")
    estimate = compose_groups(DATED, text, _dated)
    assert estimate is not None
    assert "未计入" in estimate.warnings[1] and "青岛" in estimate.warnings[1]


def test_groups_set_apart_by_who_leads_with_the_subject_written_back() -> None:
    """区…有3家企业牵头组建的…，还有1家是驻区高校牵头组建的: the second group's subject
    is the first's, its leader its own; each group's award times its count."""
    text = ("区科技局这边问一下：今年我们区有3家企业牵头组建的市级技术创新中心获批，"
            "还有1家是驻区高校牵头组建的，市里对这几个中心一共补助多少？")
    today = date(2026, 12, 6)
    ex = extract_facts(text, today, RULESET)
    estimate = estimate_question(RULESET, text, today, list(ex.candidate_rules), ex,
                                 ex.as_of or today)
    assert estimate.total_yuan == 9_000_000



def test_one_more_said_to_wait_after_its_clause_is_no_group_of_the_total() -> None:
    """…三个…：两个…，一个…；另外还有一个报了，到现在没消息: the three are the total,
    the fourth waits (its wait said in the clause after its own)."""
    text = ("我是高区科技局的。2024年我们区有三个技术创新中心被列入市级试点：两个是企业牵头的，"
            "一个是山大（威海）牵头的；另外还有一个报了，到现在没消息。批了的这三个能拿的市级资金"
            "加一起是多少？")
    assert [g.count for g in groups(text, SUBJECTS)] == [2, 1, 1]
