"""A title said as one the asker holds, not as news: where the asker's news is (我们国家级
孵化器里…), what it runs (运营一个国家级孵化器, 国孵(我们运营)), or what it is (我们是国家级
孵化器) when only one year's events are asked about."""

from __future__ import annotations

import re

from knowledge.reading.scope import clause_at, clause_start

__all__ = ["held_status"]

# a title said as where the asker's news is (我们国家级孵化器里…): held, not now
_NEWS_AFTER = re.compile(r"[，,]?((?:19|20)\d\d\s*年|今年|去年|前年)?[，,]?(一共|共)?"
                         r"(有|在孵的?|在孵企业中?有?)[0-9一二两三四五六七八九十]")
_STANDING_BEFORE = re.compile(r"(?:(我们|我司|咱们|本单位|我单位)(公司|单位|集团)?(的|这个|这家)?"
                              r"|(?:^|(?<=[，,\s]))这个)$")  # (这个国家级孵化器，有3家…)
# 我们运营一个国家级孵化器和…: what the asker runs is held, not obtained now
_OTHERS_COUNTED = re.compile(r"[0-9一二两三四五六七八九十]+\s*家")
_OPERATED_BEFORE = re.compile(r"(运营|管理|经营)(着|了)?(一个|一家|两个|的)?$")
# 我们是国家级孵化器，2022年…，这一年能拿多少 / …这两年孵化器一共能拿多少: a question
# about those years' events asks nothing of a title said without a time as what the asker is
_IS_BEFORE = re.compile(r"(我们|我司|咱们|本单位|我单位)(就|本身)?是(一家|一个|个)?$")
_THAT_YEAR = re.compile(r"这一年|这年|当年|那一年|那年|这一轮|这轮|这一批|这[两几]年")
_TIME = re.compile(r"\d{2,4}\s*年|[今去前明]年|\d{1,2}\s*月|刚|新|首次|第一次")


def held_status(text: str, start: int, end: int) -> bool:
    """Whether the title at the span is said as one the asker holds, not as news: where the
    asker's news is (我们国家级孵化器里…), what it runs (运营一个国家级孵化器), or what it
    is (我们是国家级孵化器) when only one year's events are asked about."""
    head = clause_start(text, start)
    clause = clause_at(text, start)
    after = clause[end - head:] if end - head <= len(clause) else ""
    if (said := re.match(r"\s*[（(]([^（）()]{1,12})[）)]\s*", text[end:])) is not None:
        # 国孵(我们运营) 2021年共9家…: what it is to the asker, in brackets after it
        if re.search(r"运营|管理|经营", said.group(1)):
            return True
        after = text[end + said.end():]
    if start == 0 and _NEWS_AFTER.match(after or text[end:]):
        return True  # (国家级孵化器 2021年 在孵的13家升级高企: the holder, then others' news)
    if _STANDING_BEFORE.search(text, head, start):
        # (我们这个国家级孵化器，2020年升了12家高企: the title alone, then the news of others)
        return after[:1] in ("里", "内") or bool(_NEWS_AFTER.match(after)) or (
            not after and bool(_OTHERS_COUNTED.search(text, end)))
    if _OPERATED_BEFORE.search(text, head, start):
        return True
    return bool(_IS_BEFORE.search(text, head, start) and _THAT_YEAR.search(text)
                and not _TIME.search(clause))
