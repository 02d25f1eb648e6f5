"""``kb check``: the replacement declarations (``supersedes`` / ``superseded_by``) as a graph.

A 文号 that is not in the folder, and a cycle (two documents that replace each other, or
a longer loop), are errors located at the key that declares them: the loader ignores
both (:func:`knowledge.sources.base.resolve_supersession`), so what staff meant is not
what the bot does.  A document naming itself is refused by the metadata reader.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.staff.audit import Audit
from knowledge.sources.base import supersession_cycles
from knowledge.sources.documents import SourceDocument


def check_supersession(audit: Audit, kept: list[SourceDocument],
                       key_lines: Callable[[Path], dict[str, int]],
                       meta_file: Callable[[Path], Path]) -> None:
    """Unknown 文号 and cycles among the replacement declarations of ``kept``."""
    by_number = {s.meta.doc_number: s for s in kept}
    for source in kept:
        meta = source.meta
        lines = key_lines(source.path)
        for old in meta.supersedes:
            if old not in by_number:
                audit.add("supersedes_unknown", meta_file(source.path), lines.get("supersedes"),
                          key="supersedes", number=old)
        if meta.superseded_by and meta.superseded_by not in by_number:
            audit.add("supersedes_unknown", meta_file(source.path), lines.get("superseded_by"),
                      key="superseded_by", number=meta.superseded_by)
    for cycle in supersession_cycles([s.meta for s in kept]):
        for number in cycle:
            source = by_number[number]
            lines = key_lines(source.path)
            key = "supersedes" if "supersedes" in lines and source.meta.supersedes else (
                "superseded_by")
            audit.add("supersedes_cycle", meta_file(source.path), lines.get(key), key=key,
                      loop=" → ".join([*cycle, cycle[0]]))
