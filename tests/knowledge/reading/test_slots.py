"""A follow-up's slots merged into the previous question (knowledge.reading.slots)."""

from __future__ import annotations

import pytest

from knowledge.reading.slots import (
    COUNT,
    merge_counts,
    merge_money,
    merge_year,
    restate,
    supposed,
    taken_back,
)


@pytest.mark.parametrize(("said", "before", "restated"), [
    ("2022年有3家", "2021年有2家在孵企业认定高企", "2022年有3家在孵企业认定高企"),
    ("2020年又买了一个，花了400万", "2019年我们买技术花了80万，合同登记了",
     "2020年我们买技术花了400万，合同登记了"),  # 一个: an article
    ("2020年180万", "2019年登记的技术合同200万", "2020年登记的技术合同180万"),
])
def test_a_terse_statement_restates_the_one_before(said: str, before: str,
                                                   restated: str) -> None:
    assert restate(said, before) == restated


@pytest.mark.parametrize(("said", "before", "merged"), [
    ("要是2021年12月签的呢", "2021年3月签的 250万", "2021年12月签的 250万"),
    ("2021年上半年呢", "2019年技术交易额260万", "2021年上半年技术交易额260万"),
    # a year said replaces 今年 (not put before it: 2020年…今年…)
    ("那要是2020年认定的呢", "我们今年头一回认定高企", "我们2020年头一回认定高企"),
])
def test_a_year_keeps_the_part_of_it_said(said: str, before: str, merged: str) -> None:
    refs: list[str] = []
    assert merge_year(said, before, said, refs)[0] == merged and refs == ["year"]


@pytest.mark.parametrize(("said", "before", "merged"), [
    # a part of the count said before is said of it, the count kept
    ("那4家里有1家已经出孵一年多了", "我们是一家软件公司，孵化器有4家在孵企业升了高企",
     "我们是一家软件公司，孵化器有4家在孵企业升了高企，其中1家已经出孵一年多了"),
    ("其中2项没登记", "买了5项技术", "买了5项技术，其中2项没登记"),
    # a new count replaces the one before
    ("要是8家呢", "孵化器有4家在孵企业升了高企", "孵化器有8家在孵企业升了高企"),
    # a bare count of a title said without one: that many of the title
    ("其实是两家", "高校牵头组建的市级技术创新中心今年获批了，补多少钱",
     "高校牵头组建的两家市级技术创新中心今年获批了，补多少钱"),
])
def test_a_part_of_a_count_is_said_of_it(said: str, before: str, merged: str) -> None:
    refs: list[str] = []
    assert merge_counts(said, before, refs)[0] == merged and refs == ["count"]


@pytest.mark.parametrize(("said", "before", "merged"), [
    # a title of a level said not obtained: the clause that stated it is taken back
    ("等下，孵化器国家级那个其实没批下来，只批了个山东省品牌孵化器",
     "2019年牵头建了个市级技术创新中心，2021年旗下孵化器被认定为国家级科技企业孵化器，一共多少",
     "2019年牵头建了个市级技术创新中心，一共多少，等下，孵化器国家级那个其实没批下来，"
     "只批了个山东省品牌孵化器"),
])
def test_a_title_taken_back(said: str, before: str, merged: str) -> None:
    assert taken_back(said, before) == merged


@pytest.mark.parametrize(("said", "before"), [
    ("那如果没登记呢", "买技术花了300万"),  # no level denied
    # a level alone: what it names is not said (taking back would lose the subject)
    ("省级那个没批下来", "我们的技术创新中心今年认定为省级技术创新中心，能拿多少"),
    ("国家级的没评上", "我们是省级孵化器，有3家在孵企业升了高企"),  # no clause states it
    ("两项加起来多少？", "企业牵头建设市级技术创新中心能获得多少补助？"),
])
def test_nothing_taken_back(said: str, before: str) -> None:
    assert taken_back(said, before) is None


