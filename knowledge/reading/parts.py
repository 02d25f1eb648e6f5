"""The parts of a count that do not count: "其中M家超过孵化期", "1项在烟台", "另外2项是
企业之间的技术转让", "不过有4家是入孵前就已经是高企了", each with its number, unit and
words; a part said without 其中 is one of the count only when the text says so (the parts
listed add up to it, the rest is said after it, it is fewer and said with 不过 or 有); and
a part that names only a level (国家级2家, 一家是省里的) with the subject it is of."""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge.reading.scope import FAILED

__all__ = ["excluded_counts", "levelled", "narrowed_within", "pointed_at", "pointed_out",
           "refined_by_outcome"]

_N = r"(\d+|[一二两三四五六七八九十百千][一二两三四五六七八九十百千零〇]*)"
# 其中2家超过孵化期 / 其中1项没登记: a part of a count that does not qualify (the words
# that say so beyond these negations are the count fact's ``not_counted`` and the places
# outside the city, from the vocabulary)
_NOT = r"超过|超出|过了|不在|不符合|没有?|未|不是|不算"
# (5家里2家没过: a part of the five, as 其中)
# 这4家里 / 那一半里 / 过了的那些当中: a part of the count said before
_OF_THEM = (r"(?:(?:\d+|[一二两三四五六七八九十]+)\s*[家项个件份]|(?:那|这)(?:一半|些|几家|几个)"
            r"|(?:过了|通过|认定|批了|评上)的?)"
            r"(?:里|中|当中|里面)")
# (后两项受让方在外省: a part of a list named by its position)
_PART = (r"(?:其中|另外|另|还有|剩下的?|(?:前|后|最后)(?:面的?|边的?)?|" + _OF_THEM
         + r"(?:还|也|又)?)?(?:有)?" + _N + r"\s*(家|项|个|件|份|单|笔)")


def _nearest_count(text: str, m: re.Match[str]) -> int | None:
    """The count a part's out word is said of: the nearest before it (其中4项是高校的成果、
    2项是企业之间的 → 2)."""
    from knowledge.numerals import parse_int

    nearer = list(re.finditer(_N + r"\s*" + re.escape(m.group(2)), text[m.end(1):m.start(3)]))
    return parse_int(nearer[-1].group(1) if nearer else m.group(1))


def excluded_counts(text: str, words: Iterable[str] = (), total: int | None = None
                    ) -> list[tuple[int, str, str]]:
    """(number, unit, words) of each part of a count that does not qualify: "其中M家超过
    孵化期", "1项在烟台", "另外2项是企业之间的技术转让" (``words``: what puts a part out
    beyond a negation).  A part without 其中 is a part of the count ``total`` only when
    the parts listed after it add up to it ("3项，2项在威海，1项在烟台"); otherwise it
    is more than the count ("9家…，另外还有2家申报没通过").  A part "都在烟台" with no
    number puts the whole count out: (-1, "", words)."""
    from knowledge.numerals import parse_int

    extra = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)
    # (其中1项后来双方撤回了 / 2家还在公示: a part that fell through or waits)
    out_words = _NOT + f"|{FAILED.pattern}" + (f"|{extra}" if extra else "")
    out: list[tuple[int, str, str]] = []
    part = re.compile(_PART + r"[^，,。；;！!？?]{0,16}?(" + out_words + ")")
    for m in part.finditer(text):
        n = _nearest_count(text, m)
        if text[m.start(3) - 1:m.start(3)] in ("不", "没", "未") and m.start(3) > m.start():
            continue  # 入孵都不满3年: what puts a part out, negated
        if re.fullmatch(r"没有?|未|不是|不算|不在", m.group(3)) and re.match(
                r"(?:有)?(?:" + out_words + ")", text[m.end():]):
            continue  # 3家都没出孵化期 / 都没超过3年: not put out (a double negation)
        if n is not None and _of_the_count(text, m, n, total):
            rest = re.match(r"[^，,。；;！!？?]{0,12}", text[m.end():])
            out.append((n, m.group(2), m.group(0) + (rest.group(0) if rest else "")))
    if not out:
        out.extend(_said_apart(text, out_words))
    if extra and not out and _placed_total(text) == total:
        # 高区一家300万，…，潍坊一家200万: each part led by its place
        for m in re.finditer(r"(?:^|(?<=[，,；;：:]))(" + extra + r")" + _N
                             + r"\s*(家|项|个|件|份|单|笔)[^，,。；;！!？?]*", text):
            n = parse_int(m.group(2))
            if n is not None:
                out.append((n, m.group(3), m.group(0)))
    if not out:
        out.extend((_every(text, extra, total) if extra else [])
                   or _named_one(text, out_words, total))
    return out


