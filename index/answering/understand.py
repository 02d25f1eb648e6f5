"""Understanding one message: its frame against the conversation, the facts of the
question as understood, the named document and what is asked.

The one place a message is read: :func:`understand` gives the engine everything it needs
before retrieval, and the :class:`~knowledge.reading.frame.Frame` travels on the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from index.names import DocumentNames
from knowledge.awards.rules import RuleSet
from knowledge.reading.extraction import Extraction, extract_facts
from knowledge.reading.frame import Frame, Previous, read_frame
from knowledge.reading.intent import (
    AMOUNT,
    DOCUMENT_INTENTS,
    ELIGIBILITY,
    ESTIMATE_INTENTS,
    GENERAL,
    OVERVIEW,
    SUM_BEATS,
    VALIDITY,
    asks_other_payer,
    asks_sum,
    names_two_documents,
    read_intent,
)
from knowledge.reading.matches import title_matches, title_phrases
from knowledge.reading.slots import supposed, taken_back
from knowledge.reading.supposition import real_only, supposed_instead
from knowledge.reading.talk import Talk
from knowledge.reading.thread import kept
from knowledge.sources.base import KnowledgeBase
from knowledge.sources.documents import normalize_doc_number

__all__ = ["Understood", "named_document", "understand", "without_opening"]

# 58号文, 107号文件, 58号: a document by the number of its 文号 alone (not a date: 5月31号)
_SHORT_REF = re.compile(r"(?<![\d月〔\[（(])(\d{1,4})\s*号(?=文件|文|通知|政策|$|[^\d])")
# kinds of question that beat an amount or eligibility reading of the same message
_OTHER_LEVEL = "other_level_amount"
_SPECIFIC = frozenset({"payment_timing", "validity_period", "stacking", "use_of_funds",
                       "contact", "statistics", "successor", "finance_terms", "odds",
                       "processing_time", "clawback", "obligations", "other_level_amount",
                       "tax_rate"})
# "小公司有什么扶持": what support exists, for whom the question says, no subject named
_WHAT_SUPPORT = re.compile(r"(有|能有|能享受|可以享受)(什么|哪些|啥|些什么)"
                           r"(扶持|支持|政策|补贴|补助|优惠|奖励|好处)")

# the asker telling what it obtained or did (我们今年被认定为…, 我司买了…)
_OWN_EVENT = re.compile(r"(我们|我司|我公司|本单位|本公司|咱们|我厂|我院)[^？?]{0,30}?"
                        r"(认定|评上|评为|获批|批了|批下来|通过|买了|购买|促成|升级|升了|升为|获得"
                        r"|拿到|建成|创建|成为)")


@dataclass(frozen=True)
class Understood:
    frame: Frame
    text: str  # the question as understood (what retrieval and the reader read)
    extraction: Extraction | None
    intent: str
    named: str | None  # normalised 文号 of the document the question names
    today: date  # the day the question is asked on (years count from it)


def named_document(kb: KnowledgeBase, question: str,
                   names: DocumentNames | None = None) -> str | None:
    """The 文号 of the document the question names: by 文号 in any bracket form, by its
    title, or by the number of its 文号 alone when exactly one document has it.

    ``names``: the knowledge base's :class:`~index.names.DocumentNames`, built once per
    knowledge load (the engine's snapshot keeps it); None builds it for this call.
    """
    if names is None:
        names = DocumentNames(kb.documents)
    compact = normalize_doc_number(question)
    found = names.by_number(compact)
    if found is None:
        found = names.by_title(compact)
    if found is not None:
        return found
    for m in _SHORT_REF.finditer(question):
        owners = names.by_serial(m.group(1))
        if len(owners) == 1:
            return owners.pop()
    return None


def _title_corrected(said: str, before: str, rules: RuleSet, talk: Talk) -> str | None:
    """``before`` with its title of a kind replaced by the one a correction names of the
    same kind (不对，我们是…山东省品牌众创空间 after …国家级科技企业孵化器…), or None."""
    if not talk.found(said, talk.markers("corrections")):
        return None
    patterns = rules.vocabulary.patterns
    new = title_matches(said, patterns)
    old = [(a, b, f) for a, b, f, _ in title_matches(before, patterns)
           if before[a:b] not in said]
    for fact in dict.fromkeys(f for _, _, f, _ in new):
        theirs = [(a, b) for a, b, f in old if f == fact]
        said_now = next(said[a:b] for a, b, f, _ in new if f == fact)
        if len(theirs) == 1:
            a, b = theirs[0]
            return before[:a] + said_now + before[b:]
    return None


# the first words of a message, up to a break
_OPENING = re.compile(r"^([^，,。；;！!？?\s]+)[，,。；;！!？?\s]+")


def without_opening(text: str, talk: Talk) -> str:
    """``text`` without an opening of greetings, thanks or a turn of talk before the
    question (你好，… / 好的谢谢 你会… / 那说正事 临港区…), which only dilutes the search."""
    while (m := _OPENING.match(text)) and talk.is_greeting(m.group(1)) and text[m.end():]:
        text = text[m.end():]
    return text


def understand(kb: KnowledgeBase, rules: RuleSet, talk: Talk, text: str,
               previous: Previous | None, today: date,
               names: DocumentNames | None = None) -> Understood:
    """``text`` (sanitised, normalised) read against ``previous``; ``names``: the
    documents' names indexed once (see :func:`named_document`)."""
    if names is None:
        names = DocumentNames(kb.documents)
    text = without_opening(text, talk)
    named = named_document(kb, text, names) if text else None
    frame = read_frame(text, previous, talk, rules.vocabulary.topics,
                       names_document=named is not None,
                       titles=lambda t: title_phrases(t, rules.vocabulary.patterns))
    if previous is not None and named is None and not frame.greeting \
            and (back := taken_back(text, previous.text)) is not None:
        # 孵化器国家级那个其实没批下来，只批了个…: the title taken back, the rest kept
        frame = replace(frame, text=back, follow_up=True, refs=("correction",),
                        thread=kept((*previous.thread, back)))
    if previous is not None and named is None and "correction" in frame.refs \
            and (fixed := _title_corrected(text, previous.text, rules, talk)) is not None:
        # 不对，我们是众创空间，是山东省品牌众创空间: the title said in the old one's place
        frame = replace(frame, text=fixed, thread=kept((*previous.thread, fixed)))
    if frame.greeting or not text:
        return Understood(frame, text, None, GENERAL, None, today)
    if (instead := supposed_instead(frame.text)) != frame.text:
        # …是重新认定。如果那次算首次认定的话: the title told, as supposed
        frame = replace(frame, text=instead, hypothetical=True)
    if (real := real_only(frame.text)) is not None:
        # …如果当年也申请了技术先进型…，我只想知道实际拿到的是多少: the supposition left out
        frame = replace(frame, text=real[0], left_out=real[1])
    if (supposes := supposed(frame.text)) is not None:
        # …成交额180万，要是当时做到260万，能补多少: the figure supposed in its place
        frame = replace(frame, text=supposes, hypothetical=True)
    question = frame.text
    if frame.follow_up:
        named = named_document(kb, question, names)
        if (named is not None and frame.asked in ESTIMATE_INTENTS
                and named_document(kb, frame.said, names) is None):
            named = None  # 107号文废止了，那…还有吗 → 省级的给多少: the award is asked
    extraction = extract_facts(question, today, rules)
    intent = _asked(frame, question, extraction, talk, named)
    return Understood(frame, question, extraction, intent, named, today)


_ASKS_AMOUNT = re.compile(r"多少|几万|能拿|能给|能奖|能补|还有吗|有没有")


def _amount_beats(asked: str, intent: str, said: str, extraction: Extraction, talk: Talk
                  ) -> str:
    """What an amount reading gives way to, or what gives way to it ('' for neither):
    省里另外再奖多少 asks a level these documents do not pay for; 如果同时拿到A和B，一共
    能拿多少 / 一次性能拿多少 asks the sum whatever stacking or timing words it holds."""
    if (asked in ("", AMOUNT, "eligibility") and intent in ESTIMATE_INTENTS
            and talk.kind(_OTHER_LEVEL) is not None
            and asks_other_payer(said)):
        return _OTHER_LEVEL
    if asked in SUM_BEATS and extraction.facts and asks_sum(said):
        return AMOUNT
    last = re.split(r"[，,。；;！!？?]", said.rstrip("，,。；;！!？? "))[-1]
    if (asked and asked not in ESTIMATE_INTENTS and intent in ESTIMATE_INTENTS
            and (extraction.facts or extraction.denied) and last != said.rstrip("，,。；;！!？? ")
            and _ASKS_AMOUNT.search(last) and talk.asked_kind(last) is None):
        # …，说技术服务收入占比不够，那奖励还能拿多少: the kind is said before, the amount
        # is what the closing clause asks
        return AMOUNT
    if asked == "stacking" and extraction.facts and names_two_documents(said):
        return AMOUNT  # the estimate says the one award is paid once
    return ""


def _what_support(intent: str, question: str, extraction: Extraction) -> str:
    """有什么奖励 of facts alone is an overview; of the owner's own case (我们公司今年被认定
    为技术先进型服务企业，有啥奖励) it is estimated."""
    if intent != GENERAL or not extraction.facts or not _WHAT_SUPPORT.search(question):
        return intent
    if not extraction.topics:
        return OVERVIEW
    return ELIGIBILITY if _OWN_EVENT.search(question) else intent


def _asked(frame: Frame, question: str, extraction: Extraction, talk: Talk,
           named: str | None) -> str:
    """What is asked: the message's own kind when it says one, else the question's.

    An amount or eligibility question with facts to compute stays one (发票 or 税 in a
    sentence about a purchase does not make it a tax question); a payment-timing or
    qualification-validity question beats the general intents it also matches.
    """
    intent = _what_support(read_intent(question, extraction.is_amount_question), question,
                           extraction)
    own = frame.asked
    kind = talk.asked_kind(frame.said if frame.follow_up else question)
    asked = own or (kind.name if kind is not None else "")
    if own == AMOUNT and "combination" in frame.refs:
        return AMOUNT  # 两项加起来一共多少 after 有啥奖励: the sum, whatever the thread asked
    if own and own not in ESTIMATE_INTENTS and frame.follow_up and not (
            own in SUM_BEATS and asks_sum(frame.said)):  # (两个都能拿吧，加起来多少: the sum)
        return own  # 企业所得税优惠怎么办理 after an amount: what this message asks
    beaten = _amount_beats(asked, intent, frame.said or question, extraction, talk)
    if beaten:
        return beaten
    if not asked:
        return intent
    if asked in _SPECIFIC and "combination" in frame.refs:
        return AMOUNT  # 这两个能一起拿吗，一共多少: the sum is asked (what is not stated is said)
    if asked in _SPECIFIC:
        return asked if not (asked == "validity_period" and named) else VALIDITY
    if asked in DOCUMENT_INTENTS or asked in ("office", "materials", "deadline", "overview"):
        return asked
    if intent in DOCUMENT_INTENTS and named:
        return intent
    if intent in ESTIMATE_INTENTS and extraction.facts and not talk.external_for(question,
                                                                                 asked):
        return intent
    if asked in ESTIMATE_INTENTS:
        return asked
    if intent in ("office", "materials", "deadline", "overview") and asked not in (
            "tax", "conditions"):
        return intent
    return asked if asked != AMOUNT or extraction.is_amount_question else intent

