"""A level, an applicant or a stage a follow-up names, in the previous question's place
(那省级的呢, 要是高校牵头呢, 2022年重新认定通过了呢): the table word swapped where it
stands, the level with the verb that gives it, an applicant said with its role swapped
where it leads, the owner taking over a question asked for another party."""

from __future__ import annotations

import re
from collections.abc import Mapping

from knowledge.reading.intent import asks_other_payer
from knowledge.reading.recall import ROLE_VERB, as_asker
from knowledge.reading.slots import PUNCT
from knowledge.reading.talk import Talk, payer_change, pays, table_word

__all__ = ["asker_asks_instead", "asker_leads", "asker_told", "level_added", "merge_tables",
           "strip_opening"]

_BECOMING_BEFORE = re.compile(r"(升成|升到|升级为?|升级成|升为|升了|升|升格[为成]?|晋升为?"
                              r"|晋级为?)$")
# a question already saying how the level is had (建设省级…, 认定为省级…)
_GIVEN_BEFORE = re.compile(r"(建设|建|认定为?|列入|获批|成为|评为|升级为?|升为|申报|申请)$")

_OTHERS_BEFORE = re.compile(r"(那|这)(几|些)(家|个)?的?$|对方的?$|下面的?$"
                            # 卖给我们技术的那所学校 / 买的企业: another, named by what it did
                            r"|(?<!我们)(?<!我司)(?<!咱们)的(那|这)?(所|家|个)?$")


_NONE_HELD = re.compile(r"(?:还|并|都)?(?:没有|没|未)(?:拿到|获得|取得|评上|通过|有)?任何"
                        r"(?:级别|认定|称号|资质)的?(?:认定|称号|资质)?")
_LEADS = re.compile(r"(?:自己|来)?(?:牵头|组建|自建|建设)")
_SHARED = {"rnd_subsidy", "district_funding"}  # topics whose money is split by level


_POSSESSED = re.compile(r"的?(科研|科技)?(成果|技术|专利)")


def _not_the_asker(rest: str, word: str) -> bool:
    """Whether the applicant word names another party than the one applying: others asked
    about (镇上那几家企业，每家能分多少) unless leading, or whose results (促成了高校成果)."""
    at = rest.index(word)
    return bool((_OTHERS_BEFORE.search(rest[:at]) and not _LEADS.match(rest, at + len(word)))
                or _POSSESSED.match(rest, at + len(word)))


def merge_tables(rest: str, question: str, held: tuple[str, ...], talk: Talk,
                 topics: Mapping[str, tuple[str, ...]], refs: list[str]) -> tuple[str, str]:
    """A level or an applicant the message names replaces the question's."""
    for slot, table in (("level", talk.levels), ("applicant", talk.applicants),
                        ("stage", talk.stages)):
        name, word = table_word(rest, table)
        if name and slot == "level":
            bare = len(strip_opening(rest.replace(word, ""), talk)) <= 2
            # 国家技术市场奖励…市里配套多少 → 省的呢: the award's level, unless a share of a
            # split subsidy is asked (市里出多少 → 县里呢)
            titled = bool(table_word(question, table, True)[0]) and not (
                set(held) & _SHARED)
            if (paid := payer_change(rest, question, word, table, bare and not titled)):
                question, rest, swapped = paid
                refs.extend([slot] if swapped else [])
                continue
            if pays(rest, word) or asks_other_payer(rest) or _own_subject(
                    rest, word, question, topics):
                # 省里拨了80万 / 省里是不是也有配套的钱: the province's money, not a level
                # of the title; 被认定为省级技术创新中心呢 (after a 新型研发机构): the level of
                # a subject of its own, said with it
                name = ""
        # (镇上那几家企业，每家能分多少: others asked about, not the asker)
        # (换成我们合作的那家企业牵头呢: another, but the one leading: its award)
        if name and not (slot == "applicant" and _not_the_asker(rest, word)):
            old_name, _ = table_word(question, table)
            if slot == "applicant" and (who := _applicant_swapped(
                    question, rest, (word, name), talk, old_name, refs)) is not None:
                question, rest = who
            else:
                # 以后升成省级的呢: the level with the verb that gives it (升级为省级)
                question = _swap_table(question, table, name, titled=slot == "level")
                if slot == "level" and _BECOMING_BEFORE.search(rest[:rest.index(word)]):
                    at = question.find(name)
                    if at >= 0 and not _GIVEN_BEFORE.search(question[:at]):
                        question = f"{question[:at]}升级为{question[at:]}"
            if slot == "level" and old_name != name:  # 市级试点 → 省级: no pilot any more
                for only in talk.level_words.get(old_name, ()):
                    question = question.replace(only, "")
                # (还没有拿到任何级别的认定 → 如果当时已经是市级孵化器了呢: held after all)
                question = _NONE_HELD.sub("", question)
            if slot in ("level", "stage") and old_name != name:
                question = _level_before_subject(question, name, held, topics)
            refs.append(slot)
            rest = rest.replace(word, "")
    return question, rest


