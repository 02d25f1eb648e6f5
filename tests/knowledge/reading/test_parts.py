"""The parts of a count that do not count (knowledge.reading.parts)."""

from __future__ import annotations

import re

import pytest

from knowledge.reading.parts import (
    excluded_counts,
    levelled,
    narrowed_within,
    pointed_at,
    pointed_out,
    refined_by_outcome,
)


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
    # what puts the part out, said before its count
    ("2021年升了12家高企，其中已经毕业的有七家", []),  # (毕业: the vocabulary's word)
    ("2021年升了12家高企，其中超过孵化期的有2家", [(2, "家")]),
    ("2021年升了12家高企，其中没超过孵化期的有10家", []),
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
    # 还有 after a part of them, by a word of the count's own: another part of it
    ("，这9家里有2家入孵已经超过3年了，还有1家去年就毕业出孵了", ["毕业", "出孵"], 9,
     [(2, "家"), (1, "家")]),
    ("，其中2家超过3年了，还有1家没通过", [], 9, [(2, "家")]),
    ("合同额一共一千八百万，另外还有2项是在外地转化的", ["外地"], 4, []),
    # the whole count elsewhere, or the places listed one per counted thing
    ("，不过买方都在青岛", ["青岛"], 3, [(-1, "")]),
    ("转让买方分别在济南青岛烟台成交额一共600万", ["济南", "青岛", "烟台"], 3, [(-1, "")]),
    ("转让买方分别在济南威海烟台成交额一共600万", ["济南", "青岛", "烟台"], 3, [(2, "")]),
    # a word inside the statement of the whole count is not a part of it
    ("烟台大学的成果在威海转化", ["烟台"], 3, []),
    ("，2项在威海，1项在荣成", ["烟台"], 3, []),
    # the count nearest the out word (其中4项是高校的成果、2项是企业之间的 → 2)
    ("，其中4项是高校的成果、2项是企业之间的", ["企业之间"], 6, [(2, "项")]),
    # one of them named by what it is (心血管那个)
    ("都通过了绩效评价，不过心血管那个2019年就已经通过过一次了", ["通过过"], 2, [(1, "个")]),
    ("都通过了，心血管那个是第一次", ["通过过"], 2, []),  # nothing puts it out
])
def test_parts_out_by_the_vocabulary(text: str, words: list[str], total: int,
                                     excluded: list[tuple[int, str]]) -> None:
    assert [(n, unit) for n, unit, _ in excluded_counts(text, words, total)] == excluded


@pytest.mark.parametrize(("text", "parts"), [
    ("有3家在孵企业都没出孵化期，升了高企", []),  # a double negation puts nothing out
    ("有3家在孵企业都没超过3年孵化期", []),
    ("5家里有1家超过孵化期", [1]),  # among the five
    ("空间里有3家超过孵化期", []),  # 里 of a place: where they are, not among which
])
def test_a_part_put_out_is_not_a_double_negation(text: str, parts: list[int]) -> None:
    assert [n for n, _, _ in excluded_counts(text, ("出孵", "孵化期"), 5)] == parts


@pytest.mark.parametrize(("text", "parts"), [
    # another part after 其中 is of the count; 另外还有 is more than it
    ("其中3家已经超过孵化期，另外2家还在公示没正式发证", [3, 2]),
    ("其中3家已经超过孵化期，另外还有2家没通过", [3]),
])
def test_another_part_after_one_said_with_qizhong(text: str, parts: list[int]) -> None:
    assert [n for n, _, _ in excluded_counts(text, ("超过孵化期",), 10)] == parts


def test_a_part_said_with_but_is_of_the_count_before() -> None:
    text = "不过有4家是入孵前就已经是高企了"
    assert [(n, u) for n, u, _ in excluded_counts(text, ("入孵前",), 12)] == [(4, "家")]
    assert excluded_counts("另外还有4家是入孵前就已经是高企了", ("入孵前",), 12) == []


@pytest.mark.parametrize(("text", "found"), [
    ("2家是省级、1家国家级，不过国家级那家注册地在青岛",
     [("国家级", "不过国家级那家注册地在青岛")]),
    ("认定了3家，这一家在烟台", [("", "这一家在烟台")]),
    ("国家级那家在高区", []),  # a place in the city puts nothing out
    ("3家在烟台", []),  # a number, not a pointer (excluded_counts reads it)
])
def test_one_pointed_at_and_put_out(text: str, found: list[tuple[str, str]]) -> None:
    assert pointed_out(text, ("青岛", "烟台")) == found


