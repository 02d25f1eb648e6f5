"""A content-addressed cache of the per-file work of loading a knowledge folder.

Reading a policy file (text extraction, metadata), its near-duplicate signature
(cleaning and shingling) and its clauses (parsing) depend only on the file's bytes, its
sidecar's bytes, where it lies and the code versions, so :func:`entry_key` hashes exactly
those and :class:`SourceCache` stores the results under that key, one file per policy
file, in ``<data dir>/cache/sources/``.  A one-file edit then redoes that file's work only.

Entries are pickles prefixed with the sha256 of their bytes and written atomically
(temporary file, ``os.replace``): a truncated, bit-flipped or unreadable entry fails its
checksum or its unpickling, counts as missing, and is recomputed and rewritten — the
cache heals itself and never changes a result.  The data directory is the program's
own (as for the index), not a place for anyone else's files.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import secrets
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.model import Clause
from knowledge.sources.documents import SourceDocument, sidecar_path

__all__ = ["CACHE_VERSION", "CachedSource", "SourceCache", "code_version", "entry_key"]

CACHE_VERSION = "1"  # bump when CachedSource or the work it stores changes shape
SUBDIR = "sources"
_DIGEST = 32  # sha256 bytes at the head of every entry
_SLACK = 64  # unused entries tolerated before the folder is pruned


@dataclass(frozen=True)
class CachedSource:
    """What loading one policy file produced; ``clauses`` is None until it was parsed."""

    source: SourceDocument
    signature: np.ndarray  # knowledge.sources.dedup.signature
    clauses: tuple[Clause, ...] | None = None
    hints: tuple[str, ...] = ()  # base._source_warnings, computed with the clauses
    # cleaning.unplaced_numbering of the body (for kb check), computed with the clauses
    unplaced: tuple[tuple[int, str], ...] | None = None


# the code whose output an entry holds: any edit of these files invalidates every entry, so
# a forgotten PARSER_VERSION bump can never serve clauses the current parser would not make
_CODE = ("knowledge.model", "knowledge.numerals", "knowledge.yamlio",
         "knowledge.sources.frontmatter", "knowledge.sources.documents",
         "knowledge.sources.cleaning", "knowledge.sources.parsing", "knowledge.sources.dedup",
         "knowledge.sources.cache", "knowledge.sources.base")


_PACKAGE = Path(__file__).resolve().parent.parent  # the knowledge package's folder


@functools.cache
def code_version() -> str:
    """Hash of the source of every module whose output the cache stores."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for name in _CODE:
        digest.update(name.encode() + b"\0")
        # knowledge.sources.parsing → <package>/sources/parsing.py (this package's files)
        source = _PACKAGE.joinpath(*name.split(".")[1:]).with_suffix(".py")
        with contextlib.suppress(OSError):
            digest.update(source.read_bytes())
    return digest.hexdigest()


def entry_key(path: Path, root: Path, versions: str) -> str:
    """The cache key of policy file ``path``: its bytes, its sidecar's, its place and the
    code ``versions`` (parser, dedup, cache)."""
    digest = hashlib.sha256(f"{CACHE_VERSION}\0{versions}\0{path}\0{root}\0".encode())
    digest.update(hashlib.sha256(path.read_bytes()).digest())
    sidecar = sidecar_path(path)
    with contextlib.suppress(OSError):
        digest.update(b"sidecar\0" + hashlib.sha256(sidecar.read_bytes()).digest())
    return digest.hexdigest()


class SourceCache:
    """Entries under ``folder`` (created on first write); ``None`` disables the cache."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> CachedSource | None:
        if self.folder is None:
            return None
        try:
            blob = (self.folder / f"{key}.pkl").read_bytes()
        except OSError:
            self.misses += 1
            return None
        body = blob[_DIGEST:]
        entry = None
        if hashlib.sha256(body).digest() == blob[:_DIGEST]:
            try:
                entry = pickle.loads(body)
            except Exception:  # any unpickling failure is a damaged entry
                entry = None
        if not isinstance(entry, CachedSource):
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str, entry: CachedSource) -> None:
        """Store ``entry``; a cache that cannot be written is silently skipped."""
        if self.folder is None:
            return
        body = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        target = self.folder / f"{key}.pkl"
        temporary = self.folder / f".{key}.{secrets.token_hex(4)}.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(hashlib.sha256(body).digest() + body)
            os.replace(temporary, target)
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()

    def prune(self, keep: set[str]) -> None:
        """Remove entries not in ``keep`` once more than a few have piled up."""
        if self.folder is None or not self.folder.is_dir():
            return
        with contextlib.suppress(OSError):
            entries = [p for p in self.folder.iterdir() if p.suffix in (".pkl", ".tmp")]
            stale = [p for p in entries if p.stem not in keep]
            if len(stale) > _SLACK:
                for path in stale:
                    with contextlib.suppress(OSError):
                        path.unlink()
