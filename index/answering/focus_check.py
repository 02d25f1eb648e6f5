"""The focus check on an answer (see :mod:`index.answering.focus`): which questions it
applies to and the :class:`~index.answering.scope.Unanswered` it gives."""

from __future__ import annotations

import re

from index.answering.focus import unstated_focus
from index.answering.scope import Unanswered
from index.answering.snapshot import Snapshot
from index.answering.understand import Understood

__all__ = ["FOCUSED", "amount_focus_answer", "focus_answer"]

# the kinds of question whose answer the clause text alone must hold
FOCUSED = frozenset({"general", "conditions", "procedure"})


def focus_answer(u: Understood, texts: list[str], snap: Snapshot, offices: list[str]
                 ) -> Unanswered | None:
    """Not stated when a question of its own asks about something the clauses shown do
    not hold (a follow-up's focus is its previous question's, so it is not checked)."""
    if u.frame.follow_up or not u.extraction or not u.text:
        return None
    focus = unstated_focus(u.text, texts, snap.known_words)
    if not focus:
        return None
    return Unanswered("focus", f"“{focus}”方面的内容", office="、".join(offices[:3]))


# the thing an amount is asked of: 一等奖奖金多少, 一年给多少生活补贴, 土地出让金能减多少 —
# the words right before 多少 (modal and giving verbs and 最多 trimmed), else right after
_AMOUNT_WORD = re.compile(r"多少|几个点|百分之几")
_TRIM = re.compile(r"(能|可以|可|是|一般|大概|获得|得到|拿到|申请|给|减|补|奖|拿|领|发|免|到|得|获"
                   r"|最多|最高|一共|总共|合计|共|都|能够|会|加一块|加一起|加起来|合起来|加在一起"
                   r"|顶格|按顶格|(?:两|三|几|这两|这几)(?:项|个|样)|到账|到手|下来|出)+$")
_WHEN = re.compile(r"^(的|每年|一年|今年|去年|当年|年度|每次|一次|当时|那时|那会儿?|现在|目前|这次"
                   r"|这回|那次|终于|总算|最后|最终|(?:当|今|明|那)?年(?:底|初|末|中)|月(?:底|初|末)"
                   r"|[上下]半年|季度|到时候?|届时|以后|之后|后面|(?:按)?顶格算的话)+")
_WHEN_END = re.compile(r"的?(当时|那时|那会儿?|现在|目前|这次|这回|那次|终于|总算|最后|最终"
                       r"|(?:当|今|明|那)?年(?:底|初|末|中)|月(?:底|初|末)|[上下]半年|到时候?|届时)$")
_AFTER_AMOUNT = re.compile(r"(?:多少|几)(?:钱)?的?([\u4e00-\u9fff]{2,6})$")


# 我们学校能拿多少 / …今年获批我们学校能拿多少: the asker, not a thing whose amount is
# asked (我们公司土地出让金能减多少 names one after the asker's kind)
_ASKER = re.compile(r"我们|我司|本单位|本公司|咱们|我校|我院")
_AS_ITSELF = re.compile(r"作为[\u4e00-\u9fff]{1,6}?(?=能|可以|可|$)|单独|按文件")
_ASKER_KIND = re.compile(r"^的?(公司|企业|学校|医院|单位|机构|厂|集团|大学|高校|镇|区|县|局|孵化器"
                         r"|众创空间|中心|这边|这里)?的?")

_PARTY_END = re.compile(r"(局|政府|管委|公司|企业|镇|区|县|学校|大学|学院|医院|研究院|研究所|机构"
                        r"|几家|这家|孵化器|单位|厂|方)(里|上)?(这边|那边|这块|方面|这里)?$")


def _amount_spans(said: str) -> list[str]:
    compact = re.sub(r"\s+", "", said)
    m = _AMOUNT_WORD.search(compact)
    if m is None:
        return []
    before = re.split(r"[，。；？！,;?!、]", compact[:m.start()])[-1]
    if (asker := list(_ASKER.finditer(before))):
        before = _ASKER_KIND.sub("", before[asker[-1].end():])
    # 区科技局自己能拿 / 作为供应商能拿 / 单独能拿: the asker said as itself or its role
    before = _AS_ITSELF.sub("", before.split("自己")[-1])
    spans = [_WHEN.sub("", _WHEN_END.sub("", _TRIM.sub("", before))[-8:])]
    if (after := _AFTER_AMOUNT.search(compact)) is not None:
        spans.insert(0, after.group(1))  # 一年给多少生活补贴: what follows names the thing
    # a span with a figure states a fact (买技术花了300万), it does not name what is asked;
    # one ending on a party (区科技局这边) names who is asked about, not a thing
    return [s for s in spans if len(s) >= 2 and not re.search(r"\d|万|元", s)
            and not _PARTY_END.search(s)]


def amount_focus_answer(said: str, texts: list[str], snap: Snapshot, offices: list[str]
                        ) -> Unanswered | None:
    """Not stated when the thing whose amount is asked (生活补贴, 一等奖奖金) is, beside the
    subject and generic words, nowhere in the clauses shown."""
    for span in _amount_spans(said):
        focus = unstated_focus(span, texts, snap.known_words)
        if focus:
            return Unanswered("focus", f"“{focus}”的金额", office="、".join(offices[:3]))
    return None
