"""Several recipients in one question, each with its own figure: estimated one by one.

"两个市级孵化器，分别有8家和13家在孵企业升级" or "辖区3家企业…按测算分别是1200万、300万、
100万" give each recipient its own count or amount.  A cap is per recipient (每家每年最高
100万元, 单个企业最高1000万元), so the figures are not added up before the award is
computed: each recipient's question is read and estimated on its own (the list replaced
by its figure, the recipients' count left out) and the items are put together, each
labelled with its place in the list.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from knowledge.awards.calculator import Estimate, Item
from knowledge.numerals import parse_int
from knowledge.reading.slots import restate

__all__ = ["SPLIT_NOTE", "Recipients", "compose_recipients", "is_split", "recipients"]

SPLIT_NOTE = "按您说的各家（个）分别计算"

_NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千万亿零〇]+)"
_FIGURE = _NUM + r"\s*(?:万元|万|亿元|亿|元|家|项|个|件)?"
# 分别有8家和13家 / 分别是1200万、300万、100万
_LIST = re.compile(r"分别(?:是|有|为|拿了?|买了?|花了?|获批了?|补助|达到)?\s*"
                   r"(" + _FIGURE + r"(?:\s*(?:、|和|与|及|，|,)\s*" + _FIGURE + r")+)")
_ITEM = re.compile(_FIGURE)
# the recipients counted before the list: 两个市级孵化器, 3家企业, 两家子公司
_COUNT = re.compile(r"(\d+|[两二三四五六七八九十]+)\s*(个|家|所)")


@dataclass(frozen=True)
class Recipients:
    """Each recipient's own question, with the name it is labelled by (甲公司, 第2个)."""

    names: tuple[str, ...]
    questions: tuple[str, ...]
    said: tuple[str, ...] = ()  # each recipient's own words (还有一家在青岛的200万)


# 甲公司…，乙公司…，丙公司… / A是市级的…A有4家，B有3家: recipients named by a letter at
# the start of their clauses (after a year); a bare letter only before what it does
# (一家…，另一家…: the first and the other of two)
_INDEFINITE = re.compile(r"另一家|另外一家|还有一家|一家|另一个|另外一个|还有一个|一个")
_NAMED = re.compile(r"^((?:19|20)\d\d\s*年)?"
                    r"(?:(?P<o>" + _INDEFINITE.pattern + r")(?!都)"
                    # 环翠区那家120万，文登那家300万: recipients named by their place
                    r"|(?P<p>[\u4e00-\u9fff]{1,4}?(?:那家|那个|这家))"
                    r"|(?P<n>[甲乙丙丁戊]|[A-HX-ZＡ-Ｄ])"
                    r"(?P<noun>公司|企业|孵化器|众创空间|机构|单位|厂|中心|镇)"
                    r"|(?P<b>[甲乙丙丁戊]|[A-HX-ZＡ-Ｄ])(?=是|有|的|在|也|还|只|仅|就|没|未|不|：|:|买|拿|签|促成|被"
                    r"|今年|去年|核定|获批|批了|按|测算|申请|认定|通过|获得|登记|（|\())")
_ASKS = re.compile(r"多少|几万|能拿|能补|能奖|一共|总共|合计|加起来")
# 帮三家客户问下 / 替客户咨询: asking on the recipients' behalf; 我是做科技中介的: the asker
_ON_BEHALF = re.compile(r"^.*?(?:帮|替|代)[^，,。；;]{0,8}?(?:客户|企业|公司|单位|家)"
                        r"(?:问下|问一下|问问|咨询一下|咨询|问|算下|算一下|算算)")
_ASKER_SAID = re.compile(r"^(我是|我们是|我们公司是|我司是|作为)")
_BY_PLACE = re.compile(r"(那家|那个|这家)$")
_ALL = re.compile(r"^(都|均|全部|全都|全)")
# the recipients' noun after their count (两个孵化器, 三家企业享受…: 企业)
_NOUN = re.compile(r"[\u4e00-\u9fff]{0,6}?"
                   r"(企业|公司|孵化器|众创空间|中心|机构|单位|镇|载体|空间|基地|厂)")
