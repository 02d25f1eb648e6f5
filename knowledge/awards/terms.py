"""The terms of one award as its sentence states them, for awards no rule encodes yet.

"对年销售收入500万元以上的企业，按研发投入的2%给予补助，最高40万元" is a rate (2%) of a
base (研发投入) above a threshold (500万元以上) with a cap (最高40万元) — not "500万元、40万元".
Only the words of the sentence are used; nothing is computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONEY = r"\d+(?:\.\d+)?(?:万|亿)?元"
_RATE = re.compile(r"(?:按|以)?([^，,。；;按以对]{0,16}?)的?(\d+(?:\.\d+)?%)")
_CAP = re.compile(rf"(?:最高|不超过|最多|上限为?|封顶)[^\d，。；]{{0,4}}?({_MONEY})")
_THRESHOLD = re.compile(rf"(?:超过|达到|不低于|满|在)?({_MONEY})(?:以上|及以上|以上的)"
                        rf"|(?:超过|达到|不低于|满)({_MONEY})")
_FIXED = re.compile(rf"(?:给予|奖励|补助|资助|补贴)[^，,。；;]{{0,6}}?({_MONEY})"
                    rf"|({_MONEY})(?:的)?(?:一次性)?(?:奖励|补助|资助|补贴|资金支持|支持)")


@dataclass(frozen=True)
class Terms:
    """What a sentence grants: a fixed amount, or a rate of a base; a cap; a threshold."""

    fixed: str = ""
    rate: str = ""
    base: str = ""
    cap: str = ""
    threshold: str = ""

    def text(self) -> str:
        """The award in a few words ("研发投入的2%，最高40万元（500万元以上）"); "" if none."""
        if self.rate:
            head = f"{self.base}的{self.rate}" if self.base else self.rate
        elif self.fixed:
            head = self.fixed
        elif self.cap:
            return f"最高{self.cap}" + (f"（{self.threshold}以上）" if self.threshold else "")
        else:
            return ""
        cap = f"，最高{self.cap}" if self.cap and self.cap != self.fixed else ""
        return head + cap + (f"（{self.threshold}以上）" if self.threshold else "")


def award_terms(sentence: str) -> Terms:
    """The terms ``sentence`` states (empty when it states no amount or rate)."""
    text = sentence.replace(",", "，").replace(";", "；")
    if "分别" in text:  # several awards in one sentence: the caller lists the figures
        return Terms()
    cap_m = _CAP.search(text)
    cap = cap_m.group(1) if cap_m else ""
    threshold = ""
    for m in _THRESHOLD.finditer(text):
        threshold = m.group(1) or m.group(2)
        break
    rate_m = _RATE.search(text)
    rate = rate_m.group(2) if rate_m else ""
    base = re.sub(r"^(?:年|其|的|实际)", "", rate_m.group(1)).strip() if rate_m else ""
    fixed = ""
    for m in _FIXED.finditer(text):
        value = m.group(1) or m.group(2)
        if value not in (cap, threshold):
            fixed = value
            break
    return Terms(fixed=fixed if not rate else "", rate=rate, base=base, cap=cap,
                 threshold=threshold if threshold not in (cap, fixed) else "")
