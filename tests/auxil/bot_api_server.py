"""A small real Bot API server on 127.0.0.1 for end-to-end tests and the load benchmark.

It speaks HTTP like api.telegram.org (``/bot<token>/<method>``, form, multipart or JSON
parameters, ``{"ok": …}`` envelopes), so the real PTB ``Application`` talks to it through
httpx unchanged.  It implements getMe, getUpdates (long polling with ``offset``,
``timeout``, ``limit``), sendMessage, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, sendChatAction, setMyCommands/getMyCommands, deleteWebhook,
setWebhook (then pushes updates to the webhook with the secret header), getWebhookInfo,
close and logOut.  It checks what Telegram checks and tests care about: HTML that
Telegram cannot parse, messages over 4096 UTF-16 units, callback data over 64 bytes,
"message is not modified".

Tests inject updates (``push_message``, ``push_callback``) and wait for calls
(``wait_for``, ``replies``); every call is recorded with a monotonic timestamp.  Run as a
script it serves the same API plus ``/_control/*`` endpoints for a benchmark in another
process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import aiohttp
from aiohttp import web

TG_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
           "blockquote", "tg-spoiler", "span", "tg-emoji"}
TG_ENTITIES = {"lt", "gt", "amp", "quot"}
MAX_TEXT = 4096


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TG_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: Unsupported start tag "
                                f"\"{tag}\"")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: Can't find end tag "
                                f"corresponding to start tag \"{tag}\"")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def parse_html(text: str) -> str:
    """Telegram's HTML mode: the plain text, or ApiError as Telegram would answer."""
    for match in re.finditer(r"&(#?)(\w+);", text):
        if not match.group(1) and match.group(2) not in TG_ENTITIES:
            raise ApiError(400, "Bad Request: can't parse entities: Unsupported HTML entity")
    if re.search(r"&(?!#?\w+;)", text) or re.search(r"<(?![a-zA-Z/])", text):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped < or &")
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise ApiError(400, f"Bad Request: can't parse entities: unclosed <{parser.stack[-1]}>")
    return "".join(parser.parts)


@dataclass
class Call:
    token: str
    method: str
    params: dict[str, Any]
    t: float
    result: Any = None
    error: str | None = None

    def to_json(self, index: int) -> dict[str, Any]:
        return {"i": index, "token": self.token, "method": self.method, "params": self.params,
                "t": self.t, "result": self.result, "error": self.error}


@dataclass
class BotState:
    bot_id: int
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 1
    webhook: dict[str, Any] = field(default_factory=dict)
    commands: list[Any] = field(default_factory=list)


