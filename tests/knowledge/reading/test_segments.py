"""A sentence read in segments: spans, elided subjects, excluded parts, years."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.reading.segments import (
    fill_elided_subjects,
    relative_years,
    respective_years,
    segments,
    shared_outcome,
    year_parts,
    year_segments,
)

NOUNS = ["技术创新中心", "试点技术创新中心", "临床医学研究中心", "孵化器", "高企"]


def test_segments_split_at_punctuation_connectives_and_years() -> None:
    parts = [s.text for s in segments("中心2019年列入市级试点，2021年又认定为省级，一共多少")]
    assert parts == ["中心", "2019年列入市级试点", "2021年", "又认定为省级", "一共多少"]


@pytest.mark.parametrize(("text", "filled"), [
    ("技术创新中心2019年列入市级试点，2021年又认定为省级，一共多少",
     "技术创新中心2019年列入市级技术创新中心试点，2021年又认定为省级技术创新中心，一共多少"),
    ("市级临床医学研究中心通过评价，后来又升级为省级，能拿多少",
     "市级临床医学研究中心通过评价，后来又升级为省级临床医学研究中心，能拿多少"),
    ("技术创新中心还没列入市级试点，如果直接认定为省级的能拿多少",
     "技术创新中心还没列入市级技术创新中心试点，如果直接认定为省级技术创新中心的能拿多少"),
    ("技术创新中心明年认定为国家级，给多少", "技术创新中心明年认定为国家级技术创新中心，给多少"),
    ("技术创新中心今年被批为市级，后年再升成省级", "技术创新中心今年被批为市级技术创新中心，"
     "后年再升成省级技术创新中心"),
    ("高企证书到期了，2022年重新认定又通过了", "高企证书到期了，2022年重新认定高企又通过了"),
    ("市级临床医学研究中心，第一次绩效评价过了",
     "市级临床医学研究中心，临床医学研究中心第一次绩效评价过了"),
    ("市级临床医学研究中心，2021年第一次通过绩效评价",
     "市级临床医学研究中心，2021年临床医学研究中心第一次通过绩效评价"),
    ("技术创新中心，市级的已经批下来了，省级的申请被退回",
     "技术创新中心，市级技术创新中心已经批下来了，省级技术创新中心申请被退回"),
    ("孵化器 国家级的没通过 省级的认定了", "孵化器 国家级孵化器没通过 省级孵化器认定了"),
    ("技术创新中心国家级差一点没过，最后认定的是省级",
     "技术创新中心国家级差一点没过，最后认定的是省级技术创新中心"),
    ("不是国家级孵化器，而是省级的称号", "不是国家级孵化器，而是省级孵化器的称号"),
    ("认定国家级孵化器一家，省级俩", "认定国家级孵化器一家，省级孵化器俩"),
    ("孵化器2022年升的省级", "孵化器2022年升的省级孵化器"),
    ("技术创新中心2019年批了市级，2021年认定省级",
     "技术创新中心2019年批了市级技术创新中心，2021年认定省级技术创新中心"),
    ("市级技术创新中心获批，去年认定为高企，今年这个中心又升成省级了",
     "市级技术创新中心获批，去年认定为高企，今年这个中心又升成省级技术创新中心了"),
    ("两个企业去年认定高企 三个今年认定 一共多少",
     "两个企业去年认定高企 三个今年认定高企 一共多少"),
    ("两个企业牵头的市级技术创新中心，还有一个高校牵头的，都批了",
     "两个企业牵头的市级技术创新中心，还有一个高校牵头的市级技术创新中心，都批了"),
    ("2019年列入市级试点技术创新中心，2022年认定为省级",
     "2019年列入市级试点技术创新中心，2022年认定为省级技术创新中心"),
    ("第一次拿高企是2016年，2019年到期没续上，2020年又重新申报通过了认定",
     "第一次拿高企是2016年，2019年到期没续上，2020年又重新申报通过了认定高企"),
    ("技术创新中心：2021年省级，2023年2月国家级",
     "技术创新中心：2021年省级技术创新中心，2023年2月国家级技术创新中心"),
    ("2020年A公司认定为省级技术创新中心，2021年B公司也获批了",
     "2020年A公司认定为省级技术创新中心，2021年B公司也获批了省级技术创新中心"),
], ids=["later-upgrade", "clinical-upgrade", "denied-then-hypothetical", "same-segment",
        "approved-as-a-level", "renewal", "ordinal-event", "dated-ordinal-event",
        "levels-with-outcomes",
        "levels-spaced", "level-said-after-the-verb", "level-said-instead",
        "level-counted", "level-after-its-verb-and-de", "level-granted",
        "this-centre-names-the-noun-before", "a-count-whose-verb-closes-it",
        "a-count-whose-leader-closes-it", "city-pilot-then-provincial",
        "renewal-applied-again", "year-month-level", "also-obtained"])
def test_a_level_without_its_subject_gets_the_subject_back(text: str, filled: str) -> None:
    assert fill_elided_subjects(text, NOUNS) == filled


@pytest.mark.parametrize(("text", "filled"), [
    ("我们的省级技术创新中心认定为国家级了，能拿多少钱",
     "我们的省级技术创新中心认定为国家级技术创新中心了，能拿多少钱"),
    ("如果我们的省级技术创新中心能升级为国家级，能拿多少钱",
     "如果我们的省级技术创新中心能升级为国家级技术创新中心，能拿多少钱"),
])
def test_the_level_a_noun_becomes_in_its_own_segment(text: str, filled: str) -> None:
    assert fill_elided_subjects(text, NOUNS) == filled


@pytest.mark.parametrize("text", [
    "我司被认定为国家级技术创新中心了，市级能给多少？",  # the paying level, not a title
    "我们是省级技术转移示范机构，国家级的呢",  # a level with its own noun is left alone
    "孵化器有什么奖励",
    "技术创新中心认定了，市级的奖励是多少",  # a level's money, not a title
    "高企第一次没评上，这算首次认定还是重新认定？",  # a stage asked about, not said
])
def test_other_levels_are_left_alone(text: str) -> None:
    assert fill_elided_subjects(text, NOUNS) == text


def test_year_segments_keep_who_asks_and_the_question_in_every_year() -> None:
    parts = year_segments("我们公司2019年买技术花了300万，2020年又买了200万，合同都登记了，"
                          "两年一共能拿多少？")
    assert parts == [
        # the head as written: 我们公司2019年… stays one clause
        (2019, "我们公司2019年买技术花了300万，合同都登记了，两年一共能拿多少"),
        (2020, "我们公司2020年又买了200万，合同都登记了，两年一共能拿多少"),
    ]
    assert year_segments("2020年买技术花了300万，能补多少") == []  # one year


def test_years_listed_first_are_what_every_year_s_part_shares() -> None:
    parts = year_segments("我们公司2019年和2020年都买了技术，2019年认定登记的合同是300万，"
                          "2020年登记的是150万，两年加起来奖多少？")
    assert parts == [
        (2019, "我们公司2019年和2020年都买了技术，2019年认定登记的合同是300万，两年加起来奖多少"),
        (2020, "我们公司2019年和2020年都买了技术，2020年登记的是150万，两年加起来奖多少"),
    ]
    # the years listed and not said again: their own parts, as before
    assert [y for y, _ in year_segments("2019年和2020年各买了一项技术，两年一共多少")] == \
        [2019, 2020]


def test_a_level_standing_for_the_title_before_gets_its_subject() -> None:
    text = "去年我们申报国家级技术转移示范机构没评上，省级的评上了，能拿多少"
    assert "省级技术转移示范机构评上了" in fill_elided_subjects(text, ["技术转移示范机构"])


@pytest.mark.parametrize(("text", "written"), [
    ("2019年2家，今年又升了5家", "2019年2家，2026年又升了5家"),
    ("2020年5家，如果明年再升5家", "2020年5家，如果2027年再升5家"),
    ("今年评上了高企", "今年评上了高企"),  # no year named: left as said
    ("前年认定了，今年又过了", "2024年认定了，2026年又过了"),  # two years of their own
    ("今年评上了高企，今年能拿多少", "今年评上了高企，今年能拿多少"),  # one year only
])
def test_relative_years_beside_named_years(text: str, written: str) -> None:
    assert relative_years(text, date(2026, 12, 6)) == written


def test_a_space_parts_segments() -> None:
    assert [s.text for s in segments("2026年又升了5家 按升级奖励一共拿多少")] == [
        "2026年", "又升了5家", "按升级奖励一共拿多少"]


def test_a_year_said_with_its_level_takes_the_subject() -> None:
    filled = fill_elided_subjects("我们牵头的技术创新中心，2019年是市级，2022年认定为省级",
                                  ["技术创新中心"])
    assert "2019年是市级技术创新中心" in filled and "省级技术创新中心" in filled
    # a level without a year before 是 is what the owner is (我们是市级的): not filled
    assert fill_elided_subjects("技术创新中心，我们是市级", ["技术创新中心"]).endswith("是市级")


def test_a_subject_said_before_a_later_year_is_that_years() -> None:
    _, parts, _ = year_parts("2024年报技术先进型服务企业没批下来，2025年重新报了一次总算过了。"
                             "另外我们公司牵头搞的市级技术创新中心2026年也报了，还在公示")
    assert parts[-1][1].startswith("另外我们公司牵头搞的市级技术创新中心2026年")
    assert "技术创新中心" not in parts[-2][1]
    # a clause with a verb or a figure before the year keeps its year's cut
    _, parts, _ = year_parts("2019年买了300万，后来又登记了一份2020年买的100万，能拿多少")
    assert parts[-1][1].startswith("2020年")


@pytest.mark.parametrize(("text", "last_part", "tail"), [
    # the rest of the last year's count stays in its part, not said of every year
    ("2020年有7家升了高企，2021年有5家申报，其中1家没通过，剩下的都在孵化期内。两年加起来能拿多少",
     "2021年有5家申报，其中1家没通过，剩下的都在孵化期内", "两年加起来能拿多少"),
    ("2020年买了100万，2021年买了200万，都登记了，两年一共多少",
     "2021年买了200万", "都登记了，两年一共多少"),
    # a total stated (一共180万) is the last year's own figure, not asked of every year
    ("2019年买专利花了200万合同都登记了，2020年又买了两项技术一共180万也都登记了，两年一共能奖多少",
     "2020年又买了两项技术一共180万也都登记了", "两年一共能奖多少"),
])
def test_the_rest_of_a_count_is_the_last_years(text: str, last_part: str, tail: str) -> None:
    _, parts, got = year_parts(text)
    assert parts[-1][1] == last_part and got == tail


@pytest.mark.parametrize(("text", "filled"), [
    ("2023年1月高企和技术先进型都重新认定通过了",
     "2023年1月高企重新认定通过了，技术先进型重新认定通过了"),
    ("省级孵化器与众创空间均通过复核", "省级孵化器通过复核，众创空间通过复核"),
    ("我和他都是企业", "我和他都是企业"),  # no outcome: unchanged
    ("2019年高企和技术先进型服务企业都是首次认定",
     "2019年高企是首次认定，技术先进型服务企业是首次认定"),
    ("2020年省级和国家级都没批下来", "2020年省级没批下来，国家级没批下来"),  # both denied
    # the pair referred to again later: the later outcome said of each
    ("2019年高企和技术先进型都通过了，2022年两个都复审了",
     "2019年高企通过了，技术先进型通过了，2022年高企复审了，技术先进型复审了"),
    ("2019年首次认定为高企，同年首次认定为技术先进型服务企业；2022年两项都重新认定了",
     "2019年首次认定为高企，同年首次认定为技术先进型服务企业；"
     "2022年高企重新认定了，技术先进型服务企业重新认定了"),
    ("两个都重新认定了", "两个都重新认定了"),  # no pair before: unchanged
])
def test_an_outcome_said_of_two_is_said_of_each(text: str, filled: str) -> None:
    assert shared_outcome(text) == filled


def test_a_years_level_alone_is_of_the_subject_before() -> None:
    filled = fill_elided_subjects("公司牵头的技术创新中心：2019年市级，2021年省级，2025年国家级。"
                                  "三次认定市里累计支持多少钱", NOUNS)
    assert "2019年市级技术创新中心" in filled and "2025年国家级技术创新中心" in filled


def test_years_listed_are_left_to_the_year_parts() -> None:
    text = "我们2019年和2020年都认定了技术先进型服务企业"
    assert shared_outcome(text) == text


def test_a_subject_said_with_but_before_a_later_year_is_that_years() -> None:
    _, parts, _ = year_parts("我们机构2026年报国家级技术转移示范机构没评上，"
                             "不过省级技术转移示范机构2025年已经拿到了。总共能拿多少奖励")
    assert parts[-1][1].startswith("不过省级技术转移示范机构2025年")


def test_a_short_noun_after_a_level_is_the_one_named_before() -> None:
    text = "临床医学研究中心首次通过市级绩效评价，同时还升级成了省级中心，一共多少"
    filled = fill_elided_subjects(text, ["临床医学研究中心"])
    assert "升级成了省级临床医学研究中心" in filled


@pytest.mark.parametrize(("text", "years", "tail"), [
    # a year in brackets says when the noun before was obtained: no part of its own
    ("2021年第一次认定高企；同一年国家专业化众创空间（2019年认定的，当时拿过钱）复核也通过了。"
     "2021年能拿多少？", [2021], ""),
    # a bracketed remark closing a year's part stays with it, not with the question
    ("2019年登记的技术合同300万，2020年登记的200万，2021年登记的100万（2021年的都是上半年签的）。"
     "三年加起来一共多少？", [2019, 2020, 2021], "三年加起来一共多少"),
    # a year in the history of a part (另1家2023年就通过过了): no part of its own
    ("2025年有3家通过了，其中2家是头一回通过，另1家2023年就通过过了", [2025], ""),
], ids=["bracketed-history", "bracketed-remark-of-the-last-year", "history-of-a-part"])
def test_a_year_that_opens_no_part(text: str, years: list[int], tail: str) -> None:
    _, parts, asked = year_parts(text)
    assert [y for y, _ in parts] == (years if len(years) > 1 else [])
    if len(years) > 1:
        assert parts[-1][1].endswith("）") and asked == tail


@pytest.mark.parametrize(("text", "written"), [
    ("2020年和2021年3月我们分别从山大买了技术，合同都登记了，分别是200万和300万，两年加起来奖多少",
     "2020年我们从山大买了技术，合同都登记了，是200万；2021年3月我们从山大买了技术，合同都登记了，"
     "是300万，两年加起来奖多少"),
    ("我们孵化器2019年、2020年分别有3家和5家在孵企业升了高企，一共多少",
     "我们孵化器2019年有3家在孵企业升了高企；2020年有5家在孵企业升了高企，一共多少"),
    # no figures in turn: as said
    ("2019年和2020年都考核优秀", "2019年和2020年都考核优秀"),
])
def test_years_with_their_figures_in_turn(text: str, written: str) -> None:
    assert respective_years(text) == written


def test_a_year_s_level_obtained_keeps_its_subject() -> None:
    # 2027年国家级也批下来了: the level's subject, said before
    assert fill_elided_subjects("2026年刚认定了省级技术创新中心，如果2027年国家级也批下来了，"
                                "一共多少", ["技术创新中心"]) == \
        "2026年刚认定了省级技术创新中心，如果2027年国家级技术创新中心也批下来了，一共多少"



@pytest.mark.parametrize(("text", "written"), [
    # a level applied for again, then obtained: its subject from before
    ("申报国家级国际合作基地没批，改报省级的批了",
     "申报国家级国际合作基地没批，改报省级国际合作基地批了"),
    # the level applied for with its outcome right after it: not read here
    ("我们孵化器今年报国家级没通过", "我们孵化器今年报国家级没通过"),
])
def test_a_level_applied_for_again(text: str, written: str) -> None:
    assert fill_elided_subjects(text, ["国际合作基地", "孵化器"]) == written


@pytest.mark.parametrize(("text", "parts"), [
    # levels listed after a title's colon, each before its year: each year's own
    ("国际合作基地：省级 2019年；国家级 2023年6月，合计？",
     [(2019, "省级国际合作基地 2019年"), (2023, "国家级国际合作基地 2023年6月")]),
    ("我们公司牵头的技术创新中心：市级 2019年；省级 2021年，合计?",
     [(2019, "市级技术创新中心 2019年"), (2021, "省级技术创新中心 2021年")]),
    ("众创空间：国家专业化 2020年；2023年复核通过，合计？",
     [(2020, "国家专业化众创空间 2020年"), (2023, "2023年复核通过")]),
])
def test_levels_listed_after_a_title_are_their_years(text: str,
                                                     parts: list[tuple[int, str]]) -> None:
    filled = fill_elided_subjects(text, ["国际合作基地", "技术创新中心", "众创空间"])
    _, got, _ = year_parts(filled)
    assert got == parts


@pytest.mark.parametrize(("text", "filled"), [
    # supposed, dated within its year, or with an adverb: the event's subject from before
    ("牵头建设市级临床医学研究中心。要是今年年底第一次通过绩效评价",
     "要是今年年底临床医学研究中心第一次通过绩效评价"),
    ("牵头建设市级临床医学研究中心。2019年第一次参加绩效评价没通过，2020年才第一次通过",
     "2020年才临床医学研究中心第一次通过"),
])
def test_an_ordinal_event_gets_its_subject(text: str, filled: str) -> None:
    assert filled in fill_elided_subjects(text, ["临床医学研究中心"])


def test_an_award_after_a_level_is_its_noun() -> None:
    # 获得了省级技术市场奖励: the level's noun is said, nothing written back
    filled = fill_elided_subjects("我们技术转移机构今年获得了省级技术市场奖励，市里配套多少",
                                  ["技术转移机构"])
    assert "省级技术市场奖励" in filled and "省级技术转移机构" not in filled
