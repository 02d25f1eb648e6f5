"""End to end: the real PTB Application over HTTP against the local Bot API server."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from bot_api_server import BotApiServer, Call
from harness import (
    ADMIN,
    TOKEN,
    Running,
    bot_on,
    with_bot,
    with_replicas,
    with_server,
)
from recording import RecordingEngine

from bot.conversation.store import SQLiteStore

# -- the real Engine on the repository's knowledge ---------------------------------------
pytestmark = pytest.mark.slow
AMOUNT_QUESTION = "企业购买技术成果能补贴多少？"


def texts(calls: list[Call]) -> str:
    return "\n".join(c.params["text"] for c in calls)


def test_question_gets_cited_answer(tmp_path: Path, engine: Any, store: SQLiteStore,
                                    caplog: pytest.LogCaptureFixture) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        sent = await bot.say(1, "对列入市级试点技术创新中心的企业有什么资金补助？")
        assert len(sent) == 1
        html = sent[0].params["text"]
        assert "威政办字〔2018〕107号" in html or "威政办字〔2018〕106号" in html
        assert "市级试点技术创新中心" in html and "未载明有效期（2018年印发）" in html
        assert "责任部门" in html
        assert sent[0].params["parse_mode"] == "HTML"
        assert sent[0].params["reply_parameters"]["message_id"] == 1
        assert any(c.method == "sendChatAction" for c in server.calls)
        labels = [b["text"] for row in sent[0].params["reply_markup"]["inline_keyboard"]
                  for b in row]
        assert "查看原文1" in labels and "估算金额" in labels
        clause = await bot.press(1, "查看原文1")
        assert "市级试点技术创新中心" in clause[0].params["text"]
        commands = server.bots[bot.token].commands
        assert [c["command"] for c in commands][:2] == ["start", "estimate"]
        assert {"subscribe", "unsubscribe", "help"} <= {c["command"] for c in commands}

    caplog.set_level(logging.DEBUG)
    with_bot(tmp_path, engine, store, scenario)
    caplog.set_level(logging.DEBUG, logger="httpx")  # request URLs carry the token
    with_bot(tmp_path, engine, store, scenario)
    assert "/getUpdates" in caplog.text and "[REDACTED]" in caplog.text
    assert TOKEN not in caplog.text


def test_out_of_scope_gets_honest_reply_with_escaped_echo(
    tmp_path: Path, engine: Any, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        sent = await bot.say(2, "明天威海天气怎么样？")
        assert "没有找到适用的条款" in sent[0].params["text"]
        sent = await bot.say(2, "<b>天气</b> & <script>alert(1)</script>")
        html = sent[0].params["text"]
        assert "&lt;b&gt;天气&lt;/b&gt; &amp; &lt;script&gt;" in html
        assert "<script>" not in html
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, engine, store, scenario)


def test_interview_numbers_back_and_cancel(tmp_path: Path, engine: Any,
                                           store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        await bot.say(3, "/asof 2020-06-01")  # while 威科字〔2018〕58号 was in force
        sent = await bot.say(3, AMOUNT_QUESTION)
        assert "威科字〔2018〕58号" in sent[0].params["text"]
        assert "技术交易额" in sent[-1].params["text"]
        sent = await bot.say(3, "很多")
        assert "没有看懂" in sent[0].params["text"]
        assert "技术交易额" in sent[0].params["text"]  # the same question again
        # the one answer the question needed: the result at once
        sent = await bot.say(3, "一百万")
        result = sent[0].params["text"]
        assert "20万元" in result and "主管部门审核认定为准" in result
        assert "100万元 × 20%" in result
        sent = await bot.press(3, "修改答案")
        assert "请核对" in sent[0].params["text"] and "100万元" in sent[0].params["text"]
        sent = await bot.press(3, "上一步")
        assert "技术交易额" in sent[0].params["text"]
        sent = await bot.say(3, "300万元")
        assert "50万元" in sent[0].params["text"]  # 60万元 capped at 50万元
        sent = await bot.say(3, "/cancel")
        assert "已取消" in sent[0].params["text"]
        sent = await bot.say(3, "/cancel")
        assert "当前没有" in sent[0].params["text"]
    with_bot(tmp_path, engine, store, scenario)


def test_estimate_command_multiple_choice_and_skips(tmp_path: Path, engine: Any,
                                                    store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        sent = await bot.say(4, "企业牵头建设市级技术创新中心能获得多少补助？")
        assert "200万元" in texts(sent)
        sent = await bot.say(4, "/estimate")
        assert "可多选" in sent[-1].params["text"]  # applicant types: needed by most rules
        mark = server.mark()
        sent = await bot.press(4, "企业")  # toggles in place, no new message
        assert sent == []
        edits = [c for c in server.calls[mark:] if c.method == "editMessageReplyMarkup"]
        assert "☑ 企业" in str(edits[0].params["reply_markup"])
        sent = await bot.press(4, "选好了")
        for _ in range(40):
            if "请核对" in sent[-1].params["text"]:
                break
            sent = await bot.press(4, "跳过")
        review = sent[-1].params["text"]
        assert "请核对" in review and "企业" in review and "未回答" in review
        sent = await bot.press(4, "确认")
        assert "主管部门审核认定为准" in sent[-1].params["text"]
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, engine, store, scenario)


def test_restart_mid_interview_resumes(tmp_path: Path, engine: Any) -> None:
    path = tmp_path / "state.sqlite3"

    async def scenario(server: BotApiServer) -> None:
        store = SQLiteStore(path)
        async with bot_on(server, tmp_path, engine, store) as bot:
            await bot.say(21, "/asof 2020-06-01")
            await bot.say(21, AMOUNT_QUESTION)
        store.close()
        # A new Application and store handle: nothing is shared in memory.
        store = SQLiteStore(path)
        async with bot_on(server, tmp_path, engine, store) as bot:
            sent = await bot.say(21, "两百万")  # the one answer needed: the result
            assert "200万元" in sent[0].params["text"]
            assert "40万元" in sent[0].params["text"]
        store.close()
    with_server(scenario)


@pytest.mark.redis
def test_two_replicas_share_one_interview_over_redis(tmp_path: Path, engine: Any,
                                                     redis_url: str) -> None:
    async def scenario(a: Running, b: Running, *_: Any) -> None:
        server = a.server
        await a.say(31, "/asof 2020-06-01")
        await b.say(31, AMOUNT_QUESTION)
        sent = await a.say(31, "一百万")
        assert "100万元" in sent[0].params["text"] and "20万元" in sent[0].params["text"]
        await b.press(31, "修改答案")
        await a.press(31, "修改第2")
        await b.say(31, "150万元")
        sent = await a.press(31, "确认")
        assert "30万元" in sent[0].params["text"]
        await b.press(31, "修改答案")
        await a.press(31, "上一步")
        sent = await b.say(31, "10万元")
        assert "2万元" in sent[0].params["text"]
        tokens = {c.token for c in server.calls if c.method == "sendMessage"}
        assert tokens == {a.token, b.token} and a.token != b.token
        assert not [c for c in server.calls if c.error]
    with_replicas(tmp_path, engine, redis_url, scenario)


# -- the real engine with the hashing embedder: errors, very long clauses, flood ----------


def test_amount_question_with_facts_is_answered_directly(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        for chat in (6, 7):
            await bot.say(chat, "/asof 2020-06-01")  # 威科字〔2018〕58号 in force
        sent = await bot.say(6, "我们是高新企业，购买技术花了300万，能补多少？")
        assert len(sent) == 1  # enterprise and amount stated: no interview
        assert "300万元 × 20% = 60万元" in sent[0].params["text"]
        assert "合计约 50万元" in sent[0].params["text"]
        sent = await bot.say(7, "购买技术能补多少？")  # facts missing: interview
        assert "贵单位属于哪类主体" in sent[-1].params["text"]
        assert await bot.press(7, "☐ 企业") == []  # ticked in place
        sent = await bot.press(7, "选好了")
        assert "技术交易额" in sent[-1].params["text"]
        sent = await bot.say(7, "2000万")
        sent = await bot.press(7, "确认")
        assert "按50万元计" in sent[-1].params["text"]  # 400万元 capped
    with_bot(tmp_path, bot_engine, store, scenario)


def _long_and_marked_up(kdir: Path) -> None:
    """Staff wrote markup into a title and a clause of several thousand characters."""
    policy = kdir / "policies" / "weikezi-2018-58.md"
    text = policy.read_text(encoding="utf-8")
    text = text.replace("title: 威海市科学技术局", "title: <文件>威海市科学技术局", 1)
    tail = "\n\n".join(f"申请单位应当如实填报第{i}项材料，并对材料的真实性负责。" * 4
                        for i in range(60))
    text = text.replace("万元。\n\n三、行动保障", f"万元。\n\n{tail}\n\n三、行动保障", 1)
    policy.write_text(text, encoding="utf-8")


def test_html_is_escaped_and_long_answer_split(tmp_path: Path, own_engine: RecordingEngine,
                                               store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        sent = await bot.say(8, "<b>购买</b>技术 & <script>")
        assert "威科字〔2018〕58号" in sent[0].params["text"]
        sent = await bot.press(8, "查看原文1")
        assert len(sent) == 1 and "20%给予奖励" in sent[0].params["text"]
        _long_and_marked_up(own_engine.knowledge_dir)
        assert own_engine.reload().ok
        sent = await bot.say(8, "<b>购买</b>技术 & <script>")
        html = sent[0].params["text"]
        assert "&lt;文件&gt;" in html and "<文件>" not in html  # the title, escaped
        sent = await bot.press(8, "查看原文1")
        assert len(sent) >= 2
        assert all(len(c.params["text"]) <= 4096 for c in sent)
        assert "第59项材料" in sent[-1].params["text"]
        assert not [c for c in server.calls if c.error]  # every chunk parsed
    with_bot(tmp_path, own_engine, store, scenario)


def test_admin_commands_and_garbage(tmp_path: Path, own_engine: RecordingEngine,
                                    store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        sent = await bot.say(3, "/reload")
        assert "仅限管理员" in sent[0].params["text"] and own_engine.reloads == 0
        sent = await bot.say(ADMIN, "/reload")
        assert "版本 2" in sent[0].params["text"] and own_engine.reloads == 1
        sent = await bot.say(ADMIN, "/stats")
        assert "SQLiteStore" in sent[0].params["text"]
        for garbage in ("😀😀😀", "\x00\x01\x02", "&<>" * 10, "好" * 10_000):
            sent = await bot.say(4, garbage)
            assert len(sent) == 1 and sent[0].error is None
        sent = await bot.say(4, "/nosuchcommand")
        assert "/help" in sent[0].params["text"]
    with_bot(tmp_path, own_engine, store, scenario)


def test_error_reaches_user_politely_and_admins_in_chinese(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import re

    async def scenario(bot: Running) -> None:
        server = bot.server
        mark = server.mark()
        await bot.say(11, "爆炸了吗")
        user = server.sent(11, mark)
        assert "出了点问题" in user[0].params["text"]
        assert "Traceback" not in user[0].params["text"]
        admin = server.sent(ADMIN, mark)
        assert len(admin) == 1
        text = admin[0].params["text"]
        # the kind of failure in Chinese; no trace, no class name, no English at all
        assert "错误类型：程序运行时出错" in text and "用户当时在：发送消息" in text
        assert not re.search(r"[A-Za-z]", re.sub(r"</?b>", "", text)), text
        assert bot.token not in text

    caplog.set_level(logging.ERROR)
    with_bot(tmp_path, bot_engine, store, scenario)
    assert "engine exploded" in caplog.text  # the trace is in the log


def test_flood_is_throttled_once(tmp_path: Path, bot_engine: RecordingEngine,
                                 store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        mark = server.mark()
        for _ in range(8):
            await server.push_message(bot.token, 12, "技术创新中心")
        # Updates of one chat are handled in order, so once another user's message in
        # the same chat is handled, all eight were: no waiting for silence.
        last = await server.push_message(bot.token, 12, "科技企业孵化器有什么奖励政策？",
                                         user_id=14)
        await bot.until_processed(last)
        texts = [c.params["text"] for c in server.sent(12, mark)]
        assert len(texts) == 5  # three answers, one notice, the other user's answer
        assert sum("超出的消息未处理" in t for t in texts) == 1
        assert "超出的消息未处理" in texts[3] and "孵化器" in texts[4]
        assert bot_engine.asked == ["技术创新中心"] * 3 + ["科技企业孵化器有什么奖励政策？"]
        other = await bot.say(13, "技术创新中心")  # other users are not affected
        assert "威政办字" in other[0].params["text"]
    with_bot(tmp_path, bot_engine, store, scenario, flood_limit=3, flood_window=60)




def test_serve_needs_a_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot.cli.main import main

    monkeypatch.chdir(tmp_path)  # no .env here
    with pytest.raises(SystemExit, match="TELEGRAM_BOT_TOKEN"):
        main(["serve"])


def test_knowledge_change_goes_live_and_admins_are_told(tmp_path: Path, store: SQLiteStore,
                                                        knowledge_dir: Path, built_copy: Path,
                                                        use_embedder: Any) -> None:
    """Staff edit a policy file: the running bot reloads by itself and answers from it."""
    import shutil

    from bot.telegram.app import start_knowledge_watcher
    from index.answering.engine import Engine

    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    live = Engine(kdir, built_copy, embedder=use_embedder)  # the session's index, copied
    live.warm_up()

    async def scenario(bot: Running) -> None:
        server = bot.server
        watcher = await start_knowledge_watcher(bot.app, debounce_ms=200)
        try:
            policy = next((kdir / "policies").glob("*106*.md"))
            text = policy.read_text(encoding="utf-8")
            policy.write_text(text.replace("创业大学", "星光创业学院"), encoding="utf-8")
            for _ in range(150):
                if server.sent(ADMIN):
                    break
                await asyncio.sleep(0.2)
            told = texts(server.sent(ADMIN))
            assert "知识库已重新加载" in told and "版本 2" in told
            sent = await bot.say(5, "支持建设星光创业学院吗")
            assert "星光创业学院" in sent[0].params["text"]
            before = watcher.reload_count, live.version
            reloads = await bot.say(ADMIN, "/reload")  # the admins' reload: the same path
            assert len(reloads) == 1  # the reply, no notice besides
            assert f"知识库已重新加载（版本 {before[1] + 1}" in reloads[0].params["text"]
            assert watcher.reload_count == before[0] + 1
        finally:
            await watcher.stop_async()

    with_bot(tmp_path, live, store, scenario)


@pytest.mark.redis
def test_replicas_tell_the_admins_about_a_reload_once(tmp_path: Path,
                                                     bot_engine: RecordingEngine,
                                                     redis_url: str) -> None:
    """Two replicas reload the same shared folder: the admins get one message, not two."""
    from types import SimpleNamespace

    from bot.telegram.app import make_reload_notifier

    async def scenario(a: Running, b: Running, store_a: Any, store_b: Any) -> None:
        server = a.server
        notify_a = make_reload_notifier(a.app, store_a)
        notify_b = make_reload_notifier(b.app, store_b)
        done = SimpleNamespace(ok=True, version=2, message="4 份文件，90 个条款",
                               fingerprint="v2")
        await notify_a(done)
        await notify_b(done)
        assert len(server.sent(ADMIN)) == 1
        # the next change is news again, whichever replica reports it first
        done = SimpleNamespace(ok=True, version=3, message="4 份文件，90 个条款",
                               fingerprint="v3")
        await notify_b(done)
        await notify_a(done)
        assert len(server.sent(ADMIN)) == 2
        # a failure on the same content is reported too, once
        failed = SimpleNamespace(ok=False, version=3, message="第3行：缺少文号",
                                 fingerprint="v3")
        await notify_a(failed)
        await notify_b(failed)
        told = texts(server.sent(ADMIN))
        assert len(server.sent(ADMIN)) == 3 and "重新加载失败" in told
    with_replicas(tmp_path, bot_engine, redis_url, scenario)


def test_store_outage_answers_questions_and_tells_admins_once(
    tmp_path: Path, engine: Any, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis down: questions are still answered (flood control fails open, settings read
    as default), a step that needs state gets one polite notice, the admins hear once
    when the outage starts and once when it ends, and nobody gets a traceback.

    Deterministic: with no quiet spell (RECOVERY 0) any store call that succeeds ends
    the outage, so the alert loop's background pass (every second by default) could
    end it in the middle of the test when its call straddled the client swap (under
    load) and the admins heard three times.  The loop makes its first pass, the test
    waits for that (an event), and it does not look again during the test.
    """
    import re
    import secrets
    import threading

    import redis

    from bot.alerts.fanout import Drainer

    monkeypatch.setattr("bot.conversation.guarded_store.RECOVERY", 0.0)  # no quiet spell needed
    # the alert loop: one pass, then only when woken (alert_poll below)
    first_pass = threading.Event()
    drain = Drainer.drain

    async def drained(self: Drainer, running: Any = lambda: True) -> int:
        try:
            return await drain(self, running)
        finally:
            first_pass.set()

    monkeypatch.setattr(Drainer, "drain", drained)

    from bot.conversation.store import RedisStore

    store = RedisStore(redis_url, prefix=f"outage-{secrets.token_hex(4)}:")
    good = store.client
    question = "对列入市级试点技术创新中心的企业有什么资金补助？"

    async def scenario(bot: Running) -> None:
        server = bot.server
        assert "市级试点技术创新中心" in texts(await bot.say(1, question))
        assert await asyncio.to_thread(first_pass.wait, 20), "the alert loop's pass"
        start = server.mark()
        store.client = redis.Redis.from_url("redis://127.0.0.1:1/0",
                                            socket_connect_timeout=0.5)
        for _ in range(3):
            sent = await bot.say(1, question)
            assert len(sent) == 1, texts(sent)
            assert "市级试点技术创新中心" in texts(sent)
        notice = await bot.say(1, "/asof 2020-01-01")
        assert len(notice) == 1 and "暂时无法访问" in texts(notice)
        admin = server.sent(ADMIN, start)
        assert len(admin) == 1 and "状态存储不可用" in texts(admin), texts(admin)
        assert "原因：连接被拒绝或中断" in texts(admin)
        assert not re.search(r"[A-Za-z]", re.sub(r"</?b>", "", texts(admin))), texts(admin)
        assert "出了点问题" not in texts(server.sent(1, start))
        store.client = good
        back = await bot.say(1, question)
        assert "市级试点技术创新中心" in texts(back)
        assert back[0].params.get("reply_markup")  # buttons again: refs are stored
        admin = server.sent(ADMIN, start)
        assert len(admin) == 2 and "状态存储已恢复" in admin[1].params["text"]

    try:
        with_bot(tmp_path, engine, store, scenario, alert_poll=3600)
    finally:
        good.close()


