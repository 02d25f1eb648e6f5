"""The ceiling of the one award a question asks about ("最多能给多少"): its fixed amount,
its computed or stated ceiling, added up over the years asked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from knowledge.awards.calculator import Denied, Estimate, evaluate
from knowledge.awards.estimate import Item
from knowledge.awards.rules import RuleSet
from knowledge.money import format_yuan
from knowledge.reading.intent import asks_ceiling

__all__ = ["Ceiling", "at_ceiling", "ceiling_of", "granted_at_top"]


@dataclass(frozen=True)
class Ceiling:
    """The most the one award asked about can be: its fixed amount, its computed or
    stated ceiling (单个企业最高1000万元; 3000万元×20%=600万元，最高500万元)."""

    rule_id: str
    label: str
    yuan: int

    def to_json(self) -> dict[str, object]:
        return {"rule_id": self.rule_id, "label": self.label, "yuan": self.yuan}


def _closest(items: list[Item], text: str) -> list[Item]:
    """The items of the award whose label shares clearly the most two-character words
    with the question (按县级科技专项资金给区市分配的钱，最多能给多少), else all."""
    said = {text[k:k + 2] for k in range(len(text) - 1)}
    scores = sorted(((len(said & {i.label[k:k + 2] for k in range(len(i.label) - 1)}), i.rule_id)
                     for i in items), reverse=True)
    best = [s for s, r in scores if s == scores[0][0]]
    if len(best) == 1 and len(scores) > 1 and scores[0][0] >= 2 * max(scores[1][0], 1):
        return [i for i in items if i.rule_id == scores[0][1]]
    return items


def ceiling_of(estimate: Estimate, rules: RuleSet, text: str = "") -> Ceiling | None:
    """The ceiling of the one in-force award an estimate considers (of several, the one
    the question's words name clearly more than the others); None when it considers
    several, or the award states no ceiling (择优 without a figure, a floor only:
    不低于10万元)."""
    listed = [i for i in estimate.items if i.outcome != "ineligible" and i.in_force]
    if any(i.outcome == "eligible" for i in listed):
        # (an award still waiting for facts is not the one granted whose most is asked)
        listed = [i for i in listed if i.outcome == "eligible"]
    if text and len({i.rule_id for i in listed}) > 1:
        listed = _closest(listed, text)
    considered = {i.rule_id: i for i in listed}
    if len(considered) != 1:
        return None
    item = next(iter(considered.values()))
    rule = rules.get(item.rule_id)

    def top(i: Item) -> int | None:
        figure = i.amount_yuan if i.amount_yuan is not None else i.max_yuan
        if figure is None and rule is not None:  # (20%，最高500万元: the cap is the most)
            figure = next((f for f in (rule.amount_yuan, rule.max_yuan, rule.cap_yuan)
                           if f is not None), None)
        return figure

    figures = [top(i) for i in listed]
    if not estimate.years and rule is not None and "每年" in f"{rule.label}{item.label}" \
            and len(said := _occasions(text)) >= 2 and (figure := top(item)):
        # 大赛：2019年一届、2020年一届、2024年一届 — 最多合计: the yearly ceiling of each
        # year said, on that year's law
        kept = [y for y, on in said if rule.in_force(on)]
        gone = "、".join(str(y) for y, _ in said if y not in kept)
        label = (f"{rule.label}（{'、'.join(str(y) for y in kept)}年，{len(kept)}年合计；"
                 f"{gone}年文件不在有效期内）" if gone else f"{rule.label}（{len(kept)}年合计）")
        return Ceiling(item.rule_id, label, figure * len(kept)) if kept else None
    if estimate.years and len(listed) > 1 and all(figures):
        # 2019年、2020年都考核优秀，最多一共: each year's ceiling, added up
        label = f"{rule.label if rule is not None else item.label}（{len(listed)}年合计）"
        return Ceiling(item.rule_id, label, sum(f for f in figures if f))
    figure = top(item)
    return Ceiling(item.rule_id, item.label, figure) if figure else None


# a year said with one occasion of its own (2019年一届 / 2020年办了一场 / 2023年9月那次)
_OCCASION = re.compile(r"((?:19|20)\d\d)\s*年(?:(\d{1,2})\s*月份?)?[^，,、；;。\d]{0,6}?"
                       r"(?:一届|一次|一场|一回|办了|举办|承办)")
_EVERY_YEAR = re.compile(r"((?:19|20)\d\d)\s*年?\s*(?:到|至|-|~|—)\s*((?:19|20)\d\d)\s*年"
                         r"[^，,。；;]{0,4}每年")


def _occasions(text: str) -> list[tuple[int, date]]:
    """The years an occasion is said in (2019年一届、2020年一届; 2019年到2023年每年都办一次,
    2023年那次是9月份办的), each with the day it is judged on (its month's end when said,
    else the year's end)."""
    months: dict[int, int] = {}
    for m in _OCCASION.finditer(text):
        months.setdefault(int(m.group(1)), int(m.group(2)) if m.group(2) else 12)
    for m in re.finditer(r"((?:19|20)\d\d)\s*年[^，,。；;]{0,6}?(\d{1,2})\s*月", text):
        months[int(m.group(1))] = int(m.group(2))  # (2023年那次是9月份办的)
    if (every := _EVERY_YEAR.search(text)) is not None:
        for y in range(int(every.group(1)), int(every.group(2)) + 1):
            months.setdefault(y, 12)
    return [(y, _month_end(y, months[y])) for y in sorted(months)]


def _month_end(year: int, month: int) -> date:
    month = min(max(month, 1), 12)
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def at_ceiling(text: str, estimate: Estimate) -> Estimate | None:
    """Several awards granted, some up to a ceiling, asked at their most ("顶格算一共多少",
    "最多能拿多少"): each ceiling counted at its top and said so, so the total is the most
    they can be (首次高企20万 + 专利代理最高20万 + 专利运营试点最高100万 = 140万).  None
    when the question does not ask for the most, or one award alone is granted, in one
    year or several (its ceiling is stated as such: ceiling_of)."""
    granted = [i for i in estimate.items if i.outcome == "eligible" and i.in_force]
    if len({i.rule_id for i in granted}) < 2 or not asks_ceiling(text) \
            or not any(i.amount_yuan is None and i.max_yuan for i in granted):
        return None
    items = tuple(
        replace(i, amount_yuan=i.max_yuan,
                explanation=f"{i.explanation}您问的是最多（顶格）能拿多少，按最高额"
                            f"{format_yuan(i.max_yuan)}计。")
        if i in granted and i.amount_yuan is None and i.max_yuan else i
        for i in estimate.items)
    note = "其中标注“最高”的金额按上限（顶格）计入合计，实际金额由主管部门评审确定。"
    return replace(estimate, items=items, warnings=(note, *estimate.warnings))


# 研发财政补助拿了顶格 / 如果能拿到顶格 / 补助拿满了: a grant said to be at its top
_AT_TOP = re.compile(r"顶格|拿满|封顶|最高额|拿到最高|按最高")


def granted_at_top(rules: RuleSet, text: str, estimate: Estimate,
                   denied: Mapping[str, Denied]) -> Estimate | None:
    """A shared grant said to be at its top (辖区企业研发财政补助拿了顶格，县级出多少): its
    amount is the most the document allows, and what it requires is met (it was granted);
    each is said.  None when no grant waiting for its amount is said to be at its top."""
    if not _AT_TOP.search(text):
        return None
    facts = dict(estimate.facts)
    topped: list[str] = []
    for item in estimate.items:
        rule = rules.get(item.rule_id)
        if (item.outcome != "need_info" or rule is None or not rule.granted_fact
                or not rule.max_yuan or rule.granted_fact in facts):
            continue
        facts[rule.granted_fact] = rule.max_yuan
        facts.update({c.fact: c.value for c in rule.conditions
                      if c.op == "is" and c.fact not in facts})
        topped.append(item.rule_id)
    if not topped:
        return None
    again = evaluate(rules, facts, estimate.as_of, rule_ids=[i.rule_id for i in estimate.items],
                     denied=denied)
    items = tuple(replace(i, explanation=f"您说按顶格获批，按最高额{format_yuan(r.max_yuan)}"
                                         f"计算。{i.explanation}")
                  if i.rule_id in topped and (r := rules.get(i.rule_id)) and r.max_yuan
                  else i for i in again.items)
    return replace(again, items=items)
