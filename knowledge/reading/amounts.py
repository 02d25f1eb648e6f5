"""Amounts read out of a question, placed on their money facts segment by segment: several
of one fact add up, a stated total is the amount, one in a segment denying the fact's
condition is left out; see :func:`read_money`."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import replace

from knowledge.money import MoneyMention, format_yuan, scan_money
from knowledge.numerals import parse_int
from knowledge.reading.figures import names_award, received
from knowledge.reading.mixed import affirmed_apart, by_position, less_undone, out_by_position
from knowledge.reading.raw import RawExtraction
from knowledge.reading.said import (
    HAS_AMOUNT,
    NOT_ASKING,
    circumstances_out,
    denies,
    each_of_count,
    in_the_city,
    listed_parts,
    met_later,
    note_approximate,
    own_start,
    totalled,
)
from knowledge.reading.said import SEGMENT as _SEGMENT
from knowledge.reading.scope import BUT, FAILED, IF, clause_start, failed_after, is_negated

__all__ = ["HELPED", "MONEY_CONTEXTS", "NEGATED_CONDITIONS", "read_money"]

# 卖给本市企业 / 转让给一家企业 (not 卖给我们): the asker sells
_SOLD = re.compile(r"(卖给|卖出|转让给|许可给)(?!了?(我们|我司|我厂|本公司|我公司|本厂))")
_BOUGHT = re.compile(r"(?<!卖)(买|购|引进|受让)")


def _sold_last(before: str) -> bool:
    """Whether the last deal before an amount is the asker's sale (…卖给本市企业2项，…200万)."""
    sold = [m.end() for m in _SOLD.finditer(before)]
    bought = [m.end() for m in _BOUGHT.finditer(before)]
    return bool(sold) and sold[-1] > max(bought, default=-1)

HELPED = re.compile(r"(帮|替|协助|代)" + NOT_ASKING + r"[^，。；]{0,24}(买|购|引进|受让)(?!方|家)")
_LEAST_YUAN = 100  # below this a mention is not an amount of the policies
# (fact, pattern on the segment holding the amount), first match wins.
MONEY_CONTEXTS: tuple[tuple[str, str], ...] = (
    ("tt_contract_turnover_yuan", r"成交额|合同额|合同金额|促成"),
    # 区里出了两千万 (before 引进…技术: 引进高校来建工业技术研究院 is no purchase)
    ("county_contribution_yuan", r"(区|县|区市)(里|财政|政府)(只)?(出了|拿出|投了|投入|掏了|出)"
                                 r"[0-9一二两三四五六七八九十百千]"),
    ("registered_tech_purchase_yuan",
     r"(买|购|引进|受让).{0,12}(技术|专利)|(技术|专利).{0,6}(交易|合同)"
     r"|(卖|转让|许可)给了?(我们|我司|我厂|本公司|我公司|本厂)"),
    ("rnd_subsidy_granted_yuan", r"研发.{0,8}补助"),  # before 省里: 研发补助…省里那块
    # 省里拨了80万 / 省拨资金60万 (not 这1000万里省里出多少: the province's share asked)
    ("provincial_funds_yuan", r"省拨|省里.{0,16}?(拨付?|下拨|给|补|奖|配|下达|批|资助)"
                              r"(了|款|款是|的是|了款)?"
                              r"\s*[0-9一二两三四五六七八九十百千]|省级.{0,4}(拨|资金|奖补)|省财政"),
    ("county_st_funds_yuan", r"科技专项资金"),
    # (补助能拿多少 asks: no amount is stated by it)
    ("rnd_subsidy_granted_yuan", r"补助.{0,4}(批|拿|给|是)(?![^，。；]{0,4}多少)"
                                 r"|(批|拿)(下来|了).{0,6}补助"
                                 r"|补助.{0,2}$|^.{0,6}补助|(测算|核定|算下来).{0,4}补"),
    ("county_contribution_yuan", r"出资"),
)

# Words of brokering (an intermediary's turnover).  成交额 itself is neutral: a buyer has one too.
_BROKERING = r"促成|中介|技术转移|服务机构|转化|经纪"
# 我们从哈工大买了一项技术 / 本公司自己购买了专利: a purchase the asker made itself
_OWN_PURCHASE = re.compile(r"(?:我们|我司|本公司|本单位|我单位|咱们?)(?:自己|自身|当年|也|还)*"
                           r"(?:从[^，,。；;帮替为]{1,12}?)?(?:买|购买|购|引进|受让)了?")