def test_message_on_behalf_of_a_chat_is_answered_in_the_chat(
    tmp_path: Path, engine: Any, store: SQLiteStore
) -> None:
    """An anonymous admin / channel post in a group: ``sender_chat`` and no ``from``."""
    import time

    group = -100123

    async def scenario(bot: Running) -> None:
        server = bot.server
        mark = server.mark()
        message = {
            "message_id": 7, "date": int(time.time()),
            "chat": {"id": group, "type": "supergroup", "title": "科技企业群"},
            "sender_chat": {"id": group, "type": "supergroup", "title": "科技企业群"},
            "text": "/asof 2020-01-01",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        }
        update_id = await server.push_raw(bot.token, {"message": message})
        await bot.until_processed(update_id)
        sent = server.sent(group, mark)
        assert len(sent) == 1 and "2020-01-01" in texts(sent), texts(sent)
        assert store.get(f"user:{group}").data == {"as_of": "2020-01-01"}
        assert server.sent(ADMIN, mark) == []  # no traceback

    with_bot(tmp_path, engine, store, scenario)


# -- replies an owner can act on, on a phone ----------------------------------------------
def _quotes(html: str) -> list[str]:
    import re

    return re.findall(r"<blockquote>(.*?)</blockquote>", html, flags=re.S)