_CLAUSE = re.compile(r"[^，,。；;！!？?：:\s]+")


def recipients(text: str) -> Recipients | None:
    """The question once per recipient when it lists one figure per recipient after
    分别 and counts the recipients before (as many as the figures), or names each
    recipient by a letter at the start of its clauses (甲公司…，乙公司…); None
    otherwise."""
    return _listed(text) or _named(text)


# 两家威海的拿了省级…: a clause led by a count of several, a group (knowledge.reading.groups)
_A_GROUP = re.compile(r"^(?:(?:19|20)\d\d\s*年)?(?:\d+|[两二三四五六七八九十]+)\s*(?:家|个)")


_POINTED_COUNT = re.compile(r"(这|那)(\d+|[两二三四五六七八九十几]+)\s*(个|家|所)")


def _named(text: str) -> Recipients | None:
    # (一家检测服务公司、一家知识产权代理公司: one listed after another)
    text = re.sub(r"、(?=" + _INDEFINITE.pattern + ")", "，", text)
    clauses = list(_each_named(m.group() for m in _CLAUSE.finditer(text)))
    # 有3个…：一个…；一个…；还有一个…: each one said is another recipient, when as many
    # are counted before the first (not a question restated after itself)
    said_one = [c for c in clauses if (m := _NAMED.match(c)) is not None and m.group("o")]
    many = _COUNT.search("".join(clauses[:clauses.index(said_one[0])])) if said_one else None
    ordinal = many is not None and parse_int(many.group(1)) == len(said_one) > 1
    head, own, tail, label = _sorted_out(clauses, ordinal)
    if any(re.match(r"第\d", k) for k in own):  # (一个, 第2个, 还有一个 → 第1个 … 第3个)
        own = {(f"第{k}{n[-1]}" if _INDEFINITE.fullmatch(n) or n.startswith("第") else n): v
               for k, (n, v) in enumerate(own.items(), 1)}
        label = {n: n for n in own}
    if len(own) < 2 or any(_A_GROUP.match(c) for c in head[1:]):
        return None  # (两家拿了省级…，一家拿了国家级: groups counted part by part)
    names = list(own)
    # B有3家 after A有4家在孵企业升高企: a terse clause repeats the first recipient's
    # clause with a figure, with its own number
    model = next((c for c in own[names[0]] if _ITEM.search(_unnamed(c).replace(names[0], "", 1))
                  and not _terse(c, names[0])), "")
    # (the names' own numerals, 一家/另一家, are kept out of the figures restated)
    parts = ["，".join(_restated(c, n, _levelled(c, _carrier_model(c, model)), names[0])
                      if model and _terse(_unnamed(c), n) else c for c in own[n]) for n in names]
    if names[0].startswith("第"):  # (一个是市级孵化器 → 这个是…: one, not a count of one)
        parts = [re.sub(f"^(?:{_INDEFINITE.pattern})", lambda m: "这" + m.group()[-1], p)
                 for p in parts]
    # 我们有两个孵化器: the recipients' count is left out (each part speaks of one), its
    # noun named with a bare letter (A是市级的 → A孵化器是市级的)
    counted = [(c, m) for c in head for m in [_COUNT.search(c)]
               if m is not None and parse_int(m.group(1)) == len(names)]
    shared = list(head)
    noun = ""
    if counted:
        clause, m = counted[0]
        kind = _NOUN.match(clause[m.end():])
        # 三家企业 → 1家企业 (who applies stays read); 两个孵化器 → 孵化器 (a count of one
        # would be read as the incubatees')
        one = "1家" if kind is not None and kind.group(1) in ("企业", "公司", "厂") else ""
        shared[head.index(clause)] = clause[:m.start()] + one + clause[m.end():]
        noun = kind.group() if kind is not None else ""
    if _ON_BEHALF.search("，".join(head)):
        # 我是做科技中介的，帮三家客户问下2020年购买技术的奖励：A公司…: each recipient
        # asks for itself (the asker's kind and its asking on their behalf left out)
        shared = [_ON_BEHALF.sub("", c) for c in shared if not _ASKER_SAID.match(c)]
        shared = [c for c in shared if c]
    if noun:  # 市级那个 (two 孵化器 counted): 市级孵化器
        parts = [p.replace(n, n[:-2] + noun, 1) if _BY_PLACE.search(n) else p
                 for n, p in zip(names, parts, strict=True)]
    if noun:  # (a letter said with its noun, 甲孵化器, keeps it)
        parts = [p if label[n] != n or _BY_PLACE.search(n) else
                 re.sub(rf"(^|，)((?:19|20)\d\d\s*年)?{re.escape(n)}(?!{re.escape(noun)})",
                        rf"\1\2{n}{noun}", p) for n, p in zip(names, parts, strict=True)]
    # (市里对这两个升级一共给多少: each recipient's question speaks of one)
    tail = [_POINTED_COUNT.sub(r"\1\3", c) for c in tail]
    return Recipients(tuple(label[n] for n in names),
                      tuple("，".join([*shared, p, *tail]) for p in parts), tuple(parts))


