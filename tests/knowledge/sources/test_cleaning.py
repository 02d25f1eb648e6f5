"""Cleaning policy text into logical lines: normalising, numbering, artefacts."""

from __future__ import annotations

import pytest
from sample_texts import ARTICLES, FILES, seed_text

from knowledge.sources.cleaning import clean_text, normalize_line, unplaced_numbering


def test_publish_note_removed_from_pdf_extract() -> None:
    assert "发布" not in clean_text(seed_text("106pdf"))




def test_article_numbering_is_placed() -> None:
    assert unplaced_numbering(ARTICLES) == []


def test_unplaced_numbering() -> None:
    text = "\n".join(
        ["一、总体要求", "（一）甲。内容一。", "（三）乙。内容三。", "3. 丙。内容。", "二、其他",
         "（二）丁。内容。"]
    )
    assert [line for line, _ in unplaced_numbering(text, first_line=10)] == [12, 13, 15]


@pytest.mark.parametrize("key", list(FILES), ids=str)
def test_seeds_have_no_unplaced_numbering(key: str) -> None:
    assert unplaced_numbering(seed_text(key)) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(一)指导思想", "（一）指导思想"),
        ("到 2022 年", "到2022年"),
        ("给予 200 万元奖励", "给予200万元奖励"),
        ("增长 10% 以上", "增长10%以上"),
        ("政府,国家级开发区管委;单位:", "政府，国家级开发区管委；单位："),
        ("1:1 配套", "1:1配套"),
        ("合计1,000元", "合计1,000元"),
        ("威政办字〔2018〕106 号 ", "威政办字〔2018〕106号"),
        ("１２３万元", "123万元"),
        ("第三条　正文 内容", "第三条 正文内容"),
        ("占 GDP 的比重", "占GDP的比重"),
        ("采用 open source 模式", "采用open source模式"),
    ],
    ids=["brackets", "year", "money", "percent", "punct", "ratio", "thousands", "doc-number",
         "fullwidth-digits", "article-space", "latin", "latin-words"],
)
def test_normalize_line(raw: str, expected: str) -> None:
    assert normalize_line(raw) == expected