def _said_apart(text: str, out_words: str) -> list[tuple[int, str, str]]:
    """The parts said with 其中 whose out words are not beside their count: said first
    (其中已经毕业的有七家 / 其中超过孵化期的有2家) or in the next clause."""
    from knowledge.numerals import parse_int

    out: list[tuple[int, str, str]] = []
    for m in re.finditer(r"其中([^，,。；;！!？?\d]{1,12}?)的?(?:有|是|占)" + _N
                         + r"\s*(家|项|个|件|份|单|笔)", text):
        n = parse_int(m.group(2))
        if n is not None and re.search(out_words, m.group(1)) \
                and not re.match(r"(?:不|没|未)", m.group(1)):
            out.append((n, m.group(3), m.group(0)))
    if not out:
        # 其中有3家入孵都4年多了，早过了3年孵化期: what puts the part out, said next
        for m in re.finditer(r"其中(?:有)?" + _N + r"\s*(家|项|个|件|份|单|笔)([^，,。；;！!？?]*)"
                             r"[，,]([^，,。；;！!？?]{0,16})", text):
            n = parse_int(m.group(1))
            if n is not None and re.search(out_words, m.group(4)) \
                    and not re.search(out_words, m.group(3)):
                out.append((n, m.group(2), m.group(0)))
    return out


def _of_the_count(text: str, m: re.Match[str], n: int, total: int | None) -> bool:
    """Whether the part ``m`` is a part of the count (其中…, 前两项…, 这4家里…), not more
    than it (另外还有2家…)."""
    return bool(re.match("其中|前|后|最后|" + _OF_THEM, m.group(0))) or _within(text, m) \
        or _another_part(text, m) or (_owns(text, m) and (
            total in (_listed_total(text), _led_total(text)) or _rest_said(text, m)
            or _but_part(text, m, n, total)))


def _named_one(text: str, out_words: str, total: int | None) -> list[tuple[int, str, str]]:
    """One of the count named by what it is, put out (不过心血管那个2019年就已经通过过一次
    了: (1, "个", words))."""
    if total is None or total < 2:
        return []
    return [(1, {"那个": "个", "那项": "项", "那份": "份", "那笔": "笔"}.get(m.group(2), "家"),
             m.group(0))
            for m in _NAMED_ONE.finditer(text) if re.search(out_words, m.group(3))]


# (心血管那个… / 80万那项后来撤回了: one named by what it is or by its amount)
_NAMED_ONE = re.compile(r"([\u4e00-\u9fff]{1,6}?|[\d.]+\s*万元?)(那个|那家|那所|那项|那份|那笔)"
                        r"([^，,。；;！!？?]{0,16})")


_LISTED = re.compile(r"分别(?:是|在|位于|落地在?|落在|来自)([^。；;？?]{2,24})")


def _every(text: str, extra: str, total: int | None) -> list[tuple[int, str, str]]:
    """The whole count put out (都在青岛: (-1, "", words)), or the places of a list one per
    counted thing that are outside (买方分别在济南、威海、烟台 of 3: (2, "", words))."""
    every = re.search(r"(?:都|全部|全都|均)(?:是|在|位于|落地在?|落在|来自)?(?:" + extra + ")",
                      text)
    if every is not None:
        return [(-1, "", every.group(0))]
    listed = _LISTED.search(text)
    if listed is None or total is None:
        return []
    places = re.findall(extra, listed.group(1))[:total]
    out_n = len(places)
    if not out_n:
        return []
    said = "分别在" + "、".join(places)
    return [(-1, "", said)] if out_n == total else [(out_n, "", said)]


def _another_part(text: str, m: re.Match[str]) -> bool:
    """Whether a part is another of the parts said with 其中 (其中3家…，另外2家…; 还有1家
    …毕业出孵了, by a word of the count's own), not more than the count (另外还有2家…)."""
    # (只有2项是在威海转化的，另外两项去了外省: 只有 said a part before it too)
    if m.group(0).startswith("另外") and not m.group(0).startswith("另外还"):
        return bool(re.search(r"其中|只有" + _N, text[:m.start()]))
    # (这9家里有2家超过3年了，还有1家去年就毕业出孵了: a state of one of the nine, said
    # by the count's own words, not a failure of one more: 还有1家没通过)
    return m.group(0).startswith("还有") and not re.fullmatch(_NOT, m.group(3)) \
        and bool(re.search(r"其中|" + _OF_THEM, text[:m.start()]))


