"""Where the staff's title patterns match a message: clause by clause (a match crossing a
punctuation mark would hide a later one), and across a comma where neither clause holds a
match of its own (市级临床医学研究中心，今年搞绩效评价)."""

from __future__ import annotations

import itertools
import re

from knowledge.awards.staff_regex import Hit, staff_regex
from knowledge.awards.vocabulary import Patterns
from knowledge.reading.scope import is_negated

__all__ = ["clause_matches", "single_choices", "title_matches", "title_phrases"]

_SEGMENT = re.compile(r"[，。；！？,;!?\n]")
_A_LEVEL = re.compile(r"国家|省|市级|市里")


def clause_matches(pattern: str, text: str) -> list[Hit]:
    """The matches of the staff ``pattern`` inside one clause each (a match crossing a
    punctuation mark would hide a later one: 中心第二次通过，同时升级成了省级…中心)."""
    compiled = staff_regex(pattern)
    out: list[Hit] = []
    bounds: list[tuple[int, int, bool]] = []  # each clause and whether the pattern hit it
    start = 0
    for m in [*_SEGMENT.finditer(text), None]:
        end = m.start() if m else len(text)
        hits = [Hit(start + h.start, start + h.end, h.text)
                for h in compiled.finditer(text[start:end]) if h.text]
        out += hits
        bounds.append((start, end, bool(hits)))
        start = m.end() if m else len(text)
    # 市级临床医学研究中心，今年搞绩效评价: two clauses the pattern hits neither of, that it
    # spans at a comma, are one title said in two (a level said in the second, 大学科技园，
    # 2020年升了省级, is its own subject's: segments writes it back)
    for (a, a_end, a_hit), (b, b_end, b_hit) in itertools.pairwise(bounds):
        if not (a_hit or b_hit) and text[a_end:a_end + 1] in "，," \
                and not _A_LEVEL.search(text, b, b_end):
            out += [Hit(a + h.start, a + h.end, h.text)
                    for h in compiled.finditer(text[a:b_end])
                    if h.text and a + h.start < a_end and a + h.end > b]
    return sorted(_bare_of_another_level(text, out), key=lambda h: h.start)


# a level said right before a title's words (省级创新型乡镇, 国家创新型乡镇)
_LEVEL_BEFORE = re.compile(r"(?:国家级?|省级?|市级|区级|县级)(?:的)?$")


def _bare_of_another_level(text: str, hits: list[Hit]) -> list[Hit]:
    """``hits`` less a bare one (评上了创新型乡镇, no level said) whose words the message
    says elsewhere with a level the pattern does not take (只是省级创新型乡镇): the bare
    mention is of that one, not of the title."""
    starts = {h.start for h in hits}
    kept = []
    for h in hits:
        other_level = not _LEVEL_BEFORE.search(text, 0, h.start) and any(
            m.start() not in starts and _LEVEL_BEFORE.search(text, 0, m.start())
            for m in re.finditer(re.escape(h.text), text) if m.start() != h.start)
        if not other_level:
            kept.append(h)
    return kept


def title_phrases(text: str, patterns: Patterns) -> list[str]:
    """The words of every title the vocabulary's patterns find in ``text``."""
    return [m.text for _, _, pattern in patterns.titles for m in clause_matches(pattern, text)]


def title_matches(text: str, patterns: Patterns) -> list[tuple[int, int, str, str]]:
    """Where each title the vocabulary's patterns find in ``text`` is: (start, end, fact,
    value)."""
    return [(m.start, m.end, fact, value) for fact, value, pattern in patterns.titles
            for m in clause_matches(pattern, text)]


def single_choices(text: str, patterns: Patterns) -> dict[str, str]:
    """Single choices (a district): each fact whose patterns match for exactly one value
    (two places named: no guess), a negated match (不在荣成) not counting."""
    single: dict[str, set[str]] = {}
    for fact, value, pattern in patterns.choices:
        single.setdefault(fact, set())
        if any(not is_negated(text, m.start, m.end) for m in staff_regex(pattern).finditer(text)):
            single[fact].add(value)
    return {fact: values.pop() for fact, values in single.items() if len(values) == 1}
