"""Running the Application: per-chat ordering, polling or webhook, clean shutdown.

``run_bot`` drives the PTB lifecycle itself (initialize → post_init → start → updates →
stop → shutdown) instead of ``run_polling``/``run_webhook``, so tests and the CLI share one
code path that can be stopped with an :class:`asyncio.Event`.

Webhook mode serves an aiohttp app: ``POST <path>`` checks the
``X-Telegram-Bot-Api-Secret-Token`` header (constant-time) and feeds
``application.update_queue``; ``GET /healthz`` reports the engine version and the store.
A request must arrive within :data:`HEADER_TIMEOUT` and its body within
:data:`BODY_TIMEOUT`; a client that drops mid-body is one log line, not a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientPayloadError, web
from telegram import Update
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    ContextTypes,
    ExtBot,
    JobQueue,
)

from bot.render import render_text
from knowledge.errors import PolicyBotError

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1 << 20
HEADER_TIMEOUT = 15.0  # seconds for a client to send a complete request (and idle keep-alive)
BODY_TIMEOUT = 15.0  # seconds for the body once the headers are in
MAX_JSON_DEPTH = 64  # a real update nests about 10 deep
MAX_POLL_BACKOFF = 30.0  # seconds: the longest pause between failing getUpdates
FIRST_POLL_BACKOFF = 0.5


class BotApiUnavailable(PolicyBotError):
    """The Bot API server did not answer ``getMe`` as a Bot API server does: unreachable,
    the token refused, or not a Bot API at that URL.  One line for the operator."""


def api_base(bot: ExtBot[Any]) -> str:
    """The Bot API base URL ``bot`` talks to, without its token."""
    url = str(bot.base_url).replace(str(bot.token), "")
    return url.removesuffix("/").removesuffix("/bot") or url


def describe(exc: BaseException) -> str:
    """What went wrong, for the operator: a failure kind and the library's words."""
    kind = "token" if isinstance(exc, InvalidToken) else \
        "network" if isinstance(exc, NetworkError) else \
        "api" if isinstance(exc, TelegramError) else "protocol"
    return render_text("bot_api.txt.j2", kind=kind, error=f"{type(exc).__name__}: {exc}")


class PollHealth:
    """One log line when ``getUpdates`` starts failing and one when it works again, not a
    traceback per retry (PTB's default logs one at every back-off step)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.failing = False

    def failed(self, exc: TelegramError) -> None:
        if self.failing:
            log.debug("getUpdates still failing: %s", exc)
            return
        self.failing = True
        log.warning(render_text("bot_api.txt.j2", kind="poll_down", url=self.url,
                                error=describe(exc)))

    def working(self) -> None:
        if self.failing:
            self.failing = False
            log.warning(render_text("bot_api.txt.j2", kind="poll_up", url=self.url))


class SkippingBot(ExtBot[Any]):
    """An ``ExtBot`` whose ``getUpdates`` survives an update the library cannot parse.

    PTB parses a fetched batch as a whole; one update it cannot parse fails the batch, the
    offset never advances and the same batch is fetched again in a hot loop.  Here the
    batch is then parsed update by update: the bad one is logged once and skipped (the next
    ``getUpdates`` confirms it by its offset), the rest are served.  Repeated failures
    back off exponentially (0.5 s doubling up to :data:`MAX_POLL_BACKOFF`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._skip_before = 0  # offset past every update skipped so far
        self._poll_failures = 0
        self._health: PollHealth | None = None  # told when polling works again

    def report_to(self, health: PollHealth) -> None:
        """Tell ``health`` when ``getUpdates`` works (again)."""
        self._health = health

    def poll_backoff(self) -> float:
        """The pause after the current run of failures."""
        if self._poll_failures <= 0:
            return 0.0
        return float(min(MAX_POLL_BACKOFF, FIRST_POLL_BACKOFF * 2 ** (self._poll_failures - 1)))

    async def get_updates(
        self, offset: int | None = None, limit: int | None = None, timeout: Any = None,
        allowed_updates: Any = None, **kwargs: Any,
    ) -> tuple[Update, ...]:
        if self._skip_before and (offset is None or 0 <= offset < self._skip_before):
            offset = self._skip_before
        try:
            updates = await super().get_updates(offset, limit, timeout, allowed_updates, **kwargs)
        except TelegramError:
            raise  # network errors: PTB's retry loop backs off already
        except Exception as exc:
            return await self._one_by_one(offset, limit, allowed_updates, exc)
        self._poll_failures = 0
        if self._health is not None:
            self._health.working()
        return updates

    async def _one_by_one(self, offset: int | None, limit: int | None, allowed: Any,
                          error: Exception) -> tuple[Update, ...]:
        self._poll_failures += 1
        try:
            raw = await self._post("getUpdates", {"offset": offset, "limit": limit,
                                                  "timeout": 0, "allowed_updates": allowed})
        except Exception:
            await asyncio.sleep(self.poll_backoff())
            raise
        good: list[Update] = []
        skipped = False
        for item in raw if isinstance(raw, list) else []:
            update_id = item.get("update_id") if isinstance(item, dict) else None
            try:
                update = Update.de_json(item, self)
                if update is None:
                    raise ValueError("empty update")
                self.insert_callback_data(update)
                good.append(update)
            except Exception as exc:
                if isinstance(update_id, int) and update_id >= self._skip_before:
                    self._skip_before = update_id + 1
                    skipped = True
                    log.error("skipping update %d: the library cannot parse it (%s: %s)",
                              update_id, type(exc).__name__, exc)
        if not good and not skipped:  # no progress: do not hammer the server
            log.error("getUpdates keeps failing (%s: %s); retrying in %.1fs",
                      type(error).__name__, error, self.poll_backoff())
            await asyncio.sleep(self.poll_backoff())
        elif good:
            self._poll_failures = 0
        return tuple(good)


AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class SkippingApplicationBuilder(ApplicationBuilder[
    ExtBot[None], ContextTypes.DEFAULT_TYPE, dict[Any, Any], dict[Any, Any], dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE]]
):
    """``Application.builder()`` whose bot is a :class:`SkippingBot`."""

    def _build_ext_bot(self) -> ExtBot[Any]:
        if isinstance(self._token, DefaultValue):
            raise RuntimeError("No bot token was set.")
        return SkippingBot(
            token=self._token,
            base_url=DefaultValue.get_value(self._base_url),
            base_file_url=DefaultValue.get_value(self._base_file_url),
            private_key=DefaultValue.get_value(self._private_key),
            private_key_password=DefaultValue.get_value(self._private_key_password),
            defaults=DefaultValue.get_value(self._defaults),
            arbitrary_callback_data=DefaultValue.get_value(self._arbitrary_callback_data),
            request=self._build_request(get_updates=False),
            get_updates_request=self._build_request(get_updates=True),
            rate_limiter=DefaultValue.get_value(self._rate_limiter),
            local_mode=DefaultValue.get_value(self._local_mode),
        )


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