def _sorted_out(clauses: list[str], ordinal: bool
                ) -> tuple[list[str], dict[str, list[str]], list[str], dict[str, str]]:
    """(the clauses before the first recipient, each recipient's clauses, those said of
    every recipient, each recipient's label: A → A孵化器 when a clause names its noun)."""
    head: list[str] = []
    own: dict[str, list[str]] = {}
    tail: list[str] = []
    label: dict[str, str] = {}
    year = ""
    for clause in clauses:
        m = _NAMED.match(clause)
        if m is not None:
            letter = m.group("o") or m.group("p") or m.group("n") or m.group("b")
            if ordinal and m.group("o") and letter in own:
                letter = f"第{len(own) + 1}{letter[-1]}"
            label.setdefault(letter, letter + (m.group("noun") or ""))
            year = m.group(1) or year
            own.setdefault(letter, []).append(clause if m.group(1) or not year else year + clause)
            continue
        if not own:
            head.append(clause)
        elif _ASKS.search(clause) or _ALL.match(clause):
            tail.append(clause)  # (都在孵化期内: said of every recipient)
        elif (carrier := _carried_by(clause, own)) and carrier != list(own)[-1]:
            # 2021年孵化器里3家…，众创空间里也有2家: the one its carrier names, that year
            own[carrier].append(clause if _YEAR_OPENS.match(clause) or not year
                                else year + clause)
        else:
            own[list(own)[-1]].append(clause)  # the recipient's statement goes on
        if own and (opens := _YEAR_OPENS.match(clause)) is not None:
            year = opens.group()  # (a recipient's year, not the head's 2022年的情况)
    return head, own, tail, label


# the carriers a recipient is (一个是市级孵化器，一个是众创空间): a later clause naming one
# of them only (众创空间里也有2家升了) goes on about that recipient
_YEAR_OPENS = re.compile(r"(?:19|20)\d\d\s*年")
_CARRIER = re.compile(r"孵化器|众创空间|星创天地|加速器|大学科技园|技术创新中心|实验室|研究院"
                      r"|基地|平台")


def _carried_by(clause: str, own: dict[str, list[str]]) -> str:
    """The one recipient whose first clause names the carrier ``clause`` names, else ''."""
    said = set(_CARRIER.findall(clause))
    whose = [n for n, cs in own.items() if said & set(_CARRIER.findall(cs[0]))]
    return whose[0] if len(whose) == 1 else ""


# 乙、丙各获得省技术市场奖励: each of the letters named together
_TOGETHER = re.compile(r"^((?:19|20)\d\d\s*年)?([甲乙丙丁戊]|[A-H])((?:[、和与及][甲乙丙丁戊A-H])+)"
                       r"(?:都|也|各自|各)+(.+)$")


