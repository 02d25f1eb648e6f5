"""Telegram side of the policy alerts: /subscribe, /subscription, /unsubscribe, the push.

:func:`register` is the one hook :func:`bot.telegram.app.build_application` calls: it adds
the commands and the ``al:`` buttons (before the catch-all handlers), an admin-only
``/stats`` addendum, and starts the :class:`bot.alerts.service.AlertService` loop once the
application runs (inside PTB's ``create_task``, so a stop waits for the message in hand).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.alerts import subscriptions
from bot.alerts.fanout import FAILED, SENT, Message, RetryLater
from bot.alerts.matching import rule_topics
from bot.alerts.service import AlertService, alert_label
from bot.alerts.subscriptions import Subscription
from bot.conversation import context as chat_context
from bot.conversation.core import Conversation, Who
from bot.conversation.reply import Button, Outcome, Reply, label, render, rows
from bot.conversation.summary import Summary, estimate_view
from bot.telegram.context_types import BotApp, BotContext
from bot.telegram.sending import reply_with, send, who_of
from knowledge.awards.facts import FactSpec
from knowledge.awards.vocabulary import Vocabulary
from knowledge.money import format_yuan

log = logging.getLogger(__name__)
APPLICANT = "applicant_types"


class AlertCommands:
    """The blocking part of each command (run in a worker thread)."""

    def __init__(self, conversation: Conversation) -> None:
        self.conv = conversation
        self.store = conversation.store

    def _vocabulary(self) -> Vocabulary:
        return self.conv.engine.snapshot.rules.vocabulary

    def _kept(self, sub: Subscription) -> list[dict[str, str]]:
        """The kept facts as the interview showed them, in its (the vocabulary's) order."""
        vocab = self._vocabulary()
        order = dict(vocab.fact_order) if vocab is not None else {}
        facts = []
        for name in sorted(sub.facts, key=lambda n: (order.get(n, len(order)), n)):
            spec = vocab.facts.get(name) if vocab is not None else None
            facts.append({"label": spec.label if spec else name,
                          "value": _shown(spec, sub.facts[name])})
        return facts

    def view(self, kind: str, sub: Subscription) -> Reply:
        vocab = self._vocabulary()
        facts = self._kept(sub)
        topics = [(vocab.topics.get(t) or (t,))[0] if vocab is not None else t
                  for t in sub.topics]
        buttons = ((Button(alert_label("estimate"), "al:es"),
                    Button(alert_label("unsubscribe"), "al:un")),)
        return Reply(render("tg_subscribe.j2", kind=kind, facts=facts, topics=topics,
                            since=sub.since), buttons)

    def subscribe(self, who: Who) -> list[Reply]:
        """Keep what the chat already told (merged into an earlier subscription)."""
        facts, topics = subscriptions.gathered(self.store, who.chat_id, who.user_id)
        ctx = chat_context.load(self.store, who.chat_id, who.user_id)
        if ctx is not None:
            topics |= rule_topics(self.conv.engine.snapshot, ctx.rule_ids)
        old = subscriptions.load(self.store, who.chat_id)
        if old is not None:
            facts = {**old.facts, **facts}
            topics |= set(old.topics)
        sub = Subscription(who.chat_id, who.user_id, facts, tuple(sorted(topics)),
                           old.since if old is not None else date.today().isoformat())
        subscriptions.save(self.store, sub)
        if APPLICANT not in facts:
            return [self._ask_applicant()]
        return [self.view("subscribed", sub)]

    def _ask_applicant(self) -> Reply:
        vocab = self._vocabulary()
        spec = vocab.facts.get(APPLICANT) if vocab is not None else None
        choices = list(spec.choices) if spec is not None else []
        buttons = rows([Button(text, f"al:ap:{value}") for value, text in choices
                        if len(f"al:ap:{value}".encode()) <= 64], 2)
        return Reply(render("tg_subscribe.j2", kind="ask_applicant"), buttons)

    def set_applicant(self, who: Who, value: str) -> list[Reply]:
        sub = subscriptions.load(self.store, who.chat_id)
        if sub is None:
            return [Reply(render("tg_subscribe.j2", kind="not_subscribed"))]
        facts = {**sub.facts, APPLICANT: frozenset({value})}
        sub = Subscription(sub.chat_id, sub.user_id, facts, sub.topics, sub.since)
        subscriptions.save(self.store, sub)
        return [self.view("subscribed", sub)]

    def show(self, who: Who) -> list[Reply]:
        sub = subscriptions.load(self.store, who.chat_id)
        if sub is None:
            return [Reply(render("tg_subscribe.j2", kind="not_subscribed"))]
        return [self.view("view", sub)]

    def unsubscribe(self, who: Who) -> list[Reply]:
        had = subscriptions.delete(self.store, who.chat_id)
        subscriptions.forget_person(self.store, who.chat_id, who.user_id)
        return [Reply(render("tg_subscribe.j2", kind="unsubscribed" if had
                             else "not_subscribed"))]

    def estimate(self, who: Who) -> Outcome:
        """The full estimate from the kept facts; a "补充信息后估算" button when some
        award needs a fact the subscription does not keep."""
        sub = subscriptions.load(self.store, who.chat_id)
        if sub is None:
            return Outcome([Reply(render("tg_subscribe.j2", kind="not_subscribed"))])
        summary = self._summary(who, sub)
        buttons = [Button(label("unfold"), "al:fo")] if summary.rest else []
        if summary.open:
            buttons.append(Button(alert_label("complete"), "al:iv"))
        return Outcome([Reply(render("tg_subscription_estimate.j2", summary=summary,
                                     facts=self._kept(sub)), rows(buttons, 2))])

    def _summary(self, who: Who, sub: Subscription) -> Summary:
        engine, vocab = self.conv.engine, self._vocabulary()
        # a fact an older vocabulary had, since removed by staff, is left out
        facts = {k: v for k, v in sub.facts.items() if vocab is None or k in vocab.facts}
        return estimate_view(engine, engine.estimate(facts, self.conv.as_of(who)))

    def unfold(self, who: Who) -> list[Reply]:
        """"展开不适用项" under the subscription's estimate."""
        sub = subscriptions.load(self.store, who.chat_id)
        if sub is None:
            return [Reply(render("tg_subscribe.j2", kind="not_subscribed"))]
        return [Reply(render("tg_rest.j2", rest=self._summary(who, sub).rest))]

    def interview(self, who: Who) -> Outcome:
        """"补充信息后估算": the interview from the kept facts, asking what is missing."""
        sub = subscriptions.load(self.store, who.chat_id)
        facts = dict(sub.facts) if sub is not None else {}
        return self.conv.start_interview(who, facts, None)


def _shown(spec: FactSpec | None, value: Any) -> str:
    """A kept value as the interview wrote it: 250万元, 3家, 是, "无" for no choice."""
    if isinstance(value, frozenset | set | list | tuple):
        labels = [spec.choice_label(str(v)) if spec else str(v) for v in value]
        if spec is not None:  # the options' order, as the question listed them
            rank = {label: i for i, (_, label) in enumerate(spec.choices)}
            labels.sort(key=lambda label: (rank.get(label, len(rank)), label))
        return "、".join(labels) or alert_label("none_kept")
    if isinstance(value, bool):
        return "是" if value else "否"
    if spec is not None and spec.choices:
        return str(spec.choice_label(str(value)))
    if isinstance(value, int | Decimal) and spec is not None and spec.kind == "money":
        return format_yuan(int(value))
    return f"{value}{spec.unit if spec is not None else ''}"


def _commands(context: BotContext) -> AlertCommands:
    return AlertCommands(context.conversation)


async def subscribe(update: Update, context: BotContext) -> None:
    """/subscribe: keep the facts given so far and push what new knowledge fits them."""
    await reply_with(update, context, _commands(context).subscribe)


async def subscription(update: Update, context: BotContext) -> None:
    """/subscription: what the subscription keeps."""
    await reply_with(update, context, _commands(context).show)


async def unsubscribe(update: Update, context: BotContext) -> None:
    """/unsubscribe: stop the alerts and delete the kept facts."""
    await reply_with(update, context, _commands(context).unsubscribe)


async def alert_button(update: Update, context: BotContext) -> None:
    """``al:`` buttons: applicant type, full estimate, unsubscribe."""
    query = update.callback_query
    assert query is not None
    who = who_of(update)
    commands = _commands(context)
    _, kind, arg = ((query.data or "") + "::").split(":", 2)
    arg = arg.rstrip(":")
    with contextlib.suppress(BadRequest):
        await query.answer()
    if kind == "ap" and arg:
        replies = await asyncio.to_thread(commands.set_applicant, who, arg)
    elif kind == "un":
        replies = await asyncio.to_thread(commands.unsubscribe, who)
    elif kind == "fo":
        replies = await asyncio.to_thread(commands.unfold, who)
    elif kind == "iv":
        outcome = await asyncio.to_thread(commands.interview, who)
        replies = outcome.replies
    else:
        outcome = await asyncio.to_thread(commands.estimate, who)
        replies = outcome.replies
    await send(context, who.chat_id, replies, who=who)


async def alert_stats(update: Update, context: BotContext) -> None:
    """/stats addendum (admins): subscribers and the last fan-out."""
    who = who_of(update)
    if not context.conversation.is_admin(who):
        return
    figures = await asyncio.to_thread(context.alerts.stats)
    await context.bot.send_message(who.chat_id, render("tg_alert_stats.j2", **figures))


def telegram_sender(app: BotApp) -> Callable[[Message], Awaitable[str]]:
    async def push(message: Message) -> str:
        buttons = InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)
                                         for text, data in row] for row in message.buttons])
        try:
            await app.bot.send_message(message.chat_id, message.html,
                                       reply_markup=buttons if message.buttons else None)
        except RetryAfter as exc:
            wait = exc.retry_after
            raise RetryLater(float(wait.total_seconds() if hasattr(wait, "total_seconds")
                                   else wait)) from exc
        except (Forbidden, BadRequest):  # blocked the bot, chat gone
            return FAILED
        except NetworkError as exc:
            raise RetryLater(1.0) from exc
        return SENT

    return push