def _first_chunk(calls: list[Call]) -> str:
    return str(calls[0].params["text"])


def test_amount_answer_puts_the_bottom_line_first_and_stays_short(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        await bot.say(21, "/asof 2020-06-01")  # 威科字〔2018〕58号 in force
        sent = await bot.say(21, "我们是高新企业，购买技术花了300万，能补多少？")
        assert len(sent) == 1  # one message, not split
        html = _first_chunk(sent)
        assert len(html) <= 1500
        assert html.index("可申请 1 项，合计约 50万元") < html.index("计算：") \
            < html.index("为您找到")
        # 威科字〔2018〕58号 names no 牵头/责任单位 for this clause: the issuer, said so
        assert "向 威海市科学技术局（发文单位） 申报；文件未载明申报时间" in html
        assert "牵头/责任单位" not in html
        sent = await bot.say(21, "企业牵头建设市级技术创新中心能获得多少补助？")
        html = _first_chunk(sent)
        assert "\n牵头/责任单位：市科技局" in html and "发文单位" not in html
        assert "向 市科技局 申报；文件未载明申报时间" in html
        clause = _first_chunk(await bot.press(21, "查看原文1"))  # with validity and office
        assert "未载明有效期（2018年印发）" in clause and "（按 2020-06-01 判断）" in clause
        assert "牵头/责任单位：市科技局" in clause
        assert html.count("<blockquote>") <= 3
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)


