"""Webhook mode (secret checked, /healthz) and per-chat ordering of updates."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from bot_api_server import BotApiServer
from fakes import FakeEngine
from harness import run, running_bot, settings_for
from telegram import Chat, Message, Update, User

from bot.conversation.store import SQLiteStore
from bot.telegram.runner import SECRET_HEADER, PerChatUpdateProcessor

SECRET = "webhook-secret-0123456789"


def test_webhook_checks_secret_and_serves_health(tmp_path: Path, fake_engine: FakeEngine,
                                                 store: SQLiteStore) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server:
            settings = settings_for(server, tmp_path, webhook_secret=SECRET,
                                    webhook_path="/hook")
            async with running_bot(server, settings, fake_engine, store, webhook=True) as bot:
                assert bot.webhook is not None
                base = f"http://127.0.0.1:{bot.webhook.port}"
                async with aiohttp.ClientSession() as http:
                    async with http.get(base + "/healthz") as resp:
                        assert resp.status == 200
                        body = await resp.json()
                        assert body["ok"] is True and body["engine_version"] == 1
                    update: dict[str, Any] = {"update_id": 1}
                    for headers, status in (({}, 403), ({SECRET_HEADER: "wrong"}, 403)):
                        async with http.post(base + "/hook", json=update,
                                             headers=headers) as resp:
                            assert resp.status == status
                    async with http.post(base + "/hook", data=b"not json",
                                         headers={SECRET_HEADER: SECRET}) as resp:
                        assert resp.status == 400
                # The fake Telegram delivers pushed updates to the webhook with the secret.
                sent = await bot.say(41, "技术创新中心有什么支持？")
                assert "威政办字〔2018〕106号" in sent[0].params["text"]
                assert server.bots[bot.token].webhook["last_status"] == 200
                assert not [c for c in server.calls if c.method == "getUpdates"]
    run(scenario())


def test_healthz_reports_a_broken_store(tmp_path: Path, fake_engine: FakeEngine,
                                        store: SQLiteStore) -> None:
    async def scenario() -> None:
        async with BotApiServer() as server, running_bot(
            server, settings_for(server, tmp_path, webhook_secret=SECRET), fake_engine, store,
            webhook=True,
        ) as bot:
            assert bot.webhook is not None
            store.ping = lambda: False  # type: ignore[method-assign]
            url = f"http://127.0.0.1:{bot.webhook.port}/healthz"
            async with aiohttp.ClientSession() as http, http.get(url) as resp:
                assert resp.status == 503
    run(scenario())


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "u", False)
    message = Message(update_id, datetime.now(UTC), Chat(chat_id, "private"), from_user=user,
                      text="x")
    return Update(update_id, message=message)


def test_per_chat_order_and_cross_chat_concurrency() -> None:
    async def scenario() -> None:
        processor = PerChatUpdateProcessor(16)
        log: list[tuple[int, str]] = []

        async def work(chat: int, n: int, delay: float) -> None:
            log.append((chat, f"start{n}"))
            await asyncio.sleep(delay)
            log.append((chat, f"end{n}"))

        await asyncio.gather(
            processor.process_update(_update(1, 1), work(1, 1, 0.05)),
            processor.process_update(_update(2, 1), work(1, 2, 0.0)),
            processor.process_update(_update(3, 2), work(2, 1, 0.0)),
        )
        chat1 = [e for c, e in log if c == 1]
        assert chat1 == ["start1", "end1", "start2", "end2"]
        assert log.index((2, "end1")) < log.index((1, "end1"))  # chat 2 did not wait
        assert processor._locks == {}  # no lock kept for idle chats
    run(scenario())
