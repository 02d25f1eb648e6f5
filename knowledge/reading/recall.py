"""What a follow-up recalls of the conversation: "that year" (同一年, 那年, a lone month) as
the year the previous question is about, a total asked of one more item (两项合计能拿多少),
an applicant said with its role (由高校牵头), which is no subject of its own, the asker
placed in the city after a question placing it elsewhere, who the owner said they are
(kept for later questions), a step asked without a subject (复审…还能再拿一回不: about the
previous one), a support for another thing (疫情停工的补贴: a question of its own), and what
a follow-up says besides its slots."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from knowledge.money import scan_money
from knowledge.reading.intent import strip_intent
from knowledge.reading.slots import COUNT, PUNCT
from knowledge.reading.talk import Talk

__all__ = ["ROLE_VERB", "as_asker", "asks_sum", "foreign_subject", "in_that_year", "leftover",
           "moved_home", "subjectless", "with_asker", "without_roles"]

ROLE_VERB = re.compile(r"牵头|组建|自建|建设|承办|申报|申请")


def without_roles(said: str, talk: Talk) -> str:
    """``said`` without the applicants it names with their role (由高校牵头, 企业牵头的)."""
    for _, word in sorted(((n, w) for n, ws in talk.applicants.items() for w in ws),
                          key=lambda p: -len(p[1])):
        said = re.sub(re.escape(word) + r"(?=" + ROLE_VERB.pattern + ")", "", said)
    return said


def asks_sum(said: str, talk: Talk) -> bool:
    """Whether a combination word asks the total (两项合计能拿多少), not states a figure
    (成交额一共到了400万)."""
    words = "|".join(re.escape(w) for w in talk.markers("combinations"))
    return bool(words) and bool(re.search(f"(?:{words})[^，,。；;0-9]{{0,4}}?(?:能|多少|几)", said))


_SHORT = 12  # a follow-up this short (characters) leans on the question before
_A_YEAR = re.compile(r"(?:19|20)\d\d\s*年|今年|去年|前年|明年|后年")
_YEAR_SAID = re.compile(r"((?:19|20)\d\d)\s*年")
# a time after the previous question's (后来又…, 第二年又…): not that year
_LATER = re.compile(r"后来|之后|以后|然后|第二年|次年|隔年|过了|明年|后年|将来|下一年|再过"
                    r"|如果|要是|假如")
_LONE_MONTH = re.compile(r"(?<![\d年个])(1[0-2]|[1-9])\s*月份?(?![\d])")


def in_that_year(message: str, previous: str, talk: Talk) -> str:
    """``message`` with "that year" (同一年, 那年, 当年) said as the year the previous
    question is about, when the message names no year of its own."""
    words = sorted(talk.markers("that_year"), key=len, reverse=True)
    years = _YEAR_SAID.findall(previous)
    if not years or _A_YEAR.search(message):
        return message
    for word in words:
        if word in message:
            return message.replace(word, f"{years[-1]}年", 1)
    if len(set(years)) == 1 and talk.found(message, talk.markers("additions")) \
            and (COUNT.search(message) or scan_money(message)) and not _LATER.search(message):
        # 另外我们还买了一项技术，80万，也登记了 (after 2020年买了…): one more of that year
        return f"{years[-1]}年，{message}"
    # 要是5月份才通过呢 (after 2023年3月首次通过…): a month of the year asked about, in a
    # short or supposing follow-up (a question of its own with a month, 3月份首次通过了高企
    # 认定，有奖励吗, is of this year)
    if len(message) > _SHORT and not message.startswith(talk.markers("starts")):
        return message
    return _LONE_MONTH.sub(lambda m: f"{years[-1]}年{m.group(1)}月", message, count=1)


def moved_home(said: str, question: str, talk: Talk) -> str | None:
    """``question`` with the place elsewhere it names (我们是烟台的孵化器) said as the city's
    place the follow-up names (那如果是我们在威海高区设的孵化器呢); None when the follow-up
    names no place of the city or the question none elsewhere."""
    home = next((p for p in sorted(talk.home, key=len, reverse=True) if p in said), "")
    away = next((p for p in sorted(talk.elsewhere, key=len, reverse=True) if p in question), "")
    if not home or not away or talk.elsewhere_named(said):
        return None
    return question.replace(away, home)


def subjectless(said: str, talk: Talk, own: set[str],
                titles: Callable[[str], list[str]] | None) -> bool:
    """Whether the message asks about a step or a figure (复审, 再拿一回, 最多多少) without
    any subject of its own: it can only be about the conversation's subject (过两年复审要是
    又通过了，还能再拿一回不)."""
    return not own and not (titles is not None and titles(said)) \
        and bool(talk.found(said, talk.markers("about_previous")))


# 我们是做检验检测的科技服务公司 / 我司是技术转移机构: the owner saying who they are
_ASKER = re.compile(r"(?:^|[，,。；;！!？?\s])((?:我们|我司|我们公司|我们单位|本单位|本公司|我)"
                    r"(?:是|属于|作为|这边是)[^，,。；;！!？?\s]{0,20}?"
                    r"(?:公司|企业|机构|中心|孵化器|众创空间|大学|学校|学院|医院|研究院|研究所|院所"
                    r"|政府|科技局|协会|组织|厂|单位|园区|高新区))(?=[，,。；;！!？?\s]|$)"
                    # 我们公司自己投钱建了个研究院: the asker named by its kind, said in passing
                    r"|(?:^|[，,。；;！!？?\s])((?:我们|咱们)(?:公司|企业|厂|集团|医院|学校|大学))"
                    r"(?!的)")
_WE = re.compile(r"我们|我司|咱们|本单位|本公司")


def with_asker(text: str, earlier: Iterable[str], ours: bool = False) -> str | None:
    """``text`` with who the owner said they are earlier in the conversation written
    before it, when it speaks as 我们 without saying so itself (今年我们也是第一次过了高企
    after 我们是做检验检测的科技服务公司…), or is ``ours`` (one more event of the owner's
    told: 2022年又升了7家); else None."""
    if not (ours or _WE.search(text)) or _ASKER.search(text):
        return None
    said = next((m.group(1) or m.group(2) for t in reversed(list(earlier)) if t
                 for m in [_ASKER.search(t)] if m is not None), "")
    return f"{said}，{text}" if said else None


# 帮合作高校问一下 / 替客户问问: a question asked for another party
_FOR_ANOTHER = re.compile(r"(?:帮|替|给)[^，,。；;！!？?\s]{1,8}?"
                          r"(?:问下|问一下|问问|咨询|算下|算一下)[，,：:]?")
_THEY = re.compile(r"他们|对方|人家|它们")


def as_asker(question: str, said: str, name: str) -> str | None:
    """``question``, asked for another party (帮合作高校问一下，他们牵头组建的…), asked by the
    owner as ``name`` when the follow-up makes the owner the applicant (如果换成我们企业自己
    牵头呢); None when the follow-up does not speak as the owner or the question was the
    owner's own."""
    if not _WE.search(said) and "自己" not in said:
        return None
    own = _FOR_ANOTHER.sub("", question, count=1)
    if own == question:
        return None
    if _THEY.search(own):
        return _THEY.sub(f"我们{name}", own, count=1)
    return f"我们是{name}，{own}"


