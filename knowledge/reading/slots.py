"""Slots of a follow-up merged into the previous question: its year, amounts and counts
(``2020年又买了一个，花了400万`` → the question of 2019 with 2020 and 400万), and
:func:`restate`, the same for a terse year of a multi-year message."""

from __future__ import annotations

import re
from typing import Any

from knowledge.money import format_yuan, scan_money
from knowledge.numerals import parse_int
from knowledge.reading.scope import IF, without_failures

__all__ = [
    "COUNT",
    "PUNCT",
    "YEAR",
    "N",
    "merge_counts",
    "merge_money",
    "merge_year",
    "restate",
    "supposed",
    "taken_back",
]

# a year with the part of it said (2021年12月, 2021年上半年): the whole is the slot
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?:\d{1,2}\s*月(?:\d{1,2}\s*[日号])?|上半年|下半年"
                  r"|第?[一二三四]季度|年初|年底)?")
N = r"(\d+|[一二两三四五六七八九十百千][一二两三四五六七八九十百千零〇]*)"
COUNT = re.compile(r"(?<!第)" + N + r"\s*(家|项|个|件|次|名|所|位)")  # (第二次: no count)
PUNCT = re.compile(r"[\s，,。.？?！!、;；:：~～…]+")


_RELATIVE_YEAR = re.compile(r"今年|去年|前年|明年")


_SPAN = re.compile(r"(从|自)((?:19|20)\d\d)\s*年(到|至)(现在|今天|目前|如今|今年|\d{4}\s*年)"
                   r"|((?:19|20)\d\d)\s*年(以来|至今|到现在|到今天)")


_MONTH_DAY = re.compile(r"\d{1,2}\s*月(?:\d{1,2}\s*[号日])?")
_DATED = re.compile(r"((?:19|20)\d\d\s*年)(\d{1,2}\s*月(?:\d{1,2}\s*[号日])?)")


def merge_year(said: str, question: str, rest: str, refs: list[str]) -> tuple[str, str]:
    """The message's (last) year replaces the question's, or is put in front of it; a
    span (从2020年到现在, 2020年以来: the years told, added up) changes none."""
    if _SPAN.search(said):
        return question, _SPAN.sub("", rest)
    years = [m.group() for m in YEAR.finditer(said)]
    if not years and (day := _MONTH_DAY.search(said)) and (dated := _DATED.search(question)):
        # 要是11月5号就进了呢 after 2018年11月20号…: the day said in the place of the one before
        refs.append("year")
        return (question[:dated.start(2)] + day.group() + question[dated.end():],
                rest.replace(day.group(), "", 1))
    if not years:
        # 我们今年刚升成国家级 after 2021年…: the year said by its name replaces the one before
        relative = _RELATIVE_YEAR.search(said)
        if relative is None or not YEAR.search(question):
            return question, rest
        refs.append("year")
        return YEAR.sub(relative.group(), question), rest.replace(relative.group(), "", 1)
    year = years[-1]
    said_of = {m.group(1) for m in YEAR.finditer(question)}
    if len(said_of) > 1 and YEAR.match(year).group(1) in said_of and (  # type: ignore[union-attr]
            any(not m.problem for m in scan_money(said)) or COUNT.search(said)):
        # 不对，2020年是花了三百万 (after 2019年…，2020年又花了二百万): the year places the
        # figure among the question's years; it changes none of them
        return question, YEAR.sub("", rest)
    if YEAR.search(question):
        question = YEAR.sub(year, question)
    elif re.search("今年|去年|前年", question):  # 今年头一回认定 → 2020年头一回认定
        question = re.sub("今年|去年|前年", year, question, count=1)
    else:
        question = f"{year}{question}"
    refs.append("year")
    return question, YEAR.sub("", rest)


