"""Follow-ups read against the chat's last answer (bot.conversation.context keeps the
record; the core reads the message against it, see tests/knowledge/reading/test_frame.py).

Through :class:`Conversation` over the real engine (hashing embedder); the context lives
in the store, so a new Conversation over the same store (a restart) keeps reading it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from recording import RecordingEngine

from bot.conversation import context as ctx
from bot.conversation.core import Conversation, Who
from bot.conversation.store import SQLiteStore

USER = Who(20, 20)
FIRST = "企业牵头建设市级技术创新中心能获得多少补助？"


def test_follow_ups_through_the_conversation(bot_engine: RecordingEngine,
                                            store: SQLiteStore) -> None:
    conv = Conversation(bot_engine, store)
    first = conv.text(USER, FIRST)
    assert "200万元" in first.replies[0].html
    level = conv.text(USER, "那省级的呢")
    assert bot_engine.understood[-1] == "企业牵头建设省级技术创新中心能获得多少补助？"
    assert "按“企业牵头建设省级技术创新中心能获得多少补助？”理解" in level.replies[0].html
    assert "500万元" in level.replies[0].html
    office = conv.text(USER, "这个找哪个部门申请？")  # answered from the stored clause
    assert "负责部门：<b>市科技局" in office.replies[0].html
    materials = conv.text(USER, "申请需要什么材料？")  # the bottom line first
    assert materials.replies[0].html.startswith("收录的威海市政策文件<b>没有列出</b>需要提交")
    assert "市科技局" in materials.replies[0].html
    when = conv.text(USER, "这个什么时候申报？")  # also from the stored clause
    assert " · 条款 " in when.replies[0].html
    assert "未载明申报时间</b>，请向<b>市科技局" in when.replies[0].html
    conv.text(USER, "星创天地有什么支持")  # a new question: the context is its own
    assert bot_engine.understood[-1] == "星创天地有什么支持"
    kept = ctx.load(store, USER.chat_id, USER.user_id)
    assert kept is not None and kept.question == "星创天地有什么支持"


def test_year_follow_up_and_restart(bot_engine: RecordingEngine, tmp_path: object) -> None:
    path = f"{tmp_path}/state.sqlite3"
    store = SQLiteStore(path)
    Conversation(bot_engine, store).text(USER, FIRST)
    store.close()
    store = SQLiteStore(path)  # a restart: a new Conversation over the same store
    out = Conversation(bot_engine, store).text(USER, "2020年呢")
    assert bot_engine.understood[-1].startswith("2020年企业牵头建设市级技术创新中心")
    assert "按 2020-12-31 判断是否有效" in out.replies[0].html
    store.close()


def test_context_expires(bot_engine: RecordingEngine, store: SQLiteStore,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ctx, "CONTEXT_TTL", 0.05)
    conv = Conversation(bot_engine, store)
    conv.text(USER, FIRST)
    import time

    time.sleep(0.1)
    assert ctx.load(store, USER.chat_id, USER.user_id) is None
    conv.text(USER, "那省级的呢")
    assert bot_engine.understood[-1] == "那省级的呢"  # nothing to follow: as it is


@pytest.mark.parametrize(("label", "text", "question"), [
    # a figure alone is said with its question's label; a sentence as typed
    ("省拨资金", "50万", "省品牌众创空间配套多少，省拨资金50万"),
    ("省拨资金", "省里拨了一百万", "省品牌众创空间配套多少，省里拨了一百万"),
])
def test_a_typed_answer_is_carried_into_the_question(tmp_path: Path, label: str, text: str,
                                                      question: str) -> None:
    store = SQLiteStore(tmp_path / "s.sqlite3")
    asked = "省品牌众创空间配套多少"
    ctx.save(store, 1, 1, ctx.Context(question=asked, thread=(asked,)))
    ctx.carry_answer(store, 1, 1, label, text)
    kept = ctx.load(store, 1, 1)
    assert kept is not None and kept.question == question and kept.thread == (question,)


def test_a_correction_of_the_answer_typed_to_the_interview(bot_engine: RecordingEngine,
                                                           store: SQLiteStore) -> None:
    conv = Conversation(bot_engine, store)
    who = Who(21, 21)
    conv.text(who, "我们孵化器被评上山东省品牌科技企业孵化器了，市里给多少")
    answered = conv.text(who, "省里拨了一百万")  # the one answer needed: the result
    assert "合计约 100万元" in answered.replies[0].html
    fixed = conv.text(who, "哦说错了，是一百二十万")
    assert "合计约 120万元" in fixed.replies[0].html


def test_the_interview_is_on_the_date_its_question_is_about(bot_engine: RecordingEngine,
                                                           store: SQLiteStore) -> None:
    conv = Conversation(bot_engine, store)
    who = Who(22, 22)
    conv.text(who, "我们公司2020年买了项技术，这个有奖励吗，能给多少")  # 58号 in force then
    answered = conv.text(who, "合同登记过了，交易额是一百六十万")
    assert "合计约 32万元" in answered.replies[0].html
    assert "2020-12-31" in answered.replies[0].html


def test_the_awards_granted_are_kept_through_a_question_of_another_kind(
        bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    conv = Conversation(bot_engine, store)
    conv.text(USER, "我们牵头的市级临床医学研究中心今年首次通过绩效评价了，能给多少钱")
    granted = ctx.load(store, USER.chat_id, USER.user_id)
    assert granted is not None and granted.granted
    conv.text(USER, "这钱一般多久能到账啊")  # no estimate of its own
    kept = ctx.load(store, USER.chat_id, USER.user_id)
    assert kept is not None and kept.granted == granted.granted
    # 如果明年升成省级: what the upgrade adds, not the first evaluation again
    upgrade = conv.text(USER, "如果明年升成省级了还能再给吗 给多少")
    assert "200万元" in upgrade.replies[0].html and "300万元" not in upgrade.replies[0].html
