"""Metadata inference for ``kb add``: 文号, title, issuer and dates from a policy's text.

Government documents print their metadata in fixed places: the 文号 alone on a header
line (``威政办字〔2018〕107号``), the title ``威海市…关于…的意见/通知/办法`` (often wrapped
over lines), the issuing office above the signature date (``2018年11月30日``), and the
validity in a closing sentence (``自…起施行，有效期至…`` or ``有效期N年``).  Every value
comes with the line it was found on so ``kb add`` can say where it looked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from knowledge.numerals import parse_int
from knowledge.sources.documents import normalize_doc_number

_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_DOC_NUMBER_LINE = re.compile(
    r"^\s*([\u4e00-\u9fff]{1,14}\s*[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d+\s*号)\s*$"
)
_SIGNATURE_DATE = re.compile(rf"^\s*{_DATE}\s*$")
_PRINTED_DATE = re.compile(rf"{_DATE}\s*印发\s*$")
_TITLE_END = re.compile(
    r"(?:意见|通知|办法|规定|方案|决定|细则|计划|批复|公告|通告|纲要|规划|措施|政策|条例|指引|指南)$"
)
_ISSUER_LINE = re.compile(
    r"^[\u4e00-\u9fff（）()]{4,30}(?:办公室|办公厅|人民政府|政府|局|委员会|委|厅|部|中心|院|会)$"
)
# On the whitespace-free text, so dates wrapped over lines are still found.
_FROM = re.compile(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起(?:施行|实施|执行|生效)")
_FROM_ISSUE = re.compile(r"自(?:印发|发布|公布)之日起(?:施行|实施|执行|生效)")
_UNTIL = re.compile(r"有效期至(\d{4})年(\d{1,2})月(\d{1,2})日")
_YEARS = re.compile(r"有效期(?:为)?([一二三四五六七八九十\d]{1,2})年")

HEAD_LINES = 40  # the header (文号, title) is within the first non-empty lines


@dataclass
class Found:
    """One inferred value with where it came from (a line of the written file, or a flag)."""

    value: Any
    origin: str  # "flag" | "front_matter" | "text" | "derived" | "file"
    line: int | None = None
    note: str = ""


@dataclass
class Inference:
    fields: dict[str, Found] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        found = self.fields.get(key)
        return found.value if found else None


def _ymd(groups: tuple[str | Any, ...]) -> date | None:
    try:
        return date(int(groups[0]), int(groups[1]), int(groups[2]))
    except (ValueError, TypeError):
        return None


def infer_metadata(text: str, first_line: int = 1) -> Inference:
    """Guess the metadata of a policy from its text; lines are offset by ``first_line``."""
    inference = Inference()
    lines = text.splitlines()
    numbered = [(i + first_line, raw.strip()) for i, raw in enumerate(lines) if raw.strip()]
    head = numbered[:HEAD_LINES]
    fields = inference.fields
    for line, value in head:
        m = _DOC_NUMBER_LINE.match(value)
        if m:
            fields["doc_number"] = Found(normalize_doc_number(m.group(1)), "text", line)
            break
    title = _infer_title(head)
    if title is not None:
        fields["title"] = title
    fields.update(_infer_signature(numbered))
    if "issuer" not in fields and title is not None:
        prefix = str(title.value).split("关于", 1)[0]
        if prefix and prefix != title.value and _ISSUER_LINE.match(prefix):
            fields["issuer"] = Found(prefix, "derived", title.line, "取自标题")
    fields.update(_infer_validity(text, lines, first_line))
    return inference


def _infer_signature(numbered: list[tuple[int, str]]) -> dict[str, Found]:
    """The issue date (the signature date, else a printed one) and the issuing office
    signed above it."""
    found: dict[str, Found] = {}
    for index, (line, value) in enumerate(numbered):
        m = _SIGNATURE_DATE.match(value)
        if m and (issued := _ymd(m.groups())) is not None:
            found["issued"] = Found(issued, "text", line, "落款日期")
            previous = numbered[index - 1][1] if index else ""
            if _ISSUER_LINE.match(re.sub(r"\s+", "", previous)):
                found["issuer"] = Found(re.sub(r"\s+", "", previous), "text", line - 1)
            return found
    for line, value in numbered:
        m = _PRINTED_DATE.search(value)
        if m and (issued := _ymd(m.groups())) is not None:
            found["issued"] = Found(issued, "text", line, "印发日期")
            break
    return found


def _infer_validity(text: str, lines: list[str], first_line: int) -> dict[str, Found]:
    """Commencement (a date, or 自印发之日起) and expiry (a date, or 有效期N年)."""
    found: dict[str, Found] = {}
    compact = re.sub(r"\s+", "", text)
    line_of = _compact_line_map(lines, first_line)
    if m := _FROM.search(compact):
        if (start := _ymd(m.groups())) is not None:
            found["effective_from"] = Found(start, "text", line_of(m.start()))
    elif m := _FROM_ISSUE.search(compact):
        found["effective_from"] = Found(None, "text", line_of(m.start()), "自印发之日起")
    if m := _UNTIL.search(compact):
        if (until := _ymd(m.groups())) is not None:
            found["effective_until"] = Found(until, "text", line_of(m.start()))
    elif (m := _YEARS.search(compact)) and (years := parse_int(m.group(1))):
        found["effective_years"] = Found(years, "text", line_of(m.start()))
    return found


def _infer_title(head: list[tuple[int, str]]) -> Found | None:
    """The 关于…的意见/通知 title, possibly wrapped over several lines, with its issuer."""
    for index, (line, value) in enumerate(head):
        if "关于" not in value or len(value) > 80 or value.endswith(("。", "：")):
            continue
        parts = [value]
        start_line = line
        if not value.startswith("威海") and index > 0:
            previous = head[index - 1][1]
            if _ISSUER_LINE.match(re.sub(r"\s+", "", previous)):
                parts.insert(0, previous)
                start_line = head[index - 1][0]
        joined = re.sub(r"\s+", "", "".join(parts))
        follow = index + 1
        while not _TITLE_END.search(joined) and follow < len(head) and follow <= index + 3:
            joined += re.sub(r"\s+", "", head[follow][1])
            follow += 1
        if _TITLE_END.search(joined) and len(joined) <= 80:
            return Found(joined, "text", start_line)
    return None


def _compact_line_map(lines: list[str], first_line: int) -> Any:
    """Map an offset in the whitespace-free text back to a line number."""
    starts: list[tuple[int, int]] = []
    offset = 0
    for i, raw in enumerate(lines):
        starts.append((offset, i + first_line))
        offset += len(re.sub(r"\s+", "", raw))

    def line_of(position: int) -> int:
        found = first_line
        for start, number in starts:
            if start > position:
                break
            found = number
        return found

    return line_of


# -- kb add checks: footers, truncation, placeholders, joint issuers, supersession ----------

# A web page's footer, copied with the text: site owner, ICP record, contact, copyright.
FOOTER_MARKERS = ("主办", "承办", "网站标识码", "ICP备", "联系我们", "版权所有", "技术支持",
                  "公网安备", "网站地图", "Copyright", "©")
_FOOTER_EXTRA = re.compile(r"^(?:地址|电话|邮编|传真|邮箱|E-?mail)[:：]|^[|｜\s]*$", re.I)
FOOTER_SCAN_LINES = 15  # a footer is a few lines at the very end


def strip_footer(text: str) -> tuple[str, list[str]]:
    """``text`` without a web-page footer at its end, and the lines removed.

    From the end, lines holding a footer marker (主办, ICP备, 版权所有 …) and the address,
    phone or empty lines between them are removed; the first other line stops it.
    """
    lines = text.splitlines()
    end = len(lines)
    removed: list[str] = []
    floor = max(0, len(lines) - FOOTER_SCAN_LINES)
    cut = end
    index = end - 1
    while index >= floor:
        line = lines[index].strip()
        if any(marker in line for marker in FOOTER_MARKERS):
            cut = index
        elif not (line == "" or _FOOTER_EXTRA.search(line)):
            break
        index -= 1
    if cut == end:
        return text, []
    removed = [line.strip() for line in lines[cut:] if line.strip()]
    kept = "\n".join(lines[:cut]).rstrip("\n")
    return kept + "\n", removed


_SENTENCE_CLOSERS = ("。", "！", "？", "”", "）", "」", "』", "；", "…", "!", "?", ")", "】", "〕")
_END_DATE = re.compile(rf"{_DATE}(?:印发)?$")
_PAGE_NUMBER = re.compile(r"^[-—–\s\d]+$")


def stops_mid_sentence(text: str) -> str | None:
    """The last line when the text seems cut off mid-sentence, else None.

    A complete document ends with a closing mark (。！？”） …), a date (signature or
    印发), an issuing office or a page number.
    """
    lines = [raw.strip() for raw in text.splitlines() if raw.strip()]
    if not lines:
        return None
    last = re.sub(r"\s+", "", lines[-1])
    if (last.endswith(_SENTENCE_CLOSERS) or _END_DATE.search(last) or _PAGE_NUMBER.match(last)
            or _ISSUER_LINE.match(last)):
        return None
    return lines[-1]


PLACEHOLDER_NUMBERS = ("文号不详", "不详", "无", "暂无", "待定", "未知", "xxx", "无文号", "-", "—")
ACCEPTED_NUMBER_SHAPES = ("威政办字〔2018〕107号", "威科字〔2018〕58号", "鲁政发〔2020〕3号")
_NUMBER_SHAPE = re.compile(r"^[\u4e00-\u9fff]{1,14}〔\d{4}〕\d+号$")


def placeholder_doc_number(value: str) -> bool:
    """Whether a 文号 is a stand-in (文号不详, 无, 待定, xxx …) rather than a number."""
    plain = re.sub(r"\s+", "", str(value)).strip("　").lower()
    if plain in PLACEHOLDER_NUMBERS or re.fullmatch(r"[x×*？?]+", plain):
        return True
    return not re.search(r"\d", plain)


# 威海市科学技术局威海市财政局 → 威海市科学技术局、威海市财政局
_JOINT_ISSUER = re.compile(r"(局|委员会|厅|政府|办公室)(?=威海市|山东省)")


def split_issuers(issuer: str) -> str:
    """Joint issuers run together on the signature line, separated with 、."""
    return _JOINT_ISSUER.sub(r"\1、", re.sub(r"\s+", "", issuer))


_CITED_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,14}[〔\[［(（【]\d{4}[〕\]］)）】]\d+号")
_REPEALS = re.compile(
    r"原《([^》]{2,80})》[（(]([^）)]{4,30}号)[）)](?:同时|即行|自行)?(?:废止|停止执行|失效)")
_PREVAILS = re.compile(r"[^。；]*不一致的[，,]以本(?:措施|意见|办法|通知|规定|政策|方案|细则)为准")


@dataclass(frozen=True)
class Supersedes:
    """A document the text says it replaces: 文号, title when printed, the sentence."""

    doc_number: str
    title: str
    sentence: str


def infer_supersedes(text: str) -> list[Supersedes]:
    """Documents the text replaces: ``原《…》（文号）同时废止`` or ``此前…《…》（文号）…与本
    措施不一致的，以本措施为准``; each 文号 once, in text order."""
    compact = re.sub(r"\s+", "", text)
    found: dict[str, Supersedes] = {}
    for m in _REPEALS.finditer(compact):
        number = normalize_doc_number(m.group(2))
        found.setdefault(number, Supersedes(number, m.group(1), m.group(0)))
    for m in _PREVAILS.finditer(compact):
        sentence = m.group(0)
        for cited in _CITED_NUMBER.finditer(sentence):
            number = normalize_doc_number(cited.group(0))
            before = sentence[:cited.start()]
            title = re.search(r"《([^》]{2,80})》[（(]?$", before)
            found.setdefault(number, Supersedes(number, title.group(1) if title else "",
                                                sentence))
    return list(found.values())