def merge_money(said: str, question: str, rest: str, refs: list[str]) -> tuple[str, str]:
    """Each amount of the message replaces the previous question's amount of the same
    kind (the one whose clause shares a word with the message's), else its only one."""
    new = [m for m in scan_money(said) if not m.problem]
    if not new:
        return question, rest
    old = [m for m in scan_money(question) if not m.problem]
    for mention in new:
        target = _closest(said, mention.start, question, old) if old else None
        if target is None:
            # 省里拨了80万 of 配套怎么算: the amount with the words of its clause (as left
            # after the other slots were taken)
            at = rest.find(mention.text)
            clause = _clause(rest, at) if at >= 0 else mention.text
            question = f"{question}，{clause}"
            rest = rest.replace(clause, "", 1)
            continue
        rest = rest.replace(mention.text, "")
        # (二百五十多万 → 256万: the approximate words go with the amount they qualify)
        start, end = target.start, max(target.end, target.start + len(target.text))
        if (about := _ABOUT_AFTER.match(question, end)) is not None:
            end = about.end()
        if (about := _ABOUT_BEFORE.search(question, 0, start)) is not None:
            start = about.start()
        question = question[:start] + mention.text + question[end:]
        old = [m for m in scan_money(question) if not m.problem and m.text != mention.text]
    refs.append("amount")
    return question, rest


_ABOUT_AFTER = re.compile(r"多|余|左右|以上|以下|上下|出头|来")
_ABOUT_BEFORE = re.compile(r"(?:超过|不到|不足|约|大约|大概|差不多|将近|接近)$")


def _closest(said: str, at: int, question: str, old: list[Any]) -> Any:
    """The previous amount the new one stands for: the only one, else the one whose
    clause shares most characters with the new one's clause."""
    if len(old) == 1:
        return old[0]
    clause = _clause(said, at)
    years = {y.group(1) for y in YEAR.finditer(clause)}

    def near(m: Any) -> tuple[bool, int]:  # (2020年是花了三百万: the one said of 2020 first)
        theirs = _clause(question, m.start)
        return (bool(years & {y.group(1) for y in YEAR.finditer(theirs)}),
                len(set(clause) & set(theirs)))
    return max(old, key=near)


def _clause(text: str, at: int) -> str:
    start = max((m.end() for m in PUNCT.finditer(text, 0, at)), default=0)
    end = next((m.start() for m in PUNCT.finditer(text, at)), len(text))
    return text[start:end]


_PART_OF = re.compile(r"(?:" + N + r"\s*(家|项|个|件)(?:里|里面|当中|之中|中)|其中)(?:有)?\s*"
                      + N + r"\s*(家|项|个|件)([^，,。；;！!？?]*)")
_OF_THINGS = re.compile(r"[\u4e00-\u9fff]")
_NOT_A_NOUN = "都一共总共加合算起的呢吗多少几能可要"
# the noun after a count: up to the verb or particle that follows it (4个镇都评上了 → 镇)
_NOUN = re.compile(r"[^\s，,。？?！!都也均评通获认有被在了的呢吗一共总共加升拿]{1,4}")


def _closest_count(rest: str, at: int, question: str, olds: list[re.Match[str]]
                   ) -> re.Match[str]:
    """The previous count the new one stands for: the first, unless another's clause
    shares more words with the new one's (其中3家超过孵化期 ← 超过孵化期的是6家)."""
    def shared(m: re.Match[str]) -> int:
        words = set(re.sub(r"[\d一二两三四五六七八九十家项个件是的了呢吗要那如果]", "",
                           _clause(rest, at)))
        return len(words & set(_clause(question, m.start())))
    return max(olds, key=shared)


# a title of a level (市级技术创新中心, 国家级孵化器): what a bare count corrects
_LEVELLED_TITLE = re.compile(r"(?:国家级|省级|市级)[\u4e00-\u9fff]{0,8}?(?:中心|孵化器|众创空间"
                             r"|基地|实验室|研究院|科技园|机构)")
# 又多了2家 / 再加3个 / 新增1项: more than the count before, added to it
_MORE = re.compile(r"(又多了?|再多了?|多了|又增加了?|增加了|再加上?|新增了?|又新增了?)\s*$")


