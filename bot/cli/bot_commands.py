"""``policybot chat`` and ``policybot serve``: the conversation, in a terminal or on Telegram.

The work lives in :func:`bot.cli.chat.terminal_chat` and :func:`bot.telegram.app.serve`, imported
when the command runs (python-telegram-bot, aiohttp, redis and watchfiles are loaded by
``serve`` only).
"""

from __future__ import annotations

import click

from bot.cli.options import Command, GlobalOptions, pass_options


@click.command("chat", cls=Command,
               short_help="在终端里与机器人对话（按钮变为编号选项）",
               help="在终端里与机器人对话：按钮变为编号选项 [1] …\n\n"
                    "输入编号或按钮文字即按下按钮；/quit 或输入结束即退出。")
@pass_options
def chat(options: GlobalOptions) -> int:
    """Talk to the bot in the terminal: buttons become numbered options [1] …

    Type a number or a label to press a button; /quit or end of input ends the chat.
    """
    from bot.cli.chat import terminal_chat

    return terminal_chat(options)


@click.command("serve", cls=Command,
               short_help="运行 Telegram 机器人（长轮询；--webhook 为 webhook 模式）",
               help="运行 Telegram 机器人：默认长轮询，在反向代理后面用 --webhook。")
@click.option("--webhook", is_flag=True,
              help="在 WEBHOOK_LISTEN:WEBHOOK_PORT 上提供 WEBHOOK_PATH（默认 /telegram）和 "
                   "/healthz；设置了 WEBHOOK_URL（到达 WEBHOOK_PATH 的公网 HTTPS 地址）时，"
                   "连同 WEBHOOK_SECRET 一起向 Telegram 登记")
@click.option("--port", type=int, default=None, help="代替 WEBHOOK_PORT 的端口")
@click.option("--no-watch", is_flag=True,
              help="不监视知识库目录（只在发送 /reload 时重新加载）")
@pass_options
def serve(options: GlobalOptions, webhook: bool, port: int | None, no_watch: bool) -> int:
    """Run the Telegram bot: long polling by default, --webhook behind a proxy."""
    from bot.telegram.app import serve as run_serve
    from bot.wiring import make_engine

    return run_serve(lambda: make_engine(options), webhook=webhook, port=port,
                     watch=not no_watch)


COMMANDS: tuple[click.Command, ...] = (chat, serve)
