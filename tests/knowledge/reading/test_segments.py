"""A sentence read in segments: spans, elided subjects, excluded parts, years."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.reading.segments import (
    excluded_counts,
    fill_elided_subjects,
    relative_years,
    segments,
    shared_outcome,
    year_parts,
    year_segments,
)

NOUNS = ["技术创新中心", "临床医学研究中心", "孵化器", "高企"]


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
], ids=["later-upgrade", "clinical-upgrade", "denied-then-hypothetical", "same-segment",
        "renewal", "ordinal-event", "dated-ordinal-event", "levels-with-outcomes",
        "levels-spaced", "level-said-after-the-verb", "level-said-instead",
        "level-counted", "level-after-its-verb-and-de", "level-granted",
        "this-centre-names-the-noun-before", "a-count-whose-verb-closes-it"])
def test_a_level_without_its_subject_gets_the_subject_back(text: str, filled: str) -> None:
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


@pytest.mark.parametrize(("text", "excluded"), [
    ("6家在孵企业升级为高企，其中2家已经超过3年孵化期", [(2, "家")]),
    ("5家成了高企，其中有1家孵化超过三年了", [(1, "家")]),
    ("两项合同，其中1项没登记", [(1, "项")]),
    ("6家在孵企业升级为高企，其中2家是去年的", []),
    # what puts the part out, said in the next clause
    ("在孵企业一共过了12家，其中有3家入孵都4年多了，早过了3年孵化期", [(3, "家")]),
    # a part of them said as 5家里
    ("5家企业都报了技术先进型服务企业，5家里2家没过", [(2, "家")]),
    ("过了一半，不过过了的那一半里有两家不在孵化期内", [(2, "家")]),
])
def test_excluded_parts_of_a_count(text: str, excluded: list[tuple[int, str]]) -> None:
    assert [(n, unit) for n, unit, _ in excluded_counts(text)] == excluded


@pytest.mark.parametrize(("text", "words", "total", "excluded"), [
    # a part standing in its own segment, put out by a place or by the count's own words
    # (the text after the whole count: 促成了3项高校成果转化…)
    ("，2项在威海，1项在烟台", ["烟台"], 3, [(1, "项")]),
    ("，其中2项是山大的成果，另外2项是两家企业之间的技术转让", ["企业之间"], 4,
     [(2, "项")]),
    ("，其中3家是毕业出去以后才评上的", ["毕业"], 15, [(3, "家")]),
    # parts that do not add up to the count are more than it, not parts of it
    ("，其中3家是入孵超过三年的老企业，另外还有2家申报没通过", [], 9, [(3, "家")]),
    ("合同额一共一千八百万，另外还有2项是在外地转化的", ["外地"], 4, []),
    # the whole count elsewhere, or the places listed one per counted thing
    ("，不过买方都在青岛", ["青岛"], 3, [(-1, "")]),
    ("转让买方分别在济南青岛烟台成交额一共600万", ["济南", "青岛", "烟台"], 3, [(-1, "")]),
    ("转让买方分别在济南威海烟台成交额一共600万", ["济南", "青岛", "烟台"], 3, [(2, "")]),
    # a word inside the statement of the whole count is not a part of it
    ("烟台大学的成果在威海转化", ["烟台"], 3, []),
    ("，2项在威海，1项在荣成", ["烟台"], 3, []),
])
def test_parts_out_by_the_vocabulary(text: str, words: list[str], total: int,
                                     excluded: list[tuple[int, str]]) -> None:
    assert [(n, unit) for n, unit, _ in excluded_counts(text, words, total)] == excluded


def test_year_segments_keep_who_asks_and_the_question_in_every_year() -> None:
    parts = year_segments("我们公司2019年买技术花了300万，2020年又买了200万，合同都登记了，"
                          "两年一共能拿多少？")
    assert parts == [
        # the head as written: 我们公司2019年… stays one clause
        (2019, "我们公司2019年买技术花了300万，合同都登记了，两年一共能拿多少"),
        (2020, "我们公司2020年又买了200万，合同都登记了，两年一共能拿多少"),
    ]
    assert year_segments("2020年买技术花了300万，能补多少") == []  # one year


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


@pytest.mark.parametrize(("text", "parts"), [
    ("有3家在孵企业都没出孵化期，升了高企", []),  # a double negation puts nothing out
    ("有3家在孵企业都没超过3年孵化期", []),
    ("5家里有1家超过孵化期", [1]),  # among the five
    ("空间里有3家超过孵化期", []),  # 里 of a place: where they are, not among which
])
def test_a_part_put_out_is_not_a_double_negation(text: str, parts: list[int]) -> None:
    assert [n for n, _, _ in excluded_counts(text, ("出孵", "孵化期"), 5)] == parts


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


@pytest.mark.parametrize(("text", "parts"), [
    # another part after 其中 is of the count; 另外还有 is more than it
    ("其中3家已经超过孵化期，另外2家还在公示没正式发证", [3, 2]),
    ("其中3家已经超过孵化期，另外还有2家没通过", [3]),
])
def test_another_part_after_one_said_with_qizhong(text: str, parts: list[int]) -> None:
    assert [n for n, _, _ in excluded_counts(text, ("超过孵化期",), 10)] == parts


@pytest.mark.parametrize(("text", "last_part", "tail"), [
    # the rest of the last year's count stays in its part, not said of every year
    ("2020年有7家升了高企，2021年有5家申报，其中1家没通过，剩下的都在孵化期内。两年加起来能拿多少",
     "2021年有5家申报，其中1家没通过，剩下的都在孵化期内", "两年加起来能拿多少"),
    ("2020年买了100万，2021年买了200万，都登记了，两年一共多少",
     "2021年买了200万", "都登记了，两年一共多少"),
])
def test_the_rest_of_a_count_is_the_last_years(text: str, last_part: str, tail: str) -> None:
    _, parts, got = year_parts(text)
    assert parts[-1][1] == last_part and got == tail


@pytest.mark.parametrize(("text", "filled"), [
    ("2023年1月高企和技术先进型都重新认定通过了",
     "2023年1月高企重新认定通过了，技术先进型重新认定通过了"),
    ("省级孵化器与众创空间均通过复核", "省级孵化器通过复核，众创空间通过复核"),
    ("我和他都是企业", "我和他都是企业"),  # no outcome: unchanged
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


def test_a_part_said_with_but_is_of_the_count_before() -> None:
    text = "不过有4家是入孵前就已经是高企了"
    assert [(n, u) for n, u, _ in excluded_counts(text, ("入孵前",), 12)] == [(4, "家")]
    assert excluded_counts("另外还有4家是入孵前就已经是高企了", ("入孵前",), 12) == []


def test_a_short_noun_after_a_level_is_the_one_named_before() -> None:
    text = "临床医学研究中心首次通过市级绩效评价，同时还升级成了省级中心，一共多少"
    filled = fill_elided_subjects(text, ["临床医学研究中心"])
    assert "升级成了省级临床医学研究中心" in filled
