"""A title said as one the asker holds, not as news (knowledge.reading.held)."""

from __future__ import annotations

import pytest

from knowledge.reading.held import held_status


def _span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


@pytest.mark.parametrize(("text", "phrase", "held"), [
    # what the asker is, when only one year's events are asked about: held
    ("我们是国家级孵化器，2022年在孵企业里有10家升了高企，孵化器这一年能拿多少", "国家级孵化器",
     True),
    # the same without a year asked about, or with a time of its own: news (the goldens)
    ("我们是国家级孵化器，今年有12家在孵企业升级为高新技术企业，能奖多少", "国家级孵化器", False),
    ("我们是2022年新认定的国家级孵化器，这一年能拿多少", "国家级孵化器", False),
    # where the asker's news is, what it runs
    ("我们国家级孵化器里有3家升了高企", "国家级孵化器", True),
    ("我们运营一个国家级孵化器和一个众创空间", "国家级孵化器", True),
    # the asker's title alone in its clause, the news of the others counted after it
    ("我们这个国家级孵化器，2020年孵化期内升了12家高企，能奖多少", "国家级孵化器", True),
    ("我们公司的国家级孵化器，2021年升了4家高企，奖多少", "国家级孵化器", True),
    # alone, with no others counted: news
    ("我们这个国家级孵化器，能奖多少", "国家级孵化器", False),
    # what it is to the asker said in brackets after it (国孵(我们运营)), then the news
    ("国家级科技企业孵化器(我们运营) 2021年共9家在孵升高企", "国家级科技企业孵化器", True),
    ("国家级科技企业孵化器(2020年) 2021年共9家在孵升高企", "国家级科技企业孵化器", False),
])
def test_a_title_held_is_not_news(text: str, phrase: str, held: bool) -> None:
    assert held_status(text, *_span(text, phrase)) is held
