"""Titles the message says another party holds (镇上还有一家企业的技术创新中心认定为省级):
their awards go to that party, not to a government asking for its own share.

A local government asking what it gets (我是镇长…镇政府这边能拿多少) often tells what the
enterprises of its area obtained beside its own title.  The award of a title follows its
holder; when the message names the holder as another party (一家企业的…, 辖区一家企业
牵头的…) and the applicant is a government, that award is not the asker's: it is left out
and said so, never summed."""

from __future__ import annotations

import re
from dataclasses import replace

from knowledge.awards.calculator import Estimate, Item
from knowledge.awards.rules import Rule, RuleSet
from knowledge.reading.matches import title_matches

__all__ = ["GOVERNMENTS", "another_holder", "held_by_others", "own_kind_said", "own_share_asked",
           "theirs", "title_words"]

GOVERNMENTS = frozenset({"district_gov", "town_gov"})
_CLAUSE = re.compile(r"[^，,。；;！!？?\s]+")
# 一家企业的 / 辖区一家医疗器械企业牵头的 / 镇上的企业: another party named as the holder
_ANOTHER = re.compile(r"(?:一家|某家|另一家|有家|辖区|镇上|区里|下面)[^，,。；;！!？?\s]{0,12}?"
                      r"(?:企业|公司|医院|大学|高校|学校|研究院|研究所|机构)"
                      # (辖区内一家企业被认定为…: the party the title is said of)
                      r"(?:同年|当年|今年|去年|(?:19|20)\d\d\s*年)?"
                      r"(?:(?:牵头|主导|组建|建设)?的|被|获批|获评|评上|拿到|获得|拿了|得了|取得)")


# 镇政府这边能拿多少 / 光问区政府 / 给我们镇多少: the asker's own share is asked
# (市里给区政府多少: the asker's government named as the one given to)
_OWN_SHARE = re.compile(r"这边|那边|自己|本身|光问|只问|单问|这一块|这块|给我们"
                        r"|我们[镇区县市]?能|本级|给[\u4e00-\u9fff]{0,4}?(?:政府|管委会?|科技局)"
                        r"|[（(](?:不含|不包括|除去|不算)")


def own_share_asked(text: str) -> bool:
    """Whether the asker asks for its own share (镇政府这边能拿多少, 光问区政府)."""
    return bool(_OWN_SHARE.search(text))


# 隔壁的市级孵化器说他们每家拿了10万 / 朋友公司评上了…: a title of a neighbour, a friend, a
# competitor — told for comparison, not held by the asker
_THEIRS_BEFORE = re.compile(r"(?:隔壁|邻居|对面|别人家?|别家|人家|朋友|同行|竞争对手|友商)"
                            r"[^，,。；;！!？?我]{0,10}$")


def theirs(text: str, clause_start: int, at: int) -> bool:
    """Whether the title at ``at`` is said of a neighbour, friend or competitor."""
    # (我们镇和隔壁镇一起报的…: the asker's own, joined by a neighbour)
    return bool(_THEIRS_BEFORE.search(text, clause_start, at)) \
        and "我" not in text[clause_start:at]


# 我们企业作为辖区企业 / 本公司: the asker names itself as one that is no government
_OWN_KIND = re.compile(r"(?:我们|我司|本|咱们?|作为)(?:辖区|当地|本地)?"
                       r"(?:企业|公司|厂|医院|学校|大学|机构)")
# 我们区 / 我镇 / 区科技局 / 镇政府: a government among the askers' own words
_GOVERNMENT_SAID = re.compile(r"我们?(?:区|县|市|镇)|本(?:区|县|镇)|科技局|政府|管委")


def own_kind_said(flat: str, facts: dict[str, object]) -> str:
    """The asker's words naming itself as no government (我们企业作为辖区企业能分到多少)
    when a government is read beside it only from a region's title (荣成市创建为国家创新型
    县): that award is the region's, and the asker applies as itself; else ''."""
    held = facts.get("applicant_types")
    if not isinstance(held, frozenset) or not held & GOVERNMENTS or not held - GOVERNMENTS \
            or _GOVERNMENT_SAID.search(flat):
        return ""
    m = _OWN_KIND.search(flat)
    return m.group() if m else ""


def another_holder(said: str) -> bool:
    """Whether ``said`` names another party as a holder (辖区一家医疗器械企业牵头的)."""
    return bool(_ANOTHER.search(said))


def title_words(rules: RuleSet, rule: Rule | None, least: int = 1) -> list[str]:
    """The words naming the titles ``rule`` pays for (their labels and the staff's phrases,
    ``least`` characters or more; who applies is no title)."""
    if rule is None:
        return []
    specs = rules.vocabulary.facts
    phrases = rules.vocabulary.choice_phrases()
    return [w for c in rule.conditions if c.op == "has" and c.fact in specs
            and c.fact != "applicant_types"
            for w in (specs[c.fact].choice_label(c.value),
                      *phrases.get(c.fact, {}).get(str(c.value), ())) if w and len(w) >= least]


def _held_in(rules: RuleSet, rule: Rule | None, clause: str) -> bool:
    """Whether ``clause`` gives a title ``rule`` pays for to another party named before it
    (its words, or its pattern: 辖区一家企业同年获得一项国家技术市场奖励)."""
    if rule is None:
        return False
    paid = {(c.fact, str(c.value)) for c in rule.conditions if c.op == "has"}
    return any(_ANOTHER.search(clause[:clause.find(w)])
               for w in title_words(rules, rule, 3) if w in clause) or any(
        (fact, value) in paid and _ANOTHER.search(clause[:start])
        for start, _, fact, value in title_matches(clause, rules.vocabulary.patterns))


def held_by_others(rules: RuleSet, text: str, estimate: Estimate) -> Estimate | None:
    """The estimate without the awards of titles the message gives another party, when
    the applicant is a government asking for its own; None when nothing is left out."""
    kinds = estimate.facts.get("applicant_types")
    if not isinstance(kinds, (set, frozenset)) or not set(kinds) & GOVERNMENTS:
        return None  # (a government among the kinds read: 企业 may be the others' word)
    others = [c.group() for c in _CLAUSE.finditer(text) if _ANOTHER.search(c.group())]
    if not others or not _OWN_SHARE.search(text):
        return None  # (一共能拿多少: the others' awards may be asked too)
    items: list[Item] = []
    said: list[str] = []
    for item in estimate.items:
        holder = next((c for c in others if item.outcome == "eligible"
                       and _held_in(rules, rules.get(item.rule_id), c)), "")
        if holder:
            why = f"您说“{holder}”：该奖励给予持有该称号的单位，不是贵单位的"
            item = replace(item, outcome="ineligible", amount_yuan=None, failed=(why,),
                           explanation=f"不符合条件：{why}")
            said.append(holder)
        items.append(item)
    if not said:
        return None
    note = "、".join(f"“{s}”" for s in said) + "的奖励归该单位所有，未计入贵单位的合计。"
    return replace(estimate, items=tuple(items), warnings=(note, *estimate.warnings))
