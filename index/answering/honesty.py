"""Honest before rules exist: money a shown clause grants that no rule encodes yet.

An amount question whose hits include an in-force clause stating an award (a money
figure in a sentence with 给予/奖励/补助/资助/补贴) that no rule's quote (nor a
``not_awards`` entry) covers gets an estimate item of its own with outcome
``not_encoded``: the clause heading as label, the figure as the clause states it, the
sentence as citation, never counted in ``total_yuan``.  So an answer never says "no award
applies" directly above a clause granting money.  Coverage is the same test as
``kb check`` (:func:`knowledge.awards.coverage.find_uncovered`).

A newer clause on the same award demotes an older figure: when such a clause belongs to a
document that starts later than the document of an eligible item's rule, does not declare
``supersedes:`` it, grants the same award (:func:`same_award`) and states another figure,
the older item stays listed but is not summed (``demoted_by``, with a note saying so) and
the newer clause's item comes first.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from index.answering.unencoded import (
    AWARD_WORDS,
    AwardSentence,
    Unencoded,
    granted_part,
    heading_of,
    named_titles,
    same_award,
)
from knowledge.awards.calculator import Estimate, Item
from knowledge.awards.coverage import Uncovered, find_uncovered
from knowledge.awards.replacement import find_notices
from knowledge.awards.rules import Citation, Rule, RuleSet, match_text
from knowledge.model import Clause, DocumentMeta
from knowledge.money import scan_money
from knowledge.sources.base import KnowledgeBase
from knowledge.sources.documents import normalize_doc_number

__all__ = ["EXPLANATION", "NOT_ENCODED", "Conflict", "granted_part", "likely_conflicts",
           "not_encoded_items", "replacement_notices", "same_award", "with_not_encoded"]

NOT_ENCODED = "not_encoded"
EXPLANATION = "尚未编入估算规则，以原文为准"
_NOTICE = re.compile(r"不再执行|停止执行|废止")


def not_encoded_items(kb: KnowledgeBase, rules: RuleSet, clauses: Iterable[Clause],
                      on: date, unencoded: Unencoded | None = None) -> list[Item]:
    """One ``not_encoded`` item per award sentence of ``clauses`` that no rule covers.

    Only clauses of documents in force on ``on``; each clause once, in the given order.
    ``unencoded``: the loaded knowledge's award sentences (the engine's snapshot reads
    them once per load); None reads those of ``clauses`` here.
    """
    return [item for item, _ in _not_encoded(kb, rules, clauses, on, unencoded)]


def _shown(kb: KnowledgeBase, clauses: Iterable[Clause], on: date) -> list[Clause]:
    """Every chunk of each clause of ``clauses`` in force on ``on``, each clause once."""
    seen: set[tuple[str, str]] = set()
    chosen: list[Clause] = []
    for clause in clauses:
        key = (clause.doc_number, clause.path)
        if key in seen or not clause.doc.in_force(on):
            continue
        seen.add(key)
        chosen.extend(kb.chunks(*key) or (clause,))
    return chosen


def _not_encoded(kb: KnowledgeBase, rules: RuleSet, clauses: Iterable[Clause], on: date,
                 unencoded: Unencoded | None) -> list[tuple[Item, AwardSentence]]:
    chosen = _shown(kb, clauses, on)
    if unencoded is None:
        unencoded = Unencoded.of(kb, rules, chosen)
    items: list[tuple[Item, AwardSentence]] = []
    for found in unencoded.sentences(chosen):
        meta = kb.document(found.doc_number)
        items.append((Item(
            rule_id=f"{NOT_ENCODED}:{found.doc_number}#{found.clause_path}#{len(items)}",
            label=found.label,
            outcome=NOT_ENCODED,
            explanation=EXPLANATION,
            citations=(Citation(found.doc_number, found.clause_path, found.sentence),),
            in_force=True,
            effective_until=meta.effective_until if meta else None,
            validity=meta.validity(on) if meta else "",
            figure=found.figure,
        ), found))
    return items


def replacement_notices(kb: KnowledgeBase, rules: RuleSet, clauses: Iterable[Clause],
                        on: date) -> tuple[list[str], dict[str, str]]:
    """Shown in-force clauses that stop an older provision no rule's ``replaces`` encodes
    yet: read as notices, not grants.  Warnings, and the rules they stop (rule id → 文号
    of the notice), whose figures are then not summed."""
    warnings: list[str] = []
    targets: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    declared = {r.doc_number for r in rules.rules if r.replaces}
    for clause in clauses:
        key = (clause.doc_number, clause.path)
        if key in seen or not clause.doc.in_force(on) or clause.doc_number in declared:
            continue
        seen.add(key)
        text = kb.clause(*key) or clause.text
        notices = [n for n in find_notices(text, rules.rules)
                   if n.doc_number != clause.doc_number]
        for n in notices:
            for rule_id in n.rule_ids:
                targets.setdefault(rule_id, clause.doc_number)
            warnings.append(f"{clause.doc_number}条款{clause.path}写明《{n.title}》"
                            f"（{n.doc_number}）中“{n.provision}”的规定不再执行：这是替代通知，"
                            "不是新的奖补" + ("；该项旧规定的金额未计入合计，请以新文件为准"
                                            if n.rule_ids else ""))
        if notices:
            continue
        for part in re.split(r"(?<=[；;。])", text):
            if _NOTICE.search(part) and re.search(r"规定|条款|政策|措施|办法", part):
                warnings.append(f"{clause.doc_number}条款{clause.path}写明：“{part.strip('；;。')}”。"
                                "这是对旧规定的替代通知，不是新的奖补：涉及的旧规定自该文件施行之日起"
                                "以该文件为准")
                break
    return warnings, targets


def _stopped(item: Item, targets: dict[str, str]) -> Item:
    """``item`` not summed when a notice stops the award it encodes."""
    doc = next((targets[i] for i in (item.rule_id, *item.same_as) if i in targets), "")
    if not doc or item.demoted_by or not item.in_force:
        return item
    return dataclasses.replace(item, demoted_by=doc)


def with_not_encoded(estimate: Estimate | None, kb: KnowledgeBase, rules: RuleSet,
                     clauses: Iterable[Clause], on: date,
                     unencoded: Unencoded | None = None) -> Estimate | None:
    """``estimate`` with the not_encoded items of ``clauses`` appended (after all others).

    Without an estimate, one holding only those items; ``None`` when there are none.
    ``unencoded``: as for :func:`not_encoded_items`.
    """
    clauses = list(clauses)
    if unencoded is None:
        unencoded = Unencoded.of(kb, rules, _shown(kb, clauses, on))
    found = _not_encoded(kb, rules, clauses, on, unencoded)
    items = [item for item, _ in found]
    notices, stopped = replacement_notices(kb, rules, clauses, on)
    if notices and estimate is not None:
        estimate = dataclasses.replace(
            estimate, items=tuple(_stopped(i, stopped) for i in estimate.items),
            warnings=tuple(dict.fromkeys((*notices, *estimate.warnings))))
    if not items:
        return estimate
    if estimate is None:
        return Estimate(on, tuple(items), vocabulary=rules.vocabulary)
    others, first, notes = _demote_older(list(estimate.items), found, kb, rules, on,
                                         unencoded)
    rest = sorted((*others, *(i for i in items if i not in first)), key=Item.sort_key)
    return dataclasses.replace(estimate, items=(*first, *rest),
                               warnings=tuple(dict.fromkeys((*notes, *estimate.warnings))))


def _demote_older(items: list[Item], new: list[tuple[Item, AwardSentence]],
                  kb: KnowledgeBase, rules: RuleSet, on: date, unencoded: Unencoded
                  ) -> tuple[list[Item], list[Item], list[str]]:
    """``items`` with the older figures a newer clause contradicts demoted; the newer
    clauses' items that did so (they come first) and the notes, in order."""
    first: list[Item] = []
    notes: list[str] = []
    for clause_item, found in new:
        meta = kb.document(found.doc_number)
        if meta is None:
            continue
        same = unencoded.same_award(found)
        for number, item in enumerate(items):
            members = [r for r in (rules.get(i) for i in (item.rule_id, *item.same_as)) if r]
            members = [r for r in members if r.in_force(on)]  # a replaced one drops out
            ids = {r.id for r in members}
            # the figures stated for this award's title, not another title's in the sentence
            figures = set().union(*(figs for figs, part in same.parts if part & ids)) \
                or set(same.figures)
            if not _contradicts(item, members, meta, figures) or not same.rules & ids:
                continue
            note = (f"较新的《{meta.title}》（{meta.doc_number}）对同一事项规定了"
                    f"{clause_item.figure}，旧规定金额未计入合计，请以新文件为准并向"
                    f"{meta.issuer or '发文单位'}确认")
            items[number] = dataclasses.replace(item, demoted_by=meta.doc_number,
                                                warnings=(note, *item.warnings))
            notes.append(note)
            if clause_item not in first:
                first.append(clause_item)
    return items, first, notes


