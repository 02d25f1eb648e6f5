"""One form for every question before it is read: script, width and spacing.

Owners type traditional characters (a phone set to 繁體, a visitor from Hong Kong or
Taiwan), full-width digits and letters (Chinese input methods), and odd spaces.  The
policies, the vocabulary and the index are in simplified characters with ASCII digits,
so a question is converted once, here, before extraction and retrieval both read it.

Traditional → simplified uses OpenCC's ``t2s`` tables (``opencc-python-reimplemented``,
pure Python); it is the identity on simplified text — every seed policy and every canned
question converts to itself (``tests/knowledge/reading/test_normalize.py``).

Homophone misspellings of domain terms (孵华器 → 孵化器) are then repaired by pinyin
(:mod:`knowledge.reading.typos`).
"""

from __future__ import annotations

from functools import lru_cache

import opencc

from knowledge.reading.typos import repair_typos

# Full-width ASCII digits and letters → ASCII; punctuation is left alone (the cleaner
# and the tokenizer treat full-width punctuation as the norm).
_WIDTH = {code: code - 0xFEE0 for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A),
                                                 (0xFF41, 0xFF5A))
          for code in range(start, end + 1)}
_WIDTH[0x3000] = 0x20  # ideographic space


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ones; simplified text unchanged."""
    return str(_converter().convert(text)) if text else text


def normalize_question(text: str) -> str:
    """Simplified script, ASCII digits and letters, single spaces, domain terms spelt right."""
    return repair_typos(" ".join(to_simplified(text.translate(_WIDTH)).split()))
