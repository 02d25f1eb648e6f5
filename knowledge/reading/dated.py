"""Parts of one year dated apart: each on the law in force on its own date.

"2021年3月签了100万，2021年12月又签了80万" or "2023年1到3月有6家……，6月又有2家": a
document that expires or is repealed within the year (威科字〔2018〕58号 on 2021-11-10, a
repeal on 2023-04-07) grants the first part and not the second.  The message is split
where a month is named, each part is read with what is said for every part (who asks,
the question) and estimated as of its own date, and the items are labelled with the month.

The split is used only when the parts' dates fall on different sides of a validity change
(the awards in force differ); otherwise the year is one period and its annual caps apply
to the whole year, as :mod:`knowledge.reading.estimate` does.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from knowledge.awards.calculator import Denied, Estimate, Item, evaluate
from knowledge.awards.rules import RuleSet
from knowledge.numerals import parse_int
from knowledge.reading.extraction import Extraction, extract_facts
from knowledge.reading.segments import segments, tail_start
from knowledge.reading.slots import restate

__all__ = ["dated_parts", "estimate_dated"]

_APPLICANT = "applicant_types"
_YEARS = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
# 3月 / 10月份 / 11月20号 / 1到3月间: a month (the last of a range), with its day
_MONTH = re.compile(r"(?<![\d个])(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:份)?"
                    r"(?:\s*(\d{1,2})\s*[日号])?|上半年")  # (上半年: by the end of June)
_ITEM_OPENS = re.compile(r"(一份|另一份|一项|另一项|一笔|另一笔|一个|另一个|另外|还有)")
_YEAR_MONTH = re.compile(r"(?:19|20)\d\d\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月")
_COUNTED = re.compile(r"\d+\s*(家|项|个|件|份)|[一二两三四五六七八九十]+\s*(家|项|个|件|份)"
                      r"|\d+(\.\d+)?\s*万")


def dated_parts(text: str) -> tuple[str, list[tuple[date, str]], str] | None:
    """(what comes before the first dated part, each part with its date, the question
    after the last part) when the message names one year and two or more months in it;
    None otherwise."""
    named = list(_YEARS.finditer(text))
    if not named:
        return None

    def year_of(m: re.Match[str]) -> int:  # the year named last before the month
        return int(next((y.group(1) for y in reversed(named) if y.start() < m.start()),
                        named[0].group(1)))

    months = [m for m in _MONTH.finditer(text) if _month(m) is not None]
    if len({(year_of(m), _month(m)) for m in months}) < 2 or (
            len({y.group(1) for y in named}) > 1
            and any(not _YEAR_MONTH.match(text, y.start()) for y in named)):
        return None  # (several years, one of them without its month: by year)
    segs = segments(text)
    starts: list[int] = []
    own_starts: list[int] = []  # where each month's own segment starts
    said: tuple[int, int | None] | None = None
    for m in months:
        if said == (said := (year_of(m), _month(m))):
            continue  # (2023年3月被认定…：，2023年3月1家: the same month said again, one part)
        at = next((s.start for s in segs if s.start <= m.start() < s.end), m.start())
        # (其中8家证书是2023年3月下的: the clause's count is the month's part)
        clause = max(text.rfind(c, 0, m.start()) for c in "，,。；;！!？?：:") + 1
        if clause < at and _COUNT.search(text, clause, at) and not _MONTH.search(text, clause, at):
            at = clause
        space = text.rfind(" ", at, m.start())  # 4月份三百万 10月份一百万: spaced apart
        at = space + 1 if space >= 0 else at
        if own_starts and at == own_starts[-1]:
            continue  # 12月份签的、12月认定登记: one part
        own_starts.append(at)
        # 一份合同100万，3月份登记；另一份200万，12月份签的: the item said before its month
        before = [seg for seg in segs if seg.end <= at and (not starts or seg.start > starts[-1])]
        if before and _ITEM_OPENS.match(before[-1].text) and not _MONTH.search(before[-1].text):
            at = before[-1].start
        if not starts or at > starts[-1]:
            starts.append(at)
    if len(starts) < 2:
        return None
    last = starts[-1]
    tail_at = last + tail_start(text[last:])
    head = text[:starts[0]]
    parts: list[tuple[date, str]] = []
    for i, at in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else tail_at
        part = text[at:end].rstrip("，,；;。 ")
        month = next(m for m in months if at <= m.start() < end)
        when = _date(year_of(month), month)
        parts.append((when, part))
    return head, parts, text[tail_at:].strip("，,；;。？?！! ")


_COUNT = re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*(家|项|个|件|份)")


def _framed(head: str, parts: list[str]) -> list[str] | None:
    """The head once per part with its count replaced by the part's, when the parts'
    counts add up to the head's ("2023年有7家…，2家是2月份认定的，5家是12月份认定的");
    None otherwise."""
    framing = _COUNT.search(head)
    opening = [_COUNT.match(part.lstrip("其中有另外还 ")) for part in parts]
    if framing is None or not all(opening):
        return None
    total = parse_int(framing.group(1))
    counts = [parse_int(m.group(1)) for m in opening if m is not None]
    if total is None or None in counts or sum(c or 0 for c in counts) != total \
            or any(m is not None and m.group(2) != framing.group(2) for m in opening):
        return None
    return [head[:framing.start(1)] + str(c) + head[framing.end(1):] for c in counts]


def _month(m: re.Match[str]) -> int | None:
    n = 6 if m.group() == "上半年" else parse_int(m.group(1))
    return n if n is not None and 1 <= n <= 12 else None


def _date(year: int, m: re.Match[str]) -> date:
    month = _month(m) or 12
    last = calendar.monthrange(year, month)[1]
    day = int(m.group(2)) if m.group(2) and 1 <= int(m.group(2)) <= last else last
    return date(year, month, day)


def estimate_dated(rules: RuleSet, text: str, today: date, rule_ids: list[str],
                   on: date, whole: Extraction,
                   finish: Callable[[Estimate], Estimate] | None = None) -> Estimate | None:
    """The estimate with each dated part on its own date's law; None when the message
    has no such parts or the awards in force are the same on every part's date."""
    found = dated_parts(text)
    if found is None:
        return None
    head, parts, tail = found
    framed = _framed(head, [part for _, part in parts])
    estimates: list[tuple[date, Estimate]] = []
    read: list[tuple[dict[str, object], dict[str, Denied], list[str]]] = []
    before = ""
    for i, (when, part) in enumerate(parts):
        own = extract_facts(part, today, rules)
        if not own.facts and not own.denied and _COUNTED.search(part) and before:
            # 6月又有2家 after 3月有6家在孵企业评上高企 (not 9月一份50万没登记: its own)
            part = restate(part, before)
        before = part
        # (有7家…，2家是2月份认定的，5家是12月份: the head's count is each part's own)
        said = framed[i] if framed else head
        ex = extract_facts(f"{said}{part}" + (f"，{tail}" if tail else ""), today, rules)
        ids = list(dict.fromkeys([*rule_ids, *ex.candidate_rules]))
        # who applies, when the whole question settles it (an applicant assumed) and the
        # part does not
        facts = {**{k: v for k, v in whole.facts.items() if k == _APPLICANT}, **ex.facts}
        est = evaluate(rules, facts, when, rule_ids=ids, denied=ex.denied)
        estimates.append((when, finish(est) if finish else est))
        read.append((facts, dict(ex.denied), ids))
    in_force = {frozenset(i.rule_id for i in est.items if i.in_force) for _, est in estimates}
    if len(in_force) < 2 and len({when.year for when, _ in parts}) > 1:
        return None  # several years on the same law: estimated by year
    if len(in_force) < 2:
        # no validity change between the dates: the year is one period (its annual caps
        # on the whole), judged on the last date said (4月…，10月… of 2021: before 58号's
        # expiry, not at the year's end)
        last = max(when for when, _ in parts)
        ids = list(dict.fromkeys([*rule_ids, *whole.candidate_rules]))
        est = evaluate(rules, whole.facts, last, rule_ids=ids, denied=whole.denied)
        return finish(est) if finish else est
    items: list[Item] = []
    for months, est in _periods(rules, estimates, read, finish):
        items += [replace(i, label=f"{months}：{i.label}")
                  for i in est.items if i.outcome != "ineligible"]
    seen = {i.rule_id for i in items}
    items += [i for _, est in estimates for i in est.items
              if i.outcome == "ineligible" and i.rule_id not in seen]
    missing = tuple(dict.fromkeys(n for _, est in estimates for n in est.missing))
    warnings = tuple(dict.fromkeys(w for _, est in estimates for w in est.warnings))
    return Estimate(as_of=on, items=tuple(items), missing=missing, warnings=warnings,
                    facts=whole.facts, vocabulary=rules.vocabulary)