def test_the_part_pointed_at_is_the_one_that_says_what_tells_it_apart() -> None:
    saids = ["2家是省级", "1家国家级，不过省级那家注册地在青岛"]
    text = "2家是省级、1家国家级，不过省级那家注册地在青岛"
    assert pointed_at(saids, text, ("青岛",)) == {0: ["不过省级那家注册地在青岛"]}
    # nothing tells it apart: the part it is said in
    assert pointed_at(["2家是省级", "1家国家级，不过那家在青岛"],
                      "2家是省级，1家国家级，不过那家在青岛", ("青岛",)) == {1: ["不过那家在青岛"]}


@pytest.mark.parametrize(("clauses", "counts"), [
    # an outcome alone, of fewer than the part before: that part's count
    (["3家第一次申报的都过了", "另外2家是到期重新认定", "结果只过了1家"], [3, 1]),
    (["4个镇报了", "最后批了2个"], [2]),
    # an outcome of as many, or a part with words of its own: left as said
    (["2家报了", "2家都通过了"], [2, 2]),
    (["3家是省级的", "1家是国家级的"], [3, 1]),
    (["4个众创空间今年报国家专业化众创空间", "2个认定了", "1个落选"], [4, 2, 1]),  # no result word
    (["7家企业申请", "最后过了4家", "另外3家没过"], [7, 4, 3]),  # the parts add up to the count
])
def test_a_part_refined_by_its_outcome(clauses: list[str], counts: list[int]) -> None:
    from knowledge.numerals import parse_int

    parts = [(i, (parse_int(re.findall(r"\d+|[一二两三四五六七八九十]+", c)[0]) or 0, c))
             for i, c in enumerate(clauses)]
    assert [n for _, (n, _) in refined_by_outcome(clauses, parts)] == counts


@pytest.mark.parametrize(("own", "more", "n", "expected"), [
    # a part said of some of the count, with what happened to them: those
    ("3家是检测公司", ["其中2家首次认定高企"], 3, 2),
    ("4家是科技服务机构", ["里头1家今年通过了复审"], 4, 1),
    # the part's own clause says what happened: its 其中 puts a part out, read elsewhere
    ("3家认定了技术先进型服务企业", ["其中1家是注册在烟台的"], 3, 3),
    # a 其中 that says nothing happened, or counts no fewer: the count stands
    ("5家是制造企业", ["其中2家在高区"], 5, 5),
    ("2家是检测公司", ["其中2家首次认定高企"], 2, 2),
    ("3家是检测公司", [], 3, 3),
])
def test_a_part_said_of_some_of_the_count(own: str, more: list[str], n: int,
                                          expected: int) -> None:
    assert narrowed_within(own, more, n) == expected


@pytest.mark.parametrize(("text", "total", "excluded"), [
    # a part that fell through or still waits
    ("，合同额100万、80万、70万、50万，其中80万那项后来双方撤回合同了", 4, [(1, "项")]),
    ("，其中1项后来黄了", 4, [(1, "项")]),
    # a part of a list named by its position
    ("，合同额300万、250万、400万、500万，不过只有前两项是在威海转化的，后两项受让方在外省", 4,
     [(2, "项")]),
    ("，合同额100万、80万、70万、50万，最后一项黄了", 4, [(1, "项")]),
    # parts led to their segment by a few words add up to the count
    ("，2项落地在青岛，威海本地2项合同额合计500万", 4, [(2, "项")]),
])
def test_parts_that_fell_through_by_position_or_led_by_a_place(
        text: str, total: int, excluded: list[tuple[int, str]]) -> None:
    assert [(n, u) for n, u, _ in excluded_counts(text, ("外省", "青岛"), total)] == excluded


@pytest.mark.parametrize(("rest", "head", "named"), [
    ("国家级", "我们区的国际合作基地，国家级2家", "国家级国际合作基地"),
    ("是省里的", "有三家机构拿到技术市场奖励", "是省级技术市场奖励"),
    ("企业牵头的市级", "高区的技术创新中心，国家级1个", "企业牵头的市级技术创新中心"),
    # a part with a subject of its own keeps it
    ("是高校牵头组建的市级技术创新中心", "区里有3家", "是高校牵头组建的市级技术创新中心"),
])
def test_a_part_naming_only_a_level_is_of_the_head_s_subject(rest: str, head: str,
                                                             named: str) -> None:
    assert levelled(rest, head, ("国际合作基地", "技术市场奖励", "技术创新中心")) == named
