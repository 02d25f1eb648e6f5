"""What ``kb add`` proposes for the rules of a new document: the older awards it replaces
("《…》（文号）中…的规定不再执行") and where and when to apply ("每年…前向…提出申请")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.awards.rules import Rule
from knowledge.errors import KnowledgeError
from knowledge.money import scan_money
from knowledge.reading.applying import Applying, read_applying
from knowledge.sources.documents import normalize_doc_number

_REPLACES = re.compile(
    r"《([^》]{2,80})》[（(]([^）)]{4,30}?号)[）)]中?([^。；;]{2,120}?)的?(?:规定|政策|条款)"
    r"(?:不再执行|停止执行|予以废止|废止)")


@dataclass(frozen=True)
class Replacement:
    """One award the new text says no longer applies, and the rules that encode it."""

    doc_number: str
    title: str
    provision: str  # what the text says is replaced
    sentence: str
    rule_ids: tuple[str, ...] = ()
    clause_paths: tuple[str, ...] = field(default=())


def propose_applying(text: str) -> Applying:
    """The first sentence of ``text`` saying where (and when) to apply."""
    return read_applying(text)


def propose_replacements(text: str, knowledge_dir: Path) -> list[Replacement]:
    """Older awards ``text`` replaces, matched to the rules of the knowledge folder."""
    compact = re.sub(r"\s+", "", text)
    found = [(m, normalize_doc_number(m.group(2))) for m in _REPLACES.finditer(compact)]
    if not found:
        return []
    rules = _rules(knowledge_dir)
    out: list[Replacement] = []
    for m, number in found:
        provision = m.group(3)
        figures = {x.yuan for x in scan_money(provision) if not x.problem}
        matched = [r for r in rules if r.doc_number == number and figures & {
            r.amount_yuan, r.max_yuan, r.min_yuan, r.unit_yuan, r.cap_yuan}
            and _shares_words(provision, r.label + "".join(c.quote for c in r.citations))]
        out.append(Replacement(number, m.group(1), provision, m.group(0),
                               tuple(r.id for r in matched),
                               tuple(dict.fromkeys(r.citations[0].clause_path
                                                   for r in matched))))
    return out


def _shares_words(provision: str, text: str) -> bool:
    """Whether the award's name in ``provision`` appears in the rule (a 4-character run
    other than the figure)."""
    plain = re.sub(r"[\d.]+万?元", "", provision)
    return any(plain[i:i + 4] in text for i in range(len(plain) - 3))


def _rules(knowledge_dir: Path) -> list[Rule]:
    from knowledge.awards.loading import load_rules
    from knowledge.awards.vocabulary import knowledge_vocabulary
    from knowledge.sources.base import load_knowledge

    try:
        kb = load_knowledge(knowledge_dir)
        return list(load_rules(knowledge_dir / "rules", kb.clause, kb.document,
                               knowledge_vocabulary(knowledge_dir)).rules)
    except KnowledgeError:
        return []
