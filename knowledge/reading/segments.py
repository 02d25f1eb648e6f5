"""A sentence read in segments: where one statement ends and the next begins.

Owners put several facts in one message ("2019年列入市级试点，2021年又认定为省级，一共多少";
"6家升级，其中2家超过孵化期"; "一项合同已登记，另一项没登记").  The reader splits the
message at punctuation and at the connectives people use (同时, 另外, 还, 其中, 后来, 又,
分别) and before each year mention, so that each segment keeps its own facts, polarity,
counts, amounts and year:

- :func:`segments` gives the spans;
- :func:`fill_elided_subjects` writes back the subject a segment leaves out
  ("2021年又认定为省级" → "…省级技术创新中心"), taken from the segment before;
- :func:`year_segments` gives the message per year when it states facts for several.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

__all__ = ["Segment", "fill_elided_subjects", "relative_years", "respective_years", "segments",
           "tail_start", "year_parts", "year_segments"]

# (a space between the owner's words parts them as a comma would: 2026年又升了5家 按…多少)
_BREAK = re.compile(r"[，,。；;！!？?\n]|(?<=[\u4e00-\u9fff\d]) +(?=[\u4e00-\u9fff])"
                    r"|(?=同时|另外|其中|后来|然后)|(?<=[^\d])(?=又)")
# a year, with its month (and day) when given: 2023年6月 is a year mention too
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年"
                   r"(?:\d{1,2}\s*月?\s*(?:到|至|-|~|—)\s*\d{1,2}\s*月"
                   r"|\d{1,2}\s*月(?:\d{1,2}\s*[日号])?|(?!\d{1,2}\s*月))")
_LEVEL = re.compile(r"国家级|省级|市级")
_A_YEAR = re.compile(r"^(?:如果|要是|万一|假如)?\s*(?:19|20)\d\d\s*年")
# (改报省级的批了: the level applied for again, then its outcome)
_APPLIED = re.compile(r"(?:改报|又报|再报|改成|改申报|报了?|申报了?|申请了?)$")
# 2019年市级 / 2021年是省级的 / 今年国家级: a year's level said alone
# (前年已经是市级的了: a level held since that year)
_YEAR_LEVEL = re.compile(r"\s*(?:(?:19|20)\d\d\s*年(?:\d{1,2}\s*月份?)?|[今去前]年)"
                         r"(?:又|再|已经|早就|就)?(?:是|为|到了?|升到)?(?:国家级|省级|市级)(?:的了|的|了)?\s*"
                         # (…：省级 2019年；国家级 2023年6月: the level, then its year)
                         r"|\s*(?:国家级|省级|市级)\s*(?:(?:19|20)\d\d\s*年(?:\d{1,2}\s*月)?|[今去前]年)"
                         r"\s*(?:认定|获批|批的|认定的)?[\s—-]*")
# a level a title is given at (又认定为省级), not the level of government that pays (市级能给多少)
_BECOMING = re.compile(r"(批了|批为|批成|认定为?|认定成|升级为?|升级成|升级到|升为|升到|升成"
                       r"|升至|晋级为?|评为|评上|成为|列入|列为|进了?|刚进|获批|进入|变成|成了"
                       r"|晋升为?|被评为|升|(?:认定|评上|批下来|拿到|定|给)的是|而是|(?:升|评|认定|批)的"
                       r"|拿了|拿到了?|获得了?|取得了?"
                       r"|(?<=年)(?:还|就)?是)"  # (2019年是市级: that year's level)
                       r"了?\s*$")
# 省级的评上了 / 市级的已经批下来了 / 省级的申请被退回: a level standing for its title,
# with its outcome (obtained or not)
# (2027年国家级也批下来了: a year's level obtained, said with 也/又 instead of 的)
_LEVEL_OBTAINED = re.compile(r"(?:的|(?=也|又|还|都))[^，,。；;！!？?\s]{0,8}?"
                             r"(评上|认定|通过|拿到|获批|批了|批下来"
                             r"|成了|过了|评下来|没|未|退回|打回|驳回|落选|被刷|黄了)|的(称号|牌子)")
# 这算首次认定还是重新认定 / 算不算重新认定: a question, not a stage said
_EITHER_OR = re.compile(r"还是|算不算|是不是|吗|[?？]")
# 省级俩 / 省级3家: a level standing for its title, counted
_LEVEL_COUNTED = re.compile(r"的?\s*(\d+|[一二两三四五六七八九十俩仨])\s*[家个项]?\s*$"
                            r"|的?\s*(\d+|[一二两三四五六七八九十])\s*[家个项]")
_RANGE_START = re.compile(r"\s*(到|至|-|~|—)\s*(19|20)\d\d\s*年")
_RANGE_END = re.compile(r"(19|20)\d\d\s*年\s*(到|至|-|~|—)\s*$")
# a stage of a recognition said without what is recognised (重新认定又通过了, 2022年第一次
# 通过认定): what the message named before
_RENEWAL = re.compile(r"重新认定|复审|再次认定|重新通过|(第一次|首次|头一回)(通过)?认定"
                      r"|重新(申报|申请)[^，,。；;]{0,4}?(通过|认定)了?(认定)?")
# a level already followed by what it qualifies (省级技术转移示范机构, 国家级孵化器)
# 三个今年认定 / 另外2家也评上了: a count whose verb closes it, its title left out
_COUNTED_VERB = re.compile(r"^(另外|还有)?(\d+|[一两二三四五六七八九十]+)\s*(个|家)"
                           r"[^，,。；;\s]{0,6}?(认定|评上|获批|通过)(了)?$")
# 还有一个高校牵头的 / 另外2个是企业牵头的: a count whose leader closes it, its noun left out
_COUNTED_LEADER = re.compile(r"^(另外|还有)?(\d+|[一两二三四五六七八九十]+)\s*(个|家)(是|为)?"
                             r"[^，,。；;\s\d]{1,10}?(牵头|主导|组建)(的)?$")
# 侯家镇也评上了 / 另一家也认定了: the same outcome as before, what obtained it left out
_ALSO_OBTAINED = re.compile(r"(?:也|同样|同样也)(?:被|都)?(?:评上|评为|认定|获批|通过|创建成功|创成"
                            r"|入选)了?$")
# 这个中心 / 该孵化器 / 那家机构: the noun named before with that head
_THIS = re.compile(r"(?:这个|那个|这家|那家|该|此|本)(中心|孵化器|空间|基地|机构|园|平台|工作站)")
_NOUN_AFTER = re.compile(r"[\u4e00-\u9fff]{0,10}?(中心|器|空间|基地|机构|园|企业|平台|天地|驿站"
                         r"|奖励|奖)")


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    text: str


def segments(text: str) -> list[Segment]:
    """The segments of ``text`` in order (empty ones dropped)."""
    cuts = sorted({0, len(text), *(m.start() for m in _BREAK.finditer(text)),
                   *(m.end() for m in _BREAK.finditer(text) if m.group()),
                   *(m.start() for m in _YEAR.finditer(text))})
    out: list[Segment] = []
    for a, b in itertools.pairwise(cuts):
        piece = text[a:b]
        if piece.strip("，,。；;！!？? \n"):
            out.append(Segment(a, b, piece))
    return out


# a segment opening on which time an event is (第一次绩效评价过了, 首次通过…)
# (要是今年年底第一次通过…, 2020年才第一次通过: supposed, dated in the year, with an adverb)
_ORDINAL_EVENT = re.compile(r"(\s*(?:要是|如果|假如|假设|若是?|万一)?"
                            r"(?:(?:19|20)\d\d\s*年|今年|去年|前年|明年|后年|当年|同年)?"
                            r"(?:年?[底初末]|\d{1,2}\s*月份?)?"
                            r"(?:[0-9一二两三四五六七八九十]+\s*[家个项](?:是|都是|都)?)?(?:才|又|再|也|终于)?)"
                            r"(第[一二三四五六七八九十1-9]次|首次|头一回|头一次|初次)"
                            r"[^，。；,;！!？?]{0,4}(通过|评价|认定|评审|考核|过了)")


# 高企和技术先进型都重新认定通过了: one outcome said of two things named together
# (2019年和2020年都认定了: years listed are read by year_parts, not here; 都没通过 denies
# both); the pair referred to again later (2022年两个都重新认定了) gets the later outcome
_MEMBER = r"([^，。；,;！!？?\s和与及跟、都\d年月]{2,12})"
_EVENT_WORD = (r"(?:认定|通过|评上|评为|获批|批了|批下来|复审|复核|验收|升级|入选|列入|备案)")
_OUTCOME = r"([^，。；,;！!？?\s]{0,12}?" + _EVENT_WORD + r"[^，。；,;！!？?\s]{0,6})"
_SHARED = re.compile(_MEMBER + r"(和|与|及|跟|、)" + _MEMBER
                     + r"(?:两个|两项|俩|二者|两者)?(都|均|也都|全都|全部|同时)" + _OUTCOME)
_AGAIN = re.compile(r"(?:这|那)?(?:两个|两项|俩|二者|两者)(?:也)?(?:都|均|全都)" + _OUTCOME)
# what a clause says was obtained (首次认定为高企 / 同年评为技术先进型服务企业): the pair a
# later reference means when none was said with 和
_OBTAINED = re.compile(r"(?:认定为|认定成|评为|获评|获批为|成为|升为|升级为)"
                       r"([^，。；,;！!？?\s和与及跟、]{2,14})")


def shared_outcome(text: str) -> str:
    """``text`` with an outcome said of two things together said of each: "高企和技术先进型
    都重新认定通过了" → "高企重新认定通过了，技术先进型重新认定通过了"; and of a pair
    referred to again: "…，2022年两个都复审了" → "2022年高企复审了，技术先进型复审了"."""
    pairs: list[tuple[str, str]] = []

    def each(m: re.Match[str]) -> str:
        pairs.append((m.group(1), m.group(3)))
        return f"{m.group(1)}{m.group(5)}，{m.group(3)}{m.group(5)}"
    text = _SHARED.sub(each, text)
    ref = _AGAIN.search(text)
    if ref is None:
        return text
    named = list(dict.fromkeys(m.group(1) for m in _OBTAINED.finditer(text, 0, ref.start())))
    pair = pairs[-1] if pairs else (named[0], named[1]) if len(named) == 2 else None
    if pair is None:
        return text
    return text[:ref.start()] + f"{pair[0]}{ref.group(1)}，{pair[1]}{ref.group(1)}" \
        + text[ref.end():]


def _level_listed(piece: str, named: str) -> str:
    """国际合作基地：省级 2019年 → …：省级国际合作基地 2019年: the first level listed after
    a title and its colon, with the title (each later level gets it as elided)."""
    listed = re.search(re.escape(named) + r"\s*[：:]\s*(国家级|省级|市级|国家专业化|山东省品牌"
                       r"|省品牌)", piece) if named else None
    return piece if listed is None else piece[:listed.end()] + named + piece[listed.end():]


def fill_elided_subjects(text: str, subjects: Iterable[str]) -> str:
    """``text`` with the subject a segment leaves out after a level written back:
    "列入市级试点技术创新中心，2021年又认定为省级" → "…又认定为省级技术创新中心".

    ``subjects`` are the nouns that take a level (技术创新中心, 临床医学研究中心,
    孵化器 …): the longest one named in an earlier segment is used.
    """
    nouns = sorted({s for s in subjects if s}, key=len, reverse=True)
    text = shared_outcome(text)
    if not nouns:
        return text
    pieces: list[tuple[Segment, str]] = []
    seen = ""
    named_before: list[str] = []
    for seg in segments(text):
        piece = seg.text
        named = next((n for n in nouns if n in piece), "")
        piece = _level_listed(piece, named)
        seen = _pointed_at(piece, named, seen, named_before)
        if named:
            named_before.append(named)
        level = _level_become(piece, named)
        piece, named = _short_noun(piece, level, named, seen)  # 升级成了省级中心
        subject = named or seen
        if (level is not None and subject and _BECOMING.search(piece[:level.start()])
                and not _NOUN_AFTER.match(piece[level.end():])
                and (not named or piece.index(named) < level.start())):
            # 又认定为省级 / 中心明年认定为国家级: the level's subject written after it (not
            # the city level's 试点: 市级试点技术创新中心，2022年认定为省级 → 省级技术创新中心)
            subject = subject.removeprefix("试点") if level.group() != "市级" else subject
            piece = piece[:level.end()] + subject + piece[level.end():]
        elif (not named and seen and level is not None
              and _LEVEL_OBTAINED.match(piece[level.end():])
              and not _APPLIED.sub("", _A_YEAR.sub("", piece[:level.start()])).strip(
                  "但是而那不过，, ")):
            # 国家级的没评上，省级的评上了 / 2027年国家级也批下来了: the level's subject
            of = piece[level.end():level.end() + 1] == "的"
            piece = piece[:level.end()] + seen + piece[level.end() + of:]
        elif (not named and seen and level is not None
              and ((_LEVEL_COUNTED.match(piece[level.end():])
                    and not piece[:level.start()].strip("但是而那另外还有，, "))
                   or _YEAR_LEVEL.fullmatch(piece) or _LEVEL_BEFORE.fullmatch(piece))):
            # 国家级国际合作基地一家，省级俩 / 技术创新中心：2019年市级，2021年省级: the
            # level's subject, from before
            piece = piece[:level.end()] + seen + piece[level.end():]
        elif not named and seen and (renew := _RENEWAL.search(piece)) \
                and not _EITHER_OR.search(piece):  # (这算首次认定还是重新认定: asked)
            # 高企证书到期了，重新认定又通过了: what is renewed, from before
            piece = piece[:renew.end()] + seen + piece[renew.end():]
        elif not named and seen and _COUNTED_VERB.match(piece):
            # 两个企业去年认定技术先进型服务企业 三个今年认定: what the count obtained
            piece = piece + seen
        elif not named and seen and (_COUNTED_LEADER.match(piece) or (
                _ALSO_OBTAINED.search(piece) and not _LEVEL.search(piece))):
            # 两个企业牵头的市级技术创新中心，还有一个高校牵头的 / 2020年张家产镇评上了国家
            # 创新型乡镇，去年侯家镇也评上了: the noun with its level, from before
            before = [m.group() for m in re.finditer(r"(?:国家级?|省级?|市级)?" + re.escape(seen),
                                                     text[:seg.start])]
            piece = piece + (before[-1] if before else seen)
        elif not named and seen and (event := _ORDINAL_EVENT.match(piece)):
            # 临床医学研究中心 第一次绩效评价过了: the event's subject, from before (after
            # the year it is dated: 2021年第一次通过…)
            piece = piece[:event.end(1)] + seen + piece[event.end(1):]
        seen = named or seen
        pieces.append((seg, piece))
    rebuilt, last = [], 0
    for seg, piece in pieces:
        rebuilt.append(text[last:seg.start])
        rebuilt.append(piece)
        last = seg.end
    rebuilt.append(text[last:])
    return "".join(rebuilt)


def _level_become(piece: str, named: str) -> re.Match[str] | None:
    """The level ``named`` becomes after it (省级技术创新中心认定为国家级了), else the first."""
    level = _LEVEL.search(piece)
    if named and level is not None and level.start() < piece.index(named):
        later = _LEVEL.search(piece, piece.index(named) + len(named))
        return later if later is not None and _BECOMING.search(piece[:later.start()]) else level
    return level


def _pointed_at(piece: str, named: str, seen: str, named_before: list[str]) -> str:
    """The noun a segment naming none points at (今年这个中心又升成省级: the noun before
    whose head it names, not the last one), else ``seen``."""
    if named or (this := _THIS.search(piece)) is None:
        return seen
    return next((n for n in reversed(named_before) if n.endswith(this.group(1))), seen)


def _short_noun(piece: str, level: re.Match[str] | None, named: str, seen: str
                ) -> tuple[str, str]:
    """``piece`` with the short noun after a level it becomes (升级成了省级中心) said as
    the noun named before whose end it is (临床医学研究中心), and the noun it names."""
    if named or not seen or level is None or not _BECOMING.search(piece[:level.start()]):
        return piece, named
    short = re.match(r"(?:的)?(中心|孵化器|空间|基地|机构|园)", piece[level.end():])
    if short is None or not seen.endswith(short.group(1)) or seen == short.group(1):
        return piece, named
    return piece[:level.end()] + seen + piece[level.end() + short.end():], seen


# 其中2家是2021年就认定过的: a year in the history of a part of a count, no year of its own
_LISTED_YEARS = re.compile(r"(?:(?:19|20)\d\d\s*年?\s*[和与及、跟]\s*)+(?:19|20)\d\d\s*年")
_YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")
_HISTORY = re.compile(r"(?:其中|另(?!外))[^，,。；;！!？?]{0,8}$")


# a subject standing before its year: no verb, no figure (另外我们公司牵头搞的市级技术创新中心)
_LEVEL_BEFORE = re.compile(r"\s*(国家级|省级|市级)\s*")
_SUBJECT_BEFORE = re.compile(r"\s*(另外|此外|还有|同时|不过|但是|但|而)?"
                             r"[^，,。；;！!？?\d了过]{2,24}?"
                             r"(中心|器|空间|基地|机构|园|企业|公司|平台|天地|驿站|站|实验室|镇"
                             r"|医院|学校|大学)\s*")


def _in_brackets(text: str, at: int) -> bool:
    """Whether ``at`` is inside a bracketed remark (众创空间（2019年认定的，当时拿过钱）复核
    也通过了: the year says when the noun before was obtained, it opens no part)."""
    before = text[:at]
    return before.count("（") + before.count("(") > before.count("）") + before.count(")")


_FIGURE = (r"(?:[\d.]+\s*(?:万元|万|元|亿|家|项|个|件)"
           r"|[一二两三四五六七八九十百千]+\s*(?:万元|万|亿|家|项|个|件))")
_DATE = r"((?:19|20)\d\d年(?:\d{1,2}月份?)?)"
# 2020年和2021年3月…分别是200万和300万 / 2019年、2020年分别有3家和5家…: figures in turn
_RESPECTIVE = re.compile(_DATE + r"(?:和|、|跟|与|及)" + _DATE + r"([^。；;？?]*?)分别"
                         r"(是|为|有|花了|登记了|买了|签了|拿了|升了)?(" + _FIGURE
                         + r")(?:和|、|跟|与|及)(" + _FIGURE + r")([^，,。；;？?]*)")


def respective_years(text: str) -> str:
    """``text`` with two years and their figures said in turn (2020年和2021年…分别是200万
    和300万) written as each year's own part (2020年…是200万；2021年…是300万)."""
    def each(m: re.Match[str]) -> str:
        said = m.group(3).replace("分别", "")
        verb, rest = m.group(4) or "", m.group(7)
        return (f"{m.group(1)}{said}{verb}{m.group(5)}{rest}；"
                f"{m.group(2)}{said}{verb}{m.group(6)}{rest}")
    return _RESPECTIVE.sub(each, text)


