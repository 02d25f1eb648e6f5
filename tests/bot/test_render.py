"""Templates: money formatting, escaping in HTML, plain text for the terminal."""

from __future__ import annotations

import pytest

from bot.render import format_yuan, html_env, render_text, text_env


@pytest.mark.parametrize(
    ("yuan", "text"),
    [(None, "—"), (0, "0元"), (800, "800元"), (150_000, "15万元"), (2_000_000, "200万元"),
     (12_345, "1.2345万元"), (150_000_000, "1.5亿元")],
    ids=["none", "zero", "yuan", "wan", "bai-wan", "fraction", "yi"],
)
def test_format_yuan(yuan: int | None, text: str) -> None:
    assert format_yuan(yuan) == text


def test_html_environment_escapes_and_text_does_not() -> None:
    markup = "<b>孵化器</b> & 众创空间"
    html = html_env().from_string("{{ x }}").render(x=markup)
    assert html == "&lt;b&gt;孵化器&lt;/b&gt; &amp; 众创空间"
    assert text_env().from_string("{{ x }}").render(x=markup) == markup


def test_unmatched_answer_is_honest_and_dated() -> None:
    text = render_text("answer.txt.j2", question="签证", matched=False, as_of="2026-11-24",
                       hits=[], estimate=None, empty=False)
    assert "没有找到" in text and "2026-11-24" in text


def test_expired_hit_names_its_end_date() -> None:
    hit = {"title": "三年行动计划", "doc_number": "威科字〔2018〕58号",
           "clause_path": "二、（三）2.", "validity": "expired",
           "effective_until": "2021-11-10", "text": "按20%给予奖励",
           "responsible": {"lead": [], "units": ["市科技局"]}}
    text = render_text("answer.txt.j2", question="q", matched=True, as_of="2026-11-24",
                       hits=[hit], estimate=None, empty=False)
    assert "已失效，有效期至2021-11-10" in text
    assert "条款 二、（三）2." in text and "可咨询：市科技局" in text


def test_missing_template_variable_fails_loudly() -> None:
    with pytest.raises(Exception, match="undefined"):
        render_text("answer.txt.j2", matched=False)
