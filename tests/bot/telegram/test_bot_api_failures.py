"""A Bot API server that is down, wrong or flapping: one clear line per state change.

Through the real Application (``build_application`` + ``run_bot``) and ``policybot serve``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp import web
from bot_api_server import BotApiServer
from cli_runner import REPO
from harness import TOKEN, bot_on, run, settings_for
from recording import RecordingEngine

from bot.conversation.store import SQLiteStore
from bot.telegram.app import build_application
from bot.telegram.runner import BotApiUnavailable, run_bot

pytestmark = pytest.mark.slow


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_against_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": url,
           "POLICYBOT_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--no-watch",
                           "--embedder", "hash"], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=300, check=False)
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = [line for line in proc.stderr.splitlines() if line.startswith("policybot:")]
    assert len(lines) == 1, proc.stderr[-2000:]
    assert "getMe" in lines[0] and url in lines[0] and "TELEGRAM_API_BASE_URL" in lines[0]
    assert "内部错误" not in proc.stderr and "Traceback" not in proc.stderr
    assert TOKEN not in proc.stderr
    assert "ModuleNotFoundError" not in proc.stderr  # faiss's loader, at every start


def test_an_incompatible_server_names_get_me_and_the_url(
        tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    async def not_bot_api(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": ["not", "a", "user"]})

    async def scenario() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", not_bot_api)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        url = f"http://127.0.0.1:{port}"
        settings = settings_for(BotApiServer(), tmp_path)
        settings = type(settings)(**{**settings.__dict__, "api_base_url": url})
        application = build_application(settings, bot_engine, store)
        try:
            with pytest.raises(BotApiUnavailable) as info:
                await run_bot(application, asyncio.Event())
        finally:
            await runner.cleanup()
        message = str(info.value)
        assert "getMe" in message and url in message and "不是 Bot API 的格式" in message
        assert "内部错误" not in message and TOKEN not in message
    run(scenario())


def test_polling_logs_one_line_when_the_server_goes_and_one_when_it_is_back(
        tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario() -> None:
        server = await BotApiServer().start()
        try:
            async with bot_on(server, tmp_path, bot_engine, store) as bot:
                assert (await bot.say(66, "/start"))
                await server.stop()
                caplog.clear()
                await asyncio.sleep(6)  # several back-off steps of PTB's retry loop
                server._closing = False
                await server.start()  # same port
                for _ in range(200):
                    if any("已恢复" in r.getMessage() for r in caplog.records):
                        break
                    await asyncio.sleep(0.05)
                assert (await bot.say(66, "/help"))
        finally:
            await server.stop()

    run(scenario())
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    down = [r for r in problems if "暂时不可用" in r.getMessage()]
    back = [r for r in problems if "已恢复" in r.getMessage()]
    assert len(down) == 1 and len(back) == 1, [r.getMessage() for r in problems]
    assert "getUpdates" in down[0].getMessage() and "127.0.0.1" in down[0].getMessage()
    assert not [r for r in problems if r.exc_info], [r.getMessage() for r in problems]
    assert down[0].created < back[0].created
