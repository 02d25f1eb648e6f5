"""A condition some parts of a message meet and others do not (polarity per part).

"分别是30万、45万、25万、20万和15万，其中前三份去登记了，后面两份没登记": a list's parts
named by position, each with its own polarity; "这三个都认定登记了，还有一个80万…没法做登记":
the condition affirmed in one clause and denied in another, so the denial is of a part,
never of the whole.  Where the parts cannot be told apart, the amount is asked rather
than guessed (:func:`knowledge.reading.amounts.read_money` uses these)."""

from __future__ import annotations

import re

from knowledge.money import MoneyMention, format_yuan
from knowledge.numerals import parse_int
from knowledge.reading.said import denies
from knowledge.reading.scope import FAILED, is_negated

__all__ = ["affirmed_apart", "by_name", "by_position", "each_accounted", "less_undone",
           "out_by_position"]

_CLAUSE = re.compile(r"[^，,。；;！!？?\s]+")
# 前三份 / 后面两份 / 最后2个: a part of a list named by its position
_POSITION = re.compile(r"(前|后|最后)(?:面的?|边的?)?\s*([\d一二两三四五六七八九十]+)\s*"
                       r"(?:份|个|项|笔|单|件)")
# a step said done (都认定登记了, 已登记, 去登记了, 登记过): not asked (要登记吗) nor supposed
_DONE = re.compile(r"了|过|已|都|均|全部|全都")
# a piece of a clause: up to a completed step followed by another part's count
_PIECE = re.compile(r".+?(?:了(?=[\d一二两三四五六七八九十]+\s*[份个项笔件单家])|$)")
# a clause said of a part (其中3项, 这三个, 还有一个, 剩下的)
_PART = re.compile(r"其中|另外|另一|还有|剩下|剩余|其余|有的|部分|前|后面|最后"
                   r"|[\d一二两三四五六七八九十]+\s*(?:份|个|项|笔|件|单|家)")
_NOT_DONE = re.compile(r"吗|么|是否|需要|需不需要|要不要|如果|假如|要是|假设|打算|准备|正在|还在")


def by_position(text: str, mentions: list[MoneyMention], pattern: str,
                notes: list[str] | None = None) -> list[MoneyMention] | None:
    """The listed amounts that meet ``pattern`` when clauses name parts of the list by
    position (or name, :func:`by_name`) and say which meet it, or when each is accounted
    for (:func:`each_accounted`, given the ``notes``); None when no clause does, or the
    positions do not settle every amount (前三份登记了 alone: the other two are not said)."""
    if len(mentions) < 2:
        return None
    met: set[int] = set()
    unmet: set[int] = set()
    for clause in _CLAUSE.finditer(text):
        said = clause.group()
        where = _POSITION.search(said)
        if where is None or not re.search(pattern, said) or clause.start() < mentions[0].end:
            continue
        n = parse_int(where.group(2))
        if n is None or not 0 < n <= len(mentions):
            return None
        part = set(range(n)) if where.group(1) == "前" else set(
            range(len(mentions) - n, len(mentions)))
        (unmet if is_negated(text, clause.start(), clause.end()) else met).update(part)
    if not met and not unmet:
        named = by_name(text, mentions, pattern)
        if named is None and notes is not None and each_accounted(text, mentions, pattern, notes):
            return [m for m in mentions if not _left_out(m, notes)]
        return named
    if met & unmet or (met and len(met | unmet) < len(mentions)):
        return None
    return [m for i, m in enumerate(mentions) if i not in unmet]


# 甲60万、乙40万 / A合同60万: an amount named by a letter before it
_NAME = re.compile(r"(?:^|[、，,：:；;和及与\s])([甲乙丙丁戊己庚辛]|[A-H])"
                   r"(?:合同|公司|项目|那份|的)?\s*$")
_OTHERS = re.compile(r"其他|其它|其余|剩下|剩余")


def by_name(text: str, mentions: list[MoneyMention], pattern: str
            ) -> list[MoneyMention] | None:
    """The amounts named by a letter (甲60万、乙40万、丙80万) that meet ``pattern`` when
    clauses say which do (其中丙没去登记，其他三份都登记了); None unless every amount is
    named and every one is settled."""
    names: list[str] = []
    for m in mentions:
        named = _NAME.search(text, max(0, m.start - 4), m.start)
        if named is None:
            return None
        names.append(named.group(1))
    if len(set(names)) != len(names):
        return None
    met: set[str] = set()
    unmet: set[str] = set()
    for clause in _CLAUSE.finditer(text, mentions[-1].end):
        said = clause.group()
        if not re.search(pattern, said):
            continue
        negated = is_negated(text, clause.start(), clause.end())
        told = {n for n in names if n in said}
        if not told and _OTHERS.search(said):
            told = set(names) - met - unmet  # 其他三份都登记了: the ones not said yet
        (unmet if negated else met).update(told)
    if met & unmet or len(met | unmet) < len(names) or not unmet:
        return None
    return [m for m, n in zip(mentions, names, strict=True) if n not in unmet]