def _contradicts(item: Item, members: list[Rule], newer: DocumentMeta,
                 figures: set[int]) -> bool:
    """Whether ``item`` is an eligible figure of older documents only, none of which
    ``newer`` declares it supersedes, and the newer clause states none of its figures."""
    figure = item.amount_yuan or item.max_yuan or item.min_yuan
    if (item.outcome != "eligible" or not item.in_force or item.demoted_by or not figure
            or not members or not figures or figure in figures):
        return False
    start = newer.effective_from or newer.issued
    replaced = {normalize_doc_number(d) for d in newer.supersedes}
    return all(m.document.start < start and m.doc_number != newer.doc_number
               and normalize_doc_number(m.doc_number) not in replaced for m in members)


@dataclass(frozen=True)
class Conflict:
    """An award sentence no rule encodes that looks like the award of another document's
    rule, with another figure, and whose document does not declare ``supersedes:`` it."""

    found: Uncovered
    heading: str
    rule: Rule
    sentence: str  # the award sentence without a heading line run into it


def likely_conflicts(kb: KnowledgeBase, rules: RuleSet, on: date) -> list[Conflict]:
    """Every award sentence no rule covers that names the award of a rule of another
    document (:func:`same_award`) with none of its figures (for ``kb check``)."""
    out: list[Conflict] = []
    for found in find_uncovered(kb.clauses, rules):
        meta = kb.document(found.doc_number)
        if meta is None or not AWARD_WORDS.search(found.sentence):
            continue
        heading = heading_of(kb.chunks(found.doc_number, found.clause_path),
                             found.doc_number, found.clause_path)
        named = named_titles(f"{heading}。{found.sentence}", rules.vocabulary, on)
        figures = {m.yuan for m in scan_money(found.sentence) if not m.problem}
        replaced = {normalize_doc_number(d) for d in meta.supersedes}
        for rule in rules.rules:
            figure = (rule.amount_yuan or rule.max_yuan or rule.min_yuan or rule.unit_yuan
                      or rule.cap_yuan)
            doc = normalize_doc_number(rule.doc_number)
            if (figure is None or not figures or figure in figures
                    or doc == normalize_doc_number(meta.doc_number) or doc in replaced
                    or not same_award(heading, found.sentence, named, rule)):
                continue
            sentence = found.sentence
            if heading and sentence.startswith(match_text(heading)) and sentence != heading:
                sentence = sentence[len(match_text(heading)):]
            out.append(Conflict(found, heading, rule, sentence))
    return out
