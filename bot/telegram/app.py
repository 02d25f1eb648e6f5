"""The Telegram bot: PTB Application wiring, one handler per kind of update, ``serve``.

Handlers are thin: they pull ids and text out of the update, run the matching
:class:`bot.conversation.core.Conversation` method in a worker thread (retrieval, calculation
and the store never block the event loop), and send what it returns.  The interview's
states live in :mod:`bot.conversation.interview` (one function per state) and in the store, read on
every update, so any replica can take any update.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    AIORateLimiter,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Settings, install_log_redaction, load_settings, redact
from bot.conversation.core import Conversation, FullEngine
from bot.conversation.guarded_store import GuardedStore, guarded
from bot.conversation.reply import Outcome, Reply, label_pairs, render
from bot.conversation.store import StateStore, StoreUnavailable, open_store
from bot.telegram.alert_handlers import register as register_alerts
from bot.telegram.context_types import CONTEXT_TYPES, BotApp, BotContext
from bot.telegram.runner import (
    PerChatUpdateProcessor,
    SkippingApplicationBuilder,
    WebhookServer,
    run_bot,
)
from bot.telegram.sending import (
    markup,
    reply_with,
    rewrite_answered,
    send,
    who_of,
    with_typing,
    work,
)
from bot.telegram.watch import KnowledgeWatcher, ReloadResult, once_per_reload

log = logging.getLogger(__name__)
Ctx = BotContext


# -- handlers ----------------------------------------------------------------------------
async def flood_guard(update: Update, context: Ctx) -> None:
    """Group -1: drop a user's updates over the incoming limit, saying so once."""
    if update.effective_chat is None:
        return
    verdict = await work(context.conversation.flood, who_of(update))
    if verdict == "ok":
        return
    if update.callback_query is not None:
        with contextlib.suppress(BadRequest):
            await update.callback_query.answer()
    if verdict == "warn":
        await send(context, update.effective_chat.id, [context.conversation.flood_reply()])
    raise ApplicationHandlerStop


async def start(update: Update, context: Ctx) -> None:
    """/start: what the bot does and three example questions."""
    await reply_with(update, context, context.conversation.start)


async def help_command(update: Update, context: Ctx) -> None:
    """/help: how to use the bot."""
    await reply_with(update, context, context.conversation.help)


async def policies(update: Update, context: Ctx) -> None:
    """/policies: every document with its validity and dates."""
    await reply_with(update, context, context.conversation.policies)


async def cancel(update: Update, context: Ctx) -> None:
    """/cancel: drop the running interview."""
    await reply_with(update, context, context.conversation.cancel)


async def as_of(update: Update, context: Ctx) -> None:
    """/asof [YYYY-MM-DD]: the date policies are judged on for this user."""
    arg = " ".join(context.args or [])
    conv = context.conversation
    await reply_with(update, context, lambda who: conv.set_as_of(who, arg))


async def reload(update: Update, context: Ctx) -> None:
    """/reload (admins): rebuild knowledge and index, swap atomically."""
    await reply_with(update, context, context.conversation.reload, typing=True)


async def stats(update: Update, context: Ctx) -> None:
    """/stats (admins): engine and store figures."""
    await reply_with(update, context, context.conversation.stats)


async def unknown_command(update: Update, context: Ctx) -> None:
    """Any other /command."""
    await reply_with(update, context, context.conversation.unknown_command)


async def not_text(update: Update, context: Ctx) -> None:
    """Stickers, photos, voice…: ask for text."""
    await reply_with(update, context, context.conversation.not_text)


async def media_message(update: Update, context: Ctx) -> None:
    """A photo or a file: answered from its caption, saying its content is not read;
    without a caption, ask for the policy's name or 文号."""
    message = update.effective_message
    assert message is not None
    who = who_of(update)
    kind = "photo" if message.photo else "file"
    caption = (message.caption or "").strip()
    if not caption:
        ask = Reply(render("tg_media.j2", kind=kind, caption=False))
        await send(context, who.chat_id, [ask], quote=message.message_id, who=who)
        return
    job = work(context.conversation.text, who, caption)
    outcome: Outcome = await with_typing(context, who.chat_id, job)
    await rewrite_answered(context, who, outcome)
    note = render("tg_media.j2", kind=kind, caption=True)
    replies = list(outcome.replies)
    if replies:  # one message: the note above the answer
        replies[0] = dataclasses.replace(replies[0], html=f"{note}\n\n{replies[0].html}")
    await send(context, who.chat_id, replies, quote=message.message_id, who=who)


async def estimate(update: Update, context: Ctx) -> None:
    """/estimate: start the interview over every award rule."""
    who = who_of(update)
    outcome = await work(context.conversation.estimate, who)
    await send(context, who.chat_id, outcome.replies, who=who)


