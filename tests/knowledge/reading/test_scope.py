"""Scope in a question (knowledge.reading.scope): negation before, failure after."""

from __future__ import annotations

import re

import pytest

from knowledge.reading.scope import (
    IF,
    asks_repeat,
    awaiting_result,
    failed_after,
    failed_in_region,
    is_negated,
    pending,
    renewed,
    repeated,
    supposed_after,
    supposed_otherwise,
)


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.mark.parametrize(("text", "phrase"), [
    ("我们镇参评国家创新型乡镇，没评上，能拿多少", "国家创新型乡镇"),
    ("申报国家级孵化器没批下来", "国家级孵化器"),
    ("中心2020年做绩效评价没通过", "绩效评价"),
    ("合同登记被退回来了", "登记"),
    ("申请省级技术创新中心落选了", "省级技术创新中心"),
    ("我司2022年报了省级国际合作基地，没发文认定", "省级国际合作基地"),
    # the asker's next step with it, in a clause of its own naming nothing else
    ("同年报的国家技术市场奖励，我们报上去以后又主动撤回了。能拿多少", "国家技术市场奖励"),
    ("技术先进型服务企业还没去申报。目前能拿多少？", "技术先进型服务企业"),
])
def test_an_outcome_after_what_was_sought_denies_it(text: str, phrase: str) -> None:
    assert failed_after(text, *_span(text, phrase))


@pytest.mark.parametrize(("text", "phrase"), [
    ("我们认定了国家创新型乡镇，能拿多少", "国家创新型乡镇"),
    ("国家级孵化器批下来了，没想到这么快", "国家级孵化器"),  # a long next clause
    ("申报国家级孵化器没批下来，但孵化器里有两家企业升成了高企", "高企"),
    ("绩效评价通过了，但没拿到钱之前想问问", "绩效评价"),
    # the next clause about the money, or about another part: not the title's outcome
    ("认定了国家级孵化器，我们到现在还没拿到钱，能拿多少", "国家级孵化器"),
    ("认定了国家级孵化器，我们另一个基地去年没批下来", "国家级孵化器"),
])
def test_an_outcome_that_is_not_a_failure_of_the_span(text: str, phrase: str) -> None:
    assert not failed_after(text, *_span(text, phrase))


@pytest.mark.parametrize(("text", "phrase", "negated"), [
    ("合同还没登记", "登记", True),
    ("我们不是市级试点", "市级试点", True),
    ("能不能申请市级试点", "市级试点", False),
    ("合同不到100万，已经登记", "登记", False),
    ("还有一份100万的当时忘了登记", "登记", True),
])
def test_a_negation_governs_the_rest_of_its_clause(text: str, phrase: str,
                                                    negated: bool) -> None:
    assert is_negated(text, *_span(text, phrase)) is negated


@pytest.mark.parametrize(("text", "says"), [
    ("2022年第二次评价也过了", True), ("再次通过了绩效评价", True),
    ("首次通过绩效评价", False),
])
def test_a_repeat_is_read_in_its_clause(text: str, says: bool) -> None:
    assert repeated(text, 0, len(text)) is says


@pytest.mark.parametrize(("text", "says"), [
    ("市级临床医学研究中心通过了绩效评价，今年是第二次", True),
    ("临床医学研究中心通过了绩效评价，去年就通过过", True),
    ("临床医学研究中心通过了绩效评价，今年是第一次", False),
])
def test_a_repeat_said_after_the_title_before_the_next(text: str, says: bool) -> None:
    end = text.index("绩效评价") + 4
    assert repeated(text, 0, end, len(text)) is says
    assert repeated(text, 0, end) is False  # (its own clause says no repeat)


@pytest.mark.parametrize(("text", "says"), [
    ("2021年首次通过已经拿过钱了，2023年第二次通过，这次能拿多少", True),
    ("这次能拿多少", False),  # no repeat stated
    # a second round, asked whether paid again
    ("今年头一回通过绩效评价，还再给一百万吗，明年第二轮评价要是也过了", True),
])
def test_a_question_about_the_repeat(text: str, says: bool) -> None:
    assert asks_repeat(text) is says