def _periods(rules: RuleSet, estimates: list[tuple[date, Estimate]],
             read: list[tuple[dict[str, object], dict[str, Denied], list[str]]],
             finish: Callable[[Estimate], Estimate] | None) -> list[tuple[str, Estimate]]:
    """The parts' estimates, with the neighbouring parts of one year on the same law
    estimated together as of the last of them, their amounts and counts added (1月、5月、
    9月 before 58号's expiry share its annual cap; 12月 after it is apart), each labelled
    with its months."""
    def key(i: int) -> tuple[int, frozenset[str]]:
        when, est = estimates[i]
        return when.year, frozenset(r.rule_id for r in est.items if r.in_force)

    groups: list[list[int]] = []
    for i in range(len(estimates)):
        if groups and key(groups[-1][0]) == key(i):
            groups[-1].append(i)
        else:
            groups.append([i])
    specs = rules.vocabulary.facts
    out: list[tuple[str, Estimate]] = []
    for group in groups:
        first, last = estimates[group[0]][0], estimates[group[-1]][0]
        if len(group) == 1:
            out.append((f"{first.year}年{first.month}月", estimates[group[0]][1]))
            continue
        facts: dict[str, object] = {}
        denied: dict[str, Denied] = {}
        for i in group:
            for name, value in read[i][0].items():
                held = facts.get(name)
                flow = name in specs and specs[name].kind in ("money", "count")
                facts[name] = (held + value if flow and isinstance(held, int)
                               and isinstance(value, int) else held | value
                               if isinstance(held, frozenset) and isinstance(value, frozenset)
                               else value)
            denied.update(read[i][1])
        ids = list(dict.fromkeys(r for i in group for r in read[i][2]))
        est = evaluate(rules, facts, last, rule_ids=ids, denied=denied)
        out.append((f"{first.year}年{first.month}—{last.month}月", finish(est) if finish else est))
    return out