async def text_message(update: Update, context: Ctx) -> None:
    """Typed text: the interview's answer if one is running, else a question.

    An edited message is answered again (as the question it now is).
    """
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    who = who_of(update)
    conv = context.conversation
    func = conv.ask if update.edited_message is not None else conv.text
    job = work(func, who, text)
    outcome: Outcome = await with_typing(context, who.chat_id, job)
    await rewrite_answered(context, who, outcome)  # a typed answer, into its question
    await send(context, who.chat_id, outcome.replies, quote=message.message_id, who=who)


async def button(update: Update, context: Ctx) -> None:
    """An inline button: interview step, example question, clause text or estimate."""
    query = update.callback_query
    assert query is not None
    who = who_of(update)
    job = work(context.conversation.press, who, query.data or "")
    outcome: Outcome = await with_typing(context, who.chat_id, job)
    with contextlib.suppress(BadRequest):  # "query is too old" after a long pause
        await query.answer(text=outcome.notice)
    if outcome.edit_html is not None:  # the answered question, its choice written in
        with contextlib.suppress(BadRequest):
            await query.edit_message_text(
                outcome.edit_html, reply_markup=markup(outcome.edit_buttons or ()))
    elif outcome.edit_buttons is not None:
        with contextlib.suppress(BadRequest):  # "message is not modified" is harmless
            await query.edit_message_reply_markup(reply_markup=markup(outcome.edit_buttons))
    await send(context, who.chat_id, outcome.replies, who=who)


