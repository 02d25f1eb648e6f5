"""The knowledge folder as ``kb add`` sees it: the documents already there, read through
the loader's cache, their 文号, and those a new document would duplicate.

The documents are read as :func:`knowledge.sources.base.load_knowledge` reads them (one
cached read per file: text, metadata and near-duplicate signature, keyed by content hash
under ``<data dir>/cache/``), and duplicates are found by the one test the loader applies
(:func:`knowledge.sources.dedup.duplicates_of`), so ``kb add`` refuses exactly what a
load would drop.  What to do with a duplicate is :class:`DuplicatePolicy`.
"""

from __future__ import annotations

import functools
from enum import StrEnum
from pathlib import Path

from knowledge.errors import KnowledgeError
from knowledge.sources.base import policy_files as base_policy_files
from knowledge.sources.base import read_policy_file
from knowledge.sources.cache import CachedSource
from knowledge.sources.dedup import Match, duplicates_of
from knowledge.sources.documents import SourceDocument, sidecar_path

__all__ = ["DuplicatePolicy", "Folder", "policy_files"]


class DuplicatePolicy(StrEnum):
    """What ``kb add`` does with a document the folder already has (as Haystack's
    ``DuplicatePolicy``): refuse it (exit status 1), skip it (nothing written, exit status
    0), or overwrite the documents it repeats."""

    FAIL = "fail"
    SKIP = "skip"
    OVERWRITE = "overwrite"


def policy_files(knowledge_dir: Path) -> list[Path]:
    """Policy documents of the knowledge folder ([] when it has no policies/ yet)."""
    try:
        return base_policy_files(knowledge_dir)
    except KnowledgeError:
        return []


class Folder:
    """The policy documents of ``root``, read once, on first use; ``cache_dir`` is the data
    directory's ``cache/`` (None: no cache)."""

    def __init__(self, root: Path, cache_dir: Path | None = None) -> None:
        self.root = Path(root)
        self.cache_dir = cache_dir

    @functools.cached_property
    def entries(self) -> tuple[CachedSource, ...]:
        """Every document that loads (``kb check`` reports the others)."""
        found: list[CachedSource] = []
        for path in policy_files(self.root):
            try:
                found.append(read_policy_file(path, self.root, self.cache_dir))
            except KnowledgeError:
                continue  # a broken file cannot be a duplicate, nor be replaced by 文号
        return tuple(found)

    def doc_numbers(self) -> set[str]:
        """文号 of the documents already in the folder."""
        return {entry.source.meta.doc_number for entry in self.entries}

    def duplicates_of(self, new: SourceDocument) -> list[Match]:
        """The documents ``new`` would duplicate (same 文号, or near-identical text)."""
        return duplicates_of(new, [e.source for e in self.entries],
                             [e.signature for e in self.entries])

    def remove(self, file: str) -> None:
        """Remove the document ``file`` (relative to the folder) and its sidecar."""
        path = self.root / file
        sidecar_path(path).unlink(missing_ok=True)
        path.unlink(missing_ok=True)
