"""The party a question asks about, when it is not the asker (对方企业能拿多少, 孵化器能拿多少,
镇政府这边能拿多少, 乳山市能拿多少): the estimate is that party's, so the applicant is its kind.

The party is the noun right before a verb of receiving (拿, 得, 领, 分, 获得, 享受) in the
clause that asks; the government paying (市里给多少) is no party, nor the asker itself
(我们公司能拿多少).  Its kind is read from the words the vocabulary gives each applicant
kind (label, phrases, implied_by: 企业, 公司, 孵化器, 乳山市, 镇政府 …), the longest first;
what the message says the party is (A公司是做检测服务的科技服务机构) is read by the
applicant patterns and takes precedence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.awards.staff_regex import staff_regex

__all__ = ["AskedParty", "asked_party", "from_party"]

# 对方企业能拿多少 / 孵化器这边最多能拿多少 / A公司自己能拿多少
_ASKED = re.compile(r"([^，,。；;！!？?\s、和与跟给从向把让()（）]{1,10}?)"
                    r"(?:这边|那边|这块|方面|自己|本身|单独)?"
                    r"(?:加起来|合起来|加一起)?(?:最多|一共|总共|大概|大约|还|总)?(?:能|可以|可|会)?(?:因为(?:我们|这个|这))?"
                    r"(?:从[^，,。；;！!？?]{1,6}?)?"  # 镇上的企业能从这笔里分到钱吗
                    r"(?:另外|单独|再|也)?"
                    r"(?:拿|得到?|领|分到?|获得|享受|申请到)(?:到)?"
                    r"(?:多少|几|啥|什么|钱?吗|奖励吗|补助吗|一份吗?|钱?$)")
_ASKING_WORDS = re.compile(r"问一下|问下|请问|想问|就问|只问|单问|问问"
                           r"|这笔奖励|那笔奖励|这笔钱|那笔钱")
_THAT_NOUN = r"(?:那|这)(?:家|个|所|边)?[\u4e00-\u9fff]{0,4}"
# 市里奖给区政府这一块是多少 / 给镇上多少: the party the paying side gives to
_GIVEN_TO = re.compile(r"(?:奖|补|拨|发)?给([^，,。；;！!？?\s、和与跟从向把让()（）]{1,10}?)"
                       r"(?:这一块|这块|这边|那边|方面|的)?(?:一共|总共|大概|能|可以)?"
                       r"(?:是|有|奖|补|发|拨)?(?:多少|几)")
# 区科技局的，问下…单个企业最多补多少: the one each award goes to, asked by another
_PER_ONE = re.compile(r"(?:单个|每个|每家|一家|一个)([\u4e00-\u9fff]{1,4}?)"
                      r"(?:最多|最高|一共|能|可以)*(?:补|奖|给|拿)(?:多少|几)")
_DOING = re.compile(r"认定|评上|评为|通过|获批|升级|升了|买|卖|建|办|签|登记|申报|考核|奖励")
# the city itself: the one paying the municipal awards, never their applicant
_THE_CITY = re.compile(r"(?:威海)?(?:市里|市上|市政府|市财政|市级财政|市)")
_SELF = re.compile(r"^(我们|我司|本|咱|我|俺|自己)")
# 这一单我们公司 / 这次我司: the asker, after words about what is asked
_SELF_LAST = re.compile(r"(我们|我司|咱们|本)(公司|企业|单位|厂|学校|机构|医院|镇|区)?$")
_THEM = ("他们", "他们家", "他家", "人家", "对方", "他们公司", "她们", "它", "它们")
# 那家企业是参与单位: one said to take part in what another leads
_JOINED = re.compile(r"(?:那|这)(?:家|个|所)([\u4e00-\u9fff]{1,4}?)(?:是|作为|只是|算)"
                     r"(?:参与单位|参与方|合作单位|共建单位)")
# 那家企业 / 这个机构: one named before a pronoun asks for it
_THAT_ONE = re.compile(r"(?:那|这)(?:家|个|所)([\u4e00-\u9fff]{1,4}?)(?=是|也|，|,|作为)")
# 帮买方问下 / 替客户问问: the one the asker asks for
_BEHALF = re.compile(r"(?:帮|替|给)([^，,。；;！!？?\s]{1,8}?)"
                     r"(?:问下|问一下|问问|咨询|问|算下|算一下)")
# 帮一家科技服务机构做的高企申报: the one the asker works for
_SERVED = re.compile(r"(?:帮|替|给|为)(?:一家|某家|这家|那家|一个|本地一家)?"
                     r"([\u4e00-\u9fff]{2,10}?(?:机构|企业|公司|中心|孵化器|众创空间|学校|大学|医院))"
                     r"(?=做|办|申报|申请|代理|买|引进)")
# 跟我们合作的一家青岛企业…，他们能拿多少: the one a pronoun points back at, introduced
# with 一家 / 某家 and its kind
_INTRODUCED = re.compile(r"(?:一家|某家|一所|一个)([\u4e00-\u9fff]{0,6}?(?:企业|公司|厂|单位|机构"
                         r"|高校|大学|医院|研究所|研究院))")
_EACH = ("每家", "每个", "每一家", "各家", "各自", "每家企业")
_OPENING = re.compile(r"^(那|那么|请问|问下|问一下|想问|帮忙算下|算下|所以|这样|这样的话)+")


@dataclass(frozen=True)
class AskedParty:
    kind: str
    said: str  # the party as the message names it (对方企业)
    also: tuple[str, ...] = ()  # the kinds of the others asked with it (荣成市和俚岛镇合计)


def _described(text: str, party: str, applicants: Sequence[tuple[str, str]]) -> set[str]:
    """The kinds the message says the party is (A公司是做检测服务的科技服务机构)."""
    m = re.search(re.escape(party) + r"是([^，,。；;！!？?]{2,20})", text)
    if m is None:
        return set()
    return {name for name, pattern in applicants if staff_regex(pattern).search(m.group(1))}


def _trimmed(party: str, words: list[tuple[str, str]]) -> str:
    """``party`` after the words that ask (不问我们自己，就问买方那家公司 / 问一下这笔奖励区科技局
    这边), and a vocabulary word followed by a demonstrative said as that word (买方那家公司)."""
    party = _ASKING_WORDS.split(party)[-1] or party
    return next((w for _, w in sorted(words, key=lambda p: -len(p[1]))
                 if len(w) >= 2 and re.fullmatch(re.escape(w) + _THAT_NOUN, party)), party)


def _pointed(party: str, text: str, found: re.Match[str]) -> str:
    """A party said by a pronoun (他们, 它, 对方企业) as the one it points at."""
    if party.endswith(_THEM) and (behalf := _BEHALF.search(text, 0, found.end())) is not None:
        return behalf.group(1)  # 想帮买方问下他们能拿多少: the one asked for
    if party.endswith(_THEM) and (named := _THAT_ONE.findall(text, 0, found.start())):
        return str(named[-1])  # 那家企业是参与单位，它能另外拿一份吗: the one named before
    if party.startswith(_THEM) and (served := _SERVED.findall(text, 0, found.start())):
        return str(served[-1])  # 帮一家科技服务机构做的申报，对方企业能拿多少: the one served
    introduced = list(_INTRODUCED.finditer(text, 0, found.start()))
    if party in _THEM and introduced and not re.search(
            r"(?:那|这)(?:家|个|所)", text[introduced[-1].end():found.start()]):
        # 合作的一家青岛企业…，他们能拿多少: the one introduced (not 那家…单位 said since)
        return introduced[-1].group(1)
    return party


def asked_party(text: str, words: Iterable[tuple[str, str]],
                applicants: Sequence[tuple[str, str]]) -> AskedParty | None:
    """The party the last asking clause of ``text`` asks about, with its kind; None when
    the asker asks for itself or no party of a known kind is named.  ``words``: (kind,
    word) naming each applicant kind; ``applicants``: (kind, pattern) of the vocabulary."""
    words = list(words)
    if (joined := _joined_parties(text, words)) is not None:
        return joined
    found = None
    for m in (*_ASKED.finditer(text), *_GIVEN_TO.finditer(text), *_PER_ONE.finditer(text)):
        found = m if found is None or m.end() > found.end() else found
    if found is None:
        return _asked_for(text, list(words))
    # (入孵2年A公司自己能拿多少 / 合同登记了180万 A企业能拿多少: the words after the last
    # figure)
    party = _OPENING.sub("", re.split(r"[\d.]+\s*(?:万元|万|元|[年月日号家个项件])?",
                                      found.group(1))[-1])
    party = _pointed(party, text, found)
    if (joined_to := _JOINED.search(text, 0, found.end())) is not None:
        party = joined_to.group(1)  # 那家企业是参与单位，它能另外拿一份吗: the one taking part
    # (蓝港科技市级能拿多少: the city's money asked of the party)
    party = re.sub(r"(?<=..)(市级|市里|市财政)$", "", _trimmed(party, words))
    if "的" in party and not _DOING.search(party.rpartition("的")[2]):
        # 卖给我们技术的那所学校 / 买的企业: the one named after what it did
        party = party.rpartition("的")[2]
    if party in _EACH:  # 镇上那几家企业，每家能分多少: the ones named just before
        before = re.split(r"[，,。；;！!？?\s]", text[:found.start()].rstrip("，,。；;！!？? "))[-1]
        party = _OPENING.sub("", before)
    if not party or _SELF.match(party) or _SELF_LAST.search(party) or _THE_CITY.fullmatch(party):
        return None  # (…，市里能拿多少: what the city pays, the city no applicant)
    described = _described(text, party, applicants)
    if len(described) == 1:
        return AskedParty(described.pop(), party)
    if (exact := next((k for k, w in words if w == party), None)) is not None:
        return AskedParty(exact, party)  # 买方: a word of the vocabulary, whatever its verb
    if _DOING.search(party):
        return None  # (重新认定高企一共能拿多少: what was done, not who)
    return _kind_named(party, words, text[:found.start()])


def _kind_named(party: str, words: list[tuple[str, str]], before: str) -> AskedParty | None:
    """The party with the kind its own words end on (对方企业, 乳山市, 镇政府), or a firm of
    the area introduced by its name before (``before``: the text before the asking)."""
    # the kind word the party ends on (对方企业, 乳山市, 镇政府): its head noun
    # (镇上能拿多少 / 区里能拿多少: the place word's 上/里 after its head noun)
    head = party[:-1] if party[-1:] in ("上", "里") and len(party) > 1 else party
    if head.endswith("政府") and len(head) > 3 and not any(head.endswith(w) for _, w in words):
        head = head[:-2]  # 荣成市政府: the place's government, its kind the place's
    named = sorted(((w, k) for k, w in words if w and head.endswith(w)),
                   key=lambda p: -len(p[0])) or [
        (w, k) for k, w in words if len(head) == 1 and len(w) <= 3 and w.endswith(head)]
    if named:
        return AskedParty(named[0][1], party)
    # 辖区的蓝港科技…, 蓝港科技公司…: a firm introduced by its name, in the area or with
    # its kind (then 蓝港科技能拿多少)
    named_here = r"(?<![\u4e00-\u9fff])" + re.escape(party)
    if re.search(named_here + r"(公司|企业|厂|集团)", before) or (
            "辖区" in before and re.search(r"辖区(?:内|里)?的?(?:一家)?" + re.escape(party)
                                          + "|" + named_here, before)):
        return AskedParty("enterprise", party)
    return None


# 荣成市和俚岛镇合计多少 / 我们荣成市和下面的俚岛镇一共能拿多少: two parties asked together
_TWO_PARTIES = re.compile(r"([\u4e00-\u9fff]{1,10}?)(?:和|与|及|跟|、|以及)"
                          r"(?:下面的|下属的|辖区的)?([\u4e00-\u9fff]{2,8}?)(?:加起来|合起来|两家|两个)?"
                          r"(?=合计|一共|总共|共|能|可以|拿|得|多少|几)")
_ASKS = re.compile(r"多少|几")


def _joined_parties(text: str, words: list[tuple[str, str]]) -> AskedParty | None:
    """Two parties of different kinds asked about together in the asking clause
    (市级奖励给荣成市和俚岛镇合计多少): both apply, each to the awards of its own kind."""
    clauses = re.split(r"[，,。；;！!？?\s]", text)
    clause = next((c for c in reversed(clauses) if _ASKS.search(c)), "")
    m = _TWO_PARTIES.search(clause)
    if m is None:
        return None
    first = re.split(r"[给向把让从帮替问]", _SELF.sub("", m.group(1)))[-1]
    one = _kind_named(first, words, "") if first else None
    two = _kind_named(m.group(2), words, "")
    if one is None or two is None or one.kind == two.kind:
        return None
    return AskedParty(two.kind, f"{first}和{m.group(2)}", (one.kind,))


# 这家企业 / 该公司: the one asked for, named again by its kind
_THIS_KIND = re.compile(r"(?:这|那|该)(?:家|个|所)([\u4e00-\u9fff]{1,3}?)"
                        r"(?=\d|[，,。；;：:]|今年|去年|前年|在|于|是|被|签|买|的)")


def _asked_for(text: str, words: list[tuple[str, str]]) -> AskedParty | None:
    """The one the asker asks for when no asking clause names a party (区科技局帮辖区的鑫达
    机械问一下：这家企业…，市级奖励是多少): its kind from its own words, from 这家企业 said
    after, or a firm of the area (辖区的…); None otherwise."""
    m = _BEHALF.search(text)
    if m is None:
        return None
    party = m.group(1).rpartition("的")[2] or m.group(1)
    if not party or _SELF.match(party):
        return None
    if (known := _kind_named(party, words, text[:m.end()])) is not None:
        return known  # (its own words, or a firm of the area: 帮辖区的鑫达机械)
    this = _THIS_KIND.search(text, m.end())
    kind = next((k for k, w in words if this is not None and w == this.group(1)), None)
    return AskedParty(kind, party) if kind else None


# 把一项专利卖给了威海另一家企业 / 卖给本市A企业: a sale to the party asked about
_SOLD_TO = re.compile(r"(卖|转让|许可)给了?([^，,。；;！!？?]{0,12}?(企业|公司|厂))")


def from_party(text: str, party: AskedParty | None) -> str:
    """``text`` as the party asked about would say it: what the asker sold to it (卖给了
    威海另一家企业…，对方企业能拿多少) is the party's purchase (卖给了我们)."""
    if party is None or party.kind != "enterprise" or not _SOLD_TO.search(text):
        return text
    # (我们是技术中介，帮山大把专利卖给本市A企业…A企业能拿多少: the party bought it, the
    # asker's brokering is no part of what the party says)
    text = _BROKER_SAID.sub("", text)
    return _SOLD_TO.sub(lambda m: f"{m.group(1)}给了我们（{m.group(2)}）", text, count=1)


_BROKER_SAID = re.compile(r"(?:我们|我司|本机构)(?:是|作为)(?:一家)?[^，,。；;！!？?\s]{0,10}?"
                          r"(?:技术中介|中介|经纪[^，,。；;！!？?\s]{0,3}|技术转移[^，,。；;！!？?\s]{0,6})"
                          r"[，,\s]*|(?:帮|替|协助)(?=[^，,。；;]{0,12}把)")

