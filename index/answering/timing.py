"""What a clause says about when to apply: its own timing sentences, quoted, nothing more.

A deadline question ("什么时候申报") is answered from the text: the sentences of the best
clause that name a month, a deadline or an annual application round (``stated``), and
the phrases of its 每年 wording (``annual``: an award counted per year says nothing of a
deadline, but the owner should see it).  Sentences on when the document itself takes effect are left
to its metadata (issued, effective dates), which the answer shows anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Timing", "clause_timing"]

_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_PHRASE = re.compile(r"[^，,。；;！!？?\n]+")
_N = r"[0-9０-９一二三四五六七八九十]"
_STATED = re.compile(
    rf"申报时间|申请时间|受理时间|截止|{_N}{{1,2}}\s*月\s*(底|前|份|{_N}{{1,3}}\s*日)"
    r"|(每年|每季度|每半年|年度).{0,12}(申报|申请|评审|受理|组织|兑现|拨付)"
    r"|(申报|申请|评审|受理)(工作)?.{0,8}(每年|每季度|每半年)")
_ANNUAL = re.compile(r"每年|年度")
_DOCUMENT_DATES = re.compile(r"施行|有效期|印发|发布之日")
MAX_QUOTED = 2


@dataclass(frozen=True)
class Timing:
    """The clause's own words on timing; empty tuples when it states none."""

    stated: tuple[str, ...] = ()
    annual: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"stated": list(self.stated), "annual": list(self.annual)}


def clause_timing(text: str) -> Timing:
    """The timing sentences of a clause (at most two of each kind, in order)."""
    stated: list[str] = []
    annual: list[str] = []
    for m in _SENTENCE.finditer(text or ""):
        sentence = re.sub(r"\s+", "", m.group()).strip("，,")
        if not sentence or _DOCUMENT_DATES.search(sentence):
            continue
        if _STATED.search(sentence):
            stated.append(sentence)
        else:  # only the phrase that says 每年 (每家企业每年奖励金额最高为50万元)
            annual += [p.group() for p in _PHRASE.finditer(sentence) if _ANNUAL.search(p.group())]
    return Timing(tuple(stated[:MAX_QUOTED]), tuple(annual[:MAX_QUOTED]))
