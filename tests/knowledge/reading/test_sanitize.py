"""The one question cleaning and length cap (knowledge.reading.sanitize)."""

from __future__ import annotations

import pytest

from knowledge.reading.sanitize import (
    MAX_QUESTION_CHARS,
    is_garbage,
    is_too_long,
    sanitize_question,
    strip_controls,
)


@pytest.mark.parametrize(("raw", "clean"), [
    ("a\x00b\tc\n", "a b c"),
    ("  高新技术企业\u200b补贴  ", "高新技术企业 补贴"),
    ("一\r\n二\x1b三", "一 二 三"),
    ("", ""),
], ids=["controls", "format-char", "crlf-escape", "empty"])
def test_strip_controls(raw: str, clean: str) -> None:
    assert strip_controls(raw) == clean
    assert sanitize_question(raw) == clean


@pytest.mark.parametrize(("raw", "length"), [
    ("字" * 5000, MAX_QUESTION_CHARS), ("字" * 10, 10), (None, 0), (123, 3),
], ids=["capped", "short", "none", "not-text"])
def test_sanitize_question_caps_length(raw: object, length: int) -> None:
    assert len(sanitize_question(raw)) == length


@pytest.mark.parametrize(("text", "too_long"), [
    ("字" * MAX_QUESTION_CHARS, False), ("字" * (MAX_QUESTION_CHARS + 1), True),
], ids=["at-cap", "over-cap"])
def test_is_too_long(text: str, too_long: bool) -> None:
    assert is_too_long(text) is too_long


@pytest.mark.parametrize(("text", "garbage"), [
    ("😀😀", True), ("\x00\x1f", True), ("？！…", True), ("<>&", True), ("", True),
    ("补贴", False), ("1", False), ("a?", False),
], ids=["emoji", "ctl", "punct", "markup", "empty", "chinese", "digit", "latin"])
def test_is_garbage(text: str, garbage: bool) -> None:
    assert is_garbage(text) is garbage
