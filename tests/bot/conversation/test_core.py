"""The conversation core without Telegram: answers, buttons, settings, admin checks.

The engine is the real one over the real knowledge (hashing embedder), watched by
:class:`recording.RecordingEngine`.
"""

from __future__ import annotations

from datetime import date

import pytest
from knowledge_edits import confirm, unrepeal_107
from recording import RecordingEngine

from bot.conversation.core import Conversation, Who
from bot.conversation.reply import Outcome, Reply
from bot.conversation.store import SQLiteStore

USER = Who(10, 10)


@pytest.fixture
def conv(bot_engine: RecordingEngine, store: SQLiteStore) -> Conversation:
    return Conversation(bot_engine, store, admin_ids=frozenset({99}))


def buttons(outcome: Outcome) -> dict[str, str]:
    return {b.label: b.data for r in outcome.replies for row in r.buttons for b in row}


def test_answer_has_clause_and_estimate_buttons(conv: Conversation) -> None:
    out = conv.text(USER, "技术创新中心有什么支持？")
    found = buttons(out)
    assert set(found) == {"查看原文1", "查看原文2", "查看原文3", "估算金额"}  # 3 hits shown
    assert all(len(d.encode()) < 64 for d in found.values())
    assert "威政办字〔2018〕106号" in out.replies[0].html  # 四、（三） 加快建设技术创新中心
    clause = conv.press(USER, found["查看原文1"])
    assert "对企业牵头组建的市级技术创新中心给予200万元资金补助" in clause.replies[0].html
    assert "…" not in clause.replies[0].html  # the whole clause, not the answer's excerpt
    started = conv.press(USER, found["估算金额"])  # the rules citing the hits
    assert "问题 1" in started.replies[0].html and "创新平台认定" in started.replies[0].html
    assert "列入市级试点技术创新中心" in str(started.replies[0].buttons)


def test_unknown_or_expired_buttons(conv: Conversation) -> None:
    for data in ("cl:ffffffffffff", "es:deadbeef", "ex:9", "zz", "i:1:c:0"):
        out = conv.press(USER, data)
        assert out.notice and not out.replies


def test_example_button_asks_the_example(conv: Conversation, bot_engine: RecordingEngine
                                         ) -> None:
    start = conv.start(USER)
    data = start[0].buttons[0][0].data
    out = conv.press(USER, data)
    assert bot_engine.asked == ["企业牵头建设市级技术创新中心能获得多少补助？"]
    assert "200万元" in out.replies[0].html  # the estimate: the facts are in the question


def test_as_of_setting_is_used(conv: Conversation) -> None:
    assert "2020-01-31" in conv.set_as_of(USER, "2020-01-31")[0].html
    assert conv.as_of(USER) == date(2020, 1, 31)
    out = conv.text(USER, "企业购买技术有什么奖励")
    assert "2020-01-31" in out.replies[0].html
    assert "威科字〔2018〕58号" in out.replies[0].html and "已失效" not in out.replies[0].html
    conv.set_as_of(USER, "2022-01-31")  # after 威科字〔2018〕58号 ended
    assert "已失效" in conv.text(USER, "企业购买技术有什么奖励").replies[0].html
    assert "格式不对" in conv.set_as_of(USER, "昨天")[0].html
    conv.set_as_of(USER, "")
    assert conv.as_of(USER) is None


def test_garbage_and_long_text_do_not_reach_the_engine(conv: Conversation,
                                                       bot_engine: RecordingEngine) -> None:
    assert "没能看懂" in conv.text(USER, "😀😀😀").replies[0].html
    assert "太长" in conv.text(USER, "创新" * 2000).replies[0].html
    assert bot_engine.asked == []


