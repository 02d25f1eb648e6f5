"""Policy alerts end to end: the real Application, the local Bot API server, real stores.

Owners subscribe with what they told the bot; staff add a document under the watcher; the
push arrives once, to the owners it fits, and never again — across a restart in the middle
of the fan-out and across two replicas on one Redis.  Tests wait for conditions (a reload
seen, a queue drained), never for a fixed time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import alert_docs
import pytest
from bot_api_server import BotApiServer, Call
from harness import ADMIN, Running, bot_on, until, with_bot, with_replicas, with_server
from recording import RecordingEngine

from bot.alerts import fanout, subscriptions
from bot.alerts.subscriptions import Subscription
from bot.conversation.store import SQLiteStore, StateStore

pytestmark = pytest.mark.slow
QUESTION = "企业购买技术成果能补贴多少？"
ALERT = "政策提醒"
ENTERPRISE = {"applicant_types": frozenset({"enterprise"})}


QUICK: dict[str, Any] = {"alert_poll": 0.1, "alert_rate": 200}  # settings: quick alerts


def alerts(server: BotApiServer, chat_id: int, since: int = 0) -> list[Call]:
    return [c for c in server.sent(chat_id, since) if ALERT in c.params["text"]]


def settled(bot: Any, engine: Any) -> Callable[[], bool]:
    """The bot's alert loop has seen the engine's snapshot and its queue is empty."""
    service = bot.app.bot_data.alerts

    def done() -> bool:
        if service.baseline is not engine.snapshot:
            return False
        jobs = service.store.get(fanout.JOBS).data or {}
        return not jobs.get("active")

    return done


def test_subscribe_keeps_what_was_told_shows_it_and_unsubscribe_deletes_it(
        tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        await bot.say(7, QUESTION)
        sent = await bot.say(7, "/subscribe")
        text = sent[-1].params["text"]
        assert "已订阅政策提醒" in text and "申报主体类型：企业" in text
        assert "购买技术" in text and "不保存聊天内容" in text
        kept = subscriptions.load(store, 7)
        assert kept is not None and kept.facts == ENTERPRISE
        assert QUESTION not in str(store.get("alerts:sub:7").data)
        shown = await bot.say(7, "/subscription")
        assert "订阅保存的信息" in shown[-1].params["text"]
        menu = [c["command"] for c in server.bots[bot.token].commands]
        assert menu[:2] == ["start", "estimate"] and "subscribe" in menu
        assert "/subscribe" in (await bot.say(7, "/help"))[-1].params["text"]
        gone = await bot.say(7, "/unsubscribe")
        assert "已全部删除" in gone[-1].params["text"]
        assert subscriptions.load(store, 7) is None and subscriptions.chats(store) == []
        again = await bot.say(7, "/unsubscribe")
        assert "尚未订阅" in again[-1].params["text"]

    with_bot(tmp_path, bot_engine, store, scenario, **QUICK)


def test_unsubscribe_erases_every_record_holding_the_persons_text(
        tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    """The follow-up context and the clause buttons' references hold the raw question
    (a name, a phone number): /unsubscribe erases them with the subscription."""
    personal = "我是张三，电话13800138000，" + QUESTION

    def holding() -> list[str]:
        rows = store._conn().execute("SELECT key, data FROM kv").fetchall()
        return [key for key, data in rows if data and "13800138000" in data]

    async def scenario(bot: Running) -> None:
        await bot.say(7, personal)
        await bot.say(7, "/subscribe")
        assert any(k.startswith("ctx:7:") for k in holding())
        assert any(k.startswith("ref:") for k in holding())
        gone = await bot.say(7, "/unsubscribe")
        assert "已全部删除" in gone[-1].params["text"]
        assert holding() == []

    with_bot(tmp_path, bot_engine, store, scenario, **QUICK)


def test_subscribe_asks_for_the_applicant_type_when_unknown(
        tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        sent = await bot.say(8, "/subscribe")
        assert "主体类型" in sent[-1].params["text"]
        chosen = await bot.press(8, "企业")
        assert "已订阅政策提醒" in chosen[-1].params["text"]
        kept = subscriptions.load(store, 8)
        assert kept is not None and kept.facts == ENTERPRISE
        gone = await bot.press(8, "退订提醒")
        assert "已全部删除" in gone[-1].params["text"]
        assert subscriptions.load(store, 8) is None
        not_admin = await bot.say(8, "/stats")
        assert all("订阅用户" not in c.params["text"] for c in not_admin)

    with_bot(tmp_path, bot_engine, store, scenario, **QUICK)


def test_a_matching_document_is_pushed_once_and_others_send_nothing(
        tmp_path: Path, own_engine: RecordingEngine, store: SQLiteStore) -> None:
    from bot.telegram.app import start_knowledge_watcher

    async def scenario(bot: Running) -> None:
        server = bot.server
        await bot.say(11, QUESTION)
        await bot.say(11, "/subscribe")
        await bot.say(12, "科技企业孵化器有什么奖励政策？")
        await bot.say(12, "/subscribe")
        watcher = await start_knowledge_watcher(bot.app, debounce_ms=200)
        try:
            mark = server.mark()
            alert_docs.add(own_engine.knowledge_dir, "weikezi-2026-9.md", alert_docs.MATCHING)
            pushed = await server.wait_for(
                lambda c: c.method == "sendMessage" and ALERT in str(c.params.get("text")),
                mark, timeout=30)
            await until(settled(bot, own_engine))
            text = pushed[0].params["text"]
            assert int(pushed[0].params["chat_id"]) == 11
            assert "威科字〔2026〕9号" in text and "100万元" in text
            assert "威海市科学技术局" in text and "一、" in text
            assert len(alerts(server, 11, mark)) == 1 and alerts(server, 12, mark) == []
            interview = await bot.press(11, "查看完整估算")
            assert interview  # the estimate starts from the kept facts
            figures = await bot.say(ADMIN, "/stats")
            assert "订阅用户：2" in figures[-1].params["text"].replace("<code>", "") \
                .replace("</code>", "")

            reloads = own_engine.reloads
            mark = server.mark()
            alert_docs.add(own_engine.knowledge_dir, "weikezi-2026-10.md",
                           alert_docs.UNRELATED)
            await until(lambda: own_engine.reloads > reloads)
            await until(settled(bot, own_engine))
            assert alerts(server, 11, mark) == [] and alerts(server, 12, mark) == []

            await bot.say(11, "/unsubscribe")
            reloads = own_engine.reloads
            mark = server.mark()
            alert_docs.add(own_engine.knowledge_dir, "weikezi-2026-9.md",
                           alert_docs.MATCHING.replace("100万元", "200万元"))
            await until(lambda: own_engine.reloads > reloads)
            await until(settled(bot, own_engine))
            assert alerts(server, 11, mark) == []
        finally:
            await watcher.stop_async()

    with_bot(tmp_path, own_engine, store, scenario, **QUICK)


def _subscribe_many(store: StateStore, chats: range) -> None:
    for chat in chats:
        subscriptions.save(store, Subscription(chat, chat, dict(ENTERPRISE),
                                               ("tech_purchase",), "2026-01-01"))


def test_a_restart_mid_fan_out_loses_and_duplicates_nothing(
        tmp_path: Path, own_engine: RecordingEngine, store: SQLiteStore) -> None:
    slow = {**QUICK, "alert_rate": 4}  # slow enough to stop in the middle
    chats = range(100, 108)
    _subscribe_many(store, chats)

    async def scenario(server: BotApiServer) -> None:
        async with bot_on(server, tmp_path, own_engine, store, **slow):
            alert_docs.add(own_engine.knowledge_dir, "weikezi-2026-9.md", alert_docs.MATCHING)
            assert own_engine.reload().ok
            await server.wait_for(lambda c: ALERT in str(c.params.get("text")),
                                  timeout=30, count=2)
        first = sum(len(alerts(server, c)) for c in chats)
        left = fanout.summary(store)
        assert left is not None and 0 < left["pending"] < len(chats)
        assert first + left["pending"] == len(chats)
        async with bot_on(server, tmp_path, own_engine, store, **slow) as bot:
            await until(settled(bot, own_engine))
        assert [len(alerts(server, c)) for c in chats] == [1] * len(chats)
        done = fanout.summary(store)
        assert done is not None and done["sent"] == len(chats) and done["pending"] == 0

    with_server(scenario)


def test_two_replicas_on_one_redis_send_each_push_once(
        tmp_path: Path, own_engine: RecordingEngine, redis_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fanout, "CHUNK", 3)  # several chunks: both replicas take some
    chats = range(200, 212)

    async def scenario(a: Running, b: Running, store_a: StateStore, _: StateStore) -> None:
        _subscribe_many(store_a, chats)
        alert_docs.add(own_engine.knowledge_dir, "weikezi-2026-9.md", alert_docs.MATCHING)
        assert own_engine.reload().ok
        await until(settled(a, own_engine))
        await until(settled(b, own_engine))
        assert [len(alerts(a.server, c)) for c in chats] == [1] * len(chats)
        done = fanout.summary(store_a)
        assert done is not None and done["sent"] + done["skipped"] == len(chats)
        assert done["pending"] == 0 and done["failed"] == 0

    with_replicas(tmp_path, own_engine, redis_url, scenario, **QUICK)


def test_admins_are_told_of_alerts_the_store_lost(tmp_path: Path, bot_engine: RecordingEngine,
                                                  store: SQLiteStore) -> None:
    from bot.telegram.alert_handlers import lost_notifier

    async def scenario(bot: Running) -> None:
        mark = bot.server.mark()
        await lost_notifier(bot.app, frozenset({ADMIN}))("k1", 3)
        told = bot.server.sent(ADMIN, mark)
        assert len(told) == 1 and "3 条消息未能发出" in told[0].params["text"]
    with_bot(tmp_path, bot_engine, store, scenario, **QUICK)
