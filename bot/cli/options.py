"""What every ``policybot`` command shares: the global options, dates, and error handling.

Global options anywhere
    ``--knowledge DIR``, ``--data-dir DIR`` and ``--embedder SPEC`` are parameters of
    *every* group and command built from :class:`Group`/:class:`Command` (they add them
    themselves, so no command can forget them).  They are not passed to the callbacks;
    each occurrence writes into the one :class:`GlobalOptions` object that all contexts of
    an invocation share (``ctx.obj``).  Click parses the levels in order (``policybot``,
    then ``kb``, then ``check``), so the value given closest to the leaf wins:
    ``policybot --knowledge A kb check --knowledge B`` uses ``B``.

Errors
    :meth:`Command.invoke` turns a :class:`PolicyBotError` into one ``policybot: …`` line
    on stderr and status 2, and any other exception into one 内部错误 line and status 1
    (``POLICYBOT_DEBUG=1`` re-raises it); both lines pass through
    :func:`bot.config.redact`, so no token or secret is printed.  Click's own usage errors
    are left to :func:`bot.cli.main.main` (status 2).

This module imports only click, the standard library, :mod:`bot.paths` and
:mod:`knowledge.errors` (:mod:`bot.config`, the settings, on the error path), so
``policybot ask`` starts quickly.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import click

from bot.paths import parse_date
from knowledge.errors import PolicyBotError

CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}
# ``--help`` is read by staff: click's own words in Chinese too (the help texts themselves
# are given in each command's decorator; the docstrings stay English, for developers)
_SECTIONS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_EXTRAS = (("[default: ", "[默认："), ("[required]", "[必填]"), ("; required]", "；必填]"))
HELP_OPTION_TEXT = "显示本帮助并退出。"


class ChineseHelpFormatter(click.HelpFormatter):
    """click's help layout with its headings, usage prefix and option extras in Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def section(self, name: str) -> Any:
        return super().section(_SECTIONS.get(name, name))

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        def chinese(text: str) -> str:
            for english, zh in _EXTRAS:
                text = text.replace(english, zh)
            return text

        super().write_dl([(a, chinese(b)) for a, b in rows], col_max, col_spacing)


class ChineseContext(click.Context):
    formatter_class = ChineseHelpFormatter


@dataclass
class GlobalOptions:
    """The global options of one invocation; ``None`` means "from the environment"."""

    knowledge: str | None = None
    data_dir: str | None = None
    embedder: str | None = None


GLOBAL_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--knowledge", "DIR", "知识库目录（默认：$POLICYBOT_KNOWLEDGE_DIR，否则 ./knowledge）"),
    ("--data-dir", "DIR", "索引和状态目录（默认：$POLICYBOT_DATA_DIR）"),
    ("--embedder", "SPEC",
     "向量模型：use（默认）、hash（测试用）或 st:<模型名或路径>（默认：$POLICYBOT_EMBEDDER）"),
)


def _remember(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    options = ctx.ensure_object(GlobalOptions)
    if value is not None and param.name:
        setattr(options, param.name, value)
    return value


def global_params() -> list[click.Parameter]:
    """Fresh ``--knowledge``/``--data-dir``/``--embedder`` parameters for one command."""
    return [
        click.Option([flag], metavar=metavar, help=text, expose_value=False,
                     callback=_remember)
        for flag, metavar, text in GLOBAL_OPTIONS
    ]


# ``@pass_options``: the callback's first argument is the invocation's GlobalOptions.
pass_options: Callable[..., Any] = click.make_pass_decorator(GlobalOptions, ensure=True)


class DateType(click.ParamType[date, Any]):
    """``YYYY-MM-DD`` → :class:`datetime.date`, with the message of :func:`parse_date`."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateType()


def _redact(text: str) -> str:
    """``text`` without the bot token or webhook secret (an error may quote them)."""
    from bot.config import redact  # only on the error path

    return redact(text)


def _debug() -> bool:
    """``POLICYBOT_DEBUG=1``: show the (redacted) traceback of an error."""
    from bot.config import debug_enabled

    return debug_enabled()


def _show_tracebacks_redacted() -> None:
    """The traceback that POLICYBOT_DEBUG=1 shows passes the one redaction point too."""
    from bot.config import install_traceback_redaction

    install_traceback_redaction()


def internal_error(exc: BaseException) -> str:
    return _redact(f"policybot: 内部错误（{type(exc).__name__}: {exc}）。"
                   "设置 POLICYBOT_DEBUG=1 可查看详细信息。")


class Command(click.Command):
    """A ``policybot`` command: global options, and errors as one line and a status."""

    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(global_params())

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _chinese_help(super().get_help_option(ctx))

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # ``policybot rules | head``: click ends quietly
            raise
        except PolicyBotError as exc:
            if _debug():  # the traceback too, through redaction
                import traceback

                print(_redact("".join(traceback.format_exception(exc))), file=sys.stderr)
            print(_redact(f"policybot: {exc}"), file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
        except Exception as exc:  # no traceback at a user; POLICYBOT_DEBUG=1 shows it
            if _debug():
                _show_tracebacks_redacted()
                raise
            print(internal_error(exc), file=sys.stderr)
            return 1


class Group(click.Group):
    """A ``policybot`` group: global options too; its commands and groups are ours."""

    command_class = Command
    group_class = type  # subgroups are Groups as well
    context_class = ChineseContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(global_params())

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _chinese_help(super().get_help_option(ctx))


def _chinese_help(option: click.Option | None) -> click.Option | None:
    if option is not None:
        option.help = HELP_OPTION_TEXT
    return option
