"""Cleaning policy text into logical lines, numbering markers recognised.

Pipeline (see :func:`clean_lines`): normalise every physical line (full-width Chinese
punctuation, no spaces between CJK characters and digits), drop PDF artefacts (page
numbers, blank lines), the document header (文号, title, salutation), signature/date
blocks, ``（此件公开发布）`` and the 抄送/印发 trailer, then join lines wrapped inside a
sentence into logical lines.  A numbering marker keeps its own logical line only where it
fits the document's numbering sequence; the ones that do not are listed by
:func:`unplaced_numbering`.  :mod:`knowledge.sources.parsing` turns the logical lines into clauses;
its ``PARSER_VERSION`` covers this module too.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Literal

from knowledge.numerals import parse_int

HEADING_ONLY_MAX = 22  # a marker line with at most this many plain chars is heading-only

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’—…·"
_CN_NUM = "〇零一二两三四五六七八九十百"
_SENTENCE_END = "。；！？："
_TRAILING_CLOSERS = "”’」』"
_PUNCT = "，。；：！？、"
_PAIRS = (("（", "）"), ("“", "”"), ("《", "》"), ("〔", "〕"), ("【", "】"))

FULLWIDTH = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)},
     **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
     **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
     "％": "%", "(": "（", ")": "）", "\u00a0": " ", "\ufeff": ""}
)
_SPACE_RE = re.compile(  # spaces next to a CJK character go; spaces between Latin words stay
    rf"(?<=[{_CJK}{_CJK_PUNCT}])\s+(?=[{_CJK}{_CJK_PUNCT}A-Za-z\d])"
    rf"|(?<=[A-Za-z\d%])\s+(?=[{_CJK}{_CJK_PUNCT}])"
)
_COMMA_RE = re.compile(r"(?<!\d),|,(?!\d)")
_COLON_RE = re.compile(r"(?<!\d):(?!//)|:(?!\d|//)")
_CJK_BANG_RE = re.compile(rf"(?<=[{_CJK}])([!?])|([!?])(?=[{_CJK}])")

_MARKERS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    ("chapter", 0, re.compile(rf"^第([{_CN_NUM}\d]+)章(?:\s+|(?=\S))")),
    ("section", 1, re.compile(rf"^第([{_CN_NUM}\d]+)节(?:\s+|(?=\S))")),
    ("article", 2, re.compile(rf"^第([{_CN_NUM}\d]+)条(?:\s+|(?=\S))")),
    ("l1", 3, re.compile(rf"^([{_CN_NUM}]+)、\s*")),
    ("l2", 4, re.compile(rf"^（([{_CN_NUM}]+)）\s*")),
    ("l3", 5, re.compile(r"^(\d{1,2})(?:[.．](?!\d)|、)\s*")),
    ("l4", 6, re.compile(r"^（(\d{1,2})）\s*")),
)
_LEADING_MARKER_SPACE = re.compile(rf"^(第[{_CN_NUM}\d]+[章节条])\s+")
_DOC_NUMBER_RE = re.compile(r"^\S{1,14}〔\d{4}〕\d+号$")
_CODE_RE = re.compile(r"^[A-Z]{2,}[-—]\d{4}[-—]\d+$")
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_CN_DATE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_PRINTED_RE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日印发$")
_PAGE_RE = re.compile(r"^(?:[-－—–]\s*\d{1,4}\s*[-－—–]|第\d{1,4}页(?:[，,]?共\d{1,4}页)?)$")
_PUBLISH_RE = re.compile(r"^（此件[^（）]{1,8}）$")
_TRAILER_RE = re.compile(r"^(?:抄送|抄报|主题词)[：:]?")
_NOTE_END_RE = re.compile(r"[（(](?:牵头单位|责任单位)[：:][^（）()]*[）)]$")

Style = Literal["chapter", "section", "article", "l1", "l2", "l3", "l4"]


@dataclass(frozen=True)
class Marker:
    """A numbering marker at the start of a logical line."""

    style: str
    rank: int
    number: int
    label: str  # as used in paths: 二、 （四） 1. （1） 第三条
    rest: str  # the line without the marker


@dataclass
class Line:
    """A logical line: wrapped physical lines joined back together."""

    text: str
    line: int  # 1-based line in the input text where it starts
    segments: list[tuple[int, int]] = field(default_factory=list)  # (offset, input line)
    marker: Marker | None = None
    kind: str = ""  # "title" for a title line inside the body (58号 plan title)

    def line_at(self, offset: int) -> int:
        found = self.line
        for start, number in self.segments:
            if start > offset:
                break
            found = number
        return found


# ---------------------------------------------------------------------------- normalising


def normalize_line(raw: str) -> str:
    """Full-width Chinese punctuation, ASCII digits, no spaces between CJK and digits."""
    text = raw.translate(FULLWIDTH).strip()
    text = _COMMA_RE.sub("，", text).replace(";", "；")
    text = _COLON_RE.sub("：", text)
    text = _CJK_BANG_RE.sub(lambda m: "！" if "!" in m.group(0) else "？", text)
    marker = _LEADING_MARKER_SPACE.match(text)
    if marker:  # keep "第三条 正文" apart so the article marker stays visible
        return marker.group(1) + " " + _SPACE_RE.sub("", text[marker.end() :])
    return _SPACE_RE.sub("", text)


def match_marker(text: str) -> Marker | None:
    for style, rank, pattern in _MARKERS:
        found = pattern.match(text)
        if not found:
            continue
        raw = found.group(1)
        number = parse_int(raw)
        if not number:
            return None
        label = {
            "chapter": f"第{raw}章", "section": f"第{raw}节", "article": f"第{raw}条",
            "l1": f"{raw}、", "l2": f"（{raw}）", "l3": f"{number}.", "l4": f"（{number}）",
        }[style]
        return Marker(style, rank, number, label, text[found.end() :].strip())
    return None


def _has_punct(text: str) -> bool:
    return any(c in _PUNCT for c in text)


def _balanced(text: str) -> bool:
    return all(text.count(a) <= text.count(b) for a, b in _PAIRS)


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with 。；！？： (closing quotes after it allowed)."""
    stripped = text.rstrip(_TRAILING_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def is_heading_only(marker: Marker) -> bool:
    rest = marker.rest.rstrip("。")
    return (
        len(rest) <= HEADING_ONLY_MAX and not _has_punct(rest) and _balanced(rest)
    ) or marker.style in ("chapter", "section")


# ---------------------------------------------------------------------------- numbering


class _Tracker:
    """Follows the numbering levels; decides whether a marker continues the sequence."""

    def __init__(self) -> None:
        self.stack: list[Marker] = []
        self.global_last: dict[str, int] = {}  # articles/chapters number across the document

    def check(self, marker: Marker) -> Literal["fit", "gap", "reject"]:
        if marker.style in ("article", "chapter"):
            expected = self.global_last.get(marker.style, 0) + 1
        else:
            open_level = next((m for m in self.stack if m.style == marker.style), None)
            expected = open_level.number + 1 if open_level else 1
            if open_level is None:
                return "fit" if marker.number == 1 else "reject"
        if marker.number == expected:
            return "fit"
        return "gap" if marker.number > expected else "reject"

    def accept(self, marker: Marker) -> None:
        while self.stack and self.stack[-1].rank >= marker.rank:
            self.stack.pop()
        self.stack.append(marker)
        if marker.style in ("article", "chapter"):
            self.global_last[marker.style] = marker.number


# ---------------------------------------------------------------------------- cleaning


@dataclass
class _Phys:
    text: str
    line: int
    segments: list[tuple[int, int]]
    kind: str = ""


def _body_start(lines: list[_Phys], title: str) -> int:
    """Index of the first body line: after the salutation, else after header lines."""
    for index, item in enumerate(lines[:30]):
        if match_marker(item.text) or (ends_sentence(item.text) and item.text[-1] == "。"):
            break
        if item.text.startswith("各"):
            for end in range(index, min(index + 4, len(lines))):
                if lines[end].text.endswith("："):
                    return end + 1
    compact_title = re.sub(r"\s+", "", title)
    start = 0
    while start < len(lines):
        text = lines[start].text
        header = (
            _DOC_NUMBER_RE.match(text) or _CODE_RE.match(text) or _ISO_DATE_RE.match(text)
            or _CN_DATE_RE.match(text) or text.endswith("文件")
            or (compact_title and text in compact_title)
            or (not _has_punct(text) and not match_marker(text) and len(text) <= 40)
        )
        if not header:
            break
        start += 1
    return start


def _prepare(text: str, title: str) -> list[_Phys]:
    """Normalised physical lines without header, signatures, trailer and artefacts."""
    lines = [
        _Phys(norm, number, [(0, number)])
        for number, raw in enumerate(text.splitlines(), start=1)
        if (norm := normalize_line(raw)) and not _PAGE_RE.match(norm)
    ]
    lines = lines[_body_start(lines, title) :]
    kept: list[_Phys] = []
    after_signature = False
    for item in lines:
        if _TRAILER_RE.match(item.text):
            break
        if _PUBLISH_RE.match(item.text) or _PRINTED_RE.search(item.text):
            continue
        if _CN_DATE_RE.match(item.text):  # signature date; drop the issuer line above it
            if kept and len(kept[-1].text) <= 30 and not _has_punct(kept[-1].text):
                kept.pop()
            after_signature = True
            continue
        if after_signature and not _has_punct(item.text) and not match_marker(item.text):
            if kept and kept[-1].kind == "title":  # a title wrapped over several lines
                prev = kept[-1]
                prev.segments.append((len(prev.text), item.line))
                prev.text += item.text
            else:
                kept.append(_Phys(item.text, item.line, item.segments, "title"))
            continue
        after_signature = False
        kept.append(item)
    return kept


def _must_break(current: Line) -> bool:
    if current.kind == "title":
        return True
    if current.marker is not None and is_heading_only(current.marker):
        return True
    if _NOTE_END_RE.search(current.text):
        return True
    return ends_sentence(current.text) and _balanced(current.text)


def _clean(text: str, title: str = "") -> tuple[list[Line], list[tuple[int, str]]]:
    lines, unplaced = _clean_cached(text, title)
    return list(lines), list(unplaced)


# Loading one document cleans its body for the dedup signature and again for parsing: the
# last few results are kept (callers never mutate the lines; parsing copies what it edits).
@functools.lru_cache(maxsize=8)
def _clean_cached(text: str, title: str) -> tuple[tuple[Line, ...], tuple[tuple[int, str], ...]]:
    tracker = _Tracker()
    logical: list[Line] = []
    unplaced: list[tuple[int, str]] = []
    current: Line | None = None
    for item in _prepare(text, title):
        marker = match_marker(item.text) if item.kind != "title" else None
        verdict = tracker.check(marker) if marker else None
        # a gap in the numbering opens a clause only where a paragraph could end anyway
        opens = verdict == "fit" or (
            verdict == "gap" and (current is None or _must_break(current))
        )
        if current is not None and current.kind != "title" and not opens and (
            item.kind != "title" and not _must_break(current)
        ):
            words = current.text[-1:] + item.text[:1]  # an English word wrap keeps a space
            glue = " " if words.isascii() and words.isalpha() else ""
            offset = len(current.text) + len(glue)
            current.segments.extend((offset + o, n) for o, n in item.segments)
            current.text += glue + item.text
            continue
        if marker is not None and verdict != "fit" and (
            current is None or _must_break(current)
        ):
            unplaced.append((item.line, item.text[:40]))
        if marker is not None and opens:
            tracker.accept(marker)
        else:
            marker = None
        current = Line(item.text, item.line, list(item.segments), marker, item.kind)
        logical.append(current)
    for line in logical:  # the marker's rest must cover the joined continuation lines
        line.text = line.text.strip()
        if line.marker is not None:
            line.marker = match_marker(line.text) or line.marker
    return tuple(logical), tuple(unplaced)


def clean_lines(text: str, title: str = "") -> list[Line]:
    """Logical lines of a document body (header, trailer and artefacts removed)."""
    return _clean(text, title)[0]


def clean_text(text: str, title: str = "") -> str:
    """The cleaned body as one string, one logical line per line (used for dedup)."""
    return "\n".join(line.text for line in clean_lines(text, title))


def unplaced_numbering(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Lines that look like numbering but do not continue the sequence (``（一）``→``（三）``,
    or a style opened at a number other than 1). Line numbers are offset by ``first_line``."""
    return [(first_line + line - 1, snippet) for line, snippet in _clean(text)[1]]
