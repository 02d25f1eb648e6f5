"""What a typed question may be: the one length cap and control-character cleaning.

Every entry point (the engine, the chat, the retriever's query cleaning) goes through
here, so they agree on what "too long" and "nothing to read" mean::

    sanitize_question("a\x00b\tc\n") == "a b c"
    is_garbage("🙂🙂") is True
"""

from __future__ import annotations

import unicodedata

MAX_QUESTION_CHARS = 2000  # a longer message is refused by the chat, cut by the engine


def strip_controls(text: str) -> str:
    """Control, format, surrogate and unassigned characters → spaces; spaces collapsed."""
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(cleaned.split())


def sanitize_question(text: object, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """Drop control characters, collapse whitespace, cap the length."""
    return strip_controls(str(text or ""))[:max_chars]


def is_too_long(text: str, max_chars: int = MAX_QUESTION_CHARS) -> bool:
    """True when a question is over the cap (the chat refuses it rather than cutting)."""
    return len(text) > max_chars


def is_garbage(text: str) -> bool:
    """True when the text has no letter or digit at all (emoji, symbols, control chars)."""
    return not any(unicodedata.category(ch)[0] in "LN" for ch in text)