def json_depth(value: Any) -> int:
    """Nesting depth of parsed JSON, without recursion (1 for a flat object)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


async def _read_body(request: web.Request) -> bytes | web.Response:
    """The body, or the answer when it does not come: a client that stalls gets 408, one
    that drops mid-body is one log line (it is gone: nobody reads the answer)."""
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            return await request.read()
    except TimeoutError:
        log.info("webhook: the client sent no complete body within %.0f s", BODY_TIMEOUT)
        return web.Response(status=408, text="body timeout")
    except (ConnectionError, ClientPayloadError) as exc:
        log.info("webhook: the client dropped mid-body (%s)", type(exc).__name__)
        return web.Response(status=400, text="incomplete body")


@dataclass
class WebhookServer:
    """The aiohttp server of webhook mode; ``port`` is known once started."""

    application: AnyApplication
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
            # a non-ASCII header must be a plain mismatch, not an encoding error (500)
            raw = given.encode("utf-8", "surrogateescape") if given.isascii() else b""
            if not hmac.compare_digest(raw, self.secret.encode("utf-8")):
                return web.Response(status=403, text="forbidden")
        body = await _read_body(request)
        if isinstance(body, web.Response):
            return body
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's stack
            return web.Response(status=400, text="bad update")
        if (not isinstance(data, dict) or not isinstance(data.get("update_id"), int)
                or json_depth(data) > MAX_JSON_DEPTH):
            return web.Response(status=400, text="bad update")
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception as exc:  # valid JSON that is not an update the library can read
            log.warning("webhook: update %s cannot be parsed (%s: %s)", data.get("update_id"),
                        type(exc).__name__, exc)
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
        # aiohttp closes a connection whose request is not complete when this runs out
        # (it starts at connect): a client dribbling its headers is not kept for an hour.
        self._runner = web.AppRunner(self.make_app(), access_log=None,
                                     keepalive_timeout=HEADER_TIMEOUT)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        log.info("webhook listening on http://%s:%d%s", self.host, self.port, self.path)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def run_bot(
    application: AnyApplication,
    stop: asyncio.Event,
    webhook: WebhookServer | None = None,
    webhook_url: str | None = None,
    on_ready: Callable[[], None] | None = None,
    poll_timeout: int = 10,
) -> None:
    """Serve until ``stop`` is set: long polling, or the webhook server when given.

    A Bot API server that does not answer ``getMe`` (the first call) raises
    :class:`BotApiUnavailable`, naming the call and the base URL.
    """
    try:
        await application.initialize()
    except Exception as exc:
        with contextlib.suppress(Exception):  # an Application never initialized: its bot's
            await application.bot.shutdown()  # HTTP clients are open all the same
        line = render_text("bot_api.txt.j2", kind="getme", url=api_base(application.bot),
                           error=describe(exc))
        # PTB quotes a refused token in its message
        raise BotApiUnavailable(line.replace(str(application.bot.token), "…")) from exc
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
            health = PollHealth(api_base(application.bot))
            if isinstance(application.bot, SkippingBot):
                application.bot.report_to(health)
            await application.updater.start_polling(
                timeout=poll_timeout, allowed_updates=Update.ALL_TYPES,
                error_callback=health.failed,
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
