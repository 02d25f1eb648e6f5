"""What a follow-up recalls of the conversation: "that year" (同一年, 那年, a lone month) as
the year the previous question is about, a total asked of one more item (两项合计能拿多少),
an applicant said with its role (由高校牵头), which is no subject of its own, and the
asker placed in the city after a question placing it elsewhere."""

from __future__ import annotations

import re

from knowledge.reading.talk import Talk

__all__ = ["ROLE_VERB", "asks_sum", "in_that_year", "moved_home", "without_roles"]

ROLE_VERB = re.compile(r"牵头|组建|自建|建设|承办|申报|申请")


def without_roles(said: str, talk: Talk) -> str:
    """``said`` without the applicants it names with their role (由高校牵头, 企业牵头的)."""
    for _, word in sorted(((n, w) for n, ws in talk.applicants.items() for w in ws),
                          key=lambda p: -len(p[1])):
        said = re.sub(re.escape(word) + r"(?=" + ROLE_VERB.pattern + ")", "", said)
    return said


def asks_sum(said: str, talk: Talk) -> bool:
    """Whether a combination word asks the total (两项合计能拿多少), not states a figure
    (成交额一共到了400万)."""
    words = "|".join(re.escape(w) for w in talk.markers("combinations"))
    return bool(words) and bool(re.search(f"(?:{words})[^，,。；;0-9]{{0,4}}?(?:能|多少|几)", said))


_SHORT = 12  # a follow-up this short (characters) leans on the question before
_A_YEAR = re.compile(r"(?:19|20)\d\d\s*年|今年|去年|前年|明年|后年")
_YEAR_SAID = re.compile(r"((?:19|20)\d\d)\s*年")
_LONE_MONTH = re.compile(r"(?<![\d年个])(1[0-2]|[1-9])\s*月份?(?![\d])")


def in_that_year(message: str, previous: str, talk: Talk) -> str:
    """``message`` with "that year" (同一年, 那年, 当年) said as the year the previous
    question is about, when the message names no year of its own."""
    words = sorted(talk.markers("that_year"), key=len, reverse=True)
    years = _YEAR_SAID.findall(previous)
    if not years or _A_YEAR.search(message):
        return message
    for word in words:
        if word in message:
            return message.replace(word, f"{years[-1]}年", 1)
    # 要是5月份才通过呢 (after 2023年3月首次通过…): a month of the year asked about, in a
    # short or supposing follow-up (a question of its own with a month, 3月份首次通过了高企
    # 认定，有奖励吗, is of this year)
    if len(message) > _SHORT and not message.startswith(talk.markers("starts")):
        return message
    return _LONE_MONTH.sub(lambda m: f"{years[-1]}年{m.group(1)}月", message, count=1)


def moved_home(said: str, question: str, talk: Talk) -> str | None:
    """``question`` with the place elsewhere it names (我们是烟台的孵化器) said as the city's
    place the follow-up names (那如果是我们在威海高区设的孵化器呢); None when the follow-up
    names no place of the city or the question none elsewhere."""
    home = next((p for p in sorted(talk.home, key=len, reverse=True) if p in said), "")
    away = next((p for p in sorted(talk.elsewhere, key=len, reverse=True) if p in question), "")
    if not home or not away or talk.elsewhere_named(said):
        return None
    return question.replace(away, home)
