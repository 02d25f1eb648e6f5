"""The question frame: one message read against the conversation, once, in the core.

:func:`read_frame` decides whether a message changes the previous question (a count, an
amount, a year, a level, an applicant, a correction, a title taken back, a combination, a
pronoun, "要是…呢") or stands on its own, and gives the question as understood (``text``).
Everything downstream reads ``text``; the front ends render the :class:`Frame`.

What ties a message to the conversation is vocabulary (:class:`~knowledge.reading.talk.Talk`,
staff data): openings (那, 如果, 要是 …), pronouns (它, 这个文件 …), corrections (说错了 …),
combinations (加起来, 都算上 …) and endings (…呢).  The slots are read by shape: a year
is ``20xx年``, an amount any money the numeral grammar reads, a count a number with its
classifier (家, 项, 个 …).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from knowledge.money import scan_money
from knowledge.reading.intent import DOCUMENT_INTENTS, GENERAL, read_intent
from knowledge.reading.recall import (
    asks_sum,
    foreign_subject,
    in_that_year,
    leftover,
    moved_home,
    subjectless,
    with_asker,
    without_roles,
)
from knowledge.reading.scope import IF
from knowledge.reading.slots import COUNT, YEAR, merge_counts, merge_money, merge_year, restate
from knowledge.reading.subject import DOCUMENT_WORDS, another_title, points_at_itself, without
from knowledge.reading.tables import asker_told, level_added, merge_tables, strip_opening
from knowledge.reading.talk import Talk, table_word
from knowledge.reading.thread import (
    added_up,
    addition,
    combined,
    denial_supposed,
    denial_told,
    followed,
    kept,
    uncounted,
)

__all__ = ["Frame", "Previous", "read_frame"]

SHORT = 12  # this short (characters, no spaces) and no subject: read against the conversation
_HYPOTHETICAL = ("如果", "要是", "假如", "假设", "若是", "万一", "那如果", "那要是")


@dataclass(frozen=True)
class Previous:
    """What the conversation answered last (kept per chat in the store)."""

    text: str  # the question as understood
    asked: str = GENERAL
    doc_number: str = ""  # the best clause's document
    clause_path: str = ""
    document: str = ""  # the document the question named
    topics: tuple[str, ...] = ()
    thread: tuple[str, ...] = ()  # earlier understood questions of this thread
    granted: tuple[str, ...] = ()  # the rules the last answer granted

    def to_data(self) -> dict[str, Any]:
        return {"q": self.text, "asked": self.asked, "doc": self.doc_number,
                "path": self.clause_path, "document": self.document,
                "topics": list(self.topics), "thread": list(self.thread),
                "granted": list(self.granted)}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Previous | None:
        text = data.get("q")
        if not isinstance(text, str) or not text:
            return None
        return cls(text=text, asked=str(data.get("asked") or GENERAL),
                   doc_number=str(data.get("doc") or ""),
                   clause_path=str(data.get("path") or ""),
                   document=str(data.get("document") or ""),
                   topics=tuple(str(t) for t in data.get("topics") or ()),
                   thread=kept(tuple(str(t) for t in data.get("thread") or ())),
                   granted=tuple(str(r) for r in data.get("granted") or ()))


@dataclass(frozen=True)
class Frame:
    """One message as understood.

    ``said``: the message; ``text``: the question as understood (``said`` itself, or the
    previous question with this message's changes); ``follow_up``: read against the
    previous question; ``refs``: what tied it (``year``, ``amount``, ``count``, ``level``,
    ``applicant``, ``correction``, ``combination``, ``pronoun``, ``ellipsis``, ``intent``);
    ``asked``: what the message itself asks when it says so ('' to read it from
    ``text``); ``hypothetical``: "如果/要是…"; ``greeting``: greetings or thanks only;
    ``place``: another place than the deployment's, named; ``thread``: the understood
    questions of this thread (for the next "加起来").
    """

    said: str
    text: str
    follow_up: bool = False
    refs: tuple[str, ...] = ()
    asked: str = ""
    hypothetical: bool = False
    greeting: bool = False
    place: str = ""
    thread: tuple[str, ...] = field(default=())
    about_clause: str = ""  # office/materials/deadline asked of the clause in context
    # 升省级了呢: the awards the previous answer granted, now the earlier state
    superseded: tuple[str, ...] = ()
    left_out: str = ""  # a supposition beside the real amount asked (实际拿到多少)

    def to_json(self) -> dict[str, Any]:
        return {"said": self.said, "understood": self.text, "follow_up": self.follow_up,
                "refs": list(self.refs), "asked": self.asked, "hypothetical": self.hypothetical,
                "greeting": self.greeting, "place": self.place}


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _topics(text: str, topics: Mapping[str, tuple[str, ...]]) -> set[str]:
    return {t for t, words in topics.items() if any(w in text for w in words)}


def _message_intent(said: str, talk: Talk) -> str:
    """What the message itself asks: a kind of the talk vocabulary, else an intent."""
    kind = talk.asked_kind(said)
    if kind is not None:
        return kind.name
    intent = read_intent(said)
    return "" if intent == GENERAL else intent


def read_frame(message: str, previous: Previous | None, talk: Talk,
               topics: Mapping[str, tuple[str, ...]], names_document: bool = False,
               titles: Callable[[str], list[str]] | None = None) -> Frame:
    """``message`` read against ``previous`` (None: none); owner speaking as 我们 keeps who
    they said they are earlier (:func:`knowledge.reading.recall.with_asker`)."""
    frame = _read_frame(message, previous, talk, topics, names_document, titles)
    # (another subject asked the same, 前年我们还首次过了高企: a question of its own too)
    if previous is None or (frame.follow_up and frame.refs != ("subject",)) or frame.greeting:
        return frame
    # (2022年又升了7家 after 我们是省级孵化器，2021年…: one more of the owner's, no party
    # of its own named)
    ours = bool(talk.found(frame.said, talk.markers("additions"))) and not frame.place \
        and _topics(frame.said, topics) <= set(previous.topics)
    told = with_asker(frame.text, (*previous.thread, previous.text), ours)
    return frame if told is None else replace(frame, text=told, thread=tuple(  # (kept once)
        told if t == frame.text else t for t in frame.thread))


def _read_frame(message: str, previous: Previous | None, talk: Talk,
                topics: Mapping[str, tuple[str, ...]], names_document: bool,
                titles: Callable[[str], list[str]] | None) -> Frame:
    """``message`` read against ``previous`` (None: no conversation).

    ``names_document``: the message names a document of the knowledge base by itself
    (its 文号 or a short form): it is a question of its own.  ``titles``: the title
    phrases a text names (the vocabulary's title patterns): a follow-up naming another
    title than the previous question's, beyond its level (国家专业化众创空间呢 after
    国家级孵化器), asks the same question of that title.
    """
    message = in_that_year(message or "", previous.text if previous else "", talk)
    said = _compact(message)  # read without spaces; a question of its own keeps them
    base = Frame(said=said, text=(message or "").strip(), place=talk.elsewhere_named(said),
                 hypothetical=said.startswith(_HYPOTHETICAL))
    if talk.is_greeting(said):
        return replace(base, greeting=True)
    asked = _message_intent(said, talk)
    base = replace(base, asked=asked, thread=(base.text,))
    if previous is None or names_document or _unrelated(said, talk, topics) \
            or _own_story(said, talk, topics) or foreign_subject(said, talk, topics):
        # (帮我写个年终总结: another kind of request, not about the question; 我们2019年是
        # 市级…，2021年3月升了省级…，三次一共: a history of its own, told whole)
        return base
    # a question of its own starts a thread; the one before stays for "两项加起来"
    base = replace(base, thread=kept((*previous.thread, "", base.text)))
    marks = {kind for kind in ("pronouns", "corrections", "combinations")
             if talk.found(said, talk.markers(kind))}
    if ("corrections" in marks and (scan_money(said) or COUNT.search(
            uncounted(said, talk.markers("combinations"))))) \
            or (scan_money(without(said, talk.markers("combinations")))
                                  and not (talk.found(said, talk.markers("additions"))
                                           and asks_sum(said, talk))):
        # 说错了，一共300万: a figure, not a combination (又买了一项，200万，两项合计: one
        # more, added to the ones before)
        marks.discard("combinations")
    if (told := _told_whole(said, marks, previous, talk, titles, base)) is not None:
        return told
    opens = said.startswith(tuple(talk.markers("starts")))
    ends = said.rstrip("？?！!。.").endswith(tuple(talk.markers("endings")))
    # (由高校牵头: an applicant with its role, not a subject of its own)
    own = _topics(without_roles(said, talk), topics)
    if titles is not None and not marks and (opens or ends) and not asked \
            and another_title(without_roles(said, talk), previous.text, titles, talk):
        own = own | {"\0title"}  # another subject than the previous question's
    marks, ends, said = _this_one(said, marks, ends, own, previous, talk)
    again = talk.ask_again.get(previous.asked, "")
    # (另外它今年还被认定成省级技术创新中心了，加起来一共多少: 它 is the subject so far)
    summed = "combinations" in marks and marks <= {"combinations", "pronouns"} \
        and titles is not None and bool(titles(said))
    if ((not marks and not asked) or summed) and titles is not None and again \
            and (titles(said) or own) and talk.found(said, talk.markers("additions")):
        return _one_more(said, previous, talk, base, summed, again, not titles(said)
                         and own <= set(previous.topics) and not COUNT.search(said.replace(
                             "一个", "").replace("一项", "")))  # (又买了一个: no count)
    if (not marks and own and (own - set(previous.topics) or not _slots_in(said, talk))
            and (opens or ends) and not asked and again):
        # 国家级孵化器呢 (after an amount question): another subject, the same question
        text = f"{strip_opening(said, talk)}，{again}"
        return replace(base, text=text, follow_up=True, refs=("subject",),
                       thread=kept((*previous.thread, text)))
    if not marks:
        if (own and not (own <= set(previous.topics) and (opens or ends))) or (
                titles is not None and talk.found(said, talk.markers("additions"))
                and any(t not in previous.text for t in titles(said))):
            if talk.found(said, talk.markers("additions")):  # 第二年又拿了…: one more
                return replace(base, thread=kept((*previous.thread, base.text)))
            # (a subject of its own: a new question)
            return _told(said, base, previous, again, asked, titles) or base
        # (哪个文件哪一条规定的？ asks where what was just answered comes from, whatever
        # its length)
        if not (opens or ends or len(said) <= SHORT or _slots_in(said, talk)
                or asked == "source" or subjectless(said, talk, own, titles)):
            return base
    return _merge(said, previous, talk, base, marks, topics)


def _one_more(said: str, previous: Previous, talk: Talk, base: Frame, summed: bool,
              again: str, bare: bool = False) -> Frame:
    """第二年又拿了国家技术市场奖呢: one more title, the same question of it; 再加上…呢: joined
    to the previous question; …这几年加起来一共多少: the thread's and this one, summed."""
    added = strip_opening(addition(said, talk.markers("combinations")), talk).rstrip("呢吗")
    if summed and len(earlier := combined(said, previous.thread, previous.text)) > 1:
        text = "；".join(dict.fromkeys([*earlier, f"{added}，{again}"]))
        return replace(base, text=text, follow_up=True, refs=("subject", "combination"),
                       thread=kept((*previous.thread, f"{added}，{again}")))
    told = restate(added, previous.text) if bare and "其中" not in previous.text else ""
    text = f"{previous.text.rstrip('？?。')}，{added}，一共多少" if summed or talk.found(
        said, talk.markers("joins")) else told if told not in ("", previous.text) else \
        f"{added}，{again}"  # (2022年也买了98万的: the question told again, its figures new)
    return replace(base, text=text, follow_up=True, refs=("subject",),
                   thread=kept((*previous.thread, text)))


def _this_one(said: str, marks: set[str], ends: bool, own: set[str], previous: Previous,
              talk: Talk) -> tuple[set[str], bool, str]:
    """(marks, ends, said) with "this one" (集团还有个孵化器认定成国家级了，这个呢) read as
    the subject the message itself just named: no pronoun, ending as a follow-up."""
    if marks == {"pronouns"} and (own - set(previous.topics) or (  # (我们还被认定为…，这个呢)
            own and talk.found(said, talk.markers("additions")))) and points_at_itself(said, talk):
        return set(), True, without(said, [w for w in talk.markers("pronouns")
                                           if w not in DOCUMENT_WORDS])
    return marks, ends, said


def _told_whole(said: str, marks: set[str], previous: Previous, talk: Talk,
                titles: Callable[[str], list[str]] | None, base: Frame) -> Frame | None:
    """A denial told (不对，省级那个其实还没批下来…: :func:`~knowledge.reading.thread.denial_told`)
    or supposed (如果2022年没重新认定呢: :func:`~knowledge.reading.thread.denial_supposed`) in
    the thread question it names, or a question told whole of a title of its own by the
    asker (我们是备案的机构 2019年考核还评了优秀 那个奖多少), or the previous question asked
    again for the asker (那我们中介自己能拿吗); else None."""
    if (asks := asker_told(said, previous.text)) is not None:
        return replace(base, text=asks, follow_up=True, refs=("applicant",),
                       thread=kept((*previous.thread, asks)))
    if "corrections" in marks and titles is not None and (denied := denial_told(
            said, previous.thread, previous.text, talk.markers("corrections"),
            talk.markers("combinations"), titles)) is not None:
        return replace(base, text=denied[0], follow_up=True, refs=denied[1],
                       thread=kept((*previous.thread, denied[0])))
    if titles is not None and (supposed := denial_supposed(said, previous.text, titles)):
        return replace(base, text=supposed, follow_up=True, refs=("supposed",), hypothetical=True,
                       thread=followed(previous.thread, previous.text, supposed, ["supposed"]))
    if titles is not None and marks <= {"pronouns"} and _ASKER_SAID.search(said) \
            and _STATED.search(said) and set(titles(said)) - set(titles(previous.text)) \
            and not said.startswith(tuple(talk.markers("starts"))) \
            and not said.rstrip("？?！!。.").endswith(tuple(talk.markers("endings"))):
        return base  # (我们是国家级孵化器呢: a follow-up still, read against the question)
    return None


_ASKER_SAID = re.compile(r"(我们|我司|本单位|咱们)(就|也)?是")


def _told(said: str, base: Frame, previous: Previous, again: str, asked: str,
          titles: Callable[[str], list[str]] | None) -> Frame | None:
    """前年升级为省级临床医学研究中心了 (after an amount question): an event told, not
    asked about, the same question asked of it, one more of the thread; else None."""
    if not again or asked or titles is None or not titles(said) or _STATED.search(said):
        return None
    text = f"{said.rstrip('。.！!')}，{again}"
    return replace(base, text=text, follow_up=True, refs=("subject",),
                   thread=kept((*previous.thread, text)))


# a message asking something (a question mark, a question word): no event only told
_STATED = re.compile(r"[？?]|[吗呢么嘛没]$|多少|几|哪|什么|啥|怎么|如何|是否|能不能|可不可以"
                     r"|有没有")


def _unrelated(said: str, talk: Talk, topics: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether the message is a request of another kind (帮我写个总结, 讲个笑话, 哪家海鲜
    好吃) naming no policy subject, figure or word near the policies."""
    return bool(talk.found(said, talk.markers("unrelated"))) and not talk.is_near(said) \
        and not _slots_in(said, talk) and not _topics(said, topics)


def _own_story(said: str, talk: Talk, topics: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether the message tells a history of its own: its own subject, in two years or
    more it dates itself, corrected of nothing (我们2019年是企业牵头的市级技术创新中心，
    2021年3月升了省级，加上今年国家级，三次一共拿多少)."""
    return len({m.group(1) for m in YEAR.finditer(said)}) >= 2 \
        and bool(_topics(without_roles(said, talk), topics)) \
        and not talk.found(said, talk.markers("corrections"))


def _slots_in(said: str, talk: Talk) -> bool:
    return bool(YEAR.search(said) or COUNT.search(said) or scan_money(said)
                or table_word(said, talk.levels)[0] or table_word(said, talk.applicants)[0])


def _merge(said: str, previous: Previous, talk: Talk, base: Frame, marks: set[str],
           topics: Mapping[str, tuple[str, ...]]) -> Frame:
    """The previous question with this message's changes."""
    if not marks and (added := level_added(said, previous.text, previous.topics, talk,
                                           topics)) is not None:
        # 今年又报了国家级，还在公示: one more event of the subject, at that level
        return replace(base, text=added, follow_up=True, refs=("subject",),
                       thread=kept((*previous.thread, added)))
    question = previous.text
    refs: list[str] = sorted(m.removesuffix("s") for m in marks)
    rest = said
    for kind in ("corrections", "combinations", "pronouns"):
        for word in talk.markers(kind):
            rest = rest.replace(word, "")
    question, rest = merge_year(said, question, rest, refs)
    question, rest = merge_money(without(said, talk.markers("combinations")), question, rest,
                                 refs)
    # 两项加起来: the items counted, not a new count (4个镇评上 still is one)
    question, rest = merge_counts(rest, question, refs, combined="combinations" in marks)
    question, rest = merge_tables(rest, question, previous.topics, talk, topics, refs)
    if (moved := moved_home(said, question, talk)) is not None:
        question = moved  # 那如果是我们在威海高区设的孵化器呢 after 我们是烟台的孵化器
        refs.append("place")
    merged = _merge_intent(said, rest, question, previous, talk, base, refs)
    if isinstance(merged, Frame):
        return merged
    question, asked = merged
    if not refs:
        return base
    # (过两年复审要是又通过了: a supposition is one more question, not a completion)
    thread = followed(previous.thread, previous.text, question,
                      [*refs, "supposed"] if IF.search(said) else refs)
    becoming = "level" in refs and "combination" not in refs and "升级为" in question \
        and "升级为" not in previous.text
    return replace(base, text=question, follow_up=True, refs=tuple(dict.fromkeys(refs)),
                   asked=asked, thread=thread,
                   superseded=previous.granted if becoming else ())


def _merge_intent(said: str, rest: str, question: str, previous: Previous, talk: Talk,
                  base: Frame, refs: list[str]) -> Frame | tuple[str, str]:
    """The question asked of the merged subject: the document answered last (a pronoun),
    the thread (a combination), another asked kind of the same question, or the rest
    said of it (ellipsis).  A frame when the message asks about the clause answered."""
    asked = base.asked
    left = leftover(rest, previous.text, talk)
    if asked in DOCUMENT_INTENTS and (previous.document or previous.doc_number):
        # 它从哪天开始执行 / 这个文件谁发的: the document answered last
        question = f"{previous.document or previous.doc_number}{said}"
        refs.append("intent")
    elif "combination" in refs:
        question = added_up(said, previous.thread, previous.text, question, refs)
        asked = asked or "amount"
    elif asked and not _slot_refs(refs):
        refs.append("intent")
        if asked in ("office", "materials", "deadline") and len(left) <= 4 \
                and previous.doc_number:
            return replace(base, text=previous.text, follow_up=True, refs=tuple(refs),
                           about_clause=asked, thread=previous.thread)
        question = f"{previous.text}；{said}"
    elif left:  # more than a slot (要是合同没登记呢): the rest, said of the question
        refs.append("ellipsis")  # (那如果…没撤回呢: still a supposition, said so)
        question = f"{question}，{'如果' if base.hypothetical else ''}{strip_opening(rest, talk)}"
    if not asked and any(r in refs for r in ("amount", "count")) \
            and previous.asked not in DOCUMENT_INTENTS:
        asked = "amount"  # 配套怎么算 → 省里拨了80万: a figure given asks what it comes to
    return question, asked


def _slot_refs(refs: list[str]) -> bool:
    return any(r in refs for r in ("year", "amount", "count", "level", "applicant", "stage",
                                   "correction", "combination"))