def merge_counts(rest: str, question: str, refs: list[str], combined: bool = False
                 ) -> tuple[str, str]:
    """Each count of the message (8家, 3项) replaces the previous question's count with
    the same classifier, else is added to it.  ``combined`` (两项加起来): only a count
    of something named (4个镇) is one; 两项 counts the items to add up."""
    if (part := _PART_OF.search(rest)) is not None and (
            part.group(1) is None or re.search(N + r"\s*" + part.group(2), question)):
        # 那4家里有1家已经出孵了 / 其中2家没登记: a part of the count said before, said of
        # it (not a new count)
        question = f"{question}，其中{part.group(3)}{part.group(4)}{part.group(5)}"
        refs.append("count")
        return question, rest[:part.start()] + rest[part.end():]
    # (那这8家企业自己能分钱吗: the count said before, pointed at — no count of its own)
    pointed = [m for m in COUNT.finditer(rest) if re.search(r"[这那]$", rest[:m.start()])]
    counts = [m for m in COUNT.finditer(rest)
              if (not combined or (_OF_THINGS.match(rest, m.end())
                                   and rest[m.end()] not in _NOT_A_NOUN))
              and not any(p.start() == m.start() for p in pointed)]
    for m in counts:
        number, unit = m.group(1), m.group(2)
        # (要是超过孵化期的是6家呢: the count whose clause says what the new one's does)
        olds = list(re.finditer(N + r"\s*" + re.escape(unit), question))
        old = _closest_count(rest, m.start(), question, olds) if olds else None
        if old is not None and _MORE.search(rest[:m.start()]) and (
                (a := parse_int(old.group(1))) is not None
                and (b := parse_int(number)) is not None):
            # 又多了2家 after 2家: one more than before (2 + 2)
            question = question[:old.start(1)] + str(a + b) + question[old.end(1):]
        elif old is not None:
            question = question[:old.start(1)] + number + question[old.end(1):]
        elif number in ("一", "1"):
            continue  # 又买了一个: an article, no count to add
        elif (noun := _NOUN.match(rest, m.end())) is None and unit in ("家", "个") \
                and (title := _LEVELLED_TITLE.search(question)) is not None:
            # 其实是两家 after …市级技术创新中心今年获批了: that many of the title
            question = question[:title.start()] + number + unit + question[title.start():]
        else:  # with what it counts (4个镇), so the count keeps its noun
            question = f"{question}，{number}{unit}{noun.group() if noun else ''}"
        refs.append("count")
    if counts or combined:
        rest = "".join(piece if k % 2 else COUNT.sub("", piece) for k, piece in enumerate(
            re.split("(" + "|".join(re.escape(p.group()) for p in pointed) + ")", rest)
            if pointed else [rest]))
    return question, rest


def restate(said: str, before: str) -> str:
    """``before`` with the year, amounts and counts ``said`` states: the earlier statement
    a terse one repeats ("2022年有3家" after "2021年有2家在孵企业认定高企" → "2022年有3家
    在孵企业认定高企"; "2020年又买了一个，花了400万" after "2019年买技术花了80万")."""
    refs: list[str] = []
    question, rest = merge_year(said, before, said, refs)
    question, rest = merge_money(said, question, rest, refs)
    question, _ = merge_counts(rest, question, refs)
    return question


_LEVELS = re.compile(r"国家级|省级|市级")
_CLAUSES = re.compile(r"[，,。；;！!？?\s]+")
_NOT_A_TITLE = ("那个", "这个", "其实", "没有", "实际")


def taken_back(said: str, before: str) -> str | None:
    """``before`` without the clauses stating a title of a level that ``said`` says was
    not obtained, then ``said`` (孵化器国家级那个其实没批下来，只批了个山东省品牌孵化器 after
    "…2021年旗下孵化器被认定为国家级科技企业孵化器…"); None when it takes nothing back."""
    failed = [c for c in _CLAUSES.split(said) if c and without_failures(c) != c
              and _LEVELS.search(c)]
    if not failed:
        return None
    pieces = re.split(r"(?<=[，,。；;！!？?])", before)
    kept = [p for p in pieces if not (without_failures(p) == p
                                     and any(_same_title(p, f) for f in failed))]
    if len(kept) == len(pieces):
        return None
    return "".join(kept).rstrip("，,。；;！!？? ") + "，" + said.strip()


