"""What owners touch every day, through the real Application and the local Bot API server:
an interview that keeps its place, one instruction per question, example buttons that
restate their question, captions read."""

from __future__ import annotations

from pathlib import Path

from bot_api_server import BotApiServer, Call
from harness import run, running_bot, settings_for
from recording import RecordingEngine

from bot.conversation.store import SQLiteStore


def _labels(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [b["text"] for row in markup["inline_keyboard"] for b in row]


def test_back_keeps_the_choice_retires_the_question_left_and_counts_steadily(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server, running_bot(
            server, settings_for(server, tmp_path), bot_engine, store
        ) as bot:
            chat = 61
            first = (await bot.say(chat, "/estimate"))[-1].params["text"]
            assert first.startswith("<b>问题 1</b>：")  # no total before the applicant type
            assert first.count("选好了") == 1 and first.count("可多选") == 1
            await bot.press(chat, "☐ 企业")
            second = (await bot.press(chat, "选好了"))[-1]
            total = second.params["text"].split("（2/")[1].split("）")[0]
            third = (await bot.press(chat, "跳过"))[-1]
            assert f"（3/{total}）" in third.params["text"]
            third_id = int(third.result["message_id"])
            mark = server.mark()
            again = (await bot.press(chat, "上一步"))[-1]
            assert f"（2/{total}）" in again.params["text"]
            # the question left says so, and its keyboard is gone
            left = server.messages[(chat, third_id)]
            assert "已返回上一步" in left["text"] and "reply_markup" not in left
            assert [c.method for c in server.calls[mark:] if "edit" in c.method] \
                == ["editMessageText"]
            again = (await bot.press(chat, "上一步"))[-1]
            assert f"（1/{total}）" in again.params["text"]
            assert "☑ 企业" in _labels(again)  # the earlier choice, ticked
            assert "已选：企业" in again.params["text"]
            await bot.press(chat, "选好了")
            for _ in range(20):
                sent = await bot.press(chat, "跳过")
                if "请核对" in sent[-1].params["text"]:
                    break
                assert f"/{total}）" in sent[-1].params["text"]
            review = sent[-1]
            assert "修改第1项" in _labels(review)
            edit = (await bot.press(chat, "修改第1项"))[-1]
            assert "☑ 企业" in _labels(edit)  # changing an answer starts from it
            assert not [c for c in server.calls if c.error]
    run(scenario())
