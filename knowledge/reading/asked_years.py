"""The years a question asks about, of more it tells: 光算2022年, a closing "2022年一共能拿
多少", 这次能拿多少 (the latest), 2020年和2021年这两年能拿多少 — the items of those years
kept from an estimate made year by year."""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.awards.calculator import Estimate

__all__ = ["asked_year", "only_year", "paid_again", "this_time"]


# 光算2022年这两件事 / 只算2021年: the items of that year only
_ONLY_YEAR = re.compile(r"(?:光|只|单|仅|就)(?:算|看|问|说)(?:一下)?(\d{4})年")
# 2022年一共能拿多少 closing a message about several years: that year only
# (烦请告知敝公司今年合计可获得多少: the words of the asking before the year)
_YEAR_ASKED = re.compile(r"\s*[^\d，。；\s]{0,10}?(\d{4})年"
                         r"(?:[^\d，。；\s]{0,3}?|(?:市里|市级|市财政)(?:再|还|又)?[给拿奖补]?"
                         r"|[那这]一?次[^\d，。；\s]{0,4}?)"
                         r"(一共|总共|合计|能拿|能补|能奖|能给|多少)")
# 这次能拿多少 after an earlier year's award: the latest year only
_THIS_TIME = re.compile(r"这次|这回|本次|这一次")
# (今年复核又通过了，能不能再来20万: whether the latest is paid again, no total asked)
_AGAIN = re.compile(r"(?:能不能|能否|可不可以|还能|还可以)再(?:来|拿|给|奖|补|领)"
                    r"(?!.*(?:一共|总共|合计|加起来|累计))")
# (复审这次还有钱吗？一共多少: the total is asked besides)
_TOTAL = re.compile(r"一共|总共|合计|加起来|累计|加一起|全部")
_BOTH_TOLD = re.compile(r"(两|几|三|每)(次|年|回)[^，,。；;？?]{0,4}"
                        r"(一共|总共|合计|加起来|加一起|累计)")


def asked_year(text: str) -> int | None:
    """The year a closing "2022年一共能拿多少" asks about (years written out), else None."""
    last = re.split(r"[，,。；;！!\s]", text.rstrip("，,。；;！!？? "))[-1]
    asked = _YEAR_ASKED.match(last)
    return int(asked.group(1)) if asked else None


def paid_again(text: str) -> bool:
    """Whether the question asks if the latest event is paid again, no total asked
    (今年复核又通过了，能不能再来20万; not 还能再拿吗，总共算下来多少)."""
    return bool(_AGAIN.search(text))


def this_time(text: str) -> bool:
    """Whether the question asks about the latest event only (这次能拿多少, not 两次一共)."""
    return bool(_THIS_TIME.search(text)) and not _BOTH_TOLD.search(text)


# 2020年和2021年这两年能拿多少 / 2020到2021年一共: the years asked, of more told
_YEARS_ASKED = re.compile(r"(\d{4})年?(和|、|跟|及|与|以及|到|至)(\d{4})年(?:这两年|这几年|两年)?"
                          r"[^\d，。；\s]{0,3}?(一共|总共|合计|加起来|能拿|能补|能奖|能给|多少)")


def _years_asked(text: str, estimate: Estimate) -> Estimate | None:
    """The items of the years a closing clause lists (2020年和2021年这两年能拿多少) when
    the message told more years than it asks about; None otherwise."""
    last = re.split(r"[，,。；;！!\s]", text.rstrip("，,。；;！!？? "))[-1]
    m = _YEARS_ASKED.search(last)
    if m is None:
        return None
    a, b = int(m.group(1)), int(m.group(3))
    asked = set(range(a, b + 1)) if m.group(2) in ("到", "至") else {a, b}
    if not set(estimate.years) - asked:  # (every year told is asked)
        return None
    kept = tuple(i for i in estimate.items if re.match(r"(\d{4})年：", i.label)
                 and int(i.label[:4]) in asked)
    note = "您问的是" + "、".join(f"{y}年" for y in sorted(asked)) + "：其他年份的奖补不计入。"
    return replace(estimate, items=kept, warnings=(note, *estimate.warnings))


def only_year(text: str, estimate: Estimate) -> Estimate | None:
    """The items of the one year the question limits itself to, when it was estimated
    by year; None otherwise.  A year asked about that the message states without an
    award granted in it gets none of the other years' ("…今年能拿多少")."""
    if estimate.years and (several := _years_asked(text, estimate)) is not None:
        return several
    m = _ONLY_YEAR.search(text)
    year = int(m.group(1)) if m else None
    if year is None and (asked := asked_year(text)) in estimate.years:
        year = asked  # …，2022年一共能拿多少: the question asks about that year
    latest_asked = this_time(text) or paid_again(text)
    if not estimate.years or (year is None and not latest_asked):
        return None  # (复核这次还能再给吗？两次加起来一共多少: every year's)
    latest = max(estimate.years)
    mark = f"{year or latest}年："
    kept = tuple(i for i in estimate.items if i.label.startswith(mark))
    if year is None and latest_asked and (not estimate.years[latest] or (
            not kept and (_AGAIN.search(text) or not _TOTAL.search(text)))):
        year = latest  # 21年认定了，24年又重新认定了一次，这次能拿多少: nothing in 2024
    if not kept and year is not None and year in estimate.years:
        others = tuple(i for i in estimate.items if i.outcome != "eligible"
                       and not re.match(r"\d{4}年：", i.label))
        note = (f"您问的是{year}年：{year}年所说的情况没有可计的奖补；"
                "其他年份的奖补不计入（如已领取，不重复奖励）。")
        return replace(estimate, items=others, warnings=(note, *estimate.warnings))
    return replace(estimate, items=kept) if kept else None
