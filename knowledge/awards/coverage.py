"""Completeness of the rules: every money figure of the policies is a rule or a non-award.

A *money figure* is an amount in 元/万元/亿元 or a percentage.  A figure is covered when
it lies inside the quote of a rule citing that clause, or inside the quote of a
``not_awards`` entry (a target, a budget share …).  :func:`find_uncovered` reports each
sentence holding an uncovered figure with the document file and the clause's line, so
that adding a document without writing its rules fails ``kb check`` and the tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.awards.rules import NotAward, RuleSet, match_text
from knowledge.model import Clause
from knowledge.sources.documents import normalize_doc_number
from knowledge.sources.parsing import normalize_path

# Run on match_text() output (NFKC, no whitespace): ％ is already %.
MONEY_FIGURE = re.compile(
    r"\d+(?:\.\d+)?(?:万|亿)?元|\d+(?:\.\d+)?%|[一二两三四五六七八九十百千]+(?:万|亿)元"
)
_SENTENCE_END = re.compile(r"[。！？]")
_FULL_WIDTH = str.maketrans({",": "，", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"})


@dataclass(frozen=True)
class Uncovered:
    """A sentence stating money figures no rule or non-award entry accounts for."""

    doc_number: str
    clause_path: str
    file: str
    line: int
    sentence: str
    figures: tuple[str, ...]

    def __str__(self) -> str:
        figures = "、".join(self.figures)
        return (f"{self.file}:{self.line}: {self.doc_number} {self.clause_path}: {figures} "
                f"not covered by any rule or not_awards entry: “{self.sentence}”")


def _spans(text: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for quote in quotes:
        needle = match_text(quote)
        start = text.find(needle)
        while needle and start >= 0:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
    return spans


def _sentence(text: str, pos: int) -> tuple[int, str]:
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    begin = max(s for s in starts if s <= pos)
    end_match = _SENTENCE_END.search(text, pos)
    end = end_match.end() if end_match else len(text)
    return begin, text[begin:end]


def find_uncovered(clauses: Sequence[Clause], ruleset: RuleSet,
                   not_awards: Iterable[NotAward] | None = None) -> list[Uncovered]:
    """Money sentences of ``clauses`` not covered by ``ruleset`` or ``not_awards``.

    ``not_awards`` defaults to the entries loaded with the rule set.  Chunks of one clause
    are joined first; results are in clause order.
    """
    def normal(doc_number: str, path: str) -> tuple[str, str]:  # as rule validation reads them
        return normalize_doc_number(doc_number), normalize_path(path)

    quotes: dict[tuple[str, str], list[str]] = {}
    for rule in ruleset.rules:
        for cite in rule.citations:
            quotes.setdefault(normal(cite.doc_number, cite.clause_path), []).append(cite.quote)
    for entry in ruleset.not_awards if not_awards is None else not_awards:
        quotes.setdefault(normal(entry.doc_number, entry.clause_path), []).append(entry.quote)
    joined: dict[tuple[str, str], list[Clause]] = {}
    for clause in clauses:
        joined.setdefault(normal(clause.doc_number, clause.path), []).append(clause)
    out: list[Uncovered] = []
    for key, chunks in joined.items():
        chunks = sorted(chunks, key=lambda c: c.part)
        text = match_text("".join(c.text for c in chunks))
        spans = _spans(text, quotes.get(key, ()))
        by_sentence: dict[int, tuple[str, list[str]]] = {}
        for m in MONEY_FIGURE.finditer(text):
            if any(a <= m.start() and m.end() <= b for a, b in spans):
                continue
            begin, sentence = _sentence(text, m.start())
            by_sentence.setdefault(begin, (sentence, []))[1].append(m.group(0))
        first = chunks[0]
        for _, (sentence, figures) in sorted(by_sentence.items()):
            out.append(Uncovered(first.doc_number, first.path, first.doc.file, first.line,
                                 sentence.translate(_FULL_WIDTH), tuple(figures)))
    return out
