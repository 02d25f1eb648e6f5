"""What the bot covers, read from the knowledge base's document titles.

A refusal names the subjects of the loaded policies so the owner knows what to ask:
威海市人民政府办公室关于加快科技服务业发展的实施意见 → 科技服务业;
…关于印发《促进科技成果转移转化服务体系建设三年行动计划》的通知 → 科技成果转移转化.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_QUOTED = re.compile(r"《([^》]+)》")
_ABOUT = re.compile(r"关于(.+?)的(?:实施)?(?:意见|通知|办法|决定|方案|规定|细则)")
_LEAD = ("进一步", "加快", "促进", "推进", "推动", "加强", "支持", "印发")
_TAIL = ("三年行动计划", "行动计划", "实施方案", "管理办法", "实施细则", "服务体系建设",
         "体系建设", "驱动发展", "建设", "发展", "工作")


def subject_of(title: str) -> str:
    """The subject a policy title names (the title itself when no pattern fits)."""
    quoted = _QUOTED.search(title)
    about = _ABOUT.search(title)
    text = quoted.group(1) if quoted else about.group(1) if about else title
    changed = True
    while changed:
        changed = False
        for lead in _LEAD:
            if text.startswith(lead) and len(text) > len(lead) + 1:
                text, changed = text[len(lead):], True
        for tail in _TAIL:
            if text.endswith(tail) and len(text) > len(tail) + 1:
                text, changed = text[:-len(tail)], True
    return text


def covered_subjects(titles: Iterable[str]) -> list[str]:
    """The distinct subjects of ``titles``, in order."""
    return list(dict.fromkeys(s for s in (subject_of(t) for t in titles if t) if s))
