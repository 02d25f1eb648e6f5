"""A combination's total summed question by question (index.answering.summed)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from index.answering.summed import SEPARATOR, estimated, summed_thread
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
_KB = load_knowledge(KNOWLEDGE)
RULES: RuleSet = load_rules(KNOWLEDGE / "rules", _KB.clause, _KB.document)
NATIONAL = "我们在经区运营的孵化器今年刚认定成国家级科技企业孵化器，给多少"


def _sum(*questions: str, refs: tuple[str, ...] = ("combination",)) -> int | None:
    found = summed_thread(RULES, SEPARATOR.join(questions), TODAY, TODAY, refs)
    return None if found is None else found.total_yuan


def test_each_question_counts_what_it_had_on_its_own() -> None:
    # a renewal supposed in one question does not make the other's recognition a renewal
    renewal = ("我们在经区运营的重新认定孵化器今年刚认定成国家级科技企业孵化器，给多少，"
               "过两年要是又通过了")
    assert _sum(NATIONAL, renewal) == 2_000_000
    # an asker placed elsewhere in one question does not deny the other's
    assert _sum("我们公司在烟台芝罘区，今年孵化器认定为国家级了，能拿多少",
                "我们在威海临港区注册的子公司运营的众创空间今年被认定为国家专业化众创空间，"
                "能拿多少") == 2_000_000


def test_the_sum_is_as_of_the_latest_question() -> None:
    found = summed_thread(RULES, SEPARATOR.join(("2024年我们认定了技术先进型服务企业，多少",
                                                 NATIONAL)), TODAY, date(2024, 12, 31),
                          ("combination",))
    assert found is not None and found.as_of == TODAY


def test_what_another_award_awaits_beside_one_granted_is_listed_not_summed() -> None:
    # (国家级孵化器 granted, the upgrades of its incubatees awaiting a count, + 省品牌配套)
    found = summed_thread(RULES, SEPARATOR.join((
        "我们孵化器2020年被认定为国家级科技企业孵化器，市里给多少钱？",
        "我们还有个众创空间，今年认定了山东省品牌众创空间，省里拨了八十万，能拿多少")),
        TODAY, TODAY, ("combination",))
    assert found is not None and found.total_yuan == 2_800_000


def test_an_award_granted_alike_twice_is_counted_once() -> None:
    # the question before held whole in the next: its award once, the new one added
    assert _sum(NATIONAL, f"{NATIONAL}，还有技术先进型服务企业认定") == 2_200_000


@pytest.mark.parametrize(("questions", "refs"), [
    # one award with different figures (flows of one year): the joined reading
    (("2020年买技术登记了200万，能奖多少", "2020年又买了一项登记了150万，能奖多少"),
     ("combination",)),
    # no combination, or one question only
    ((NATIONAL, NATIONAL), ("year",)),
    ((NATIONAL,), ("combination",)),
    # a question waiting for an answer (how many upgraded)
    ((NATIONAL, "2022年我们孵化器里有在孵企业升了高企，能拿多少"), ("combination",)),
])
def test_the_joined_reading_stands(questions: tuple[str, ...], refs: tuple[str, ...]) -> None:
    assert _sum(*questions, refs=refs) is None


def test_a_question_not_summed_is_read_whole() -> None:
    from knowledge.reading.extraction import extract_facts
    from knowledge.reading.frame import Frame

    ex = extract_facts(NATIONAL, TODAY, RULES)
    found = estimated(RULES, NATIONAL, TODAY, TODAY, Frame(said=NATIONAL, text=NATIONAL),
                      list(ex.candidate_rules), ex)
    assert found.total_yuan == 2_000_000


def test_a_supposition_left_out_is_said_in_the_estimate() -> None:
    from knowledge.reading.extraction import extract_facts
    from knowledge.reading.frame import Frame

    said = "2021年首次评上高企，如果也评上技术先进型，实际能拿多少"
    text = "我们是科技服务公司，2021年首次评上高企，实际能拿多少"
    frame = Frame(said=said, text=text, left_out="如果也评上技术先进型")
    ex = extract_facts(text, TODAY, RULES)
    on = ex.as_of or TODAY
    estimate = estimated(RULES, text, TODAY, on, frame, list(ex.candidate_rules), ex)
    assert estimate.total_yuan == 200_000
    assert estimate.warnings[0] == "您说的“如果也评上技术先进型”是假设，您问的是实际情况，未计入"


def test_a_sum_asked_at_the_top_counts_each_ceiling() -> None:
    from knowledge.reading.extraction import extract_facts
    from knowledge.reading.frame import Frame

    text = SEPARATOR.join(("代理所2021年代理的市内发明专利授权有130件，最多能奖多少",
                           "2021年我们还被认定为国家专利运营试点，这个最高给多少"))
    ex = extract_facts(text, TODAY, RULES)
    on = date(2021, 12, 31)
    top = Frame(said="两项顶格加一块是多少", text=text, follow_up=True, refs=("combination",))
    assert estimated(RULES, text, TODAY, on, top, list(ex.candidate_rules), ex).total_yuan \
        == 1_200_000
    plain = Frame(said="两项加一块是多少", text=text, follow_up=True, refs=("combination",))
    assert not estimated(RULES, text, TODAY, on, plain, list(ex.candidate_rules), ex).total_yuan
