"""An estimate narrowed or multiplied as the question says: one fixed award once per
recipient the asker speaks for (4个镇, 两家子公司), not again once received, a title held
several times counted (the years asked: :mod:`knowledge.reading.asked_years`)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from knowledge.awards.calculator import Estimate, Item
from knowledge.awards.rules import Rule, RuleSet
from knowledge.money import format_yuan, scan_money
from knowledge.numerals import parse_int
from knowledge.reading.asked_years import paid_again, this_time
from knowledge.reading.holders import title_words
from knowledge.reading.matches import title_matches
from knowledge.reading.parts import excluded_counts
from knowledge.reading.scope import (
    IF,
    PAID_BEFORE,
    RENEWAL_SAID,
    clause_at,
    clause_start,
    without_failures,
)

__all__ = ["already_received", "counted_titles", "per_recipient"]

_SPEAKS_FOR = re.compile(r"集团|园区|旗下|下属|子公司|(我们|我)[区县市](?!级)|本市|全市|区里|县里"
                         r"|市里的|科技局|各自|分别")
# a count of recipients by their noun (4个镇, 两家子公司): the asker speaks for them
_RECIPIENT_NOUN = re.compile(r"(\d+|[两二三四五六七八九十]+)\s*(个|家)"
                             # (3家医院的市级临床医学研究中心: the holders' own noun before)
                             # (not 三家企业组建的…中心: one centre they built together)
                             r"(?:(?:(?!组建|牵头|建设|共建|参与|联合|合作|申报)[\u4e00-\u9fff]){1,4}的)?"
                             r"(?:(?:市级|省级|国家级)[\u4e00-\u9fff]{0,8}?)?"
                             r"(镇|乡镇|子公司|下属企业|区市|中心|孵化器|众创空间)")
_RECIPIENTS = re.compile(r"(?<![这那])(\d+|[两二三四五六七八九十]+)\s*(家|个)(?!在孵|入孵)"
                         r"(子公司|下属企业|企业|公司|单位|机构|镇|乡镇|中心|孵化器|科技服务公司)?")
_RECIPIENTS_PASSED = re.compile(r"(?:通过|(?<![超通])过|入选|评上|获?批|认定|创成|创建成功?)"
                                r"(?:了|下来了?)?\s*"
                                r"(\d+|[一两二三四五六七八九十]+)"
                                r"\s*(?:家|个)|(\d+|[一两二三四五六七八九十]+)\s*(?:家|个)"
                                # (2个镇创建成功: the recipients' noun before the verb)
                                r"(?:(?![没未不都均被一二两三四五六七八九十个家])[\u4e00-\u9fff])"
                                r"{0,4}?(?:都|均)?(?:首次|第一次|头一回|初次)?"
                                r"被?(?:通过|入选|评上|获批|创建成功|创成|成功|认定为?)")



# 其中1家是我们 / 有一家就是我们公司 … 我们能拿多少: the asker, one of those counted
_ASKER_AMONG = re.compile(r"(其中|有)\s*(1|一)\s*(家|个)(就)?是(我们|我司|本单位|咱们)"
                          r"(?=.*(我们|我司|本单位|咱们)[^，,。；;]{0,6}(能|可以)[^，,。；;]{0,4}(拿|得|领))")


def per_recipient(rules: RuleSet, text: str, estimate: Estimate) -> Estimate | None:
    """The one fixed award the estimate grants, once per recipient, when the asker speaks
    for several (a town, a group's subsidiaries, a park's companies) and says how many
    obtained it; the item says how the count was read.  None otherwise."""
    if not (_SPEAKS_FOR.search(text) or _RECIPIENT_NOUN.search(text)) \
            or _ASKER_AMONG.search(text):  # (其中1家是我们，我们能拿多少: the asker's one)
        return None
    granted = [i for i in estimate.items if i.outcome == "eligible" and i.in_force
               and i.amount_yuan]
    fixed = [i for i in granted if (r := rules.get(i.rule_id)) is not None
             and r.amount_yuan is not None and r.count_fact is None]
    noun = _RECIPIENT_NOUN.search(text)
    if noun is not None and noun.group(3) not in ("子公司", "下属企业"):
        # 连区里的一共: the town award is counted (两个镇: not the 区市's; 两家子公司: holders
        # of any award)
        fixed = [i for i in fixed if noun.group(3) in i.label]
        granted = fixed if len(granted) > 1 else granted
    passed = _RECIPIENTS_PASSED.search(text)
    # (在孵企业升高企七家: the count is that award's, not the holders'; one waiting for its
    # count does not stop 两个被认定为国家级孵化器, a count of holders that passed)
    if len(granted) != 1 or len(fixed) != 1 or any(
            (i.outcome == "eligible" if passed else i.outcome != "ineligible")
            and (r := rules.get(i.rule_id)) is not None and r.count_fact is not None
            for i in estimate.items):
        return None
    said = _RECIPIENTS.search(text)
    raw = (passed.group(1) or passed.group(2)) if passed else (said.group(1) if said else "")
    n = parse_int(raw) if raw else None
    # 2021年一个镇评上…，2024年又有一个镇评上: one at a time, each in a year of its own
    years = {y.group() for m in _RECIPIENTS_PASSED.finditer(text)
             if parse_int(m.group(1) or m.group(2)) == 1
             for y in [re.search(r"(19|20)\d\d年", clause_at(text, m.start()))] if y}
    if n == 1 and len(years) > 1:
        n = len(years)
    if n is None or n < 2 or _of_another_title(rules, text, passed or said, fixed[0]):
        return None
    # 5家，其中2家已经拿过20万（到期重新认定）: those are not paid this one-time award again
    # (另1个没评上 beside 创成了2个: the failed were never in the count passed; with no
    # count passed, 5家里2家没过 leaves 3)
    # (不过有1家是烟台注册的: a recipient outside the city is not one of them)
    places = rules.vocabulary.elsewhere
    out = [(k, said) for k, _, said in excluded_counts(text, (*PAID_BEFORE, *places), n)
           if 0 < k < n and (any(w in said for w in (*PAID_BEFORE, *places))
                             or (passed is None and without_failures(said) != said))]
    left = n - sum(k for k, _ in out)
    item = fixed[0]
    assert item.amount_yuan is not None
    note = f"您说有{n}家（个）获得，每家（个）{format_yuan(item.amount_yuan)}，按{n}家（个）计"
    if out and left > 0:
        note = (f"您说有{n}家（个），" + "、".join(said for _, said in out)
                + f" → 按{left}家（个）计，每家（个）{format_yuan(item.amount_yuan)}")
        n = left
    many = replace(item, amount_yuan=item.amount_yuan * n,
                   explanation=f"{item.explanation}{note}：{format_yuan(item.amount_yuan)}"
                               f" × {n} = {format_yuan(item.amount_yuan * n)}。")
    return replace(estimate, items=tuple(many if i is item else i for i in estimate.items))


def _of_another_title(rules: RuleSet, text: str, count: re.Match[str] | None, item: Item
                      ) -> bool:
    """Whether the clause of ``count`` names a title other than the item's, and not the
    item's (今年全区新增高新技术企业31家…文登区创建为国家创新型县: a count of the firms,
    not of the county's recipients)."""
    if count is None:
        return False
    clause = clause_at(text, count.start())
    rule = rules.get(item.rule_id)
    named = {(f, v) for _, _, f, v in title_matches(clause, rules.vocabulary.patterns)}
    own = {(c.fact, str(c.value)) for c in rule.conditions if c.op == "has"} if rule else set()
    return bool(named) and not named & own


