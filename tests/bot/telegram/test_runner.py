"""Webhook mode (secret checked, /healthz) and per-chat ordering of updates."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from harness import Running, run, with_bot
from recording import RecordingEngine
from telegram import Chat, Message, Update, User

from bot.conversation.store import SQLiteStore
from bot.telegram.runner import SECRET_HEADER, PerChatUpdateProcessor

SECRET = "webhook-secret-0123456789"


def test_webhook_checks_secret_and_serves_health(tmp_path: Path, bot_engine: RecordingEngine,
                                                 store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        assert bot.webhook is not None
        base = f"http://127.0.0.1:{bot.webhook.port}"
        async with aiohttp.ClientSession() as http:
            async with http.get(base + "/healthz") as resp:
                assert resp.status == 200
                body = await resp.json()
                assert body["ok"] is True
                assert body["engine_version"] == bot_engine.version == 1
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

    with_bot(tmp_path, bot_engine, store, scenario, webhook=True, webhook_secret=SECRET,
             webhook_path="/hook")


def test_healthz_reports_a_broken_store(tmp_path: Path, bot_engine: RecordingEngine,
                                        store: SQLiteStore) -> None:
    async def scenario(bot: Running) -> None:
        assert bot.webhook is not None
        store.ping = lambda: False  # type: ignore[method-assign]
        url = f"http://127.0.0.1:{bot.webhook.port}/healthz"
        async with aiohttp.ClientSession() as http, http.get(url) as resp:
            assert resp.status == 503

    with_bot(tmp_path, bot_engine, store, scenario, webhook=True, webhook_secret=SECRET)


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


def test_unparsable_update_is_skipped_once_not_refetched(
    tmp_path: Path, engine: Any, store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    """One update PTB cannot parse used to wedge polling: the batch was fetched again in a
    hot loop.  Now it is logged once and skipped; the next message is answered."""
    import logging

    caplog.set_level(logging.ERROR, logger="bot.telegram.runner")

    async def scenario(bot: Running) -> None:
        server = bot.server
        bad = await server.push_raw(bot.token, {"message": {
            "message_id": 1, "date": 0, "chat": "not a chat", "text": "坏"}})
        sent = await bot.say(5, "技术创新中心有什么支持？")
        assert "技术创新中心" in sent[0].params["text"]
        await asyncio.sleep(1.0)  # a hot loop would fetch the bad batch hundreds of times
        fetched = [c for c in server.calls if c.method == "getUpdates"
                   and any(u.get("update_id") == bad for u in c.result or [])]
        assert len(fetched) <= 3, len(fetched)
        state = server.bots[bot.token]
        assert all(u["update_id"] != bad for u in state.updates)  # confirmed

    with_bot(tmp_path, engine, store, scenario)
    skipped = [r for r in caplog.records if "skipping update" in r.getMessage()]
    assert len(skipped) == 1


def test_poll_backoff_doubles_up_to_a_cap() -> None:
    from bot.telegram.runner import MAX_POLL_BACKOFF, SkippingBot

    bot = SkippingBot("123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123")
    waits = []
    for failures in range(1, 10):
        bot._poll_failures = failures
        waits.append(bot.poll_backoff())
    assert waits[:3] == [0.5, 1.0, 2.0] and waits[-1] == MAX_POLL_BACKOFF


def test_webhook_hostile_input_is_400_or_403_never_500(
    tmp_path: Path, engine: Any, store: SQLiteStore
) -> None:
    """Over HTTP: a non-ASCII secret header, valid JSON that is not an update, deeply
    nested JSON.  Each is refused (403/400) without a traceback; the bot keeps serving."""
    async def scenario(bot: Running) -> None:
        assert bot.webhook is not None
        url = f"http://127.0.0.1:{bot.webhook.port}/hook"
        ok = {SECRET_HEADER: SECRET}
        async with aiohttp.ClientSession() as http:
            for value in ("密钥".encode().decode("latin-1"), "s\u00e9cret"):
                async with http.post(url, json={"update_id": 1},
                                     headers={SECRET_HEADER: value}) as resp:
                    assert resp.status == 403
            bodies: list[bytes] = [
                b"[]", b'"update"', b"42", b"null", b'{"update_id": "x"}',
                b'{"update_id": 5, "message": 7}',
                b'{"update_id": 6, "message": {"chat": "not a chat"}}',
                b'{"update_id": 7, "callback_query": []}',
                b"[" * 100_000 + b"]" * 100_000,
                b'{"update_id": 8, "message": ' + b'{"a": ' * 5000 + b"1"
                + b"}" * 5001,
            ]
            for body in bodies:
                async with http.post(url, data=body, headers={
                        **ok, "Content-Type": "application/json"}) as resp:
                    assert resp.status == 400, (body[:60], resp.status)
        sent = await bot.say(42, "技术创新中心有什么支持？")
        assert "技术创新中心" in sent[0].params["text"]

    with_bot(tmp_path, engine, store, scenario, webhook=True, webhook_secret=SECRET,
             webhook_path="/hook")


async def _raw_webhook(monkeypatch: pytest.MonkeyPatch) -> Any:
    from types import SimpleNamespace

    from bot.telegram.runner import WebhookServer

    async def health() -> dict[str, Any]:
        return {"ok": True}

    app = SimpleNamespace(update_queue=asyncio.Queue(), bot=None)
    hook = WebhookServer(app, "/hook", None, health)  # type: ignore[arg-type]
    await hook.start()
    return hook


def test_webhook_closes_a_client_that_never_finishes_its_headers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.telegram.runner.HEADER_TIMEOUT", 0.5, raising=False)

    async def scenario() -> None:
        hook = await _raw_webhook(monkeypatch)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", hook.port)
            writer.write(b"POST /hook HTTP/1.1\r\nHost: x\r\n")  # and then nothing
            await writer.drain()
            try:
                closed = await asyncio.wait_for(reader.read(), 10)
            except TimeoutError:
                pytest.fail("a client dribbling its headers held the connection open")
            assert b"200" not in closed
            writer.close()
        finally:
            await hook.stop()

    asyncio.run(scenario())


def test_a_client_dropping_mid_body_is_one_log_line(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    async def scenario() -> None:
        hook = await _raw_webhook(monkeypatch)
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", hook.port)
            writer.write(b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                         b"\r\nContent-Length: 1000\r\n\r\n{\"update_id\": 1, ")
            await writer.drain()
            await asyncio.sleep(0.2)
            writer.transport.abort()  # the client goes away mid-body
            await asyncio.sleep(0.5)
        finally:
            await hook.stop()

    with caplog.at_level(logging.DEBUG):
        asyncio.run(scenario())
    assert not [r for r in caplog.records if r.exc_info], caplog.text
    dropped = [r for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped) == 1 and dropped[0].levelno <= logging.INFO, caplog.text
