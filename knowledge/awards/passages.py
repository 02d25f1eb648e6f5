"""The passage of a clause closest to a quote staff wrote (for kb check's messages)."""

from __future__ import annotations

from knowledge.awards.rules import match_text

__all__ = ["closest_passage"]


def closest_passage(quote: str, text: str) -> str:
    """The passage of ``text`` most like ``quote``, as the clause writes it (full-width
    punctuation kept, so staff can copy it): windows of the quote's length, compared in
    :func:`match_text` form (whitespace dropped) with difflib."""
    from difflib import SequenceMatcher

    needle = match_text(quote)
    origin: list[int] = []  # position in ``text`` of each character of ``hay``
    hay = ""
    for i, ch in enumerate(text):
        folded = match_text(ch)
        hay += folded
        origin.extend([i] * len(folded))
    size = len(needle)
    if size >= len(hay):
        return " ".join(part.strip() for part in text.splitlines() if part.strip())
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    best, best_ratio = 0, -1.0
    for start in range(len(hay) - size + 1):
        matcher.set_seq1(hay[start:start + size])
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = start, ratio
    passage = text[origin[best]:origin[best + size - 1] + 1]
    # one line; a heading kept apart from its text (whitespace never matters to a quote)
    return " ".join(part.strip() for part in passage.splitlines() if part.strip())