def _own_subject(rest: str, word: str, question: str,
                 topics: Mapping[str, tuple[str, ...]]) -> bool:
    """Whether the level ``word`` is said right before a subject the question does not
    name (省级技术创新中心 asked after a 新型研发机构): that subject's level, not a swap."""
    after = rest[rest.index(word) + len(word):].lstrip("的")
    return any(after.startswith(w) and w not in question
               for words in topics.values() for w in words if len(w) >= 2)


def _applicant_swapped(question: str, rest: str, said: tuple[str, str], talk: Talk,
                       old_name: str, refs: list[str]) -> tuple[str, str] | None:
    """(question, rest) with the applicant ``name`` the message says, when said as the
    owner or with its role; None for a plain swap of the table word.  ``said``: the
    applicant's word in the message and its name in the table."""
    (word, name), table = said, talk.applicants
    verb = ROLE_VERB.match(rest, rest.index(word) + len(word))
    if (own := as_asker(question, rest, name)) is not None:
        refs.append("asker")  # (in the thread, in the place of the one asked for)
        return own, rest  # 帮合作高校问一下… → 如果换成我们企业自己牵头呢: the owner's
    at = rest.index(word)
    if verb and _OTHERS_BEFORE.search(rest[:at]):
        # 换成我们合作的那家企业牵头呢: another party leads, said as the message says it
        who = strip_opening(re.split(r"[，,。；;]", rest[:at + len(word)])[-1], talk)
        if (led := _swap_leader(question, table, who, mine=True)):
            return led, rest.replace(who + verb.group(), word, 1)
    if verb and (led := _swap_leader(question, table, name)):
        return led, rest  # 我们是驻威高校，学校牵头组建的… → 要是企业牵头的呢: the leader
    if verb and not old_name:
        # 如果是企业牵头的呢 asked of a question naming no applicant: 企业牵头…
        return f"{name}{verb.group()}{question}", rest.replace(verb.group(), "", 1)
    return None


def _swap_leader(question: str, table: Mapping[str, tuple[str, ...]], name: str,
                 mine: bool = False) -> str:
    """``question`` with the applicant said with its role (学校牵头组建的) as ``name``
    (``mine``: the asker's word before it too, 我们学院 → 我们合作的那家企业); '' when it
    says none with a role."""
    ours = "(?:我们|我司|咱们|本)?" if mine else ""
    for word in sorted((w for ws in table.values() for w in ws), key=len, reverse=True):
        for m in re.finditer(ours + re.escape(word) + f"(?=(?:{ROLE_VERB.pattern}))", question):
            return question[:m.start()] + name + question[m.end():]
    return ""


def _swap_table(question: str, table: Mapping[str, tuple[str, ...]], new: str,
                titled: bool = False) -> str:
    _, old = table_word(question, table, titled)
    return question.replace(old, new, 1) if old else new + question


