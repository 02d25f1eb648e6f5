"""Follow-ups read against the chat's last answer (bot.conversation.context keeps the
record; the core reads the message against it, see tests/knowledge/reading/test_frame.py).

Through :class:`Conversation` over the real engine (hashing embedder); the context lives
in the store, so a new Conversation over the same store (a restart) keeps reading it.
"""

from __future__ import annotations

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
