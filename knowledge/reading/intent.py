"""What a question asks for (its intent), read deterministically from its wording.

One small pure function, :func:`read_intent`: the engine stores the result on the answer
and the front ends choose what to say first (an amount, a yes/no, an office, a document's
validity…).  The clauses cited are the same whatever the intent.
"""

from __future__ import annotations

import re
from typing import Final

AMOUNT: Final = "amount"  # 能补多少
ELIGIBILITY: Final = "eligibility"  # ……有补助吗 / 能申请吗 / 符合条件吗
OVERVIEW: Final = "overview"  # 能享受哪些政策
OFFICE: Final = "office"  # 找哪个部门 / 向谁申请
MATERIALS: Final = "materials"  # 需要什么材料
DEADLINE: Final = "deadline"  # 什么时候申报
VALIDITY: Final = "validity"  # (文件) 还有效吗
ISSUER: Final = "issuer"  # 哪个部门发的
ISSUED: Final = "issued"  # 什么时候印发的
GENERAL: Final = "general"  # anything else: cited clauses

DOCUMENT_INTENTS: Final = frozenset({VALIDITY, ISSUER, ISSUED})
ESTIMATE_INTENTS: Final = frozenset({AMOUNT, ELIGIBILITY})

# Checked in this order: the first pattern that matches names the intent.
_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    (VALIDITY, re.compile(r"(还|是否|是不是|仍然?|依然)(有效|在有效期)|有效期"
                          r"|(失效|过期|废止|作废)了?(吗|么|没|没有|了没)|是否(失效|过期|废止)"
                          r"|(失效|过期|废止|作废)(时间|日期)|(哪天|什么时候|何时|啥时候)(失效|过期|废止)"
                          r"|(文件|政策|文)[^，。？?]{0,4}(失效|过期|废止)了?"
                          r"|(什么时候|何时|哪天|啥时候|哪年)到期|到期了[吗没]|是否到期"
                          r"|有效吗|有效没有|还能用吗|还适用吗")),
    (ISSUER, re.compile(r"(哪个|哪些|什么)(部门|单位|机关)"
                        r"(发布|印发|发的|出台|制定|下发)"
                        r"|(谁|哪里)(发布|印发|发的|出台|制定|下发)|发文(机关|单位|部门)")),
    (ISSUED, re.compile(r"(什么时候|何时|哪天|哪一?年|几号|啥时候|从哪天|从什么时候)(开始|起)?"
                        r"(发布|印发|出台|发的|下发|制定|施行|实施|执行|生效)"
                        r"|(印发|发布|成文|施行)(日期|时间)")),
    (MATERIALS, re.compile(r"(什么|哪些|啥)(申报|申请)?(材料|资料|手续|证明)"
                           r"|(材料|资料)(有哪些|是什么|要哪些)|准备(些)?什么")),
    (OFFICE, re.compile(r"(找|问|去|向|到|联系)(哪个|哪些|什么|哪一个|哪)(部门|单位|机关|地方|里)"
                        r"|向谁|找谁|(哪个|哪些|什么)(部门|单位)(负责|受理|管|办理|申请|申报)"
                        r"|在哪(里|儿)?(申请|申报|办理)|去哪(里|儿)?(申请|申报|办)|谁(负责|受理)")),
    (DEADLINE, re.compile(r"(什么时候|何时|几月份?|哪天|啥时候|哪个月)(开始)?"
                          r"(申报|申请|报名|受理|截止|开展|组织|评审|评价|启动)"
                          r"|(申报|申请)(时间|期限|截止|截至|日期)|截[止至](时间|日期|是几号|到几号)")),
    (OVERVIEW, re.compile(r"(能|可以|可)?(享受|申请|申报)(哪些|什么)(政策|支持|补助|奖励|优惠)"
                          r"|(哪些|什么)政策.{0,6}(享受|适用|申请)|有哪些政策")),
    (AMOUNT, re.compile(r"多少|几万|金额|额度|最高.{0,4}(补|奖)|(怎么|如何|咋)(分|拆|摊)"
                        # a figure to check (给1000万对吧 / 真的假的): the amount is asked
                        r"|[0-9一二两三四五六七八九十百千]+万(元)?.{0,6}"
                        r"(对吧|对吗|对不对|真的假的|是真的吗|没错吧|是吗|是不是|吧|吗|么)"
                        # 是不是106号和107号各给1000万: the figure asked about
                        r"|(是不是|是否|难道)[^，。？?]{0,14}[0-9一二两三四五六七八九十百千]+万")),
    (ELIGIBILITY, re.compile(r"(有|能有|会有)(没有)?.{0,4}"
                             r"(补助|奖励|补贴|资助|支持|扶持|奖金|配套|奖补|钱|奖|补)(吗|么|没有|没|不)"
                             # 这个3%的补助有吗 / 奖励还有没有: the support first
                             r"|(补助|奖励|补贴|资助|奖补|奖金)(还|也)?(有|能有)(吗|么|没有|没)"
                             r"|(给|奖|补|支持|资助|扶持|认)(吗|么)|(给|发)钱(吗|么|不)"
                             r"|(给不给|奖不奖|补不补|支不支持|认不认|有没有钱)"
                             r"|有没有.{0,6}(补助|奖励|补贴|资助|支持|扶持)"
                             r"|(能|可以|可|能否|能不能|可不可以)(不能)?(申请|申报|享受|拿到|获得)"
                             r".{0,12}(吗|么|\?|？|$)"
                             r"|符合.{0,6}(条件|要求)|够不够.{0,4}(条件|资格)|有(没有)?资格"
                             # 能不能再来20万 / 还能再拿吗: whether it is paid again
                             r"|(能不能|能否|可不可以|还能|还可以)再(来|拿|给|奖|补|领)")),
)


