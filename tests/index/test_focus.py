"""Ranking among many documents (index.focus): named issuer / region / year, region
filter, newer in-force document first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from index.artifacts import load_index
from index.build import build_index
from index.focus import (
    FOCUS_BOOST,
    NEAR_TIE,
    newer_first,
    read_focus,
    same_grant,
)
from index.retriever import Retriever
from knowledge.model import DEFAULT_REGION, DocumentMeta

OLD = DocumentMeta("威科字〔2018〕58号", "促进科技成果转移转化三年行动计划", "威海市科学技术局",
                   date(2018, 10, 10))
NEW = DocumentMeta("威科字〔2022〕9号", "促进科技成果转移转化若干措施", "威海市科学技术局",
                   date(2022, 3, 1))
RONGCHENG = DocumentMeta("荣科字〔2021〕3号", "荣成市科技创新奖励办法", "荣成市科学技术局",
                         date(2021, 5, 1), region="荣成市")
EXPIRED = replace(NEW, doc_number="威科字〔2023〕1号", issued=date(2023, 1, 1),
                  effective_until=date(2023, 12, 31))


def test_documents_default_to_the_city() -> None:
    assert OLD.region == DEFAULT_REGION == "威海市"


@pytest.mark.parametrize(
    ("question", "issuer", "region", "year"),
    [
        ("荣成市科学技术局的奖励办法有哪些", {RONGCHENG.doc_number}, {RONGCHENG.doc_number},
         set()),
        ("荣成有什么科技奖励", set(), {RONGCHENG.doc_number}, set()),
        ("2022年出台的成果转化政策", set(), set(), {NEW.doc_number}),
        ("2018年印发的文件还有效吗", set(), set(), {OLD.doc_number}),
        ("2022年我们买了技术能补多少", set(), set(), set()),  # an event year, not an issue year
        ("威海市科学技术局的政策", {OLD.doc_number, NEW.doc_number},
         {OLD.doc_number, NEW.doc_number}, set()),
        ("技术转移机构奖励", set(), set(), set()),
    ],
    ids=["issuer-and-region", "region-short-form", "issue-year", "issue-year-2018",
         "event-year", "issuer-of-two", "nothing-named"],
)
def test_read_focus(question: str, issuer: set[str], region: set[str], year: set[str]) -> None:
    focus = read_focus(question, [OLD, NEW, RONGCHENG])
    assert (set(focus.by_issuer), set(focus.by_region), set(focus.by_year)) == (
        issuer, region, year)


def test_an_attribute_every_document_shares_names_nothing() -> None:
    focus = read_focus("威海市科学技术局的政策", [OLD, NEW])
    assert not focus
    assert focus.boost(OLD.doc_number) == 0.0


def test_boost_adds_per_named_attribute() -> None:
    focus = read_focus("荣成市科学技术局2021年印发的办法", [OLD, NEW, RONGCHENG])
    assert focus.boost(RONGCHENG.doc_number) == pytest.approx(3 * FOCUS_BOOST)
    assert focus.boost(OLD.doc_number) == 0.0


@dataclass
class H:
    score: float
    doc: DocumentMeta


@pytest.mark.parametrize(
    ("hits", "order"),
    [
        ([H(0.80, OLD), H(0.80 - NEAR_TIE / 2, NEW)], [NEW, OLD]),
        ([H(0.80, OLD), H(0.80 - 2 * NEAR_TIE, NEW)], [OLD, NEW]),  # not a tie
        ([H(0.80, EXPIRED), H(0.795, OLD), H(0.79, NEW)], [EXPIRED, NEW, OLD]),
        ([H(0.80, OLD), H(0.80, OLD)], [OLD, OLD]),
    ],
    ids=["near-tie-newer-first", "clear-gap-kept", "out-of-force-keeps-its-place",
         "one-document"],
)
def test_newer_first(hits: list[H], order: list[DocumentMeta]) -> None:
    got = newer_first(hits, date(2024, 6, 1), lambda h: h.score, lambda h: h.doc)
    assert [h.doc for h in got] == order


def test_newer_first_only_among_the_same_provision() -> None:
    hits = [H(0.80, OLD), H(0.795, NEW)]
    different = newer_first(hits, date(2024, 6, 1), lambda h: h.score, lambda h: h.doc,
                            lambda a, b: False)
    assert [h.doc for h in different] == [OLD, NEW]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [(["技术", "转移", "奖励"], ["技术", "转移", "奖励", "机构"], True),
     (["孵化器", "奖励"], ["专利", "代理"], False), ([], ["专利"], False)],
    ids=["overlap", "disjoint", "empty"],
)
def test_same_grant(a: list[str], b: list[str], same: bool) -> None:
    assert same_grant(a, b) is same


@pytest.fixture
def regional(kb: Any, fake: Any, tmp_path: Path) -> Any:
    """The sample clauses, the township clause moved to a 荣成市 document."""
    township = kb.clauses[-1]
    doc = replace(township.doc, doc_number="荣政办发〔2019〕5号", region="荣成市",
                  issuer="荣成市人民政府办公室")
    kb.clauses[-1] = replace(township, doc=doc)
    build_index(kb, tmp_path, fake, progress=False)
    index = load_index(tmp_path, fake)
    assert index is not None
    return index


def test_region_filter_keeps_the_deployments_documents(regional: Any, fake: Any) -> None:
    question = "创建为国家创新型乡镇奖励多少"
    everywhere = Retriever(regional, fake).search(question, top_k=10)
    assert any(h.clause.doc.region == "荣成市" for h in everywhere)
    city = Retriever(regional, fake, regions=["威海市"]).search(question, top_k=10)
    assert city and all(h.clause.doc.region == "威海市" for h in city)
    only = Retriever(regional, fake, regions=["荣成市"]).search(question, top_k=10)
    assert [h.clause.doc.region for h in only] == ["荣成市"]


def test_a_named_region_boosts_its_documents(regional: Any, fake: Any) -> None:
    """The ranking score of the named region's chunks carries FOCUS_BOOST, no other's."""
    retriever = Retriever(regional, fake)
    w = retriever.calibration.dense_weight
    hits = retriever.search("荣成创新型乡镇奖励", top_k=10)
    extra = {h.clause.doc.region: round(h.score - (w * h.dense + (1 - w) * h.lexical), 4)
             for h in hits}
    assert extra == {"荣成市": round(FOCUS_BOOST, 4), "威海市": 0.0}
