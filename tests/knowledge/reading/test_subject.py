"""A follow-up's subject (knowledge.reading.subject)."""

from __future__ import annotations

import pytest

from knowledge.reading.subject import another_title, points_at_itself, without
from knowledge.reading.talk import default_talk

TALK = default_talk()


def _titles(text: str) -> list[str]:
    return [w for w in ("国家专业化众创空间", "省级技术创新中心", "国家级孵化器") if w in text]


@pytest.mark.parametrize(("said", "before", "another"), [
    ("那国家专业化众创空间呢", "国家级孵化器奖多少钱啊", True),
    ("那省级技术创新中心呢", "企业牵头市级技术创新中心给多少", False),  # a level change
    ("那省级的呢", "国家级孵化器奖多少钱啊", False),  # no title
])
def test_another_title(said: str, before: str, another: bool) -> None:
    assert another_title(said, before, _titles, TALK) is another


@pytest.mark.parametrize(("said", "itself"), [
    ("集团还有个孵化器认定成国家级了这个呢", True),
    ("这个文件还有效吗", False),  # the document answered last
    ("它从哪天开始执行", False),
])
def test_this_one_after_a_subject(said: str, itself: bool) -> None:
    assert points_at_itself(said, TALK) is itself


def test_without_takes_the_longest_words_first() -> None:
    assert without("两笔加一块多少", ["加一块", "一块"]) == "两笔多少"
