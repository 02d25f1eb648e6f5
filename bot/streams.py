"""Byte-safe line streams for ``ask --jsonl``: never die on one bad byte.

``sys.stdin`` decodes with the locale (or ``PYTHONIOENCODING``, e.g. ``utf-8:strict``), so
one invalid UTF-8 byte in a batch raises ``UnicodeDecodeError`` and ends the whole stream.
:func:`iter_lines_utf8` reads the *bytes* and decodes each line by itself with
``errors="replace"`` (U+FFFD), and :class:`JsonLinesWriter` writes UTF-8 bytes of one JSON
object per line to the binary stream, whatever the text encoding of ``sys.stdout``::

    from bot.streams import JsonLinesWriter, iter_lines_utf8

    out = JsonLinesWriter(sys.stdout.buffer)
    for question in iter_lines_utf8(sys.stdin.buffer):
        out.write({"question": question, ...})
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

__all__ = ["JsonLinesWriter", "clean_text", "iter_lines_utf8"]

_SURROGATE = re.compile("[\ud800-\udfff]")


def iter_lines_utf8(stream: BinaryIO) -> Iterator[str]:
    """Lines of a binary stream as text, without their ``\\n``/``\\r\\n`` ending.

    Invalid UTF-8 becomes U+FFFD in that line only; a BOM at the very start is dropped.
    Splits on ``\\n`` only, so U+2028 or ``\\x85`` inside a line stay in it.
    """
    first = True
    for raw in stream:
        if first:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
            first = False
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        yield raw.decode("utf-8", errors="replace")


def clean_text(text: str) -> str:
    """``text`` that encodes as UTF-8: lone surrogates (from ``surrogateescape``) → U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


class JsonLinesWriter:
    """Write one JSON object per line as UTF-8 bytes to a binary stream, flushed each line.

    Strings are cleaned first (:func:`clean_text`), so ``ensure_ascii=False`` output is
    always valid UTF-8 and keeps Chinese readable; ``default=str`` covers dates.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def write(self, obj: Any) -> None:
        line = json.dumps(_clean(obj), ensure_ascii=False, default=str)
        self.stream.write(line.encode("utf-8") + b"\n")
        self.stream.flush()