# (fact, condition phrase, why): the fact is not read when the phrase is negated
# (合同还没登记: the amount is not a registered one).
NEGATED_CONDITIONS: tuple[tuple[str, str, str], ...] = (
    # 剩下的没登: 登 closing its clause is 登记 (30万是口头说好的，没签合同: none to register)
    ("registered_tech_purchase_yuan", r"登记|认定登记|备案|登(?=[，,。；;！!？?\s]|$)"
     r"|签(?:订|署)?(?:正式)?合同",
     "技术合同未经登记"),
)
_WHY = {fact: why for fact, _, why in NEGATED_CONDITIONS}

# the money fact a topic names when no wording in the segment places an amount
_TOPIC_MONEY = (("registered_tech_purchase_yuan", "tech_purchase"),
                ("tt_contract_turnover_yuan", "tech_transfer"),
                ("rnd_subsidy_granted_yuan", "rnd_subsidy"))


def _place_amounts(text: str, placed: Mapping[str, list[tuple[MoneyMention, str]]],
                   out: RawExtraction) -> list[MoneyMention]:
    """Each fact's amount from its mentions: the total said, else the sum of those whose
    segment does not deny the fact's condition."""
    used: list[MoneyMention] = []
    conditions = {fact: pattern for fact, pattern, _ in NEGATED_CONDITIONS}
    for fact, found in placed.items():
        pattern = conditions.get(fact)
        found = _restated_once(text, found, pattern, out)
        total = [m for m, seg in found if totalled(seg, m, text)]
        # 买技术花了200万，其中120万登记了，另外80万没登记: the first is the whole
        within = next((i for i, (_, seg) in enumerate(found)  # (其中4份分别为40万、35万…: all)
                       if i and seg.startswith("其中") and seg != found[i - 1][1]), 0)
        if total and listed_parts(text, [m for m, _ in found]):
            total = []  # (两项…合计90万；一项…30万: the total of one item of the list)
        elif within and not total:
            total = [found[within - 1][0]]
        if total and pattern is not None and len(found) > 1 and any(
                denies(text, m, pattern) for m in _clauses_after(text, total[0])):
            # 一共签了400万，登记了的只有150万，剩下的没登: the part said to meet it
            met = [m for m, seg in found if m is not total[0] and re.search(pattern, seg)
                   and not denies(text, m, pattern)]
            if met:
                out.notes.append(f"您说共{total[0].text}，其中{met[0].text}满足条件 → "
                                 f"按{format_yuan(sum(m.yuan for m in met))}计")
                total = []
                found = [(m, seg) for m, seg in found if m in met]
        if total and (rest := less_undone(found, total[0], out.notes, (text, pattern),
                                          _WHY.get(fact, ""))) is not None:
            out.facts[fact] = rest  # (…不过有一份50万的登记被撤销了: the rest counts)
            used.append(total[0])
            continue
        if total:
            keep = total[:1]
        else:
            pattern = conditions.get(fact)
            keep = [m for m, seg in found
                    if pattern is None or not denies(text, m, pattern)]
            left = [m for m, _ in found if m not in keep]
            for m in left:
                why = _WHY.get(fact, "未满足条件")
                out.notes.append(f"未计入：“{m.text}”（问题中说明该笔{why}）")
            if not keep:
                continue
        out.facts[fact] = sum(m.yuan for m in keep)
        if len(keep) > 1:
            out.notes.append("按" + "＋".join(m.text for m in keep)
                             + f"＝{format_yuan(out.facts[fact])}计")  # type: ignore[arg-type]
        used.extend(keep)
    return used


def _restated_once(text: str, found: list[tuple[MoneyMention, str]], pattern: str | None,
                   out: RawExtraction) -> list[tuple[MoneyMention, str]]:
    """Mentions less those that name again an amount listed before (4份合同：50万、70万、
    40万、30万。其中30万那份没有登记): the one named again is the listed one, left out
    when its own clause denies the fact's condition."""
    kept = list(found)
    for m, seg in found[1:]:
        earlier = next(((e, s) for e, s in kept if e.start < m.start and e.yuan == m.yuan
                        and s != seg and "、" in s), None)
        if earlier is None:
            continue
        kept.remove((m, seg))
        # (其中80万那项后来双方撤回合同了: the listed one fell through)
        if (pattern is not None and denies(text, m, pattern)) or FAILED.search(seg):
            kept.remove(earlier)
            out.notes.append(f"未计入：“{m.text}”（问题中说明该笔未满足条件）")
    return kept


def _clauses_after(text: str, mention: MoneyMention) -> list[MoneyMention]:
    """Stand-ins for every clause after ``mention`` (a denial there without an amount
    of its own: 剩下的没登)."""
    return [MoneyMention(text="", yuan=0, start=m.end(), end=m.end())
            for m in _SEGMENT.finditer(text, mention.end)]


