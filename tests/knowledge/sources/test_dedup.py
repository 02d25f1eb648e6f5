"""Duplicate detection: same 文号, or the same text in another format."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from knowledge.model import DocumentMeta
from knowledge.sources.cleaning import clean_text
from knowledge.sources.dedup import (
    NEAR_DUPLICATE,
    Duplicate,
    duplicates_of,
    find_duplicates,
    hashed_jaccard,
    jaccard,
    shingle_hashes,
    shingles,
    signature,
)
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


# -- the sub-quadratic search decides exactly as the all-pairs loop it replaced ---------


def all_pairs(
    sources: Sequence[SourceDocument], threshold: float = NEAR_DUPLICATE
) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The former O(n²) loop over string shingle sets: the reference decisions."""
    order = sorted(sources, key=lambda s: ({".md": 0, ".txt": 1, ".docx": 2, ".html": 3,
                                            ".htm": 3, ".pdf": 4}.get(s.suffix, 9),
                                           s.meta.file))
    kept: list[tuple[SourceDocument, frozenset[str]]] = []
    dropped: list[tuple[str, str, str]] = []
    for src in order:
        grams = shingles(clean_text(src.text, src.meta.title))
        for other, other_grams in kept:
            if other.meta.doc_number == src.meta.doc_number:
                dropped.append((other.meta.file, src.meta.file, "same 文号"))
                break
            score = jaccard(grams, other_grams)
            if score >= threshold:
                dropped.append((other.meta.file, src.meta.file, f"Jaccard {score:.2f}"))
                break
        else:
            kept.append((src, grams))
    return [s.meta.file for s, _ in kept], dropped


def decisions(
    sources: Sequence[SourceDocument], threshold: float = NEAR_DUPLICATE
) -> tuple[list[str], list[tuple[str, str, str]]]:
    keep, duplicates = find_duplicates(sources, threshold)
    return [s.meta.file for s in keep], [
        (d.kept_file, d.dropped_file,
         "same 文号" if "文号" in d.reason else d.reason.split("(")[1].rstrip(")"))
        for d in duplicates
    ]


def variant(text: str, rng: random.Random, drop: float) -> str:
    """``text`` with a share ``drop`` of its lines left out and a figure changed."""
    lines = [line for line in text.splitlines() if rng.random() >= drop]
    return "\n".join(lines).replace("万元", f"{rng.randint(1, 9)}万元", 1)


def generated_corpus(seed: int) -> list[SourceDocument]:
    """The seeds (002 and 003 one document in two renderings) and variants of them whose
    similarity to their seed spans the threshold (line drop rates from 0 to 30 %)."""
    rng = random.Random(seed)
    out = [
        source("policies/107.md", "107", "A〔2018〕107号"),
        source("policies/32.md", "32", "A〔2018〕32号"),
        source("policies/106.pdf", "106pdf", "A〔2018〕106号"),
        source("policies/106.html", "106web", "B〔2018〕106号"),
    ]
    keys = list(TEXT)
    for index in range(36):
        key = keys[index % len(keys)]
        drop = (0.0, 0.01, 0.03, 0.05, 0.08, 0.12, 0.3)[index % 7]
        number = f"G〔2019〕{index % 30}号"  # a few numbers repeat: same-文号 duplicates
        suffix = (".md", ".txt", ".pdf", ".html")[index % 4]
        meta = DocumentMeta(number, "标题", "某市", date(2019, 1, 1),
                            file=f"policies/g{index:02d}{suffix}")
        out.append(SourceDocument(meta, variant(TEXT[key], rng, drop), 1,
                                  Path(f"g{index:02d}{suffix}")))
    out.append(SourceDocument(DocumentMeta("E1", "", "某市", date(2019, 1, 1), file="e1.md"),
                              "", 1, Path("e1.md")))
    out.append(SourceDocument(DocumentMeta("E2", "", "某市", date(2019, 1, 1), file="e2.md"),
                              " \n", 1, Path("e2.md")))
    return out


def seeds() -> list[SourceDocument]:
    return [
        source("policies/weizhengbanzi-2018-107.md", "107", "威政办字〔2018〕107号"),
        source("policies/weizhengbanfa-2018-32.md", "32", "威政办发〔2018〕32号"),
        source("policies/106.pdf", "106pdf", "PDF〔2018〕106号"),
        source("policies/106.html", "106web", "WEB〔2018〕106号"),
    ]


