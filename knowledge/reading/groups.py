"""Groups of holders counted part by part: each as one holder, times its count.

A district or a group counts its holders by kind: "国际合作基地 国家级2家 省级3家 还有1家是
市级的", "有三家机构拿到技术市场奖励，一家是国家的，两家是省里的", "4个国家级载体：2个国家级
孵化器，1个国家专业化众创空间，还有1个是普通众创空间".  Each part names a count and what
sets it apart (a level, a kind, who leads, first or renewal); what the parts share is said
before them (the head) and the question after them (the tail).  Each part's question is
the head, the part and the tail with the counts left out, estimated as one holder, its
one-time awards granted once per holder (200万元 × 2).  A count before the parts that they
add up to (有4个：2个…，1个…，1个…) is their total; one count over dates is no groups.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from knowledge.awards.calculator import Estimate, Item
from knowledge.awards.rules import RuleSet
from knowledge.money import format_yuan
from knowledge.numerals import parse_int
from knowledge.reading.parts import (
    excluded_counts,
    levelled,
    narrowed_within,
    pointed_at,
    refined_by_outcome,
)
from knowledge.reading.scope import PAID_BEFORE, renewed, without_failures

__all__ = ["Group", "compose_groups", "groups"]

_N = r"(\d+|[一二两三四五六七八九十]+)"
_CLAUSE = re.compile(r"[^，,。；;！!？?：:\s、]+")
# 三家是企业牵头组建的 / 另外两家一家是哈工大牵头 (the innermost count is the part's; 其中3家…
# is a part of a count, read with the count; 区里有2家… leads a group too)
_LEADING = re.compile(r"^((?:(?:19|20)\d\d\s*年|今年|去年|前年)?"
                      r"(?:另外|另(?=[\d一二两三四五六七八九十])|还有|剩下的?|再有|以及"
                      # (我们区2021年有4家…, 省技术市场奖励威海有3家…: what and when before 有)
                      r"|(?!其中)(?:[\u4e00-\u9fff]|\d){0,14}?有)?)((?:" + _N
                      + r"\s*(?:家|个))+)(.*)$")
# 国家级2家 / 新认定省级1家: the count closing the clause
_CLOSING = re.compile(r"^(.+?)" + _N + r"\s*(?:家|个)$")
_COUNT = re.compile(_N + r"\s*(?:家|个)")
_ASKS = re.compile(r"多少|几万|能拿|能补|能奖|一共|总共|合计|加起来|加一起")
# 按科技服务机构申报高企那个奖励 / 按那个政策: the award the question is framed on
_FRAMING = re.compile(r"^按.{0,24}(那个|那条|这个|这条|政策|奖励|规定|标准)")
# a part naming its own kind of holder (制造业企业, 工业公司)
_OWN_KIND = re.compile(r"[\u4e00-\u9fff]{2,}(企业|公司|厂)")


# where a count is counted (2021年我们区的科技服务机构里…, 这些企业中…): its place and year
_CONTEXT = re.compile(r"^((?:(?:19|20)\d\d\s*年|今年|去年|前年)?[^，,。；;]{0,16}?"
                      r"(?:(?<![区县市省])里|当中|之中))"
                      r"(?=[^，,。；;]{2,})")
_YEAR = re.compile(r"(?:19|20)\d\d\s*年|今年|去年|前年")
_MONTH = re.compile(r"(?<![\d个])(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月")
# the levels a clause names (省技术市场奖励有3家，国家技术市场奖励有1家: siblings, not a total)
_LEVEL_WORD = re.compile(r"国家|省|市级|市里")
# 2022年我们区科技服务机构有5家…: the holders the first part counts, named before 有
_HOLDER_WORD = re.compile(r"企业|公司|机构|单位|医院|高校|院所|孵化器|众创空间|厂")
_HOLDER_FIRST = re.compile(r"^(?:(?:19|20)\d\d\s*年|今年|去年|前年)?([\u4e00-\u9fff]{0,12}?(?:"
                           + _HOLDER_WORD.pattern + r"))有" + _N)


def _summed_by(parts: list[tuple[int, tuple[int, str]]]) -> int:
    """How many parts after the first add up to its count (0: none)."""
    total, running = parts[0][1][0], 0
    for k, (_, (n, _)) in enumerate(parts[1:], start=1):
        running += n
        if running == total:
            return k if k >= 2 else 0
        if running > total:
            return 0
    return 0


@dataclass(frozen=True)
class Group:
    """One part: how many holders, as the owner said it, and its own question."""

    count: int
    said: str
    question: str
    shared: str = ""  # what the head and the tail say for every group (their own awards)
    counted: bool = False  # the head counts the holders the groups part (有3个…：2个…)
    before: str = ""  # the head before the count (我们区创成了国家创新型县；区里3个镇…)
    with_count: str = ""  # its question with its count (其中一家孵了4年: 1家在孵企业…)


def _part(clause: str) -> tuple[int, str] | None:
    """(count, the clause without it) of a clause that counts a group, else None (其中4家…
    is a part of the count before it, not a group)."""
    if clause.startswith(("其中", "不过有", "但是有", "但有", "可是有")):
        return None  # (过了3家，不过有一家…通过过一回了: a part of the one before)
    m = _LEADING.match(clause)
    if m is not None and m.group(4) and not _COUNT.search(m.group(1) or ""):
        # (这6家里有2家…: a part of the count before it, read with that count)
        counts = _COUNT.findall(m.group(2))
        n = parse_int(counts[-1]) if counts else None
        return (n, (m.group(1) or "") + m.group(4)) if n else None
    m = _CLOSING.match(clause)
    if m is not None and not _COUNT.search(m.group(1)):
        n = parse_int(m.group(2))
        return (n, m.group(1)) if n else None
    return None


_APPLIED = re.compile(r"报了|申报|申请|参评|报名")
_PASSED = re.compile(r"^(最后|结果|最终)?(批下来|批了|通过了?|过了|评上了?|创成了?|认定了"
                     r"|认定下来|获批了?)")
_WITHIN = re.compile(r"^(?:不过|但是|但|而)?(其中|里头|里面|这里面|当中|这当中)")


def _with_within(clauses: list[str], parts: list[tuple[int, tuple[int, str]]],
                 tail_at: int) -> list[tuple[int, tuple[int, str]]]:
    """``parts`` with the parts said with 其中 (5家单位拿了技术市场奖励，其中3家是省的，2家是
    国家的) when they and the parts after them add up to the count before them."""
    within = [(i, p) for i, c in enumerate(clauses[:tail_at])
              if (w := _WITHIN.match(c)) and (p := _part(c[w.end():])) is not None]
    if not within:
        return parts
    merged = sorted([*parts, *within])
    first = merged.index(within[0])
    told = sum(n for _, (n, _) in merged[first:])
    before = [m for c in clauses[:merged[first][0]] for m in _COUNT.finditer(c)]
    if first and told == merged[first - 1][1][0]:
        return merged  # (the part before them counts them: their total)
    if before and parse_int(before[-1].group(1)) == told and len(merged) - first >= 2:
        return merged[first:]  # 这5家…，其中3家…，另外2家…: counted in the head
    if before and any(_THE_REST.match(c) for c in clauses[merged[-1][0] + 1:tail_at]):
        return merged[first:]  # 5个…，里头2个是…，剩下的都是…: the rest counted after
    return parts


# 7个中心，5个是企业牵头的，剩下的是高校院所牵头的: the rest of the head's count
_THE_REST = re.compile(r"^(?:剩下的?|剩余的?|其余的?|其他的?)(?:都|全)?(?:是|为)?(.+)$")


def _with_the_rest(clauses: list[str], parts: list[tuple[int, tuple[int, str]]],
                   tail_at: int) -> list[tuple[int, tuple[int, str]]]:
    """``parts`` with a part said as the rest (剩下的是…), counted as the head's count less
    the parts said, when the head counts once and the parts leave some over; its clause
    (what the reply shows) says how it was counted."""
    if not parts:
        return parts
    head = [m for c in clauses[:parts[0][0]] for m in _COUNT.finditer(c)]
    rest = [(i, m.group(1)) for i, c in enumerate(clauses[parts[0][0]:tail_at], parts[0][0])
            if (m := _THE_REST.match(c)) and not _COUNT.search(c)]
    if len(head) != 1 or len(rest) != 1:
        return parts
    said = sum(n for _, (n, _) in parts)
    left = (parse_int(head[0].group(1)) or 0) - said
    if left <= 0:
        return parts
    at = rest[0][0]
    clauses[at] += f"（{head[0].group()}−{said}＝{left}）"  # how the count was read, as shown
    return sorted([*parts, (rest[0][0], (left, rest[0][1]))])


# what sets a part apart by its outcome: passed, failed, first time or again
_OUTCOME = re.compile(r"通过|过了|没过|认定|评上|落选|复核|复审|批下|批了|没批|第[一二三1-3]次|首次"
                      r"|失败|驳回|入选")


def _parted_by_outcome(first: str, rest: list[str]) -> bool:
    """Whether the first counted clause says no outcome (今年5家医院的临床医学研究中心参加
    绩效评价) and every part after it does (3家是第一次通过, 1家是第二次通过, 1家没通过):
    they part its count."""
    return not _OUTCOME.search(first) and all(_OUTCOME.search(part) for part in rest)


_DATED_WORDS = re.compile(r"(?:19|20)\d\d\s*年|\d{1,2}\s*月份?"
                          r"|[0-9一二两三四五六七八九十]+\s*[家个项]|其中|另外|还有|又|也|是|才|都|下的|下来的|的|了|有")


# (2020年5家 / 另外4家是12月份才下的: a date and a count, nothing else)
def _dated_only(clauses: list[str], parts: list[tuple[int, tuple[int, str]]]) -> bool:
    """Whether the parts are one count over dates (a later one says its date and count alone)."""
    said = [clauses[i] for i, _ in parts]
    dates = {d for c in said for d in _YEAR.findall(c[:6]) + _MONTH.findall(c)}
    return len(dates) > 1 and any(not _DATED_WORDS.sub("", c) for c in said[1:])


def groups(text: str, subjects: tuple[str, ...] = ()) -> list[Group]:
    """The groups the message counts part by part (two or more), else [].  ``subjects``
    name what a part that says only a level is about (the vocabulary's topic words)."""
    clauses = [m.group() for m in _CLAUSE.finditer(text)]
    tail_at = len(clauses)
    while tail_at and (_ASKS.search(clauses[tail_at - 1]) or _FRAMING.match(clauses[tail_at - 1])):
        tail_at -= 1
    parts = [(i, p) for i, c in enumerate(clauses[:tail_at]) if (p := _part(c)) is not None]
    parts = _with_the_rest(clauses, _with_within(clauses, parts, tail_at), tail_at)
    said_n = {i: n for i, (n, _) in parts}  # the counts said, before their outcomes (…2家
    parts = refined_by_outcome(clauses, parts)  # 是到期重新认定，结果只过了1家)
    # 3个镇报了…，批下来2个: those that applied, then those that passed — one count
    parts = [p for k, p in enumerate(parts) if not (
        k + 1 < len(parts) and _APPLIED.search(clauses[p[0]])
        and (_PASSED.match(clauses[parts[k + 1][0]]) or _PASSED.match(parts[k + 1][1][1]))
        and parts[k + 1][1][0] < p[1][0])]  # (…申报，5家通过了: the count said first)
    first = clauses[parts[0][0]] if parts else ""
    head_end = parts[0][0] if parts else 0
    # (另外还有一个报了，到现在没消息: one more that did not pass, said after its clause)
    ends = [j for j, _ in parts[1:]] + [tail_at][:len(parts)]
    lost_at = {i for (i, _), end in zip(parts, ends, strict=True)
               if clauses[i].startswith(("另外", "还有", "另有"))
               and without_failures(said := "，".join(clauses[i:end])) != said}
    first_levels = {w[0] for w in _LEVEL_WORD.findall(first)}  # 国, 省, 市
    siblings = bool(first_levels) and any(
        (lv := {w[0] for w in _LEVEL_WORD.findall(clauses[i])}) and lv != first_levels
        for i, _ in parts[1:])
    rest_n = [(said_n[i], i in lost_at) for i, _ in parts[1:]]
    if (len(parts) > 2 and parts[0][1][0] in (sum(n for n, _ in rest_n),
                                              sum(n for n, out in rest_n if not out))
            and not siblings
            and (_CLOSING.match(first) or re.search(r"有" + _N, first)
                 or _parted_by_outcome(first, [c for _, (_, c) in parts[1:]]))):
        parts = parts[1:]  # 载体有4个：2个…，1个…，1个…: the first is their total
        head_end = parts[0][0]
    elif (len(parts) > 3 and _CLOSING.match(first)
          and (k := _summed_by(parts)) and k < len(parts) - 1):
        # 科技服务机构有7家，4家是首次认定，3家是重新认定的；另外还有2家制造业企业…:
        # the first counts the next ones, what it says is theirs too
        said = parts[0][1][1]
        parts = [(i, (n, f"{said}，{rest}")) for i, (n, rest) in parts[1:k + 1]] \
            + parts[k + 1:]
    elif len(parts) >= 2 and (ctx := _CONTEXT.match(parts[0][1][1])):
        # 2021年我们区的科技服务机构里首次认定高企的有5家，重新认定的有4家: where the
        # first part counts (and its year) is the next parts' too, unless they say their own
        parts = [parts[0], *((i, (n, rest if _CONTEXT.match(rest) else ctx.group(1) + rest))
                             for i, (n, rest) in parts[1:])]
    if len(parts) < 2 or _dated_only(clauses, parts):
        return []
    head = clauses[:min(head_end, parts[0][0])]
    total = sum(n for _, (n, _) in parts)
    counted = [(i, m) for i, clause in enumerate(head) for m in _COUNT.finditer(clause)]
    # 新批了3个…，两个…，一个…，另外还有一个还在公示没下来: the head counts those passed
    lost = sum(n for i, (n, _) in parts if i in lost_at)
    told = sum(said_n.get(i, n) for i, (n, _) in parts)  # (5家申报，…2家…，结果只过了1家)
    if any(parse_int(m.group(1)) not in (total, total - lost, told) for _, m in counted):
        return []  # 4个镇…，创成了2个，还有1个…: the parts are not all said; not read here
    said_head_clauses = list(head)

    def counting(n: int) -> list[str]:
        """The head with its count said as ``n`` (有三家机构… as one holder: 1)."""
        if not counted:
            return said_head_clauses
        i, m = counted[0]
        clause = said_head_clauses[i]
        return [*said_head_clauses[:i], clause[:m.start(1)] + str(n) + clause[m.end(1):],
                *said_head_clauses[i + 1:]]

    head = counting(1)  # 有三家机构…，一家…，两家…: the total, as one holder
    # (国家级技术创新中心1个、省级3个: the first part names what the next ones are)
    said_head = "，".join(head) or parts[0][1][1]
    tail = clauses[tail_at:]
    out: list[Group] = []
    for k, (i, (n, rest)) in enumerate(parts):
        end = parts[k + 1][0] if k + 1 < len(parts) else tail_at
        more = clauses[i + 1:end]  # clauses that go on about this part
        said, n = "，".join([clauses[i], *more]), narrowed_within(clauses[i], more, n)
        # 另外还有2家制造业企业…，按科技服务机构那个奖励: a part naming its own kind of
        # holder is not the kind the question's framing names
        own = [c for c in tail if not (_FRAMING.match(c) and _OWN_KIND.search(rest))]
        # (两家拿了省级技术转移示范机构，一家拿了国家级: the part before names the title)
        named = f"{clauses[parts[k - 1][0]]}，{said_head}" if k else said_head
        # (2021年有4家…，1家认定为国家级: the year of the parts before, unless its own)
        if k and (who := _HOLDER_FIRST.match(clauses[parts[0][0]])) \
                and not _HOLDER_WORD.search(rest):
            rest = who.group(1) + rest  # (科技服务机构有5家首次…，3家重新认定: theirs too)
        if k and not _YEAR.search(said + rest) and (years := _YEAR.findall(
                "，".join(clauses[parts[0][0]:i]))):
            rest = years[-1] + rest
        question = "，".join([*head, levelled(rest, named, subjects), *more, *own])
        before = "，".join([*head[:counted[0][0]], *tail]) if counted and counted[0][0] else ""
        # (the head counts them: that clause with the part's count, 2022年有2家在孵企业…)
        with_count = "，".join([*counting(n),
                                levelled(rest if counted else clauses[i], named, subjects),
                                *more, *own])
        out.append(Group(n, said, question, "，".join([*head, *tail]), bool(counted), before,
                         with_count))
    return out


def _granted(rules: RuleSet, group: Group, item: Item, theirs: set[str],
             once_only: set[str]) -> bool:
    """Whether a group's item is granted to it: not what the others get when it failed
    (另外3家没过), not a first-time or one-time award when it is a repeat (另外1个去年就
    通过过、今年是第二次; 1个是2020年就认定过、今年是复核), not what the head grants once."""
    if _failed(group) and item.rule_id in theirs:
        return False
    if item.outcome != "eligible" or not item.amount_yuan or item.rule_id in once_only:
        return False
    return not (_one_time(rules, item) and renewed(group.said.partition("，")[0]))


def _one_time(rules: RuleSet, item: Item) -> bool:
    """Whether an item is paid the first time only (首次, 一次性奖励)."""
    rule = rules.get(item.rule_id)
    return "首次" in item.label or (rule is not None and any(
        "一次性" in c.quote for c in rule.citations))


def _failed(group: Group) -> bool:
    """Whether the group's own clause says it failed (另外3家没过, 1个没批)."""
    own = group.said.partition("，")[0]
    return without_failures(own) != own


def _placed_away(group: Group, rules: RuleSet) -> str:
    """The group's own clause when it places the part outside the city (一家在青岛,
    两家注册在烟台) and names no place in it, else ""."""
    own = group.said.partition("，")[0]
    vocab = rules.vocabulary
    if any(p in own for p in vocab.home):
        return ""
    return own if any(p in own for p in vocab.elsewhere) else ""


def _counted_or_one(rules: RuleSet, group: Group, estimate_one: Callable[[str], Estimate]
                    ) -> Estimate:
    one = estimate_one(group.question)
    if group.with_count and any(
            (r := rules.get(i.rule_id)) is not None and r.count_fact is not None
            and i.outcome != "ineligible" for i in one.items):
        counted = estimate_one(group.with_count)
        if any((r := rules.get(i.rule_id)) is not None and r.count_fact is not None
               and i.outcome == "eligible" for i in counted.items) or not any(
                i.outcome == "eligible" for i in counted.items):
            return counted
    return one


def compose_groups(rules: RuleSet, text: str, estimate_one: Callable[[str], Estimate]
                   ) -> Estimate | None:
    """The estimates of each group put together, a one-time award granted once per holder
    (labelled with the part as said), what the head grants by itself once; what a group
    still waits for is asked with the rest.  None when the message counts no groups or no
    group is granted anything (the whole question is then estimated as one)."""
    found = groups(text, tuple(w for words in rules.vocabulary.topics.values()
                               for w in words if len(w) >= 2))
    if not found:
        return None
    items: list[Item] = []
    missing: list[str] = []
    warnings: list[str] = []
    # a part whose award is counted (在孵企业升高企 每家10万) keeps its count: its own
    # window or level judges that many (其中一家孵了4年，另外两家是第2年)
    estimates = [_counted_or_one(rules, group, estimate_one) for group in found]
    # 今年我们区创成国家创新型县，有两个镇…: what the head grants by itself is granted once
    # (unless it counts the holders: 申报了3个中心…批了2个 — theirs, per group; what it
    # says before the count, 我们区创成了国家创新型县；区里3个镇…, is the asker's)
    shared = estimate_one(found[0].before or found[0].shared)
    once_only = set() if found[0].counted and not found[0].before else {
        i.rule_id for i in shared.items if i.outcome == "eligible" and i.amount_yuan}
    items.extend(i for i in shared.items if i.rule_id in once_only)
    # 另外3家没过: a part said to have failed does not get what the others do (an award of
    # its own, 另外还获得一项省技术市场奖励, it keeps)
    theirs = {i.rule_id for group, part in zip(found, estimates, strict=True)
              if not _failed(group) for i in part.items if i.outcome == "eligible"}
    pointed = pointed_at([g.said for g in found], text, rules.vocabulary.elsewhere)
    for at, (group, part) in enumerate(zip(found, estimates, strict=True)):
        # 3家认定了…，其中1家是注册在烟台的: the group less the parts put out (its own
        # clause is its count, what puts parts out is said after it)
        after = group.said.partition("，")[2]
        count = group.count - sum(k for k, _, _ in excluded_counts(
            after, rules.vocabulary.elsewhere, group.count)) - len(pointed.get(at, ()))
        warnings += [f"您说“{c}”：不在威海，不享受本市奖励，未计入。" for c in pointed.get(at, ())]
        again = sum(k for k, _, _ in excluded_counts(after, PAID_BEFORE, group.count)
                    if 0 < k < count)
        if (away := _placed_away(group, rules)) and count > 0:
            # 两家在威海注册，一家在青岛: a part placed outside the city gets nothing
            warnings.append(f"您说“{away}”：不在威海，不享受本市奖励，未计入。")
            continue
        for item in part.items:
            if not _granted(rules, group, item, theirs, once_only):
                continue
            rule = rules.get(item.rule_id)
            once = (rule is not None and rule.amount_yuan is not None
                    and rule.count_fact is None and rule.base_fact is None)
            if once and count < 1:  # (2家认定了…，2家都注册在烟台: none counts; an inner
                continue  # count, 4家是…，其中2家首次认定, has multiplied it already: × once)
            paid = count - again if once and _one_time(rules, item) else count
            if once and paid > 1 and item.amount_yuan and "×" not in item.explanation:
                total = item.amount_yuan * paid
                less = f"（{count}−{again}家已领过）" if paid != count else ""
                item = replace(item, amount_yuan=total, explanation=(
                    f"{item.explanation}您说{group.said}：{format_yuan(item.amount_yuan)}"
                    f" × {paid}{less} = {format_yuan(total)}。"))
            items.append(replace(item, label=f"{group.said}：{item.label}"))
        # (还有2家只是被提名没获奖: a failed part waits for nothing)
        missing += [n for n in part.missing if n not in missing and not _failed(group)]
        warnings += [w for w in part.warnings if w not in warnings]
    if not items:
        return None
    note = "按您说的各部分分别计算：" + "；".join(g.said for g in found)
    warnings.sort(key=lambda w: "未计入" not in w)  # (left out first: a phone shows the first)
    return replace(estimates[0], items=tuple(items), missing=tuple(missing),
                   warnings=(note, *warnings))