# 拿了200万 / 已经领过钱 / 奖励已到账: money the owner already received (not 拿了省技术市场奖:
# a title obtained)
_RECEIVED = re.compile(r"(拿了|领了|拿过|领过|已经拿了?|已拿|已领|已经领了?)"
                       r"(?:[^，,。；;\d]{2,16}的)?\s*"  # 拿过省级…示范机构的100万
                       r"(\d|[一二两三四五六七八九十百千]+万|钱|奖金|奖励|奖|补助|资金|这笔)"
                       r"|到账了|兑现了|发过了?|给过了?|补过了?"
                       # 省级那五百万早就拿过了: the amount said before it was received
                       r"|(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)万元?[^，,。；;\d]{0,4}?"
                       r"(?:拿过|拿到过|领过|领了|拿了|到账)")
# …还能再拿吗 / 还有钱吗 / 还能再奖吗: asked whether it is paid again
_AGAIN = re.compile(r"还能再(拿|给|奖|补|来)|还能拿|还有钱|还有奖励|还给吗|还奖吗"
                    r"|能不能再(拿|给|奖|来)|还可以再(拿|给|奖)|还能不能拿")


# …那国家级这一下能拿多少: the award asked is the new one, not the one received
_THIS_ONE = re.compile(r"这一下|这一次|这次|这回|新的|还能拿")
# 一共拿多少 / 总共能拿多少: every award, the one received too
_ALL_TOLD = re.compile(r"一共|总共|合计|加起来|累计|总计")
# …拿过奖了，今年又重新评定了一次: the title renewed after the award was received
_RENEWED = re.compile(r"重新(评定|认定|评审|评估|核定|通过)|复核|复审|再次(认定|评定|通过)"
                      r"|又(通过|认定|评定|评上)")