def test_admin_only_commands(own_engine: RecordingEngine, store: SQLiteStore) -> None:
    conv = Conversation(own_engine, store, admin_ids=frozenset({99}))
    assert "仅限管理员" in conv.reload(USER)[0].html
    assert "仅限管理员" in conv.stats(USER)[0].html
    assert own_engine.reloads == 0
    policy = own_engine.knowledge_dir / "policies" / "weizhengbanzi-2018-106.md"
    good = policy.read_text(encoding="utf-8")
    policy.write_text("---\ntitle: [unclosed\n---\n正文", encoding="utf-8")  # a broken file
    failed = conv.reload(Who(99, 99))[0].html
    assert "失败" in failed and policy.name in failed
    policy.write_text(good, encoding="utf-8")
    assert "版本 2" in conv.reload(Who(99, 99))[0].html
    assert "SQLiteStore" in conv.stats(Who(99, 99))[0].html


def test_flood_verdicts(bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    conv = Conversation(bot_engine, store, flood_limit=2, flood_window=60)
    assert [conv.flood(USER) for _ in range(5)] == ["ok", "ok", "warn", "drop", "drop"]


def test_policies_show_status(conv: Conversation) -> None:
    html = conv.policies(USER)[0].html
    assert "未载明有效期（2018年印发），建议向责任单位确认" in html and "现行有效" not in html
    assert "已失效" in html and "2021-11-10" in html
    assert html.count("威政办") == 3 and "威科字〔2018〕58号" in html


# -- phone-sized replies: relevant hits, excerpts, the bottom line ------------------------
def test_relevant_hits_drop_those_far_below_the_best() -> None:
    from types import SimpleNamespace

    from bot.conversation.summary import relevant_hits

    hits = [SimpleNamespace(score=s) for s in (0.82, 0.78, 0.3, 0.29, 0.28)]
    assert [h.score for h in relevant_hits(hits)] == [0.82, 0.78]
    assert len(relevant_hits([SimpleNamespace(score=0.5)] * 5)) == 3


def test_excerpt_centres_on_the_matched_sentence_and_never_cuts_a_number() -> None:
    from bot.conversation.summary import excerpt

    text = ("总体要求是加快发展。" * 6
            + "对升级为省、国家大学科技园的，分别给予100万元、300万元资金补助。"
            + "其他事项另行规定。" * 6)
    out = excerpt(text, "大学科技园补助多少", limit=60)
    assert "100万元、300万元" in out and out.startswith("…") and out.endswith("…")
    assert out.strip("…")[-1] in "。；！？"


def test_estimate_bottom_line_first_and_expired_not_eligible(conv: Conversation) -> None:
    conv.set_as_of(USER, "2020-06-01")
    html = conv.ask(USER, "我们是高新企业，购买技术花了300万，能补多少？").replies[0].html
    assert html.startswith("<b>可申请 1 项，合计约 50万元</b>")
    conv.set_as_of(USER, "2024-06-30")
    html = conv.ask(USER, "我们是高新企业，购买技术花了300万，能补多少？").replies[0].html
    assert html.startswith("<b>目前没有在有效期内的奖补</b>")
    assert "已于 2021-11-10 失效；按当时规定可获 50万元，现已不能申请" in html


SUCCESSOR = """---
doc_number: 威政办字〔2026〕1号
title: 威海市人民政府办公室关于进一步加快科技服务业发展的实施意见
issuer: 威海市人民政府办公室
issued: 2026-01-01
effective_from: 2026-03-01
supersedes: [威政办字〔2018〕107号]
---
一、支持科技服务业集聚发展
鼓励各区市建设科技服务业集聚区，完善服务功能。
"""


@pytest.mark.parametrize(
    ("as_of", "shown", "absent"),
    [
        ("2026-02-01",
         ["威政办字〔2018〕107号 · 威海市人民政府办公室\n"
          "❔ 未载明有效期（2018年印发），建议向责任单位确认",
          "威政办字〔2026〕1号 · 威海市人民政府办公室\n⏳ 尚未施行（2026-03-01 起施行）",
          "✅ 经核实有效（2026-05-20 核实）", "⚠️ 已失效（有效期至 2021-11-10）"],
         ["已被", "现行有效"]),
        ("2026-06-01",
         ["威政办字〔2018〕107号 · 威海市人民政府办公室\n"
          "🔁 已被《威海市人民政府办公室关于进一步加快科技服务业发展"
          "的实施意见》（威政办字〔2026〕1号）替代",
          "威政办字〔2026〕1号 · 威海市人民政府办公室\n❔ 未载明有效期（2026年印发）",
          "✅ 经核实有效（2026-05-20 核实）"],
         ["尚未施行", "现行有效"]),
    ],
    ids=["before-the-successor-starts", "after-the-successor-starts"],
)
def test_policies_show_what_the_metadata_states(
        own_engine: RecordingEngine, store: SQLiteStore, as_of: str, shown: list[str],
        absent: list[str]) -> None:
    kdir = own_engine.knowledge_dir
    (kdir / "policies" / "weizhengbanzi-2026-1.md").write_text(SUCCESSOR, encoding="utf-8")
    unrepeal_107(kdir)  # a 2026 history in which 107号 stands until replaced
    confirm(kdir / "policies" / "weizhengbanzi-2018-106.md", "2026-05-20")
    assert own_engine.reload().ok
    conv = Conversation(own_engine, store)
    conv.set_as_of(USER, as_of)
    html = conv.policies(USER)[0].html
    for text in shown:
        assert text in html
    for text in absent:
        assert text not in html


@pytest.mark.parametrize("question", ["明天威海会下雨吗？", "驾驶证到期了去哪里换证？"],
                         ids=["weather", "licence"])
def test_refusal_names_the_subjects_of_the_loaded_documents(conv: Conversation,
                                                            question: str) -> None:
    out = conv.text(USER, question)
    text = out.replies[0].html
    assert "没有找到适用的条款" in text
    for subject in ("科技创新平台", "科技服务业", "县域创新", "科技成果转移转化"):
        assert subject in text


@pytest.mark.parametrize(("question", "says"), [
    ("企业购买技术什么时候申报？", "文件未载明申报时间，请向威海市科学技术局咨询"),
    ("2020年我们公司买了300万的技术，合同还没登记，能补多少？", "合同还没登记"),
], ids=["deadline", "denied-condition"])
def test_reader_answers_reach_the_chat(conv: Conversation, question: str, says: str) -> None:
    out = conv.text(USER, question)
    html = out.replies[0].html
    if "展开不适用项" in buttons(out):  # ineligible items say why once unfolded
        html = "".join(r.html for r in conv.press(USER, buttons(out)["展开不适用项"]).replies)
    assert says in html, html


def test_overview_reply_is_short_and_lists_what_fits(conv: Conversation) -> None:
    out = conv.text(USER, "2020年我们是高新技术企业，有市级技术创新中心，研发投入800万，"
                          "能享受哪些政策？")
    html = out.replies[0].html
    assert "【符合条件】" in html and "200万元" in html and "【再补充一项即可判断】" in html
    assert len(html) <= 3000


def test_a_greeting_during_an_interview_is_greeted_not_taken_as_an_answer(
        bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    conv = Conversation(bot_engine, store)
    who = Who(77, 77)
    conv.estimate(who)
    reply = conv.text(who, "你好").replies[0].html
    assert "您好！我是威海市科技政策助手" in reply and "不是可选项" not in reply


@pytest.mark.parametrize("message", [
    "合同额60万 登记过了",  # facts stated mid-interview
    "106号文对这种市政府参与共建的咋说的",  # a spoken question
    "医院评上这个以后能不能多要几个护士编制",  # an A-not-A question
])
def test_a_message_mid_interview_is_answered_not_refused_as_an_option(
        bot_engine: RecordingEngine, store: SQLiteStore, message: str) -> None:
    conv = Conversation(bot_engine, store)
    who = Who(78, 78)
    conv.estimate(who)
    html = "\n".join(r.html for r in conv.text(who, message).replies)
    assert "不是可选项" not in html


def _press(conv: Conversation, who: Who, replies: list[Reply], part: str) -> Outcome:
    for reply in reversed(replies):
        for row in reply.buttons or ():
            for button in row:
                if part in button.label:
                    return conv.press(who, button.data)
    raise AssertionError(f"no button {part!r}")


def test_an_interview_keeps_each_years_facts(bot_engine: RecordingEngine,
                                             store: SQLiteStore) -> None:
    """Two years of upgrades with the incubator's level missing: the interview asks it
    once and computes each year on its own (2家 in 2021 + 3家 in 2022 = 50万元)."""
    conv = Conversation(bot_engine, store)
    who = Who(79, 79)
    out = conv.text(who, "孵化器2021年有2家在孵企业认定高企、2022年有3家，"
                         "都在孵化期内，一共多少")
    replies = list(out.replies)
    out = _press(conv, who, replies, "市级")
    # the one answer the question needed: the result at once, no review of one line
    out = _press(conv, who, [*replies, *out.replies], "选好了")
    html = "\n".join(r.html for r in out.replies)
    assert "合计约 50万元" in html
    assert "2021年：" in html and "2022年：" in html


def test_an_approximate_amount_asked_is_answered_in_the_owner_s_words(
        conv: Conversation) -> None:
    """二百五十多万 decides the total: the estimate asks it (both ends said) and the
    interview does not take it as given; typed back with the asker's kind, it is kept."""
    out = conv.text(USER, "2019年我们促成3项高校成果在咱们市转化，合同成交额二百五十多万，"
                          "补助多少？")
    html = "\n".join(r.html for r in out.replies)
    assert "取决于确切金额" in html and "7.8万元" in html
    done = conv.text(USER, "合同额是256万，我们是技术转移机构")
    shown = "\n".join(r.html for r in done.replies)
    assert "7.68万元" in shown and "256万元 × 3%" in shown


def test_another_city_s_standard_is_refused_with_its_place(conv: Conversation) -> None:
    out = conv.text(USER, "烟台对国家级科技企业孵化器奖多少？")
    html = out.replies[0].html
    assert "没有规定烟台的支持标准" in html and "烟台的政策请向当地科技部门咨询" in html
    assert "200万" not in html and not out.replies[0].buttons


def test_a_follow_up_after_another_city_refused_reads_against_it(conv: Conversation) -> None:
    conv.text(USER, "国家级技术创新中心威海给1000万，烟台给多少")
    out = conv.text(USER, "那威海省级的呢")
    assert "500万元" in out.replies[0].html


def test_a_level_typed_to_the_interview_completes_the_question_for_what_follows(
        conv: Conversation) -> None:
    """国家级的 typed to "which title?" picks the option of that level; the question it
    completes names the option picked, so that a later sum adds it (200万 + 100万)."""
    conv.text(USER, "我们机构今年获批技术转移示范机构了，能奖多少")
    picked = conv.text(USER, "国家级的")
    assert "合计约 200万元" in "\n".join(r.html for r in picked.replies)
    conv.text(USER, "前年我们先拿的是省级技术转移示范机构称号")
    summed = conv.text(USER, "两个都能拿吧，加起来多少")
    assert "合计约 300万元" in "\n".join(r.html for r in summed.replies)


def test_the_month_asked_in_words_is_read_from_the_reply(conv: Conversation) -> None:
    # 2023 alone: 107号 was repealed on 2023-04-07, so the month is asked, no interview
    asked = conv.text(USER, "我们大学科技园2023年升级为国家大学科技园，能拿多少")
    html = "".join(r.html for r in asked.replies)
    assert "是当年几月" in html and "问题 1" not in html
    told = conv.text(USER, "是3月份")
    assert "300万元" in told.replies[0].html and "2023-03-31" in told.replies[0].html


@pytest.mark.parametrize(("follow_up", "total"), [
    ("如果2022年没重新认定呢？", "合计约 20万元"),
    ("要是2019年那次没认定上呢", "合计约 10万元"),
], ids=["renewal-denied", "first-denied"])
def test_a_supposed_denial_of_one_step_leaves_the_others(conv: Conversation, follow_up: str,
                                                        total: str) -> None:
    first = conv.text(USER, "我们是检测机构，属于科技服务机构，2019年首次认定高新技术企业，"
                            "2022年重新认定，一共能拿多少？")
    assert "合计约 30万元" in first.replies[0].html
    html = conv.text(USER, follow_up).replies[0].html
    assert total in html and "假设" in html, html
