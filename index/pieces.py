"""Split a chunk into the sentences and phrases embedded besides its whole text.

Sentence vectors: USE is trained on short sentences, and a 300–600 character clause
embedded as one vector is poorly represented.  Every chunk is therefore *also* embedded per
sentence (split on 。；！？, see :func:`chunk_sentences`), each prefixed with the chunk's
deepest heading; the retriever scores a chunk's dense similarity from its whole-text
vector and its best sentence vectors.  Sentence vectors are reused by the hash of their
text exactly like chunk vectors.

Phrase vectors: one step finer, every chunk is also embedded per *phrase* (split on
，。；！？：, pieces under ``MIN_PHRASE_CHARS`` glued to the next, same heading prefix, see
:func:`chunk_phrases`).  A policy sentence often packs several provisions separated by
commas (…用好科技创新券政策，对技术供需双方给予奖补，发挥好创投基金…); a question
about one of them matches its phrase far better than the whole sentence.  Reused by hash
like sentence vectors.
"""

from __future__ import annotations

import hashlib
import re

from knowledge.model import Clause

__all__ = [
    "MIN_PHRASE_CHARS",
    "MIN_SENTENCE_CHARS",
    "SENTENCE_VERSION",
    "chunk_phrases",
    "chunk_sentences",
    "text_hash",
]

# bump when chunk_sentences() or chunk_phrases() changes (forces a (cheap) rebuild)
SENTENCE_VERSION = "2"
MIN_SENTENCE_CHARS = 6  # shorter pieces are glued to the next sentence
MIN_PHRASE_CHARS = 8  # shorter phrases are glued to the next phrase
_SENTENCE_END = re.compile(r"(?<=[。；！？;!?])")
_PHRASE_END = re.compile(r"(?<=[，。；！？：,;!?:])")


def chunk_sentences(clause: Clause) -> list[str]:
    """The texts embedded per sentence for ``clause``: ``"<deepest heading>：<sentence>"``.

    The body is split after 。；！？ (and their ASCII forms); a piece shorter than
    ``MIN_SENTENCE_CHARS`` is glued to the next one.  A body of one sentence gives one
    text (it still differs from the whole-text vector by its short prefix).
    """
    return _pieces(clause, _SENTENCE_END, MIN_SENTENCE_CHARS)


def chunk_phrases(clause: Clause) -> list[str]:
    """The texts embedded per phrase for ``clause``: ``"<deepest heading>：<phrase>"``.

    As :func:`chunk_sentences`, but split after ，。；！？： (and their ASCII forms), pieces
    shorter than ``MIN_PHRASE_CHARS`` glued to the next one.
    """
    return _pieces(clause, _PHRASE_END, MIN_PHRASE_CHARS)


def _pieces(clause: Clause, end: re.Pattern[str], min_chars: int) -> list[str]:
    heading = next((h for h in reversed(clause.headings) if h), "") or clause.doc.title
    out: list[str] = []
    pending = ""
    for piece in end.split(clause.text):
        piece = pending + piece.strip()
        if len(piece) < min_chars:
            pending = piece
            continue
        pending = ""
        out.append(f"{heading}：{piece}")
    if pending:
        if out:
            out[-1] += pending
        else:
            out.append(f"{heading}：{pending}")
    return out


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
