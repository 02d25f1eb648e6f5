"""What is said of an amount: the clause it is said in (or the one before, when its own
says only the amount: 还有2项没登记，一共90万) and the clauses going on about it (一份50万的
合同，登记的时候被驳回了); whether that denies a condition, the last outcome said winning
(当时也做了登记…登记也撤销了: denied; 开始没登记，后来补登记了: met)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from knowledge.money import MoneyMention, format_yuan
from knowledge.numerals import parse_int
from knowledge.reading.raw import RawExtraction
from knowledge.reading.scope import BUT, IF, clause_start, failed_after, is_negated

__all__ = [
    "HAS_AMOUNT",
    "NOT_ASKING",
    "SEGMENT",
    "amount_unknown",
    "circumstances_out",
    "denies",
    "each_of_count",
    "in_the_city",
    "listed_parts",
    "met_later",
    "note_approximate",
    "own_start",
    "part_unknown",
    "totalled",
]

# 替一家客户咨询 / 帮老板问一下: asking on another's behalf, not brokering for them
NOT_ASKING = r"(?![^，,。；;：:]{0,8}?(?:咨询|问一?下|问问|打听|了解一下))"
SEGMENT = re.compile(r"[，。；！？,;!?\n]")


# 一共90万 / 合计150万: a clause saying only an amount, of the clause before it
_BARE = re.compile(r"^(一共|总共|合计|共计|总计|加起来|加一起|合起来|总额|共|金额|合同额|交易额"
                   r"|成交额|大概|约|是|为|了|元|的|\s)*$")


def own_start(text: str, mention: MoneyMention) -> int:
    """Where the clause ``mention`` is said in starts: its own, or the one before when its
    own says only the amount (还有2项没登记，一共90万)."""
    start = clause_start(text, mention.start)
    end = next((m.start() for m in SEGMENT.finditer(text, mention.end)), len(text))
    if start and _BARE.match(text[start:mention.start] + text[mention.end:end]):
        return clause_start(text, start - 1)
    return start


# 两项从高校买的，合计90万；一项从韩国引进的30万: the items of a list, each with its count
_LIST_ITEM = re.compile(r"[：:；;。\n]")
_ITEM_COUNT = re.compile(r"(?:另外|还有|另|再有|其余|剩下)?的?(?:\d+|[一两二三四五六七八九十])"
                         r"\s*(?:项|份|笔|个|件)")


def listed_parts(text: str, mentions: list[MoneyMention]) -> bool:
    """Whether the amounts are said in items of a list (after a colon or between
    semicolons), each item opening with its count: a total said in one (合计90万) is
    that item's, not the whole's."""
    starts = {max((m.end() for m in _LIST_ITEM.finditer(text, 0, x.start)), default=0)
              for x in mentions}
    return len(starts) > 1 and all(_ITEM_COUNT.match(text, s) for s in starts)


# a clause going on about the amount's deal (一份50万的合同，登记的时候被驳回了) says no new
# part, year or amount of its own
# (但是…没给认定 / 后来…登记也撤销了 go on about the same deal)
# (不过剩下那项没登记: a new part after a but)
_NEW_PART = re.compile(r"(?:" + BUT + r"|而)?"
                       r"(另外|另|还有|其中|剩下|其余|\d{2,4}\s*年|[今去前明]年)")
# (登记的7个里有2个是…: a count of parts, anywhere in the clause)
_PART_COUNT = re.compile(r"[0-9一二两三四五六七八九十]+\s*[份个项笔家]")
# what happened later, or is supposed instead (…登记了，要是合同没登记呢)
_LATER = re.compile(r"后来|之后|然后|最后|最终|结果|再后来|" + IF.pattern)
HAS_AMOUNT = re.compile(r"[0-9一二两三四五六七八九十百千]\s*(万|亿|元)|多少|吗|[?？]")
_GOING_ON = 5
_UNDONE = re.compile(r"撤销|撤回|取消|作废|注销|退回|驳回|解除|终止|解约")
_UNDER_WAY = re.compile(r"(还在走|在走|还在办理?|正在办理?|正在走)$")


def _region_end(text: str, mention: MoneyMention) -> int:
    """Where what is said of ``mention`` ends: its clause and the clauses going on about
    it (no amount, part or year of their own)."""
    end = next((m.start() for m in SEGMENT.finditer(text, mention.end)), len(text))
    if not mention.text:
        return end  # a stand-in for a clause of its own
    for _ in range(_GOING_ON):
        nxt = next((m.start() for m in SEGMENT.finditer(text, end + 1)), len(text))
        clause = text[end + 1:nxt].strip()
        if not clause or _NEW_PART.match(clause) or _PART_COUNT.search(clause) \
                or HAS_AMOUNT.search(clause):
            break
        end = nxt
    return end


def denies(text: str, mention: MoneyMention, pattern: str) -> bool:
    """Whether what is said of ``mention`` denies ``pattern`` (另一项50万没登记; 一份50万的
    合同，登记的时候被驳回了)."""
    start = own_start(text, mention)
    end = _region_end(text, mention)
    said = [(start + m.start(), is_negated(text, start + m.start(), start + m.end())
             or failed_after(text, start + m.start(), start + m.end())
             # 另一个100万还在走登记流程: the step under way, not done
             or bool(_UNDER_WAY.search(text, max(0, start + m.start() - 4), start + m.start())))
            for m in re.finditer(pattern, text[start:end])]
    # what happened later wins (当时也做了登记，后来…登记也撤销了: denied; 开始没登记，后来补
    # 登记了: met); else a denial said of it holds (a denied step is never granted)
    later = [m.start() for m in _LATER.finditer(text, start, end)]
    if later and (after := [d for at, d in said if at > later[-1]]):
        return after[-1]
    if said and later and _UNDONE.search(text, later[-1], end):
        return True  # 80万登记了但后来被撤销了: what was done, undone later
    return any(d for _, d in said)


def met_later(text: str, pattern: str, after: int) -> bool:
    """Whether ``pattern`` is said met later on, after ``after`` and a word of later
    (…后来补登记了), not supposed (not 登记的7个里…: another part)."""
    later = _LATER.search(text, after)
    return later is not None and any(not is_negated(text, m.start(), m.end())
               and not failed_after(text, m.start(), m.end())
               and not IF.search(text, clause_start(text, m.start()), m.start())
               for m in re.compile(pattern).finditer(text, later.end()))


# a segment that is only an amount (合同额200万 / 金额是80万): the part it belongs to was
# opened in the segment before
_AMOUNT_ONLY = re.compile(r"\s*(?:合同|成交|交易|技术|金额|总额|额|是|为|合计|共计|总计"
                          r"|共|一共|总共|计)*"
                          r"[0-9一二两三四五六七八九十百千万亿.]")
# 从烟台的高校买的: the place of the other side of the deal, not of the deal's recipient
_COUNTERPARTY = re.compile(r"[从向跟与和]")


def circumstances_out(text: str, mentions: list[MoneyMention], words: tuple[str, ...],
                      notes: list[str]) -> list[MoneyMention]:
    """The mentions less those said just after a word of the asker's circumstances in
    their clause (销售收入3.1亿元, 注册资本是500万): no award is computed on them."""
    said = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))) \
        if words else None
    kept: list[MoneyMention] = []
    for m in mentions:
        found = [w for w in said.finditer(text, max(clause_start(text, m.start), m.start - 10),
                                          m.start)] if said else []
        if found:
            notes.append(f"金额“{m.text}”是{found[-1].group()}，不是奖补的计算依据，未使用")
        elif _CAP_SAID.search(text, max(0, m.start - 16), m.start):
            # 听说一年最多50万: the cap the asker has heard of, no amount of theirs
            notes.append(f"金额“{m.text}”是您说的上限，不是奖补的计算依据，未使用")
        else:
            kept.append(m)
    return kept


_CAP_SAID = re.compile(r"(?:(?:听说|据说|说是|好像|不是说|规定|政策上?说)[^，。；,;]{0,8}"
                       r"|每年|一年|每家)(最多|最高|上限|封顶|顶格|不超过)(是|为|就是|才|只有|能到|可达)?\s*$")


def in_the_city(text: str, mentions: list[MoneyMention], elsewhere: tuple[str, ...],
                notes: list[str]) -> list[MoneyMention]:
    """The mentions whose own segment names no place outside the city (潍坊一家200万 is
    left out and said so)."""
    if not elsewhere or len(mentions) < 2:
        return mentions
    places = re.compile("|".join(re.escape(p) for p in elsewhere))
    kept: list[MoneyMention] = []
    for m in mentions:
        if (found := _whole_less(text, m, kept, places)) is not None:
            # 合同总额350万 其中2项卖给了青岛企业 合计120万: the whole less that part (its
            # parts in the city said too, 其中4项在威海（500万）: within the whole)
            whole, parts = found
            notes.append(f"您说共{whole.text}，其中{m.text}不在本市 → 按"
                         f"{format_yuan(whole.yuan - m.yuan)}计")
            kept = [replace(k, yuan=whole.yuan - m.yuan) if k is whole else k
                    for k in kept if k not in parts]
            continue
        bounds = [0] + [s.end() for s in SEGMENT.finditer(text, 0, m.start)]
        a = bounds[-1]
        if len(bounds) > 2 and not HAS_AMOUNT.search(text, bounds[-2], a) \
                and _AMOUNT_ONLY.match(text, a):
            # 还有1项转给了烟台的企业，合同额200万: the part opened a segment before
            a = bounds[-2]
        place = next((p for p in places.finditer(text, a, m.start)
                      if not _COUNTERPARTY.search(text, max(a, p.start() - 4), p.start())), None)
        if place is not None:
            notes.append(f"未计入：“{place.group()}…{m.text}”（不在本市）")
        else:
            kept.append(m)
    return kept


def _whole_less(text: str, m: MoneyMention, kept: list[MoneyMention],
                places: re.Pattern[str]
                ) -> tuple[MoneyMention, list[MoneyMention]] | None:
    """The whole said before ``m`` when ``m`` is the amount of a part of it (其中…) placed
    outside the city, with the parts in the city said between (their amounts and ``m``'s
    make the whole); else None."""
    at = text.rfind("其中", 0, m.start)
    before = [k for k in kept if k.end <= at]
    if at < 0 or not before or before[-1].yuan <= m.yuan \
            or places.search(text, at, m.start) is None:
        return None
    parts = [k for k in kept if k.start > at]
    if HAS_AMOUNT.search(text, at, m.start) and (
            len(HAS_AMOUNT.findall(text, at, m.start)) != len(parts)
            or sum(k.yuan for k in parts) + m.yuan != before[-1].yuan):
        return None
    return before[-1], parts


# 两份各150万 / 3项合同各是50万: a count whose each unit has the amount
_COUNT_EACH = re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*([份项个笔件单])"
                         r"[^，。；,;0-9]{0,4}?各(?:自)?(?:是|为)?$")


def each_of_count(text: str, mention: MoneyMention, notes: list[str]) -> MoneyMention:
    """An amount said of each of a count just before it (两份各150万), times the count."""
    m = _COUNT_EACH.search(text, max(0, mention.start - 12), mention.start)
    n = parse_int(m.group(1)) if m else None
    if m is None or not n or n < 2:
        return mention
    notes.append(f"您说{m.group()}{mention.text}（{n}{m.group(2)}、每{m.group(2)}{mention.text}）"
                     f" → 按{format_yuan(n * mention.yuan)}计")
    return replace(mention, yuan=n * mention.yuan)


# Approximate amounts: read the number, say so.
_ABOUT_BEFORE = re.compile(r"(超过|不到|不足|约|大约|大概|差不多|将近|接近)$")
_ABOUT_AFTER = re.compile(r"^(左右|以上|以下|上下|多|余|来|出头)")


def note_approximate(text: str, placed: Mapping[str, list[tuple[MoneyMention, str]]],
                     used: list[MoneyMention], out: RawExtraction) -> None:
    """Say so of an amount used that is approximate (三百多万, 约80万), and keep the range
    its fact may be in (三百多万: 300万 up to 400万; 二百五十多万: up to 260万)."""
    for fact, found in placed.items():
        for mention, _ in found:
            before = _ABOUT_BEFORE.search(text[:mention.start])
            after = _ABOUT_AFTER.search(text[mention.end:])
            if mention not in used or not (before or after) or not mention.yuan:
                continue
            out.notes.append(f"金额“{mention.text}”是约数，按约{format_yuan(mention.yuan)}计算")
            step = 10 ** (len(str(mention.yuan)) - len(str(mention.yuan).rstrip("0")))
            word = (before or after).group()  # type: ignore[union-attr]
            low, high = ((-step // 2, step // 2) if word in _AROUND else (-step, 0)
                         if word in _BELOW else (0, step))
            value = out.facts.get(fact)
            said = (before.group() if before else "") + mention.text + (
                after.group() if after and after.group() not in mention.text else "")
            if isinstance(value, int) and value + low > 0:
                out.approximate[fact] = (value + low, value + high, said)


_AROUND = frozenset({"约", "大约", "大概", "差不多", "左右", "上下", "来"})
_BELOW = frozenset({"不到", "不足", "将近", "接近", "以下"})


_PART_OPENS = re.compile(r"\s*(另外|另|其余|其他|剩下|剩余|还有)")
_TOTAL = re.compile(r"一共|总共|合计|共计|总计|加起来")
_COUNTED = re.compile(r"(\d+|[一二两三四五六七八九十百千]+)\s*(份|项|家|笔|个|件|次)")


def totalled(seg: str, m: MoneyMention, text: str = "") -> bool:
    """Whether a total word in ``seg`` is said of the amount: not of a count between
    them (一共签了三份…合同：跟山大威海签的100万 — three contracts, not 100万 in all), nor
    of a part ``text`` opens before it (另外两份没去登记，合计80万: those two)."""
    if text and _PART_OPENS.match(text, own_start(text, m)):
        return False
    at = seg.find(m.text)
    words = [t for t in _TOTAL.finditer(seg) if at < 0 or t.start() < at]
    if not words:
        return bool(_TOTAL.search(seg))
    return not _COUNTED.search(seg, words[-1].end(), at if at >= 0 else len(seg))


# 第5份合同的金额财务还没有核对出来 / 还有一笔金额不清楚: a part of the amount is unknown
_UNKNOWN_PART = re.compile(r"金额[^，。；,;]{0,12}(还)?(没|未)(有)?"
                           r"(核对|确定|定下来|出来|算出来|统计|汇总|核算|结算|对出来)"
                           r"|金额(我|也)?(还)?(不清楚|不确定|不知道|待定|未知|记不清|想不起来|忘了)"
                           r"|(不知道|不清楚|不确定|记不清)(具体)?(金额|是多少钱|多少钱)")


def amount_unknown(text: str) -> bool:
    """Whether the question says an amount of it is not known (金额记不清了)."""
    return bool(_UNKNOWN_PART.search(text))


def part_unknown(text: str, out: RawExtraction) -> None:
    """The one amount read is asked (not computed on the part known) when the question
    says a part of it is not known yet."""
    money = [k for k, v in out.facts.items() if isinstance(v, int) and k.endswith("_yuan")]
    if len(money) == 1 and (said := _UNKNOWN_PART.search(text)):
        del out.facts[money[0]]  # (the sum of the parts known is no figure used: not said)
        out.notes[:] = [f"您说“{said.group()}”：金额不全，按已知部分计算会算错，请告诉我合计金额",
                        *(n for n in out.notes if not (n.startswith("按") and "＋" in n))]