def test_expired_policy_is_not_headlined_as_eligible(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        await bot.say(22, "/asof 2024-06-30")  # 威科字〔2018〕58号 expired 2021-11-10
        sent = await bot.say(22, "我们是高新企业，购买技术花了300万，能补多少？")
        html = _first_chunk(sent)
        assert html.startswith("<b>目前没有在有效期内的奖补</b>")
        assert "该政策已于 2021-11-10 失效；按当时规定可获 50万元，现已不能申请" in html
        assert "符合条件" not in html and "可申请" not in html
    with_bot(tmp_path, bot_engine, store, scenario)


def test_excerpts_are_cut_at_sentence_ends_only(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        for chat, question in enumerate(("科技企业孵化器有什么奖励政策？",
                                          "大学科技园升级为国家大学科技园补助多少？",
                                          "技术创新中心"), start=23):
            sent = await bot.say(chat, question)
            html = _first_chunk(sent)
            quotes = _quotes(html)
            assert 1 <= len(quotes) <= 3
            texts = [t for row in bot.keyboards(chat) for t in [row]]
            assert texts  # the 查看原文 buttons are there
            for i, quote in enumerate(quotes, start=1):
                clause = _first_chunk(await bot.press(chat, f"查看原文{i}"))
                body = quote.strip("…")
                assert body in clause  # a contiguous stretch of the clause
                if quote.startswith("…"):
                    before = clause[clause.index(body) - 1]
                    assert before in "。；！？\n", (before, quote)
                if quote.endswith("…"):
                    assert body[-1] in "。；！？", quote
    with_bot(tmp_path, bot_engine, store, scenario)


def test_full_estimate_fits_one_message_and_unfolds(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        sent = await bot.say(27, "/estimate")
        assert "<b>问题 1</b>：" in sent[-1].params["text"]  # total once the type is known
        await bot.press(27, "☐ 企业")
        mark = server.mark()
        sent = await bot.press(27, "选好了")
        edits = [c for c in server.calls[mark:] if c.method == "editMessageText"]
        assert "问题 1" in edits[0].params["text"]
        assert "→ 已选：<b>企业</b>" in edits[0].params["text"]
        assert "问题 2" in sent[-1].params["text"] and "（2/" in sent[-1].params["text"]
        for _ in range(40):
            if "请核对" in sent[-1].params["text"]:
                break
            sent = await bot.press(27, "跳过")
        assert len(sent[-1].params["text"]) <= 1500  # the review fits one screen
        sent = await bot.press(27, "确认")
        assert len(sent) == 1
        result = sent[0].params["text"]
        assert len(result) <= 3000
        assert result.index("需补充信息") < result.index("还需确认")
        assert "项不适用" in result and "展开" in result
        unfolded = await bot.press(27, "展开")
        assert "不适用的" in unfolded[0].params["text"]
        assert all(len(c.params["text"]) <= 4096 for c in unfolded)
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)


def test_replacing_an_unfinished_interview_asks_first(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        await bot.say(28, "企业牵头建设市级技术创新中心能获得多少补助？")  # 估算金额 button
        await bot.say(28, "/estimate")
        await bot.press(28, "☐ 企业")
        await bot.press(28, "选好了")  # question 2 is waiting
        sent = await bot.press(28, "估算金额")  # the older answer's button
        assert "没有完成" in sent[-1].params["text"]
        labels = [b["text"] for row in sent[-1].params["reply_markup"]["inline_keyboard"]
                  for b in row]
        assert labels == ["开始新的估算", "继续当前估算"]
        sent = await bot.press(28, "继续当前估算")
        assert "问题 2" in sent[-1].params["text"]  # the running one, unchanged
        await bot.press(28, "估算金额")
        sent = await bot.press(28, "开始新的估算")
        assert "问题 1" in sent[-1].params["text"] or "请核对" in sent[-1].params["text"]
    with_bot(tmp_path, bot_engine, store, scenario)


def test_edited_message_and_photo_caption_are_answered(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    import time

    async def scenario(bot: Running) -> None:
        server = bot.server
        chat = {"id": 29, "type": "private", "first_name": "用户29"}
        user = {"id": 29, "is_bot": False, "first_name": "用户29"}
        await bot.say(29, "天气")
        mark = server.mark()
        update_id = await server.push_raw(bot.token, {"edited_message": {
            "message_id": 1, "date": int(time.time()), "edit_date": int(time.time()),
            "chat": chat, "from": user, "text": "科技企业孵化器有什么奖励政策？"}})
        await bot.until_processed(update_id)
        sent = server.sent(29, mark)
        assert "孵化器" in sent[0].params["text"] and "威政办字" in sent[0].params["text"]
        mark = server.mark()
        update_id = await server.push_raw(bot.token, {"message": {
            "message_id": 5, "date": int(time.time()), "chat": chat, "from": user,
            "photo": [{"file_id": "p1", "file_unique_id": "p1", "width": 90,
                       "height": 90}],
            "caption": "科技企业孵化器有什么奖励政策？"}})
        await bot.until_processed(update_id)
        sent = server.sent(29, mark)
        assert "威政办字" in sent[0].params["text"]
        commands = server.bots[bot.token].commands
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c["description"])
                   for c in commands)
    with_bot(tmp_path, bot_engine, store, scenario)


def test_stale_clause_button_says_the_clause_changed(
    tmp_path: Path, own_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        await bot.say(30, "/asof 2020-06-01")
        sent = await bot.say(30, "企业购买技术成果能补贴多少？")
        assert "威科字〔2018〕58号" in sent[0].params["text"]
        policy = own_engine.knowledge_dir / "policies" / "weikezi-2018-58.md"
        text = policy.read_text(encoding="utf-8")
        assert "鼓励企业开展技术交易。" in text
        changed = text.replace("鼓励企业开展技术交易。", "积极鼓励企业开展技术交易。", 1)
        policy.write_text(changed, encoding="utf-8")
        assert own_engine.reload().ok
        sent = await bot.press(30, "查看原文1")
        html = sent[0].params["text"]
        assert "已经修改" in html and "重新提问" in str(sent[0].params["reply_markup"])
        sent = await bot.press(30, "重新提问")
        assert "积极鼓励" in texts(sent)
    with_bot(tmp_path, own_engine, store, scenario)


async def _questions_until_review(bot: Any, chat: int, sent: list[Call]) -> list[str]:
    """Skip every question; the questions asked, in order (the review last)."""
    asked: list[str] = []
    for _ in range(40):
        text = sent[-1].params["text"]
        if "请核对" in text:
            return [*asked, text]
        assert "问题" in text, text
        asked.append(text)
        sent = await bot.press(chat, "跳过")
    raise AssertionError("no review after 40 questions")


@pytest.mark.parametrize(
    ("start", "ticks", "asked", "never"),
    [
        ("/estimate", ["☐ 企业"], "创新平台", "孵化载体"),
        ("/estimate", ["☐ 科技企业孵化器"], "孵化载体", None),
        ("/estimate", ["☐ 企业", "☐ 科技企业孵化器"], "孵化载体", None),
        ("对列入市级试点技术创新中心的企业有什么资金补助？", [], "主体", "技术转移"),
        ("技术创新中心有什么支持？", [], "创新平台", "技术转移"),
        ("科技企业孵化器有什么奖励政策？", [], "孵化载体", "技术转移"),
    ],
    ids=["enterprise-not-asked-incubator-titles", "incubator-operator-asked",
         "enterprise-running-an-incubator-asked", "tech-centre-answer-asks-no-transfer",
         "tech-centre-support-asks-platforms", "incubator-answer"],
)
def test_interview_asks_only_what_the_clause_and_applicant_make_relevant(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore, start: str,
    ticks: list[str], asked: str, never: str | None,
) -> None:
    async def scenario(bot: Running) -> None:
        sent = await bot.say(51, start)
        if not start.startswith("/"):
            sent = await bot.press(51, "估算金额")  # the answer's own estimate
        if ticks:
            for tick in ticks:
                await bot.press(51, tick)
            sent = await bot.press(51, "选好了")
        questions = await _questions_until_review(bot, 51, sent)
        review = questions.pop()
        assert questions and asked in questions[0] + (questions[1] if len(questions) > 1
                                                      else ""), questions
        if never is not None:
            assert not any(never in q for q in questions), questions
        if never == "孵化载体":  # said, not silently dropped
            assert "未询问：孵化载体认定" in review
        assert len(review) <= 1500
    with_bot(tmp_path, bot_engine, store, scenario)


# -- the conversation issue: scope outcomes, follow-ups and parity with the terminal ------
PARITY = [
    "认定为国家级科技企业孵化器奖励多少钱？",
    "高企认定需要什么条件",
    "58号文件还有效吗",
    "企业牵头建设市级技术创新中心找哪个部门申请？",
    "2020年我们公司买了300万的技术，能补多少？",
    "买技术的奖励什么时候到账",
    "你好",
    "青岛的孵化器给多少钱",
    "我们是企业，有哪些政策可以申请？",
    "孵化器有5家在孵企业升级为高新技术企业，奖励多少",
    "我们给别的企业做检测服务",
    "社保补贴怎么领",
    # groups, recipients with their own figures, an applicant outside the city, a zero
    "2021年我们区认定的国际合作基地 国家级2家 省级3家 还有1家是市级的 按政策市里奖励加一起多少",
    "我们有两个市级孵化器，2022年分别有8家和13家在孵企业升级为高企，加起来能拿多少",
    "我们是烟台的公司，2020年从威海的高校买了技术，登记了两百万，能有多少奖励",
    "2020年我们买技术合同150万，都没登记，能奖多少",
    # a title held, a part asked, a correction beside a failure (this session's shapes)
    "2022年我们国家级孵化器里在孵企业一共升了13家高企，都在孵化期内，孵化器能拿多少",
    "我们市级孵化器2021年12家在孵企业升了高企，其中5家是软件企业，能拿多少",
    "今年企业牵头的市级技术创新中心有3家，哦不对，是2家；国家级孵化器还没批下来。一共多少",
    # several ceilings at their most, a participant, a year asked (the eighth session's)
    "我们是专利代理机构 2021年代理市内发明专利授权130件 2022年被认定为国家专利运营试点 "
    "2022年首次认定高企 技术先进型服务企业还在等 顶格算一共多少",
    "我们学校参与了一家企业牵头组建的市级技术创新中心 今年获批 我们学校能拿多少",
    "医院的市级临床医学研究中心2024年第一次绩效评价就通过了，今年第二次绩效评价也过了，"
    "今年能拿多少？",
    # a supposed figure, parts within a count, a member of the holder (the ninth session's)
    "我们是技术转移服务机构，2020年促成了4项成果在市内转化，成交额180万，说没到门槛，"
    "要是当时做到260万，能补多少",
    "今年我们市有5家单位拿了技术市场奖励，其中3家拿的是省技术市场奖，2家是国家技术市场奖，"
    "市里配套一共多少",
    "我们是孵化器里的企业，孵化器今年被认定为国家级科技企业孵化器了，我们企业能分多少",
    # a step supposed done, the party asked about, a renewal, a year's level (the tenth's)
    "当时2020年我们买技术那份150万的合同没去登记，假如当时登记了，能拿多少？",
    "我们学校2019年把一项专利卖给了威海本地一家公司，合同200万，对方去登记了。对方企业能拿多少？",
    "我们2019年认定了技术先进型服务企业，2022年复审又认定了，一共能拿多少",
    "我们企业牵头的技术创新中心，2019年是市级，2022年认定为省级，去年成了国家级，三次一共多少钱",
    # what is said of an amount, an incubatee asking for its incubator, a result awaited (the
    # eleventh's)
    "2020年我们买一项技术，合同150万，当时也做了登记，后来对方没履行，合同解除了，一分钱没付，"
    "登记也撤销了。能拿多少奖励",
    "我是一家在孵企业的老板，我们在一个市级孵化器里，入孵第二年，2022年升成了高企。"
    "想问下孵化器那边能因为我们拿多少？",
    "我是镇上分管科技的，我们镇申报国家创新型乡镇，材料已经报上去了，结果还没出来，镇里能拿多少奖励",
    "我们集团在威海有三个孵化器，前年有两个被认定为国家级科技企业孵化器，第三个还在申报没批。"
    "这两个国家级的奖励一共多少",
    # the twelfth session's shapes: parts by outcome, a seller, recipients elsewhere
    "今年全市4家医院的临床医学研究中心参加市级绩效评价，过了3家，不过有一家前年就已经通过过一回了，"
    "这次市里一共拨多少",
    "我们公司把一项技术卖给了烟台的一家企业，2020年签的，合同200万登记了，我们能拿多少",
    "2020年集团下面三家子公司都买了技术，合同都认定登记了：环翠区那家120万，文登那家300万，"
    "还有一家在青岛的200万。三家一共能拿多少奖励？",
    # the thirteenth session's shapes: groups with one pointed away, a review, no title at all
    "2024年我们这批评上技术转移示范机构的有3家，2家是省级、1家国家级，不过国家级那家注册地在"
    "青岛，威海这边总共奖多少",
    "企业牵头的市级技术创新中心，去年通过了市里的复评，这次复评能再拿200万吗？能拿多少",
    "我们公司在威海有两个孵化平台，一个是市级孵化器，2022年有5家在孵企业升成了高企；另一个是"
    "我们自己搞的孵化空间，没有任何级别的认定，也有4家升了高企。孵化奖励一共多少",
    # the fourteenth session's shapes: a list's parts by position, one… one… one more, a
    # part of a total denied (asked), the party asked about after the words that ask
    "2020年我们公司一共签了5份技术购买合同，分别是30万、45万、25万、20万和15万，其中前三份"
    "去登记了，后面两份没登记。能拿多少奖励？",
    "我们医院有3个市级临床医学研究中心：一个今年是第一次通过绩效评价；一个前年就首次通过了，"
    "今年是第二次通过；还有一个今年没评过。今年医院能拿多少钱？",
    "我们厂2020年买了3项技术共250万，两项登记了一项没登记，能奖多少",
    "我是区科技局的，我们区下面的泽头镇今年被评为国家创新型乡镇。问一下这笔奖励区科技局这边"
    "能拿多少？",
]


def _plain_first_line(html: str) -> str:
    from bot.cli.chat import plain

    return plain(html).split("\n", 1)[0]


def test_telegram_and_terminal_lead_with_the_same_bottom_line(
        tmp_path: Path, engine: Any, store: SQLiteStore) -> None:
    from bot.conversation.presenter import answer_json

    async def scenario(bot: Running) -> None:
        for n, question in enumerate(PARITY):
            sent = await bot.say(100 + n, question)  # (a chat of its own each)
            terminal = answer_json(engine.ask(question))["answer_text"]
            assert _plain_first_line(sent[0].params["text"]) == \
                terminal.split("\n", 1)[0], question
        # the amount the question settles is stated at once, no interview first
        sent = await bot.say(60, PARITY[0])
        assert len(sent) == 1 and "200万元" in sent[0].params["text"]
    with_bot(tmp_path, engine, store, scenario)


def test_greeting_suggestion_buttons_and_refusal(tmp_path: Path, engine: Any,
                                                 store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        sent = await bot.say(61, "你好")
        assert "您好！我是威海市科技政策助手" in sent[0].params["text"]
        assert "没有找到" not in sent[0].params["text"]
        sent = await bot.say(61, "我们给别的企业做检测服务")
        html = sent[0].params["text"]
        assert "您是不是想问" in html
        first = sent[0].params["reply_markup"]["inline_keyboard"][0][0]["text"]
        answered = await bot.press(61, first.rstrip("…")[:6])
        assert "为您找到以下相关政策条款" in answered[0].params["text"]
        sent = await bot.say(61, "社保补贴怎么领")
        assert "没有找到适用的条款" in sent[0].params["text"]
        assert "reply_markup" not in sent[0].params or not \
            sent[0].params["reply_markup"].get("inline_keyboard")
    with_bot(tmp_path, engine, store, scenario)


FOLLOW_UPS = [  # (first message, follow-up, what the reply must say)
    ("企业牵头建设市级技术创新中心能获得多少补助？", "升到国家级以后呢？", "1000万元"),
    ("企业牵头建设市级技术创新中心能获得多少补助？", "要是高校牵头呢", "300万元"),
    ("2020年我们公司买了一项专利，合同120万，已经认定登记，能奖多少？",
     "合同额要是1000万呢？", "50万元"),
    ("2020年我们公司买了一项专利，合同120万，已经认定登记，能奖多少？", "那2022年呢",
     "已失效"),
    ("2020年我们技术转移机构促成2项成果在威海转化，成交额300万，能补多少？",
     "说错了，是3项，一共300万", "9万元"),
    ("2020年我们公司买了一项专利，合同120万，已经认定登记，能奖多少？",
     "它从哪天开始执行？", "2018-11-11 起施行"),
    ("2020年我们公司买了一项专利，合同120万，已经认定登记，能奖多少？",
     "要是合同没登记呢", "没有可申请的奖补"),
]


@pytest.mark.parametrize(("first", "follow", "says"), FOLLOW_UPS,
                         ids=["level", "applicant", "amount", "year", "correction",
                              "pronoun", "denied-step"])
def test_follow_up_shapes_through_the_application(
        tmp_path: Path, engine: Any, store: SQLiteStore, first: str, follow: str,
        says: str) -> None:
    async def scenario(bot: Running) -> None:
        await bot.say(62, first)
        await bot.say(62, "/cancel")  # an interview the first answer may start
        sent = await bot.say(62, follow)
        html = "\n".join(c.params["text"] for c in sent)
        assert "没有找到适用的条款" not in html
        assert says in html
    with_bot(tmp_path, engine, store, scenario)


def test_combination_adds_up_the_thread(tmp_path: Path, engine: Any,
                                        store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        await bot.say(63, "企业牵头建设市级技术创新中心能获得多少补助？")
        sent = await bot.say(63, "后来升到省级了呢")
        assert "500万元" in sent[0].params["text"]
        sent = await bot.say(63, "两项加起来多少？")
        assert "700万元" in sent[0].params["text"]
    with_bot(tmp_path, engine, store, scenario)


def test_new_question_during_an_interview_is_answered(tmp_path: Path, engine: Any,
                                                      store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        await bot.say(64, "/estimate")
        sent = await bot.say(64, "科技企业孵化器有什么奖励政策？")
        html = "\n".join(c.params["text"] for c in sent)
        assert "孵化器" in html and "仍在进行" in html
    with_bot(tmp_path, engine, store, scenario)