class BotApiServer:
    """The fake Telegram: start it, point PTB's base_url at :attr:`base_url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host, self.port = host, port
        self.calls: list[Call] = []
        self.bots: dict[str, BotState] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.next_message_id: dict[int, int] = {}
        self.push_times: dict[int, float] = {}  # update_id → when it became available
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.control = False
        self.rejected: set[str] = set()  # tokens answered 401 Unauthorized, like a revoked one
        self._closing = False  # stop(): pending long polls answer at once

    # -- lifecycle -------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    async def start(self) -> BotApiServer:
        app = web.Application(client_max_size=8 << 20)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        if self.control:
            app.router.add_post("/_control/push", self._control_push)
            app.router.add_get("/_control/wait", self._control_wait)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]
        self._session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        # A long poll still held open (its client has gone) would keep cleanup() waiting
        # until its timeout: wake it, so that every test does not end with that wait.
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> BotApiServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- injecting updates -----------------------------------------------------------
    def bot(self, token: str) -> BotState:
        if token in self.rejected:
            raise ApiError(401, "Unauthorized")
        if token not in self.bots:
            head = token.split(":", 1)[0]
            if not head.isdigit() or ":" not in token:
                raise ApiError(401, "Unauthorized")
            self.bots[token] = BotState(int(head))
        return self.bots[token]

    def _message_id(self, chat_id: int) -> int:
        self.next_message_id[chat_id] = self.next_message_id.get(chat_id, 0) + 1
        return self.next_message_id[chat_id]

    @staticmethod
    def _user(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}",
                "language_code": "zh-hans"}

    async def push_message(self, token: str, chat_id: int, text: str | None = None,
                           user_id: int | None = None, sticker: bool = False) -> int:
        """A user's message (``text``, or a sticker); returns its update_id."""
        user = self._user(user_id or chat_id)
        message: dict[str, Any] = {
            "message_id": self._message_id(chat_id), "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": user["first_name"]},
            "from": user,
        }
        if sticker:
            message["sticker"] = {"file_id": "s1", "file_unique_id": "s1", "type": "regular",
                                  "width": 512, "height": 512, "is_animated": False,
                                  "is_video": False}
        else:
            message["text"] = text or ""
            command = re.match(r"/[A-Za-z0-9_@]+", text or "")
            if command:
                message["entities"] = [{"type": "bot_command", "offset": 0,
                                        "length": utf16_len(command.group(0))}]
        self.messages[(chat_id, message["message_id"])] = message
        return await self._push(token, {"message": message})

    async def push_callback(self, token: str, chat_id: int, message_id: int, data: str,
                            user_id: int | None = None) -> int:
        """A press on an inline button of the bot's message ``message_id``."""
        message = self.messages[(chat_id, message_id)]
        query = {"id": f"cq{time.monotonic_ns()}", "from": self._user(user_id or chat_id),
                 "chat_instance": str(chat_id), "data": data, "message": message}
        return await self._push(token, {"callback_query": query})

    async def push_raw(self, token: str, payload: dict[str, Any]) -> int:
        """Any update body (``update_id`` is added), even one the library cannot parse."""
        return await self._push(token, payload)

    async def _push(self, token: str, payload: dict[str, Any]) -> int:
        state = self.bot(token)
        update = {"update_id": state.next_update_id, **payload}
        state.next_update_id += 1
        self.push_times[update["update_id"]] = time.monotonic()
        if state.webhook.get("url"):
            await self._deliver(state, update)
        else:
            state.updates.append(update)
            async with self._changed:
                self._changed.notify_all()
        return int(update["update_id"])

    async def _deliver(self, state: BotState, update: dict[str, Any]) -> None:
        assert self._session is not None
        headers = {}
        if state.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = state.webhook["secret_token"]
        async with self._session.post(state.webhook["url"], json=update,
                                      headers=headers) as resp:
            state.webhook["last_status"] = resp.status

    # -- observing -------------------------------------------------------------------
    def mark(self) -> int:
        return len(self.calls)

    async def wait_for(self, predicate: Callable[[Call], bool], since: int = 0,
                       timeout: float = 10.0, count: int = 1) -> list[Call]:
        """Wait until ``count`` calls after index ``since`` satisfy ``predicate``."""
        async def ready() -> list[Call]:
            async with self._changed:
                while True:
                    found = [c for c in self.calls[since:] if predicate(c)]
                    if len(found) >= count:
                        return found
                    await self._changed.wait()
        return await asyncio.wait_for(ready(), timeout)

    async def replies(self, chat_id: int, since: int, count: int = 1,
                      timeout: float = 10.0) -> list[Call]:
        """The first ``count`` sendMessage calls to ``chat_id`` after ``since``."""
        found = await self.wait_for(
            lambda c: c.method == "sendMessage" and int(c.params.get("chat_id", 0)) == chat_id
            and c.error is None, since, timeout, count)
        return found[:count]

    async def quiet(self, since: int, idle: float = 0.3, timeout: float = 10.0) -> list[Call]:
        """Wait for at least one call after ``since``, then for ``idle`` seconds of silence."""
        await self.wait_for(lambda c: True, since, timeout)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = len(self.calls)
            await asyncio.sleep(idle)
            if len(self.calls) == seen:
                break
        return self.calls[since:]

    def sent(self, chat_id: int, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.method == "sendMessage"
                and int(c.params.get("chat_id", 0)) == chat_id and c.error is None]

    # -- HTTP API ----------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                form = await request.post()
                params.update({k: v for k, v in form.items() if isinstance(v, str)})
        for key in ("reply_markup", "allowed_updates", "commands", "reply_parameters",
                    "link_preview_options"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        params = await self._params(request)
        call = Call(token, method, params, time.monotonic())
        try:
            handler = getattr(self, f"m_{method.lower()}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            state = self.bot(token)
            result = await handler(state, params)
            call.result = result
            body: dict[str, Any] = {"ok": True, "result": result}
            status = 200
        except ApiError as exc:
            call.error = exc.description
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            status = exc.code
        if method.lower() != "getupdates" or call.result:
            self.calls.append(call)
            async with self._changed:
                self._changed.notify_all()
        return web.json_response(body, status=status)

    async def m_getme(self, state: BotState, p: dict[str, Any]) -> dict[str, Any]:
        return {"id": state.bot_id, "is_bot": True, "first_name": "威海科技政策助手",
                "username": "weihai_policy_bot", "can_join_groups": False,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    async def m_getupdates(self, state: BotState, p: dict[str, Any]) -> list[dict[str, Any]]:
        if state.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset, limit = int(p.get("offset", 0) or 0), int(p.get("limit", 100) or 100)
        timeout = float(p.get("timeout", 0) or 0)
        if offset:
            state.updates = [u for u in state.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not state.updates and not self._closing and time.monotonic() < deadline:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
        return state.updates[:limit]

    def _check_markup(self, markup: Any) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise ApiError(400, "Bad Request: text buttons are unallowed")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _text(self, p: dict[str, Any]) -> str:
        raw = str(p.get("text", ""))
        text = parse_html(raw) if p.get("parse_mode") == "HTML" else raw
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    async def m_sendmessage(self, state: BotState, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(p["chat_id"])
        text = self._text(p)
        self._check_markup(p.get("reply_markup"))
        message: dict[str, Any] = {
            "message_id": self._message_id(chat_id), "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": state.bot_id, "is_bot": True, "first_name": "威海科技政策助手"},
            "text": text, "html": p.get("text"),
        }
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _find(self, p: dict[str, Any]) -> dict[str, Any]:
        key = (int(p.get("chat_id", 0)), int(p.get("message_id", 0)))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self.messages[key]

    async def m_editmessagetext(self, state: BotState, p: dict[str, Any]) -> dict[str, Any]:
        message = self._find(p)
        text = self._text(p)
        self._check_markup(p.get("reply_markup"))
        if text == message.get("text") and p.get("reply_markup") == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message.update(text=text, html=p.get("text"))
        message.pop("reply_markup", None)
        if p.get("reply_markup"):
            message["reply_markup"] = p["reply_markup"]
        return message

    async def m_editmessagereplymarkup(self, state: BotState, p: dict[str, Any]) -> Any:
        message = self._find(p)
        markup = p.get("reply_markup") or None
        if not (markup or {}).get("inline_keyboard"):
            markup = None
        self._check_markup(markup)
        if markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    async def m_answercallbackquery(self, state: BotState, p: dict[str, Any]) -> bool:
        return True

    async def m_sendchataction(self, state: BotState, p: dict[str, Any]) -> bool:
        return True

    async def m_setmycommands(self, state: BotState, p: dict[str, Any]) -> bool:
        state.commands = list(p.get("commands", []))
        return True

    async def m_getmycommands(self, state: BotState, p: dict[str, Any]) -> list[Any]:
        return state.commands

    async def m_setwebhook(self, state: BotState, p: dict[str, Any]) -> bool:
        state.webhook = {"url": p.get("url", ""), "secret_token": p.get("secret_token")}
        return True

    async def m_deletewebhook(self, state: BotState, p: dict[str, Any]) -> bool:
        state.webhook = {}
        if str(p.get("drop_pending_updates", "")).lower() == "true":
            state.updates.clear()
        return True

    async def m_getwebhookinfo(self, state: BotState, p: dict[str, Any]) -> dict[str, Any]:
        return {"url": state.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(state.updates)}

    async def m_close(self, state: BotState, p: dict[str, Any]) -> bool:
        return True

    async def m_logout(self, state: BotState, p: dict[str, Any]) -> bool:
        return True

    # -- control API for a benchmark in another process ------------------------------
    async def _control_push(self, request: web.Request) -> web.Response:
        body = await request.json()
        update_id = await self.push_message(body["token"], int(body["chat_id"]), body["text"])
        message_id = self.next_message_id[int(body["chat_id"])]
        return web.json_response({"update_id": update_id, "message_id": message_id,
                                  "t": self.push_times[update_id]})

    async def _control_wait(self, request: web.Request) -> web.Response:
        since = int(request.query.get("since", 0))
        timeout = float(request.query.get("timeout", 5))
        with contextlib.suppress(TimeoutError):
            await self.wait_for(lambda c: c.method == "sendMessage", since, timeout)
        calls = [c.to_json(since + i) for i, c in enumerate(self.calls[since:])
                 if c.method == "sendMessage"]
        return web.json_response({"calls": calls, "next": len(self.calls)})


async def _serve(port: int) -> None:
    server = BotApiServer(port=port)
    server.control = True
    await server.start()
    print(f"PORT {server.port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="fake Bot API server for tests/benchmarks")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port))
