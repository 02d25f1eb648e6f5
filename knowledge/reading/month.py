"""An event dated by its year alone, in a year a document starts or ends in.

"2023年升级为国家大学科技园，能拿多少": 107号 was repealed on 2023-04-07, so the award is
300万元 in January and nothing in December.  Judged on the year's last day alone the
answer would be a confident 0; the awards whose outcome turns on the month are asked
instead ("请告诉我是几月"), each with what the year's first and last day give.  A month
said anywhere in the question, or another year said, leave the estimate as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from knowledge.awards.calculator import Estimate, Item
from knowledge.money import format_yuan

__all__ = ["EVENT_MONTH", "month_asked"]

EVENT_MONTH = "event_month"  # the vocabulary fact asked (knowledge/vocabulary/facts.yaml)

# a month said (3月, 十一月份, 月底, 上半年): the date is told closely enough
_MONTH_SAID = re.compile(r"\d{1,2}\s*月|[一二三四五六七八九十]{1,2}月|月[底初中]|[上下]半年"
                         r"|年[初底中末]|季度|春节|国庆")


def _outcome(item: Item | None) -> str:
    if item is None or not item.in_force or item.outcome == "ineligible":
        return "无"
    if item.outcome == "eligible" and item.amount_yuan is not None:
        return format_yuan(item.amount_yuan)
    return "需补充信息"


def month_asked(estimate: Estimate, text: str, at: Callable[[date], Estimate]
                ) -> Estimate | None:
    """``estimate`` (judged on its year's last day) with the awards whose outcome on the
    year's first day differs asked by month, when the question names one year and no
    month; None when the month changes nothing.  ``at``: the question judged on a date."""
    end = estimate.as_of
    if estimate.years or (end.month, end.day) != (12, 31) or _MONTH_SAID.search(text) \
            or set(re.findall(r"((?:19|20)\d\d)\s*年", text)) - {str(end.year)}:
        return None  # (another year said: which one the event is in is read elsewhere)
    first = {i.rule_id: i for i in at(date(end.year, 1, 1)).items}
    last = {i.rule_id: i for i in at(end).items}
    # (the award as the question's reading left it, judged alike on the last day)
    turning = {i.rule_id for i in estimate.items
               if _outcome(i) == _outcome(last.get(i.rule_id))
               and _outcome(i) != _outcome(first.get(i.rule_id))
               and {_outcome(i), _outcome(first.get(i.rule_id))} & {"无"}
               and "需补充信息" not in (_outcome(i), _outcome(first.get(i.rule_id)))}
    if not turning:
        return None
    whys = {i.rule_id: _why(i, first.get(i.rule_id), end.year) for i in estimate.items
            if i.rule_id in turning}
    items = tuple(replace(i, outcome="need_info", amount_yuan=None, in_force=True, validity="",
                          explanation=f"结果取决于月份：{whys[i.rule_id]}。{i.explanation}")
                  if i.rule_id in turning else i for i in estimate.items)
    labels = {i.rule_id: i.label for i in estimate.items if i.rule_id in turning}
    note = (f"您只说了{end.year}年，没说月份，结果取决于月份（"
            + "；".join(f"{labels[r]}：{why}" for r, why in whys.items()) + "），请告诉我是几月。")
    # (what the year's last day alone said of them: repealed, not counted — asked instead)
    kept = tuple(w for w in estimate.warnings if not any(label in w for label in labels.values()))
    return replace(estimate, items=items, missing=(*estimate.missing, EVENT_MONTH),
                   warnings=(note, *kept))


def _why(last: Item, first: Item | None, year: int) -> str:
    """What the month decides, in the owner's terms."""
    ended = last.repealed_on or last.effective_until
    doc = last.citations[0].doc_number if last.citations else "文件"
    if ended is not None and ended.year == year and first is not None:
        word = "废止" if last.repealed_on else "失效"
        return f"{doc}于{ended.isoformat()}{word}，此前{_outcome(first)}，此后不能申请"
    return (f"按{year}年1月为{_outcome(first)}，按{year}年12月为{_outcome(last)}"
            f"（文件在{year}年内施行）")
