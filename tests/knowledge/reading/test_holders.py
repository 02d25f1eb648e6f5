"""Titles another party holds, left out of a government's own share."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.estimate import estimate_question
from knowledge.reading.extraction import extract_facts
from knowledge.reading.holders import (
    another_holder,
    own_kind_said,
    own_share_asked,
    theirs,
    title_words,
)
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
_KB = load_knowledge(KNOWLEDGE)
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", _KB.clause, _KB.document)


def _total(question: str) -> int:
    ex = extract_facts(question, TODAY, RULESET)
    return estimate_question(RULESET, question, TODAY, list(ex.candidate_rules), ex,
                             ex.as_of or TODAY).total_yuan


@pytest.mark.parametrize(("question", "total"), [
    # the town's own share: the enterprise's centre is the enterprise's
    ("我是镇长，我们镇今年评上国家创新型乡镇了，镇上还有一家企业的技术创新中心认定为省级，"
     "镇政府这边能拿多少", 1_000_000),
    # the district's own share: the firm leading the national centre is no applicant of it
    ("2025年咱们环翠区创成了国家创新型县（市），同年辖区一家医疗器械企业牵头的技术创新中心被认定为"
     "国家级。光问区政府这边，市里给多少？", 5_000_000),
    # no own share asked: both told
    ("我们镇今年评上国家创新型乡镇了，镇上还有一家企业的技术创新中心认定为省级，一共能拿多少",
     6_000_000),
    # a bureau asking about a firm of its district: the firm's award
    ("我是区科技局的，辖区一家企业牵头的市级技术创新中心今年批了，能拿多少", 2_000_000),
    # the government named as the one given to: its own share
    ("我们是文登区政府，区里一家企业牵头的技术创新中心今年被认定为省级，市里给区政府多少奖励？", 0),
    # a bureau asking for itself (我局本身) of a title a firm of its area obtained
    ("我局是某区科技局。前年辖区内一家企业被认定为国家级技术创新中心。"
     "请问我局本身能申请到多少钱？", 0),
    # a firm's award said with a time and 获得, the district's own share said in brackets
    ("我是区科技局的。我们区2019年被创建为国家创新型县（市），辖区一家企业同年获得一项国家技术市场"
     "奖励。区里（不含企业）能拿多少市级奖励？", 5_000_000),
], ids=["town-share", "district-share", "all-asked", "firm-asked-about", "given-to-the-district",
        "bureau-itself", "firm-award-by-pattern"])
def test_a_government_s_own_share(question: str, total: int) -> None:
    assert _total(question) == total


@pytest.mark.parametrize(("said", "another"), [
    ("镇上还有一家企业的技术创新中心", True),
    ("辖区一家医疗器械企业牵头的", True),
    ("我们公司牵头的", False),
    ("前年辖区内一家企业被认定为国家级技术创新中心", True),
    ("我们公司被认定为国家级技术创新中心", False),
    ("辖区一家企业同年获得一项国家技术市场奖励", True),
])
def test_another_holder(said: str, another: bool) -> None:
    assert another_holder(said) is another


@pytest.mark.parametrize(("text", "own"), [
    ("镇政府这边能拿多少", True),
    ("光问区政府，市里给多少", True),
    ("一共能拿多少", False),
    ("市里给区政府多少奖励", True),
    ("市里给我们镇政府多少", True),
    ("区里（不含企业）能拿多少市级奖励", True),
])
def test_own_share_asked(text: str, own: bool) -> None:
    assert own_share_asked(text) is own


def test_title_words_name_a_rule_s_titles_not_who_applies() -> None:
    words = title_words(RULESET, RULESET.get("d106_clinical_centre_city"))
    assert any("临床医学研究中心" in w for w in words)
    assert title_words(RULESET, None) == []
    long = title_words(RULESET, RULESET.get("d106_clinical_centre_city"), 3)
    assert long and all(len(w) >= 3 for w in long)


def test_an_award_left_out_says_why_not_what_it_gives() -> None:
    question = ("我们是文登区政府，区里一家企业牵头的技术创新中心今年被认定为省级，"
                "市里给区政府多少奖励？")
    ex = extract_facts(question, TODAY, RULESET)
    estimate = estimate_question(RULESET, question, TODAY, list(ex.candidate_rules), ex,
                                 ex.as_of or TODAY)
    out = [i for i in estimate.items if i.outcome == "ineligible"]
    assert out and all(i.explanation.startswith("不符合条件：") for i in out)
    assert not any("给予500万元" in i.explanation for i in out)


@pytest.mark.parametrize(("text", "title", "said_of_others"), [
    ("我们是区级孵化器，隔壁的市级孵化器说他们每家拿了10万", "市级孵化器", True),
    ("朋友公司去年评上了技术先进型服务企业，我们今年也评上了技术先进型服务企业",
     "技术先进型服务企业", True),
    ("我们孵化器是市级孵化器", "市级孵化器", False),
    ("我们隔壁的孵化器，我们自己的市级孵化器去年升了国家级", "市级孵化器", False),
    ("2025年我们镇和隔壁镇一起报的国家创新型乡镇", "国家创新型乡镇", False),
])
def test_a_title_said_of_a_neighbour_or_friend_is_theirs(text: str, title: str,
                                                         said_of_others: bool) -> None:
    at = text.index(title)
    start = max(text.rfind(p, 0, at) for p in "，。") + 1
    assert theirs(text, start, at) is said_of_others


def test_a_neighbour_s_title_is_no_title_of_the_asker() -> None:
    ex = extract_facts("我们是区级孵化器。2021年有4家在孵企业升了高企，隔壁的市级孵化器说他们"
                       "每家拿了10万。我们能拿多少？", date(2026, 12, 6))
    assert "incubation_titles" not in ex.facts
    assert any("其他单位" in n for n in ex.notes)


@pytest.mark.parametrize(("text", "held", "said"), [
    # a region's title beside the asker naming itself a firm: the firm applies as itself
    ("单位：荣成某纺织企业；事项：2021年荣成市创建为国家创新型县（市）；问：我们企业作为辖区企业"
     "能分到多少？", frozenset({"enterprise", "district_gov"}), "我们企业"),
    # the government said among the asker's own words: it stays
    ("我是荣成市科技局的，我们企业多，2021年荣成市创建为国家创新型县，能拿多少",
     frozenset({"enterprise", "district_gov"}), ""),
    ("我们企业2021年买了技术，能拿多少", frozenset({"enterprise"}), ""),
])
def test_the_asker_naming_its_kind_beside_a_region_title(text: str, held: frozenset[str],
                                                         said: str) -> None:
    assert own_kind_said(text, {"applicant_types": held}) == said
    if said:
        assert extract_facts(text, TODAY, RULESET).facts["applicant_types"] == {"enterprise"}
