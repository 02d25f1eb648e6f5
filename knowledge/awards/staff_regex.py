"""Regular expressions that staff write, run so that no pattern can stall a reply.

A pattern of ``vocabulary/patterns.yaml`` runs under RE2 (``google-re2``): linear time,
no backtracking, so ``(a+)+$`` on a long message costs microseconds.  RE2 has no
look-arounds or back-references; a pattern that needs them (``大学(?!科技园)``) runs
under the ``regex`` module with a time limit per search, and a search that runs out of
time counts as no match (logged once per pattern).  The syntax is checked with Python's
``re`` so that staff see the same messages as before (:func:`pattern_problem`).
"""

from __future__ import annotations

import functools
import logging
import re
from typing import NamedTuple

import re2
import regex

__all__ = ["SEARCH_SECONDS", "Hit", "StaffRegex", "pattern_problem", "staff_regex"]

SEARCH_SECONDS = 0.05  # the most one search of a look-around pattern may take
_log = logging.getLogger(__name__)
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a pattern RE2 cannot run is expected: no stderr noise


class Hit(NamedTuple):
    """One match: its span and its text."""

    start: int
    end: int
    text: str


class StaffRegex:
    """One staff pattern, compiled for RE2 or, failing that, for ``regex`` with a time limit."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._timed_out = False
        try:
            self._re2: object | None = re2.compile(pattern, options=_RE2_OPTIONS)
            self._slow: regex.Pattern[str] | None = None
        except re2.error:
            self._re2 = None
            self._slow = regex.compile(pattern)

    @property
    def linear(self) -> bool:
        """True when the pattern runs under RE2 (no time limit needed)."""
        return self._re2 is not None

    def finditer(self, text: str) -> list[Hit]:
        """Every match in ``text``, left to right (none when the time limit is reached)."""
        if self._re2 is not None:
            return [Hit(m.start(), m.end(), m.group())
                    for m in self._re2.finditer(text)]  # type: ignore[attr-defined]
        assert self._slow is not None
        try:
            return [Hit(m.start(), m.end(), m.group())
                    for m in self._slow.finditer(text, timeout=SEARCH_SECONDS)]
        except TimeoutError:
            self._note_timeout()
            return []

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text``."""
        if self._re2 is not None:
            return self._re2.search(text) is not None  # type: ignore[attr-defined]
        assert self._slow is not None
        try:
            return self._slow.search(text, timeout=SEARCH_SECONDS) is not None
        except TimeoutError:
            self._note_timeout()
            return False

    def _note_timeout(self) -> None:
        if not self._timed_out:
            self._timed_out = True
            _log.warning("staff pattern %r ran out of time (%s s) and was skipped",
                         self.pattern, SEARCH_SECONDS)


@functools.lru_cache(maxsize=2048)
def staff_regex(pattern: str) -> StaffRegex:
    """The compiled form of a staff pattern (cached: a reload recompiles only new ones)."""
    return StaffRegex(pattern)


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used, in Chinese, or None when it can."""
    try:
        re.compile(pattern)
        staff_regex(pattern)
    except re.error as exc:
        return f"{exc.msg}，第 {(exc.pos or 0) + 1} 个字符处"
    except regex.error as exc:
        return f"{exc}"
    return None
