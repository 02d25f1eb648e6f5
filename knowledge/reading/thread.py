"""The thread of a conversation: the questions kept for "两项加起来", with the boundaries
("") where a question of its own began, and what a combination adds up."""

from __future__ import annotations

import re

__all__ = ["THREAD", "added_up", "combined", "kept"]

THREAD = 3  # understood questions kept for "两项加起来" (the current one included)


def kept(thread: tuple[str, ...]) -> tuple[str, ...]:
    """The last ``THREAD`` questions of a thread with the boundaries ("") between them."""
    out: list[str] = []
    for entry in reversed(thread):
        if entry:
            if sum(1 for k in out if k) == THREAD:
                break
        elif not out or not out[-1]:
            continue  # no boundary first or twice
        out.append(entry)
    while out and not out[-1]:
        out.pop()  # no boundary first
    return tuple(reversed(out))


_HOW_MANY = re.compile(r"([两二三四2-4])(项|个|笔|样|份|件|次|回)|(俩|仨)")


def combined(said: str, thread: tuple[str, ...], previous: str) -> list[str]:
    """The questions "加起来" adds up: as many as it says (两项), else those of the
    thread since it started."""
    asked = [t for t in thread if t]
    many = _HOW_MANY.search(said)
    if many is not None:
        word = many.group(1) or many.group(3)
        n = {"两": 2, "二": 2, "三": 3, "四": 4, "俩": 2, "仨": 3}.get(word) or int(word)
        return asked[-n:] if len(asked) >= n else asked or [previous]
    since = thread[len(thread) - thread[::-1].index(""):] if "" in thread else thread
    return [t for t in since if t] or [previous]


def added_up(said: str, thread: tuple[str, ...], previous: str, question: str,
             refs: list[str]) -> str:
    """The questions a combination adds up, joined: those ``combined`` gives with the
    message's own question last.  A message whose slots (``refs``) also change the
    question (要是明年再拿国家级的，两个加起来多少) asks one more: it is one of the "两个",
    beside the earlier (the count of the combination itself, 俩加一块儿, changes nothing)."""
    earlier = combined(said, thread, previous)
    changed = any(r in refs for r in ("year", "amount", "level", "applicant", "stage")) or (
        "count" in refs and not _HOW_MANY.search(said))
    if not changed:
        parts = earlier[:-1]
    else:
        parts = earlier[1:] if _HOW_MANY.search(said) and len(earlier) > 1 else earlier
    return "；".join(dict.fromkeys([*parts, question]))