def _level_before_subject(question: str, level: str, held: tuple[str, ...],
                          topics: Mapping[str, tuple[str, ...]]) -> str:
    """``level`` moved right before the subject it qualifies (技术创新中心列入省级 →
    省级技术创新中心列入), so the question reads as the title of that level."""
    words = sorted((w for t in held for w in topics.get(t, ()) if w in question),
                   key=len, reverse=True)
    if not words or f"{level}{words[0]}" in question:
        return question
    return question.replace(level, "", 1).replace(words[0], level + words[0], 1)


_APPLIED_BEFORE = re.compile(r"(?:报了|申报了?|申请了?|报)[^，,。；;]{0,2}$")


def level_added(said: str, question: str, held: tuple[str, ...], talk: Talk,
                topics: Mapping[str, tuple[str, ...]]) -> str | None:
    """A follow-up telling one more application of another level of the question's
    subject (今年又报了国家级，还在公示没批下来 after 省级技术创新中心…), said with that
    subject: a question of its own, not a change of the one before (又升国家级了 is);
    None otherwise."""
    name, word = table_word(said, talk.levels)
    if not name or not talk.found(said, talk.markers("additions")) or pays(said, word) \
            or not _APPLIED_BEFORE.search(said[:said.index(word)]):
        return None  # (又升国家级了: the subject becoming that level, a change of it)
    subjects = sorted((w for t in held for w in topics.get(t, ()) if w in question),
                      key=len, reverse=True)
    if not subjects or subjects[0] in said:
        return None
    return said.replace(word, word + subjects[0], 1)


def strip_opening(rest: str, talk: Talk) -> str:
    rest = PUNCT.sub("", rest).rstrip("呢吗")
    for word in sorted(talk.markers("starts"), key=len, reverse=True):
        if rest.startswith(word):
            return rest[len(word):]
    return rest


# 那我们中介自己能拿吗 / 我们能分到吗: the asker asks for itself
_ASKER_ASKS = re.compile(r"^(?:那|那么|那要是|那如果)?(?:我们|我司|本单位|咱们?|我)"
                         r"[\u4e00-\u9fff]{0,4}?"
                         r"(?:自己|本身|这边)?(?:能|可以|可|能不能|可不可以|会不会)"
                         r"[^，,。；;]{0,4}?(?:拿|得|领|分)")
# …那家企业能拿多少 / 对方能拿吗: the previous question asked for another party
_ANOTHER_ASKED = re.compile(r"(那家|这家|对方|买方|卖方|他们|它|那所|客户|合作方|那个)"
                            r"[^，,。；;]{0,8}(能|可以|可)[^，,。；;]{0,4}(拿|得|领|分)")


def asker_asks_instead(said: str, question: str) -> str | None:
    """The previous ``question``, asked for another party (…那家企业能拿多少), asked again
    for the asker (那我们中介自己能拿吗): the story kept, the asker asking; else None."""
    compact = re.sub(r"\s+", "", said)
    if not _ASKER_ASKS.match(compact) or not _ANOTHER_ASKED.search(question):
        return None
    asked = compact.removeprefix("那么").removeprefix("那").rstrip("？?。！!")
    return f"{question.rstrip('？?。')}，{asked}" + ("" if "多少" in asked else "，能拿多少")


# 是我们所牵头的 / 我们牵头 我们是事业单位: the asker says it leads what was asked about
_ASKER_LEADS = re.compile(r"^(?:是|其实是|应该是)?(?:我们|我司|咱们?|本单位|我校|我院)"
                          r"[\u4e00-\u9fff]{0,4}?(?:牵头|主导)")


def asker_leads(said: str, question: str) -> str | None:
    """The previous ``question`` with the asker's word that it leads (是我们所牵头的) added,
    when the message says nothing else of its own; None otherwise."""
    compact = re.sub(r"\s+", "，", said.strip()).rstrip("。！!")
    if not _ASKER_LEADS.match(compact) or "牵头" in question or "多少" in compact:
        return None
    return f"{question.rstrip('？?。')}，{compact}"


def asker_told(said: str, question: str) -> str | None:
    """The previous question asked again for the asker, or told that the asker leads."""
    return asker_asks_instead(said, question) or asker_leads(said, question)