def lost_notifier(app: BotApp, admins: frozenset[int]
                  ) -> Callable[[str, int], Awaitable[None]]:
    """Tell the admins once that a fan-out lost messages from the store (a restart
    without its last writes): those subscribers were not alerted."""
    async def notify(job: str, lost: int) -> None:
        text = render("tg_alert_lost.j2", lost=lost)
        for admin in admins:
            with contextlib.suppress(Exception):  # an admin who blocked the bot
                await app.bot.send_message(admin, text)

    return notify


def register(app: BotApp) -> AlertService:
    """Add the alert handlers to ``app`` and run the alert loop while it runs."""
    conv = app.bot_data.conversation
    assert conv is not None, "build_application makes the conversation first"
    settings = app.bot_data.settings
    service = AlertService(conv.engine, conv.store, telegram_sender(app),
                           rate=settings.alert_rate, per_chat=settings.alert_per_chat,
                           poll=settings.alert_poll,
                           on_lost=lost_notifier(app, conv.admin_ids))
    app.bot_data.alerts = service
    for name, callback in (("subscribe", subscribe), ("subscription", subscription),
                           ("unsubscribe", unsubscribe)):
        app.add_handler(CommandHandler(name, callback))
    app.add_handler(CallbackQueryHandler(alert_button, pattern=r"^al:"))
    app.add_handler(CommandHandler("stats", alert_stats), group=1)
    previous = app.post_init

    async def post_init(application: BotApp) -> None:
        if previous is not None:
            await previous(application)
        await asyncio.to_thread(service.start)
        asyncio.get_running_loop().create_task(_when_running(application, service))

    app.post_init = post_init
    return service


async def _when_running(app: BotApp, service: AlertService) -> None:
    """Start the loop as a PTB task once the application runs (``stop`` then awaits it)."""
    for _ in range(3000):
        if app.running:
            app.create_task(service.run(lambda: app.running), name="policy-alerts")
            return
        await asyncio.sleep(0.01)
    log.warning("policy alerts: the application never started")
