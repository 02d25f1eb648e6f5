"""What a follow-up is about: another title than the previous question's (国家专业化众创空间
呢 after 国家级孵化器), or "this one" pointing at the subject it has just named (集团还有个
孵化器认定成国家级了，这个呢)."""

from __future__ import annotations

import re
from collections.abc import Callable

from knowledge.reading.talk import Talk

__all__ = ["DOCUMENT_WORDS", "another_title", "points_at_itself", "without"]

DOCUMENT_WORDS = ("文", "政策", "它", "上面", "刚才")


def another_title(said: str, before: str, titles: Callable[[str], list[str]],
                   talk: Talk) -> bool:
    """Whether ``said`` names a title whose words, its level taken out, the previous
    question does not hold (国家专业化众创空间 after 国家级孵化器; not 省级技术创新中心
    after 市级技术创新中心: a level change)."""
    levels = sorted((w for words in talk.levels.values() for w in words), key=len,
                    reverse=True)
    held = re.sub(r"\s+", "", before or "")
    for span in titles(said):
        bare = without(span, levels)
        if len(bare) >= 2 and bare not in held:
            return True
    return False


def points_at_itself(said: str, talk: Talk) -> bool:
    """Only a pronoun for "this one" (这个, 这项), after a subject: none for a document or
    for what was said before (它, 这个文件, 刚才说的)."""
    words = [w for w in talk.markers("pronouns") if w in said]
    return all(not any(d in w for d in DOCUMENT_WORDS) for w in words) \
        and min(said.find(w) for w in words) >= 4


def without(text: str, words: tuple[str, ...] | list[str]) -> str:
    """``text`` without ``words`` (加一块 is not one 块 of money)."""
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, "")
    return text
