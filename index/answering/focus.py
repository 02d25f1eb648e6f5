"""What a question asks about, beside its subject, and whether the clauses shown say it.

"星创天地认定要有多大场地" names a subject the policies cover (星创天地) and asks about
something they do not state (场地).  The question's *focus* is what is left when its
subject words (the vocabulary's topics and the policies' subject words), the words every
benefit question uses (the domain gate's generic list), question words and particles are
taken out; when the clauses shown hold almost none of the focus, the documents do not
answer it.  Used for the questions whose kind has no ``stated`` words of its own (a
general question, conditions, procedure); amounts, eligibility and documents are checked
elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["unstated_focus"]

_QUESTION_WORDS = re.compile(
    r"什么|哪些|哪个|哪几|哪里|哪儿|哪|多少|多大|多长|多久|多高|几年|几个|几天|几|怎么样|怎么|如何"
    r"|怎样|是否|能否|能不能|可不可以|可以吗|有没有|是不是|需不需要|要不要|吗|呢|啊|吧|么|啥|咋|谁")
# a count, an amount or a date with its unit (两份, 3家, 80万, 12月): what the owner says
# of their case, not what they ask about
_NUMBERED = re.compile(r"(\d+(\.\d+)?|[一二两三四五六七八九十百千万亿]+)\s*"
                       r"(份|项|家|个|件|笔|次|名|所|位|年|月|日|号|万元|万|元|亿)")
# when and whether still (现在还能, 当时, 这次): asked of the subject, no focus of its own
_STILL = re.compile(r"现在|目前|如今|当时|那时|那会儿?|这次|这回|还能|还可以|仍然|依然|继续|终于"
                    r"|总算|最终"
                    # a figure heard of and checked (听说…给1000万，是这个数吗)
                    r"|听说|据说|听人说|有人说|别人说|是这个数|这个数")
_PUNCT = re.compile(r"[\s，。、；：？！,.;:?!\"'“”‘’（）()《》【】\-—…·~～]+")
# particles and pronouns trimmed from either end of a piece (never from inside a word:
# 场地, 中心, 要求 keep their characters)
_EDGE = "的了是有要和与及或在对把被给让就都也还再又很我们你您他她它这那个些能会可该得着过请问想"
_COVERED = 0.34  # below this share of the focus found in the clauses: not stated


def unstated_focus(question: str, texts: list[str], known: Iterable[str]) -> str:
    """The focus of ``question`` when the clauses ``texts`` (best first) hold almost none
    of it, else ''.  ``known``: subject and generic words to take out first."""
    text = _PUNCT.sub("|", _NUMBERED.sub("|", question))
    for word in sorted({w for w in known if len(w) >= 2}, key=len, reverse=True):
        text = text.replace(word, "|")
    text = _STILL.sub("|", _QUESTION_WORDS.sub("|", text))
    pieces = [re.sub(r"\d+", "", p).strip(_EDGE) for p in text.split("|")]
    pieces = [p for p in pieces if len(p) >= 2]
    pairs = {p[i:i + 2] for p in pieces for i in range(len(p) - 1)}
    if not pairs:
        return ""
    shown = "".join(texts[:3])
    found = sum(1 for pair in pairs if pair in shown)
    return "、".join(pieces) if found / len(pairs) < _COVERED else ""
