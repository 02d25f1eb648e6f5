"""Sending: a typed answer is written into the question message it answers.

The real PTB Application against the local Bot API server, the real engine (hashing
embedder).  On 2020-06-01 威科字〔2018〕58号 (the technology-purchase award) is in force.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bot_api_server import BotApiServer, Call
from harness import Running, with_bot
from recording import RecordingEngine

from bot.conversation.store import SQLiteStore

pytestmark = pytest.mark.slow
QUESTION = "购买技术能补多少？"  # no facts: the applicant type, then the amount


def _ids(calls: list[Call]) -> list[int]:
    return [int(c.result["message_id"]) for c in calls]


def _edits(server: BotApiServer, since: int) -> list[Call]:
    return [c for c in server.calls[since:] if c.method == "editMessageText"]


def _html(server: BotApiServer, chat: int, message_id: int) -> str:
    return str(server.messages[(chat, message_id)]["html"])


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("300万", "300万元"), ("三百万元", "300万元"), ("1500000元", "150万元")],
    ids=["figure-and-unit", "chinese-numerals", "yuan"],
)
def test_typed_answer_is_written_into_its_question(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore, typed: str, shown: str
) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        chat = 41
        await bot.say(chat, "/asof 2020-06-01")
        first = (await bot.say(chat, QUESTION))[-1]
        await bot.press(chat, "☐ 企业")
        second = (await bot.press(chat, "选好了"))[-1]
        assert "问题 2" in second.params["text"]
        [first_id], [second_id] = _ids([first]), _ids([second])
        mark = server.mark()
        review = await bot.say(chat, typed)
        assert "请核对" in review[-1].params["text"]
        edits = _edits(server, mark)
        assert [int(e.params["message_id"]) for e in edits] == [second_id]
        html = _html(server, chat, second_id)
        assert html.startswith("<b>问题 2</b>（2/2）")
        assert f"您的回答：<b>{shown}</b>" in html
        assert "reply_markup" not in server.messages[(chat, second_id)]  # no old keyboard
        assert "→ 已选：<b>企业</b>" in _html(server, chat, first_id)  # untouched
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)


def test_re_asked_and_edited_questions_keep_their_message_and_number(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        chat = 42
        await bot.say(chat, "/asof 2020-06-01")
        await bot.say(chat, QUESTION)
        await bot.press(chat, "☐ 企业")
        asked = (await bot.press(chat, "选好了"))[-1]
        again = (await bot.say(chat, "很多"))[-1]  # not an amount: asked again
        assert "没有看懂" in again.params["text"]
        [asked_id], [again_id] = _ids([asked]), _ids([again])
        mark = server.mark()
        review = (await bot.say(chat, "200万"))[-1]
        # the question as it was asked last is rewritten, the older copy is left alone
        assert [int(e.params["message_id"]) for e in _edits(server, mark)] == [again_id]
        assert _html(server, chat, asked_id) == asked.params["text"]
        assert len(review.params["text"]) <= 1500  # the review fits one screen
        edit = (await bot.press(chat, "修改第2"))[-1]
        assert "问题 2" in edit.params["text"] and "问题 3" not in edit.params["text"]
        [edit_id] = _ids([edit])
        mark = server.mark()
        sent = await bot.say(chat, "100万")
        assert "请核对" in sent[-1].params["text"] and "100万元" in sent[-1].params["text"]
        assert [int(e.params["message_id"]) for e in _edits(server, mark)] == [edit_id]
        html = _html(server, chat, edit_id)
        assert html.startswith("<b>问题 2</b>") and "您的回答：<b>100万元</b>" in html
        result = await bot.press(chat, "确认")
        assert "100万元 × 20%" in result[-1].params["text"]
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)


def test_typed_answer_without_a_remembered_message_is_still_taken(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    """The question was sent before message ids were remembered (or the record expired):
    the answer counts, nothing is rewritten, nothing fails."""
    async def scenario(bot: Running) -> None:
        server = bot.server
        chat = 43
        await bot.say(chat, "/asof 2020-06-01")
        await bot.say(chat, QUESTION)
        await bot.press(chat, "☐ 企业")
        await bot.press(chat, "选好了")
        for key in list(_keys(store, f"msg:{chat}:")):
            record = store.get(key)
            store.put(key, None, record.version)
        mark = server.mark()
        sent = await bot.say(chat, "300万")
        assert "请核对" in sent[-1].params["text"]
        assert _edits(server, mark) == []
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)


def _keys(store: SQLiteStore, prefix: str) -> list[str]:
    rows: Any = store._conn().execute("SELECT key FROM kv WHERE key LIKE ?", (prefix + "%",))
    return [str(r[0]) for r in rows]
