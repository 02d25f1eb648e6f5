"""One form for every question before it is read: script, width and spacing.

A number corrected as it is typed (有5家 不对 是3家) is read once, as corrected.

Owners type traditional characters (a phone set to 繁體, a visitor from Hong Kong or
Taiwan), full-width digits and letters (Chinese input methods), and odd spaces.  The
policies, the vocabulary and the index are in simplified characters with ASCII digits,
so a question is converted once, here, before extraction and retrieval both read it.

Traditional → simplified uses OpenCC's ``t2s`` tables (``opencc-python-reimplemented``,
pure Python); it is the identity on simplified text — every seed policy and every canned
question converts to itself (``tests/knowledge/reading/test_normalize.py``).

Homophone misspellings of domain terms (孵华器 → 孵化器) are then repaired by pinyin
(:mod:`knowledge.reading.typos`).
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

from knowledge.numerals import parse_int
from knowledge.reading.dictation import dictated
from knowledge.reading.typos import TermMap, repair_typos

# Full-width ASCII digits and letters → ASCII; punctuation is left alone (the cleaner
# and the tokenizer treat full-width punctuation as the norm).
_WIDTH = {code: code - 0xFEE0 for start, end in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A),
                                                 (0xFF41, 0xFF5A))
          for code in range(start, end + 1)}
_WIDTH[0x3000] = 0x20  # ideographic space


# Financial (capital) numerals as everyday ones: 伍拾万元 is 五十万元.
_CAPITAL = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟", "一二三四五六七八九十百千")
# 80w / 80W (万) and 5k (千) as owners type amounts on a phone; a letter after them means
# a word (80wh), not an amount.
_LATIN_UNIT = re.compile(r"(?<=\d)\s*([wWkK])(?![A-Za-z])")


# 0.2个亿 / 两个亿 / 半个亿 / 一个半亿 as owners say them: 0.2亿, 两亿, 0.5亿, 1.5亿
_GE_YI = re.compile(r"(?<=[0-9一二两三四五六七八九十几])个(?=亿)")
_HALF_YI = re.compile(r"(?:([0-9]+|[一两二三四五六七八九])个"
                      r"|(?<![0-9一两二三四五六七八九十大多]))半个?亿")


def _half_yi(m: re.Match[str]) -> str:
    whole = parse_int(m.group(1)) if m.group(1) else 0
    return m.group() if whole is None else f"{whole}.5亿"


# 花了两百八 / 合同额一千二 as owners say an amount of 万: 两百八十万, 一千二百万 (only after
# the words that state an amount, and with no unit or figure after)
_BARE_WAN = re.compile(r"(花了|花费|合同额|合同金额|合同|成交额|交易额|金额|登记了|投入了?|总额"
                       r"|总共|一共)(是|为|有)?([一二两三四五六七八九])([百千])([一二三四五六七八九])"
                       r"(?![十百千万亿元0-9一二三四五六七八九零家项个件份年月号多来])")


def _bare_wan(m: re.Match[str]) -> str:
    below = "十" if m.group(4) == "百" else "百"
    return f"{m.group(1)}{m.group(2) or ''}{m.group(3)}{m.group(4)}{m.group(5)}{below}万"


def _units(text: str) -> str:
    text = _NOTHING_PAID.sub(lambda m: f"{m.group(2)}了0元", text)
    text = _BARE_WAN.sub(_bare_wan, _GE_YI.sub("", _HALF_YI.sub(_half_yi, text)))
    return _SPOKEN_COUNT.sub(_counted, _LATIN_UNIT.sub(
        lambda m: "万" if m.group(1) in "wW" else "千", text))


# 省里一分钱没拨 / 一分钱都没给: an amount of nothing, said as such (拨了0元)
_NOTHING_PAID = re.compile(r"一分钱?(?:都|也)?(没有?|未|不)(拨|给|发|补|奖)")


# 俩/仨 as owners say them (俩镇, 仨在孵企业, 他们俩): two and three of something
_SPOKEN_COUNT = re.compile(r"(俩|仨)([个家项件份])?")


def _counted(m: re.Match[str]) -> str:
    number = "两" if m.group(1) == "俩" else "三"
    return number + (m.group(2) or "个")


# A year in two digits as owners type it (19年买技术, 21年12月签的): 2019, 2021.  A span of
# years (超过10年, 孵化期3年内, 满20年) is no date: only 15–39, not after a word of measure
# and not before one of duration.
_SHORT_YEAR = re.compile(r"(?<![\d.])(?<!超过)(?<!满)(?<!近)(?<!第)(?<!每)(?<!有)(?<!了)(?<!达)"
                         r"(1[5-9]|[23]\d)(?=年(?!内|以上|以下|多|来|之内|左右|期|限|以内|的时间))")


# A list or range of years said once (2019和2020两年都优秀, 2020、2021、2022每年, 2019到
# 2022年): each year written as one (2019年和2020年), so each is read as its own.
_YEAR_LISTED = re.compile(r"(?<!\d)((?:19|20)\d\d)(?![\d年])(?=\s*(?:[、和与及,，]|到|至)\s*"
                          r"(?:19|20)\d\d)")
_YEAR_LAST = re.compile(r"(?<=[\d年][、和与及,，])((?:19|20)\d\d)(?![\d年万元])")


# a year in Chinese digits (二〇二〇年, 二零一九年)
_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"二[〇零○][〇零○一二三四五六七八九]{2}(?=年)")
# …and in two (二〇年买技术, 一九年认定的): 2020, 2019, as _SHORT_YEAR
_CN_SHORT_YEAR = re.compile(r"(?<![〇零○一二三四五六七八九十百千两第近满每])"
                            r"(一[五六七八九]|[二三][〇零○一二三四五六七八九])"
                            r"(?=年(?!内|以上|以下|多|来|之内|左右|期|限|以内|的时间))")


# A year said bare in a terse message (高企：2019首次认定；2022重新认定 / 省级 2019；国家级
# 2023年6月): a year with no unit, number or date part after it is a year.
_BARE_YEAR = re.compile(r"(?<![\d.\-/+＋])(20[0-3]\d)"
                        r"(?![\d年万元亿千百.%％\-—–~～/:：件项家个份号月日次人])")


# a month in Chinese digits after its year (大前年三月份, 2023年十一月): 3月份, 11月
_CN_MONTH = re.compile(r"(?<=年)(十[一二]?|[一二三四五六七八九])(?=月)")


# The year the owner's unit was founded (2014年成立, 2008年在乳山市注册成立的, 成立于2005年):
# part of its profile, no event of an award and no date asked about — said without it.  A
# title founded (2019年成立了技术创新中心) keeps its year.
_FOUNDED = re.compile(r"(?<!\d)(?:19|20)\d\d\s*年(?:\d{1,2}\s*月份?)?(?=(?:在[^，,。；;\s]{1,10}?)?"
                      r"(?:注册)?(?:成立|创立|创办|建厂|办厂|注册|开业)(?:的|了)?(?:[，,。；;！!\s]|$))")
_FOUNDED_IN = re.compile(r"(成立|注册|创办|创立)于(?:19|20)\d\d\s*年(?:\d{1,2}\s*月份?)?")


# a date typed with a dot or a slash (23.2国家级, 2020.5认定, 20/5): its year and month (not
# an amount, 1.5亿, 12.5万, nor a share, 2.5%)
_DOTTED = re.compile(r"(?<![\d.])(20[1-3]\d|1[5-9]|[23]\d)[./](1[0-2]|0?[1-9])"
                     r"(?![\d.]|\s*(?:[万亿元%％倍wWkK千百]|个亿))")


def _dotted(m: re.Match[str]) -> str:
    year = m.group(1) if len(m.group(1)) == 4 else "20" + m.group(1)
    return f"{year}年{int(m.group(2))}月"


def _years(text: str) -> str:
    text = _DOTTED.sub(_dotted, text)
    text = _CN_MONTH.sub(lambda m: str(parse_int(m.group()) or m.group()), text)
    text = _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group()), text)
    text = _CN_SHORT_YEAR.sub(lambda m: "20" + "".join(_CN_DIGITS[c] for c in m.group()), text)
    text = _SHORT_YEAR.sub(lambda m: "20" + m.group(1), text)
    text = _YEAR_LISTED.sub(lambda m: m.group(1) + "年", text)
    text = _YEAR_LAST.sub(lambda m: m.group(1) + "年", text)
    text = _BARE_YEAR.sub(lambda m: m.group(1) + "年", text)
    return _FOUNDED_IN.sub(r"\1", _FOUNDED.sub("", text))


# An owner correcting a number as they type (有5家 不对 是3家 / 3个镇，更正一下，是2个镇 /
# 一开始我报的是2项 不对 是4项 / 三家，哦不，四家): the number said last replaces the one
# corrected, and the correction is taken out, so every reader sees one figure.
_NUM = r"(\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"
_UNIT = r"(家|个|项|件|份|次|万元|万|元|亿)?"
_CORRECTION = re.compile(
    # (2020年…有三家，哦不，四家: the number nearest the correction, no other between)
    _NUM + r"\s*" + _UNIT + r"([^，。；！？,;!?\d一二两三四五六七八九十百千]{0,14}?)[，,\s]*"
    r"(?:哦|噢|呃|啊|额)?[，,\s]*"
    r"(?:哦不|噢不|啊不|呃不|不不|不对|更正一下|更正|纠正一下|说错了|写错了|打错了|口误)"
    r"[，,\s]*(?:应该|其实|实际)?"
    r"(?:是|为)?\s*" + _NUM + r"\s*" + _UNIT)
# a date corrected as it is typed (2023年2月，不对，是2023年3月): the date said last
# (…or a year or a level: 前年……不对，是去年 / 国家级，啊不对，省级的)
_DATE = (r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月份?(?:\s*\d{1,2}\s*[日号])?|\d{4}\s*年"
         r"|大前年|前年|去年|今年|明年|国家级|省级|市级")
_DATE_CORRECTION = re.compile(
    r"(" + _DATE + r")[，,\s…。.]*(?:哦|噢|呃|啊|额)?[，,\s]*"
    r"(?:哦不|噢不|啊不|呃不|不不|不对|更正一下|更正|纠正一下|说错了|写错了|打错了|口误)"
    r"[，,\s]*(?:应该|其实|实际)?"
    r"(?:是|为)?\s*(" + _DATE + r")")
_DATE_UNIT = re.compile(r"\s*[年月日号]")


_MARK = re.compile(r"[，,\s]*(?:哦|噢|呃|啊|额)?[，,\s]*(?:哦不|噢不|啊不|呃不|不不|不对"
                   r"|更正一下|更正|纠正一下|说错了|写错了|打错了|口误)[，,\s]*(?:应该|其实|实际)?"
                   r"(?:是|为)?\s*")
_NUMBER = re.compile(_NUM)


def _phrase_corrected(text: str) -> str:
    """A phrase said again corrected (6家过了4家没过 哦说错了 是7家过了3家没过): the one
    before the correction, of the same words with other numbers, is taken out."""
    for m in reversed(list(_MARK.finditer(text))):
        said = re.match(r"[^，。；！？,;!?\s]+", text[m.end():])
        if said is None or len(_NUMBER.findall(said.group())) < 2:
            continue
        shape = "".join(_NUM if n else re.escape(w) for w, n in (
            (p, i % 2) for i, p in enumerate(_NUMBER.split(said.group())) if p or i % 2))
        if (before := re.search(shape + "$", text[:m.start()])) is not None:
            text = text[:before.start()] + text[m.end():]
    return text


def _corrected(text: str) -> str:
    text = _phrase_corrected(_DATE_CORRECTION.sub(lambda m: m.group(2), text))
    out, last = [], 0
    for m in _CORRECTION.finditer(text):
        first_unit, said_unit = m.group(2) or "", m.group(5) or ""
        if first_unit and said_unit and first_unit != said_unit:
            continue  # another quantity (3家…不对…5万): left as said
        if _DATE_UNIT.match(text, m.end(1)) or _DATE_UNIT.match(text, m.end(4)):
            continue  # a part of a date (2月…是2023年): not a count
        end = m.end()
        between = m.group(3)
        noun = next((between[:k] for k in range(len(between), 0, -1)
                     if text.startswith(between[:k], end)), "")
        # (是2个镇: the noun said again after the new number is the one already there)
        out += [text[last:m.start()], m.group(4), first_unit or said_unit, between]
        last = end + len(noun)
    return "".join(out) + text[last:]


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters as simplified ones; simplified text unchanged."""
    return str(_converter().convert(text)) if text else text