def already_received(rules: RuleSet, text: str, estimate: Estimate) -> Estimate | None:
    """A one-time award the owner says they already received, asked whether it is paid
    again (2019年认定国家级孵化器拿了200万，今年复核又通过了，还能再拿吗) or renewed since
    (2020年认定的时候拿过奖了，今年又重新评定了一次): not granted again, and said so.
    None when the question says no such thing."""
    received = _RECEIVED.search(text)
    if received is None:
        return _renewed_once(rules, text, estimate)
    if estimate.years and _ALL_TOLD.search(text):
        return None  # (2019年…拿过奖励，2022年复核…，两次加起来一共多少: its first year's)
    # 拿了100万: the award of that amount (not another one asked about: 升级…还能再拿多少)
    clause = re.match(r"[^，,。；;！!？?]*", text[received.start():])
    said = [m.yuan for m in scan_money(clause.group() if clause else "") if not m.problem]
    if not (_AGAIN.search(text) or (
            not estimate.years and _RENEWED.search(text, received.end())
            and not _ALL_TOLD.search(text))
            # (前年已经拿过200万了。如果明年能升成省级…: what is supposed next is asked)
            or (said and (IF.search(text, received.end()) or _THIS_ONE.search(text, received.end()))
                and not _ALL_TOLD.search(text))
            # (假如我司…市级中心，2023年已拿过市级的钱，明年升省级: the step supposed is asked)
            or (IF.search(text, 0, received.start()) and re.search(
                r"(?:19|20)\d\d\s*年", clause_at(text, received.start()))
                and not _ALL_TOLD.search(text))):
        # (a year-by-year estimate grants a one-time award in its first year, and 一共拿了
        # 多少 counts the award received)
        return None
    if _A_PART_RENEWED.search(clause_at(text, received.start())):
        return None  # 其中2家以前认定过拿过奖励: a part of a count, taken out with its count
    # 2021年第一次认定高企；众创空间（当时拿过钱）复核也通过了: the titles of the sentence
    # part that says it, when it names any (not the first recognition said beside it)
    part = text[text.rfind("；", 0, received.start()) + 1:][:_part_end(text, received.end())]
    named = {i.rule_id for i in estimate.items
             if any(w in part for w in title_words(rules, rules.get(i.rule_id)))}
    if (year := re.search(r"(?:19|20)\d\d(?=\s*年)", clause_at(text, received.start()))) \
            and any(i.label.startswith(f"{year.group()}年：") for i in estimate.items):
        # (2023年已拿过市级的钱，明年升省级: the items of the year it was received in)
        named = {i.rule_id for i in estimate.items if i.label.startswith(f"{year.group()}年：")}
    changed = False
    items = []
    for item in estimate.items:
        rule = rules.get(item.rule_id)
        once = (rule is not None and rule.amount_yuan is not None and rule.count_fact is None
                and rule.base_fact is None and "每年" not in rule.cap_text + rule.label)
        if (item.outcome == "eligible" and once and item.amount_yuan
                and (not said or item.amount_yuan in said)
                and (not named or item.rule_id in named)):
            why = (f"您说已领取过这项一次性奖励（{format_yuan(item.amount_yuan)}）；"
                   "复核或再次通过不再重复奖励")
            item = replace(item, outcome="ineligible", amount_yuan=None, failed=(why,))
            changed = True
        items.append(item)
    return replace(estimate, items=tuple(items)) if changed else None