def _rest_said(text: str, m: re.Match[str]) -> bool:
    """Whether the rest of the count is said after the part (有2家没通过，剩下的都认定了):
    the part is of the count, not more than it (另外还有…)."""
    # (其中2家…，还有1家…，剩下的都…: 还有 after 其中 is one more part of the count)
    return ((not m.group(0).startswith(("另", "还有")) or "其中" in text[:m.start()])
            and bool(re.search(r"剩下|剩余|其余|其他的?都", text[m.end():])))


def _placed_total(text: str) -> int:
    """What the parts led by a place (高区一家300万, 潍坊一家200万) add up to."""
    from knowledge.numerals import parse_int

    return sum(parse_int(m.group(1)) or 0 for m in re.finditer(
        r"(?:^|(?<=[，,；;：:]))[\u4e00-\u9fff]{2,4}?" + _N + r"\s*(?:家|项|个|件|份|单|笔)", text))


def _but_part(text: str, m: re.Match[str], n: int, total: int | None) -> bool:
    """Whether a part said with 不过/但是 (…12家评上高企，不过有4家是入孵前就已经是高企了)
    or opening its clause with 有 is fewer than the count before it: a part of it."""
    before = text[:m.start()]
    return total is not None and 0 < n < total and bool(
        re.search(r"(不过|但是|但|可是|只是)$", before)
        # …9家升为高企，有2家是孵化第4年了: 有 opening its own clause
        or (m.group(0).startswith("有") and before[-1:] in ("，", ",")))


def _within(text: str, m: re.Match[str]) -> bool:
    """Whether the part is said to be among the count (第二批里有1家…, 这8家里有1家…)."""
    # (空间里有3家: where they are, not among which)
    return bool(re.search(r"(?:[家项个件份批些们]|\d)\s*(里|中|当中|里面)$", text[:m.start()]))


def _listed_total(text: str) -> int:
    """What the parts standing at the start of their own segment add up to."""
    from knowledge.numerals import parse_int

    return sum(parse_int(m.group(1)) or 0 for m in re.finditer(_PART, text) if _owns(text, m))


def _led_total(text: str) -> int:
    """What the parts led to the start of their segment by a few words add up to (2项落地在
    青岛，威海本地2项…; 不过只有前两项…，后两项…)."""
    from knowledge.numerals import parse_int

    return sum(parse_int(m.group(1)) or 0 for m in _LED.finditer(text))


_LED = re.compile(r"(?:^|(?<=[，,；;：:\s]))[\u4e00-\u9fff]{0,4}?(?:其中|另外|还有|前|后|最后)?"
                  + _N + r"\s*(?:家|项|个|件|份|单|笔)")


def _owns(text: str, m: re.Match[str]) -> bool:
    """Whether a part without 其中 stands at the start of its own segment ("，1项在烟台"),
    not inside the statement of the whole count ("促成了3项没…")."""
    before = text[:m.start()]
    return not before or before[-1] in "，,；; " or before.endswith(
        ("另外", "还有", "剩下", "不过", "但是", "但", "可是", "只是", "除了"))  # (不过有1家…)


# 国家级那家注册在青岛 / 不过这个在烟台: one thing pointed at (with what tells it apart)
_POINTED = re.compile(r"^(?:不过|但是|但|可是|只是|而且|其中)?([\u4e00-\u9fff]{0,6}?)"
                      r"(?:那|这)一?(?:家|个|项)")


def pointed_out(text: str, words: Iterable[str]) -> list[tuple[str, str]]:
    """(what tells it apart, the clause) of each clause that puts out one thing it points
    at with a demonstrative and no number: 不过国家级那家注册地在青岛 → (国家级, …)."""
    extra = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)
    if not extra:
        return []
    out: list[tuple[str, str]] = []
    for clause in re.split(r"[，,。；;！!？?]", text):
        m = _POINTED.match(clause)
        if m is not None and re.search(extra, clause[m.end():]):
            out.append((m.group(1), clause))
    return out


def pointed_at(saids: list[str], text: str, words: Iterable[str]) -> dict[int, list[str]]:
    """Each part's clauses (``saids``: each part's own clause, then those going on about
    it) that put out one of its holders by pointing at it (不过国家级那家注册地在青岛): the
    part whose own clause says what tells it apart, else the part the clause is said in."""
    out: dict[int, list[str]] = {}
    for word, clause in pointed_out(text, words):
        owns = [k for k, said in enumerate(saids) if word and word in said.partition("，")[0]]
        said_in = [k for k, said in enumerate(saids) if clause in said.partition("，")[2]]
        if owns or said_in:
            out.setdefault((owns or said_in)[0], []).append(clause)
    return out