# 疫情期间停工停产的补贴: a kind of support and what it is for
_SUPPORT_FOR = re.compile(r"([\u4e00-\u9fff]{4,16}?)的?(?:补贴|补助|奖励|扶持|资助|贷款|减免|奖补"
                          r"|政策|优惠)")
# words pointing back or at a time or an aspect, not naming a thing of their own
_POINTING = re.compile(r"这|那|该|此|同样|一样|以后|之后|现在|目前|当时|方面|有啥|什么|哪些")
_ASKING = re.compile(r"^(?:那么|那|还有|另外|请问|问一下|再问一下|关于)?"
                     r"(?:有没有|有无|是否有|有什么|有啥|有|能不能申请|能申请|可以申请)?")


def foreign_subject(said: str, talk: Talk, topics: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether the message asks of a support for something of its own that is none of
    the policies' subjects, nor near them (那有没有疫情期间停工停产的补贴): a question of its
    own, not a change to the previous one."""
    m = _SUPPORT_FOR.search(said)
    if m is None:
        return False
    head = m.group(1)
    head = head[_ASKING.match(head).end():]  # type: ignore[union-attr]
    if len(head) < 4 or talk.is_near(head) or any(
            w in head for words in topics.values() for w in words):
        return False
    if talk.found(head, (*talk.markers("pronouns"), *talk.markers("about_previous"))) \
            or _POINTING.search(head) or talk.asked_kind(head + "政策") is not None:
        return False  # (废止以后同样的奖励 / 现在还有这政策吗 / 税收方面有啥政策: about it)
    for table in (talk.levels, talk.applicants, talk.stages):  # (高校牵头的补助: a change)
        for word in sorted((w for ws in table.values() for w in ws), key=len, reverse=True):
            head = head.replace(word, "")
    return len(head) >= 4


_PARTICLES = "又也还了的呢吧啊呀都就再"
# words that carry no content of their own in a follow-up ("升到国家级以后呢")
_FILLER = re.compile(r"的话|以后|之后|的时候|后来|升到|升级到|升级为|升为|变成|成了|改为|换成|改成"
                     r"|认定成|认定为|认定|评为|评上|成为|获批|升级|升"
                     r"|申请|申报|需要|要"
                     r"|请问|一下|那么|那|如果是|如果|要是|假如|假设|若是|是|呢|吗|嘛|啊|呀|吧|哦|嗯|的|了"
                     r"|我们|我|能|可以|多少|拿|补|奖|钱|给")


def leftover(rest: str, before: str, talk: Talk) -> str:
    """What the message says besides its slots, markers, intent words and the words of
    the previous question (合同额要是1000万呢 says nothing new besides the amount)."""
    text = PUNCT.sub("", strip_intent(rest))
    kind = talk.asked_kind(text)
    for word in sorted((*talk.markers("starts"), *talk.markers("endings"),
                        *(kind.ask if kind else ())), key=len, reverse=True):
        text = text.replace(word, "")
    text = _FILLER.sub("", text)
    out, i = [], 0
    while i < len(text):  # drop every stretch of two or more characters said before
        j = i + 2
        while j <= len(text) and text[i:j] in before:
            j += 1
        if j - 1 - i >= 2:
            i = j - 1
        else:
            out.append(text[i])
            i += 1
    left = "".join(out)
    # 又买了花了 after 买技术花了80万: only words of the question said again
    return "" if all(c in before or c in _PARTICLES for c in left) else left
