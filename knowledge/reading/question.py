"""Reading facts out of a question, deterministically (keyword and pattern tables, no model).

``read_question("我们买了300万的技术，能补多少？", today, TOPICS)`` gives
``facts={"registered_tech_purchase_yuan": 3000000}``, ``is_amount_question=True`` and the
topic ``tech_purchase``.  Values here are raw; :func:`knowledge.awards.facts.extract_facts`
validates them.  The patterns that recognise titles, applicants and districts are staff
data (``knowledge/vocabulary/patterns.yaml``, :class:`~knowledge.awards.vocabulary.Patterns`);
this module does not import the fact registry (no import cycle).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date

from knowledge.awards.vocabulary import Patterns, default_vocabulary
from knowledge.reading.amounts import read_money
from knowledge.reading.asof import read_as_of
from knowledge.reading.counts import SELF_INCUBATEE, read_counts, read_spoken_for
from knowledge.reading.held import held_status
from knowledge.reading.holders import theirs
from knowledge.reading.matches import clause_matches, single_choices
from knowledge.reading.raw import RawExtraction, add_value, exclude
from knowledge.reading.said import part_unknown
from knowledge.reading.scope import (
    SELF,
    asks_repeat,
    awaiting_result,
    clause_at,
    clause_start,
    failed_in_region,
    is_counterparty,
    is_negated,
    pending,
    repeated,
    supposed_after,
)

# A count: digits, or a Chinese numeral (一百零一, 两千) — 零/千 included so that
# 一百零一件 is 101, not the trailing 一.
_N = r"(\d+|[一二两三四五六七八九十百千][一二两三四五六七八九十百千零〇]*)"

# 有研发投入 / 没有研发费用 stated without an amount.
_RND_NO = re.compile(r"(没有|没|无|未)(任何)?研发(投入|费用|经费|支出)")
_RND_YES = re.compile(r"有研发(投入|费用|经费|支出)")

# (能按20%拿奖励不: how it is paid said between 能 and its verb)
_AMOUNT_ASK = re.compile(r"多少|几万|几十万|几百万|金额|额度"
                         r"|能(按[^，。？?]{1,6}|先|再|还|也)?(拿|领|得|获|补|申请)|"
                         r"(怎么|如何|咋)(分|拆|摊)|"
                         r"(奖励|补助|奖补|补贴|钱)(是|该|要)?(咋|怎么|如何)(算|计算)|"
                         r"万(元)?.{0,6}(对吧|对吗|对不对|真的假的|是真的吗|没错吧)|"
                         # a figure said and checked (…给一千万，…是这个数吗 / 这个数对不对)
                         r"(是|是不是)(这个|这么多|这些)(数|钱|金额)?(吗|吧|不|没错|[？?])|"
                         r"(这个|这笔|该)(数|数字|金额|钱数?)(对|准|没错|对得上)|"
                         # a threshold checked (加起来够不够五十万 / 能不能到100万)
                         r"(够不够|够没够|能不能到|有没有到|到没到|超没超过)[^，。？?]{0,3}"
                         r"[\d一二两三四五六七八九十百千]+\s*万|"
                         r"可以(拿|领|得|获|补|申请)|最高|最多|算(一?下|算|个)?(总数|总额|一共|合计)|"
                         r"(奖励|补助|奖补)[^，。？?]{0,4}"
                         r"(加一起|加起来|加在一起|一共|合计)|how much|amount", re.I)
# 有没有那个20万 / 给不给那10万: whether a stated amount is had (the amount is the award)
_HAD_AMOUNT = re.compile(r"(有没有|有木有|给不给|能不能有)[^，。？?]{0,6}"
                         r"(\d+|[一二两三四五六七八九十百])万"
                         # a terse question of a sum or an award (— 合计？ / 市级奖励？ / 补助？;
                         # not 有啥奖励？)
                         r"|(合计|一共|总共|共计|总计|总额|共)\s*(呢|是|多少)?\s*([？?]|$)"
                         r"|(?:^|[，,。；;：:\s])(?:市级|市里的?)?(奖励|补助|奖补|补贴|资助)\s*[？?]")
_AWARD_WORD = re.compile(r"补|奖|资助|支持|资金|钱|元|拿|领|扶持|配套|给|how much|amount", re.I)

# Where an implied word names a place, the place itself must be the subject (荣成市创建…),
# not where someone is (我们在荣成市…) or a business is (经区做锂电池材料的企业).
_BUSINESS_AFTER = re.compile(r"(?:这边|这里)?(?:做|干|搞|生产|从事|经营|有[家个]|企业|公司|厂)")
_LOCATIVE_BEFORE = re.compile(r"(在|位于|落户|来自|于|到|去)$")


SPACED = re.compile(r"(?<=[\u4e00-\u9fff\d]) +(?=[\u4e00-\u9fff\d])")


def read_question(question: str, today: date,
                  topics: Mapping[str, tuple[str, ...]],
                  choice_phrases: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None,
                  single_choice: Collection[str] = (),
                  money_phrases: Mapping[str, tuple[str, ...]] | None = None,
                  implied: Mapping[str, Mapping[str, tuple[str, ...]]] | None = None,
                  labels: Mapping[str, Mapping[str, str]] | None = None,
                  patterns: Patterns | None = None,
                  not_counted: Mapping[str, tuple[str, ...]] | None = None,
                  elsewhere: tuple[str, ...] = (),
                  context_figures: tuple[str, ...] = ()) -> RawExtraction:
    """Facts, date, topics and whether the question asks for an amount.

    ``choice_phrases`` (fact → choice value → phrases, from the vocabulary) name choices
    the pattern tables here do not know (a choice staff added); ``single_choice`` are the
    facts among them of kind ``choice`` (one value, set only when one phrase matches).
    ``money_phrases`` (fact → phrases) place an amount for a money fact staff added.
    ``implied`` (fact → choice value → words, the vocabulary's ``implied_by``) set a
    choice the question does not state (高新技术企业 → an enterprise applies); ``labels``
    (fact → value → label) name it in the note.  Titles and choices are matched longest
    phrase first, a phrase consumed once, within a clause; a negated one (还没认定…,
    不是…) is not set but recorded in ``excluded``; an organisation that is a
    counterparty (从大学买的专利) does not set ``applicant_types``.  ``patterns`` (the
    vocabulary's, default: the package's) recognise titles, applicants and single choices
    (a district: set when exactly one matches).  ``not_counted`` (count fact → words) and
    the places ``elsewhere`` put a part of a count out of it ("其中2家已毕业", "1项在烟台").
    """
    if patterns is None:
        patterns = default_vocabulary().patterns
    covered = patterns.covered
    text = re.sub(r"\s+", "", question or "")
    out = RawExtraction()
    out.as_of = read_as_of(text, today)
    out.is_amount_question = bool((_AMOUNT_ASK.search(text) and _AWARD_WORD.search(text))
                                  or _HAD_AMOUNT.search(text))
    out.topics = {t for t, words in topics.items() if any(w in text for w in words)}
    # "在孵企业", but also the way owners say it: "孵化器出了5家高企", "众创空间培育出3家".
    incubatee_talk = bool(re.search(
        r"在孵|入孵|入驻|孵化期|孵化的企业|孵化出|(孵化器|众创空间).{0,6}(出了|升级|培育|升了|升成)"
        r"|(孵化器|众创空间)(里|内).{0,8}(高企|高新)"
        r"|(孵化器|众创空间)[^。；;？?]{0,20}?升(级)?(为|成|了)?(高企|高新)"
        r"|(孵化器|众创空间).{0,10}?" + _N + r"家[^，。；]{0,8}(升|评上|认定为?高)", text))
    _read_applicants(text, out, patterns)
    _read_titles(text, out, incubatee_talk, choice_phrases or {}, patterns, labels or {})
    _read_phrases(text, out, choice_phrases or {}, single_choice, covered)
    _read_implied(text, out, implied or {}, labels or {})
    out.facts.update(single_choices(text, patterns))
    read_spoken_for(text, out)
    # 一份登记了100万 另一份80万没登记: a space between the owner's clauses parts their
    # counts and amounts as a comma would (each part with its own condition)
    spaced = re.sub(r"\s+", "", SPACED.sub("，", question or ""))
    read_counts(spaced, out, incubatee_talk, not_counted or {}, elsewhere)
    read_money(spaced, out, money_phrases or {}, elsewhere, context_figures)
    part_unknown(spaced, out)
    _read_rnd(text, out)
    out.facts = {k: (frozenset(v) if isinstance(v, set) else v) for k, v in out.facts.items()}
    return out


_BROKERS = re.compile(r"促成|撮合|帮[^，。；]{0,8}(转化|对接|引进)")


def _read_applicants(text: str, out: RawExtraction, patterns: Patterns) -> None:
    """The applicant kinds named as the one asking; a counterparty (从大学买的专利) is
    not one, a negated kind (我们不是高校) is excluded."""
    mentioned: dict[str, list[tuple[int, int, str]]] = {}
    for name, pattern in patterns.applicants:
        mentioned.setdefault(name, []).extend(
            (m.start, m.end, m.text) for m in clause_matches(pattern, text))
    asker = bool(re.search(SELF, text))
    # (我们在一个市级孵化器里孵化: its incubator is where the asker is, not what it is)
    where = SELF_INCUBATEE.search(text)
    # 个人技术经纪人: the longer kind wins; not the generic enterprise (我们是做科技咨询的
    # 公司 is an enterprise and a service institution)
    every = [(a, b, n) for n, spans in mentioned.items() for a, b, _ in spans
             if n != "enterprise"]
    for name, spans in list(mentioned.items()):
        if name == "enterprise":
            continue  # a 科技服务公司 is an enterprise too
        mentioned[name] = [s for s in spans if not any(
            n != name and a <= s[0] and s[1] <= b and b - a > s[1] - s[0]
            for a, b, n in every)]
    for name, spans in mentioned.items():
        if not spans:
            continue
        # 促成了6项科研院所成果转化: the asker brokers, the institute is the other party
        others = (asker or bool(_BROKERS.search(text))
                  or any(v for n, v in mentioned.items() if n != name))
        own = [s for s in spans if not is_counterparty(text, s[0], s[1], others)
               and not (where and name == "incubator")]
        if any(not is_negated(text, a, b) for a, b, _ in own):
            add_value(out.facts, "applicant_types", name)
        elif own:
            exclude(out, "applicant_types", name, own[0][2])
    _asker_in_question(text, mentioned, out)


# 我们企业能分多少 / 这个奖励企业能分到多少: the one asking, named in the question itself
_ASKER_ASKS = re.compile(r"(我们|我司|本)[^，。；;？?！!]{0,6}(能|可以|可)"
                         r"(从[^，。；;]{1,10}(里|中))?[^，。；;]{0,4}(分|拿|得|领)")
# 我们是镇上的企业 / 我是…的老板: the asker says what it is (beside 我们镇, where it is)
_ASKER_IS = re.compile(r"(我们|我司|本单位|我)(就|也)?是")
_ASKER_IS_BEFORE = re.compile(_ASKER_IS.pattern + r"[^，,。；;？?！!\s]{0,8}$")
_OUR_PLACE = re.compile(r"(我们|咱们|咱)(这个?)?(镇|乡|区|县|市)")


def _asker_in_question(text: str, mentioned: Mapping[str, list[tuple[int, int, str]]],
                       out: RawExtraction) -> None:
    """Several kinds read ("我是某镇上的企业老板，我们镇被评为…，我们企业能分多少"): the
    one named where the asker asks for itself is who applies, else the one the asker
    says it is ("我们镇…，我们是镇上的企业")."""
    held = out.facts.get("applicant_types")
    if not isinstance(held, set) or len(held) < 2:
        return
    # (我们是…科技服务机构…，我们公司自己能拿多少: the kind it says it is, not 公司's)
    said_is = any(n in held and n != "enterprise" and _IS_LONG.search(text[max(0, a - 24):a])
                  for n, spans in mentioned.items() for a, _, _ in spans)
    for ask in _ASKER_ASKS.finditer(text):
        named = {n for n, spans in mentioned.items() if n in held
                 for a, b, _ in spans if ask.start() <= a and b <= ask.end()}
        if len(named) == 1 and not (named == {"enterprise"} and said_is):
            out.facts["applicant_types"] = named
            return
    named = {n for n, spans in mentioned.items() if n in held for a, _, said in spans
             if _ASKER_IS.match(said) or _ASKER_IS_BEFORE.search(text[max(0, a - 12):a])}
    placed = {n for n, spans in mentioned.items() if n in held and spans
              and all(_OUR_PLACE.fullmatch(said) for _, _, said in spans)}
    if len(named) == 1 and not named & placed and held <= named | placed:
        # 我们镇评上了…，我们是镇上的企业: 我们镇 is where the asker is
        out.facts["applicant_types"] = named


_IS_LONG = re.compile(_ASKER_IS.pattern + r"[^，,。；;？?！!\s]{0,20}$")


# governments that pay a share of an enterprise's subsidy (32号: 省、市、县分担)
_PAYING_GOVERNMENTS = {"district_gov", "town_gov"}


def _read_rnd(text: str, out: RawExtraction) -> None:
    """有研发投入 / 没有研发费用 stated without an amount (not when asked whether)."""
    if "rnd_subsidy_granted_yuan" in out.facts:  # 研发补助批了600万: granted, so spent
        out.facts["has_rnd_spending"] = True
        held = out.facts.get("applicant_types")
        if held is None or (isinstance(held, set) and held <= _PAYING_GOVERNMENTS
                            and re.search(r"企业|公司", text)):
            # 经区财政局：辖区一家企业拿到研发补助400万，区级承担多少: a government asks
            # the share it pays of an enterprise's subsidy; the enterprise applies
            said = "" if held is None else "（您问的是财政分担的部分）"
            out.facts["applicant_types"] = {"enterprise"}
            out.implied.discard("applicant_types")
            out.notes[:] = [n for n in out.notes if "推定申报主体" not in n]
            out.notes.append(f"按已获批企业研究开发财政补助推定申报主体为企业{said}")
        return
    if "has_rnd_spending" in out.facts or re.search(r"有没有|是否有|有无", text):
        return
    if _RND_NO.search(text):
        out.facts["has_rnd_spending"] = False
    elif _RND_YES.search(text):
        out.facts["has_rnd_spending"] = True


def _read_phrases(text: str, out: RawExtraction,
                  choice_phrases: Mapping[str, Mapping[str, tuple[str, ...]]],
                  single_choice: Collection[str],
                  covered: Collection[tuple[str, str]]) -> None:
    """Choices of the vocabulary that no pattern covers, by their phrases."""
    for fact, values in choice_phrases.items():
        if fact not in single_choice:
            continue  # multi choices: read with the title tables (_read_titles)
        hits = [value for value, phrases in values.items()
                if (fact, value) not in covered and any(p and p in text for p in phrases)]
        if len(hits) == 1 and fact not in out.facts:
            out.facts[fact] = hits[0]


_Span = tuple[int, int, int, str, str]  # (start, end, order, fact, value)


# a title an upgrade starts from (省级大学科技园升级成了国家…): held, not obtained now
_UPGRADED_FROM = re.compile(r"(也|又|还|已经|今年|去年|\d{4}\s*年)?(升级|升格|晋级|升)"
                            r"(成|为|到|至|了)")
# a clause about the incubatees (在孵企业, 4家…升了高企) or the asker itself (我们公司自己)
_INCUBATEE_CLAUSE = re.compile(r"在孵|入孵|入驻|孵化|再孵|[0-9一二两三四五六七八九十俩仨]+\s*家")
_OWN_CLAUSE = re.compile(r"自己|自身|本身|我们(科技服务|服务|运营|公司)|我司|运营公司|公司")


def _title_spans(text: str, incubatee_talk: bool,
                 choice_phrases: Mapping[str, Mapping[str, tuple[str, ...]]],
                 patterns: Patterns) -> list[_Span]:
    """Every match of a title pattern, then of a staff phrase no pattern covers."""
    found: list[_Span] = []
    for order, (fact, value, pattern) in enumerate(patterns.titles):
        hits = clause_matches(pattern, text)
        if value.startswith("hitech") and incubatee_talk and not SELF_INCUBATEE.search(text):
            # 在孵企业升级为高新技术企业 is a count, not the applicant's own title; the
            # operator's own (我们运营公司自己首次认定高企) is, in a clause of its own
            hits = [m for m in hits if _OWN_CLAUSE.search(clause_at(text, m.start))
                    and not _INCUBATEE_CLAUSE.search(clause_at(text, m.start))]
        found += [(m.start, m.end, order, fact, value) for m in hits]
    extra = len(patterns.titles)
    for fact, values in choice_phrases.items():
        if fact in ("applicant_types", "district"):
            continue
        found += [(m.start(), m.end(), extra, fact, value) for value, phrases in values.items()
                  if (fact, value) not in patterns.covered for phrase in phrases if phrase
                  for m in re.finditer(re.escape(phrase), text)]
    return found


def _not_theirs(text: str, found: list[_Span], out: RawExtraction) -> list[_Span]:
    """The titles found but those said of a neighbour or a friend (隔壁的市级孵化器说…),
    each left out said in the notes."""
    kept: list[_Span] = []
    for span in found:
        if theirs(text, clause_start(text, span[0]), span[0]):
            out.notes.append(f"未计入：“{text[span[0]:span[1]]}”（说的是其他单位的情况）")
        else:
            kept.append(span)
    return kept


def _read_titles(text: str, out: RawExtraction, incubatee_talk: bool,
                 choice_phrases: Mapping[str, Mapping[str, tuple[str, ...]]],
                 patterns: Patterns, labels: Mapping[str, Mapping[str, str]]) -> None:
    """Multi-choice titles: the vocabulary's patterns and phrases, longest first.

    A span consumed by a longer phrase of the same fact is not read again (重新认定高新技术
    企业 is a renewal, not also 新认定…, the first time); a negated one is excluded.
    """
    found = _title_spans(text, incubatee_talk, choice_phrases, patterns)
    found = _not_theirs(text, found, out)
    consumed: dict[str, list[tuple[int, int]]] = {}
    negated: list[tuple[int, str, str, str]] = []  # (start, fact, value, as said)
    awaited: list[tuple[int, str, str, str]] = []  # planned or awaited (还在等, 打算申报)
    for start, end, _, fact, value in sorted(found, key=lambda f: (f[0] - f[1], f[2], f[0])):
        spans = consumed.setdefault(fact, [])
        if any(a <= start and end <= b for a, b in spans):
            continue  # inside a longer title (a partial overlap shares only a noun)
        spans.append((start, end))
        first_only = "首次" in labels.get(fact, {}).get(value, "")
        until = min((a for a, _, _, f, v in found if a >= end and (f, v) != (fact, value)),
                    default=len(text))
        if is_negated(text, start, end) or failed_in_region(text, start, end, until) \
                or (first_only and (repeated(text, start, end, until) or asks_repeat(text))):
            # 第二次通过绩效评价: not the first time a first-time award is for
            negated.append((start, fact, value, text[start:end]))
        elif pending(text, start, end):  # (结果还没出来: not obtained, even alone)
            waits = awaiting_result(text, start, end)
            (negated if waits else awaited).append(
                (start, fact, value, f"{text[start:end]}，{waits}" if waits else text[start:end]))
        else:
            add_value(out.facts, fact, value)
            after = clause_at(text, end)[len(text[clause_start(text, end):end]):] \
                if end < len(text) else ""
            if held_status(text, start, end):
                out.standing[(fact, value)] = text[start:end]
            elif _UPGRADED_FROM.match(after) and any(
                    f == fact and v != value and b > end for _, b, _, f, v in found):
                # 省级大学科技园升级成了国家大学科技园: the level it was, not obtained now
                out.upgraded_from[(fact, value)] = text[start:end]
    if any(isinstance(out.facts.get(f), set) and out.facts[f] for _, _, _, f, _ in found) \
            or re.search(r"现阶段|目前能|现在能|眼下能", text):  # (asked what it gets now)
        # 省级技术创新中心还在等, beside titles obtained: not granted (alone, or supposed
        # done after it, 要是批了, it is asked about as if obtained)
        negated += [a for a in awaited if not supposed_after(text, a[0])]
        for _, fact, value, _ in (a for a in awaited if supposed_after(text, a[0])):
            add_value(out.facts, fact, value)
    else:
        for _, fact, value, _ in awaited:
            add_value(out.facts, fact, value)
    for _, fact, value, said in sorted(negated):
        held = out.facts.get(fact)
        if not (isinstance(held, set) and value in held) \
                and value not in out.excluded.get(fact, ()):  # (also said without a negation)
            exclude(out, fact, value, said)


def _read_implied(text: str, out: RawExtraction,
                  implied: Mapping[str, Mapping[str, tuple[str, ...]]],
                  labels: Mapping[str, Mapping[str, str]]) -> None:
    """Choices implied by a title or place the question names, when it states none.

    A word starting with “…” is a suffix (…镇: a town by name).  A place must be the
    subject (荣成市创建…), not a location (我们在荣成市…).
    """
    for fact, values in implied.items():
        if fact in out.facts or fact in out.excluded:
            continue
        hits: list[tuple[str, str]] = []
        for value, words in values.items():
            for word in words:
                pattern = ("[\u4e00-\u9fff]{2}" + re.escape(word[1:]) if word.startswith("…")
                           else re.escape(word))
                for m in clause_matches(pattern, text):
                    if (_LOCATIVE_BEFORE.search(text[:m.start]) or text[m.end:][:1] == "的"
                            or text[m.end:][:2] in ("一家", "一个", "这家", "那家")
                            or _BUSINESS_AFTER.match(text, m.end)
                            or is_counterparty(text, m.start, m.end)
                            or is_negated(text, m.start, m.end)
                            or re.search(_N + r"\s*家", text[clause_start(text, m.start):
                                                            m.start])):
                        continue  # a location, another party, denied (我们没有孵化器),
                        # or counted (5家高企)
                    hits.append((value, m.text))
                    break
                if hits and hits[-1][0] == value:
                    break
        chosen = {value for value, _ in hits}
        if len(chosen) != 1:
            continue  # nothing implied, or two kinds of applicant: ask
        value, word = hits[0]
        label = labels.get(fact, {}).get(value, value)
        if any(is_negated(text, m.start(), m.end()) for level in ("市级", "省级", "国家级")
               if level in label for m in re.finditer(level, text)):
            continue  # 我们众创空间…不是市级的: the level implied is denied
        add_value(out.facts, fact, value)
        out.implied.add(fact)
        out.notes.append(f"按“{word}”推定申报主体为{label}"
                         if fact == "applicant_types" else f"按“{word}”推定为{label}")
