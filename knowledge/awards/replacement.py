"""Award-level replacement: a newer rule replaces one award of an older document.

A rule's ``replaces`` names the older award: a rule id, or ``{doc_number, clause_path}``
(every rule citing that clause with the same conditions).  From the replacing rule's
document start date the older rule is out of force (``Rule.replaced_from``); before it,
it stands; the rest of the older document stands on every date.  Both rules become one
award (one ``same_award`` group), so an estimate shows one item: the old figure before
the date, the new one after, each citing the other; the new rule may name other
applicants (its own ``applicant_types`` decide after the date).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.awards import rule_fields as rf
from knowledge.awards.rules import Rule, RuleDocument
from knowledge.errors import RuleError
from knowledge.money import scan_money
from knowledge.sources.documents import normalize_doc_number
from knowledge.sources.parsing import normalize_path
from knowledge.yamlio import Y

_NOTICE = re.compile(
    r"《([^》]{2,80})》[（(]([^）)]{4,30}?号)[）)]中?([^。；;]{2,120}?)的?(?:规定|政策|条款)"
    r"(?:不再执行|停止执行|予以废止|废止)")


@dataclass(frozen=True)
class Notice:
    """A sentence saying one provision of an older document no longer applies, and the
    rules that encode that provision (matched by figure and name)."""

    doc_number: str
    title: str
    provision: str
    sentence: str
    rule_ids: tuple[str, ...] = ()
    clause_paths: tuple[str, ...] = ()


def find_notices(text: str, rules: Iterable[Rule]) -> list[Notice]:
    """Every "《…》（文号）中…的规定不再执行" of ``text``, matched to ``rules``."""
    compact = re.sub(r"\s+", "", text)
    rules = list(rules)
    out: list[Notice] = []
    for m in _NOTICE.finditer(compact):
        number = normalize_doc_number(m.group(2))
        provision = m.group(3)
        figures = {x.yuan for x in scan_money(provision) if not x.problem}
        matched = [r for r in rules if r.doc_number == number and figures & {
            r.amount_yuan, r.max_yuan, r.min_yuan, r.unit_yuan, r.cap_yuan}
            and _shares_words(provision, r.label + "".join(c.quote for c in r.citations))]
        out.append(Notice(number, m.group(1), provision, m.group(0),
                          tuple(r.id for r in matched),
                          tuple(dict.fromkeys(r.citations[0].clause_path for r in matched))))
    return out


def _shares_words(provision: str, text: str) -> bool:
    """Whether the award's name in ``provision`` appears in the rule (a 4-character run
    other than the figure)."""
    plain = re.sub(r"[\d.]+万?元", "", provision)
    return any(plain[i:i + 4] in text for i in range(len(plain) - 3))


def read_replaced(f: rf.File, y: Y) -> str:
    """One ``replaces`` entry of a rule file: a rule id, or {doc_number, clause_path} as
    "文号#条款"."""
    if y.mapping is None:
        return str(y.value).strip() if y.value not in (None, "") else ""
    m = rf.keys(f, y, {"doc_number", "clause_path"}, {"doc_number", "clause_path"},
                "replaces 条目")
    if m is None:
        return ""
    number = normalize_doc_number(rf.text(f, m["doc_number"], "doc_number"))
    return f"{number}#{normalize_path(rf.text(f, m['clause_path'], 'clause_path'))}"


def _targets(rule: Rule, entry: str, rules: list[Rule]) -> list[Rule]:
    if "#" not in entry:
        return [r for r in rules if r.id == entry]
    doc_number, _, path = entry.partition("#")
    keys = sorted(c.key() for c in rule.conditions)
    citing = [r for r in rules if r.doc_number == doc_number
              and any(c.clause_path == path for c in r.citations)]
    same = [r for r in citing if sorted(c.key() for c in r.conditions) == keys]
    return same or (citing if len(citing) == 1 else [])


def resolve_replacements(rules: list[Rule], documents: Iterable[RuleDocument] = ()
                         ) -> tuple[list[Rule], list[RuleError]]:
    """``rules`` with each declared replacement applied (see the module docstring).

    A rule file's ``document.replaces`` stops the named awards from the document's start
    without a rule of its own: a rule id, or every rule citing the named clause."""
    problems: list[RuleError] = []
    by_id = {r.id: r for r in rules}
    for doc in documents:
        for entry in doc.replaces:
            _document_replaces(doc, entry, rules, by_id, problems)
    for rule in [r for r in rules if r.replaces]:
        for entry in rule.replaces:
            _rule_replaces(rule, entry, rules, by_id, problems)
    return [by_id[r.id] for r in rules], problems


def _document_replaces(doc: RuleDocument, entry: str, rules: list[Rule],
                       by_id: dict[str, Rule], problems: list[RuleError]) -> None:
    """A ``document.replaces`` entry: the award it names stops from the document's start."""
    if "#" in entry:
        number, _, path = entry.partition("#")
        targets = [r for r in rules if r.doc_number == number
                   and any(c.clause_path == path for c in r.citations)]
    else:
        targets = [r for r in rules if r.id == entry]
    targets = [t for t in targets if t.doc_number != doc.doc_number]
    if len(targets) > 1:
        problems.append(RuleError(
            f"document 的 replaces 写的条款“{entry.replace('#', ' ')}”有多项奖励（"
            f"{'、'.join(t.id for t in targets)}）：请写要停止的那一项的规则 id",
            doc.file, doc.line))
        return
    if not targets:
        problems.append(RuleError(
            f"document 的 replaces 写的“{entry.replace('#', ' 条款 ')}”找不到较早文件中"
            "对应的奖励规则：请写规则 id，或 {doc_number, clause_path}", doc.file,
            doc.line))
    for old in targets:
        by_id[old.id] = dataclasses.replace(
            by_id[old.id], replaced_by_doc=doc.doc_number, replaced_from=doc.start)


def _rule_replaces(rule: Rule, entry: str, rules: list[Rule], by_id: dict[str, Rule],
                   problems: list[RuleError]) -> None:
    """A rule's ``replaces`` entry: the older award becomes the same item as ``rule``,
    replaced by it from its document's start."""
    targets = [t for t in _targets(rule, entry, rules) if t.id != rule.id]
    if not targets:
        shown = entry.replace("#", " 条款 ")
        problems.append(RuleError(
            f"replaces 写的“{shown}”找不到对应的奖励规则：请写被替代规则的 id，或"
            "{doc_number, clause_path}（该条款须已有条件相同的规则）",
            rule.file, rule.line))
        return
    for old in targets:
        old = by_id[old.id]
        if old.doc_number == rule.doc_number:
            problems.append(RuleError(
                f"replaces：{old.id} 与本规则出自同一文件，不能替代：请只写较早文件的奖励",
                rule.file, rule.line))
            continue
        key = by_id[rule.id].same_award or old.same_award or f"replaces:{old.id}"
        by_id[old.id] = dataclasses.replace(
            old, same_award=key, replaced_by=rule.id,
            replaced_by_doc=rule.doc_number, replaced_from=rule.document.start)
        by_id[rule.id] = dataclasses.replace(by_id[rule.id], same_award=key)
        for member in rules:  # the old award's other copies join the same item
            if old.same_award and member.same_award == old.same_award \
                    and member.id not in (old.id, rule.id):
                by_id[member.id] = dataclasses.replace(by_id[member.id], same_award=key)
