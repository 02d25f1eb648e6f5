"""Deterministic award estimates: facts + rules + an as-of date → amounts with citations.

Each rule ends in one of four outcomes: ``eligible`` (with ``amount_yuan`` when certain,
else ``max_yuan``/``min_yuan``), ``case_by_case`` (一事一议 or 择优 without a figure; never
summed), ``need_info`` (which facts are missing, as questions) or ``ineligible`` (which
condition failed).  An unknown fact is never read as zero or as "no".

Rules that share ``same_award`` give one item (see the precedence policy in
:mod:`knowledge.awards.rules`): overlaps are counted once and cite every document; conflicting
figures are never summed, the item says which figure it uses and why, and cites the other.
``total_yuan`` sums the certain amounts of eligible items whose document is in force.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from knowledge.awards.conditions import Denied, assess, assumed_windows, check, requirement
from knowledge.awards.estimate import Estimate, Item
from knowledge.awards.facts import FactSpec, normalize_facts
from knowledge.awards.kinds import compute, figure_text, headline_yuan
from knowledge.awards.rules import Rule, RuleSet

__all__ = ["Denied", "Estimate", "Item", "assess", "candidate_rules", "check", "evaluate",
           "next_questions", "requirement"]

PREMISE = "以上测算以贵单位在威海市注册并符合文件其他条件为前提，最终以主管部门审核为准。"


# -- groups -------------------------------------------------------------------------------
def precedence_key(rule: Rule, on: date) -> tuple[object, ...]:
    """Sort key: the prevailing rule of a same_award group first (see knowledge.awards.rules)."""
    return (not rule.in_force(on), -rule.document.rank, -rule.document.start.toordinal(),
            headline_yuan(rule), rule.id)


def _doc_label(rule: Rule) -> str:
    return f"{rule.doc_number}{rule.citations[0].clause_path}"


def _why(primary: Rule, other: Rule, on: date) -> str:
    if primary.replaced_by == other.id and not primary.is_replaced(on):
        return (f"{other.doc_number}的新规定自{other.document.start.isoformat()}起施行，"
                "届时替代本项规定")
    if primary.in_force(on) and not other.in_force(on):
        if other.is_replaced(on):
            return _replaced_text(other)
        if other.document.meta.is_repealed(on):
            return _repealed_text(other)
        if other.document.meta.is_superseded(on):
            return f"{other.doc_number}已被{other.document.meta.superseded_by}替代"
        until = other.document.meta.effective_until
        if until is not None and on > until:
            return f"{other.doc_number}已于{until.isoformat()}失效"
        return f"{other.doc_number}在{on.isoformat()}不在有效期内"
    if primary.document.rank > other.document.rank:
        return (f"{primary.doc_number}由{primary.document.authority}发布，"
                f"效力高于{other.document.authority}发布的{other.doc_number}")
    if primary.document.start > other.document.start:
        return f"{primary.doc_number}施行较晚（新规定优先）"
    return "两文件效力相同，按较低金额（保守）计"


def _repealed_text(rule: Rule, subject: str = "") -> str:
    when = rule.document.meta.repealed_on
    subject = subject or rule.doc_number
    return f"{subject}已于{when.isoformat()}废止" if when else f"{subject}已废止"


def _replaced_text(rule: Rule) -> str:
    when = rule.replaced_from.isoformat() if rule.replaced_from else ""
    how = "的新规定替代" if rule.replaced_by else "停止执行"
    return (f"{_doc_label(rule)}的该项规定自{when}起由{rule.replaced_by_doc}{how}"
            "（该文件其余规定继续执行）")


def _dropped(primary: Rule, other: Rule, on: date) -> bool:
    """A repealed document is no basis: its copy of an award that stands is not cited."""
    return primary.in_force(on) and other.document.meta.is_repealed(on)


def _describe_group(primary: Rule, members: list[Rule], on: date
                    ) -> tuple[list[str], list[dict[str, str]], list[str]]:
    """Explanation sentences, conflict records and warnings for a group's other members."""
    sentences: list[str] = []
    conflicts: list[dict[str, str]] = []
    warnings: list[str] = []
    for other in members:
        if other is primary:
            continue
        if not other.has_figure or other.figure_key() == primary.figure_key():
            if other.is_replaced(on) and primary.in_force(on):
                sentences.append(_replaced_text(other))
            elif _dropped(primary, other, on):
                gone = _repealed_text(other, "该文件")
                sentences.append(f"同一奖励原亦见于{_doc_label(other)}（{gone}），"
                                 f"按{_doc_label(primary)}计")
            else:
                sentences.append(f"同一奖励亦见于{_doc_label(other)}，只计一次")
            continue
        reason = _why(primary, other, on)
        conflicts.append({"rule_id": other.id, "doc_number": other.doc_number,
                          "clause_path": other.citations[0].clause_path,
                          "figure": figure_text(other), "reason": reason})
        sentences.append(f"{_doc_label(other)}规定为{figure_text(other)}，与{_doc_label(primary)}"
                         f"的{figure_text(primary)}不一致；因{reason}，采用{figure_text(primary)}，"
                         "两者不累加")
        warnings.append(f"“{primary.label}”：{primary.doc_number}（{figure_text(primary)}）与"
                        f"{other.doc_number}（{figure_text(other)}）规定不一致，按{primary.doc_number}"
                        "计算")
    return sentences, conflicts, warnings


