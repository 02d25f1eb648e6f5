"""End to end: the real PTB Application over HTTP against the local Bot API server."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from bot_api_server import BotApiServer
from fakes import FakeEngine
from harness import ADMIN, TOKEN, run, running_bot, settings_for

from bot.store import RedisStore, SQLiteStore


def test_question_gets_cited_answer(tmp_path: Path, engine: FakeEngine,
                                    store: SQLiteStore) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server:
            async with running_bot(server, settings_for(server, tmp_path), engine,
                                   store) as bot:
                sent = await bot.say(1, "技术创新中心有什么支持？")
                assert len(sent) == 1
                html = sent[0].params["text"]
                assert "威政办字〔2018〕106号" in html and "二、（一）1." in html
                assert sent[0].params["parse_mode"] == "HTML"
                assert any(c.method == "sendChatAction" for c in server.calls)
                assert sent[0].params["reply_parameters"]["message_id"] == 1
                labels = [b["text"] for row in sent[0].params["reply_markup"]["inline_keyboard"]
                          for b in row]
                assert labels == ["查看原文1", "估算金额"]
                commands = server.bots[bot.token].commands
                assert [c["command"] for c in commands][:2] == ["start", "estimate"]
    run(scenario())


def test_out_of_scope_gets_honest_reply(tmp_path: Path, engine: FakeEngine,
                                        store: SQLiteStore) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server:
            async with running_bot(server, settings_for(server, tmp_path), engine,
                                   store) as bot:
                sent = await bot.say(1, "明天天气怎么样？")
                assert "没有找到适用的条款" in sent[0].params["text"]
    run(scenario())


def test_full_interview_back_and_cancel(tmp_path: Path, engine: FakeEngine,
                                        store: SQLiteStore) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server:
            async with running_bot(server, settings_for(server, tmp_path), engine,
                                   store) as bot:
                sent = await bot.say(5, "/estimate")
                assert "牵头单位" in sent[-1].params["text"]
                await bot.press(5, "企业")
                await bot.press(5, "省级")
                sent = await bot.press(5, "是")  # is_high_tech
                assert "合同金额" in sent[-1].params["text"]
                sent = await bot.say(5, "很多")  # a bad number is re-asked
                assert "无法识别" in sent[-1].params["text"]
                assert "120万元" in sent[-1].params["text"]
                sent = await bot.say(5, "五百万")
                assert "请核对" in sent[-1].params["text"]
                sent = await bot.press(5, "确认")
                html = sent[-1].params["text"]
                assert "100万元" in html and "50万元" in html and "150万元" in html
                await bot.press(5, "修改答案")
                await bot.press(5, "修改第2")
                await bot.press(5, "市级")
                sent = await bot.press(5, "确认")
                assert "100万元" in sent[-1].params["text"]  # 50万 + 50万
                assert "150万元" not in sent[-1].params["text"]
                sent = await bot.say(5, "/cancel")
                assert "当前没有" not in sent[0].params["text"]
                sent = await bot.say(5, "/cancel")
                assert "当前没有" in sent[0].params["text"]
                # pressed buttons were answered and their keyboards removed
                answered = [c for c in server.calls if c.method == "answerCallbackQuery"]
                assert len(answered) == 8
    run(scenario())


def test_amount_question_with_facts_is_answered_directly(
    tmp_path: Path, engine: FakeEngine, store: SQLiteStore
) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server:
            async with running_bot(server, settings_for(server, tmp_path), engine,
                                   store) as bot:
                sent = await bot.say(6, "我们是高新企业，购买技术花了300万，能补多少？")
                assert len(sent) == 1
                assert "30万元" in sent[0].params["text"]
                sent = await bot.say(7, "购买技术能补多少？")  # facts missing: interview
                assert "高新技术企业" in sent[-1].params["text"]
                sent = await bot.press(7, "是")
                sent = await bot.say(7, "2000万")
                sent = await bot.press(7, "确认")
                assert "100万元" in sent[-1].params["text"]  # capped
    run(scenario())


def test_html_is_escaped_and_long_answer_split(tmp_path: Path, engine: FakeEngine,
                                               store: SQLiteStore) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server:
            async with running_bot(server, settings_for(server, tmp_path), engine,
                                   store) as bot:
                sent = await bot.say(8, "<b>购买</b>技术 & <script>")
                html = sent[0].params["text"]
                assert "&lt;文件&gt;" in html  # title from the engine, escaped
                sent = await bot.press(8, "查看原文1")
                assert "10%" in sent[0].params["text"]
                engine.long_clauses = True
                sent = await bot.press(8, "查看原文1")
                assert len(sent) >= 2
                assert all(len(c.params["text"]) <= 4096 for c in sent)
                assert not [c for c in server.calls if c.error]  # every chunk parsed
    run(scenario())


def test_admin_commands_and_garbage(tmp_path: Path, engine: FakeEngine,
                                    store: SQLiteStore) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server:
            async with running_bot(server, settings_for(server, tmp_path), engine,
                                   store) as bot:
                sent = await bot.say(3, "/reload")
                assert "仅限管理员" in sent[0].params["text"] and engine.reloads == 0
                sent = await bot.say(ADMIN, "/reload")
                assert "版本 2" in sent[0].params["text"] and engine.reloads == 1
                sent = await bot.say(ADMIN, "/stats")
                assert "SQLiteStore" in sent[0].params["text"]
                for garbage in ("😀😀😀", "\x00\x01\x02", "&<>" * 10, "好" * 10_000):
                    sent = await bot.say(4, garbage)
                    assert len(sent) == 1 and sent[0].error is None
                sent = await bot.say(4, "/nosuchcommand")
                assert "/help" in sent[0].params["text"]
    run(scenario())


def test_error_reaches_user_politely_and_admins_with_trace(
    tmp_path: Path, engine: FakeEngine, store: SQLiteStore
) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server:
            async with running_bot(server, settings_for(server, tmp_path), engine,
                                   store) as bot:
                mark = server.mark()
                await bot.say(11, "爆炸了吗")
                user = server.sent(11, mark)
                assert "出了点问题" in user[0].params["text"]
                assert "Traceback" not in user[0].params["text"]
                admin = server.sent(ADMIN, mark)
                assert "engine exploded" in admin[0].params["text"]
                assert bot.token not in admin[0].params["text"]
    run(scenario())


def test_flood_is_throttled_once(tmp_path: Path, engine: FakeEngine,
                                 store: SQLiteStore) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server:
            settings = settings_for(server, tmp_path, flood_limit=3, flood_window=60)
            async with running_bot(server, settings, engine, store) as bot:
                mark = server.mark()
                for _ in range(8):
                    await server.push_message(bot.token, 12, "技术创新中心")
                await server.quiet(mark, idle=0.3)
                texts = [c.params["text"] for c in server.sent(12, mark)]
                assert len(texts) == 4
                assert sum("稍等" in t for t in texts) == 1
                assert len(engine.asked) == 3
                other = await bot.say(13, "技术创新中心")  # other users are not affected
                assert "威政办字" in other[0].params["text"]
    run(scenario())


def test_restart_mid_interview_resumes(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"

    async def scenario() -> None:
        async with BotApiServer() as server:
            settings = settings_for(server, tmp_path)
            store = SQLiteStore(path)
            async with running_bot(server, settings, FakeEngine(), store) as bot:
                await bot.say(21, "/estimate")
                await bot.press(21, "企业")
            store.close()
            # A new process: new store handle, new engine, nothing shared in memory.
            store = SQLiteStore(path)
            async with running_bot(server, settings, FakeEngine(), store) as bot:
                await bot.press(21, "市级")
                await bot.press(21, "否")
                sent = await bot.press(21, "确认")
                assert "50万元" in sent[-1].params["text"]
            store.close()
    run(scenario())


@pytest.mark.redis
@pytest.mark.slow
def test_two_replicas_share_one_interview_over_redis(tmp_path: Path, redis_url: str) -> None:
    token_b = TOKEN.replace("TEST", "TSTB")

    async def scenario() -> None:
        async with BotApiServer() as server:
            store_a, store_b = RedisStore(redis_url), RedisStore(redis_url)
            store_a.client.flushdb()
            settings_a = settings_for(server, tmp_path, redis_url=redis_url)
            settings_b = dataclasses.replace(settings_a, token=token_b)
            async with (
                running_bot(server, settings_a, FakeEngine(), store_a) as a,
                running_bot(server, settings_b, FakeEngine(), store_b) as b,
            ):
                await a.say(31, "/estimate")
                await b.press(31, "企业")
                await a.press(31, "省级")
                await b.press(31, "是")
                sent = await a.say(31, "三百万")
                assert "请核对" in sent[-1].params["text"]
                await b.press(31, "修改第4")
                await a.say(31, "四百万")
                sent = await b.press(31, "确认")
                html = sent[-1].params["text"]
                assert "100万元" in html and "40万元" in html and "140万元" in html
                tokens = {c.token for c in server.calls if c.method == "sendMessage"}
                assert tokens == {TOKEN, token_b}
            store_a.close()
            store_b.close()
    run(scenario())
