"""``policybot chat`` and ``policybot serve``: the conversation, in a terminal or on Telegram.

The work lives in :func:`bot.cli.chat.terminal_chat` and :func:`bot.telegram.app.serve`, imported
when the command runs (python-telegram-bot, aiohttp, redis and watchfiles are loaded by
``serve`` only).
"""

from __future__ import annotations

import click

from bot.cli.options import Command, GlobalOptions, pass_options


@click.command("chat", cls=Command,
               short_help="talk to the bot in the terminal (buttons become numbered options)")
@pass_options
def chat(options: GlobalOptions) -> int:
    """Talk to the bot in the terminal: buttons become numbered options [1] …

    Type a number or a label to press a button; /quit or end of input ends the chat.
    """
    from bot.cli.chat import terminal_chat

    return terminal_chat(options)


@click.command("serve", cls=Command,
               short_help="run the Telegram bot (long polling; --webhook for webhook mode)")
@click.option("--webhook", is_flag=True,
              help="serve WEBHOOK_PATH (default /telegram) and /healthz on "
                   "WEBHOOK_LISTEN:WEBHOOK_PORT; if WEBHOOK_URL (the public HTTPS URL "
                   "that reaches WEBHOOK_PATH) is set, register it with Telegram "
                   "together with WEBHOOK_SECRET")
@click.option("--port", type=int, default=None, help="override WEBHOOK_PORT")
@click.option("--no-watch", is_flag=True,
              help="do not watch the knowledge folder (reload only with /reload)")
@pass_options
def serve(options: GlobalOptions, webhook: bool, port: int | None, no_watch: bool) -> int:
    """Run the Telegram bot: long polling by default, --webhook behind a proxy."""
    from bot.telegram.app import serve as run_serve
    from bot.wiring import make_engine

    return run_serve(lambda: make_engine(options), webhook=webhook, port=port,
                     watch=not no_watch)


COMMANDS: tuple[click.Command, ...] = (chat, serve)