def _affirms(text: str, mention: MoneyMention, pattern: str) -> bool:
    """Whether the clause ``mention`` is said in states ``pattern`` met (2020年买的登记了，
    150万)."""
    start = own_start(text, mention)
    end = next((m.start() for m in _SEGMENT.finditer(text, mention.end)), len(text))
    return bool(re.search(pattern, text[start:end])) and not denies(text, mention, pattern)


def _contexts(seg: str, staff: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The money contexts in the order they are tried for ``seg``: built-in first, then the
    vocabulary's — except that a vocabulary phrase containing the built-in wording found
    (登记技术合同成交额 ⊃ 成交额) is more specific and comes first."""
    builtin = next((m.group() for _, p in MONEY_CONTEXTS if (m := re.search(p, seg))), "")
    specific = tuple(c for c in staff if builtin and (m := re.search(c[1], seg))
                     and builtin in m.group() and m.group() != builtin)
    return specific + MONEY_CONTEXTS + tuple(c for c in staff if c not in specific)


def read_money(text: str, out: RawExtraction,
                money_phrases: Mapping[str, tuple[str, ...]],
                elsewhere: tuple[str, ...] = (), context: tuple[str, ...] = ()) -> None:
    """Amounts placed on their facts, segment by segment.

    Several amounts of one fact add up (一份60万，一份40万); one said to be the total
    (一共80万) is the amount; an amount in a segment that denies the fact's condition
    (另一项50万没登记) is left out, and a denial in a segment of its own (合同还没登记)
    denies them all.  Amounts no context places go to the one money fact the question's
    topics name, if there is exactly one.  One in a segment naming a place outside the city
    (``elsewhere``: 潍坊一家200万) is not the city's, nor one of the asker's circumstances
    (``context``: 销售收入3.1亿元) an award's base."""
    staff = tuple((fact, "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)))
                  for fact, phrases in money_phrases.items()
                  if phrases and fact not in {f for f, _ in MONEY_CONTEXTS})
    scanned = scan_money(text)
    for refused in (m for m in scanned if m.problem):
        out.notes.append(f"金额“{refused.text}”{refused.problem}，未使用；稍后会请您确认具体金额")
    mentions = [m for m in scanned if not m.problem and (m.yuan >= _LEAST_YUAN  # (这两块: parts)
                                                         or m.text in ("0元", "0万", "0万元"))]
    mentions = circumstances_out(text, in_the_city(text, [  # (…那个 names an award)
        m for m in mentions if not _NAMING.match(text, m.end)
        or any(o.yuan == m.yuan and o is not m for o in mentions)], elsewhere, out.notes),
        context, out.notes)
    mentions = out_by_position(text, mentions, elsewhere, out.notes)
    mentions = [_times_count(text, m, out) for m in mentions]
    topical = [f for f, topic in _TOPIC_MONEY if topic in out.topics]
    placed = _placed(text, mentions, staff, topical, out)
    used = _place_amounts(text, placed, out)
    note_approximate(text, placed, used, out)
    _deny_whole(text, mentions, out)
    if "registered_tech_purchase_yuan" in out.facts:
        out.notes.append("按技术合同已经技术合同登记机构认定登记计算")


# (技术先进型服务企业（二十万那个）: an award named by its amount; 其中80万那项: one listed)
_NAMING = re.compile(r"的?(那个|那项|那一项|那档|那种|的那个)")
# 登记了3份，每份50万 / 另外2份每份30万 / 买了4项专利，每项合同20万: an amount per unit
_EACH = re.compile(r"每(份|项|个|笔|件|单)[^，。；,;0-9一二两三四五六七八九十]{0,6}?$")
_COUNT_OF = r"(\d+|[一二两三四五六七八九十]+)\s*{unit}"
_UNITS = "[份项个笔件单]"


def _times_count(text: str, mention: MoneyMention, out: RawExtraction) -> MoneyMention:
    """An amount said per unit (每份50万) times the count of that unit said just before it
    (3份), else the mention as said."""
    each = _EACH.search(text, max(0, mention.start - 8), mention.start)
    if each is None:
        return each_of_count(text, mention, out.notes)
    start = clause_start(text, clause_start(text, each.start()) - 1)
    # 买了5项技术，每份合同30万: the units of one deal are one another's (项, 份, 笔)
    counts = list(re.finditer(_COUNT_OF.format(unit=_UNITS), text[start:each.start()]))
    n = parse_int(counts[-1].group(1)) if counts else None
    if not n or n < 2:
        return mention
    unmet = _unmet_parts(text, mention.end, _UNITS)
    said = f"您说{counts[-1].group()}、每{each.group(1)}{mention.text}"
    if unmet and unmet[0] < n:
        # 5项，每项40万，其中4项登记了，1项没登记: the parts that meet the condition
        n -= unmet[0]
        said += "，" + (unmet[1] if _BUT_PART.match(unmet[1]) else f"其中{unmet[1]}")
    out.notes.append(f"{said} → 按{format_yuan(n * mention.yuan)}计")
    return replace(mention, yuan=n * mention.yuan)


_PART_OF = r"^" + BUT + r"?(其中有?|另外|还有|剩下的?|其余的?|有)?\s*" + _COUNT_OF
# (可是其中2份没登记 / 不过有1项没登记: said as a part already)
_BUT_PART = re.compile(BUT + r"|其中")


def _unmet_parts(text: str, end: int, unit: str) -> tuple[int, str] | None:
    """The count of the parts said after ``end`` not to meet a condition (其中4项登记了，
    1项没登记 → 1) and how they were said; None when no part is denied."""
    denied, said = 0, []
    bounds = [m.start() for m in _SEGMENT.finditer(text, end)][:4]
    for a, b in itertools.pairwise([*bounds, len(text)]):
        clause = text[a + 1:b].strip()
        part = re.match(_PART_OF.format(unit=unit), clause)
        if part is None or HAS_AMOUNT.search(clause):
            continue  # (另外2份每份30万没登记: parts with amounts of their own)
        if any(is_negated(clause, m.start(), m.end()) or failed_after(clause, m.start(), m.end())
               for _, pattern, _ in NEGATED_CONDITIONS for m in re.finditer(pattern, clause)):
            denied += parse_int(part.group(2)) or 0
            said.append(clause)
    return (denied, "，".join(said)) if denied else None


def _placed(text: str, mentions: list[MoneyMention], staff: tuple[tuple[str, str], ...],
            topical: list[str], out: RawExtraction) -> dict[str, list[tuple[MoneyMention, str]]]:
    """Each mention on the money fact its segment names (or an earlier segment's subject,
    or the one money fact of the question's topics), with its segment."""
    bounds = [0] + [m.end() for m in _SEGMENT.finditer(text)] + [len(text)]
    # 买了一项专利，合同额80万元: a contract amount of a purchase, not an intermediary's turnover
    purchase = next(p for f, p in MONEY_CONTEXTS if f == "registered_tech_purchase_yuan")
    # (我们是科技服务机构…我们从哈工大买了一项技术: the asker's own purchase, brokering words
    # or not)
    buying = bool(re.search(purchase, text)) and (not re.search(_BROKERING, text)
                                                  or bool(_OWN_PURCHASE.search(text)))
    # 帮本地企业从外地买了3项技术: the purchase is the other party's, the asker brokered it
    helped = bool(HELPED.search(text))
    # 我们是技术转移机构，促成…，技术合同一共240万: the deals brokered, none bought
    # (撮合威海一家企业买了哈工大的1项专利: the purchase brokered is the client's)
    brokering = bool(re.search(_BROKERING, text)) and not re.search(
        r"(?:^|[，,。；;])(?:(?!撮合|帮|替|促成|协助|为)[^，,。；;])*"
        r"(买|购|引进|受让)了?.{0,12}(技术|专利)", text)
    placed: dict[str, list[tuple[MoneyMention, str]]] = {}
    for mention in mentions:
        seg = next(text[a:b] for a, b in itertools.pairwise(bounds)
                   if a <= mention.start < b or b == len(text))
        # 签了两份技术合同，一份60万: the subject of an earlier segment carries over
        before = text[:mention.start]
        contexts = _contexts(seg, staff)
        if received(text, mention) and not any(re.search(p, seg) for _, p in contexts) \
                and "rnd_subsidy_granted_yuan" not in topical:  # (补助拿了400万: granted)
            # 省级示范机构 奖了100万: an award received, not an amount it is computed on
            out.notes.append(f"金额“{mention.text}”是已获得的奖励，未作为计算依据")
            continue
        if names_award(text, mention):
            # 国家专业化众创空间 两百万那个奖: the award asked about, named by its figure
            out.notes.append(f"金额“{mention.text}”是您所说奖励本身的金额，未作为计算依据")
            continue
        if buying and _sold_last(before):
            # 既买技术也卖技术…卖给本市企业2项，合同登记了共200万: a sale, not a purchase
            out.notes.append(f"金额“{mention.text}”是卖出技术的合同额，不是购买技术的金额，未计入")
            continue
        for fact, pattern in contexts:
            if re.search(pattern, seg) or (not any(re.search(p, seg) for _, p in contexts)
                                           and re.search(pattern, before)):
                if fact == "tt_contract_turnover_yuan" and buying:
                    fact = "registered_tech_purchase_yuan"
                elif fact == "registered_tech_purchase_yuan" and (helped or brokering):
                    fact = "tt_contract_turnover_yuan"  # 帮企业买的: a deal brokered
                placed.setdefault(fact, []).append((mention, seg))
                break
        else:
            if re.search(r"研发(投入|费用|经费)", seg):
                out.facts.setdefault("has_rnd_spending", mention.yuan > 0)
            elif len(topical) == 1:
                placed.setdefault(topical[0], []).append((mention, seg))
            else:
                out.notes.append(f"金额“{mention.text}”未能对应到具体事项，未使用")
    return placed




_REST = re.compile(BUT + r"?(剩下|剩余|其余|其他的|另外的|别的"
                   r"|(另外|还有|另有)[0-9一二两三四五六七八九十]+\s*[份个项笔家]"
                   # 其中4项登记了，1项没登记: a part (not 2项都没登记: all of them)
                   r"|(其中|有)?[0-9一二两三四五六七八九十]+\s*[份个项笔](?![^，,。；;]*[都均全]))")


def _supposed(text: str, pattern: str) -> bool:
    """Whether a clause supposing the condition met (如果当时登记了) follows its denial."""
    return any(IF.search(text, clause_start(text, m.start()), m.start())
               and not is_negated(text, m.start(), m.end())
               for m in re.finditer(pattern, text))


def _deny_whole(text: str, mentions: list[MoneyMention], out: RawExtraction) -> None:
    """A denial in a segment without an amount of its own denies every amount."""
    for fact, pattern, why in NEGATED_CONDITIONS:
        if _supposed(text, pattern):
            continue  # 当时没去登记。如果当时登记了，能拿多少: asked as if it were met
        # a denial in a segment without an amount of its own denies every amount
        if fact in out.facts and not all(_affirms(text, mm, pattern) for mm in mentions) \
                and any(
                is_negated(text, m.start(), m.end())
                and not any(mm.start >= clause_start(text, m.start()) and mm.end <= m.end()
                            for mm in mentions)
                # 剩下的没登: the rest, not the part said to meet it
                and not _REST.match(text, clause_start(text, m.start()))
                and not met_later(text, pattern, m.end())  # 开始没登记，后来补登记了
                for m in re.finditer(pattern, text)):
            _denied_in_part(text, mentions, fact, pattern, why, out)
        elif fact in out.facts and len(mentions) == 1 and any(
                is_negated(text, m.start(), m.end()) and m.start() > mentions[0].end
                and _REST.match(text, clause_start(text, m.start()))
                and not any("→ 按" in n for n in out.notes)  # (每项100万: the part's own)
                for m in re.finditer(pattern, text)):
            # 买了5项共300万，其中3项登记了，2项没登记: the part's amount is not said — asked
            _ask_the_part(fact, why, out)


def _ask_the_part(fact: str, why: str, out: RawExtraction) -> None:
    """The amount meeting the condition asked for: only a part meets it, the message does
    not say which amount is that part's."""
    del out.facts[fact]
    out.notes.append(f"您说的金额中只有一部分满足条件（{why}的不计），"
                     "未能分清各自的金额，请告诉我满足条件的金额")


def _denied_in_part(text: str, mentions: list[MoneyMention], fact: str, pattern: str,
                    why: str, out: RawExtraction) -> None:
    """A denial said apart from the amounts: of the parts it names by position (前三份登记了，
    后面两份没登记), of a part when another clause affirms the condition (这三个都登记了，还有一个
    …没法登记: the amounts left out already, else asked), else of every amount."""
    kept = by_position(text, mentions, pattern, out.notes)
    if kept is not None:
        out.notes[:] = [n for n in out.notes if not (n.startswith("按") and "＋" in n)]
        out.facts[fact] = sum(m.yuan for m in kept)
        out.notes.append("按" + "＋".join(m.text for m in kept)
                         + f"＝{format_yuan(out.facts[fact])}计（其余{why}）")  # type: ignore[arg-type]
        return
    if affirmed_apart(text, pattern):
        if not any(n.startswith("未计入：“") or (n.startswith("您说") and "、每" in n
                   and "，" in n and "→ 按" in n) for n in out.notes):  # (read apart already)
            # (3项登记了，2项没登记，一共300万: which amounts are met is not said)
            _ask_the_part(fact, why, out)
        return
    del out.facts[fact]
    out.notes.append(f"未计入：金额（问题中说明{why}，未满足）")
