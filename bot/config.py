"""Bot settings from the environment or a ``.env`` file, and a log filter that hides secrets.

The environment wins over ``.env``; ``.env`` is read without touching ``os.environ``.
PTB and httpx log request URLs, and every Bot API URL carries the token
(``…/bot<TOKEN>/getUpdates``), so :func:`install_log_redaction` rewrites every log record
before any handler sees it.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

from bot.paths import default_data_dir

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
# A Bot API token looks like 123456789:AA…; redact anything token-shaped even if unknown.
TOKEN_PATTERN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[REDACTED]"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """Everything the Telegram side needs; built by :func:`load_settings`."""

    token: str = ""
    api_base_url: str = DEFAULT_BASE_URL
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    redis_url: str | None = None
    data_dir: Path = field(default_factory=default_data_dir)
    knowledge_dir: str | None = None
    embedder: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    webhook_path: str = "/telegram"
    flood_limit: int = 20  # updates (messages and presses) per user per flood_window seconds
    flood_window: float = 10.0
    rate_limit: float = 30.0  # outgoing requests per second (Telegram's broadcast limit)
    typing_delay: float = 0.2  # show "typing…" only when an answer takes longer than this
    max_concurrent_updates: int = 64
    state_ttl: int = 7 * 24 * 3600

    def base_url(self) -> str:
        """Bot API URL prefix for PTB: the token is appended unless ``{token}`` is present."""
        url = self.api_base_url.rstrip("/")
        if "{token}" in url or url.endswith("/bot"):
            return url
        return url + "/bot"

    def secrets(self) -> list[str]:
        return [s for s in (self.token, self.webhook_secret) if s]


def _int_set(raw: str, name: str) -> frozenset[int]:
    out: set[int] = set()
    for part in re.split(r"[,\s;]+", raw.strip()):
        if not part:
            continue
        try:
            out.add(int(part))
        except ValueError as exc:
            raise SettingsError(f"{name}: {part!r} is not a numeric Telegram user id") from exc
    return frozenset(out)


def _number(env: Mapping[str, str | None], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: {raw!r} is not a number") from exc


def load_settings(
    env: Mapping[str, str] | None = None, dotenv_path: str | Path | None = ".env"
) -> Settings:
    """Read settings from ``env`` (default ``os.environ``) over the values in ``.env``."""
    merged: dict[str, str | None] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        merged.update(dotenv_values(dotenv_path))
    merged.update(os.environ if env is None else env)

    def get(name: str) -> str | None:
        value = merged.get(name)
        return value.strip() if value and value.strip() else None

    return Settings(
        token=get("TELEGRAM_BOT_TOKEN") or "",
        api_base_url=get("TELEGRAM_API_BASE_URL") or DEFAULT_BASE_URL,
        admin_ids=_int_set(get("ADMIN_IDS") or "", "ADMIN_IDS"),
        redis_url=get("REDIS_URL"),
        data_dir=default_data_dir(merged),
        knowledge_dir=get("POLICYBOT_KNOWLEDGE_DIR"),
        embedder=get("POLICYBOT_EMBEDDER"),
        webhook_url=get("WEBHOOK_URL"),
        webhook_secret=get("WEBHOOK_SECRET"),
        webhook_listen=get("WEBHOOK_LISTEN") or "127.0.0.1",
        webhook_port=int(_number(merged, "WEBHOOK_PORT", 8080)),
        webhook_path="/" + (get("WEBHOOK_PATH") or "telegram").strip("/"),
        flood_limit=int(_number(merged, "POLICYBOT_FLOOD_LIMIT", 20)),
        flood_window=_number(merged, "POLICYBOT_FLOOD_WINDOW", 10.0),
        rate_limit=_number(merged, "POLICYBOT_RATE_LIMIT", 30.0),
        typing_delay=_number(merged, "POLICYBOT_TYPING_DELAY", 0.2),
    )


class RedactingFilter(logging.Filter):
    """Replace secrets (and anything token-shaped) in a record's message and traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = TOKEN_PATTERN.sub(REDACTED, text)
        return redact(text) if _installed is self else text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it as usual
            return True
        clean = self.redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


_installed: RedactingFilter | None = None
SECRET_ENV = ("TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET")


def redact(text: str) -> str:
    """The one redaction point: ``text`` without any known secret or token-shaped string.

    Every log record (through :func:`install_log_redaction`), every CLI error message and
    every admin notice goes through here.  Known secrets are those given to
    :func:`install_log_redaction` plus ``TELEGRAM_BOT_TOKEN`` and ``WEBHOOK_SECRET`` from
    the environment, so it works even before settings were loaded.
    """
    text = str(text)
    known = set(_installed.secrets) if _installed is not None else set()
    known.update(value.strip() for name in SECRET_ENV if (value := os.environ.get(name)))
    for secret in sorted((s for s in known if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return TOKEN_PATTERN.sub(REDACTED, text)


def redacted_traceback(exc: BaseException) -> str:
    """``exc``'s traceback, causes included, through :func:`redact` (debug output)."""
    return redact("".join(traceback.format_exception(exc)))


def install_traceback_redaction() -> None:
    """Print every uncaught traceback (main thread and other threads) through :func:`redact`.

    ``POLICYBOT_DEBUG=1`` lets an unexpected error propagate; the interpreter's own
    printer would show an exception message that quotes the token (a rejected start).
    """
    def excepthook(kind: type[BaseException], value: BaseException, tb: object) -> None:
        sys.stderr.write(redacted_traceback(value))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "?"
        sys.stderr.write(f"Exception in thread {name}:\n" + redacted_traceback(args.exc_value))

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


def install_log_redaction(secrets: Iterable[str]) -> RedactingFilter:
    """Redact ``secrets`` from every log record, whichever logger or handler emits it.

    A filter on a logger does not see records of its child loggers, and handlers may be
    added later, so the filter runs in the record factory: no record exists unredacted.
    """
    global _installed
    install_traceback_redaction()
    if _installed is not None:
        _installed.secrets = sorted(
            set(_installed.secrets) | {s for s in secrets if s}, key=len, reverse=True
        )
        return _installed
    flt = RedactingFilter(secrets)
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        flt.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    # httpx logs every request URL (with the token) at INFO; keep it to warnings.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    _installed = flt
    return flt