# 结果只过了1家 / 最后批了2个 / 只有1家通过: an outcome alone, with the count that made it
_VERB = r"(?:过了|通过了?|批了|批下来了?|评上了?|认定了|获批了?|成功了?|认定下来了?)"
# (a result word is said: 2个认定了，1个落选 are parts of their own)
_OUTCOME_ONLY = re.compile(r"^(?=最后|结果|最终|只|仅|就)(?:最后|结果|最终)?(?:只|仅|就)?(?:有)?(?:"
                           + _VERB + r"\s*" + _N
                           + r"\s*(?:家|个)|" + _N + r"\s*(?:家|个)(?:都|均)?" + _VERB + r")$")


def refined_by_outcome(clauses: list[str], parts: list[tuple[int, tuple[int, str]]]
                       ) -> list[tuple[int, tuple[int, str]]]:
    """``parts`` (clause index, (count, words)) with a part that states only an outcome of
    fewer than the part before it (另外2家是到期重新认定，结果只过了1家) taken as that part's
    count: the part before keeps its words with the count that passed."""
    out: list[tuple[int, tuple[int, str]]] = []
    for k, (i, (n, rest)) in enumerate(parts):
        # (最后过了4家，另外3家没过 after 7家申请: parts of the seven, each said)
        rest_said = sum(m for _, (m, _) in parts[k:])
        if out and _OUTCOME_ONLY.match(clauses[i]) and n < out[-1][1][0] \
                and rest_said != out[-1][1][0]:
            at, (_, words) = out[-1]
            out[-1] = (at, (n, words))
            continue
        out.append((i, (n, rest)))
    return out


# what a clause says happened to those it counts: recognised, passed, first or again
_EVENT = re.compile(r"通过|过了|认定|评上|获评|获批|批了|批下|创成|升级|升了|入选|首次|第一次|重新"
                    r"|复审|复核")
_WITHIN = re.compile(r"^(?:不过|但是|但|而)?(?:其中|里头|里面|这里面|当中|这当中)(?:有)?"
                     + _N + r"\s*(家|项|个|件|份)")


def narrowed_within(own: str, more: list[str], n: int) -> int:
    """The count of a part said of some of it (3家是检测公司，其中2家首次认定高企 → 2): a
    clause after the part's own, said with 其中, that counts fewer and says what happened to
    them when the part's own clause says nothing happened; else ``n``.  (3家认定了…，其中1家
    是注册在烟台的 says what happened in its own clause: its 其中 puts a part out.)"""
    from knowledge.numerals import parse_int

    if _EVENT.search(own):
        return n
    for clause in more:
        m = _WITHIN.match(clause)
        k = parse_int(m.group(1)) if m is not None else None
        if m is not None and k and k < n and _EVENT.search(clause[m.end():]):
            return k
    return n


# a level said as a place or a possessive (一家是国家的，两家是省里的), or alone
_LEVEL_ALONE = re.compile(r"^(是|为|也是|新认定|认定|新认定为|认定为)?"
                          r"(国家级|国家的|国家|省级|省里的|省里|省的|市级|市里的|市的)(的)?$")
_LEVEL_LAST = re.compile(r"()(国家级|省级|市级)(的)?$")
_LEVELS = {"国家": "国家级", "省": "省级", "市": "市级"}


def levelled(rest: str, head: str, subjects: tuple[str, ...]) -> str:
    """A part that names only a level (国家级, 是省里的, 新认定省级) with the subject the head
    names after it: 国家级 + 国际合作基地."""
    m = _LEVEL_ALONE.match(rest)
    lead = m.group(1) or "" if m is not None else ""
    if m is None and (m := _LEVEL_LAST.search(rest)) is not None:
        lead = rest[:m.start()]  # 企业牵头的市级 (5个): who leads, then the level
    if m is None:
        return rest
    level = _LEVELS[next(k for k in _LEVELS if m.group(2).startswith(k))]
    for word in sorted(subjects, key=len, reverse=True):
        at = head.find(word)
        if at >= 0:
            subject = re.match(r"[^，,。；;！!？?：:\s的、]*", head[at:])
            return lead + level + (subject.group() if subject else word)
    return rest
