"""Split Telegram HTML over the 4096-character message limit.

Cuts fall, in order of preference, between paragraphs (blank line: between clauses in
our templates), between lines, after a sentence end, after a space, and only as a last
resort between two characters; never inside a tag or an entity.  Tags open at a cut are
closed at the end of the chunk and reopened at the start of the next, so every chunk is
valid HTML on its own.  Length is counted in UTF-16 code units (what Telegram counts) on
the HTML itself, which over-counts tags and entities and so stays on the safe side.
"""

from __future__ import annotations

import re

LIMIT = 4096
_ATOM = re.compile(r"<[^>]*>|&#?\w+;|[^<&]|[<&]", re.S)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)")
_SENTENCE_END = set("。！？；.!?;")
# Break classes, best first: paragraph, line, sentence, space, anywhere.
PARAGRAPH, LINE, SENTENCE, SPACE, ANY = range(5)


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _break_class(tail: str) -> int:
    """How good a cut is after text ending in ``tail`` (its last two characters)."""
    if tail.endswith("\n\n"):
        return PARAGRAPH
    if tail.endswith("\n"):
        return LINE
    if tail[-1:] in _SENTENCE_END:
        return SENTENCE
    if tail[-1:].isspace():
        return SPACE
    return ANY


def split_html(html: str, limit: int = LIMIT) -> list[str]:
    """``html`` as chunks of at most ``limit`` UTF-16 units, each with balanced tags."""
    html = html.strip()
    if units(html) <= limit:
        return [html] if html else []
    atoms = _ATOM.findall(html)
    chunks: list[str] = []
    start = 0
    prefix = ""  # tags reopened from the previous chunk
    stack: list[tuple[str, str]] = []
    while start < len(atoms):
        size = units(prefix)
        best: dict[int, tuple[int, list[tuple[str, str]]]] = {}
        local = list(stack)
        tail = ""  # the last two text characters before the current position
        i = start
        while i < len(atoms):
            atom = atoms[i]
            size += units(atom)
            tag = _TAG.match(atom) if len(atom) > 1 and atom.startswith("<") else None
            if tag and tag.group(1):
                if local and local[-1][0] == tag.group(2).lower():
                    local.pop()
            elif tag and not atom.endswith("/>"):
                local.append((tag.group(2).lower(), atom))
            elif not tag:
                tail = (tail + (atom if len(atom) == 1 else "x"))[-2:]
            if size + units(_closing(local)) > limit:
                break
            i += 1
            opened = tag is not None and not tag.group(1)
            if i < len(atoms) and atoms[i] != "\n" and not opened:
                # Cut before an opening tag rather than after it (keeps the tag whole).
                best[_break_class(tail)] = (i, list(local))
        else:
            chunks.append(prefix + "".join(atoms[start:]))
            break
        cut, cut_stack = _choose(best, start, limit_atoms=i - start)
        body = prefix + "".join(atoms[start:cut])
        chunks.append(body.rstrip() + _closing(cut_stack))
        stack = cut_stack
        prefix = "".join(tag for _, tag in stack)
        start = cut
        while start < len(atoms) and atoms[start] in ("\n", " "):
            start += 1
    return [c.strip() for c in chunks if _visible(c)]


def _choose(
    best: dict[int, tuple[int, list[tuple[str, str]]]], start: int, limit_atoms: int
) -> tuple[int, list[tuple[str, str]]]:
    """The best break that keeps the chunk at least a third full; else the last one."""
    floor = start + max(1, limit_atoms // 3)
    for klass in (PARAGRAPH, LINE, SENTENCE, SPACE, ANY):
        found = best.get(klass)
        if found and found[0] >= floor:
            return found
    for klass in (ANY, SPACE, SENTENCE, LINE, PARAGRAPH):
        found = best.get(klass)
        if found and found[0] > start:
            return found
    # A single atom longer than the limit (a huge tag): emit it alone rather than loop.
    return start + 1, []


def _visible(chunk: str) -> bool:
    return bool(re.sub(r"<[^>]*>", "", chunk).strip())