# 复审通过了 / 到期重新认定了: the title renewed (not 又认定, which may be another title)
_FIRST_SAID = re.compile(r"首次|第一次|头一回|头一次|初次|(?<!重)新认定")


# 19年认定 22年又…: the title obtained in a year before its renewal (its first time)
_FIRST_DATED = re.compile(r"\d\d\s*年\s*(?:被|已)?(?:认定|通过|评上|获批|拿到)"
                          r"(?!.{0,3}(?:复审|复核|重新|再次))")
_A_PART_RENEWED = re.compile(r"^(但是|但|不过)?(另有|另外|还有|其中)(有)?\s*"
                             r"[\d一二两三四五六七八九十]+\s*(家|个)")


# a clause that pays a renewal or a review names it (重新认定的给予10万元, 首次通过绩效评价)
_RENEWAL_PAID = re.compile(r"重新认定|复核|复审|复评|绩效评价|再次认定")


def _part_end(text: str, at: int) -> int:
    """The end of the sentence part (up to ；。) that ``at`` is in, as an offset from the
    part's start (the previous ；)."""
    start = text.rfind("；", 0, at) + 1
    ends = [e for e in (text.find(c, at) for c in "；。") if e >= 0]
    return (min(ends) if ends else len(text)) - start


def _paid_on_obtaining(rule: Rule) -> bool:
    """Whether ``rule`` pays a fixed sum for obtaining a title (一次性 or not) and its
    clause says nothing of paying a renewal or a review of it."""
    return rule.amount_yuan is not None and rule.count_fact is None \
        and rule.base_fact is None \
        and not any(_RENEWAL_PAID.search(c.quote) for c in rule.citations)


def _renewed_once(rules: RuleSet, text: str, estimate: Estimate) -> Estimate | None:
    """The awards a clause grants for obtaining a title (一次性奖励, or a fixed sum whose
    clause names no renewal or review: 市级技术创新中心 200万) for a title the owner says was
    renewed or reviewed (技术先进型服务企业复审又认定了, 通过了市里的复评): not granted
    again, and said so.  The title
    is named in the renewal's clause; a year-by-year estimate grants it in its first
    year already."""
    renewal = RENEWAL_SAID.search(text)
    alone = this_time(text) or paid_again(text)  # 21年认定了，24年又重新认定了一次，这次能拿多少
    first = _FIRST_DATED.search(text)  # (its lookahead sees past the renewal: 认定了重新认定)
    if renewal is None or estimate.years or ((_FIRST_SAID.search(text) or (
            first and first.end() <= renewal.start() and not _AGAIN.search(text))) and not alone):
        return None  # (2019年首次认定的 / 19年认定 22年又重新认定了: the first time is granted)
    clause = re.search(r"[^，,。；;！!？?]*$", text[:renewal.start()])
    rest = re.match(r"[^，,。；;！!？?]*", text[renewal.start():])
    said = (clause.group() if clause else "") + (rest.group() if rest else "")
    head = text[:renewal.start() - len(clause.group())] if clause else ""
    before = re.search(r"([^，,。；;！!？?]*)[，,]\s*$", head)
    if _A_PART_RENEWED.search(said) or (
            before is not None and _A_PART_RENEWED.search(before.group(1))
            and re.match(r"\s*(这次|这回|此次|今年|也|都|是)", clause.group() if clause else "")):
        # 2家公司认定了…，另有1家是复审 / 其中2家以前认定过，这次是复审: a part renewed
        return None
    # (the staff's title patterns name what is renewed too: 省级技术创新中心…复核)
    named = {(fact, value) for _, _, fact, value in title_matches(said,
                                                                   rules.vocabulary.patterns)}
    changed = False
    items = []
    once = [i for i in estimate.items if i.outcome == "eligible" and i.amount_yuan
            and (r := rules.get(i.rule_id)) is not None and _paid_on_obtaining(r)]
    for item in estimate.items:
        rule = rules.get(item.rule_id)
        titles = title_words(rules, rule)
        if (rule is not None and item.outcome == "eligible" and item.amount_yuan
                and _paid_on_obtaining(rule)
                and (any(w and w in said for w in titles) or (alone and len(once) == 1)
                     or any(c.op == "has" and (c.fact, str(c.value)) in named
                            for c in rule.conditions))):
            why = ("这是一次性奖励；您说的是复审（重新认定），不再重复奖励"
                   if any("一次性" in c.quote for c in rule.citations) else
                   f"条款对认定（组建）给予奖励，未规定{renewal.group()}时再次给予；"
                   f"您说的是{renewal.group()}，未计入")
            item = replace(item, outcome="ineligible", amount_yuan=None, failed=(why,))
            changed = True
        items.append(item)
    return replace(estimate, items=tuple(items)) if changed else None


