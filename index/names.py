"""Lookups built once per knowledge load, so reading a question never scans every document.

* :class:`Substrings` — which of many fixed strings occur in a text: the strings are keyed
  by their first few characters, so a lookup costs one dictionary probe per position of
  the text (plus the few strings that share a prefix), whatever the number of documents.
* :class:`DocumentNames` — the document a question names (by 文号, title or the number of
  its 文号 alone), see :func:`index.answering.understand.named_document`.

The engine builds a :class:`DocumentNames` with each snapshot
(:func:`index.answering.snapshot.build_snapshot`); the retriever builds its
:class:`index.focus.FocusIndex` when it is constructed, which is once per snapshot too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Generic, TypeVar

from knowledge.model import DocumentMeta
from knowledge.sources.documents import normalize_doc_number

__all__ = ["DocumentNames", "Substrings", "title_names"]

T = TypeVar("T")
_KEY = 6  # characters of the prefix a string is filed under (shorter strings: their own)
_SERIAL = re.compile(r"〕(\d+)号$")  # the number of a normalised 文号
MIN_TITLE_NAME = 6  # a title name shorter than this names nothing


class Substrings(Generic[T]):
    """Fixed strings, each with a value; :meth:`found` gives the values of those in a text."""

    def __init__(self, items: Iterable[tuple[str, T]]) -> None:
        entries = [(s, v) for s, v in items]
        self._always = [v for s, v in entries if not s]  # "" occurs in every text
        lengths = {len(s) for s, _ in entries if s}
        self._key = min([_KEY, *lengths])
        self._by_prefix: dict[str, list[tuple[str, T]]] = {}
        for s, v in entries:
            if s:
                self._by_prefix.setdefault(s[:self._key], []).append((s, v))

    def __len__(self) -> int:
        return len(self._always) + sum(len(v) for v in self._by_prefix.values())

    def found(self, text: str) -> list[T]:
        """The values of every string that occurs in ``text`` (in no particular order)."""
        out = list(self._always)
        if not self._by_prefix:
            return out
        key, table = self._key, self._by_prefix
        for i in range(len(text) - key + 1):
            bucket = table.get(text[i:i + key])
            if bucket is not None:
                out.extend(v for s, v in bucket if text.startswith(s, i))
        return out


def title_names(title: str) -> list[str]:
    """The ways a question names a document by title: the whole title, the part after
    ``关于`` (without ``印发``/``的通知``) and a 《》 quoted name inside it."""
    names = [title]
    _, sep, tail = title.partition("关于")
    if sep:
        tail = tail.removeprefix("印发").removesuffix("的通知")
        names.append(tail)
    names.extend(part.partition("》")[0] for part in title.split("《")[1:])
    return [n.strip("《》") for n in names if n]


class DocumentNames:
    """The 文号, title names and 文号 numbers of documents, indexed once.

    :meth:`named` answers exactly as a scan in document order would: the first document
    whose 文号 the question contains, else the first one a title name of which it contains,
    else the one document whose 文号 has the number the question gives (58号文).
    """

    def __init__(self, documents: Sequence[DocumentMeta]) -> None:
        numbers = [normalize_doc_number(meta.doc_number) for meta in documents]
        self._numbers = numbers
        self._by_number: Substrings[int] = Substrings((n, k) for k, n in enumerate(numbers))
        self._by_title: Substrings[int] = Substrings(
            (name, k) for k, meta in enumerate(documents)
            for name in title_names(meta.title) if len(name) >= MIN_TITLE_NAME)
        # the 文号 number without leading zeros -> (its digits, the normalised 文号)
        self._by_serial: dict[str, list[tuple[str, str]]] = {}
        for number in numbers:
            m = _SERIAL.search(number)
            if m:
                digits = m.group(1)
                self._by_serial.setdefault(digits.lstrip("0"), []).append((digits, number))

    def by_number(self, compact: str) -> str | None:
        """The first document whose normalised 文号 ``compact`` contains."""
        found = self._by_number.found(compact)
        return self._numbers[min(found)] if found else None

    def by_title(self, compact: str) -> str | None:
        """The first document a title name of which ``compact`` contains."""
        found = self._by_title.found(compact)
        return self._numbers[min(found)] if found else None

    def by_serial(self, number: str) -> set[str]:
        """Every normalised 文号 whose number is ``number`` (leading zeros aside: 〕0*58号)."""
        return {doc for digits, doc in self._by_serial.get(number.lstrip("0"), ())
                if len(digits) >= len(number)}
