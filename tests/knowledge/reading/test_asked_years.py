"""The years a question asks about, of more it tells (knowledge.reading.asked_years)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import Estimate, evaluate
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.asked_years import asked_year, only_year, this_time
from knowledge.reading.extraction import extract_facts
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)


def _plain(text: str) -> Estimate:
    ex = extract_facts(text, TODAY, RULESET)
    return evaluate(RULESET, ex.facts, TODAY, rule_ids=ex.candidate_rules, denied=ex.denied)


def test_only_a_year_by_year_estimate_is_narrowed() -> None:
    assert only_year("光算2022年", _plain("国家创新型乡镇市里奖多少")) is None


@pytest.mark.parametrize(("asked", "total", "noted"), [
    ("…，2024年能拿多少", 1_000_000, False),
    # the year asked about states nothing granted: none of the other years'
    ("…，2026年能拿多少", 0, True),
])
def test_a_year_asked_keeps_its_own_items(asked: str, total: int, noted: bool) -> None:
    plain = _plain("市级临床医学研究中心首次通过绩效评价，能拿多少")
    by_year = replace(plain, years={2024: {"x": 1}, 2026: {}},
                      items=tuple(replace(i, label=f"2024年：{i.label}") for i in plain.items))
    narrowed = only_year(asked, by_year)
    assert narrowed is not None and narrowed.total_yuan == total
    assert any("您问的是2026年" in w for w in narrowed.warnings) is noted


@pytest.mark.parametrize("text", ["光算2022年", "只问2022年", "就问2022年那年能拿多少"])
def test_the_year_a_question_limits_itself_to(text: str) -> None:
    plain = _plain("市级临床医学研究中心首次通过绩效评价，能拿多少")
    by_year = replace(plain, years={2021: {}, 2022: {}},
                      items=tuple(replace(i, label=f"2022年：{i.label}") for i in plain.items))
    narrowed = only_year(text, by_year)
    assert narrowed is not None and narrowed.total_yuan == 1_000_000


@pytest.mark.parametrize(("text", "kept"), [
    ("…2019年…，2020年…，2021年…。2020年和2021年这两年能拿多少", {2021}),
    ("…，2020到2021年一共能拿多少", {2021}),
    # every year told is asked: not narrowed
    ("…，2019年和2021年这两年能拿多少", None),
])
def test_the_years_a_question_lists(text: str, kept: set[int] | None) -> None:
    plain = _plain("市级临床医学研究中心首次通过绩效评价，能拿多少")
    items = tuple(replace(i, label=f"{y}年：{i.label}") for y in (2019, 2021)
                  for i in plain.items)
    by_year = replace(plain, years={2019: {}, 2021: {}}, items=items)
    narrowed = only_year(text, by_year)
    if kept is None:
        assert narrowed is None
    else:
        assert narrowed is not None
        assert {int(i.label[:4]) for i in narrowed.items} == kept
        assert any("其他年份的奖补不计入" in w for w in narrowed.warnings)


@pytest.mark.parametrize(("text", "year"), [
    ("2021年买了200万，2022年又买了100万，2022年一共能拿多少", 2022),
    ("2021年买了200万，2022年又买了100万，能拿多少", None),
    ("2026年进了市级试点，如果2027年能升成省级，2027年那一次市里给多少", 2027),
    ("2020年第一次认定高企，2026年高企到期重新认定通过了。请问2026年能拿多少", 2026),
    # the words of the asking before the year (a letter's polite request)
    ("2024年列为市级技术创新中心；2026年申报省级没有获批。烦请告知敝公司2026年合计可获得多少",
     2026),
    ("省级技术创新中心，2021年认定，2024年省里重新评估保留资格，2024年市里再给多少？", 2024),
])
def test_a_closing_year_asked(text: str, year: int | None) -> None:
    assert asked_year(text) == year


@pytest.mark.parametrize(("text", "latest"), [
    ("2021年认定了，2024年又重新认定了一次，这次能拿多少", True),
    ("2019年首次认定，2022年复审又认定了，两次一共多少", False),
])
def test_this_time_asks_of_the_latest_only(text: str, latest: bool) -> None:
    assert this_time(text) is latest


@pytest.mark.parametrize(("text", "total"), [
    # paid again asked of the latest event: that year's items only (a renewal: none)
    ("我们做软件外包的，去年刚认定技术先进型服务企业，今年复核又通过了，能不能再来20万", 0),
    # a total asked beside it: every year's
    ("我们做软件外包的，去年刚认定技术先进型服务企业，今年复核又通过了，还能再拿吗，两次一共多少",
     200_000),
    # this time asked of a renewal after a one-time award: nothing this time
    ("我们公司2020年认定技术先进型服务企业时已经领了20万，2023年复审又过了，这回能领多少", 0),
    # this time asked, and the total besides: the total
    ("2020年我们认定了技术先进型服务企业，2023年复审又通过了，复审这次还有钱吗？一共多少？",
     200_000),
])
def test_paid_again_asks_of_the_latest_event(text: str, total: int) -> None:
    from knowledge.reading.estimate import estimate_question

    ex = extract_facts(text, date(2026, 12, 6), RULESET)
    assert estimate_question(RULESET, text, date(2026, 12, 6), list(ex.candidate_rules), ex,
                             ex.as_of or date(2026, 12, 6)).total_yuan == total
