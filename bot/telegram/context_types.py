"""Typed shared data of the Telegram application, as PTB's ``contexttypesbot.py`` does it.

PTB builds ``context.bot_data`` from the ``bot_data`` type of the application's
:class:`telegram.ext.ContextTypes` (without arguments), and every handler gets a
:class:`BotContext`: the handlers read ``context.conversation`` and ``context.settings``,
typed, instead of probing a dict of ``Any``.  :func:`bot.telegram.app.build_application`
fills :class:`BotData` in once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.alerts.service import AlertService
from bot.config import Settings
from bot.conversation.core import Conversation
from bot.telegram.watch import KnowledgeWatcher

__all__ = ["CONTEXT_TYPES", "BotApp", "BotContext", "BotData"]


@dataclass
class BotData:
    """What every handler shares (``context.bot_data``); set by ``build_application``."""

    settings: Settings = field(default_factory=Settings)
    conversation: Conversation | None = None
    watcher: KnowledgeWatcher | None = None  # the one reload path (files and /reload)
    alerts: AlertService | None = None  # policy alerts (bot.telegram.alert_handlers)


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """The context of every handler: the shared data, typed."""

    @property
    def settings(self) -> Settings:
        return self.bot_data.settings

    @property
    def conversation(self) -> Conversation:
        conversation = self.bot_data.conversation
        if conversation is None:
            raise RuntimeError("the application has no conversation (build_application)")
        return conversation

    @property
    def alerts(self) -> AlertService:
        alerts = self.bot_data.alerts
        if alerts is None:
            raise RuntimeError("policy alerts are not registered")
        return alerts


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)
# no job queue: the alert loop is an application task (bot.telegram.alert_handlers)
BotApp = Application[ExtBot[Any], BotContext, dict[Any, Any], dict[Any, Any], BotData, None]
