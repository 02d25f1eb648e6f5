"""Finding the same policy document loaded twice (same 文号, or the same text in two formats).

The kept copy is the one staff edit most easily: ``.md``/``.txt`` first, then the other
formats, ties broken by sorted file name.  Each document, in that order, is a duplicate of
the first *kept* document that has its 文号 or whose cleaned text shares at least
``NEAR_DUPLICATE`` of its character 5-grams (Jaccard similarity of the shingle sets).

Sub-quadratic, with the decisions of the all-pairs comparison (the tests compare both).
The shingles are 64-bit hashes (:func:`shingle_hashes`: a sorted numpy array per
document, compared in C); a false collision (about 1e-10 per document pair) can shift a
score by one shingle.  Candidate pairs come from MinHash LSH over a one-permutation
sketch (:func:`sketch`: the hash space cut into ``BINS`` ranges, the smallest hash of
each range — free, as the hashes are sorted): documents sharing all values of one band
of bins are candidates, the band as wide as lets a pair at the threshold miss every band
with probability under ``MISS`` (at 0.9: 64 bands of 8, about 1e-16).  A candidate whose
sketches agree in fewer bins than a pair at the threshold reaches with probability
``1 - MISS`` (binomial tail: 407 of 512 at 0.9) is not compared further; every other one
is compared exactly.  (A bin empty in both sketches
agrees, so a short document's sketch only agrees more: the bounds hold at any length.)
A document with fewer than ``SMALL`` shingles is compared exactly with every document of
a compatible size (``t·|b| <= |a| <= |b|/t``).  Same-文号 duplicates need no
sketch.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.sources.cleaning import clean_text
from knowledge.sources.documents import SourceDocument

SHINGLE = 5
NEAR_DUPLICATE = 0.9
_PREFERENCE = {".md": 0, ".txt": 1, ".docx": 2, ".html": 3, ".htm": 3, ".pdf": 4}
# odd 64-bit multipliers of the polynomial shingle hash (fixed: no per-process seed)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_FINAL = np.uint64(0xBF58476D1CE4E5B9)
_EPSILON = 1e-9  # size bounds computed a hair loose: never rule out a qualifying pair
BINS = 512  # sketch length
MISS = 1e-12  # accepted chance that a pair at the threshold escapes the bands or the screen
SMALL = 64  # fewer shingles: compared exactly with every document of a compatible size
EMPTY = np.uint64(2**64 - 1)  # a sketch bin without any hash


@dataclass(frozen=True)
class Duplicate:
    """``dropped_file`` repeats ``kept_file``; ``reason`` says why in plain words."""

    kept_file: str
    dropped_file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.dropped_file} duplicates {self.kept_file} ({self.reason}); ignored"


def shingles(text: str, size: int = SHINGLE) -> frozenset[str]:
    """Character n-grams of ``text`` with all whitespace removed."""
    compact = "".join(text.split())
    if len(compact) <= size:
        return frozenset([compact]) if compact else frozenset()
    return frozenset(compact[i : i + size] for i in range(len(compact) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def shingle_hashes(text: str, size: int = SHINGLE) -> np.ndarray:
    """:func:`shingles` of ``text`` as sorted unique 64-bit hashes (uint64 array)."""
    compact = "".join(text.split())
    codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.uint64)
    width = min(size, len(codes))  # a text of at most ``size`` chars is one shingle
    count = len(codes) - width + 1
    mixed = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):  # wrapping arithmetic is the point
        for offset in range(width):
            mixed = mixed * _MIX + codes[offset : offset + count] + np.uint64(offset + 1)
        mixed ^= mixed >> np.uint64(31)
        mixed *= _FINAL
        mixed ^= mixed >> np.uint64(29)
    return np.unique(mixed)


def hashed_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """:func:`jaccard` of two :func:`shingle_hashes` arrays."""
    if not len(a) and not len(b):
        return 1.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not len(small):
        return 0.0
    # sorted unique arrays: binary-search the smaller in the larger (no merge sort)
    at = np.minimum(np.searchsorted(large, small), len(large) - 1)
    common = int(np.count_nonzero(large[at] == small))
    return common / (len(a) + len(b) - common)


def signature(source: SourceDocument) -> np.ndarray:
    """The shingle hashes :func:`find_duplicates` compares for ``source`` (cacheable)."""
    return shingle_hashes(clean_text(source.text, source.meta.title))


@dataclass(frozen=True)
class Match:
    """A document already kept that a new one repeats: the same 文号 (``score`` None) or
    near-identical text (``score``: the Jaccard similarity)."""

    file: str
    doc_number: str
    score: float | None = None

    @property
    def same_number(self) -> bool:
        return self.score is None


def duplicates_of(new: SourceDocument, kept: Sequence[SourceDocument],
                  signatures: Sequence[np.ndarray] | None = None,
                  threshold: float = NEAR_DUPLICATE) -> list[Match]:
    """The documents of ``kept`` that ``new`` would duplicate, in their order, by the test
    :func:`find_duplicates` applies (same 文号, else shingle Jaccard >= ``threshold``).

    ``signatures`` (aligned with ``kept``): their cached :func:`signature` arrays.
    """
    if signatures is None:
        signatures = [signature(s) for s in kept]
    if len(signatures) != len(kept):
        raise ValueError("one signature per source expected")
    grams = signature(new)
    found: list[Match] = []
    for source, other in zip(kept, signatures, strict=True):
        if source.meta.doc_number == new.meta.doc_number:
            found.append(Match(_name(source), source.meta.doc_number))
            continue
        score = hashed_jaccard(grams, other)
        if score >= threshold:
            found.append(Match(_name(source), source.meta.doc_number, score))
    return found


def sketch(grams: np.ndarray, bins: int = BINS) -> np.ndarray:
    """One-permutation MinHash of a :func:`shingle_hashes` array: per hash range, its
    smallest hash (``EMPTY`` for a range without one)."""
    starts = (np.arange(bins, dtype=np.uint64) * np.uint64(2**64 // bins))
    at = np.searchsorted(grams, starts)
    ends = np.append(at[1:], len(grams))
    out = np.full(bins, EMPTY, dtype=np.uint64)
    present = at < ends
    out[present] = grams[at[present]]
    return out


def _order(source: SourceDocument) -> tuple[int, str]:
    return _PREFERENCE.get(source.suffix, 9), source.meta.file or source.path.name


def find_duplicates(
    sources: Sequence[SourceDocument],
    threshold: float = NEAR_DUPLICATE,
    signatures: Sequence[np.ndarray] | None = None,
) -> tuple[list[SourceDocument], list[Duplicate]]:
    """Split ``sources`` into the documents to keep (in preference order) and duplicates.

    ``signatures`` (aligned with ``sources``) are their :func:`signature` arrays when the
    caller has them cached; otherwise they are computed here.
    """
    if signatures is None:
        signatures = [signature(s) for s in sources]
    if len(signatures) != len(sources):
        raise ValueError("one signature per source expected")
    similar = _similar_pairs(signatures, threshold)  # i -> {j: Jaccard >= threshold}
    order = sorted(range(len(sources)), key=lambda i: _order(sources[i]))
    kept: list[int] = []  # indices into sources, in kept order
    position: dict[int, int] = {}  # source index -> position in kept
    by_number: dict[str, int] = {}  # 文号 -> position in kept
    duplicates: list[Duplicate] = []
    for index in order:
        source = sources[index]
        candidates = {position[j] for j in similar.get(index, {}) if j in position}
        same_number = by_number.get(source.meta.doc_number)
        if same_number is not None:
            candidates.add(same_number)
        if candidates:  # the first kept match, exactly as the all-pairs loop
            first = min(candidates)
            other = kept[first]
            if first == same_number:
                reason = f"same 文号 {source.meta.doc_number}"
            else:
                reason = f"near-identical text (Jaccard {similar[index][other]:.2f})"
            duplicates.append(Duplicate(_name(sources[other]), _name(source), reason))
            continue
        position[index] = len(kept)
        by_number.setdefault(source.meta.doc_number, len(kept))
        kept.append(index)
    return [sources[i] for i in kept], duplicates


def _similar_pairs(
    signatures: Sequence[np.ndarray], threshold: float
) -> dict[int, dict[int, float]]:
    """Every pair of documents at Jaccard >= ``threshold``, both ways, with its score."""
    n = len(signatures)
    sizes = np.array([len(s) for s in signatures], dtype=np.int64)
    pairs: set[tuple[int, int]] = set()
    if threshold <= 0:  # every pair qualifies
        pairs.update((i, j) for i in range(n) for j in range(i + 1, n))
    else:
        big = [i for i in range(n) if sizes[i] >= SMALL]
        pairs.update(_band_pairs(signatures, big, threshold))
        by_size = np.argsort(sizes, kind="stable")
        ordered = sizes[by_size]
        for i in (i for i in range(n) if sizes[i] < SMALL):
            low = np.searchsorted(ordered, math.ceil(threshold * sizes[i] - _EPSILON))
            high = np.searchsorted(ordered, math.floor(sizes[i] / threshold + _EPSILON), "right")
            pairs.update((min(i, int(j)), max(i, int(j))) for j in by_size[low:high] if j != i)
    found: dict[int, dict[int, float]] = {}
    for i, j in sorted(pairs):
        a, b = sizes[i], sizes[j]
        if threshold > 0 and threshold * max(a, b) > min(a, b) + _EPSILON:
            continue  # sizes alone rule it out
        score = hashed_jaccard(signatures[i], signatures[j])
        if score >= threshold:
            found.setdefault(i, {})[j] = score
            found.setdefault(j, {})[i] = score
    return found


@functools.cache
def _rows(threshold: float) -> int:
    """Sketch values per band: the most with which a pair at ``threshold`` meets in some
    band with probability ``1 - MISS``."""
    for rows in (16, 8, 4, 2):
        if (1 - threshold**rows) ** (BINS // rows) <= MISS:
            return rows
    return 1


@functools.cache
def _screen(threshold: float) -> int:
    """The most agreeing bins that a pair at ``threshold`` falls short of only with
    probability ``MISS`` (lower binomial tail of BINS draws)."""
    if threshold >= 1:
        return BINS
    log_p, log_q = math.log(threshold), math.log1p(-threshold)
    tail = 0.0
    for count in range(BINS + 1):
        tail += math.exp(math.lgamma(BINS + 1) - math.lgamma(count + 1)
                         - math.lgamma(BINS - count + 1) + count * log_p
                         + (BINS - count) * log_q)
        if tail > MISS:
            return count
    return BINS


def _band_pairs(signatures: Sequence[np.ndarray], members: list[int],
                threshold: float) -> set[tuple[int, int]]:
    """Candidate pairs among ``members``: one band of their sketches equal, and enough
    bins (:func:`_screen`) to make a pair at ``threshold`` likely."""
    if len(members) < 2:
        return set()
    rows = _rows(threshold)
    sketches = np.stack([sketch(signatures[i]) for i in members])
    ids = np.asarray(members, dtype=np.int64)
    left: list[np.ndarray] = []
    right: list[np.ndarray] = []
    with np.errstate(over="ignore"):
        for band in range(BINS // rows):
            block = sketches[:, band * rows : (band + 1) * rows]
            key = np.zeros(len(members), dtype=np.uint64)
            for column in range(rows):
                key = (key ^ block[:, column]) * _MIX
            order = np.argsort(key, kind="stable")
            ranked = key[order]
            cuts = np.flatnonzero(np.diff(ranked)) + 1
            for group in np.split(order, cuts):
                if len(group) > 1:
                    a, b = _triangle(len(group))
                    left.append(group[a])
                    right.append(group[b])
    if not left:
        return set()
    first, second = np.concatenate(left), np.concatenate(right)
    pair_keys = np.unique(np.minimum(first, second) * len(members) + np.maximum(first, second))
    first, second = pair_keys // len(members), pair_keys % len(members)
    agree = np.zeros(len(first), dtype=np.int64)
    for start in range(0, len(first), 4096):  # bounded memory: 4096 × BINS at a time
        part = slice(start, start + 4096)
        agree[part] = (sketches[first[part]] == sketches[second[part]]).sum(axis=1)
    keep = agree >= _screen(threshold)
    return {(int(min(x, y)), int(max(x, y)))
            for x, y in zip(ids[first[keep]], ids[second[keep]], strict=True)}


@functools.cache
def _triangle(size: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(size, k=1)


def _name(source: SourceDocument) -> str:
    return source.meta.file or source.path.name
