"""Splitting cleaned policy text into numbered clauses.

The body is first cleaned into logical lines by :mod:`knowledge.sources.cleaning`; a logical line
starting with a numbering marker that fits the document's numbering sequence opens a
clause (:func:`parse_clauses`).  ``PARSER_VERSION`` covers both modules.

Path conventions: ``二、（四）1.`` (full-width brackets, ASCII dot after arabic numbers),
``序言`` for text before the first number (for a notice that wraps a plan, the notice,
the plan title and the plan's own introduction), ``第三条`` for article-numbered
documents (chapters ``第X章`` only add headings), and ``附则`` for a trailing
un-numbered commencement sentence (``本行动计划自…起施行，有效期至…``).
``Clause.text`` excludes the numbering marker itself but keeps the heading sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.errors import ParseError
from knowledge.model import Clause, DocumentMeta, Responsible
from knowledge.sources.cleaning import (
    FULLWIDTH,
    Line,
    Marker,
    clean_lines,
    ends_sentence,
    is_heading_only,
)

PARSER_VERSION = "2024.1"
MAX_CLAUSE_CHARS = 600
PREAMBLE = "序言"
CLOSING = "附则"
HEADING_MAX = 40  # a lead phrase longer than this is a sentence, not a heading

_CLOSING_RE = re.compile(r"^(?:本|此|自)[^。]{0,30}(?:起施行|起实施|起执行|有效期至)")
_NOTE_RE = re.compile(r"[（(](?:牵头单位|责任单位)[：:][^（）()]*(?:[）)])?\s*$")
_NOTE_SPLIT_RE = re.compile(r"[、，,；;]")
_UNIT_RE = re.compile(r"[^。；！？\n]*(?:[。；！？]+[”’」』）]*\n?|\n|$)")


# ------------------------------------------------------------------- paths and headings


def normalize_path(path: str) -> str:
    """Normalise a clause path typed by a person: ``二、(四)1．`` → ``二、（四）1.``."""
    text = re.sub(r"\s+", "", path.translate(FULLWIDTH))
    return re.sub(r"(\d)[．、]", r"\1.", text)


def heading_of(marker: Marker) -> str:
    """Lead phrase of a numbered line: ``推进技术研发和转移机构建设`` of ``1. 推进…。对…``."""
    if marker.style == "article":
        return ""
    rest = marker.rest
    if is_heading_only(marker):
        return rest.rstrip("。").strip()
    end = rest.find("。")
    return rest[:end] if 0 < end <= HEADING_MAX else ""


# ---------------------------------------------------------------------------- clauses


def parse_responsible(text: str) -> tuple[str, Responsible]:
    """Split the （牵头单位：…；责任单位：…） note off the end of a clause text."""
    found = _NOTE_RE.search(text)
    if not found:
        return text, Responsible()
    note = found.group(0).strip().lstrip("（(").rstrip("）)")
    lead_part, unit_part = "", ""
    unit_at = note.find("责任单位")
    if note.startswith("牵头单位"):
        lead_part = note[5 : unit_at if unit_at >= 0 else len(note)]
    if unit_at >= 0:
        unit_part = note[unit_at + 5 :]

    def names(part: str) -> tuple[str, ...]:
        return tuple(n.strip() for n in _NOTE_SPLIT_RE.split(part) if n.strip())

    return text[: found.start()].rstrip(), Responsible(names(lead_part), names(unit_part))


def split_chunks(text: str, cap: int = MAX_CLAUSE_CHARS) -> list[tuple[int, str]]:
    """(offset, chunk) pieces of at most ``cap`` chars, cut at sentence or paragraph ends."""
    units: list[str] = []
    for unit in _UNIT_RE.findall(text):
        while len(unit) > cap:
            units.append(unit[:cap])
            unit = unit[cap:]
        if unit:
            units.append(unit)
    chunks: list[tuple[int, str]] = []
    start, buffer = 0, ""
    for unit in units:
        if buffer and len((buffer + unit).strip("\n")) > cap:
            chunks.append((start, buffer))
            start, buffer = start + len(buffer), ""
        buffer += unit
    if buffer:
        chunks.append((start, buffer))
    result = []
    for offset, chunk in chunks:
        stripped = chunk.strip("\n")
        if stripped:
            result.append((offset + len(chunk) - len(chunk.lstrip("\n")), stripped))
    return result


@dataclass
class _Draft:
    path: str
    headings: tuple[str, ...]
    lines: list[Line]
    heading_only: bool = False
    container: bool = False  # 第X章 / 第X节: headings only, never in a path


def _drafts(lines: list[Line]) -> list[_Draft]:
    drafts: list[_Draft] = []
    stack: list[tuple[Marker, str]] = []
    current: _Draft | None = None
    for index, line in enumerate(lines):
        marker = line.marker
        if marker is None:
            closing = (
                stack and _CLOSING_RE.match(line.text)
                and all(later.marker is None for later in lines[index + 1 :])
            )
            if closing:
                current = _Draft(CLOSING, (CLOSING,), [line])
                stack = []
                drafts.append(current)
            elif current is None:
                current = _Draft(PREAMBLE, (), [line])
                drafts.append(current)
            else:
                current.lines.append(line)
            continue
        while stack and stack[-1][0].rank >= marker.rank:
            stack.pop()
        stack.append((marker, heading_of(marker)))
        in_path = [m.label for m, _ in stack if m.style not in ("chapter", "section")]
        path = "".join(in_path) or marker.label
        rest = Line(marker.rest, line.line, line.segments, None, line.kind)
        shift = len(line.text) - len(marker.rest)
        rest.segments = [(max(0, o - shift), n) for o, n in line.segments]
        current = _Draft(
            path, tuple(h for _, h in stack), [rest], is_heading_only(marker),
            marker.style in ("chapter", "section"),
        )
        drafts.append(current)
    return drafts


def parse_clauses(meta: DocumentMeta, text: str, first_line: int = 1) -> list[Clause]:
    """Clauses of one document body; ``first_line`` is the file line where ``text`` starts."""
    clauses: list[Clause] = []
    seen: set[str] = set()
    drafts = _drafts(clean_lines(text, meta.title))
    for index, draft in enumerate(drafts):
        following = drafts[index + 1].path if index + 1 < len(drafts) else ""
        has_children = following.startswith(draft.path) and following != draft.path
        if draft.heading_only and len(draft.lines) == 1 and (has_children or draft.container):
            continue  # a heading whose content is in the clauses below
        starts: list[tuple[int, Line]] = []
        body = ""
        for line in draft.lines:
            if not line.text:
                continue
            if body and (not ends_sentence(body) or line.kind == "title"):
                body += "\n"  # paragraphs are glued after 。, a title stands on its own
            starts.append((len(body), line))
            body += line.text
        body, responsible = parse_responsible(body)
        if not body.strip():
            continue
        if draft.path in seen:
            raise ParseError(f"条款 {draft.path} 出现了两次：请核对编号（是否重号或漏号）",
                             meta.file or None,
                             first_line + draft.lines[0].line - 1)
        seen.add(draft.path)
        for part, (chunk_offset, chunk) in enumerate(split_chunks(body)):
            base, owner = next((o, ln) for o, ln in reversed(starts) if o <= chunk_offset)
            line_no = owner.line_at(chunk_offset - base)
            clauses.append(
                Clause(meta, draft.path, draft.headings, chunk, responsible,
                       first_line + line_no - 1, part)
            )
    if not clauses:
        raise ParseError("文件中没有找到条款正文：请核对正文是否完整", meta.file or None,
                         first_line)
    return clauses
