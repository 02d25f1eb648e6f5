"""Where and when to apply, as a policy sentence states it.

"每年5月31日前向所在区市科技局提出申请" gives the office (所在区市科技局) and the window
(每年5月31日前).  Only what a sentence says: nothing is inferred from a list of
responsible units (see :func:`apply_office`, which ranks the sources).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_OFFICE = re.compile(
    r"(?:向|到|由)((?:所在|当地|属地)?[^,，。；;:：、()（）\s向到由]{2,24}?)"
    r"(?:提出|提交|报送|递交|集中)?(?:书面)?(?:申请|申报|受理)")
_WINDOW = re.compile(
    r"((?:每年|于每年|每季度|每半年)[^,，。；;向到由]{0,16}?(?:底前|底之前|前|之前|以前|期间|内|底)"
    r"|(?:于|在)?\d{4}年\d{1,2}月\d{1,2}日(?:前|之前|以前)"
    r"|(?:于|在)?\d{1,2}月(?:\d{1,2}日|底)(?:前|之前|以前)?)")
_NOT_OFFICE = ("企业", "单位", "个人", "项目", "资金", "政策", "奖励", "补助", "有关部门",
               "相关部门")


@dataclass(frozen=True)
class Applying:
    """The office a sentence names for applying and the window it states ("" when not)."""

    office: str = ""
    window: str = ""
    sentence: str = ""  # the sentence both were read from

    def __bool__(self) -> bool:
        return bool(self.office or self.window)


def read_applying(text: str | None) -> Applying:
    """The first sentence of ``text`` that says where (and when) to apply."""
    if not text:
        return Applying()
    for sentence in re.split(r"(?<=[。；;])", "".join(unicodedata.normalize("NFKC", text).split())):
        office = ""
        for m in _OFFICE.finditer(sentence):
            name = m.group(1).removeprefix("于")
            if name not in _NOT_OFFICE and not name.endswith(("企业", "个人", "项目")):
                office = name
                break
        window = ""
        if office:  # a window counts only in an applying sentence
            w = _WINDOW.search(sentence)
            window = w.group(1).removeprefix("于").removeprefix("在") if w else ""
        if office:
            return Applying(office, window, sentence.strip())
    return Applying()


def apply_office(declared: str, stated: str, lead: list[str], units: list[str],
                 issuer: str) -> tuple[str, str]:
    """(office, source): the rule's ``office``, else the office the clause names for
    applying, else the one 牵头单位, else the one 责任单位, else the issuer.  A list of
    several 牵头/责任单位 names no office (``""``, source ``leads``/``units``): never simply
    its first name."""
    if declared:
        return declared, "rule"
    if stated:
        return stated, "text"
    if len(lead) == 1:
        return lead[0], "lead"
    if lead:
        return "", "leads"
    if len(units) == 1:
        return units[0], "unit"
    if units:
        return "", "units"
    return issuer, "issuer"
