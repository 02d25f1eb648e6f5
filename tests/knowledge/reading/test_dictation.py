"""A dictated run with no commas parted at its spoken clauses (knowledge.reading.dictation)."""

from __future__ import annotations

import pytest

from knowledge.reading.dictation import dictated
from knowledge.reading.normalize import normalize_question


@pytest.mark.parametrize(("said", "parted"), [
    # a filler and a year mention start clauses; a count starting a clause; the rest
    ("我们孵化器是市级的嗯2022年报了六家在孵企业升高企有一家孵化都五年了有一家没评上"
     "剩下四家都在三年以内也都评上了奖励是多少",
     "我们孵化器是市级的，2022年报了六家在孵企业升高企，有一家孵化都五年了，有一家没评上，"
     "剩下四家都在三年以内也都评上了，奖励是多少"),
    # a year said twice is one date (前年就是2024年); connectives part the years' facts
    ("我们这个孵化器是市级以上的2019年有十二家在孵企业升高企2020年有五家然后前年就是2024年"
     "又有六家都在三年孵化期里一共能拿多少",
     "我们这个孵化器是市级以上的，2019年有十二家在孵企业升高企，2020年有五家，"
     "然后前年就是2024年又有六家都在三年孵化期里，一共能拿多少"),
    # the question at the end is a clause of its own; a denial before it stays in its own
    ("我们镇去年申报国家创新型乡镇没批下来今年又报了批了市里给多少",
     "我们镇去年申报国家创新型乡镇没批下来，今年又报了批了，市里给多少"),
    # a supposition keeps its year; a connective alone is no clause
    ("假如明年我们孵化器认定成国家级科技企业孵化器了然后明年再有三家在孵企业升高企那一共能拿多少",
     "假如明年我们孵化器认定成国家级科技企业孵化器了，然后明年再有三家在孵企业升高企，"
     "那一共能拿多少"),
    # one named by 那个 keeps its year (心内科那个去年…); a title's word is no question
    ("不过心内科那个去年就已经首次通过过了今年算第二次其他两个是第一次这回一共能拿多少",
     "不过心内科那个去年就已经首次通过过了，今年算第二次，其他两个是第一次，这回一共能拿多少"),
    ("还有学校拿了一个省技术市场奖励这些市里的奖补加起来是多少",
     "还有学校拿了一个省技术市场奖励，这些市里的奖补加起来是多少"),
])
def test_a_dictated_run_is_parted_at_its_clauses(said: str, parted: str) -> None:
    assert dictated(said) == parted


def test_a_clause_that_does_not_close_is_not_parted() -> None:
    # the subject of a year's verb, a part of a place, a holder's own count
    for said in ("12家科技服务企业今年首次认定技术先进型服务企业一共多少钱",
                 "2020年我们和同一个孵化器里另外两家企业都升了高企",
                 "区里两家市级孵化器2022年一家有8家在孵企业升了高企"):
        assert dictated(said) == said


@pytest.mark.parametrize("typed", [
    "我们孵化器是市级的，2020年有7家在孵企业升级为高企，其中2家超过孵化期，能拿多少？",
    "2019年认定为省级技术创新中心能拿多少",  # short: as typed
    "我们公司在2020年购买了技术，合同登记了，能奖多少",
])
def test_typed_text_keeps_its_own_punctuation(typed: str) -> None:
    assert dictated(typed) == typed


def test_the_question_is_read_after_its_years_and_typos() -> None:
    # 二零一九年 is a year before the run is parted; 嗯 is gone
    said = "我们中心嗯二零一九年认定为市级的二零二一年又升成省级了一共能拿多少"
    parted = "我们中心，2019年认定为市级的，2021年又升成省级了，一共能拿多少"
    assert normalize_question(said) == parted
