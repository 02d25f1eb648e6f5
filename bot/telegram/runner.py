"""Running the Application: per-chat ordering, polling or webhook, clean shutdown.

``run_bot`` drives the PTB lifecycle itself (initialize → post_init → start → updates →
stop → shutdown) instead of ``run_polling``/``run_webhook``, so tests and the CLI share one
code path that can be stopped with an :class:`asyncio.Event`.

Webhook mode serves an aiohttp app: ``POST <path>`` checks the
``X-Telegram-Bot-Api-Secret-Token`` header (constant-time) and feeds
``application.update_queue``; ``GET /healthz`` reports the engine version and the store.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1 << 20


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of one chat run one after another; different chats run concurrently.

    Concurrency keeps 200 chats from waiting on each other; per-chat order keeps a user's
    two quick answers from racing (across replicas the store's compare-and-set does).
    """

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        self._users[chat.id] = self._users.get(chat.id, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[chat.id] -= 1
            if self._users[chat.id] == 0:
                del self._users[chat.id]
                del self._locks[chat.id]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


@dataclass
class WebhookServer:
    """The aiohttp server of webhook mode; ``port`` is known once started."""

    application: Application
    path: str
    secret: str | None
    health: Callable[[], Awaitable[dict[str, Any]]]
    host: str = "127.0.0.1"
    port: int = 0
    _runner: web.AppRunner | None = field(default=None, repr=False)

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_post(self.path, self.receive)
        app.router.add_get("/healthz", self.healthz)
        return app

    async def receive(self, request: web.Request) -> web.Response:
        """One update from Telegram: check the secret, queue it, answer at once."""
        if self.secret:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.secret.encode()):
                return web.Response(status=403, text="forbidden")
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="bad update")
        if update is None:
            return web.Response(status=400, text="bad update")
        await self.application.update_queue.put(update)
        return web.Response(text="ok")

    async def healthz(self, request: web.Request) -> web.Response:
        """Liveness and readiness: 200 when the store answers, else 503."""
        try:
            status = await self.health()
        except Exception as exc:  # health must answer, whatever broke
            status = {"ok": False, "error": type(exc).__name__}
        return web.json_response(status, status=200 if status.get("ok") else 503)

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        log.info("webhook listening on http://%s:%d%s", self.host, self.port, self.path)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def run_bot(
    application: Application,
    stop: asyncio.Event,
    webhook: WebhookServer | None = None,
    webhook_url: str | None = None,
    on_ready: Callable[[], None] | None = None,
    poll_timeout: int = 10,
) -> None:
    """Serve until ``stop`` is set: long polling, or the webhook server when given."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        if webhook is not None:
            await webhook.start()
            if webhook_url:
                await application.bot.set_webhook(
                    url=webhook_url, secret_token=webhook.secret,
                    allowed_updates=Update.ALL_TYPES,
                )
        else:
            assert application.updater is not None
            await application.bot.delete_webhook()
            await application.updater.start_polling(
                timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
            )
        if on_ready is not None:
            on_ready()
        await stop.wait()
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if webhook is not None:
            await webhook.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
