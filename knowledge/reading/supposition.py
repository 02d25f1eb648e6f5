"""What the owner says that is no fact of the case: a supposition beside what happened,
when the question asks only what happened, and the alternatives a question weighs.

"2021年首次评上高企。如果当年也申请了技术先进型，那还能多拿。不过我只想知道实际拿到的是
多少": the supposition (如果…, to the end of its sentence) is no fact of the question that
asks the real amount (实际, 真正, 已经拿到的): it is left out, and said so.  Without such an
ask a supposition stays in the question and the estimate is computed as if, labelled so
(knowledge.reading.estimate).

"2022年那次高企是重新认定。如果那次算首次认定的话能拿多少": the supposition says what the
title told was (first or renewed): the told one is read as supposed, and labelled so.

"按高校的300万还是企业的200万算": the alternatives the owner asks between are no facts of
the case (the asker is not a university for naming one): the clause is read as the
question it asks, 按哪个标准算.
"""

from __future__ import annotations

import re

from knowledge.reading.scope import IF

__all__ = ["LEFT_OUT_NOTE", "real_only", "supposed_instead", "without_alternatives"]

# the owner asks what was actually obtained, not what might have been
_REAL_ASKED = re.compile(r"实际(?:上|能|可以|拿|到手|得到|获得|是|的|给)|真正(?:能|拿|到手|得到)"
                         r"|实打实|(?:已经|真的)(?:拿到|到手|获得)的|现在(?:实际|真正)|不算(?:假设|如果)")
# a clause that asks (it stays, whatever supposition its sentence holds)
_ASKS = re.compile(r"多少|几万|能拿|能给|能奖|能补|有没有|吗|呢|只想知道|想知道|问一下|请问")
_SENTENCE = re.compile(r"[^。！!？?；;\n]+[。！!？?；;\n]*")
_CLAUSE = re.compile(r"[^，,]+[，,]*")

LEFT_OUT_NOTE = "您说的“{said}”是假设，您问的是实际情况，未计入"


def real_only(text: str) -> tuple[str, str] | None:
    """(``text`` without its suppositions, the words left out) when it asks the real
    amount and supposes something beside it; None otherwise."""
    if not _REAL_ASKED.search(text) or not IF.search(text):
        return None
    kept: list[str] = []
    left: list[str] = []
    for sentence in _SENTENCE.findall(text):
        supposing = False
        for clause in _CLAUSE.findall(sentence):
            words = clause.rstrip("，,。！!？?；;\n ")
            supposing = supposing or bool(IF.search(words))
            if supposing and not _ASKS.search(words) and not _REAL_ASKED.search(words):
                left.append(words)  # (如果当年也申请了技术先进型，那还能多拿)
                continue
            kept.append(clause)
    if not left:
        return None
    out = "".join(kept).strip()
    return out, "，".join(left)


# 按高校的300万还是企业的200万算 / 算省级的还是市级的: the alternatives a question weighs
_ALTERNATIVES = re.compile(r"(?:按|算|是按|应该按|该按)[^，,。；;！!？?]{1,20}?还是"
                           r"[^，,。；;！!？?]{1,20}")


def without_alternatives(text: str) -> str:
    """``text`` with the alternatives a question weighs (按A还是B算) said as the question
    it asks (按哪个标准算): their words are no facts of the case."""
    return _ALTERNATIVES.sub("按哪个标准算", text)


_FIRST = r"首次|第一次|头一回|初次"
_RENEWAL = r"重新认定|复审|再次认定|复核"
_SUPPOSED_AS = re.compile(r"(?:" + IF.pattern + r")[^，,。；;]*?(?:算|当作?|按|是)"
                          r"[^，,。；;]{0,3}?(" + _FIRST + "|" + _RENEWAL + ")")


def supposed_instead(text: str) -> str:
    """``text`` with the first-or-renewal a supposition says (如果那次算首次认定) in the
    place of the one told before it (那次高企是重新认定)."""
    m = _SUPPOSED_AS.search(text)
    if m is None:
        return text
    before, after = text[:m.start()], text[m.start():]
    if re.match(_FIRST, m.group(1)) and re.search(_RENEWAL, before):
        return re.sub(_RENEWAL, "首次认定", before) + after
    if re.match(_RENEWAL, m.group(1)) and re.search(_FIRST, before):
        return re.sub(f"(?:{_FIRST})(?:认定|通过)?", "重新认定", before) + after
    return text