def read_intent(text: str, is_amount_question: bool = False) -> str:
    """The intent of ``text`` (one of the constants above).

    ``is_amount_question`` (the extractor's reading) makes a question an amount question
    unless its wording asks for something more specific first (a document, an office…).
    """
    compact = re.sub(r"\s+", "", text or "")
    if not compact:
        return GENERAL
    for name, pattern in _PATTERNS:
        if name == AMOUNT and is_amount_question:
            return AMOUNT
        if pattern.search(compact):
            return name
    return AMOUNT if is_amount_question else GENERAL


def strip_intent(text: str) -> str:
    """``text`` without the words that name its intent (``找哪个部门``, ``什么材料``…): what
    is left says what the question is about (empty for "这个找哪个部门申请？")."""
    compact = re.sub(r"\s+", "", text or "")
    for name, pattern in _PATTERNS:
        if name != AMOUNT and pattern.search(compact):
            return pattern.sub("", compact, count=1)
    return compact


# "最多能给多少" / "上限是多少": the most an award can be, not a total of certain awards
_CEILING = re.compile(r"(最多|最高|上限|封顶|顶多|至多|最大)[^，。？?]{0,8}"
                      r"(多少|几|能|可以|给|支持|补|奖|拿)|(多少|几)[^，。？?]{0,3}(封顶|上限|为止)"
                      r"|顶格|按最高|都按上限"
                      # 最多呢 / …能拿多少，最多: the most, said alone at the end
                      r"|(?:^|[，,])(最多|最高|上限|封顶|顶多)(的话)?[呢吗啊呀]?[？?。！!]*$")


def asks_ceiling(text: str) -> bool:
    """Whether ``text`` asks for the most an award can be (最多能给多少)."""
    return bool(_CEILING.search(re.sub(r"\s+", "", text or "")))


# a message ending on the sum (一共能拿多少, 一次性能拿多少, 能拿多少一次性奖励): the amount
# is what it asks, whatever words of a kind it holds before (同时拿到A和B, 一次性)
_SUM_ASKED = re.compile(r"((能|可以|可)?(拿|给|奖|补|得|到账|到手)(到|给)?(我们|咱们?|我司|我)?"
                        r"|(一共|总共|合计|加起来|加一起|总计)(下来)?"
                        r"(是|有|能有|能拿|能给|能到账|到手)?)多少(钱|一次性奖励|一次性补助|奖励|补助|资金)?"
                        r"[？?。！!\s]*$")


# kinds whose words a sum question also holds (同时拿到A和B，一共能拿多少; 一次性能拿多少;
# 2022年复核又通过了，一共给多少)
SUM_BEATS: Final = frozenset({"stacking", "payment_timing", "procedure"})


def asks_sum(text: str) -> bool:
    """Whether ``text`` ends by asking how much can be had."""
    return bool(_SUM_ASKED.search(text))


# 省里对国家级技术创新中心另外再奖多少: the amount a higher level pays, asked of the
# province or the state as the one paying (not 省里拨了60万, a grant already made)
_OTHER_PAYER = re.compile(r"(省里|省上|省财政|省级财政|中央|国家层面|国家那边)"
                          r"(对|给|再|另外|自己|还|能|会|一般|又)?[^，。？?市区县万元\d\s]{0,14}?"
                          r"(另外|再|还)?(给|奖|补|拨|配)(多少|几)")


# 区里自己还会再配套吗: the county's own top-up, beyond the city's award
# (省里是不是也有配套的钱: asked as whether)
_OWN_TOP_UP = re.compile(r"(区里|县里|区财政|县财政|区市|省里|国家)(是不是|是否|会不会)?"
                         r"(自己|另外|也)(还|再)?(会|能|要|有)?[^，。？?]{0,6}?(配套|配|给|奖|补)"
                         r"(吗|么|多少|几|不|的钱|钱)")


def asks_other_payer(text: str) -> bool:
    """Whether ``text`` asks what the province, the state or the county itself pays."""
    return bool(_OTHER_PAYER.search(text) or _OWN_TOP_UP.search(text))


# 两个文件都写了500万，能拿两份吗 / 106和107都写了: one award two documents state — the
# estimate says it is paid once, under the document in force
_TWO_DOCUMENTS = re.compile(r"两(个|份)(文件|文|政策)|都写了|也有这条|也写了"
                            r"|\d{2,3}号?(和|跟|与|、)\d{2,3}号|(那个|另一个)文件里?也")


def names_two_documents(text: str) -> bool:
    """Whether ``text`` speaks of the same award in two documents."""
    return bool(_TWO_DOCUMENTS.search(text))