def year_parts(text: str) -> tuple[str, list[tuple[int, str]], str]:
    """(what comes before the first year, each year's own part, the question after the
    last year's facts) when the message states facts for two or more years, else
    ("", [], "").  A year named twice keeps one part (its pieces joined); years said
    with their figures in turn are each said on their own first."""
    text = respective_years(text)
    # 2019年到2022年每年都…：2019年一百万，…: a range names no part of its own
    years = [m for m in _YEAR.finditer(text)
             if not _RANGE_START.match(text, m.end()) and not _RANGE_END.search(text[:m.start()])
             and not _HISTORY.search(text[:m.start()]) and not _in_brackets(text, m.start())]
    if len({m.group(1) for m in years}) < 2:
        return "", [], ""
    head = text[:years[0].start()]
    if (listed := _LISTED_YEARS.match(text, years[0].start())) is not None:
        # 2019年和2020年都买了技术，2019年…300万，2020年…150万: the years listed, said of
        # each, then each year's own part — the list is what every part shares
        end = next((m.end() for m in re.finditer(r"[，,。；;]", text[listed.end():])), 0)
        later = [m for m in years if m.start() >= listed.end() + end]
        if end and set(_YEAR_NUMBER.findall(listed.group())) <= {m.group(1) for m in later}:
            head, years = text[:listed.end() + end], later
    last = years[-1].start()
    tail_at = last + tail_start(text[last:])
    if _in_brackets(text, tail_at + 1):  # (…100万（2021年的都是上半年签的）: the year's own)
        close = min((i for i in (text.find("）", tail_at), text.find(")", tail_at)) if i >= 0),
                    default=tail_at - 1)
        tail_at = close + 1
    tail = text[tail_at:].strip("，,；;。？?！! ")
    starts = [m.start() for m in years]
    for i in range(len(years)):
        # 另外我们牵头的市级技术创新中心今年也报了: the subject said before a later year
        # in its clause is that year's, not the year before's; so is a level said before
        # its year in a list (国际合作基地：省级 2019；国家级 2023年6月)
        at = max(text.rfind(c, 0, starts[i]) for c in "，,。；;！!？?：:") + 1
        if (i == 0 or starts[i - 1] < at) and at < starts[i] and (
                ((i or (at and text[at - 1] in "：:"))
                 and _SUBJECT_BEFORE.fullmatch(text[at:starts[i]]))
                or _LEVEL_BEFORE.fullmatch(text[at:starts[i]])):
            starts[i] = at
    head = text[:starts[0]] if starts[0] < years[0].start() else head
    out: list[tuple[int, str]] = []
    for i, m in enumerate(years):
        end = starts[i + 1] if i + 1 < len(years) else tail_at
        part = text[starts[i]:end].rstrip("，,；;。 ")
        if out and out[-1][0] == int(m.group(1)):
            out[-1] = (out[-1][0], out[-1][1] + "，" + part)
            continue
        out.append((int(m.group(1)), part))
    return head, out, tail