async def on_error(update: object, context: Ctx) -> None:
    """Tell the user something went wrong; tell the admins, in Chinese, what kind of
    failure it was (the trace goes to the redacted log, never into a chat).

    The store being down is not a bug: the user gets one polite notice, the admins hear
    of the outage once (:func:`store_transitions`), not a traceback per message.
    """
    settings = context.settings
    if isinstance(context.error, StoreUnavailable):
        log.warning("update needed the store, which is down: %s", context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            conv = context.conversation
            with contextlib.suppress(Exception):
                await send(context, update.effective_chat.id, [conv.store_down_reply()])
        await store_transitions(update, context)
        return
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(Exception):
            await context.bot.send_message(update.effective_chat.id, render("tg_error.j2"))
    error = context.error
    if error is None or not settings.admin_ids:
        return
    kinds = [cls.__name__ for cls in type(error).__mro__]
    text = redact(render("tg_admin_error.j2", kinds=kinds, what=doing(update)))
    for admin in settings.admin_ids:
        with contextlib.suppress(Exception):
            await context.bot.send_message(admin, text)


def doing(update: object) -> str:
    """What the user was doing when an update failed, for the admins (in Chinese)."""
    if not isinstance(update, Update):
        return ""
    if update.callback_query is not None:
        return "点按按钮"
    message = update.effective_message
    if message is not None and (message.text or "").startswith("/"):
        return "发送命令"
    return "发送消息" if message is not None else ""


async def store_transitions(update: object, context: Ctx) -> None:
    """Last handler group: tell the admins once when the store goes down and once when it
    is back (transitions queued by :class:`bot.conversation.store.GuardedStore`)."""
    store = context.conversation.store
    if not isinstance(store, GuardedStore):
        return
    settings = context.settings
    for kind, reason in store.take_transitions():
        text = redact(render("tg_admin_store.j2", down=kind == "down", reason=reason))
        for admin in settings.admin_ids:
            with contextlib.suppress(Exception):
                await context.bot.send_message(admin, text)


async def post_init(application: BotApp) -> None:
    """Register the command menu (labels come from ``tg_labels.j2``)."""
    commands = [BotCommand(name, desc) for name, desc in label_pairs("commands")]
    await application.bot.set_my_commands(commands)


# -- wiring ------------------------------------------------------------------------------
def build_application(
    settings: Settings, engine: FullEngine, store: StateStore
) -> BotApp:
    """The Application with every handler and its knowledge watcher; nothing is started."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    install_log_redaction(settings.secrets())
    builder = (
        SkippingApplicationBuilder()  # an unparsable update is skipped, not re-fetched
        .context_types(CONTEXT_TYPES)
        .job_queue(None)
        .token(settings.token)
        .base_url(settings.base_url())
        .defaults(Defaults(parse_mode=ParseMode.HTML,
                           link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(PerChatUpdateProcessor(settings.max_concurrent_updates))
        .post_init(post_init)
        # overall_max_rate 0 switches the overall limit off (a local Bot API server).
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.rate_limit))
    )
    app: BotApp = builder.build()
    app.bot_data.settings = settings
    shared = guarded(store)
    watcher = KnowledgeWatcher(
        engine, engine.knowledge_dir, force_polling=settings.watch_polling,
        on_result=make_reload_notifier(app, shared))
    app.bot_data.watcher = watcher
    app.bot_data.conversation = Conversation(
        engine, shared, settings.admin_ids, settings.flood_limit,
        settings.flood_window, settings.state_ttl,
        reload=lambda: watcher.reload_now(notify=False),  # /reload: a file change's path
    )
    app.add_handler(TypeHandler(Update, flood_guard), group=-1)
    app.add_handler(TypeHandler(Update, store_transitions), group=99)
    for name, callback in (
        ("start", start), ("help", help_command), ("estimate", estimate),
        ("policies", policies), ("cancel", cancel), ("asof", as_of),
        ("reload", reload), ("stats", stats),
    ):
        app.add_handler(CommandHandler(name, callback))
    alerts = register_alerts(app)  # /subscribe, /unsubscribe, al: buttons, the alert loop
    watcher.listeners.append(alerts.on_reload)  # policy alerts: planned right after a reload
    message = filters.UpdateType.MESSAGE
    edited = filters.UpdateType.EDITED_MESSAGE
    app.add_handler(MessageHandler(message & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(message & filters.TEXT, text_message))
    app.add_handler(MessageHandler(edited & filters.TEXT & ~filters.COMMAND, text_message))
    app.add_handler(MessageHandler(message & (filters.PHOTO | filters.Document.ALL),
                                   media_message))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(MessageHandler(message, not_text))
    app.add_error_handler(on_error)
    return app


def make_health(engine: FullEngine, store: StateStore) -> Callable[[], Awaitable[dict[str, Any]]]:
    async def health() -> dict[str, Any]:
        store_ok = await asyncio.to_thread(store.ping)
        return {"ok": store_ok, "store": store_ok, "engine_version": engine.version}

    return health


def make_webhook(
    app: BotApp, settings: Settings, engine: FullEngine, store: StateStore
) -> WebhookServer:
    return WebhookServer(app, settings.webhook_path, settings.webhook_secret,
                         make_health(engine, store), settings.webhook_listen,
                         settings.webhook_port)


async def start_knowledge_watcher(app: BotApp, debounce_ms: int | None = None
                                  ) -> KnowledgeWatcher:
    """Watch the knowledge folder on the running loop (reloads in the background, the
    admins told); returns once the watch is set up."""
    watcher = app.bot_data.watcher
    assert watcher is not None, "build_application makes the watcher"
    if debounce_ms is not None:
        watcher.debounce_ms = debounce_ms
    return await watcher.start_async()


def make_reload_notifier(
    app: BotApp, store: StateStore
) -> Callable[[ReloadResult], Awaitable[None]]:
    """``notify_admins(report)`` for the watcher: one message per reload, not per replica
    (see :func:`bot.telegram.watch.once_per_reload`)."""
    async def notify_admins(report: ReloadResult) -> None:
        text = redact(render("tg_reload.j2", report=report))
        for admin in app.bot_data.settings.admin_ids:
            with contextlib.suppress(Exception):  # an admin who blocked the bot
                await app.bot.send_message(admin, text)

    return once_per_reload(store, notify_admins)


# -- serving -----------------------------------------------------------------------------
def serve(
    make_engine: Callable[[], FullEngine], *, webhook: bool = False, port: int | None = None,
    watch: bool = True,
) -> int:
    """Run the bot (``policybot serve``): long polling by default, ``webhook`` behind a proxy.

    ``make_engine`` is called once the settings are known to be usable, so a missing token
    is reported before the index is loaded.
    """
    settings = load_settings()
    if port is not None:
        settings = dataclasses.replace(settings, webhook_port=port)
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # faiss's loader logs each CPU-specific build it could not import (ModuleNotFoundError,
    # three lines at every start) before loading the generic one: not a problem
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)
    install_log_redaction(settings.secrets())
    if not settings.token:
        raise SystemExit("policybot serve: 请设置环境变量 TELEGRAM_BOT_TOKEN")
    if webhook and not settings.webhook_secret:
        raise SystemExit("policybot serve --webhook: 请设置 WEBHOOK_SECRET")
    engine = make_engine()
    engine.warm_up()
    store = open_store(engine.data_dir, settings.redis_url)
    app = build_application(settings, engine, store)
    server = make_webhook(app, settings, engine, store) if webhook else None

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        watcher = await start_knowledge_watcher(app) if watch else None
        try:
            await run_bot(app, stop, server, settings.webhook_url)
        finally:
            if watcher is not None:
                await watcher.stop_async()

    try:
        asyncio.run(main())
    finally:
        store.close()
    return 0
