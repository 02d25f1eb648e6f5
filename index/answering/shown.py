"""What an answer's estimate shows of the conversation and of how the message was read:
what a level change adds (升省级了呢 after the city centre's award), the reading notes
(您说有6家，其中2家… → 按4家计; 按“我们孵化器”推定…), and whether the amount asked is the
case computed (then no unstated focus is said of it)."""

from __future__ import annotations

import re
from dataclasses import replace

from index.answering.scope import states_figure
from index.answering.snapshot import Snapshot
from index.answering.understand import Understood
from knowledge.awards.calculator import Estimate
from knowledge.reading.applicant import ASSUMED, IMPLIED
from knowledge.reading.entities import is_split
from knowledge.reading.extraction import Extraction
from knowledge.reading.leader import OTHER_ENTITY
from knowledge.reading.matches import title_matches

__all__ = ["asks_of_place", "case_computed", "only_this", "place_unread", "what_the_change_adds",
           "with_reading"]


_DATED = re.compile(r"\d{4}年\d{1,2}(—\d{1,2})?月：")  # (an item of a dated part)


def with_reading(estimate: Estimate, notes: tuple[str, ...]) -> Estimate:
    """``estimate`` saying first how each figure of the message was read."""
    if not estimate.items or not notes:
        return estimate
    asked = any("取决于确切金额" in w for w in estimate.warnings)  # (an approximate amount)
    said = tuple(n for n in dict.fromkeys(notes) if n not in estimate.warnings
                 # a sum over the whole message is no figure of an estimate by year
                 and not ((estimate.years or is_split(estimate) or any(
                     _DATED.match(i.label) for i in estimate.items)) and "＋" in n)
                 and not (asked and "是约数，按约" in n)
                 # (按“经区”推定…, then not held to: the kind assumed is said instead)
                 and not (IMPLIED in n and any(ASSUMED in w for w in estimate.warnings))
                 # (a count read over the whole message: each part's own reading is shown)
                 and not (is_split(estimate) and "→" in n))
    return replace(estimate, warnings=(*said, *estimate.warnings))


def case_computed(u: Understood, estimate: Estimate | None, snap: Snapshot) -> bool:
    """Whether the amount asked is the one computed: a question of its own stating a case
    beyond who applies (titles, counts, amounts) that an award is granted for ("5家在孵
    的升了高企" is not a thing the documents leave unstated).  A follow-up's facts are its
    question's, not what it asks (土地出让金能减多少 after an amount)."""
    if estimate is None or u.frame.follow_up:
        return False
    granted = any(i.outcome != "ineligible" and (i.amount_yuan or i.figure or states_figure(
        snap.rules.get(i.rule_id))) for i in estimate.items)
    stated = u.extraction is not None and any(k != "applicant_types"
                                              for k in u.extraction.facts)
    return granted and stated


def what_the_change_adds(estimate: Estimate, superseded: tuple[str, ...]) -> Estimate:
    """升省级了呢 after the city centre's award: the award the upgrade brings, without
    the one already answered, when the change grants one of its own."""
    if not superseded:
        return estimate
    new = [i for i in estimate.items if i.outcome == "eligible" and i.rule_id not in superseded]
    if not new:
        return estimate
    return replace(estimate, items=tuple(i for i in estimate.items
                                         if not (i.outcome == "eligible"
                                                 and i.rule_id in superseded)))



# 从烟台的大学买的 / 跟青岛一家公司合作: a place of the other party
# (联合一家外地企业 / 那家外地的合作单位: a partner, another party)
_OTHER_PARTY_BEFORE = re.compile(r"(从|向|跟|同|与|和|帮|替|给|卖给|买自|联合|携手|会同|合作的?"
                                 r"|共建的?|参与的?)"
                                 r"[^，,。；;]{0,2}$|[那这]家$"
                                 # 总部在北京的公司在经区注册的子公司: the parent's place
                                 r"|(总部|母公司|总公司|集团)(设|是)?在$")
# 我们烟台的子公司签的: the place of an entity of the asker's, not of the asker
_OTHER_ENTITY_AFTER = re.compile(OTHER_ENTITY)
# 其中3家不符合：…，1家是在青岛注册的: a part of a count placed there (the count reads it)
_PART_BEFORE = re.compile(r"(?:^|[，,。；;：:])[^，,。；;：:]{0,4}?[0-9一二两三四五六七八九十]+"
                          r"\s*[家项个件份][^，,。；;：:]{0,6}$")


def place_unread(place: str, text: str, extraction: Extraction | None,
                 estimate: Estimate | None) -> str:
    """``place`` (another city the message names) when the reader did not place it: not
    a part of a count or an applicant it put out, not a recipient estimated apart, not
    the other party's; "" otherwise (the estimate then stands without the other-city
    preamble)."""
    if not place or extraction is None:
        return place
    if (any(place in n for n in extraction.notes)
            or any(place in d.said for d in extraction.denied.values())
            or (estimate is not None and (is_split(estimate) or any(
                place in i.explanation for i in estimate.items)
                or any(place in w and "未计入" in w for w in estimate.warnings)))):
        return ""  # (…其中1家是注册在烟台的 said in the item's reading: placed)
    spots = [m.start() for m in re.finditer(re.escape(place), text)]
    if spots and all(_OTHER_PARTY_BEFORE.search(text[:i]) or _PART_BEFORE.search(text[:i])
                     or _OTHER_ENTITY_AFTER.match(text, i + len(place))
                     or text.startswith(("那家", "的那家"), i + len(place)) for i in spots):
        return ""
    return place


_ASKS_AMOUNT = re.compile(r"多少|几万|标准|怎么(奖|补|给)|有没有|有啥|给不给|奖不奖")


def asks_of_place(place: str, text: str, home: tuple[str, ...] = ()) -> bool:
    """Whether the clause that asks the amount names ``place`` (烟台对国家级孵化器奖多少 /
    济南那边给多少): the standard of another city is asked, not the city's (青岛一家孵化器
    …能拿威海市里的奖吗: the city's, ``home`` named)."""
    return any(place in c and _ASKS_AMOUNT.search(c) and not any(h in c for h in home)
               for c in re.split(r"[，,。；;！!？?]", text))


def only_this(estimate: Estimate, u: Understood, snap: Snapshot) -> Estimate:
    """要是高企重新认定是今年的呢，这块能拿多少: a follow-up that asks only of the titles it
    names (``follow_up.only_this`` words) keeps their items; the others of the question
    it follows are left out (said in a note)."""
    talk, rules = snap.talk, snap.rules
    if not u.frame.follow_up or not talk.found(u.frame.said, talk.markers("only_this")):
        return estimate
    named = {(fact, value) for _, _, fact, value in title_matches(
        u.frame.said, rules.vocabulary.patterns)}
    if not named:
        return estimate

    def names_it(rule_id: str) -> bool:
        rule = rules.get(rule_id)
        return rule is not None and any(c.op == "has" and (c.fact, str(c.value)) in named
                                        for c in rule.conditions)

    kept = tuple(i for i in estimate.items if names_it(i.rule_id))
    if not kept or len(kept) == len(estimate.items):
        return estimate
    left = "、".join(dict.fromkeys(i.label for i in estimate.items if i not in kept))
    note = f"您问的是这一项，其他各项（{left}）未计入"
    return replace(estimate, items=kept, warnings=(note, *estimate.warnings))
