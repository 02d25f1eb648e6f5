"""Counts a question states, less their parts that do not count, and the recipients a
government counts ("我们区有3个镇…": the towns apply).

- :func:`read_counts`: the incubatees that upgraded (5家报了高企，只有2家通过; 其中2家超过
  孵化期; 都没通过) and the results transferred (3项，1项在烟台), each part put out said
  in a note (the count fact's ``not_counted`` words and the places outside the city);
- :func:`read_spoken_for`: a district government asking for the towns, enterprises or
  incubators it counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from knowledge.numerals import parse_int
from knowledge.reading.parts import excluded_counts
from knowledge.reading.raw import RawExtraction
from knowledge.reading.said import NOT_ASKING
from knowledge.reading.scope import FAILED, clause_at, is_negated

__all__ = ["read_counts", "read_spoken_for"]

_N = r"(\d+|[一二两三四五六七八九十百千][一二两三四五六七八九十百千零〇]*)"


# 我们区有3个镇… / 辖区5家企业…: a government counting the recipients it speaks for
_FEW = r"(\d+|[一两二三四五六七八九十]+)"
_DISTRICT_TITLE = re.compile(r"创新型县|高新区|农高区|农业科技园区")
_SPOKEN_FOR = ((re.compile(_FEW + r"\s*个(乡镇|镇)"
                           # (下面张村镇…命名为国家创新型乡镇: one town under it, named)
                           r"|(?:下面|下属|辖区|辖区内|区里|县里)的?[\u4e00-\u9fff]{1,4}?镇(?!政府)"),
                "town_gov"),
               (re.compile(_FEW + r"\s*家[\u4e00-\u9fff]{0,8}?(企业|公司)"
                           r"|(企业|公司)" + _FEW + r"\s*家"), "enterprise"),
               (re.compile(_FEW + r"\s*(个|家)(孵化器|众创空间)"), "incubator"))


_OWN_LEVEL = re.compile(r"本级|(?:区|县|市)(?:里|政府)?自己"
                        r"|(?:我局|本局|局里|我们|我单位)(?:本身|自己|自身)")


def read_spoken_for(text: str, out: RawExtraction) -> None:
    """A district government (科技局, 我们区) asking for the towns or enterprises it
    counts: they are who applies (每个镇100万, not the district's own award)."""
    held = out.facts.get("applicant_types")
    if not (isinstance(held, set) and held == {"district_gov"}) or _OWN_LEVEL.search(text):
        return  # (…问我们区本级能拿多少: the district's own, not the towns')
    kinds = {kind for pattern, kind in _SPOKEN_FOR if pattern.search(text)}
    if len(kinds) == 1:
        # the district's own titles (创新型县) stay its own: the towns apply beside it
        own = bool(_DISTRICT_TITLE.search(text))
        out.facts["applicant_types"] = set(kinds) | ({"district_gov"} if own else set())
        out.implied.discard("applicant_types")
        out.notes[:] = [n for n in out.notes if "推定申报主体" not in n]


def _counted(text: str, m: re.Match[str], n: int, words: tuple[str, ...],
             elsewhere: tuple[str, ...], notes: list[str]) -> int:
    """``n`` (the count ``m`` states) less its parts that do not qualify, said in a note."""
    # (6家但其中2家入孵超过三年了: what the whole is said to be, before its parts)
    own = re.match(r"[^，,。；;]*?(?=但|不过|可是|只是|其中|[，,。；;]|$)", text[m.start():])
    said = own.group() if own else ""
    if n and (word := next((w for w in words if re.search(
            r"(?<![没未不有])" + re.escape(w), said)), "")):  # (都没出孵化期: they count)
        # 促成了3项企业自有的专利成果转化: the whole count is of a kind that does not count
        notes.append(f"您说{said}（{word}） → 按0计")
        return 0
    if n and (gone := _all_out(text, m.end(), elsewhere)):
        # 4项…但合同都是跟外地企业签的 / 成果都没在威海落地转化: none of them counts
        notes.append(f"您说{said}，{gone} → 按0计")
        return 0
    parts = excluded_counts(text[m.end():], (*words, *elsewhere), n) if n else []
    unit = next((u for _, u, _ in parts if u), "")
    # 对接了5个企业…潍坊一家: 家 and 个 count the same things
    parts = [(k, unit if {u, unit} <= {"家", "个"} else u, w) for k, u, w in parts]
    if parts and parts[0][0] < 0:
        notes.append(f"您说{parts[0][2]} → 按0计")
        return 0
    less = sum(k for k, u, _ in parts if u == unit)
    if 0 < less < n:
        said = "，".join(w for _, u, w in parts if u == unit)
        notes.append(f"您说有{n}{unit}，{said} → 按{n - less}{unit}计")
        return n - less
    counted_unit = re.search(r"家|个|项|件", m.group(0))
    if n and counted_unit and (part := _UNREAD_PART.search(text, m.end())) is not None \
            and part.group(2) == counted_unit.group() \
            and (k := parse_int(part.group(1))) is not None and 0 < k < n:
        # 12家，其中5家…: a part not read as in or out — asked, not guessed
        rest = re.match(r"[^，,。；;！!？?]*", text[part.start():])
        notes.append(f"您说有{n}{part.group(2)}，“{rest.group() if rest else part.group()}”"
                     f"这部分是否符合条件未能确定，请告诉我符合条件的有几{part.group(2)}")
        return -1
    return n


def _all_out(text: str, at: int, elsewhere: tuple[str, ...]) -> str:
    """The clause after ``at`` saying all of a count went elsewhere or none was converted
    in the city (合同都是跟外地企业签的 / 成果都没在威海落地), else ''."""
    places = "|".join(re.escape(p) for p in elsewhere) or "外地"
    m = re.compile(r"(?![^。？！?!]{0,30}?(其他|其余|剩下|另外|其中))[^。？！?!]{0,30}?"
                   r"(都|均|全部|全都)是?[^，,。；;]{0,6}?(?:(?:跟|和|与|卖给|转给|转让给|签给|在)"
                   r"(?:" + places + r")|(?:没有?|未)(?:在(?:威海|本市|市内|我市|当地))?"
                   r"(?:落地|转化|落户))").match(text, at)
    return "" if m is None else re.sub(r"^[，,；;\s]*(但是?|不过|可是)?", "", clause_at(
        text, m.end() - 1))


# a part of a count said with 其中 (其中5家是…)
_UNREAD_PART = re.compile(r"其中(?:有)?" + _N + r"\s*(家|个|项|件)")


# the counted ones all failed (都没通过, 均未通过, 全部落选)
# (not 只过了1家，其他都被驳回了: the others failed)
_ALL_FAILED = re.compile(r"(?![^。？！?!]{0,20}?(其他|其余|剩下|另外))"
                         r"[^。？！?!]{0,20}?(都|均|全部|全都)((没有?|未)(通过|成功|评上|认定|批)"
                         r"|失败|落选|被驳回)")


# 16家报高企，通过了一半: half of the count passed
_HALF = re.compile(r"(通过|过|升|评上|认定)了?(其中的?)?一半|一半(的)?(通过|过了|升|评上)")


# 一个国家级孵化器和一个区级众创空间…6家: a count of the holders is not of the incubatees
_NOT_A_HOLDER = r"(?![^，,。；;\s在孵]{0,8}(孵化器|众创空间|大学科技园|载体|星创天地))"
# the rest of a count that failed (…4家升级成功2家没过)
_FAILED_PART = re.compile(r"[，,]?(?:另外|其余|剩下)?" + _N + r"\s*(?:家|个)[^，,。；;\d]{0,3}?"
                          r"(?:没过|没通过|未通过|没成功|失败|落选|没评上)")
# the part of a count that passed: 只有2家通过 / 通过了2家 / 2个入选
_PASSED = re.compile(r"(?:只有|仅有?|就|其中|结果)?" + _N
                     + r"\s*(?:家|个)(?:顺利)?(?:通过|过了|评上|成功|入选|获批|升级成功|升上去"
                       r"|升上了|升成了|认定上|认定成功|(?:还|都)?在(?:3年|三年)?孵化期(?:内|里|之内)(?!外))"
                     r"|(通过|(?<![超经越度])过|评上|入选|获批|批下来)了?\s*" + _N
                     + r"\s*(?:家|个)")


# 第一批过了4家，第二批又过了5家: more of the same count, in the same year
_MORE = re.compile(r"(?:又|再|第二批|第三批|另外还?|还|下半年|后半年)[^，。；;]{0,6}?" + _N
                   + r"\s*(家|个)"
                   r"(?![^，。；;]{0,12}(超过|超出|没|未|不|毕业|搬))")
# another year, or a supposition, between a count and more of it: not the same count
# what the count is of, said with the more (又过了5家, 还有一家也升了)
_UPGRADED = re.compile(r"升|过|认定|评上|通过|成了|拿到")
_A_YEAR = re.compile(r"(19|20)\d\d\s*年|今年|去年|前年|明年|后年|如果|要是|假如|假设")


def _added(text: str, m: re.Match[str], n: int, notes: list[str],
           words: tuple[str, ...] = ()) -> int:
    """``n`` with the counts said to come on top of it in the same year (not those the
    count's ``words`` put out: 另外2家是到期重新认定的)."""
    more = [k for a in _MORE.finditer(text, m.end())
            if not _A_YEAR.search(text, m.end(), a.start())
            and not any(w in _clause_of(text, a.end()) for w in words)
            and not _put_out(_next_clauses(text, a.end()))  # (但是它入孵已经4年了)
            and (_UPGRADED.search(a.group(0) + _clause_of(text, a.end()))
                 or a.group(0).startswith(("下半年", "后半年")))  # 上半年俩 下半年仨
            and (k := parse_int(a.group(1))) is not None and a.group(2) == m.group(2)]
    if not more or not n:
        return n
    notes.append(f"您说有{n}{m.group(2)}，又有" + "、".join(f"{k}{m.group(2)}" for k in more)
                 + f" → 按{n + sum(more)}{m.group(2)}计")
    return n + sum(more)


# what puts an added part out, said in its clause or the next two (not 都没出孵化期, nor
# a part of it: 第二批里有1家早就毕业)
_PUT_OUT = re.compile(r"(?<![没未不])(超过|过了孵化期|毕业|出孵|不在孵化期|不算|\d\s*年多?了"
                      r"|[四五六七八九]年)")
_A_PART_OF_IT = re.compile(r"其中|里有?\s*(\d|[一二两三四五六七八九十])"
                           r"|[\d一二两三四五六七八九十]\s*家")


def _put_out(clauses: str) -> bool:
    return bool(_PUT_OUT.search(clauses)) and not _A_PART_OF_IT.search(clauses)


def _next_clauses(text: str, at: int) -> str:
    """The rest of the clause from ``at`` and the two clauses after it."""
    m = re.match(r"(?:[^，,。；;]*[，,；;]){0,2}[^，,。；;]*", text[at:])
    return m.group() if m else ""


def _clause_of(text: str, at: int) -> str:
    """The rest of the clause from ``at``."""
    m = re.match(r"[^，,。；;]*", text[at:])
    return m.group() if m else ""


# 我们和另外两家: the asker and the others counted
# (我们和同一个孵化器里另外两家: a place between, the same clause)
_WE_AND = re.compile(r"(我们|我司|咱们?|我家)(和|跟|与|加上|连同)[^，,。；;！!？?\d]{0,10}?"
                     r"(另外|其他|别的)?$")
# 我们是高区一家软件公司 / 作为一家检测机构: the asker said, not a count
_SELF_SAID = re.compile(r"((我们|我司|咱们?|本单位|我)(是|就是)|作为|身为)[\u4e00-\u9fff]{0,4}$")


# 我们是在孵企业 / 我是一家在孵企业的老板 / 我们在一个市级孵化器里孵化: the asker is an
# incubatee (its own upgrade is its own title, and one incubatee of its incubator's)
SELF_INCUBATEE = re.compile(
    r"(我们|我司|我|本公司|本企业)(公司|企业)?(是|就是|作为)?(一家|家)?在孵企业"
    r"|(我们|我司|我们公司|我们企业)[^，,。；;在]{0,16}?(在|入驻|入驻了|入孵|进了)[^，,。；;]{0,10}?"
    r"(孵化器|众创空间)(里|内|中|孵化)"
    r"|(^|[，,])(现在|目前|也|还)?(在|入驻|入孵)了?(一个|一家)?[^，,。；;]{0,8}?(孵化器|众创空间)"
    r"(里|内|中)")


def _incubatee_count(text: str) -> re.Match[str] | None:
    """The first count of incubatees: not of holders (一个国家级孵化器), nor the asker's
    own description (我们是一家软件公司), nor one described (运营方是一家国企下属公司)."""
    return next((m for m in re.finditer(_N + r"\s*(家|个)" + _NOT_A_HOLDER, text)
                 if not (parse_int(m.group(1)) == 1
                         and (_SELF_SAID.search(text, max(0, m.start() - 10), m.start())
                              or (text[m.start() - 1:m.start()] in ("是", "为")
                                  and not _UPGRADED.search(_clause_of(text, m.end())))))),
                None)


def _set(out: RawExtraction, fact: str, counted: int) -> None:
    if counted >= 0:  # (-1: a part left unread, the count is asked)
        out.facts[fact] = counted


def _incubatee_upgrades(text: str, out: RawExtraction,
                        not_counted: Mapping[str, tuple[str, ...]],
                        elsewhere: tuple[str, ...]) -> None:
    """The incubatees said to have upgraded: those that passed, with the asker, less the
    parts that do not count."""
    m = _incubatee_count(text)
    words = not_counted.get("incubatees_upgraded", ())
    if m and (n := parse_int(m.group(1))) is not None \
            and (rest := _rest_counted(text, m, n, words, out.notes)) is not None:
        out.facts["incubatees_upgraded"] = rest  # (…其中2家超过3年了，剩下6家都在孵化期内)
        return
    if m and (passed := _PASSED.search(text, m.end())) is not None:
        # 5家报了高企，只有2家通过: the ones that passed are counted
        n_passed = parse_int(passed.group(1) or passed.group(3) or "")
        if n_passed is not None and (n := parse_int(m.group(1))) is not None \
                and n_passed < n:
            out.notes.append(f"您说有{n}{m.group(2)}，其中{n_passed}{m.group(2)}通过 → "
                             f"按{n_passed}{m.group(2)}计")
            failed = _FAILED_PART.search(text, passed.end())
            if failed is not None and parse_int(failed.group(1)) == n - n_passed:
                # (4家升级成功2家没过: the rest that failed is no part of the passed again)
                text = text[:failed.start()] + text[failed.end():]
            text = text[:m.start(1)] + str(n_passed) + text[m.end(1):]
            m = _incubatee_count(text)
    if m and (n := parse_int(m.group(1))) is not None:
        if (we := _WE_AND.search(text, 0, m.start())) is not None:
            # 我们和另外两家一起认定了高企: the asker is one of them
            out.notes.append(f"您说{we.group()}{m.group(0)} → 按{n + 1}{m.group(2)}计")
            n += 1
        if _ALL_FAILED.match(text, m.end()):  # 3家申报高企但都没通过: none upgraded
            out.notes.append(f"您说的{m.group(0)}没有通过 → 按0{m.group(2)}计")
            n = 0
        elif _HALF.search(text, m.end()) and n % 2 == 0:  # 16家报高企，通过了一半
            out.notes.append(f"您说{m.group(0)}，通过了一半 → 按{n // 2}{m.group(2)}计")
            n //= 2
        n = _added(text, m, n, out.notes, not_counted.get("incubatees_upgraded", ()))
        _set(out, "incubatees_upgraded", _counted(
            text, m, n, not_counted.get("incubatees_upgraded", ()), elsewhere, out.notes))
    elif m is None and (we := SELF_INCUBATEE.search(text)) is not None:
        # 我们是在孵企业…升成了高企，孵化器能拿多少: the asker is the one that upgraded
        out.notes.append(f"您说“{we.group()}”并已认定为高新技术企业 → 按1家在孵企业升级计")
        out.facts["incubatees_upgraded"] = 1


# 其他五家都在三年以内 / 剩下四家都评上了: the rest of a count, said to count
_REST_COUNT = re.compile(r"(?:其他|其它|其余|剩下|剩余)的?(?:那|这)?" + _N
                         + r"\s*(家|个)([^，,。；;！!？?]*)")


def _rest_counted(text: str, m: re.Match[str], n: int, words: tuple[str, ...],
                  notes: list[str]) -> int | None:
    """The rest of the count ``m`` (``n``) said after its parts to count (7家…不过里面有两家
    快四年了…其他五家都在三年以内 → 5): None when no such rest is said, it is not fewer
    than the count, or its clause puts it out (剩下三家都没过)."""
    rest = _REST_COUNT.search(text, m.end())
    if rest is None or rest.group(2) != m.group(2):
        return None
    k = parse_int(rest.group(1))
    said = rest.group(3)
    if k is None or not 0 < k < n or is_negated(said, 0, len(said)) or FAILED.search(said) \
            or any(w in said for w in words):
        return None
    # (其他五家都在三年以内这个升级的…: the rest's own words, not the question after them)
    shown = re.split(r"这个|这些|那个|那么|那这|能拿|能给", rest.group())[0]
    notes.append(f"您说有{n}{m.group(2)}，{shown} → 按{k}{m.group(2)}计")
    return k


# 帮本地一家企业从北京某高校买了3项专利 (the asker a broker): the results it brought
_BROKERED = re.compile(r"(?:帮|替|协助)" + NOT_ASKING + r"[^，。；]{0,16}?(?:买|购|引进|受让)了?"
                       r"[^，。；\d]{0,4}?" + _N + r"\s*(?:项|个|件)")


# 七八家 / 十二三家: a count said as two numbers in a row, either of them; 十几家 / 二十多家 /
# 10多家: some count above those tens, below the next; 二十来家: about those tens (18–23)
_TWO_COUNTS = re.compile(r"(十)?([一两二三四五六七八])([二三四五六七八九])(?=\s*[家个项件])"
                         r"|([二两三四五六七八九]?十|[1-9]0)(几|多|来)(?=\s*[家个项])")


# (十几家在孵企业升了高企: the rough count is of what upgraded or passed)
_UPGRADED_AFTER = re.compile(r"[^，,。；;！!？?]{0,12}?"
                             r"(升|高企|高新|认定|通过|评上|转化|促成|成交)")


# (在孵升高企二十来家: the verb before the count)
_UPGRADED_BEFORE = re.compile(r"(升|评上|认定|通过)了?(高企|高新技术企业|高新)?$")


def _two_counts(text: str) -> tuple[str, dict[int, tuple[int, int, str]]]:
    """``text`` with each count said as two numbers in a row (十二三家) or as some above
    its tens (十几家) written as the lower, and the range of each: {12: (12, 13, "十二三家")}."""
    ranges: dict[int, tuple[int, int, str]] = {}

    def lower(m: re.Match[str]) -> str:
        said = m.group() + text[m.end():m.end() + 1]
        if m.group(4):  # 十几 / 二十多 / 10多: one to nine above the tens
            if not _UPGRADED_AFTER.match(text, m.end()) and not _UPGRADED_BEFORE.search(
                    text, max(0, m.start() - 6), m.start()):
                return m.group()  # (在孵企业六十多家: how many there are, not a count read)
            tens = parse_int(m.group(4)) or 10
            low, high = (tens - max(1, tens // 10), tens + 3) if m.group(5) == "来" else (
                tens + 1, tens + 9)
            ranges[low] = (low, high, said)
            return str(low)
        a, b = parse_int(m.group(2)) or 0, parse_int(m.group(3)) or 0
        if b != a + 1:
            return m.group()
        tens = 10 if m.group(1) else 0
        ranges[tens + a] = (tens + a, tens + b, said)
        return str(tens + a)

    return _TWO_COUNTS.sub(lower, text), ranges


def _less_of_rough(notes: list[str], n: int, ranges: dict[int, tuple[int, int, str]]
                   ) -> tuple[int, int, str] | None:
    """The range of a rough count (七八家) less a part put out, when a note says the count
    ``n`` was read from it (您说有7家，其中两家… → 按5家计)."""
    for lo, (_, hi, said) in ranges.items():
        if any(re.search(rf"您说有{lo}\D.*→ 按{n}\D", note) for note in notes) and lo > n:
            return n, n + hi - lo, f"{said}（减去不计的部分）"
    return None


def read_counts(text: str, out: RawExtraction, incubatee_talk: bool,
                 not_counted: Mapping[str, tuple[str, ...]],
                 elsewhere: tuple[str, ...] = ()) -> None:
    text, ranges = _two_counts(text)
    _read_counts(text, out, incubatee_talk, not_counted, elsewhere)
    for fact in ("incubatees_upgraded", "results_transferred"):
        if isinstance(n := out.facts.get(fact), int) and n in ranges:
            out.approximate[fact] = ranges[n]  # (the estimate says whether it matters)
        elif isinstance(n, int) and (less := _less_of_rough(out.notes, n, ranges)):
            out.approximate[fact] = less  # 七八家，其中两家…: 5 or 6


def _read_counts(text: str, out: RawExtraction, incubatee_talk: bool,
                 not_counted: Mapping[str, tuple[str, ...]],
                 elsewhere: tuple[str, ...]) -> None:
    # (an incubator's 又升了7家: its incubatees upgraded, said without 高企 again)
    if (incubatee_talk or SELF_INCUBATEE.search(text)) and re.search(
            r"高新|高企|升(?:级)?了?\s*" + _N + r"\s*家|" + _N
            + r"\s*家[^，,。；;]{0,12}升(?!级为|为)", text):  # (一家是2018年12月升的)
        _incubatee_upgrades(text, out, not_counted, elsewhere)
    m = re.search(_N + r"\s*(?:项|个)(科技)?(成果|项目|技术成果)", text)
    raw = m.group(1) if m else None
    if m is None and (m := re.search(r"(促成|转化了?|撮合了?|对接成|对接了|做了)[^，。；]{0,8}?"
                                     + _N + r"\s*(?:项|个|单|笔)", text)):
        raw = m.group(2)
    if m is None and (m := _BROKERED.search(text)):
        raw = m.group(1)  # 帮本地一家企业从北京某高校买了3项专利: the deals brokered
    if m is None and "成果" in text and (m := re.search(r"成果[^。]*?" + _N + r"\s*项", text)):
        raw = m.group(1)  # …促成高校院所成果转化的情况：2019年4项: the results counted
    if m is not None and raw is not None and (n := parse_int(raw)) is not None:
        _set(out, "results_transferred", _counted(
            text, m, n, not_counted.get("results_transferred", ()), elsewhere, out.notes))
    if "专利" in text:
        m = re.search(_N + r"\s*(多|几)?件", text)  # (九十几件: 91 to 99)
        if m and (n := parse_int(m.group(1))) is not None:
            if m.group(2) or re.search(r"(超过|超出|多于|高于)了?\s*$", text[:m.start()]):
                # 超过了100件 / 100多件 / 九十几件: more than that, said so
                out.notes.append(f"您说“{text[max(0, m.start() - 3):m.end()]}” → 按多于{n}件计")
                n += 1
            out.facts["patent_grants"] = n
