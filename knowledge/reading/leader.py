"""Who leads what the question is about (…牵头组建): the leader applies, not a participant.

"我们企业参与了山大威海牵头组建的市级技术创新中心，这个中心能拿多少": the centre's award
goes by its leader, a university.  "我们学校参与了一家企业牵头组建的…，我们学校能拿多少":
the asker only takes part, and the award is the leader's, so none is the asker's (said so).
The kinds are the vocabulary's applicant patterns, matched on the leader's own words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge.awards.calculator import Denied
from knowledge.awards.staff_regex import staff_regex
from knowledge.reading.counts import SELF_INCUBATEE
from knowledge.reading.party import AskedParty
from knowledge.reading.scope import is_negated

if TYPE_CHECKING:
    from knowledge.awards.vocabulary import Vocabulary

__all__ = ["COUNTED", "OTHER_ENTITY", "OUTSIDE", "PARTICIPANT", "ROLE", "SELLER", "SUPPLIER",
           "Leader",
           "counted_asked", "not_the_applicant", "outside_applicant", "partner_asked",
           "partners_named", "read_leader", "seller", "supplier"]

PARTICIPANT = "奖补给予牵头组建的单位，参与单位不是申报主体"
SUPPLIER = "奖补给予获得认定或组建平台的单位本身，供应商、入驻企业等其他单位不是申报主体"
ROLE = "奖补给予获得认定的单位本身，单位的员工个人、推荐或主管部门不是申报主体"
SELLER = "购买技术的奖励给予购买技术的企业，卖出技术的一方不是申报主体"
COUNTED = "按家数计算的奖补给予所说的单位本身（如孵化器），被计入家数的企业不是申报主体"
# 山大威海牵头组建的 / 牵头的是哈工大: the words before 牵头 back to a verb or a break
_LED = re.compile(r"牵头(?:组建|建设|建立|成立|申报|的)?")
_LED_BY = re.compile(r"牵头(?:的|单位|方)(?:是|为)([^，,。；;！!？?\s]{1,14})"
                     r"|([^，,。；;！!？?\s是]{1,12})(?:是|为|作为)牵头(?:单位|方)")
# (我们区有3家企业牵头组建的: 有 ends what the asker says of itself, the leader follows)
_WORD_BEFORE = re.compile(r"(?:^|[，,。；;！!？?、（()）\s了的是由和与跟同有])"
                          r"([^，,。；;！!？?、（()）\s了的是由和与跟同有]{1,12})$")
_SELF = re.compile(r"^(我们|我司|本|咱|我)")
# 我们学校参与了… / 我们是参与单位之一: the asker takes part, it does not lead
_TAKES_PART = re.compile(r"(我们|我司|本单位|咱们?|我校|我院)[^，,。；;！!？?]{0,8}"
                         r"(参与|参加|协作|参建|共建|合建|联建|一起建)|参与单位|参建单位|共建单位|联建单位|合作单位之一"
                         r"|是参与|是参建")
_OTHER_LEADS = re.compile(r"(别人|别家|人家|别的单位|其他单位|其他企业"
                          r"|另一家[^，,。；;]{0,6}?)牵头")
# 联合山大威海组建的 / 与哈工大共建: a partner of the one that leads
_PARTNER = re.compile(r"(?:联合|携手|会同|和|与|同|跟)([^，,。；;！!？?、\s和与同跟]{1,12}?)"
                      r"(?:一起|共同|联合|一块|合作)?(?:组建|共建|建设|建)"
                      r"|(?:^|[，,])([^，,。；;！!？?、\s]{1,12}?)(?:是|为|作为)(?:参与单位|参与方|合作单位)")
# 我们公司 / 我们学校: the asker named with its kind
_SELF_NAMED = re.compile(r"(我们|我司)(公司|企业|厂|集团|学校|大学|学院|医院|研究院|研究所)")
# 我们医院能分到多少 / 我们学校能拿多少: the asker asks for itself
# (我们公司是做电子元件生产的能拿多少: what it is said between, no other holder named)
_ASKS_SELF = re.compile(r"(我们|我司|本单位|我校|我院)[^，,。；;！!？?孵众他它对那]{0,14}[，,]?"
                        r"(能|可以|可)(从[^，,。；;]{1,10}(里|中))?[^，,。；;]{0,4}(分|拿|得|领)")
# 我们这个中心能拿多少: what was built together is asked about, not the asker's part
_ASKS_BUILT = re.compile(r"(这个|的)(中心|平台|基地)[^，,。；;]{0,4}(能|可以|可)")
# 学校这边能拿多少 / 我方能分多少: the asker's side
_OUR_SIDE = re.compile(r"([^，,。；;！!？?]{0,4})(?:这边|我方)(能|可以|可)[^，,。；;]{0,4}"
                       r"(分|拿|得|领)")
# 区科技局自己能拿多少 / 我们公司自己能单独拿多少: the asker asks for itself alone
_ASKS_ITSELF = re.compile(r"自己[^，,。；;]{0,4}(能|可以|可)[^，,。；;]{0,4}(分|拿|得|领)")
# 我们作为供应商能拿多少 / 我们给…供了设备: the asker supplies the holder, it holds nothing
_SUPPLIES = re.compile(r"(作为|我们是|我司是|我们就是)[^，,。；;]{0,6}?"
                       r"(供应商|供货商|设备商|承建方|施工方|施工单位|承包商)"
                       r"|(我们|我司|我厂)(厂|公司)?给[^，,。；;]{2,20}(供了|供应了|提供了|卖了)")
# 我个人能分到多少 / 我们局作为推荐单位能分多少: a role around the holder asks for itself
_ROLE_ASKS = re.compile(r"(我个人|我们?个人|员工|职工|研发人员|研发团队|团队成员|项目负责人"
                        r"|技术人员"
                        r"|推荐单位|推荐部门|主管部门|归口部门)[^，,。；;！!？?]{0,6}"
                        r"(能|可以|可|会)[^，,。；;！!？?]{0,3}(分|拿|得|领)")
# 我们是孵化器里的企业 / 我是大学科技园里入驻的企业: a member of the holder, asking for itself
_MEMBER = re.compile(r"(我们是|我是|我司是)[^，,。；;]{0,12}?(里的|里面的|内的|入驻的?|在孵的?)"
                     r"[^，,。；;]{0,4}?(企业|公司)")


@dataclass(frozen=True)
class Leader:
    """The kind of applicant that leads (``kind``), as said (``said``); ``participant``:
    the asker takes part and asks for itself (the award is not theirs)."""

    kind: str
    said: str
    participant: bool
    asker: bool = False  # the asker leads (我们公司牵头、联合山大威海组建的)


def _leaders(text: str) -> list[str]:
    # 哈工大（威海）牵头: a place in brackets is part of the leader's name
    text = re.sub(r"[（(]([\u4e00-\u9fff]{2,3})[）)]", r"\1", text)
    out: list[str] = []
    for m in _LED.finditer(text):
        before = _WORD_BEFORE.search(text[:m.start()])
        if before is not None:
            out.append(before.group(1) + m.group())
    out += [(m.group(1) or m.group(2)) + "牵头" for m in _LED_BY.finditer(text)]
    return out


def read_leader(text: str, applicants: Sequence[tuple[str, str]],
                asked_kind: str | None = None) -> Leader | None:
    """The one party the question says leads (the asker or another), with its kind; None
    when no leader is said, or leaders of several kinds are (groups, read elsewhere).
    ``asked_kind``: the kind of the party asked about (我们学校参与了…，学校这边能拿多少:
    the participant's own)."""
    found: dict[str, str] = {}
    asker_leads = False
    for said in _leaders(text):
        asker_leads = asker_leads or bool(_SELF.match(said))  # 我们公司牵头、联合山大…
        if (own := _SELF_NAMED.search(text)) is not None and re.fullmatch(
                r"(我们|我司|咱们)(是)?牵头(?:组建|建设|建立|成立|申报|的)?", said):
            said = own.group() + "牵头"  # 我们公司…，我们是牵头单位: the asker's own kind
        kinds = {name for name, pattern in applicants if staff_regex(pattern).search(said)}
        if len(kinds) > 1:
            kinds.discard("enterprise")  # (山大威海 is no company)
        if len(kinds) == 1:
            found.setdefault(kinds.pop(), said)
    if not found and (other := _OTHER_LEADS.search(text)) and _TAKES_PART.search(text):
        # 我们作为参与单位加入别人牵头的国家级中心: another leads, whoever it is
        return Leader("", other.group(), True, False)
    if len(found) != 1:
        return None
    kind, said = next(iter(found.items()))
    # (辖区里一家企业牵头的中心获批了，区科技局自己能拿多少: the leader's, not the asker's)
    side = _OUR_SIDE.search(text)
    # (学校这边 of a university that leads: the leader's side, not the asker's)
    side_led = side is not None and any(name == kind and staff_regex(pattern).search(
        side.group(1)) for name, pattern in applicants)
    asks_own = (bool(_ASKS_SELF.search(text) or (side and not side_led))
                and not _ASKS_BUILT.search(text)) or asked_kind not in (None, kind)
    return Leader(kind, said, not asker_leads and bool(
        (_TAKES_PART.search(text) and asks_own) or _ASKS_ITSELF.search(text)),
        asker_leads)


# 这8家企业自己能从这里面分钱吗 / 那些企业能拿多少: the firms a count counts, asked for
# (这些一共能拿多少: all of it, not the firms)
_COUNTED_ASKED = re.compile(r"(?:[这那](?:些|几家|[0-9一二两三四五六七八九十]+\s*家)(?:在孵)?"
                            r"(?:(?:企业|公司)(?:自己|本身|各自)?|自己|本身|各自)"
                            # (…升高企那个奖励它们自己能拿多少)
                            r"|(?:它们|他们)(?:自己|本身|各自))"
                            r"[^，,。；;]{0,10}?(?:能|可以|可)[^，,。；;]{0,6}?(?:分|拿|得|领)")


# 还有那家外地的合作单位，它能拿多少 / 合作方能分多少: a partner asked for
_PARTNER_ASKED = re.compile(r"(?:[那这](?:家|个|所)|对方|几家)?[^，,。；;！!？?]{0,8}?"
                            r"(?:合作单位|合作方|合作伙伴|参与单位|参与方|参建单位"
                            r"|(?:一起|一块|共同|联合|合作|跟我们)(?:建|组建|共建|合建|搞)的"
                            r"(?:那家|那个|那所)?(?:企业|公司|单位|高校|学校|大学|医院|院所))"
                            r"[^。？?]{0,8}?(?:能|可以|可)[^，,。；;]{0,6}?(?:分|拿|得|领)")


def partner_asked(text: str) -> str:
    """The words asking for a partner of the holder (那家合作单位能拿多少), else '' (and
    not when the holder itself is asked after it: 我们是参与单位，这个中心能拿多少)."""
    m = _PARTNER_ASKED.search(text)
    if m is None or re.search(r"[，,；;][^，,；;]*(中心|平台|基地|孵化器|众创空间|科技园)"
                              r"[^，,；;]{0,4}(能|可以|可)", m.group()):
        return ""
    return m.group()


def counted_asked(text: str) -> str:
    """The words asking for the firms a count counts (这8家企业自己能分钱吗), else ''."""
    m = _COUNTED_ASKED.search(text)
    if m is not None and _ASKER_AFTER.search(text, m.end()):
        return ""  # (这三家企业自己能不能拿钱我不管，我们孵化器能拿多少: the asker's, asked last)
    return m.group() if m else ""


_ASKER_AFTER = re.compile(r"[，,。；;！!？?](?:那|但)?(我们|我司|本单位|咱们)"
                          r"[^，,。；;！!？?他它对那]{0,8}(能|可以|可)[^，,。；;]{0,4}(分|拿|得|领)")


def supplier(text: str) -> str:
    """What the asker says it supplies the holder as, or is a member of (我们作为供应商能拿
    多少; 我们是孵化器里的企业，我们企业能分多少), when it asks for itself, else ''."""
    m = _SUPPLIES.search(text) or _MEMBER.search(text) or SELF_INCUBATEE.search(text)
    return m.group() if m and (_ASKS_SELF.search(text) or _ASKS_ITSELF.search(text)) else ""


def partners_named(text: str, applicants: Sequence[tuple[str, str]]) -> set[str]:
    """The kinds of the partners the asker leads with (我们公司牵头、联合山大威海组建的…:
    a university), who do not apply."""
    found: set[str] = set()
    for m in _PARTNER.finditer(text):
        words = m.group(1) or m.group(2)
        kinds = {name for name, pattern in applicants
                 if staff_regex(pattern).search(words + "组建")}
        # (和一家企业联合组建: a plain firm, which the asker's own patterns leave out)
        found |= kinds or ({"enterprise"} if re.search(r"(企业|公司|厂)$", words) else set())
    return found


# 我们公司把一项技术卖给了烟台的一家企业 / 我校把成果转让给了本地企业: the asker sells
_SELLS = re.compile(r"(我们|我司|我厂|本公司|我公司|本单位|我校|咱们)[^，,。；;！!？?]{0,12}?"
                    r"(卖给|卖出|转让给|许可给)(?!了?(我们|我司|我厂|本公司|我公司|本厂))"
                    # 我们作为卖方 / （技术卖方）: the asker says it is the seller
                    r"|(?:作为|是|身为)(?:技术)?(?:卖方|转让方|出让方)|[（(](?:技术)?卖方[）)]")
# the asker buys too, or brokers (帮…买, 撮合, 促成): its own purchase or service
_BUYS_TOO = re.compile(r"(?<!卖)(买|购|引进|受让)(?!方|家)|帮|替|撮合|促成|中介|经纪")


def seller(text: str) -> str:
    """The asker's words selling its technology (我们公司把一项技术卖给了烟台的一家企业),
    when it neither buys nor brokers, else ''."""
    m = _SELLS.search(text)
    if m is None or _BUYS_TOO.search(text):
        return ""
    end = re.match(r"[^，,。；;！!？?]*", text[m.end():])
    return m.group() + (end.group() if end else "")


OUTSIDE = "本市政策的申报主体须为威海市（我市）的单位"
# who asks, then where they are: 我们是烟台的公司, 我司在青岛注册, 我们公司注册在济南
# (narrower than the scope's SELF: a bare 我 before a place is no self-description,
# 我朋友是烟台的)
_ASKER = r"(?:我们|我司|本公司|本单位|咱们|我是|我们是)"


# 我们烟台的子公司签的: an entity of the asker's elsewhere, not the asker (when the asker
# says it is in the city)
OTHER_ENTITY = (r"[^，,。；;]{0,2}?(?:子公司|分公司|办事处|工厂|基地|合作方|合作单位|合作伙伴|客户"
                r"|总部|母公司|总公司)")
# 我们公司和兄弟公司都买了技术: the asker and another company, each with its own place
_BESIDE = re.compile(r"(我们|我司|本公司)[^，,。；;]{0,4}?(和|跟|与|及)[^，,。；;]{0,6}?"
                     r"(公司|企业|厂)")


def outside_applicant(text: str, elsewhere: tuple[str, ...], home: tuple[str, ...] = ()
                      ) -> str:
    """The owner's words placing the applicant outside the city ("我们是烟台的公司",
    "我司注册在青岛"), else "".  A place of another party (从烟台的高校买的) is not, nor
    an applicant that says it works in the city too (济南注册的，在威海也开展业务)."""
    if not elsewhere:
        return ""
    here = "|".join(re.escape(p) for p in (*home, "我市", "本市"))
    if _said(r"在(?:" + here + r")[^，,。；;]{0,4}?(?:开展|有|做|设|办)[^，,。；;]{0,4}?"
             r"(?:业务|分公司|子公司|公司|工厂|厂|机构|基地)", text):
        # (济南注册的，在威海也开展业务 / 在威海有个分公司: it works here too; not 合同在威海
        # 也做了认定登记, nor 在威海有个合作项目: a project is no establishment of its own)
        return ""
    if _said(r"(?:在|于)(?:" + here + r")[^，,。；;]{0,3}?(?:注册|落户|成立|设立)"
             r"|(?:注册|落户)(?:在|于|地在)(?:" + here + r")", text):
        return ""  # 总部在北京的公司在经区注册的子公司: registered here, it is of the city
    places = "|".join(re.escape(p) for p in sorted(elsewhere, key=len, reverse=True))
    # (我们（威海的公司）…我们烟台的子公司签的: the asker is here, the subsidiary is not it)
    other = "(?!" + OTHER_ENTITY + ")" if re.search(
        _ASKER + r"[^，,。；;]{0,4}?(?:" + here + ")", text) else ""
    m = re.search(_ASKER + r"[^，,。；;从向跟和与帮替给买卖]{0,6}?(?:是|在|位于|注册在|落户在?)?"
                  r"(" + places + r")(?:的|注册|市|本地)" + other, text) \
        or re.search(
        # 我们孵化器在烟台，…: where the asker is, said alone in its clause
        # (我们公司在烟台芝罘区: a district of the place named after it)
        _ASKER + r"[^，,。；;从向跟和与帮替给买卖]{0,6}?(?:在|位于)(" + places
        + r")(?:[\u4e00-\u9fff]{1,4}?[区县镇])?(?=[，,。；;！!？?]|$)", text)
    if m is None:
        m = re.search(r"(?:^|[，,。；;：:])(?:我们)?(?:是)?(" + places + r")(?:(?:的|本地的?)"
                      r"(?:公司|企业|单位|机构|厂)|的?(?:一家|一个|这家|那家|某)"
                      # (单位：烟台某机械企业: the asker said in a form's field)
                      r"[\u4e00-\u9fff]{0,6}?(?:公司|企业|单位|机构|厂|孵化器|众创空间))",
                      text)  # (青岛一家孵化器…能拿威海市里的奖吗)
    if m is None and not _BESIDE.search(text):
        # 丙公司烟台注册 / C公司注册在青岛: a recipient the owner speaks for, registered
        # elsewhere (not a sister company beside the asker: 我们和兄弟公司都买了…)
        m = re.search(r"(?:公司|企业|单位|机构|厂)(?:是在|是|在|位于)?(" + places
                      + r")(?:注册|落户)|(?:公司|企业|单位|机构|厂)(?:注册|落户)(?:在|于|地在)("
                      + places + ")", text)
    if m is None:
        # …技术转移中心，注册在北京，…: the asker's registration, said in a clause of its own
        m = re.search(r"(?:^|[，,。；;])(?:注册(?:地)?(?:在|于|是)|注册地在)(" + places
                      + r")(?=[，,。；;！!？?]|$)", text)
    if m is None:
        # 国家技术市场奖是上海总部拿的: the title obtained by an establishment elsewhere
        m = re.search(r"(?:是|由)(" + places + r")[\u4e00-\u9fff]{0,4}?(?:总部|母公司|集团|子公司"
                      r"|分公司|公司|企业)(?:拿|评|获|申报|申请|认定|得)", text)
    if m is None:
        return ""
    end = re.match(r"[^，,。；;！!？?]*", text[m.end():])
    return (m.group(0) + (end.group(0) if end else "")).lstrip("，,。；;：:")


def _said(pattern: str, text: str) -> bool:
    """Whether ``text`` says ``pattern`` not denied (在威海没有注册公司 says no presence)."""
    return any(not is_negated(text, m.start(), m.end()) for m in re.finditer(pattern, text))


_JOINED_ONLY = r"(?:是|作为|只是|算)(?:参与单位|参与方|合作单位|共建单位)"


def not_the_applicant(flat: str, facts: dict[str, object], vocab: Vocabulary,
                       party: AskedParty | None, leader: Leader | None) -> Denied | None:
    """Why the asker is not who the awards go to: placed outside the city, a participant
    of what another leads, the seller of what another bought, a supplier; else None."""
    if (said := outside_applicant(flat, vocab.elsewhere, vocab.home)) and not (
            party is not None and party.said not in said):  # (青岛的投资方，那家威海公司…)
        return Denied(said, requirement=OUTSIDE)
    if party is not None and (placed := _placed_party(flat, party.said, vocab.elsewhere)):
        return Denied(placed, requirement=OUTSIDE)  # 烟台那边的子公司…，子公司能拿多少
    if leader is not None and leader.participant:
        # 我们学校参与了一家企业牵头组建的…，我们学校能拿多少
        return Denied(leader.said, requirement=PARTICIPANT)
    if said := partner_asked(flat):  # 还有那家外地的合作单位，它能拿多少
        return Denied(said, requirement=PARTICIPANT)
    if party is not None and (joined := re.search(re.escape(party.said) + _JOINED_ONLY, flat)):
        # 跟我们一起建的那家企业是参与单位，它能另外拿一份吗: the party only takes part
        return Denied(joined.group(), requirement=PARTICIPANT)
    if party is None and (said := seller(flat)):
        # 我们公司把一项技术卖给了烟台的一家企业…我们能拿多少: the buyer's award
        return Denied(said, requirement=SELLER)
    if (said := counted_asked(flat)) and any(
            (spec := vocab.facts.get(n)) is not None and spec.kind == "count" for n in facts):
        return Denied(said, requirement=COUNTED)
    if (said := supplier(flat)) and not (_kinds(facts) - {"enterprise", "incubator"}):
        # 我们给…的中心供了设备，作为供应商能拿多少 (a member of a kind of its own, 科技服务
        # 机构 in an incubator, keeps that kind's awards)
        return Denied(said, requirement=SUPPLIER)
    if (role := _ROLE_ASKS.search(flat)) and _kinds(facts) - {"individual"}:
        return Denied(role.group(), requirement=ROLE)  # 我个人能分到多少 (the firm's award)
    return None


def _placed_party(text: str, party: str, elsewhere: tuple[str, ...]) -> str:
    """Where the text places the party asked about, an entity of the asker's, outside the
    city (烟台那边的子公司), or ''."""
    if not elsewhere:
        return ""
    places = "|".join(re.escape(p) for p in sorted(elsewhere, key=len, reverse=True))
    if (named := re.match(r"(?:" + places + r")", party)) and named.group() not in re.split(
            r"[，,。；;！!？?\s]", text.rstrip("，,。；;！!？? "))[-1]:
        return party  # 合作的一家青岛企业…，他们能拿多少: placed by its own words
    if not re.fullmatch(OTHER_ENTITY, party):
        return ""  # (烟台的孵化器能拿多少: another city's, asked as such)
    m = re.search(r"(?:" + places + r")(?:那边|这边|那里|本地)?的?" + re.escape(party), text)
    return m.group() if m else ""


def _kinds(facts: Mapping[str, object]) -> set[str]:
    """The applicant kinds read (what the owner said they are)."""
    held = facts.get("applicant_types")
    return {str(k) for k in held} if isinstance(held, (set, frozenset)) else set()
