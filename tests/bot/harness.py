"""Run the real PTB Application against the local Bot API server inside one event loop.

The usual opening of a Telegram test is one call:

* :func:`with_bot` — a local Bot API server, the real Application on it, ``scenario(bot)``;
* :func:`with_replicas` — the same with two Applications sharing one Redis;
* :func:`with_server` and :func:`bot_on` — a server, and Applications started on it one
  after another (a restart in the middle).

``changes`` are :class:`bot.config.Settings` fields (``flood_limit=3``, ``alert_poll=0.1``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from bot_api_server import BotApiServer, Call
from telegram import Update
from telegram.ext import TypeHandler

from bot.config import Settings
from bot.conversation.core import FullEngine
from bot.conversation.store import StateStore
from bot.telegram.app import build_application, make_webhook
from bot.telegram.runner import WebhookServer, run_bot

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz0123"
ADMIN = 900
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one async scenario (no pytest-asyncio in this project)."""
    return asyncio.run(coro)


def settings_for(server: BotApiServer, data_dir: Path, **changes: Any) -> Settings:
    base = Settings(token=TOKEN, api_base_url=server.base_url, admin_ids=frozenset({ADMIN}),
                    data_dir=data_dir, typing_delay=0.0, rate_limit=0)
    return dataclasses.replace(base, **changes)


@dataclasses.dataclass
class Running:
    app: Any
    server: BotApiServer
    token: str
    webhook: WebhookServer | None = None
    processed: set[int] = dataclasses.field(default_factory=set)
    changed: asyncio.Condition = dataclasses.field(default_factory=asyncio.Condition)

    async def mark_processed(self, update: object, context: Any) -> None:
        """Last handler group: every handler of this update has finished."""
        if isinstance(update, Update):
            async with self.changed:
                self.processed.add(update.update_id)
                self.changed.notify_all()

    async def until_processed(self, update_id: int, timeout: float = 20.0) -> None:
        async with self.changed:
            await asyncio.wait_for(
                self.changed.wait_for(lambda: update_id in self.processed), timeout)

    async def say(self, chat_id: int, text: str) -> list[Call]:
        """Send ``text`` as user ``chat_id``; the bot's messages once it has handled it."""
        mark = self.server.mark()
        update_id = await self.server.push_message(self.token, chat_id, text)
        await self.until_processed(update_id)
        return self.server.sent(chat_id, mark)

    async def press(self, chat_id: int, label: str) -> list[Call]:
        """Press the newest button of the bot whose label contains ``label``."""
        for message_id, markup in reversed(self.keyboards(chat_id)):
            for row in markup:
                for button in row:
                    if label in button["text"]:
                        mark = self.server.mark()
                        update_id = await self.server.push_callback(
                            self.token, chat_id, message_id, button["callback_data"])
                        await self.until_processed(update_id)
                        return self.server.sent(chat_id, mark)
        raise AssertionError(f"no button with {label!r}")

    def keyboards(self, chat_id: int) -> list[tuple[int, list[list[dict[str, Any]]]]]:
        out = []
        for (chat, message_id), message in sorted(self.server.messages.items()):
            if chat == chat_id and message.get("reply_markup"):
                out.append((message_id, message["reply_markup"]["inline_keyboard"]))
        return out


@contextlib.asynccontextmanager
async def running_bot(
    server: BotApiServer, settings: Settings, engine: FullEngine, store: StateStore,
    webhook: bool = False,
) -> AsyncIterator[Running]:
    app = build_application(settings, engine, store)
    running = Running(app, server, settings.token)
    app.add_handler(TypeHandler(Update, running.mark_processed), group=100)
    stop, ready = asyncio.Event(), asyncio.Event()
    hook = make_webhook(app, settings, engine, store) if webhook else None
    url = None
    if hook is not None:
        hook.port = 0
    task = asyncio.create_task(run_bot(app, stop, hook, None, on_ready=ready.set, poll_timeout=1))
    done, _ = await asyncio.wait({task, asyncio.create_task(ready.wait())}, timeout=15,
                                 return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()  # raise the start-up error
    if hook is not None:
        url = f"http://127.0.0.1:{hook.port}{settings.webhook_path}"
        await app.bot.set_webhook(url, secret_token=settings.webhook_secret)
    running.webhook = hook
    try:
        yield running
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


def bot_on(server: BotApiServer, data_dir: Path, engine: FullEngine, store: StateStore,
           webhook: bool = False, **changes: Any
           ) -> contextlib.AbstractAsyncContextManager[Running]:
    """The real Application on ``server`` while the block runs (settings ``changes``;
    ``webhook``: served by the webhook server instead of long polling)."""
    return running_bot(server, settings_for(server, data_dir, **changes), engine, store,
                       webhook=webhook)


@contextlib.asynccontextmanager
async def two_replicas(
    server: BotApiServer, data_dir: Path, engine: FullEngine, redis_url: str, **changes: Any
) -> AsyncIterator[tuple[Running, Running, StateStore, StateStore]]:
    """Two bots (two tokens, two Applications) sharing one Redis, as two replicas would.

    Yields ``(a, b, store_a, store_b)``; the Redis database is emptied first.
    """
    from bot.conversation.store import RedisStore

    store_a, store_b = RedisStore(redis_url), RedisStore(redis_url)
    store_a.client.flushdb()
    settings_a = settings_for(server, data_dir, redis_url=redis_url, **changes)
    settings_b = dataclasses.replace(settings_a, token=TOKEN.replace("TEST", "TSTB"))
    try:
        async with (
            running_bot(server, settings_a, engine, store_a) as a,
            running_bot(server, settings_b, engine, store_b) as b,
        ):
            yield a, b, store_a, store_b
    finally:
        store_a.close()
        store_b.close()


def with_bot(data_dir: Path, engine: FullEngine, store: StateStore,
             scenario: Callable[[Running], Awaitable[T]], webhook: bool = False,
             **changes: Any) -> T:
    """The usual opening in one call: a local Bot API server, the real Application on
    it (settings changed by ``changes``), then ``scenario(bot)``, whose result it returns;
    ``bot.server`` is the server."""
    async def main() -> T:
        async with BotApiServer() as server, bot_on(server, data_dir, engine, store,
                                                    webhook, **changes) as bot:
            return await scenario(bot)

    return run(main())


def with_replicas(data_dir: Path, engine: FullEngine, redis_url: str,
                  scenario: Callable[[Running, Running, StateStore, StateStore], Awaitable[T]],
                  **changes: Any) -> T:
    """:func:`with_bot` for two replicas on one Redis (:func:`two_replicas`):
    ``scenario(a, b, store_a, store_b)``."""
    async def main() -> T:
        async with BotApiServer() as server, two_replicas(server, data_dir, engine, redis_url,
                                                          **changes) as (a, b, sa, sb):
            return await scenario(a, b, sa, sb)

    return run(main())


def with_server(scenario: Callable[[BotApiServer], Awaitable[T]]) -> T:
    """A local Bot API server for a scenario that starts its Applications itself
    (:func:`bot_on`), e.g. one after another across a restart."""
    async def main() -> T:
        async with BotApiServer() as server:
            return await scenario(server)

    return run(main())


async def until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait (polling briefly) until ``predicate()`` holds; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.02)
