"""BM25 (bm25s) over jieba tokens, with an absolute, query-level score scale.

Raw BM25 scores are not comparable across queries, which a match threshold needs.  The
lexical score of chunk *i* is therefore ``bm25_i / max_j bm25_j * coverage``, where
``coverage`` is the share of the query's IDF mass made of words the corpus knows (a word
unknown to the corpus counts with the largest possible IDF; a colloquial word counts as
known when one of its official synonyms is).  The best lexical hit of a question made of
policy vocabulary scores near 1; one about visas or customs scores near 0.

Word order counts a little: every pair of consecutive words of the query (新型研发机构 +
培育计划) that is also consecutive in a chunk adds ``PHRASE_WEIGHT`` times the pair's IDF
to the chunk's raw score, so a clause quoting the question's phrase beats one that merely
contains its words scattered.  Consecutive means adjacent among the *primary* tokens (the
inner dictionary words that :func:`index.tokenize.tokenize` appends after a long token are
skipped), on both sides alike.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np

from index.domain import DomainTerms, domain_coverage
from index.tokenize import normalize, query_expansions, tokenize

__all__ = ["EXPANSION_WEIGHT", "PHRASE_WEIGHT", "LexicalIndex", "LexicalQuery", "word_pairs"]

EXPANSION_WEIGHT = 0.5  # weight of synonym-expansion tokens relative to the query's own
PHRASE_WEIGHT = 0.25  # weight of a matched consecutive word pair (times its IDF)


def word_pairs(tokens: Sequence[str]) -> list[str]:
    """Consecutive pairs of primary tokens, as ``"a\x1fb"`` strings.

    A token that is a strict substring of the previous primary token is one of its inner
    dictionary words (see :func:`index.tokenize.tokenize`) and is skipped.
    """
    primary: list[str] = []
    for token in tokens:
        if primary and len(token) < len(primary[-1]) and token in primary[-1]:
            continue
        primary.append(token)
    return [f"{a}\x1f{b}" for a, b in pairwise(primary)]


@dataclass(frozen=True)
class LexicalQuery:
    """A tokenised query: its own tokens and the synonym expansions."""

    tokens: tuple[str, ...]
    expansions: tuple[str, ...]
    pairs: tuple[str, ...] = ()
    # a colloquial token an alias translates -> the policy tokens it stands for (see
    # index.expansion): counted as known through them, like a synonym
    vouched: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # the policy wording those phrases name (evidence of the subject for the domain gate)
    alias_terms: tuple[str, ...] = ()

    @classmethod
    def from_text(cls, text: str, expand: bool = True) -> LexicalQuery:
        raw = tokenize(text)
        own = tuple(dict.fromkeys(raw))
        extra = tuple(dict.fromkeys(query_expansions(text))) if expand else ()
        pairs = tuple(dict.fromkeys(word_pairs(raw)))
        return cls(own, tuple(t for t in extra if t not in own), pairs)

    def with_aliases(
        self, tokens: Sequence[str], vouched: Mapping[str, tuple[str, ...]] | None,
        terms: Sequence[str] = (),
    ) -> LexicalQuery:
        """This query with the alias expansion added (see index.expansion): its
        ``tokens``, the colloquial tokens it ``vouched`` for, the ``terms`` it named."""
        extra = tuple(t for t in dict.fromkeys(tokens)
                      if t not in self.tokens and t not in self.expansions)
        pairs = tuple(sorted((vouched or {}).items()))
        return replace(self, expansions=self.expansions + extra,
                       vouched=self.vouched + pairs,
                       alias_terms=tuple(dict.fromkeys((*self.alias_terms, *terms))))

    def synonyms(self, token: str) -> list[str]:
        """The official words ``token`` stands for: synonyms and alias terms."""
        out = query_expansions(token)
        for word, terms in self.vouched:
            if word == token:
                out.extend(terms)
        return out


class LexicalIndex:
    """BM25 over the token lists of the chunks (rebuilt at load: it takes milliseconds)."""

    def __init__(self, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(docs)
        df: Counter[str] = Counter()
        for tokens in docs:
            df.update(set(tokens))
        n = max(self.size, 1)
        self.idf: dict[str, float] = {
            t: math.log(1.0 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()
        }
        self.max_idf = math.log(1.0 + (n + 0.5) / 0.5)
        # word pair -> ids of the chunks that contain it, and the pair's IDF
        postings: dict[str, list[int]] = {}
        for i, tokens in enumerate(docs):
            for pair in set(word_pairs(tokens)):
                postings.setdefault(pair, []).append(i)
        self._pairs: dict[str, tuple[np.ndarray, float]] = {
            pair: (
                np.asarray(ids, dtype=np.int64),
                math.log(1.0 + (n - len(ids) + 0.5) / (len(ids) + 0.5)),
            )
            for pair, ids in postings.items()
        }
        self._bm25 = None
        if self.size and df:
            import bm25s

            bm25 = bm25s.BM25(k1=k1, b=b)
            # bm25s needs a non-empty list per document; "" is its own empty token.
            bm25.index([list(t) or [""] for t in docs], show_progress=False)
            self._bm25 = bm25

    def raw_scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 of every chunk for ``tokens`` (zeros when none is known)."""
        out = np.zeros(self.size, dtype=np.float32)
        if self._bm25 is None or not tokens:
            return out
        ids = self._bm25.get_tokens_ids([t for t in tokens if t])
        if not ids:
            return out
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def pair_scores(self, pairs: Sequence[str]) -> np.ndarray:
        """Sum of the IDF of the query's word pairs that each chunk contains."""
        out = np.zeros(self.size, dtype=np.float32)
        for pair in pairs:
            hit = self._pairs.get(pair)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out

    def coverage(self, query: LexicalQuery) -> float:
        """Share of the query's IDF mass the corpus knows (0 for no tokens)."""
        total = known = 0.0
        for token in query.tokens:
            idf = self.idf.get(token)
            if idf is None:
                synonyms = [self.idf[s] for s in query.synonyms(token) if s in self.idf]
                if synonyms:
                    total += max(synonyms)
                    known += max(synonyms)
                else:
                    total += self.max_idf
                continue
            total += idf
            known += idf
        return known / total if total > 0 else 0.0

    def domain(
        self, text: str, query: LexicalQuery, terms: DomainTerms | None = None
    ) -> float:
        """Domain coverage of the query (see :mod:`index.domain`), in [0, 1]."""
        return domain_coverage(
            normalize(text), query.tokens, self.idf, self.max_idf, query.synonyms, terms,
            query.alias_terms,
        )

    def scores(self, query: LexicalQuery) -> np.ndarray:
        """Lexical score in [0, 1] of every chunk (see the module docstring)."""
        raw = self.raw_scores(query.tokens)
        if query.expansions:
            raw = raw + EXPANSION_WEIGHT * self.raw_scores(query.expansions)
        if query.pairs and raw.any():
            raw = raw + PHRASE_WEIGHT * self.pair_scores(query.pairs)
        top = float(raw.max(initial=0.0))
        if top <= 0.0:
            return np.zeros(self.size, dtype=np.float32)
        return (raw / top * self.coverage(query)).astype(np.float32)
