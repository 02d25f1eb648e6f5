"""Several years in one question: each year on the law in force that year, summed.

"2019年买技术花了300万，2020年又买了200万，两年一共能拿多少" states a flow (an amount, a
count) for each of two years.  An annual cap applies per year and each year is judged
on its own as-of date, so the awards that read a flow are estimated once per year (their
items labelled with the year) and the rest once on the whole question.  The calculator
stays pure: this module only calls it once per year and puts the items together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from knowledge.awards.calculator import Denied, Estimate, Item, evaluate
from knowledge.awards.fact_spec import FactSpec
from knowledge.awards.rules import RuleSet
from knowledge.money import scan_money
from knowledge.reading.asked_years import asked_year, this_time
from knowledge.reading.asof import lone_months, read_as_of
from knowledge.reading.carried import FLOW_KINDS, carry_titles
from knowledge.reading.dated import estimate_dated
from knowledge.reading.denied import not_yet_held, without_denied
from knowledge.reading.extraction import Extraction, extract_facts, subject_nouns
from knowledge.reading.figures import RECEIVED
from knowledge.reading.scope import IF, without_failures
from knowledge.reading.segments import (
    fill_elided_subjects,
    relative_years,
    segments,
    year_parts,
)
from knowledge.reading.slots import restate

__all__ = ["FLOW_KINDS", "WHO", "compose_years", "estimate_by_year", "joined"]

# a part with a number of its own (有3家, 花了400万): a terse repeat of the year before
_SUCCEEDED = re.compile(r"通过了|评上了?|报上了?|批了|批下来了?|成功了|入选了?|拿到了|认定了|过了"
                        r"|(才|终于|总算)(通过|评上|过|批下来|认定)")
# 今年又通过了 after a first time: again
_AGAIN = re.compile(r"又(一次)?(通过|过了|评上|获评|认定)|再次|第[二三四2-4]次")
_FIRST = re.compile(r"首次|第一次|头一回|头一次|初次")
WHO = ("applicant_types", "district")
_COUNTED = re.compile(r"(\d+|[一二两三四五六七八九十百千]+)\s*(家|项|个|件|万|元|亿|千)")
# (2021年上半年3项都在威海: a count followed by an adverb is as bare as one before a comma)
_BARE_COUNT = re.compile(r"(?:^|年|[，,、有])(\d+|[一二两三四五六七八九十]+)\s*(家|项|个|件)"
                         r"(?:[，,、；;都全均也还]|$)")


def estimate_by_year(rules: RuleSet, text: str, today: date, rule_ids: list[str],
                     whole: Extraction, on: date) -> Estimate | None:
    """The estimate with each year's flows and titles on that year's law; None when the
    question does not state facts for two or more years.

    A year's part that states no fact of its own repeats a neighbouring year with its
    numbers ("2021年有2家在孵企业认定高企、2022年有3家") or, said to have succeeded,
    the year before without its failure ("2021年报省级国际合作基地没通过，2022年报上了");
    a title a part names (市级 in 2019, 省级 in 2021) is judged on that year's law, and
    an amount or count is a flow of that year (annual caps apply per year).  A title
    denied in one year but held in another is not denied."""
    specs = rules.vocabulary.facts
    text = relative_years(text, today)
    # 2023年又重新认定通过 keeps its subject (高企) when split from the year before
    head, own, tail = year_parts(fill_elided_subjects(
        text, subject_nouns(text, rules.vocabulary)))
    if not own:
        return None
    common = extract_facts(_whole(head, "", tail), today, rules).facts
    if _titles(common) - _titles(extract_facts(head, today, rules).facts):
        # 这两次重新认定一共能拿多少: the titles only the question names are asked about,
        # held in the years that say so, not in every year
        common = _asked_titles_out(common, extract_facts(head, today, rules).facts)
    parts = _restated(own, common, specs, rules, today, (head, tail))
    # 2023年6月 → 06-30; 每年都是上半年签的 → each year's 06-30 (a year said again, 就问
    # 2021年那年能拿多少, keeps the date its first part gives)
    whens = {year: (date(year, 6, 30) if "上半年" in part and not _MONTH_SAID.search(dated)
                    # (10月份…，11月底又…: months apart, dated by dated.py, not here)
                    else read_as_of(dated if len(lone_months(part)) < 2 else f"{year}年",
                                    today)) for year, part in reversed(parts)
             for dated in [part[max(0, part.find(f"{year}年")):][:12]]}
    # (…2023年8月升级成了省级…。升省级这次能拿多少: the level the tail names is the
    # year's that names it, not every year's)
    every = _LEVELLED.sub("", tail) if any(m.group(1) in p for m in _LEVELLED.finditer(tail)
                                           for _, p in own) else tail
    years = [(year, extract_facts(_whole(head, part, every), today, rules))
             for year, part in parts]
    flows = {name for _, ex in years for name in ex.facts
             if name in specs and specs[name].kind in FLOW_KINDS}
    per_year = [(year, _own_facts(ex.facts, common, flows) if year <= today.year
                 or IF.search(text) else {}) for year, ex in years]  # (明年打算: plans)
    if per_year and not per_year[0][1] and any(facts for _, facts in per_year[1:]):
        # 我们牵头的市级技术创新中心去年拿了200万，今年升级为省级: the titles named before
        # the first year are that year's (what the later years add is theirs)
        per_year[0] = (per_year[0][0], {k: v for k, v in common.items()
                                        if isinstance(v, frozenset) and k not in WHO})
    per_year = carry_titles(rules, per_year)  # (a title of 2019 held by 2020's count)
    titled = {(k, v) for _, facts in per_year for k, vs in facts.items()
              if isinstance(vs, frozenset) for v in vs}
    denied = _denied_overall(whole, [ex for _, ex in years])
    # the titles said for every year (the head's) stand unless denied in every year
    standing = _without(joined(common, whole.facts), flows, titled)
    # the rules a year names (2022年重新认定也过了 → the renewal) are estimated too
    ids = list(dict.fromkeys([*rule_ids, *(r for _, ex in years for r in ex.candidate_rules
                                           if rules.get(r) is not None)]))
    own_ex = {year: ex for year, ex in reversed(years)}
    said = {year: part for year, part in reversed(parts)}
    by_year = compose_years(rules, standing, per_year, ids, on, today, denied,
                            own={year: (ex, said[year]) for year, ex in own_ex.items()},
                            framed={year: _whole(head, p, tail) for year, p in said.items()},
                            whens=whens, distinct=bool(_DISTINCT.search(text)),
                            renewed=frozenset(y for y, p in own if _RENEWED_PART.match(
                                p, p.find(f"{y}年") + len(str(y)) + 1)))
    if by_year is not None or (denied == whole.denied and not titled):
        return by_year
    merged: dict[str, object] = dict(standing)
    stated = [year for year, facts in per_year if facts]
    for _, facts in per_year:  # one year states facts: judged on that year's law
        merged = joined(merged, facts)
    when = (whens.get(stated[0]) or read_as_of(f"{stated[0]}年", today)) if stated else None
    # …，2022年一共能拿多少 / 24年又重新认定了一次，这次能拿多少: the year asked about
    asked = asked_year(text) or (max(y for y, _ in own) if this_time(tail) else None)
    if stated and asked in {year for year, _ in own} and asked != stated[0]:
        # 2024年第一次通过了，今年第二次也过了，今年能拿多少: each year on its own, a
        # one-time award in the first year it is, so that only_year keeps the year asked
        by_title = compose_years(rules, standing, per_year, ids, on, today, denied,
                                 every_year=True, whens=whens, every_rule=True)
        if by_title is not None:
            return replace(by_title, years={**by_title.years, asked: {}})
    if len(stated) == 1:  # (2019年合同没登记，2020年买的登记了: 2019's denial is not 2020's)
        denied = for_year(denied, own_ex[stated[0]], said[stated[0]])
    return evaluate(rules, merged, when or on, rule_ids=rule_ids, denied=denied)


def for_year(denied: Mapping[str, Denied], ex: Extraction, part: str) -> dict[str, Denied]:
    """The denials that hold for a year: a condition denied as a whole (合同没登记) is not
    the year's when its part states the fact and does not say the denial (2020年买的登记了)."""
    return {name: d for name, d in denied.items()
            if d.values or name not in ex.facts or (d.said and d.said in part)}


