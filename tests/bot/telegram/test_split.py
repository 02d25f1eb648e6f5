"""Splitting Telegram HTML: under the limit, between clauses, tags balanced, nothing lost."""

from __future__ import annotations

import re

import pytest
from bot_api_server import ApiError, parse_html

from bot.telegram.split import LIMIT, split_html, units


def plain(html: str) -> str:
    return parse_html(html)


CLAUSE = "<b>{i}. 标题</b>\n<blockquote>" + "条款内容，很长。" * 60 + "</blockquote>"


@pytest.mark.parametrize(
    ("html", "limit"),
    [
        ("\n\n".join(CLAUSE.format(i=i) for i in range(20)), LIMIT),
        ("<b>" + "x" * 9000 + "</b>", LIMIT),
        ("<blockquote>" + "长句子。" * 3000 + "</blockquote>", LIMIT),
        ("普通文本 &amp; &lt;标签&gt; " * 800, LIMIT),
        ("😀" * 5000, LIMIT),
        ("<i>a <b>b " + "c " * 300 + "</b> d</i>", 100),
    ],
    ids=["clauses", "one-tag", "sentences", "entities", "astral", "nested-small-limit"],
)
def test_chunks_are_valid_and_complete(html: str, limit: int) -> None:
    chunks = split_html(html, limit)
    assert len(chunks) >= 2
    for chunk in chunks:
        assert units(chunk) <= limit
        plain(chunk)  # raises ApiError if a tag or entity was cut
    joined = "".join(plain(c) for c in chunks)
    assert re.sub(r"\s", "", joined) == re.sub(r"\s", "", plain(html))


def test_short_text_is_one_chunk() -> None:
    assert split_html("  <b>短</b>  ") == ["<b>短</b>"]
    assert split_html("") == []


def test_cuts_between_clauses() -> None:
    html = "\n\n".join(CLAUSE.format(i=i) for i in range(20))
    for chunk in split_html(html):
        assert chunk.startswith("<b>") and chunk.endswith("</blockquote>")


def test_parse_html_rejects_broken_markup() -> None:
    with pytest.raises(ApiError):
        parse_html("<b>open")
    with pytest.raises(ApiError):
        parse_html("a < b")
