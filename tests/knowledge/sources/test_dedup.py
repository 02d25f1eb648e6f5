"""Duplicate detection: same 文号, or the same text in another format."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.model import DocumentMeta
from knowledge.sources.cleaning import clean_text
from knowledge.sources.dedup import Duplicate, find_duplicates, jaccard, shingles
from knowledge.sources.documents import SourceDocument

SEEDS = Path(__file__).resolve().parents[2] / "fixtures"
TEXT = {
    "107": (SEEDS / "000_18f4e936e940e5f3.txt").read_text(encoding="utf-8"),
    "32": (SEEDS / "001_eff6465ac9f855be.txt").read_text(encoding="utf-8"),
    "106pdf": (SEEDS / "002_0bc234bbef1fbde9.txt").read_text(encoding="utf-8"),
    "106web": (SEEDS / "003_7f75836a4e4ff56d.txt").read_text(encoding="utf-8"),
}


def source(file: str, text_key: str, doc_number: str) -> SourceDocument:
    meta = DocumentMeta(doc_number, "标题", "威海市", date(2018, 11, 30), file=file)
    return SourceDocument(meta, TEXT[text_key], 1, Path(file))


def test_shingles_and_jaccard() -> None:
    assert shingles("一二三 四五六", size=5) == {"一二三四五", "二三四五六"}
    assert shingles("短", size=5) == {"短"}
    assert jaccard(frozenset({"a", "b"}), frozenset({"b", "c"})) == pytest.approx(1 / 3)
    assert jaccard(frozenset(), frozenset()) == 1.0


def test_pdf_extract_and_web_page_are_near_identical() -> None:
    pdf = shingles(clean_text(TEXT["106pdf"]))
    web = shingles(clean_text(TEXT["106web"]))
    assert jaccard(pdf, web) >= 0.99
    assert jaccard(pdf, shingles(clean_text(TEXT["32"]))) < 0.2


@pytest.mark.parametrize(
    ("sources", "kept", "dropped", "reason"),
    [
        (
            [("b.html", "106web", "威政办字〔2018〕106号"),
             ("a.md", "106pdf", "威政办字〔2018〕106号")],
            ["a.md"], [("a.md", "b.html")], "same 文号",
        ),
        (
            [("z.md", "106web", "WEB-1"), ("a.pdf", "106pdf", "PDF-1")],
            ["z.md"], [("z.md", "a.pdf")], "near-identical text",
        ),
        (
            [("b.md", "106pdf", "X"), ("a.md", "106web", "X")],
            ["a.md"], [("a.md", "b.md")], "same 文号",
        ),
        (
            [("a.txt", "107", "X1"), ("b.md", "32", "X1")],
            ["b.md"], [("b.md", "a.txt")], "same 文号",  # .md before .txt
        ),
        (
            [("a.md", "107", "A"), ("b.md", "32", "B"), ("c.md", "106pdf", "C")],
            ["a.md", "b.md", "c.md"], [], "",
        ),
    ],
    ids=["same-number-md-preferred", "same-text-other-number", "two-md-sorted-first",
         "md-before-txt", "distinct"],
)
def test_find_duplicates(
    sources: list[tuple[str, str, str]],
    kept: list[str],
    dropped: list[tuple[str, str]],
    reason: str,
) -> None:
    keep, duplicates = find_duplicates([source(*s) for s in sources])
    assert [s.meta.file for s in keep] == kept
    assert [(d.kept_file, d.dropped_file) for d in duplicates] == dropped
    assert all(reason in d.reason for d in duplicates)


def test_duplicate_message() -> None:
    duplicate = Duplicate("policies/a.md", "policies/a.pdf", "same 文号 X")
    assert str(duplicate) == "policies/a.pdf duplicates policies/a.md (same 文号 X); ignored"