@pytest.mark.parametrize(("text", "read"), [
    # a supposed figure in place of the one said
    ("2020年我们促成了4项成果在市内转化，成交额180万，说没到门槛，要是当时做到260万，能补多少",
     "2020年我们促成了4项成果在市内转化，成交额260万，说没到门槛，能补多少"),
    ("2020年我们只促成了2项成果转化，成交额300万，假如当时是3项，能补多少",
     "2020年我们只促成了3项成果转化，成交额300万，能补多少"),
    # one that adds: what was said plus what is supposed
    ("2020年买技术花了100万登记了，如果再买200万，一共多少",
     "如果2020年买技术花了300万元登记了，一共多少"),
    ("2020年我们促成了两项高校成果在威海转化，合同额一共250万。要是那年再多促成一项（合同额100万）"
     "，能拿多少", "如果2020年我们促成了3项高校成果在威海转化，合同额一共350万元，能拿多少"),
    ("我们孵化器2021年有5家在孵企业升了高企，如果还有2家也升了，能奖多少",
     "如果我们孵化器2021年有7家在孵企业升了高企，能奖多少"),
    # a supposition with no figure said before, another year's, or adding later: as said
    ("我们孵化器今年认定了国家级，如果再有2家在孵企业升了高企，能奖多少", None),
    ("2020年我们市级孵化器有5家在孵企业升级成高企，如果明年再升5家，两年一共多少", None),
    ("省里拨了120万，要是省里拨八十万，加上国家级孵化器一共多少", None),
    ("2019年买技术合同额300万。如果拆成2019年和2020年各签150万，一共能拿多少", None),
    ("技术创新中心如果认定成省级能拿多少", None),
    ("荣成的企业 假如研发财政补助批了800万 荣成市这一级财政要承担多少", None),
])
def test_a_supposed_figure_takes_the_place_of_the_one_said(text: str, read: str | None
                                                           ) -> None:
    assert supposed(text) == read


@pytest.mark.parametrize(("rest", "question", "merged"), [
    ("又多了2家", "今年有3家在孵企业升了高企", "今年有5家在孵企业升了高企"),  # one more
    ("又多了2项", "促成2项成果转化", "促成4项成果转化"),
    ("是5家", "今年有3家在孵企业升了高企", "今年有5家在孵企业升了高企"),  # replaces
])
def test_more_of_a_count_is_added_to_it(rest: str, question: str, merged: str) -> None:
    refs: list[str] = []
    assert merge_counts(rest, question, refs)[0] == merged and "count" in refs


@pytest.mark.parametrize(("rest", "question", "merged"), [
    # the count whose clause says what the new one's does
    ("要是超过孵化期的是6家呢", "我们孵化器有15家在孵企业升了高企，其中3家超过孵化期，能拿多少",
     "我们孵化器有15家在孵企业升了高企，其中6家超过孵化期，能拿多少"),
    # a bare count stands for the first
    ("要是20家呢", "我们孵化器有15家在孵企业升了高企，其中3家超过孵化期，能拿多少",
     "我们孵化器有20家在孵企业升了高企，其中3家超过孵化期，能拿多少"),
])
def test_a_count_replaces_the_count_said_alike(rest: str, question: str, merged: str) -> None:
    refs: list[str] = []
    assert merge_counts(rest, question, refs)[0] == merged and refs == ["count"]


def test_a_year_among_the_question_s_years_places_the_figure() -> None:
    # 不对，2020年是花了三百万: the 2020 amount changes, no year does
    refs: list[str] = []
    question = "2019年买技术花了一百万，2020年又花了二百万，两年一共奖多少"
    said = "2020年是花了三百万"
    question, rest = merge_year(said, question, said, refs)
    assert "year" not in refs and "2019年" in question
    question, _ = merge_money(said, question, rest, refs)
    assert question == "2019年买技术花了一百万，2020年又花了三百万，两年一共奖多少"


def test_an_ordinal_is_no_count() -> None:
    assert COUNT.search("第二次绩效评价") is None
    assert COUNT.search("有二次绩效评价") is not None


@pytest.mark.parametrize("said", ["那从2020年到现在加起来一共拿了多少", "2020年以来一共拿了多少",
                                  "从2019年到2021年一共多少"])
def test_a_span_of_years_changes_no_year(said: str) -> None:
    refs: list[str] = []
    before = "我们孵化器2020年被认定为国家级科技企业孵化器；另外今年还有6家在孵企业成了高企"
    assert merge_year(said, before, said, refs)[0] == before and refs == []


def test_a_count_pointed_at_is_no_count_of_its_own() -> None:
    refs: list[str] = []
    before = "2021年在孵企业里有8家升级成高新技术企业了，孵化器能拿多少"
    question, rest = merge_counts("这8家企业自己能分钱吗，每家多少", before, refs)
    assert question == before and "这8家" in rest and refs == []


def test_a_day_said_takes_the_place_of_the_day_before() -> None:
    refs: list[str] = []
    said = "要是11月5号就进了呢"
    before = "2018年11月20号我们进了省级技术转移服务机构名单，当时能拿多少"
    assert merge_year(said, before, said, refs)[0] == (
        "2018年11月5号我们进了省级技术转移服务机构名单，当时能拿多少") and refs == ["year"]
