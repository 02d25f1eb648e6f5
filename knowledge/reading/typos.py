"""Homophone typos of domain terms, repaired by pinyin.

A pinyin input method offers the right syllables with the wrong characters: 高新技书企业
for 高新技术企业, 孵华器 for 孵化器, 重创空间 for 众创空间.  A window of three or more
Chinese characters of the question whose toneless pinyin equals that of a known term, which
keeps most of the term's characters and its last one (the head of a Chinese compound:
孵化期 is not a misspelt 孵化器, 创新全 not a misspelt 创新券), is replaced by the term.

The terms are the loaded vocabulary's choice phrases and topic phrases and the words of
three or more characters of the index's policy dictionary (``index/policy_terms.dict``,
passed in by the index: :func:`index.tokenize.policy_words`); the engine builds their map
once per knowledge load.  A character may have several readings (重 zhong/chong); a window
matches when every character has the term's syllable among its readings.  A question is a
few dozen characters, so a repair is a handful of dictionary look-ups.  It is the identity
on every canned question and seed policy (``tests/knowledge/reading/test_typos.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from pypinyin import Style, lazy_pinyin, pinyin

if TYPE_CHECKING:
    from knowledge.awards.vocabulary import Vocabulary

_CJK = re.compile(r"[\u4e00-\u9fff]")
_MIN_LEN = 3
TermMap = dict[tuple[str, ...], tuple[str, ...]]  # toneless syllables -> terms spelt so


def _vocabulary_terms(vocabulary: Vocabulary | None = None) -> list[str]:
    if vocabulary is None:
        from knowledge.awards.vocabulary import default_vocabulary  # no import cycle at load

        vocabulary = default_vocabulary()
    terms: list[str] = []
    for spec in vocabulary.facts.values():
        terms.extend(spec.aliases)
    for phrases in vocabulary.topics.values():
        terms.extend(phrases)
    return terms


def domain_terms(vocabulary: Vocabulary | None = None, extra: Iterable[str] = ()
                 ) -> tuple[str, ...]:
    """The terms a typo can be repaired to (Chinese, three characters or more): the
    phrases of ``vocabulary`` (default: the package's), then the ``extra`` words."""
    seen = dict.fromkeys(t for t in (*_vocabulary_terms(vocabulary), *extra)
                         if len(t) >= _MIN_LEN and all(_CJK.fullmatch(c) for c in t))
    return tuple(seen)


@lru_cache(maxsize=1)
def _term_map() -> dict[tuple[str, ...], tuple[str, ...]]:
    return build_term_map(domain_terms())


def build_term_map(terms: Iterable[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Toneless pinyin syllables → the terms spelt with them."""
    out: dict[tuple[str, ...], tuple[str, ...]] = {}
    for term in terms:
        key = tuple(lazy_pinyin(term, style=Style.NORMAL))
        if term not in out.get(key, ()):
            out[key] = (*out.get(key, ()), term)
    return out


@lru_cache(maxsize=4096)
def _readings(char: str) -> frozenset[str]:
    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def _max_differing(length: int) -> int:
    return max(1, length // 3)


def repair_typos(text: str, term_map: dict[tuple[str, ...], tuple[str, ...]] | None = None
                 ) -> str:
    """``text`` with homophone misspellings of domain terms replaced by the terms.

    ``term_map``: the loaded knowledge's (the engine's snapshot builds it once per load);
    None: the package vocabulary's phrases only.
    """
    if len(text) < _MIN_LEN:
        return text
    terms = _term_map() if term_map is None else term_map
    by_len: dict[int, dict[str, list[tuple[tuple[str, ...], str]]]] = _index(id(terms), terms)
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        hit = _match_at(text, i, by_len)
        if hit is None:
            out.append(text[i])
            i += 1
        else:
            out.append(hit)
            i += len(hit)
    return "".join(out)


_INDEX_CACHE: dict[int, tuple[object, dict[int, dict[str, list[tuple[tuple[str, ...], str]]]]]] = {}
_INDEX_KEPT = 4  # term maps indexed at a time (one per knowledge load; old ones go)


def _index(key: int, terms: dict[tuple[str, ...], tuple[str, ...]]
           ) -> dict[int, dict[str, list[tuple[tuple[str, ...], str]]]]:
    cached = _INDEX_CACHE.get(key)
    if cached is not None and cached[0] is terms:
        return cached[1]
    by_len: dict[int, dict[str, list[tuple[tuple[str, ...], str]]]] = {}
    for syllables, words in terms.items():
        for word in words:
            by_len.setdefault(len(word), {}).setdefault(syllables[0], []).append(
                (syllables, word))
    _INDEX_CACHE[key] = (terms, by_len)
    while len(_INDEX_CACHE) > _INDEX_KEPT:
        del _INDEX_CACHE[next(iter(_INDEX_CACHE))]
    return by_len


def _match_at(text: str, i: int, by_len: dict[int, dict[str, list[tuple[tuple[str, ...], str]]]]
              ) -> str | None:
    """The longest term misspelt at ``text[i:]``, or None."""
    if not _CJK.match(text[i]):
        return None
    first = _readings(text[i])
    for length in sorted(by_len, reverse=True):
        window = text[i:i + length]
        if len(window) < length or not all(_CJK.match(c) for c in window):
            continue
        for syllable in first:
            for syllables, term in by_len[length].get(syllable, ()):
                if window == term:
                    return None  # spelt right: leave it (and what follows) alone
                differing = sum(a != b for a, b in zip(window, term, strict=True))
                if window[-1] != term[-1] and (length < 5 or differing > 1):
                    # the head character differs: another word (孵化期, 创新全); in a long
                    # term, the head alone misspelt (技术创新中新, 重点实验是) is the term
                    continue
                if differing > _max_differing(length):
                    continue
                if all(s in _readings(c) for c, s in zip(window, syllables, strict=True)):
                    return term
    return None