def affirmed_apart(text: str, pattern: str) -> bool:
    """Whether a clause of ``text`` says ``pattern`` done, not negated, asked or supposed
    (这三个都认定登记了), and the clauses name parts (这三个, 2项没登记, 还有一个…): a denial
    elsewhere in the message is then of a part (not 做了登记…登记也撤销了: undone whole)."""
    done = parted = False
    for clause in _pieces(text):
        said = clause.group()
        if not re.search(pattern, said):
            continue
        parted = parted or bool(_PART.search(said))
        if _DONE.search(said) and not _NOT_DONE.search(said) \
                and not is_negated(said, 0, len(said)):
            done = True
    return done and parted


def _pieces(text: str) -> list[re.Match[str]]:
    """The clauses of ``text``, one saying two parts without a comma split between them
    (两项登记了一项没登记)."""
    return [p for c in _CLAUSE.finditer(text) for p in _PIECE.finditer(c.group())]


def out_by_position(text: str, mentions: list[MoneyMention], elsewhere: tuple[str, ...],
                    notes: list[str]) -> list[MoneyMention]:
    """``mentions`` less the amounts of a list (合同额300万、250万、400万、500万) that a later
    clause names by position and puts out: placed outside the city or fallen through (后两项
    受让方在外省, 最后一份黄了), said in a note.  Other amounts stay."""
    listed = _listed_run(text, mentions)
    if len(listed) < 2:
        return mentions
    places = "|".join(re.escape(p) for p in sorted(elsewhere, key=len, reverse=True) if p)
    out: set[int] = set()
    for clause in _CLAUSE.finditer(text, listed[-1].end):
        said = clause.group()
        where = _POSITION.search(said)
        if where is None or not (FAILED.search(said, where.end()) or (
                places and re.search(places, said[where.end():]))):
            continue
        n = parse_int(where.group(2))
        if n is None or not 0 < n < len(listed):
            return mentions
        part = range(n) if where.group(1) == "前" else range(len(listed) - n, len(listed))
        out.update(id(listed[i]) for i in part)
        notes.append(f"未计入：“{said}”（" + "、".join(listed[i].text for i in part) + "）")
    return [m for m in mentions if id(m) not in out]


def _listed_run(text: str, mentions: list[MoneyMention]) -> list[MoneyMention]:
    """The last run of amounts listed one after another (300万、250万和400万)."""
    runs: list[list[MoneyMention]] = []
    for m in mentions:
        if runs and re.fullmatch(r"\s*[、和及与]\s*", text[runs[-1][-1].end:m.start]):
            runs[-1].append(m)
        else:
            runs.append([m])
    return max(runs, key=len, default=[]) if runs else []


def less_undone(found: list[tuple[MoneyMention, str]], total: MoneyMention,
                notes: list[str], condition: tuple[str, str | None] = ("", None),
                why: str = "") -> int | None:
    """The ``total`` less its parts said after it to have fallen through (登记过的合同一共
    250万，不过后来有一份50万的登记被撤销了 → 200万) or to miss the condition (``condition``:
    the text and the fact's condition pattern; 总额150万，其中一份40万的没去登记 → 110万),
    said in ``notes`` (``why``: how the condition is missed); None when no part fell
    through.  ``found``: each amount with its segment."""
    text, pattern = condition
    failed = [m for m, seg in found if m.start > total.end and m.yuan < total.yuan
              and FAILED.search(seg)]
    # (其中一份40万的没登记: a part of the total; not 还有2项没登记，一共90万, one beside it)
    unmet = [m for m, seg in found if m.start > total.end and m.yuan < total.yuan
             and m not in failed and seg.startswith("其中") and pattern is not None
             and denies(text, m, pattern)]
    if not failed and not unmet:
        return None
    left = total.yuan - sum(m.yuan for m in (*failed, *unmet))
    said = [f"{'、'.join(m.text for m in failed)}未成" if failed else "",
            f"{'、'.join(m.text for m in unmet)}{why or '未满足条件'}" if unmet else ""]
    notes.append(f"您说共{total.text}，其中{'，'.join(s for s in said if s)} → "
                 f"按{format_yuan(left)}计")
    return left


def each_accounted(text: str, mentions: list[MoneyMention], pattern: str,
                   notes: list[str]) -> bool:
    """Whether every amount is either left out already (未计入：“30万”…) or said, in its
    clause or the next, to meet ``pattern`` (从哈工大买专利70万，登记了): a denial said
    apart is then of the part left out, not of every amount."""
    if not any(n.startswith("未计入：“") for n in notes):
        return False
    for m in mentions:
        if _left_out(m, notes):
            continue
        after = [c for c in _CLAUSE.finditer(text, m.end)][:2]
        said = text[m.start:after[-1].end()] if after else text[m.start:]
        hit = re.search(pattern, said)
        if hit is None or is_negated(said, hit.start(), hit.end()):
            return False
    return True


def _left_out(mention: MoneyMention, notes: list[str]) -> bool:
    return any(n.startswith(f"未计入：“{mention.text}") or f"…{mention.text}”" in n
               for n in notes)

