"""Finding the same policy document loaded twice (same 文号, or the same text in two formats).

The kept copy is the one staff edit most easily: ``.md``/``.txt`` first, then the other
formats, ties broken by sorted file name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.sources.cleaning import clean_text
from knowledge.sources.documents import SourceDocument

SHINGLE = 5
NEAR_DUPLICATE = 0.9
_PREFERENCE = {".md": 0, ".txt": 1, ".docx": 2, ".html": 3, ".htm": 3, ".pdf": 4}


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


def _order(source: SourceDocument) -> tuple[int, str]:
    return _PREFERENCE.get(source.suffix, 9), source.meta.file or source.path.name


def find_duplicates(
    sources: Sequence[SourceDocument], threshold: float = NEAR_DUPLICATE
) -> tuple[list[SourceDocument], list[Duplicate]]:
    """Split ``sources`` into the documents to keep (in preference order) and duplicates."""
    kept: list[tuple[SourceDocument, frozenset[str]]] = []
    duplicates: list[Duplicate] = []
    for source in sorted(sources, key=_order):
        grams = shingles(clean_text(source.text, source.meta.title))
        reason = ""
        match: SourceDocument | None = None
        for other, other_grams in kept:
            if other.meta.doc_number == source.meta.doc_number:
                match, reason = other, f"same 文号 {source.meta.doc_number}"
                break
            score = jaccard(grams, other_grams)
            if score >= threshold:
                match, reason = other, f"near-identical text (Jaccard {score:.2f})"
                break
        if match is None:
            kept.append((source, grams))
        else:
            duplicates.append(Duplicate(_name(match), _name(source), reason))
    return [source for source, _ in kept], duplicates


def _name(source: SourceDocument) -> str:
    return source.meta.file or source.path.name
