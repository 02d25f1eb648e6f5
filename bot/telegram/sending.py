"""Sending replies: keyboards, long messages split, "typing…", answered questions rewritten.

Split from :mod:`bot.telegram.app` (the handlers and wiring).  A reply with a ``tag`` (an
interview question: ``iv:<seq>``) has its message id remembered in the store, so a typed
answer can write the chosen answer into that very message, as a button press does — on
whichever replica the answer arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest

from bot.conversation.reply import Keyboard, Outcome, Reply, Who
from bot.conversation.store import StoreUnavailable
from bot.telegram.context_types import BotContext
from bot.telegram.split import split_html

T = TypeVar("T")
TYPING_REFRESH = 4.5  # Telegram shows "typing…" for about 5 s per chat action


def markup(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


def who_of(update: Update) -> Who:
    """Chat and sender of an update.  A message sent on behalf of a chat (a channel or an
    anonymous group admin: ``sender_chat`` and no ``from``) is keyed by that chat."""
    chat = update.effective_chat
    assert chat is not None
    if update.effective_user is not None:
        return Who(chat.id, update.effective_user.id)
    sender = update.effective_message.sender_chat if update.effective_message else None
    return Who(chat.id, sender.id if sender is not None else chat.id)


async def work(func: Callable[..., T], *args: Any) -> T:
    """Run blocking conversation code in the default thread pool."""
    return await asyncio.to_thread(func, *args)


async def send(
    context: BotContext, chat_id: int, replies: Sequence[Reply], quote: int | None = None,
    who: Who | None = None,
) -> None:
    """Send replies in order, splitting long ones; the keyboard goes on the last chunk.

    With ``who``, a tagged reply's message id is remembered (see the module docstring).
    """
    for reply in replies:
        chunks = split_html(reply.html)
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            params = None
            if quote is not None:
                params = ReplyParameters(message_id=quote, allow_sending_without_reply=True)
                quote = None
            message = await context.bot.send_message(
                chat_id, chunk, reply_markup=markup(reply.buttons) if last else None,
                reply_parameters=params,
            )
            if last and reply.tag and who is not None:
                with contextlib.suppress(StoreUnavailable):  # only the rewrite is lost
                    await work(context.conversation.note_sent, who, reply.tag,
                               message.message_id)


async def reply_with(
    update: Update, context: BotContext, func: Callable[[Who], list[Reply]], typing: bool = False
) -> None:
    """Answer a command: run ``func`` for the sender off the event loop, send its replies."""
    who = who_of(update)
    job = work(func, who)
    replies = await (with_typing(context, who.chat_id, job) if typing else job)
    await send(context, who.chat_id, replies, who=who)


async def rewrite_answered(context: BotContext, who: Who, outcome: Outcome) -> None:
    """A typed answer: write it into the question message it answers (keyboard removed)."""
    if outcome.edit_html is None or not outcome.edit_tag:
        return
    try:
        message_id = await work(context.conversation.sent_message, who, outcome.edit_tag)
    except StoreUnavailable:
        return
    if message_id is None:  # sent before this was remembered, or expired
        return
    with contextlib.suppress(BadRequest):  # deleted by the user, or already rewritten
        await context.bot.edit_message_text(outcome.edit_html, chat_id=who.chat_id,
                                            message_id=message_id, reply_markup=None)


async def with_typing(context: BotContext, chat_id: int, job: Awaitable[T]) -> T:
    """Await ``job``; show "typing…" if it takes longer than the configured delay.

    A delay of 0 shows it at once, before the job starts (deterministic, for tests).
    """
    delay = context.settings.typing_delay
    if delay <= 0:
        with contextlib.suppress(Exception):
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

    async def typing() -> None:
        await asyncio.sleep(delay if delay > 0 else TYPING_REFRESH)
        while True:
            with contextlib.suppress(Exception):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(TYPING_REFRESH)

    task = asyncio.create_task(typing())
    try:
        return await job
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
