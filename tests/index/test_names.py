"""Lookups indexed once per knowledge load (index.names, index.focus.FocusIndex) answer
exactly as the per-question scans over every document they replace."""

from __future__ import annotations

import random
import re
from datetime import date
from typing import Any

import pytest

from index.answering.understand import named_document
from index.focus import Focus, FocusIndex, _names, read_focus
from index.names import DocumentNames, Substrings, title_names
from knowledge.model import DocumentMeta
from knowledge.sources.documents import normalize_doc_number

_SHORT_REF = re.compile(r"(?<![\d月〔\[（(])(\d{1,4})\s*号(?=文件|文|通知|政策|$|[^\d])")
_REGION_SUFFIX = re.compile(r"(?:市|省|区|县|自治区|特别行政区)$")
_YEAR = re.compile(
    r"(20\d\d|19\d\d)\s*年(?:度)?\s*(?:的|出台|印发|发布|下发|颁布|制定|发的)+\s*"
    r"(?:的)?\s*(?:政策|文件|通知|意见|办法|方案|计划|规定|细则)?"
)


def scan_named(documents: list[DocumentMeta], question: str) -> str | None:
    """The per-question scan ``named_document`` did before (the reference)."""
    compact = normalize_doc_number(question)
    for meta in documents:
        if normalize_doc_number(meta.doc_number) in compact:
            return normalize_doc_number(meta.doc_number)
    for meta in documents:
        if any(len(name) >= 6 and name in compact for name in title_names(meta.title)):
            return normalize_doc_number(meta.doc_number)
    for m in _SHORT_REF.finditer(question):
        number = m.group(1)
        owners = {normalize_doc_number(meta.doc_number) for meta in documents
                  if re.search(rf"〕0*{number}号$", normalize_doc_number(meta.doc_number))}
        if len(owners) == 1:
            return owners.pop()
    return None


def scan_focus(text: str, docs: list[DocumentMeta]) -> Focus:
    """The per-question scan ``read_focus`` did before (the reference)."""
    if not docs or not text:
        return Focus()
    issuers: set[str] = set()
    regions: set[str] = set()
    years: set[str] = set()
    named_years = {int(m.group(1)) for m in _YEAR.finditer(text) if m.group(0).strip()}
    owners: dict[str, set[str]] = {}
    for doc in docs:
        for name in _names(doc.issuer, doc.region):
            owners.setdefault(name, set()).add(doc.issuer)
    named_issuers = {next(iter(who)) for name, who in owners.items()
                     if name in text and (len(who) == 1)}
    for doc in docs:
        if doc.issuer in named_issuers or doc.issuer in text:
            issuers.add(doc.doc_number)
        short = _REGION_SUFFIX.sub("", doc.region)
        if doc.region and (doc.region in text or (len(short) >= 2 and short in text)):
            regions.add(doc.doc_number)
        if doc.issued.year in named_years:
            years.add(doc.doc_number)
    every = {d.doc_number for d in docs}
    return Focus(*(frozenset(g) if g != every else frozenset()
                   for g in (issuers, regions, years)))


CITIES = (("威海市", "威"), ("荣成市", "荣"), ("烟台市", "烟"), ("青岛市", "青"), ("环翠区", "环"))
SUBJECTS = ("科技成果转移转化", "科技企业孵化器", "高新技术企业培育", "研发费用补助", "人才引进")


def corpus(n: int, seed: int = 3) -> list[DocumentMeta]:
    rng = random.Random(seed)
    docs = []
    for k in range(n):
        region, short = CITIES[k % len(CITIES)]
        subject = SUBJECTS[rng.randrange(len(SUBJECTS))]
        serial = rng.choice((str(k), f"0{k}", str(rng.randrange(1, 60))))
        year = rng.randrange(2016, 2024)
        title = rng.choice((
            f"{region}人民政府办公室关于印发{subject}若干措施的通知",
            f"关于《{subject}奖励办法》的补充通知",
            f"{subject}实施细则",
        ))
        issuer = rng.choice((f"{region}科学技术局", f"{region}人民政府", "科学技术局"))
        docs.append(DocumentMeta(f"{short}科字〔{year}〕{serial}号", title, issuer,
                                 date(year, 1 + k % 12, 1), region=region))
    return docs


def questions(docs: list[DocumentMeta], count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    tails = ("还有效吗", "怎么申请", "奖励多少", "", "的政策", "印发的文件")
    out = []
    for _ in range(count):
        doc = docs[rng.randrange(len(docs))]
        parts = [
            doc.doc_number.replace("〔", rng.choice("〔[(（【"))
            .replace("〕", rng.choice("〕])）】")),
            rng.choice(title_names(doc.title)),
            f"{rng.randrange(0, 80)}号文",
            f"0{rng.randrange(0, 80)}号文件",
            doc.issuer, _REGION_SUFFIX.sub("", doc.region), doc.region,
            f"{doc.issued.year}年印发的", f"{rng.randrange(2015, 2025)}年我们买了技术",
            rng.choice(SUBJECTS), "5月31号",
        ]
        picked = rng.sample(parts, rng.randrange(1, 4))
        out.append("".join(picked) + rng.choice(tails))
    return out


@pytest.mark.parametrize("n", [1, 7, 60, 300])
def test_named_document_is_the_scan(n: int) -> None:
    docs = corpus(n)
    names = DocumentNames(docs)
    for question in questions(docs, 400):
        found = named_document(None, question, names)  # type: ignore[arg-type]
        assert found == scan_named(docs, question), question


@pytest.mark.parametrize("n", [1, 7, 60, 300])
def test_focus_index_is_the_scan(n: int) -> None:
    docs = corpus(n)
    index = FocusIndex(docs)
    for question in questions(docs, 400):
        assert index.read(question) == scan_focus(question, docs), question
    assert read_focus("", docs) == Focus()
    assert FocusIndex([]).read("荣成") == Focus()


def test_reading_a_question_touches_no_document() -> None:
    """Built once: a question is read without going over the documents again."""

    class Counted(list[Any]):
        reads = 0

        def __iter__(self) -> Any:
            Counted.reads += 1
            return super().__iter__()

    docs = Counted(corpus(50))
    asked = questions(list(docs), 50)
    names, focus = DocumentNames(docs), FocusIndex(docs)
    built = Counted.reads
    for question in asked:
        named_document(None, question, names)  # type: ignore[arg-type]
        focus.read(question)
    assert Counted.reads == built


def test_substrings() -> None:
    table = Substrings([("abc", 1), ("abcdefgh", 2), ("", 3), ("xyz", 4), ("abc", 5)])
    assert sorted(table.found("..abcdefgh..")) == [1, 2, 3, 5]
    assert sorted(table.found("ab")) == [3]
    assert Substrings([]).found("anything") == []
    assert len(table) == 5