def year_segments(text: str) -> list[tuple[int, str]]:
    """(year, the message as it stands for that year) when the message states facts for
    two or more years ("2019年买了300万，2020年又买了200万，两年一共…"), else [].

    Each year's part runs from its year mention to the next; what comes before the
    first year (who asks) and after the last year's facts (the question) is kept in
    every part.
    """
    head, parts, tail = year_parts(text)
    return [(year, f"{head}{part}" + (f"，{tail}" if tail else "")) for year, part in parts]


_OWN_NUMBER = re.compile(r"\d+(\.\d+)?\s*(家|项|个|件|万|元|亿)"
                         r"|[一二两三四五六七八九十]+\s*(家|项|个|件)")
_REST_OF = re.compile(r"剩下|剩余|其余")
# (一共180万: a total stated, not asked)
_ASKING = re.compile(r"多少|几万|能拿|能补|能奖|奖多少|补多少"
                     r"|(一共|总共|合计|加起来)(?!\s*(是|为|有)?\s*[\d一二两三四五六七八九十百千])")


def tail_start(last: str) -> int:
    """Where the segments at the end of the last year's part that ask, or hold for
    every year (都登记了, 两年一共能拿多少), start (``len(last)`` when none)."""
    parts = segments(last)
    start = len(last)
    for seg in reversed(parts[1:]):
        if (_OWN_NUMBER.search(seg.text) and not _ASKING.search(seg.text)) \
                or _REST_OF.match(seg.text.strip()):
            # 剩下的都在孵化期内: the rest of the last year's count, not every year
            break  # 又升了4家（也都在三年内）: the last year's own count, not for every year
        if _ASKING.search(seg.text) or re.search(r"都|均|全部", seg.text):
            start = seg.start
        else:
            break
    return start


_RELATIVE = {"前年": 2, "去年": 1, "今年": 0, "明年": -1, "后年": -2}


def relative_years(text: str, today: date) -> str:
    """今年/去年/明年… written as the year they are when the message also names other
    years ("2019年2家，2021年3家，今年又升了5家", "前年…拿了100万，今年又通过了": 今年 is a
    year of its own)."""
    if not re.search(r"(19|20)\d\d\s*年", text) and \
            len(set(re.findall("前年|去年|今年|明年|后年", text))) < 2:
        return text  # one year only (今年…今年能拿多少): no year of its own to tell apart
    return re.sub("前年|去年|今年|明年|后年",
                  lambda m: f"{today.year - _RELATIVE[m.group()]}年", text)
