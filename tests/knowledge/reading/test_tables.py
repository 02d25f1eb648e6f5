"""A level, an applicant or a stage a follow-up names (knowledge.reading.tables)."""

from __future__ import annotations

import pytest

from knowledge.awards.vocabulary import default_vocabulary
from knowledge.reading.tables import (
    asker_asks_instead,
    asker_leads,
    level_added,
    merge_tables,
    strip_opening,
)
from knowledge.reading.talk import default_talk

TALK = default_talk()
TOPICS = default_vocabulary().topics


@pytest.mark.parametrize(("rest", "question", "merged", "ref"), [
    # a level swapped, with the verb that gives it
    ("那省级的", "企业牵头建设市级技术创新中心能获得多少补助",
     "企业牵头建设省级技术创新中心能获得多少补助", "level"),
    ("升到国家级以后", "我们的孵化器是省级的，奖多少", "我们的孵化器是升级为国家级的，奖多少",
     "level"),
    # an applicant with its role, swapped where it leads (not the asker's own kind)
    ("要是企业牵头的", "我们是驻威高校，学校牵头组建的市级中心批了，补多少",
     "我们是驻威高校，企业牵头组建的市级中心批了，补多少", "applicant"),
    # another party leading, said as the message says it (the asker's word with it)
    ("换成我们合作的那家企业牵头", "我是学校科研处的，我们学院牵头组建的市级中心，补助是多少",
     "我是学校科研处的，我们合作的那家企业牵头组建的市级中心，补助是多少", "applicant"),
    # the owner taking over a question asked for another party
    ("如果换成我们企业自己牵头", "帮合作高校问一下，他们牵头组建的市级中心批了，补多少",
     "我们企业牵头组建的市级中心批了，补多少", "asker"),
    # a stage: a second time is a renewal
    ("2022年第二次绩效评价也通过了", "市级临床医学研究中心首次通过绩效评价，有多少资金支持",
     "市级临床医学研究中心重新认定通过绩效评价，有多少资金支持", "stage"),
])
def test_a_table_word_takes_the_place_of_the_question_s(rest: str, question: str, merged: str,
                                                         ref: str) -> None:
    refs: list[str] = []
    out, _ = merge_tables(rest, question, (), TALK, TOPICS, refs)
    assert out == merged
    assert ref in refs


def test_others_asked_about_are_no_applicant_of_the_asker() -> None:
    refs: list[str] = []
    question = "我们孵化器有5家在孵企业升了高企，奖多少"
    out, _ = merge_tables("镇上那几家企业，每家能分多少", question, (), TALK, TOPICS, refs)
    assert out == question and "applicant" not in refs


@pytest.mark.parametrize("rest", ["我们还促成了高校成果在威海转化，成交额180万，能补多少",
                                  "帮企业引进了高校的科研成果"])
def test_whose_results_is_no_applicant(rest: str) -> None:
    refs: list[str] = []
    question = "2020年我们是在威海备案的技术转移服务机构，考核优秀，能奖多少"
    out, _ = merge_tables(rest, question, (), TALK, TOPICS, refs)
    assert out == question and "applicant" not in refs


def test_one_more_event_of_another_level_is_said_with_the_subject() -> None:
    question = "前年我们另外一个中心被认定成省级技术创新中心了，能拿多少"
    said = "今年又报了国家级，还在公示没批下来，现在能先拿吗"
    assert level_added(said, question, ("tech_centre",), TALK, TOPICS) == \
        "今年又报了国家级技术创新中心，还在公示没批下来，现在能先拿吗"
    # no addition (a change of the level), or the subject said: none
    assert level_added("那国家级的呢", question, ("tech_centre",), TALK, TOPICS) is None
    # the subject becoming that level: a change of the question (it supersedes)
    assert level_added("后来又升到国家级了", question, ("tech_centre",), TALK, TOPICS) is None
    assert level_added("又报了国家级技术创新中心", question, ("tech_centre",), TALK, TOPICS) is None


def test_the_province_asked_to_pay_is_no_level_of_the_title() -> None:
    refs: list[str] = []
    question = "今年我们牵头的中心被认定为国家技术创新中心，市级支持多少？"
    out, _ = merge_tables("省里是不是也有配套的钱", question, ("tech_centre",), TALK, TOPICS,
                          refs)
    assert out == question and "level" not in refs


@pytest.mark.parametrize("rest", [
    "那要是这个研发机构今年被认定为省级技术创新中心呢",
    "如果明年评上国家级的技术创新中心",
])
def test_a_level_said_with_a_subject_of_its_own_is_that_subject_s(rest: str) -> None:
    refs: list[str] = []
    question = "我们公司和一个研究所在威海合建了个新型研发机构，市里能支持多少"
    out, left = merge_tables(rest, question, ("new_rnd",), TALK, TOPICS, refs)
    assert out == question and "level" not in refs
    assert "技术创新中心" in left and ("省级" in left or "国家级" in left)


def test_the_opening_word_is_stripped() -> None:
    assert strip_opening("那如果是省级的呢？", TALK) == "是省级的"


def test_a_level_supposed_after_no_title_at_all_lifts_the_denial() -> None:
    refs: list[str] = []
    question = "我们的孵化器还没有拿到任何级别的认定，有5家升了高企，能拿奖励吗"
    out, _ = merge_tables("如果当时已经是市级孵化器了", question, ("incubator",), TALK, TOPICS,
                          refs)
    assert out == "我们的市级孵化器，有5家升了高企，能拿奖励吗"


BROKERED = "我们是技术中介 2020年帮本地一家企业从山大买了专利 合同登记了200万 那家企业能拿多少"


@pytest.mark.parametrize(("said", "question", "asked"), [
    ("那我们中介自己能拿吗", BROKERED, BROKERED + "，我们中介自己能拿吗，能拿多少"),
    ("我们能分多少", "买方那家公司这边能拿多少", "买方那家公司这边能拿多少，我们能分多少"),
    # the previous question was the asker's own: nothing to ask again
    ("那我们自己能拿吗", "我们公司买技术登记了200万能拿多少", None),
    # not the asker asking
    ("那家企业能拿吗", BROKERED, None),
])
def test_the_previous_question_asked_again_for_the_asker(said: str, question: str,
                                                          asked: str | None) -> None:
    assert asker_asks_instead(said, question) == asked


JOINT = "我们所和一家企业联合组建了市级技术创新中心 今年获批了 能拿多少"


@pytest.mark.parametrize(("said", "question", "told"), [
    ("是我们所牵头的我们是事业单位", JOINT, JOINT + "，是我们所牵头的我们是事业单位"),
    ("我们牵头", JOINT, JOINT + "，我们牵头"),
    # the question says who leads already, or the message asks: not a statement added
    ("是我们牵头的", "我们公司牵头的市级技术创新中心能拿多少", None),
    ("我们牵头能拿多少", JOINT, None),
])
def test_the_asker_says_it_leads(said: str, question: str, told: str | None) -> None:
    assert asker_leads(said, question) == told

