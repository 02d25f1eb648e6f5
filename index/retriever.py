"""Hybrid retrieval over a loaded :class:`SearchIndex`.

Fusion: a weighted sum of two *absolute* scores, not rank fusion, because the bot must
also decide whether the best hit answers the question at all (:meth:`Retriever.is_match`)
and ranks carry no such information (the top RRF score is the same for a visa question
and for a question on incubators).

* ``dense`` — cosine similarity of the query and the chunk at three granularities:
  ``(1 - s - p) * whole + s * sentence + p * phrase`` where ``whole`` uses the chunk's
  whole-text vector (FAISS IndexFlatIP over unit vectors), ``sentence`` the best of its
  sentence vectors and ``phrase`` the best of its comma-delimited phrase vectors (see
  :mod:`index.pieces`; ``s`` = ``Calibration.sentence_weight``, ``p`` =
  ``Calibration.phrase_weight``).  A max over pieces lets a question about one provision
  of a long clause match that provision, whatever else the clause says;
* ``lexical`` — BM25 over jieba tokens, scaled to [0, 1] by the query's vocabulary coverage
  (see :mod:`index.lexical`);
* ``score`` — ``w * dense + (1 - w) * lexical`` in hybrid mode (``dense`` / ``lexical`` in
  the single modes).

Ranking and the match decision use separate weights: ranking wants the dense side mainly
to re-order lexically close clauses (USE on Chinese policy text is far weaker than BM25
at picking the clause), while rejecting an off-topic question profits from the dense
similarity more (a question about car subsidies shares 补贴 with the policies but not
their meaning).

How the weights are fitted (``scripts/bench_retrieval.py``, calibration half only): the
dense composition (``s``, ``p``) and the ranking weight ``w`` are fitted *jointly* on the
hybrid's (recall@1, MRR), since the dense side matters here only through the hybrid; the
chosen point is the medoid of the set of grid points reaching the best figures (the grid
point of that set nearest, in grid steps, to its centroid; ties: smaller ``p``, then
smaller ``w``), so the weights sit in the middle of the optimum, not on its edge.  The
match decision's domain threshold, match weight and threshold are then fitted jointly
(fewest errors, then the widest relative gap between in-scope and out-of-scope scores).

The match decision also needs *domain evidence*: the query's domain coverage (share of
its non-generic words the corpus knows; zero with an out-of-domain marker or without an
S&T subject word; see :mod:`index.domain`) must reach ``Calibration.domain_threshold``,
so 失业补贴 or 合作社建冷库补贴 is not matched on 补贴 alone.

Query cost: BM25 over every chunk and a top-``first_stage`` FAISS search pick the
candidates; sentence and phrase vectors are scored for those only (:mod:`index.stages`);
one BLAS thread.  Colloquial phrases add the policy wording they name to the lexical
query (:mod:`index.expansion`); a named issuer / region / issue year, the deployment's
regions and newer in-force documents shape the ranking (:mod:`index.focus`).

The weights and the match threshold are calibrated per embedder family (see
``CALIBRATIONS`` in :mod:`index.gate`) on the *calibration half* of the canned questions in
``knowledge/cases/questions.yaml`` (odd ids, except q170-q202); ``scripts/bench_retrieval.py``
redoes the calibration and reports the held-out half separately.
"""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date
from typing import Literal, NamedTuple

import numpy as np

from index.artifacts import SearchIndex
from index.domain import DomainTerms
from index.embedders import Embedder
from index.expansion import QueryExpander
from index.focus import FocusIndex, newer_first, same_grant
from index.gate import CALIBRATIONS, Calibration, Hit, calibration_for, is_match
from index.lexical import LexicalQuery
from index.stages import group_rows, second_stage, single_thread_blas, top_indices
from index.tokenize import normalize
from knowledge.errors import IndexError_
from knowledge.reading.sanitize import strip_controls

__all__ = [
    "CALIBRATIONS",
    "MAX_QUERY_CHARS",
    "Calibration",
    "Hit",
    "Mode",
    "Retriever",
    "clean_query",
    "is_match",
]

Mode = Literal["hybrid", "bm25", "dense"]
MAX_QUERY_CHARS = 300  # a question longer than this is cut before embedding/tokenising
MAX_TOP_K = 100
# chunks each side of the first stage (BM25, whole-chunk FAISS) passes to the second; an
# index of at most twice this is scored whole (the four seed documents: 90 chunks)
FIRST_STAGE = 64
# also append the alias terms to the text embedded (measured: see index.expansion)
DENSE_EXPANSION = False
NEWER_FIRST_WINDOW = 5  # hits collected beyond top_k, so a near-tie just below is seen


_TAG = re.compile(r"<[^>]{0,200}>")


