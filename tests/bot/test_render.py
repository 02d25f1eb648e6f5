"""Templates: money formatting, escaping in HTML, plain text for the terminal."""

from __future__ import annotations

from datetime import date

import pytest

from bot.conversation.presenter import (
    AnswerView,
    answer_html,
    answer_text,
    present,
    shown_offices,
)
from bot.render import format_yuan, html_env, render_text, text_env
from index.answering.answer import Answer, AnswerHit, Responsible
from index.answering.engine import Engine


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


def _view(answer: Answer) -> AnswerView:
    return present(answer, shown_offices(answer.hits))


def test_unmatched_answer_is_honest_and_dated() -> None:
    answer = Answer(question="签证", text="签证", matched=False, as_of=date(2026, 11, 24),
                    verdict="refuse")
    text = answer_text(_view(answer))
    assert "没有找到" in text and "2026-11-24" in text


def test_expired_hit_names_its_end_date() -> None:
    hit = AnswerHit(title="三年行动计划", doc_number="威科字〔2018〕58号",
                    clause_path="二、（三）2.", text="按20%给予奖励", score=0.5,
                    in_force=False, validity="expired", effective_from=date(2018, 11, 10),
                    effective_until=date(2021, 11, 10), headings=(),
                    responsible=Responsible(units=("市科技局",)))
    answer = Answer(question="q", text="q", matched=True, as_of=date(2026, 11, 24),
                    hits=(hit,))
    text = answer_text(_view(answer))
    assert "已失效（有效期至 2021-11-10）" in text
    assert "条款 二、（三）2." in text and "可咨询：市科技局" in text


def test_missing_template_variable_fails_loudly() -> None:
    with pytest.raises(Exception, match="undefined"):
        render_text("answer.txt.j2")


def _estimate(*items: dict[str, object]) -> dict[str, object]:
    return {"as_of": "2026-06-01", "total_yuan": 0, "items": list(items), "missing": [],
            "warnings": []}


def _item(**changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "rule_id": "r1", "label": "国家级国际合作基地", "outcome": "eligible",
        "amount_yuan": 1_000_000, "explanation": "给予100万元奖励。", "in_force": False,
        "effective_until": None,
        "citations": [{"doc_number": "威政办字〔2018〕107号", "clause_path": "二、（四）1.",
                       "quote": "给予100万元奖励"}]}
    item.update(changes)
    return item


MARINE_SENTENCE = "对新认定的市级海洋牧场科技创新中心，给予一次性补助80万元。"


def _tg_block(estimate: dict[str, object]) -> str:
    template = html_env().from_string(
        '{% import "tg_macros.j2" as m %}{{ m.estimate_block(e) }}')
    return template.render(e=estimate)


@pytest.mark.parametrize(
    ("changes", "text_flag", "tg_flag"),
    [
        ({"validity": "not_yet"}, "【文件尚未施行】", "⏳ 依据文件尚未施行，不计入合计"),
        ({"effective_until": "2027-01-01"}, "【文件尚未施行】", "⏳ 依据文件尚未施行，不计入合计"),
        ({"validity": "expired", "effective_until": "2021-11-10"}, "【文件已失效】",
         "⚠️ 依据文件已失效，不计入合计"),
        ({"validity": "superseded", "superseded_by": "威政办字〔2026〕1号"},
         "【文件已被威政办字〔2026〕1号替代】",
         "🔁 依据文件已被威政办字〔2026〕1号替代，不计入合计"),
        ({"validity": "repealed"}, "【文件已废止】", "⛔ 依据文件已废止，不计入合计"),
    ],
    ids=["not-yet", "not-yet-without-validity", "expired", "superseded", "repealed"],
)
def test_estimate_names_why_an_item_is_not_counted(changes: dict[str, object], text_flag: str,
                                                   tg_flag: str) -> None:
    estimate = _estimate(_item(**changes))
    text = render_text("estimate.txt.j2", estimate=estimate)
    html = _tg_block(estimate)
    assert text_flag in text and tg_flag in html
    if "失效" not in text_flag:
        assert "失效" not in text and "失效" not in html


NOT_ENCODED = _item(rule_id="not_encoded:威科发〔2026〕3号#一、#0",
                    label="支持海洋牧场科技创新中心建设",
                    outcome="not_encoded", amount_yuan=None, in_force=True,
                    explanation="尚未编入估算规则，以原文为准", figure="80万元",
                    citations=[{"doc_number": "威科发〔2026〕3号", "clause_path": "一、",
                                "quote": MARINE_SENTENCE}])