# 区里两家市级孵化器2022年一家有8家…: the first recipient named inside a clause, after the
# year the recipients share
_NAMED_AFTER_YEAR = re.compile(r"(?<=年)(?=(?:一家|一个)(?:有|是|的|在|也|还))")


def _each_named(clauses: Iterable[str]) -> Iterator[str]:
    """The clauses, one naming several recipients together said once per recipient, one
    whose first recipient is named after its year (两家孵化器2022年一家有8家…) split there."""
    for clause in clauses:
        if (inner := _NAMED_AFTER_YEAR.search(clause)) is not None:
            yield clause[:inner.start()]
            clause = clause[inner.start():]
        m = _TOGETHER.match(clause)
        if m is None:
            yield clause
            continue
        for letter in (m.group(2), *re.findall(r"[甲乙丙丁戊A-H]", m.group(3))):
            yield f"{m.group(1) or ''}{letter}{m.group(4)}"


def _restated(clause: str, name: str, model: str, first: str) -> str:
    """A recipient's terse clause (另一家有15家) said as the first recipient's model clause
    (一家市级孵化器有8家在孵企业升了高企) with its own figures, under its own name."""
    if clause.startswith(name) and model.startswith(first):
        return name + restate(clause[len(name):], model[len(first):])
    return restate(clause, model.replace(first, name, 1))


def _carrier_model(clause: str, model: str) -> str:
    """The model clause (2021年市级孵化器里3家…升了高企) with the carrier a terse clause
    names (众创空间里也有2家升了) in its carrier's place, its level with it."""
    mine, theirs = _CARRIER.search(clause), _CARRIER.search(model)
    if mine is None or theirs is None or mine.group() == theirs.group():
        return model
    level = _LEVEL_BEFORE.search(model[:theirs.start()])
    at = level.start() if level is not None else theirs.start()
    return model[:at] + clause[:mine.end()] + model[theirs.end():]


# the level a recipient's terse clause names (一个市级的有4家 after 一个国家级的有13家…)
_LEVEL = re.compile(r"(?:国家级|省级|市级|区级|县级)的?")


def _levelled(clause: str, model: str) -> str:
    """The model clause with the level a terse clause names in the model's level's place
    (一个国家级的有13家在孵企业认定高企 → 市级的有13家在孵企业认定高企 for 一个市级的有4家);
    its figures are then the terse clause's own."""
    mine, theirs = _LEVEL.search(clause), _LEVEL.search(model)
    if mine is None or theirs is None:
        return model
    return model[:theirs.start()] + mine.group() + model[theirs.end():]


_LEVEL_BEFORE = re.compile(r"(?:国家级|省级|市级|区级|县级)?[^，,。；;年里]{0,6}?$")


def _unnamed(clause: str) -> str:
    """``clause`` without the indefinite naming its recipient (一个是众创空间 → 是众创空间)."""
    return re.sub(f"^(?:{_INDEFINITE.pattern})", "", clause)


def _terse(part: str, name: str) -> bool:
    """Whether a recipient's part says only a number (B有3家, 乙也是2项)."""
    rest = re.sub(_LEVEL.pattern + r"|(19|20)\d\d\s*年|" + _FIGURE
                  + r"|升了|升|过了|通过了|拿了|评上了|获批了|了"
                  r"|[有是的也还共]", "", _NOUN.sub("", part.replace(name, "", 1), 1)
                  if _NOUN.match(part.replace(name, "", 1).lstrip("0123456789年 ")) else
                  part.replace(name, "", 1))
    # (一个是市级孵化器: the name's own numeral is no figure)
    return bool(_ITEM.search(_YEAR_OPENS.sub("", part.replace(name, "", 1)))) and len(rest) < 2