def _titles(facts: Mapping[str, object]) -> set[tuple[str, object]]:
    return {(k, v) for k, vs in facts.items() if isinstance(vs, frozenset) and k not in WHO
            for v in vs}


def _asked_titles_out(common: Mapping[str, object], head: Mapping[str, object]
                      ) -> dict[str, object]:
    """What is said for every year less the titles only the question names (这两次重新
    认定一共能拿多少 asks about the years' renewals; it holds none of its own)."""
    out: dict[str, object] = {}
    for name, value in common.items():
        if isinstance(value, frozenset) and name not in WHO:
            held = head.get(name)
            value = value & held if isinstance(held, frozenset) else frozenset()
            if not value:
                continue
        out[name] = value
    return out


def _between_money(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` around its amounts (to say it without them)."""
    spans, last = [], 0
    for m in scan_money(text):
        spans.append((last, m.start))
        last = m.end
    return [*spans, (last, len(text))]


def _whole(head: str, part: str, tail: str) -> str:
    """A year's part with what is said for every year: the head as written before it (no
    comma added: 我们牵头的技术创新中心2019年列入市级试点 stays one clause), the question."""
    return f"{head}{part}" + (f"，{tail}" if tail else "")


def _restated(own: list[tuple[int, str]], common: Mapping[str, object],
              specs: Mapping[str, FactSpec], rules: RuleSet, today: date,
              around: tuple[str, str] = ("", "")) -> list[tuple[int, str]]:
    """Each year's part, a terse one restated from its neighbour (see estimate_by_year);
    a part is read with what is said for every year (``around``: head, tail)."""
    def states(ex: Extraction, part: str) -> bool:
        # (买技术100万没登记: its one amount denied, not a terse repeat of the next year)
        return _states_own(ex, common, specs) or (
            bool(ex.denied) and len([m for m in scan_money(part) if not m.problem]) == 1)

    read = [(extract_facts(part, today, rules),
             extract_facts(_whole(around[0], part, around[1]), today, rules)) for _, part in own]
    counts = [{k for k in b.facts if k in specs and specs[k].kind == "count"} for _, b in read]
    alone = [(states(a, part) or states(b, part))
             # 2019年促成3项…成交额1800万；2020年4项、1200万: a bare count no fact took, where
             # a neighbour's count is read, is said in the neighbour's words
             and not (not counts[i] and _BARE_COUNT.search(part) and any(counts))
             for i, ((_, part), (a, b)) in enumerate(zip(own, read, strict=True))]
    out: list[tuple[int, str]] = []
    for i, (year, part) in enumerate(own):
        if not alone[i] and _BARE_YEAR.fullmatch(part) and i + 1 < len(own):
            # 2020年、2021年、2022年每年都…: a year listed shares what the next one says
            nxt = next((p for j, (_, p) in enumerate(own)
                        if j > i and not _BARE_YEAR.fullmatch(p)), "")
            if nxt:
                part = restate(f"{year}年", nxt)
        elif not alone[i] and (cut := _COUNTED.search(part)) \
                and not RECEIVED.search(part, 0, cut.start()):  # (拿了200万: paid)
            near = next((own[j][1] for j in [*range(i - 1, -1, -1), *range(i + 1, len(own))]
                         if alone[j]), "")
            # 2021年3家，不过其中1家超过3年: the first count restated, the rest kept
            end = next((seg.end for seg in segments(part) if cut and seg.end >= cut.end()),
                       len(part))
            if part[end:].strip("，,；; "):
                # …，其中1家没通过: its own parts, not near's (只有3家还在孵化期里…)
                near = near[:next((seg.end for seg in segments(near)
                                   if _COUNTED.search(seg.text)), len(near))]
            if any(not m.problem for m in scan_money(part[end:])):
                # 2020年签了两个，100万的登记了，50万的没登记: its own amounts, not near's
                near = "".join(near[a:b] for a, b in _between_money(near))
            part = (restate(part[:end], near) + part[end:]) if near else part
        elif not alone[i] and i and _SUCCEEDED.search(part):
            # (2024年第一次没过，2025年还是没过，今年终于过了: the last part that says what)
            said = next((out[j][1] for j in range(i - 1, -1, -1) if alone[j]
                         or extract_facts(out[j][1], today, rules).denied), out[-1][1])
            before = without_failures(said)
            if _AGAIN.search(part) and before == said:
                # 前年第一次通过…，今年又通过了: a repeat, not a first (after 第一次没评上,
                # 再报才通过 is the first pass)
                before = _FIRST.sub("再次", before)
            part = f"{restate(part, before)}，{part}"
        out.append((year, part))
    return out


def _denied_overall(whole: Extraction, years: list[Extraction]) -> dict[str, Denied]:
    """The denials of the question and of its years, but a title held in some year is not
    denied (绩效评价2021年没过，2022年通过了)."""
    held: dict[str, set[str]] = {}
    for ex in years:
        for name, value in ex.facts.items():
            if isinstance(value, frozenset):
                held.setdefault(name, set()).update(value)
    out: dict[str, Denied] = {}
    for source in (whole.denied, *(ex.denied for ex in years)):
        for name, d in source.items():
            left = d.values - held.get(name, set()) if d.values else d.values
            if d.values and not left:
                continue
            prior = out.get(name)
            values = (prior.values | left) if prior is not None and prior.values else left
            out[name] = Denied(d.said if prior is None else prior.said, frozenset(values))
    return out


def _states_own(ex: Extraction, common: Mapping[str, object],
                specs: Mapping[str, FactSpec]) -> bool:
    """Whether a year's part read alone states a flow or a title of its own."""
    return any((k in specs and specs[k].kind in FLOW_KINDS)
               or (isinstance(v, frozenset) and v != common.get(k))
               for k, v in ex.facts.items() if k != "applicant_types")


def _own_facts(facts: Mapping[str, object], common: Mapping[str, object],
               flows: set[str]) -> dict[str, object]:
    """A year's own facts: its flows, and the title values said for it alone."""
    out: dict[str, object] = {}
    for name, value in facts.items():
        if name in flows:
            out[name] = value
        elif isinstance(value, frozenset) and name != "applicant_types":
            held = common.get(name)
            mine = value - held if isinstance(held, frozenset) else value
            if mine:
                out[name] = mine
    return out


def _without(facts: Mapping[str, object], flows: set[str], titled: set[tuple[str, object]]
             ) -> dict[str, object]:
    """The standing facts: all but the flows and the titles said of one year."""
    out: dict[str, object] = {}
    for name, value in facts.items():
        if name in flows:
            continue
        if isinstance(value, frozenset):
            left = frozenset(v for v in value if (name, v) not in titled)
            if left:
                out[name] = left
            continue
        out[name] = value
    return out


def compose_years(rules: RuleSet, standing: dict[str, object],
                  per_year: list[tuple[int, dict[str, object]]], rule_ids: list[str],
                  on: date, today: date, denied: dict[str, Denied],
                  every_year: bool = False, whens: Mapping[int, date | None] | None = None,
                  distinct: bool = False, every_rule: bool = False,
                  own: Mapping[int, tuple[Extraction, str]] | None = None,
                  renewed: frozenset[int] = frozenset(), framed: Mapping[int, str] | None = None
                  ) -> Estimate | None:
    """Awards reading a year's flows (``every_rule``: every award) estimated per year (as
    of that year), the rest once on the standing facts (as of ``on``); None unless two
    years state flows.  A title award is granted once unless the years' titles are
    ``distinct`` holders (各有一个不同的中心)."""
    flows = {name for _, facts in per_year for name in facts}
    yearly = [r for r in rule_ids if (rule := rules.get(r)) is not None
              and (every_rule or flows & set(rule.required_facts()))]
    # (a standing title list and a year's own titles are one fact: their union)
    stated = [y for y, facts in per_year if facts]
    if (len(stated) < 2 and not every_year) or not yearly:
        return None
    once = [r for r in rule_ids if r not in yearly]
    items: list[Item] = []
    missing: list[str] = []
    warnings: list[str] = []
    if once:
        first = evaluate(rules, standing, on, rule_ids=once, denied=denied)
        items.extend(first.items)
        missing.extend(first.missing)
        warnings.extend(first.warnings)
    shown: set[str] = set()
    for year, facts in per_year:
        if not facts:
            continue
        when = (whens or {}).get(year) or read_as_of(f"{year}年", today) or on
        year_denied = not_yet_held(for_year(denied, *own[year]), own[year][0].denied, year,
                                   per_year) if own and year in own else denied
        # (2021年10月…，2021年12月又…: the year's months on each side of an expiry)
        part = (own and year in own and estimate_dated(  # (who applies, as assumed for all)
            rules, (framed or {}).get(year, ""), today, yearly, when, replace(own[year][0], facts={
                **{k: v for k, v in standing.items() if k in WHO}, **own[year][0].facts}))
        ) or evaluate(
            rules, without_denied(joined(standing, facts), year_denied, denied),
            when, rule_ids=yearly, denied=year_denied)
        for i in part.items:  # a rule that does not apply in any year is listed once
            if i.outcome == "ineligible" and i.rule_id in shown:
                continue
            shown.add(i.rule_id)
            items.append(replace(i, label=f"{year}年：{i.label}") if i.outcome != "ineligible"
                         and not i.label.startswith(f"{year}年") else i)
        missing.extend(part.missing)
        warnings.extend(part.warnings)
    # (distinct holders: only a year said renewed, 2023年到期再认定, repeats the one before)
    items = _title_awards_once(rules, items, renewed if distinct else None)
    # a rule granted in some year is not also listed as unmet or waiting in another
    granted = {i.rule_id for i in items if i.outcome == "eligible"}
    applies = {i.rule_id for i in items if i.outcome != "ineligible"}
    items = [i for i in items if i.outcome == "eligible"
             or (i.rule_id not in granted and (i.outcome != "ineligible"
                                               or i.rule_id not in applies))]
    return Estimate(as_of=on, items=tuple(items), missing=tuple(dict.fromkeys(missing)),
                    warnings=tuple(dict.fromkeys(warnings)), facts=standing,
                    vocabulary=rules.vocabulary,
                    years={year: facts for year, facts in per_year if facts})


def _title_awards_once(rules: RuleSet, items: list[Item],
                       only: frozenset[int] | None = None) -> list[Item]:
    """A title's award (no amount or count of a year in it) is granted once, in its first
    year (2019年认定，2022年复核又通过); a yearly or renewal one in each year.  ``only``: the
    years whose repeats are dropped (the others are other holders'), None: every year."""
    specs = rules.vocabulary.facts
    seen: set[str] = set()
    out: list[Item] = []
    for item in items:
        rule = rules.get(item.rule_id)
        year = re.match(r"(\d{4})年：", item.label)
        if only is not None and not (year and int(year.group(1)) in only):
            if item.outcome == "eligible" and rule is not None:
                seen.add(rule.same_award or rule.id)
            out.append(item)
            continue
        if item.outcome == "eligible" and rule is not None and not rule.each_time \
                and not re.search(
                r"每年|重新", rule.cap_text + rule.label) and not any(
                specs[n].kind in FLOW_KINDS for n in rule.required_facts() if n in specs):
            key = rule.same_award or rule.id
            if key in seen:
                continue
            seen.add(key)
        out.append(item)
    return out


def joined(standing: Mapping[str, object], facts: Mapping[str, object]
            ) -> dict[str, object]:
    out = dict(standing)
    for name, value in facts.items():
        held = out.get(name)
        out[name] = (held | value if isinstance(held, frozenset) and isinstance(value, frozenset)
                     else value)
    return out


# 各有一个不同的中心 / 这两个镇前后一共 (each another holder's) / 2023年到期再认定也过了
_RENEWED_PART = re.compile(r"[^，,。；;]{0,6}?(到期|复核|复审|重新认定|再认定|重新评定)")
_DISTINCT = re.compile(r"各有?(一|1)(个|家)|不同的|另一个|另一家|又一个|又一家"
                       r"|(?:这|那)(?:两|俩|三|仨|几)(?:个|家|所)?(?:镇|孵化器|众创空间|中心|企业|公司|基地)")
_MONTH_SAID = re.compile(r"\d\s*年\s*\d{1,2}\s*月")
_LEVELLED = re.compile(r"(?:升|升级|升格)(?:为|成|到|了)?(国家级|省级|市级)")
_BARE_YEAR = re.compile(r"\s*(?:19|20)\d\d\s*年\s*[、和与及,，]?\s*")