def _evaluate_group(members: list[Rule], facts: Mapping[str, object], on: date,
                    denied: Mapping[str, Denied]) -> Item:
    figured = [m for m in members if m.has_figure] or members
    primary = min(figured, key=lambda r: precedence_key(r, on))
    others = sorted((m for m in members if m is not primary), key=lambda r: precedence_key(r, on))
    citations = tuple(c for r in [primary, *others] if not _dropped(primary, r, on)
                      for c in r.citations)
    sentences, conflicts, warnings = _describe_group(primary, [primary, *others], on)
    failed, missing = assess(primary, facts, denied)
    base: dict[str, Any] = {
        "rule_id": primary.id, "label": primary.label, "citations": citations,
        "in_force": primary.in_force(on), "same_as": tuple(r.id for r in others),
        "conflicts": tuple(conflicts), "effective_until": primary.document.meta.effective_until,
        "validity": ("replaced" if primary.is_replaced(on)
                     else primary.document.meta.validity(on)),
        "replaced_by": primary.replaced_by_doc if primary.is_replaced(on) else "",
        "replaced_from": primary.replaced_from if primary.is_replaced(on) else None,
        "superseded_by": primary.document.meta.superseded_by,
        "repealed_on": primary.document.meta.repealed_on,
        "repealed_citations": tuple(c for r in others if _dropped(primary, r, on)
                                    for c in r.citations),
        "office": primary.office, "window": primary.window,
    }
    tail = "；".join(sentences)
    notes = list(primary.notes)
    if failed:
        text = "不符合条件：" + "；".join(failed)
        return Item(outcome="ineligible", explanation=text, failed=tuple(failed), **base)
    if missing:
        asks = "、".join(primary.spec(n).label for n in missing)
        numbers = {primary.base_fact, primary.count_fact, primary.max_fact} - {None}
        if numbers.isdisjoint(missing) and primary.has_figure:
            # the amount is computable: show it, conditional on the missing answers
            text = f"还需了解：{asks}。若符合条件：{compute(primary, facts).explanation}"
        else:
            text = f"还需了解：{asks}。若符合条件，可得{figure_text(primary)}"
        return Item(outcome="need_info", explanation=_join(text, tail), missing=tuple(missing),
                    warnings=tuple(warnings), **base)
    result = compute(primary, facts)
    outcome = "case_by_case" if result.case_by_case else "eligible"
    tail = "；".join([*assumed_windows(primary, facts), *sentences])
    return Item(outcome=outcome, explanation=_join(result.explanation, tail),
                amount_yuan=result.amount_yuan, max_yuan=result.max_yuan,
                min_yuan=result.min_yuan, shares=result.shares,
                warnings=tuple(notes + list(result.warnings) + warnings), **base)


def _join(text: str, tail: str) -> str:
    return f"{text}。{tail}。" if tail else f"{text}。"


# -- public API ---------------------------------------------------------------------------
def _groups(ruleset: RuleSet, rule_ids: Iterable[str] | None) -> list[list[Rule]]:
    if rule_ids is None:
        chosen = list(ruleset.rules)
    else:
        chosen = []
        for rule_id in rule_ids:
            rule = ruleset.get(rule_id)
            if rule is None:
                raise KeyError(f"unknown rule id: {rule_id}")
            chosen.append(rule)
    groups: dict[str, list[Rule]] = {}
    for rule in chosen:
        key = rule.same_award or f"#{rule.id}"
        if key not in groups:
            groups[key] = list(ruleset.group(rule))
    return list(groups.values())


def _warnings(items: list[Item], on: date) -> list[str]:
    out: list[str] = []
    for item in items:
        if not item.in_force and item.outcome not in ("ineligible", "not_encoded"):
            doc = item.citations[0].doc_number
            if item.validity == "replaced":
                when = item.replaced_from.isoformat() if item.replaced_from else ""
                out.append(f"{doc}的“{item.label}”自{when}起依{item.replaced_by}不再执行"
                           "（该文件其余规定继续执行）：仅列出原规定，不计入合计")
            elif item.validity == "superseded":
                out.append(f"{doc}已被{item.superseded_by}替代：“{item.label}”"
                           "仅列出该文件的原规定，不计入合计")
            elif item.validity == "repealed":
                when = f"已于{item.repealed_on.isoformat()}废止" if item.repealed_on else "已废止"
                out.append(f"{doc}{when}：“{item.label}”仅列出该文件的原规定，不计入合计")
            elif item.effective_until is not None and on > item.effective_until:
                out.append(f"{doc}已于{item.effective_until.isoformat()}失效：“{item.label}”"
                           "仅列出该文件当时的规定，不计入合计")
            else:
                out.append(f"{doc}在{on.isoformat()}尚未施行：“{item.label}”不计入合计")
        out.extend(w for w in item.warnings if w not in out)
    if any(i.outcome == "eligible" and i.amount_yuan is None for i in items):
        out.append("标注“最高”“不低于”或“择优”的金额不是确定金额，由主管部门评审确定，不计入合计")
    if any(i.outcome == "case_by_case" for i in items):
        out.append("“一事一议”或未规定金额的项目只列出依据，不计入合计")
    if any(i.outcome == "eligible" for i in items):
        out.append(PREMISE)
    return list(dict.fromkeys(out))