@pytest.mark.parametrize(("text", "phrase", "failed"), [
    # the status said a clause or two later, the last outcome winning
    ("今年申报国家级科技企业孵化器，材料报上去了还没批下来", "国家级科技企业孵化器", True),
    ("大学科技园2022年申报省级大学科技园，最后没批下来", "省级大学科技园", True),
    ("市级临床医学研究中心刚建起来，绩效评价还没开始做", "市级临床医学研究中心", True),
    ("升省级那个没成", "升省级", True),
    ("申报国家创新型县没创建成功，不过有一个镇创建成功了", "国家创新型县", True),
    ("国家创新型乡镇现在还在公示期，还没正式命名", "国家创新型乡镇", True),
    ("绩效评价第一次没过，后来又评，终于过了", "绩效评价", False),
    # another part, year or level, or money, is not the title's own status
    ("3个镇申报国家创新型乡镇，最后2个创建成功，1个没成", "国家创新型乡镇", False),
    ("一个认定为省级国际合作基地，另一个报国家级的没批下来", "省级国际合作基地", False),
    ("认定了国家级孵化器，钱还没拿到", "国家级孵化器", False),
    ("去年申报技术先进型服务企业没认定上，今年高企首次通过了", "技术先进型服务企业", True),
    ("申请技术先进型服务企业被打回来了", "技术先进型服务企业", True),
    ("市级技术创新中心的材料也还没交", "市级技术创新中心", True),
    ("报了国家级科技企业孵化器 只是报了名还没评审", "国家级科技企业孵化器", True),
    # a contrast about the same title is its status; about another, not
    ("省级技术创新中心也报了但是没评上", "省级技术创新中心", True),
    ("国家级孵化器没评上，但省级孵化器评上了", "国家级孵化器", True),
    ("国家级孵化器认定了，但省级孵化器没评上", "国家级孵化器", False),
    ("国家级孵化器没评上，但认定了省级孵化器", "国家级孵化器", True),
    # failures said in other words
    ("今年申报国家创新型县黄了", "国家创新型县", True),
    ("国家级技术创新中心差一点没过", "国家级技术创新中心", True),
    ("技术先进型服务企业还在走流程没认定呢", "技术先进型服务企业", True),
    ("升省级临床医学研究中心更没影", "省级临床医学研究中心", True),
    ("2家在孵企业申报高企被刷", "高企", True),
    ("申报省级技术创新中心没有被认定", "省级技术创新中心", True),
    ("国家级孵化器复核没过被取消了", "国家级孵化器", True),
    ("申报国家技术转移示范机构遗憾落榜", "国家技术转移示范机构", True),
    ("市级技术创新中心的认定暂缓了", "市级技术创新中心", True),
    # the clause naming the next title is that title's status
    ("如果国家级技术创新中心没批下来，只给认定了省级技术创新中心", "国家级技术创新中心", True),
    # a failure after the next title, in the same clause, is that title's; unless the two
    # are joined (both failed)
    ("我们市级孵化器申报国家级孵化器失败了", "市级孵化器", False),
])
def test_the_status_region_of_a_title(text: str, phrase: str, failed: bool) -> None:
    start, end = _span(text, phrase)
    # (until: where the next title, another level of it, is named)
    until = next((m.start() for m in re.finditer(r"(国家级|省级|市级)", text) if m.start() >= end),
                 len(text))
    assert failed_in_region(text, start, end, until) is failed


@pytest.mark.parametrize(("text", "phrase", "awaited"), [
    ("明年打算申报国家级技术转移示范机构，加起来能拿多少", "国家级技术转移示范机构", True),
    ("市级中心获批了 省级技术创新中心还在等 能拿多少", "省级技术创新中心", True),
    ("国家专业化众创空间还在等结果", "国家专业化众创空间", True),
    ("技术先进型服务企业，申报中", "技术先进型服务企业", True),
    ("国家创新型乡镇 还在评审", "国家创新型乡镇", True),
    ("今年认定了省级技术创新中心，能拿多少", "省级技术创新中心", False),
    # a time word between the plan and the step (打算明年申报)
    ("我们正在筹备，打算明年申报省级技术创新中心", "省级技术创新中心", True),
    # another part's wait is not this title's
    ("国家级孵化器认定了，2家在等", "国家级孵化器", False),
    # handed in, its result awaited
    ("去年申请技术先进型服务企业，材料交上去了还在审，另外中心批了", "技术先进型服务企业", True),
    ("申报技术先进型服务企业，材料交上去了，批了", "技术先进型服务企业", False),
    # the wait said with 到现在 / 没消息
    ("另外今年我们报了技术先进型服务企业，到现在还在审，没消息。", "技术先进型服务企业", True),
    ("今年报了技术先进型服务企业，一直没消息", "技术先进型服务企业", True),
    # who reviews it, said between (还在部里评审)
    ("我们区创建国家创新型县这个事还在部里评审", "国家创新型县", True),
    # a renewal only intended (想着到期重新认定再拿十万)
    ("首次认定高企是2022年12月，想着到期重新认定高企再拿十万", "重新认定高企", True),
    ("首次认定高企是2022年12月，到期重新认定高企了", "重新认定高企", False),
])
def test_a_title_planned_or_awaited_is_pending(text: str, phrase: str, awaited: bool) -> None:
    assert pending(text, *_span(text, phrase)) is awaited


@pytest.mark.parametrize(("text", "phrase", "again"), [
    ("绩效评价2024年通过了，2025年第二次评价也过了", "第二次评价", True),
    # a second try after a failure is the first pass
    ("2024年第一次参加绩效评价没通过，2025年第二次评价通过了", "第二次评价", False),
])
def test_a_repeat_is_not_a_second_try_after_a_failure(text: str, phrase: str,
                                                      again: bool) -> None:
    assert repeated(text, *_span(text, phrase)) is again


