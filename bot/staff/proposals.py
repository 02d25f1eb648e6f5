"""What ``kb add`` proposes for the rules of a new document: the older awards it replaces
("《…》（文号）中…的规定不再执行", :func:`knowledge.awards.replacement.find_notices`) and where
and when to apply ("每年…前向…提出申请")."""

from __future__ import annotations

from pathlib import Path

from knowledge.awards.replacement import Notice, find_notices
from knowledge.awards.rules import Rule
from knowledge.errors import KnowledgeError
from knowledge.reading.applying import Applying, read_applying

Replacement = Notice


def propose_applying(text: str) -> Applying:
    """The first sentence of ``text`` saying where (and when) to apply."""
    return read_applying(text)


def propose_replacements(text: str, knowledge_dir: Path, cache_dir: Path | None = None
                         ) -> list[Notice]:
    """Older awards ``text`` replaces, matched to the rules of the knowledge folder
    (loaded through the cache in ``cache_dir``, the data directory's ``cache/``)."""
    if "执行" not in text and "废止" not in text:
        return []
    return find_notices(text, _rules(knowledge_dir, cache_dir))


def _rules(knowledge_dir: Path, cache_dir: Path | None) -> list[Rule]:
    from knowledge.awards.loading import load_rules
    from knowledge.awards.vocabulary import knowledge_vocabulary
    from knowledge.sources.base import load_knowledge

    try:
        kb = load_knowledge(knowledge_dir, cache_dir=cache_dir)
        return list(load_rules(knowledge_dir / "rules", kb.clause, kb.document,
                               knowledge_vocabulary(knowledge_dir)).rules)
    except KnowledgeError:
        return []