def normalize_question(text: str, terms: TermMap | None = None) -> str:
    """Simplified script, ASCII digits and letters, single spaces, domain terms spelt right.

    ``terms``: the typo map of the loaded knowledge (:func:`~knowledge.reading.typos.
    build_term_map`); None: the package vocabulary's.
    """
    text = _DASH.sub("，", _asked_after_arrow(
        to_simplified(text.translate(_WIDTH)).translate(_CAPITAL)))
    text = _SLASH.sub("，", _ASIDE.sub(lambda m: f"，{m.group(1)}，", text))
    text = re.sub(r"，{2,}", "，", _PART_IN_BRACKETS.sub(lambda m: f"，{m.group(1)}，", text))
    # (升国家级+3家升高企 / 技先&省奖 / 2000w+300w: one more fact)
    text = _PLUS.sub("，", _units(" ".join(_TIMES.sub(r"\1个", text).split())))
    text = _LED_LEVEL.sub("牵头的", text)
    # (a dictated run with no commas: its spoken clauses parted as typed ones are)
    return dictated(repair_typos(_corrected(_years(text)), terms))


# 国孵(2020) + 4家在孵升高企 → 市里共? / … → ?: the facts, an arrow, the sum asked
_ARROW = re.compile(r"\s*(?:→|⟶|⇒|➡️?|-{1,2}>|=>)\s*")
_SUM_AFTER_ARROW = re.compile(r"(?:(?:19|20)\d\d\s*年|[今去前明]年)?(?:威海)?"
                              r"(?:市里|市级|市财政|市)?"
                              r"(?:共|合计|一共|总共|总计|共计)?"
                              r"(?:能|可以|可|应|该)?(?:再|还)?(?:给|拿|奖|补|奖励|补助|奖补|配套|兑现|得|拿到)?"
                              r"(?:多少)?\s*[?？]?\s*$")


