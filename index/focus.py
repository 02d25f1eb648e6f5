"""Ranking among many documents: what the question says about the document, the
deployment's regions, and the newer of two in-force documents first.

* **Named issuer, region or year** — a question that names an issuer (威海市科学技术局,
  科学技术局), a region (荣成市, 荣成) or an issue year (2018年的文件, 2018年印发) boosts the
  chunks of the documents that match by ``FOCUS_BOOST`` each, so among many similar
  documents the one meant comes first.  Names are read from the documents' own metadata,
  nothing is listed here.  (A named 文号 or title is stricter: the engine restricts the
  answer to that document.)
* **Region filter** — a deployment may keep only some regions' documents (every document
  carries ``region``, default 威海市; the bot sets them from ``POLICYBOT_REGIONS`` with
  :func:`set_deployment_regions`); the others are never candidates.
* **Newer first** — hits of different in-force documents that state the same provision
  (token overlap ``SAME``) and score within ``NEAR_TIE`` of each other are ordered by
  issue date, newest first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from index.names import Substrings
from knowledge.model import DocumentMeta

__all__ = ["FOCUS_BOOST", "NEAR_TIE", "SAME", "Focus", "FocusIndex", "deployment_regions",
           "newer_first", "read_focus", "same_grant", "set_deployment_regions"]

T = TypeVar("T")
K = TypeVar("K")
FOCUS_BOOST = 0.15  # added to the ranking score per matching named attribute
NEAR_TIE = 0.02  # scores closer than this are "the same match"
SAME = 0.5  # token Jaccard of two chunks stating the same provision (same_grant)
_MIN_NAME = 2  # a short form shorter than this names nothing
_REGION_SUFFIX = re.compile(r"(?:市|省|区|县|自治区|特别行政区)$")
_YEAR = re.compile(
    r"(20\d\d|19\d\d)\s*年(?:度)?\s*(?:的|出台|印发|发布|下发|颁布|制定|发的)+\s*"
    r"(?:的)?\s*(?:政策|文件|通知|意见|办法|方案|计划|规定|细则)?"
)


@dataclass(frozen=True)
class Focus:
    """The documents a question points at, by attribute (文号 sets; empty: none named)."""

    by_issuer: frozenset[str] = frozenset()
    by_region: frozenset[str] = frozenset()
    by_year: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.by_issuer or self.by_region or self.by_year)

    def boost(self, doc_number: str) -> float:
        """The ranking bonus of a chunk of document ``doc_number``."""
        return FOCUS_BOOST * sum(
            doc_number in group for group in (self.by_issuer, self.by_region, self.by_year))


def _names(full: str, region: str) -> set[str]:
    """``full`` and its form without the region prefix (威海市科学技术局 → 科学技术局)."""
    out = {full}
    for prefix in (region, _REGION_SUFFIX.sub("", region)):
        if prefix and full.startswith(prefix) and len(full) - len(prefix) >= 4:
            out.add(full[len(prefix):])
    return out


def read_focus(text: str, documents: Iterable[DocumentMeta]) -> Focus:
    """The issuers, regions and issue years of ``documents`` that ``text`` names.

    An attribute every document shares names nothing in particular (all seeds are
    威海市's: "威海" in a question boosts none).  Builds a :class:`FocusIndex` for this
    call; the retriever keeps one per knowledge load.
    """
    return FocusIndex(documents).read(text)


class FocusIndex:
    """The documents' issuers, regions and issue years, indexed once (see :func:`read_focus`)."""

    def __init__(self, documents: Iterable[DocumentMeta]) -> None:
        docs = list(documents)
        self._every = frozenset(d.doc_number for d in docs)
        # an issuer's short form names it only when no other issuer shares that form
        # (科学技术局 is every city's); the full name always does
        owners: dict[str, set[str]] = {}
        self._by_issuer: dict[str, set[str]] = {}
        self._by_region: dict[str, set[str]] = {}
        self._by_year: dict[int, set[str]] = {}
        region_names: set[tuple[str, str]] = set()
        for doc in docs:
            for name in _names(doc.issuer, doc.region):
                owners.setdefault(name, set()).add(doc.issuer)
            self._by_issuer.setdefault(doc.issuer, set()).add(doc.doc_number)
            self._by_year.setdefault(doc.issued.year, set()).add(doc.doc_number)
            if doc.region:
                self._by_region.setdefault(doc.region, set()).add(doc.doc_number)
                short = _REGION_SUFFIX.sub("", doc.region)
                region_names.add((doc.region, doc.region))
                if len(short) >= _MIN_NAME:
                    region_names.add((short, doc.region))
        self._issuers: Substrings[str] = Substrings(
            [(name, next(iter(who))) for name, who in owners.items() if len(who) == 1]
            + [(issuer, issuer) for issuer in self._by_issuer])
        self._regions: Substrings[str] = Substrings(sorted(region_names))

    def read(self, text: str) -> Focus:
        """The issuers, regions and issue years that ``text`` names, as 文号 sets."""
        if not self._every or not text:
            return Focus()
        named_years = {int(m.group(1)) for m in _YEAR.finditer(text) if m.group(0).strip()}
        groups = (
            _union(self._by_issuer, self._issuers.found(text)),
            _union(self._by_region, self._regions.found(text)),
            _union(self._by_year, named_years),
        )
        return Focus(*(frozenset(g) if g != self._every else frozenset() for g in groups))


def _union(table: Mapping[K, set[str]], keys: Iterable[K]) -> set[str]:
    out: set[str] = set()
    for key in set(keys):
        out |= table.get(key, set())
    return out


_regions: frozenset[str] | None = None  # the deployment's, set once by the bot


def set_deployment_regions(regions: frozenset[str] | None) -> None:
    """Keep only ``regions``' documents from now on (None: every region, the default)."""
    global _regions
    _regions = regions or None


def deployment_regions() -> frozenset[str] | None:
    """The regions this deployment keeps (:func:`set_deployment_regions`); None: all."""
    return _regions


def newer_first(
    hits: Sequence[T], on: date, score: Callable[[T], float],
    doc: Callable[[T], DocumentMeta], same: Callable[[T, T], bool] | None = None,
) -> list[T]:
    """``hits`` (best first) with near-ties between in-force documents newest first.

    In a run of consecutive hits whose scores are within ``NEAR_TIE`` of the run's first,
    the hits of documents in force on ``on`` that grant the same thing as the run's first
    (``same``, e.g. :func:`same_grant` of their tokens; None: every hit of the run) are
    put in order of issue date, newest first, in the places those hits held.  Every other
    hit keeps its place: a document not in force (the answer flags it), a different
    provision, a run of one document.
    """
    out: list[T] = []
    i = 0
    while i < len(hits):
        j = i + 1
        while j < len(hits) and score(hits[i]) - score(hits[j]) <= NEAR_TIE:
            j += 1
        run = list(hits[i:j])
        head = run[0]
        live = [k for k, h in enumerate(run) if doc(h).in_force(on)
                and (k == 0 or same is None or same(head, h))]
        if len({doc(run[k]).doc_number for k in live}) > 1:
            ordered = sorted((run[k] for k in live), key=lambda h: -doc(h).issued.toordinal())
            for k, h in zip(live, ordered, strict=True):
                run[k] = h
        out.extend(run)
        i = j
    return out


def same_grant(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two chunks' tokens overlap enough to be one provision (Jaccard ≥ SAME)."""
    x, y = set(a), set(b)
    return bool(x and y) and len(x & y) / len(x | y) >= SAME