def evaluate(ruleset: RuleSet, facts: Mapping[str, object], as_of: date,
             rule_ids: Iterable[str] | None = None,
             denied: Mapping[str, Denied] | None = None) -> Estimate:
    """Evaluate rules (all, or ``rule_ids`` and their same_award groups) for ``facts``.

    ``denied``: what the question says is not so (:class:`Denied`, from
    :attr:`knowledge.reading.extraction.Extraction.denied`): a rule it rules out is
    ineligible and says so in the owner's words, never summed.

    Raises FactError for an unknown fact or an invalid value; KeyError for an unknown id.
    """
    vocabulary = ruleset.vocabulary
    clean = normalize_facts(facts, vocabulary.facts)
    groups = _groups(ruleset, rule_ids)
    items = sorted((_evaluate_group(g, clean, as_of, denied or {}) for g in groups),
                   key=Item.sort_key)
    counts = Counter(n for i in items if i.outcome == "need_info" for n in i.missing)
    missing = tuple(sorted(counts, key=lambda n: (-counts[n], vocabulary.fact_order[n])))
    return Estimate(as_of, tuple(items), missing, tuple(_warnings(items, as_of)), clean,
                    vocabulary)


def next_questions(ruleset: RuleSet, facts: Mapping[str, object], as_of: date,
                   rule_ids: Iterable[str] | None = None) -> list[FactSpec]:
    """Facts still needed, the one the most open rules wait for first.

    Then optional facts that refine an eligible amount (e.g. the district for the
    province/city/county split), least important last.
    """
    estimate = evaluate(ruleset, facts, as_of, rule_ids)
    # what a rule in force on the date waits for first (a repealed one beside it waits
    # for nothing worth asking); only repealed ones waiting: theirs (asked about the past)
    waiting = {n for i in estimate.items if i.outcome == "need_info" and i.in_force
               for n in i.missing}
    # (beside an award granted in force, a repealed one's facts change nothing: not asked)
    granted = any(i.outcome == "eligible" and i.in_force for i in estimate.items)
    names = [n for n in estimate.missing if n in waiting] or (
        [] if granted else list(estimate.missing))
    for item in estimate.items:
        if item.outcome == "eligible":
            rule = ruleset.get(item.rule_id)
            assert rule is not None
            names += [n for n in rule.optional_facts() if n not in facts and n not in names]
    return [ruleset.vocabulary.facts[n] for n in names]


def candidate_rules(ruleset: RuleSet, facts: Mapping[str, object] | None = None,
                    topics: Iterable[str] | None = None,
                    excluded: Mapping[str, frozenset[str]] | None = None) -> list[str]:
    """Rule ids a question is about: rules using a value the question states, else those
    using a value it denies (申报国家级孵化器，还没批下来: that award, not its siblings),
    else its topics.

    Rules whose applicant types exclude the stated applicant are dropped while others
    remain.
    """
    given = dict(facts or {})
    wanted = set(topics or ())
    named = [r for r in ruleset.rules if _names(r, given, numbers=True)]
    denied = [r for r in ruleset.rules
              if _names(r, {k: v for k, v in (excluded or {}).items() if k not in given},
                        numbers=False)]
    chosen = named or denied or [r for r in ruleset.rules if wanted & set(r.topics)]
    if "applicant_types" in given:
        kind = set(given["applicant_types"])  # type: ignore[call-overload]
        fitting = [r for r in chosen if not r.applicant_types or kind & set(r.applicant_types)]
        chosen = fitting or chosen
    return sorted(r.id for r in chosen)


def _names(rule: Rule, given: Mapping[str, object], numbers: bool) -> bool:
    """Whether ``rule`` uses a value of ``given`` (or, with ``numbers``, a number it has)."""
    uses = [c for c in rule.conditions if c.fact in given and c.fact != "applicant_types"]
    values_hit = any(
        (c.op == "has" and c.value in given[c.fact])  # type: ignore[operator]
        or (c.op == "has_any" and set(c.value) & set(given[c.fact]))  # type: ignore[call-overload]
        or (numbers and c.op not in ("has", "has_any"))
        for c in uses)
    return values_hit or (numbers and any(
        n in given for n in (rule.base_fact, rule.count_fact, rule.max_fact) if n))