def _asked_after_arrow(text: str) -> str:
    """Arrows as commas, and a sum asked in a word or two after the last one (→ 市里共? /
    → ?) as the question it is (市里共多少？)."""
    parts = _ARROW.split(text)
    if len(parts) < 2:
        return text
    tail = parts[-1]
    if _SUM_AFTER_ARROW.fullmatch(tail):
        said = tail.strip().rstrip("?？").removesuffix("多少")
        parts[-1] = (said or "能拿") + "多少？"
    return "，".join(p for p in parts if p.strip())


# 企业牵头市级2个: 牵头 straight before a level is 牵头的 (the level of what it leads)
_LED_LEVEL = re.compile(r"牵头(?=国家级|省级|市级)")
# 企业牵头市级×2 / 省级x3: a count written as a multiplication (两个)
_TIMES = re.compile(r"(?<=[\u4e00-\u9fff）)])\s*[×xX*]\s*(\d{1,2})(?![\d万元.])")


# facts joined by a sign as typed on a phone (国家级+3家在孵升高企, A&B): one more fact
_PLUS = re.compile(r"(?<=[\u4e00-\u9fff\d）)])\s*[+＋&＆]\s*(?=[\u4e00-\u9fff\d（(])")  # (not R&D)
# a dash between the facts and the question (…2023年6月 — 合计？ / …——补助？), not a range
_DASH = re.compile(r"\s+[—–-]{1,2}\s*|\s*[—–]{1,2}\s+|\s*——\s*")
# a statement of another time said in brackets (技创中心(2023年已拿过市级的钱)明年升省级): a
# clause of its own, the message going on after it (not a label: (市级), (2020), (省拨80万),
# (就促成了这1项); not a remark closing its clause: …没批下来（2019年已经是省级了）；)
_ASIDE = re.compile(r"[（(]((?=[^（）()]*(?:(?:19|20)\d\d\s*年|[今去前]年)"
                    r"[^（）()]*[\u4e00-\u9fff]{2})[^（）()]{4,24})[）)](?=\s*[\u4e00-\u9fff\d])")
# facts parted by a slash with a space (今年申报国孵没批 / 只拿下省品牌孵化器), not 省级/国家级
_SLASH = re.compile(r"\s+/\s*|\s*/\s+")
# a part said in brackets (2021年3家（其中1家超过3年）): said as a clause of its own
_PART_IN_BRACKETS = re.compile(r"[（(]((?:其中|包括|含)[^（）()]*)[）)]")


def written_out(text: str, short_forms: tuple[tuple[str, str], ...]) -> str:
    """``text`` with the vocabulary's short forms of titles written out (国孵 → 国家级科技企业
    孵化器); one inside its title already (众创空间, 技术转移示范机构) is left."""
    for short, title in short_forms:
        if short not in text:
            continue
        inside = [(m.start(), m.end()) for m in re.finditer(re.escape(title), text)]
        out, last = [], 0
        for m in re.finditer(re.escape(short), text):
            if not any(a <= m.start() < b for a, b in inside):
                out += [text[last:m.start()], title]
                last = m.end()
        text = "".join(out) + text[last:]
    return text