@pytest.mark.parametrize(("text", "lifted"), [
    ("合同没去登记，假如当时登记了，能拿多少", "合同登记，假如当时登记了，能拿多少"),
    ("省级中心还没批下来，要是批下来了能拿多少", "省级中心批下来，要是批下来了能拿多少"),
    ("孵化器还没通过国家级认定，如果认定了呢", "孵化器通过国家级认定，如果认定了呢"),
    # the supposition is of another step, or says it not done either: kept
    ("合同没登记，如果再买一份呢", "合同没登记，如果再买一份呢"),
    ("合同没登记，要是还没登记呢", "合同没登记，要是还没登记呢"),
    ("合同没登记，能拿多少", "合同没登记，能拿多少"),  # no supposition
    # a step said in one character (还没批), a result awaited (还在公示)
    ("中心还没批，要是批下来能拿多少", "中心批，要是批下来能拿多少"),
    ("中心还在公示，要是批了能拿多少", "中心已，要是批了能拿多少"),
    # a supposition of another level: the result awaited stays
    ("市级中心还在公示，要是批了省级能拿多少", "市级中心还在公示，要是批了省级能拿多少"),
    # a fall-through supposed not to have happened (没撤回): the fall-through lifted
    ("其中80万那项后来撤回了，能补多少，如果80万那项没撤回",
     "其中80万那项后来，能补多少，如果80万那项"),
    ("1项黄了，要是没黄呢", "1项，要是呢"),
])
def test_a_step_supposed_done_lifts_its_denial(text: str, lifted: str) -> None:
    assert supposed_otherwise(text) == lifted


@pytest.mark.parametrize(("text", "phrase", "waits"), [
    # applied for, the result awaited in the clauses after: not obtained, in its words
    ("我们镇申报国家创新型乡镇，材料已经报上去了，结果还没出来，镇里能拿多少", "国家创新型乡镇",
     "结果还没出来"),
    ("我们申报了国家级孵化器，还在等结果，能拿多少", "国家级孵化器", "还在等结果"),
    ("国家级技术创新中心今年报了还没结果，去年那个能拿多少", "国家级技术创新中心",
     "国家级技术创新中心今年报了还没结果"),
    # only planned: asked about as if obtained (not awaited)
    ("我们明年打算申报国家级孵化器，能拿多少", "国家级孵化器", ""),
    ("我们国家级孵化器批了，能拿多少", "国家级孵化器", ""),
])
def test_a_result_awaited(text: str, phrase: str, waits: str) -> None:
    assert awaiting_result(text, *_span(text, phrase)) == waits


@pytest.mark.parametrize(("text", "says"), [
    ("1个是第二次通过（第一次是2020年过的）", True),
    ("还有1个是2020年就认定过，今年是复核", True),
    ("去年第一次通过时已经拿过钱", True),
    ("到期后又认定通过了", True),
    ("2个认定了", False),
    ("3家是第一次评就通过了", False),
    ("1家没通过", False),
])
def test_a_part_renewed_or_paid_before(text: str, says: bool) -> None:
    assert renewed(text) is says


def test_a_supposition_after_a_title_awaited() -> None:
    text = "省级技术创新中心还在等，要是批了能拿多少"
    assert supposed_after(text, 0) and not supposed_after("省级技术创新中心还在等，能拿多少", 0)



def test_titles_joined_share_the_status_said_after_both() -> None:
    text = "国家技术市场奖和省技术市场奖都报了 都没评上"
    start, end = _span(text, "国家技术市场奖")
    assert failed_in_region(text, start, end, text.index("省技术市场奖"))
    text = "我们市级孵化器申报国家级孵化器失败了"
    start, end = _span(text, "市级孵化器")
    assert not failed_in_region(text, start, end, text.index("国家级孵化器"))


@pytest.mark.parametrize(("text", "planned"), [
    ("我们公司今年认定省级技术创新中心了，明年打算冲国家级技术创新中心", True),
    ("2022年再报才成了省级技术创新中心", False),
    ("2022年打算报，报了才成了省级技术创新中心", False),
])
def test_a_level_sought_is_planned_unless_obtained(text: str, planned: bool) -> None:
    start = text.rfind("技术创新中心") - 3
    assert pending(text, start, start + 9) is planned


@pytest.mark.parametrize(("text", "supposes"), [
    ("要是升了国家级能拿多少", True),
    ("如果认定成功能拿多少", True),
    ("客户主要是本地的施工单位和港口", False),
    ("只要是在孵企业都算", False),
])
def test_a_supposition_and_words_that_only_contain_its_word(text: str, supposes: bool) -> None:
    assert bool(IF.search(text)) is supposes