def _listed(text: str) -> Recipients | None:
    m = _LIST.search(text)
    if m is None:
        return None
    figures = [f.group(0) for f in _ITEM.finditer(m.group(1))]
    if len(figures) < 2:
        return None
    count = None
    for c in _COUNT.finditer(text, 0, m.start()):
        if parse_int(c.group(1)) == len(figures):
            count = c  # the last count before the list that has as many recipients
    if count is None:
        return None
    # the count is left out (两个市级孵化器 → 市级孵化器): one recipient is spoken of
    head = text[:count.start()] + text[count.end():m.start()]
    tail = text[m.end():]
    said = m.group(0)[:m.start(1) - m.start()].removeprefix("分别")
    kind = _NOUN.match(text[count.end():])
    heads = _described(head, len(figures), kind.group(1) if kind is not None else "")
    return Recipients(tuple(f"第{k}{count.group(2)}" for k in range(1, len(figures) + 1)),
                      tuple(f"{h}{said}{figure}{tail}"
                            for h, figure in zip(heads, figures, strict=True)))


# 一个市级 一个区级 一个省级 (then 分别有3家、5家、2家): each recipient described in turn
_ONE_EACH = re.compile(r"(?:一个|一家|一所)(?:是)?([\u4e00-\u9fff]{1,8}?)的?"
                       r"(?=[\s，,、；;]|$|一个|一家|一所)")


def _one(description: str, noun: str) -> str:
    """One recipient described: 这个国家级孵化器, or 这个孵化器是区级的 for a level below
    any a title is of (read so by knowledge.reading.denied)."""
    if noun and not re.match(r"区|县|镇|园区|校", description):
        return f"这个{description}{noun}"  # (held, not news: knowledge.reading.scope)
    return f"这个{noun}是{description}的"


def _described(head: str, n: int, noun: str) -> list[str]:
    """``head`` once per recipient, the list describing them one by one (一个市级 一个区级
    一个省级) replaced by the recipient's own description with the recipients' noun (这个市级
    孵化器); ``head`` n times when it describes no one in turn."""
    found = list(_ONE_EACH.finditer(head))
    for k in range(len(found) - n + 1):
        run = found[k:k + n]
        if all(re.fullmatch(r"[\s，,、；;]*", head[a.end():b.start()])
               for a, b in itertools.pairwise(run)):
            start, end = run[0].start(), run[-1].end()
            return [head[:start] + _one(d.group(1), noun) + head[end:] for d in run]
    return [head] * n


def compose_recipients(text: str, estimate_one: Callable[[str], Estimate],
                       places: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
                       ) -> Estimate | None:
    """The estimates of each recipient's question put together, each item labelled with
    its recipient (第1家：…); None when the question lists no figure per recipient.
    ``places``: the city's own places and those elsewhere; a recipient its own words
    place elsewhere only (还有一家在青岛的200万) gets nothing, said so."""
    found = recipients(text)
    if found is None:
        return None
    parts = [estimate_one(q) for q in found.questions]
    items: list[Item] = []
    missing: list[str] = []
    warnings: list[str] = []
    home, elsewhere = places
    for k, (name, part) in enumerate(zip(found.names, parts, strict=True)):
        own = found.said[k] if k < len(found.said) else ""
        if any(p in own for p in elsewhere) and not any(p in own for p in home):
            warnings.append(f"您说“{own}”：不在威海，不享受本市奖励，未计入。")
            continue
        for item in part.items:
            if item.outcome == "ineligible" and any(
                    i.rule_id == item.rule_id and i.outcome == "ineligible" for i in items):
                continue
            items.append(replace(item, label=f"{name}：{item.label}"))
        missing += [n for n in part.missing if n not in missing]
        warnings += [w for w in part.warnings if w not in warnings]
    note = f"{SPLIT_NOTE}（{'、'.join(found.names)}），上限各自适用，再相加"
    return replace(parts[0], items=tuple(items), missing=tuple(missing),
                   warnings=(note, *warnings))


def is_split(estimate: Estimate) -> bool:
    """Whether ``estimate`` was computed recipient by recipient."""
    return any(w.startswith(SPLIT_NOTE) for w in estimate.warnings)
