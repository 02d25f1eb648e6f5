"""Sentence and phrase splitting of chunks (index.pieces)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from index.pieces import chunk_phrases, chunk_sentences


def test_chunk_phrases_split_on_commas_and_prefix(kb: Any) -> None:
    clause = replace(
        kb.clauses[0], text="用好科技创新券政策，对技术供需双方给予奖补，好，发挥好创投基金作用。"
    )
    heading = "推进技术研发和转移机构建设："
    assert chunk_phrases(clause) == [
        heading + "用好科技创新券政策，",
        heading + "对技术供需双方给予奖补，",
        heading + "好，发挥好创投基金作用。",
    ]


def test_chunk_sentences_split_and_prefix(kb: Any) -> None:
    clause = kb.clauses[0]  # CENTRE: three sentences under 推进技术研发和转移机构建设
    sentences = chunk_sentences(clause)
    assert len(sentences) == 3
    assert all(s.startswith("推进技术研发和转移机构建设：") for s in sentences)
    assert "".join(s.split("：", 1)[1] for s in sentences) == clause.text
    short = replace(clause, text="短句。对认定为星创天地的给予奖励；好。")
    assert [s.split("：", 1)[1] for s in chunk_sentences(short)] == [
        "短句。对认定为星创天地的给予奖励；好。"
    ]