def _same_title(piece: str, failed: str) -> bool:
    """Whether ``piece`` states a title of the level ``failed`` denies, sharing its noun."""
    if not set(_LEVELS.findall(failed)) & set(_LEVELS.findall(piece)):
        return False
    core = _LEVELS.sub("", without_failures(failed))
    return any(core[i:i + 2] in piece for i in range(len(core) - 1)
               if core[i:i + 2] not in _NOT_A_TITLE)


# 要是再买200万 / 如果还有2家: a supposition that adds, not one that replaces
_ADDS = re.compile(r"再|又|还有|还要|另外|加上|多(?!少)")
_ASKED = re.compile(r"[^，,。；;]*(多少|几万|几十万)[^，,。；;]*$")


def supposed(text: str) -> str | None:
    """The statement with the figure a supposition after it puts in place of one it said
    (…成交额180万，说没到门槛，要是当时做到260万，能补多少 → …成交额260万…，能补多少); None
    when the supposition names no figure said before, a year, or something more."""
    m = IF.search(text)
    if m is None or not m.start():
        return None
    before, after = text[:m.start()].rstrip("，,。；; "), text[m.start():]
    money = bool(scan_money(after)) and bool(scan_money(before))
    counts = bool(COUNT.search(after)) and bool(COUNT.search(before))
    asked = _ASKED.search(after)
    if _ADDS_NOW.match(after) and not YEAR.search(after) and not _ANOTHER_TIME.search(after):
        # 要是那年再多促成一项（合同额100万）: one more, added to what was said
        added = _added(before, after)
        return None if added is None else f"{added}，{asked.group() if asked else '能拿多少'}"
    if YEAR.search(after) or _ADDS.search(after) or not (money or counts):
        return None  # (荣成的企业 假如研发财政补助批了800万: nothing said to put it in place of)
    merged = restate(after, before)
    if merged == before:
        return None
    return f"{merged}，{asked.group()}" if asked else merged


# 要是那年再多促成一项 / 如果还有2家也升了: the supposition itself adds (not 加上… later)
_ADDS_NOW = re.compile(r"(?:" + IF.pattern + r")[^，,。；;]{0,6}?(?:再|多(?!少)|还有|另外)")
# 如果明年再升5家: another year's, not one more of the year said
_ANOTHER_TIME = re.compile(r"[今明后去前]年|下一年|第二年|次年|以后|将来|下半年|年底")
_TOTALLED = re.compile(r"(一共|合计|总共|共计|总额|加起来)\s*(是|为)?\s*$")


def _added(before: str, after: str) -> str | None:
    """``before`` with what a supposition adds (再多促成一项（合同额100万）): the count said
    first of its unit plus the count supposed, the amount said (its total, else the last)
    plus the amount supposed; None when the supposition adds nothing said before."""
    out, changed = before, False
    if (more := COUNT.search(after)) is not None:
        said = next((m for m in COUNT.finditer(before) if m.group(2) == more.group(2)), None)
        n, k = (parse_int(said.group(1)), parse_int(more.group(1))) if said else (None, None)
        if said is None or n is None or k is None:
            return None
        out, changed = f"{out[:said.start()]}{n + k}{said.group(2)}{out[said.end():]}", True
    if more_money := scan_money(after):
        said_money = scan_money(out)
        if not said_money:
            return None
        total = next((m for m in said_money if _TOTALLED.search(out, 0, m.start)), said_money[-1])
        yuan = format_yuan(total.yuan + more_money[0].yuan)
        out, changed = f"{out[:total.start]}{yuan}{out[total.end:]}", True
    return f"如果{out}" if changed else None
