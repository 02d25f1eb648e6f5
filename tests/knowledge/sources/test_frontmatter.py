"""The one front-matter splitter and writer (knowledge.sources.frontmatter)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.errors import MetadataError
from knowledge.sources.frontmatter import FrontMatter, render_front_matter, split_front_matter


@pytest.mark.parametrize(("raw", "expected"), [
    ("---\na: 1\n---\n正文\n", FrontMatter("a: 1", "正文\n", 4)),
    ("\ufeff---\na: 1\nb: 2\n...\n正文", FrontMatter("a: 1\nb: 2", "正文", 5)),
    ("--- \n---\n", FrontMatter("", "", 3)),
], ids=["plain", "bom-and-dots", "empty"])
def test_split(raw: str, expected: FrontMatter) -> None:
    assert split_front_matter(raw) == expected


@pytest.mark.parametrize("raw", ["正文\n---\n", "", "a: 1\n"], ids=["body", "empty", "yaml"])
def test_no_front_matter(raw: str) -> None:
    assert split_front_matter(raw) is None


def test_unclosed_front_matter_is_an_error_at_line_1() -> None:
    with pytest.raises(MetadataError, match="元数据没有结束：第 1 行的 --- 之后缺少") as caught:
        split_front_matter("---\na: 1\n正文\n", "a.md")
    assert (caught.value.file, caught.value.line) == ("a.md", 1)


def test_render_round_trips() -> None:
    meta = {"doc_number": "威政办字〔2018〕107号", "issued": date(2018, 11, 27), "title": "",
            "status": "yes"}
    text = render_front_matter(meta, ("doc_number", "title", "issued", "status"))
    assert text == ("---\ndoc_number: 威政办字〔2018〕107号\nissued: 2018-11-27\n"
                    "status: 'yes'\n---\n")
    front = split_front_matter(text + "正文")
    assert front is not None and front.body == "正文" and front.body_line == 6