@pytest.mark.parametrize(
    ("corpus", "threshold"),
    [
        (seeds, NEAR_DUPLICATE),
        (lambda: generated_corpus(1), NEAR_DUPLICATE),
        (lambda: generated_corpus(2), NEAR_DUPLICATE),
        (lambda: generated_corpus(3), 0.8),
        (lambda: generated_corpus(4), 0.97),
        (lambda: generated_corpus(5), 0.0),
    ],
    ids=["seeds", "generated-1", "generated-2", "generated-threshold-0.8",
         "generated-threshold-0.97", "generated-threshold-0"],
)
def test_same_decisions_as_the_all_pairs_comparison(corpus: object, threshold: float) -> None:
    sources = corpus()  # type: ignore[operator]
    expected = all_pairs(sources, threshold)
    assert decisions(sources, threshold) == expected
    assert decisions(list(reversed(sources)), threshold) == expected  # input order is moot


def test_the_generated_corpus_has_both_kinds_of_duplicate() -> None:
    _, dropped = all_pairs(generated_corpus(1))
    reasons = {reason == "same 文号" for _, _, reason in dropped}
    assert reasons == {True, False}
    assert len(dropped) < len(generated_corpus(1)) - 4  # and documents it keeps


def test_seed_renderings_are_one_document() -> None:
    keep, duplicates = find_duplicates(seeds())
    assert [d.dropped_file for d in duplicates] == ["policies/106.pdf"]
    assert duplicates[0].kept_file == "policies/106.html"
    assert len(keep) == 3


@pytest.mark.parametrize(
    ("a", "b"),
    [("一二三四五六七", "一二三四五六七"), ("一二三四五六七", "三四五六七八九"),
     ("短", "短"), ("", ""), ("甲乙", ""), ("一二三 四五六", "一二三四五六")],
    ids=["identical", "overlap", "one-shingle", "both-empty", "one-empty", "whitespace"],
)
def test_hashed_jaccard_equals_string_jaccard(a: str, b: str) -> None:
    assert hashed_jaccard(shingle_hashes(a), shingle_hashes(b)) == jaccard(
        shingles(a), shingles(b))


def test_signatures_are_sorted_unique_and_deterministic() -> None:
    sig = signature(seeds()[0])
    assert sig.dtype == np.uint64
    assert np.all(sig[1:] > sig[:-1])
    assert len(sig) == len(shingles(clean_text(TEXT["107"], "标题")))
    assert np.array_equal(sig, signature(seeds()[0]))


def test_cached_signatures_are_used_and_must_align() -> None:
    sources = seeds()
    empty = [np.zeros(0, dtype=np.uint64) for _ in sources]
    keep, duplicates = find_duplicates(sources, signatures=empty)  # all "empty": one kept
    assert len(keep) == 1 and len(duplicates) == 3
    with pytest.raises(ValueError, match="one signature per source"):
        find_duplicates(sources, signatures=empty[:2])


def test_duplicates_of_a_new_document_by_the_loaders_test() -> None:
    """``kb add``'s question (which kept documents does a new one repeat?) answered by the
    test find_duplicates applies: the same 文号, else near-identical text, in their order."""
    kept = [source("policies/107.md", "107", "威政办字〔2018〕107号"),
            source("policies/32.md", "32", "威政办发〔2018〕32号"),
            source("policies/106.md", "106pdf", "威政办字〔2018〕106号")]
    web = source("policies/web.md", "106web", "威政办字〔2018〕106号")
    (match,) = duplicates_of(web, kept)
    assert (match.file, match.doc_number, match.same_number) == (
        "policies/106.md", "威政办字〔2018〕106号", True)
    renumbered = source("policies/web.md", "106web", "威政办字〔2018〕999号")
    (near,) = duplicates_of(renumbered, kept, [signature(s) for s in kept])
    assert near.file == "policies/106.md" and not near.same_number
    assert near.score is not None and near.score >= NEAR_DUPLICATE
    assert near.score == jaccard(shingles(clean_text(TEXT["106web"], "标题")),
                                 shingles(clean_text(TEXT["106pdf"], "标题")))
    assert duplicates_of(source("policies/new.md", "32", "威科字〔2026〕1号"), kept[:1]) == []
    with pytest.raises(ValueError, match="one signature per source"):
        duplicates_of(web, kept, [])