@pytest.mark.parametrize(
    ("items", "still_listed"),
    [([NOT_ENCODED], None),
     ([_item(outcome="ineligible", in_force=True, failed=["须国家级"]), NOT_ENCODED],
      "国家级国际合作基地")],
    ids=["only-not-encoded", "after-an-ineligible-rule"],
)
def test_award_no_rule_encodes_is_shown_from_the_clause(
        items: list[dict[str, object]], still_listed: str | None) -> None:
    from bot.conversation.summary import summarize
    from bot.render import render_html

    estimate = _estimate(*items)
    text = render_text("estimate.txt.j2", estimate=estimate)
    assert "支持海洋牧场科技创新中心建设：原文规定80万元（尚未编入估算规则，以原文为准）" in text
    block = _tg_block(estimate)
    assert "📄 原文规定 80万元（尚未编入估算规则，以原文为准）" in block
    assert "没有符合条件" not in block
    phone = render_html("tg_estimate.j2", summary=summarize(estimate), folded=True)
    assert "📄 原文规定 80万元（尚未编入估算规则，以原文为准）" in phone
    assert "没有可申请的奖补" not in phone
    if still_listed:
        assert still_listed in text


@pytest.mark.parametrize(
    ("changes", "shown", "absent"),
    [({"validity": "superseded", "superseded_by": "威政办字〔2026〕1号"},
      "🔁 该政策已被威政办字〔2026〕1号替代", "失效"),
     ({"validity": "not_yet"}, "⏳ 该政策尚未施行", "失效"),
     ({"validity": "expired", "effective_until": "2021-11-10"}, "已于 2021-11-10 失效", "替代")],
    ids=["superseded", "not-yet", "expired"],
)
def test_phone_estimate_names_why_a_lapsed_item_cannot_be_applied_for(
        changes: dict[str, object], shown: str, absent: str) -> None:
    from bot.conversation.summary import summarize
    from bot.render import render_html

    phone = render_html("tg_estimate.j2", summary=summarize(_estimate(_item(**changes))),
                        folded=True)
    assert shown in phone and absent not in phone


OWNER_QUESTION = "我们是高新企业，购买技术花了300万，能补多少？"


@pytest.mark.parametrize(
    ("as_of", "with_engine", "expected", "absent"),
    [
        ("2020-06-01", True,
         ["可申请 1 项，合计约 50万元",
          "申报：向 威海市科学技术局（发文单位） 申报；文件未载明申报时间"],
         ["目前没有", "牵头/责任单位"]),
        ("2020-06-01", False, ["可申请 1 项，合计约 50万元", "申报：向 发文单位 申报"], []),
        ("2024-06-30", True,
         ["目前没有在有效期内的奖补",
          "【文件已失效】该政策已于2021-11-10失效；按当时规定可获50万元，现已不能申请"],
         ["符合条件", "可申请", "申报：向"]),
    ],
    ids=["in-force", "no-engine-no-office-named", "expired"],
)
def test_ask_text_leads_with_the_bottom_line_and_says_where_to_apply(
        hash_engine: Engine, as_of: str, with_engine: bool, expected: list[str],
        absent: list[str]) -> None:
    from datetime import date

    from bot.conversation.presenter import answer_json

    answer = hash_engine.ask(OWNER_QUESTION, as_of=date.fromisoformat(as_of))
    text = answer_json(answer, [], hash_engine if with_engine else None)["answer_text"]
    first = text.splitlines()[0]
    assert first.startswith(("可申请", "目前没有")), text
    for words in expected:
        assert words in text, text
    for words in absent:
        assert words not in text, text
    assert text.index(expected[0]) < text.index("【金额估算】") < text.index("为您找到")


@pytest.mark.slow
@pytest.mark.parametrize(("question", "reason"), [
    ("我们是烟台的公司，2020年从威海的高校买了技术，登记了两百万，能有多少奖励",
     "申报主体须为威海市（我市）的单位"),
    ("2020年我们买技术合同150万，都没登记，能奖多少", "您说“都没登记”"),
])
def test_a_zero_with_one_reason_says_the_reason(engine: Engine, question: str,
                                                reason: str) -> None:
    # the Telegram reply says it in full (the terminal's answer lists every item anyway)
    html = answer_html(_view(engine.ask(question)))
    assert "不适用：企业购买技术" in html and reason in html and "点“展开”查看" not in html
