"""Parts of one year dated apart (knowledge.reading.dated): each on its own date's law."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import Estimate
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.dated import dated_parts, estimate_dated
from knowledge.reading.extraction import extract_facts
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)


@pytest.mark.parametrize(("text", "dates"), [
    ("2021年3月签了100万，2021年12月又签了80万，能奖多少",
     [date(2021, 3, 31), date(2021, 12, 31)]),
    ("2021年买了两项技术，一份10月份签的100万，一份11月20号签的60万，能奖多少",
     [date(2021, 10, 31), date(2021, 11, 20)]),
    ("2023年1到3月有6家升了高企，6月又有2家，一共多少", [date(2023, 3, 31), date(2023, 6, 30)]),
    # months of several years, each in its own year
    ("2023年2月首次认定的2家，2023年6月首次认定的3家，2022年12月重新认定的1家，一共多少",
     [date(2023, 2, 28), date(2023, 6, 30), date(2022, 12, 31)]),
], ids=["year-and-month", "month-and-day", "range", "months-of-years"])
def test_a_year_is_split_where_months_are_named(text: str, dates: list[date]) -> None:
    found = dated_parts(text)
    assert found is not None
    _, parts, tail = found
    assert [d for d, _ in parts] == dates
    assert "多少" in tail


@pytest.mark.parametrize("text", [
    "2021年3月签了100万，能奖多少",  # one month
    "2019年买了100万，2020年又买了80万，一共多少",  # several years: the year reader's
    "合同签了2个月，花了100万",  # 2个月 is a length, not a month
])
def test_no_dated_parts(text: str) -> None:
    assert dated_parts(text) is None


def _estimate(text: str) -> Estimate | None:
    whole = extract_facts(text, TODAY, RULESET)
    return estimate_dated(RULESET, text, TODAY, list(whole.candidate_rules), TODAY, whole)


def test_a_part_after_the_documents_expiry_gets_nothing() -> None:
    estimate = _estimate("我们公司2021年买了两项技术，一份合同10月份签的100万，"
                         "一份11月20号签的60万，都做了认定登记，能拿多少？")
    assert estimate is not None
    assert estimate.total_yuan == 200000  # 58号 expired on 2021-11-10
    labels = [i.label for i in estimate.items]
    assert any(label.startswith("2021年10月：") for label in labels)


def test_an_item_said_before_its_month_is_that_months() -> None:
    found = dated_parts("2021年买了两项技术，一份合同100万，3月份认定登记；另一份200万，"
                        "12月份签的、12月认定登记。这一年能奖励多少？")
    assert found is not None
    _, parts, _ = found
    assert [p for _, p in parts] == ["一份合同100万，3月份认定登记",
                                     "另一份200万，12月份签的、12月认定登记"]


def test_the_same_law_on_both_dates_keeps_the_year_one_period() -> None:
    # both parts before 58号's expiry: the annual cap on the year's sum, judged on the
    # last date said (not at the year's end, after the expiry)
    estimate = _estimate("我们公司2021年买技术登记了两次 4月份三百万 10月份一百万 那年能奖多少")
    assert estimate is not None and estimate.total_yuan == 500000
    assert estimate.as_of == date(2021, 10, 31)


_KB = load_knowledge(KNOWLEDGE)
# (with the documents' validity: 威政办字〔2018〕107号 repealed on 2023-04-07)
VALIDITY: RuleSet = load_rules(KNOWLEDGE / "rules", _KB.clause, _KB.document)


@pytest.mark.parametrize(("text", "total"), [
    # the head's count is framing: each part its own count
    ("我们是市级众创空间 2023年有7家在孵企业认定高企 2家是2月份认定的 5家是12月份认定的 "
     "都在3年孵化期内 能拿多少", 200000),
    # (the head's count said before a colon)
    ("市级众创空间。2023年在孵企业升高企的有6家：2家是2023年3月认定的，4家是2023年11月认定的；"
     "都在孵化期内。奖励多少？", 200000),
])
def test_a_count_the_dated_parts_add_up_to_is_theirs(text: str, total: int) -> None:
    whole = extract_facts(text, TODAY, VALIDITY)
    estimate = estimate_dated(VALIDITY, text, TODAY, list(whole.candidate_rules), TODAY,
                              whole)
    assert estimate is not None and estimate.total_yuan == total


def test_a_part_said_unregistered_keeps_its_own_denial() -> None:
    # 9月一份50万没登记 is no repeat of the registered part before it
    estimate = _estimate("我们公司2021年买技术签了4份合同：3月一份80万当月登记了，"
                         "6月一份120万也登记了，9月一份50万没登记，"
                         "12月一份100万是12月签的也是12月登记的。2021年这些能拿多少奖励？")
    assert estimate is not None
    assert estimate.total_yuan == 400_000  # (80万 + 120万) × 20%; December after the expiry



@pytest.mark.parametrize(("text", "total", "labels"), [
    # the months before the expiry share the year's cap; the one after it is apart
    ("本公司2021年购买技术的合同均已认定登记：1月一份90万元，5月一份150万元，9月一份70万元，"
     "12月一份40万元。请问本公司2021年的技术交易奖励合计可以拿多少？", 500_000, ["2021年1—9月"]),
    ("本公司2021年购买技术的合同均已认定登记：3月一份60万元，12月一份40万元。能拿多少？",
     120_000, ["2021年3月"]),
    # 上半年: by the end of June
    ("2021年上半年我们公司认定登记了一笔技术合同一百万 那年十二月又登记了一笔一百五十万 能拿多少",
     200_000, ["2021年6月"]),
])
def test_the_months_on_one_law_share_the_year_s_cap(text: str, total: int,
                                                    labels: list[str]) -> None:
    estimate = _estimate(text)
    assert estimate is not None and estimate.total_yuan == total
    assert [i.label.split("：")[0] for i in estimate.items
            if i.outcome == "eligible" and i.in_force] == labels