def clean_query(text: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Strip HTML tags and entities, control/format characters and extra spaces; cut."""
    if not isinstance(text, str):
        return ""
    text = text[: max_chars * 4]
    text = html.unescape(_TAG.sub(" ", text))
    return strip_controls(text)[:max_chars]


class _Scored(NamedTuple):
    """The candidate chunks of a query and their scores (arrays aligned with ``chosen``)."""

    chosen: np.ndarray
    scores: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    lexical_query: LexicalQuery


class Retriever:
    """Search one :class:`SearchIndex` with the embedder it was built with.

    Thread-safe; query embeddings are kept in a small LRU cache.
    """

    def __init__(
        self,
        index: SearchIndex,
        embedder: Embedder,
        calibration: Calibration | None = None,
        cache_size: int = 1024,
        domain_terms: DomainTerms | None = None,
        expander: QueryExpander | None = None,
        first_stage: int = FIRST_STAGE,
        dense_expansion: bool = DENSE_EXPANSION,
        regions: Iterable[str] | None = None,
    ) -> None:
        if index.embedder_name != embedder.name:
            raise IndexError_(
                f"index was built with {index.embedder_name}, not {embedder.name}; rebuild it"
            )
        if first_stage < 1:
            raise ValueError("first_stage must be at least 1")
        self.index = index
        self.embedder = embedder
        self.calibration = calibration or calibration_for(embedder.name)
        # the vocabulary of the domain gate (None: the shipped lists of index.domain)
        self.domain_terms = domain_terms
        # colloquial phrase -> policy wording (None: no alias expansion)
        self.expander = expander or QueryExpander()
        self.dense_expansion = dense_expansion
        self.first_stage = first_stage
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        # rows of each chunk's sentence / phrase vectors, grouped by chunk (CSR), so the
        # second stage touches the rows of the first stage's candidates only
        # the deployment's regions (None: every document is a candidate; see index.focus)
        self.regions = frozenset(regions) if regions is not None else None
        self._allowed = (None if self.regions is None else
                         np.asarray([c.doc.region in self.regions for c in index.chunks],
                                    dtype=bool))
        self._documents = tuple({c.doc_number: c.doc for c in index.chunks}.values())
        # issuers, regions and issue years a question may name, indexed once per load
        self._focus = FocusIndex(self._documents)
        self._pieces = (group_rows(index.sentence_owners, len(index)),
                        group_rows(index.phrase_owners, len(index)))

    def warm_up(self) -> None:
        """Load models and tokenizer and run one query, so the first real one is fast."""
        from index.tokenize import warm_up as warm_tokenizer

        warm_tokenizer()
        single_thread_blas()
        warm = getattr(self.embedder, "warm_up", None)
        if callable(warm):
            warm()
        self.search("科技企业孵化器奖励", top_k=1)
        with self._lock:
            self._cache.clear()

    def _query_vector(self, text: str) -> np.ndarray:
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        vector = self.embedder.embed([text]).astype(np.float32).reshape(1, -1)
        vector.setflags(write=False)
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector

    def dense_parts(self, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(whole, sentence, phrase)`` cosine of every chunk.

        Its whole-text vector, its best sentence, its best phrase.  A chunk without
        sentence (phrase) vectors gets its whole-text similarity as sentence (phrase) score.
        """
        n = len(self.index)
        vector = self._query_vector(text)
        distances, ids = self.index.faiss_index.search(vector, n)
        whole = np.full(n, -1.0, dtype=np.float32)
        valid = ids[0] >= 0
        whole[ids[0][valid]] = distances[0][valid]
        parts = [whole]
        for rows, owners in (
            (self.index.sentence_vectors, self.index.sentence_owners),
            (self.index.phrase_vectors, self.index.phrase_owners),
        ):
            best = whole.copy()
            if rows.shape[0] and rows.shape[1] == vector.shape[1]:
                np.maximum.at(best, owners, (rows @ vector[0]).astype(np.float32))
            parts.append(best)
        return parts[0], parts[1], parts[2]

    def _dense_scores(self, text: str) -> np.ndarray:
        whole, sentence, phrase = self.dense_parts(text)
        c = self.calibration
        return (
            c.whole_weight * whole + c.sentence_weight * sentence + c.phrase_weight * phrase
        ).astype(np.float32)

    def _lexical_query(self, text: str) -> tuple[LexicalQuery, str]:
        """The lexical query of ``text`` with its alias expansion, and the text to embed."""
        query = LexicalQuery.from_text(text)
        expansion = self.expander.expand(text)
        if not expansion:
            return query, text
        query = query.with_aliases(expansion.tokens, expansion.vouched, expansion.terms)
        dense_text = text
        if self.dense_expansion:
            dense_text = f"{text}（{'、'.join(expansion.terms)}）"
        return query, dense_text

    def component_scores(self, query: str) -> tuple[np.ndarray, np.ndarray] | None:
        """``(dense, lexical)`` of every chunk for ``query``; None for a blank query.

        Every chunk, no first stage: for calibration and benchmarks.
        """
        text = clean_query(query)
        if not any(ch.isalnum() for ch in text) or len(self.index) == 0:
            return None  # blank, or nothing but punctuation, symbols and emoji
        lexical_query, dense_text = self._lexical_query(text)
        lexical = self.index.lexical.scores(lexical_query)
        return self._dense_scores(dense_text), lexical

    def domain(self, query: str) -> float:
        """Domain coverage of ``query`` (see :mod:`index.domain`); 0 for a blank query."""
        text = clean_query(query)
        if not any(ch.isalnum() for ch in text):
            return 0.0
        lexical_query, _ = self._lexical_query(text)
        return self.index.lexical.domain(text, lexical_query, self.domain_terms)

    def candidates(self, lexical: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """The first stage: chunk ids among the best ``first_stage`` by BM25 or by the
        whole-chunk cosine (sorted; every chunk when the index has at most twice that)."""
        n = len(self.index)
        k = self.first_stage
        if n <= 2 * k:
            return np.arange(n, dtype=np.int64)
        picked = [top_indices(lexical, k, positive=True)]
        _, ids = self.index.faiss_index.search(vector, k)
        picked.append(ids[0][ids[0] >= 0].astype(np.int64))
        return np.unique(np.concatenate(picked))

    def _second_stage(self, vector: np.ndarray, chosen: np.ndarray) -> np.ndarray:
        """Dense score of the ``chosen`` chunks (whole, best sentence, best phrase)."""
        c = self.calibration
        return second_stage(
            self.index, self._pieces, vector[0], chosen,
            (c.whole_weight, c.sentence_weight, c.phrase_weight),
        )

    def search(self, query: str, top_k: int = 5, mode: Mode = "hybrid",
               on: date | None = None) -> list[Hit]:
        """Best clauses for ``query``, one hit per clause_id, best first.

        Two stages: BM25 over every chunk and the whole-chunk FAISS search pick the
        candidates (:meth:`candidates`); sentence and phrase vectors are scored for those
        only, so the cost of a query grows with ``first_stage``, not with the corpus.
        Then :mod:`index.focus`: the deployment's regions only, a named issuer / region /
        issue year boosts its documents, and near-ties between documents in force on
        ``on`` (default today) are ordered newest first.
        """
        if mode not in ("hybrid", "bm25", "dense"):
            raise ValueError(f"unknown search mode {mode!r}")
        top_k = min(int(top_k), MAX_TOP_K)
        text = clean_query(query)
        if top_k <= 0 or not any(ch.isalnum() for ch in text) or len(self.index) == 0:
            return []
        scored = self._score(text, mode)
        if scored is None:
            return []
        hits, hit_chunk = self._best_per_clause(text, scored, mode, top_k + NEWER_FIRST_WINDOW)
        tokens = {cid: self.index.tokens[i] for cid, i in hit_chunk.items()}
        hits = newer_first(hits, on or date.today(), lambda h: h.score, lambda h: h.clause.doc,
                           lambda a, b: same_grant(tokens[a.clause.clause_id],
                                                   tokens[b.clause.clause_id]))
        return hits[:top_k]

    def _score(self, text: str, mode: Mode) -> _Scored | None:
        """The candidates of both stages with their scores in ``mode`` (a named issuer,
        region or year boosting its documents); None when nothing can match."""
        lexical_query, dense_text = self._lexical_query(text)
        lexical_all = self.index.lexical.scores(lexical_query)
        if mode == "bm25" and not lexical_all.any():
            return None
        vector = self._query_vector(dense_text)
        chosen = self.candidates(lexical_all, vector)
        if self._allowed is not None:
            chosen = chosen[self._allowed[chosen]]
            if not chosen.size:
                return None
        dense = self._second_stage(vector, chosen)
        lexical = lexical_all[chosen]
        if mode == "dense":
            scores = dense
        elif mode == "bm25":
            scores = lexical
        else:
            w = self.calibration.dense_weight
            scores = w * dense + (1.0 - w) * lexical
        focus = self._focus.read(normalize(text))
        if focus:
            scores = scores + np.asarray(
                [focus.boost(self.index.chunks[int(i)].doc_number) for i in chosen],
                dtype=np.float32)
        return _Scored(chosen, scores, dense, lexical, lexical_query)

    def _best_per_clause(self, text: str, scored: _Scored, mode: Mode, limit: int
                         ) -> tuple[list[Hit], dict[str, int]]:
        """Up to ``limit`` hits, best first, one per clause (its best chunk), and the chunk
        each hit scored."""
        order = np.argsort(-scored.scores, kind="stable")
        domain = self.index.lexical.domain(text, scored.lexical_query, self.domain_terms)
        hits: list[Hit] = []
        hit_chunk: dict[str, int] = {}  # clause_id -> the chunk its hit scored
        for j in order:
            if mode == "bm25" and scored.lexical[j] <= 0.0:
                break
            chunk = int(scored.chosen[j])
            clause = self.index.chunks[chunk]
            if clause.clause_id in hit_chunk:
                continue
            hit_chunk[clause.clause_id] = chunk
            hits.append(Hit(clause, float(scored.scores[j]), float(scored.dense[j]),
                            float(scored.lexical[j]), domain))
            if len(hits) >= limit:
                break
        return hits, hit_chunk

    def is_match(self, hits: list[Hit]) -> bool:
        """Whether ``hits`` answer the question (threshold calibrated for this embedder)."""
        return is_match(hits, self.calibration)