# 获得了2项国家技术市场奖励 / 有2个星创天地认定了: a count said right before a title
_COUNT_BEFORE = re.compile(r"(?<![第这那])(\d+|[两二三四五六七八九十]+)\s*(项|个|家)\s*$")
_INCUBATEES = re.compile(r"在孵|入孵|孵化期")
# 两家子公司…各拿了 / 3个机构各获得: holders each with the count said after
_EACH_HOLDER = re.compile(r"(\d+|[两二三四五六七八九十]+)\s*(?:家|个)[^，,。；;]{0,20}?各(?:自)?"
                          r"(?:拿了?|获得了?|得了|拿到了?|有|获)?\s*$")
# …参加绩效评价，3个通过了: how many held it, said in the next clause
_PASSED_AFTER = re.compile(r"[^，,。；;]{0,12}[，,]\s*(?:(\d+|[两二三四五六七八九十]+)\s*(个|家|项)"
                           r"(?:都|均)?(?:通过|评上|认定|获批|批了|过了)"
                           # …，通过4家 / 批了2个: the verb first
                           r"|(?:通过了?|评上了?|认定了?|获批了?|批了|过了)\s*(\d+|[两二三四五六七八九十]+)"
                           r"\s*(个|家|项))")
# 12家科技服务企业今年首次认定技术先进型服务企业: a count of the holders that obtained it
# the holders a count counts (3家科技服务企业, 两个孵化器)
_HOLDER = r"(企业|公司|机构|单位|医院|高校|院所|孵化器|众创空间|镇)"
# (联合三家企业组建的: partners of the one that leads, not holders)
_HOLDERS_BEFORE = re.compile(r"(?<![第这那])(?<!联合)(?<!携手)(?<!会同)(?<!带着)"
                             r"(\d+|[两二三四五六七八九十]+)\s*(个|家)"
                             r"[\u4e00-\u9fff]{0,10}?" + _HOLDER + r"[^，,。；;]{0,12}?"
                             r"(认定|评上|评为|获批|通过|拿到|成为|组建|牵头)(了|为|成|的)?\s*$")
# 三个企业，技术创新中心今年全都认定省级了: all of the holders counted in the clause before
_ALL_OF_THEM = re.compile(r"(都|全都|全部|均)[^，,。；;]{0,6}$")
# 国家级国际合作基地两家: a count said right after it
_COUNT_AFTER = re.compile(r"\s*(\d+|[两二三四五六七八九十]+)\s*(项|个|家)"
                          r"(?![^，,。；;\s]{0,3}[里中])(?!\s*(奖|补|资金|钱|合计|一共|总共|加|都|的))")


def _holders_said_before(text: str, start: int) -> re.Match[str] | None:
    """The count of holders said in the clause before one saying all of them obtained the
    title (我们局联系的三个企业，技术创新中心今年全都认定省级了)."""
    own = clause_start(text, start)
    if not own or not _ALL_OF_THEM.search(text, own, start):
        return None
    before = clause_start(text, own - 1)
    return _HOLDER_COUNT.search(text, before, own)


_HOLDER_COUNT = re.compile(r"(\d+|[两二三四五六七八九十]+)\s*(个|家)[\u4e00-\u9fff]{0,6}?"
                           + _HOLDER + r"[^，,。；;]*[，,]?$")


def _first_group(m: re.Match[str]) -> str:
    """The first group a count's match holds (its alternatives count in turn)."""
    return next((g for g in m.groups() if g and g[0] not in "个家项"), "")


def counted_titles(rules: RuleSet, text: str, estimate: Estimate) -> Estimate | None:
    """Each one-time award for a title counted as many times as the title is said to be
    held ("2项国家技术市场奖励，3项省技术市场奖励" → 20万×2 + 10万×3), the item saying
    how it was read; None when no title is counted.  A title counted twice differently is
    left as one (unsure), and an award already multiplied is left alone."""
    counts: dict[tuple[str, str], set[int]] = {}
    if _ASKER_AMONG.search(text):
        return None  # 4家单位获得…，其中1家是我们，我们能拿多少: the asker's one
    for start, end, fact, value in title_matches(text, rules.vocabulary.patterns):
        if _INCUBATEES.search(clause_at(text, start)):
            continue  # (在孵企业新认定高企6家: the incubatees' count, not the title's)
        m = (_COUNT_BEFORE.search(text, max(0, start - 6), start)
             or _COUNT_AFTER.match(text, end) or _PASSED_AFTER.match(text, end)
             or _HOLDERS_BEFORE.search(text, clause_start(text, start), start)
             or _holders_said_before(text, start))
        if m is not None and (n := parse_int(_first_group(m))) is not None:
            if (held := _EACH_HOLDER.search(text, clause_start(text, m.start()), m.start())) \
                    and (k := parse_int(held.group(1))):
                n *= k  # 两家子公司（都在威海注册）各拿了1个: each holder's count, times them
            # 3家认定了…，其中1家是注册在烟台的: the count less the parts put out
            n -= sum(k for k, _, _ in excluded_counts(
                text[m.end():], (*rules.vocabulary.elsewhere, *PAID_BEFORE), n))
            counts.setdefault((fact, value), set()).add(n)
    if not counts:
        return None
    def titles(item: Item) -> set[tuple[str, str]]:
        rule = rules.get(item.rule_id)
        return {(c.fact, str(c.value)) for c in rule.conditions} & set(counts) \
            if rule is not None and item.outcome == "eligible" else set()

    # 两个市级中心（一个企业牵头，一个院所牵头）: a count two awards share is no multiplier
    shared = Counter(t for item in estimate.items for t in titles(item))
    items, changed = [], False
    for item in estimate.items:
        rule = rules.get(item.rule_id)
        if item.outcome == "eligible" and item.amount_yuan and rule is not None \
                and rule.amount_yuan is not None and rule.count_fact is None \
                and "×" not in item.explanation \
                and all(shared[t] == 1 for t in titles(item)):
            said = {n for t in titles(item) for n in counts[t]}
            if len(said) == 1 and (times := said.pop()) >= 2:
                each = item.amount_yuan
                item = replace(item, amount_yuan=each * times, explanation=(
                    f"{item.explanation}您说有{times}项（个），每项（个）{format_yuan(each)}："
                    f"{format_yuan(each)} × {times} = {format_yuan(each * times)}。"))
                changed = True
        items.append(item)
    return replace(estimate, items=tuple(items)) if changed else None
