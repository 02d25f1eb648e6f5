"""Settings: every variable the bot reads, read here and only here; and the one filter
that keeps secrets out of every log line.

Two groups, each read from one place:

* :class:`EngineSettings` (:func:`engine_settings`) — the folders, the embedder, how the
  index is shared, the deployment's regions and the build lock's TTL: what every command
  needs, ``policybot ask`` included; read from the environment only (no ``.env``), by a
  module light enough for a quick start (python-dotenv is imported only to read ``.env``).
* :class:`Settings` (:func:`load_settings`) — what the Telegram bot needs (token, admins,
  webhook, limits, alerts, the watcher); read from the environment over a ``.env`` file.
  The environment wins over ``.env``; ``.env`` is read without touching ``os.environ``.

The core packages (``knowledge``, ``index``) read no environment: the bot passes these
values down (:func:`bot.wiring.make_engine`).

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

from knowledge.errors import PolicyBotError

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
# A Bot API token looks like 123456789:AA…; redact anything token-shaped even if unknown.
TOKEN_PATTERN = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[REDACTED]"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
DEFAULT_INDEX_WAIT = 600.0  # seconds a read-only replica waits for the index job
DEFAULT_LOCK_TTL = 1800.0  # seconds before a build lock's holder counts as hung

Env = Mapping[str, str | None]


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _value(env: Env, name: str) -> str | None:
    """``name``'s value, stripped; None when unset or blank."""
    value = env.get(name)
    return value.strip() if value and value.strip() else None


def default_data_dir(env: Env | None = None) -> Path:
    """``POLICYBOT_DATA_DIR``, else ``$XDG_DATA_HOME/policybot`` or ``~/.local/share/policybot``.

    ``env`` (default ``os.environ``) is where ``POLICYBOT_DATA_DIR`` is looked up, e.g. the
    environment merged with ``.env`` in :func:`load_settings`.
    """
    configured = _value(os.environ if env is None else env, "POLICYBOT_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    xdg = _value(os.environ, "XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "policybot"


def _regions(raw: str | None) -> frozenset[str] | None:
    """``POLICYBOT_REGIONS``: regions separated by commas, semicolons or spaces."""
    parts = frozenset(p.strip() for p in re.split(r"[,，;；\s]+", raw or "") if p.strip())
    return parts or None


def _lock_ttl(raw: str | None) -> float:
    try:
        return max(1.0, float(raw or DEFAULT_LOCK_TTL))
    except ValueError:
        return DEFAULT_LOCK_TTL


@dataclass(frozen=True)
class EngineSettings:
    """What every command needs to make its engine; built by :func:`engine_settings`."""

    knowledge_dir: str | None = None  # POLICYBOT_KNOWLEDGE_DIR (else ./knowledge or the package's)
    data_dir: Path = field(default_factory=default_data_dir)
    embedder: str | None = None  # POLICYBOT_EMBEDDER (else "use")
    index_read_only: bool = False  # POLICYBOT_INDEX_READONLY
    index_wait_text: str | None = None  # POLICYBOT_INDEX_WAIT, read by index_wait()
    redis_url: str | None = None  # REDIS_URL: builders also take a Redis lock
    regions: frozenset[str] | None = None  # POLICYBOT_REGIONS (None: every region)
    build_lock_ttl: float = DEFAULT_LOCK_TTL  # POLICYBOT_BUILD_LOCK_TTL

    def index_wait(self) -> float:
        """Seconds a read-only replica waits for the index job (POLICYBOT_INDEX_WAIT)."""
        raw = self.index_wait_text
        try:
            return float(raw) if raw else DEFAULT_INDEX_WAIT
        except ValueError as exc:
            raise PolicyBotError(f"POLICYBOT_INDEX_WAIT: {raw!r} 不是秒数 / is not a number "
                                 "of seconds") from exc


def engine_settings(env: Env | None = None) -> EngineSettings:
    """The engine's settings from ``env`` (default ``os.environ``; never ``.env``)."""
    source: Env = os.environ if env is None else env
    return EngineSettings(
        knowledge_dir=_value(source, "POLICYBOT_KNOWLEDGE_DIR"),
        data_dir=default_data_dir(source),
        embedder=_value(source, "POLICYBOT_EMBEDDER"),
        index_read_only=(source.get("POLICYBOT_INDEX_READONLY") or "").strip().lower()
        in TRUE_WORDS,
        index_wait_text=_value(source, "POLICYBOT_INDEX_WAIT"),
        redis_url=_value(source, "REDIS_URL"),
        regions=_regions(source.get("POLICYBOT_REGIONS")),
        build_lock_ttl=_lock_ttl(source.get("POLICYBOT_BUILD_LOCK_TTL")),
    )


def debug_enabled(env: Env | None = None) -> bool:
    """``POLICYBOT_DEBUG``: unexpected errors propagate with their (redacted) traceback."""
    return bool((os.environ if env is None else env).get("POLICYBOT_DEBUG"))


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
    # policy alerts (docs/alerts.md): messages/s overall and per chat, seconds between looks
    alert_rate: float = 30.0
    alert_per_chat: float = 1.0
    alert_poll: float = 1.0
    watch_polling: bool = False  # poll the knowledge folder (NFS: no inotify)

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


def _number(env: Env, name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}: {raw!r} is not a number") from exc


def _rate(env: Env, name: str, default: float) -> float:
    """A rate of the alerts: a malformed value is the default (alerts never stop a start)."""
    try:
        return float(env.get(name) or default)
    except ValueError:
        return default


def load_settings(
    env: Mapping[str, str] | None = None, dotenv_path: str | Path | None = ".env"
) -> Settings:
    """Read settings from ``env`` (default ``os.environ``) over the values in ``.env``."""
    merged: dict[str, str | None] = {}
    if dotenv_path is not None and Path(dotenv_path).is_file():
        from dotenv import dotenv_values  # only here: ``policybot ask`` never needs it

        merged.update(dotenv_values(dotenv_path))
    merged.update(os.environ if env is None else env)

    def get(name: str) -> str | None:
        return _value(merged, name)

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
        alert_rate=_rate(merged, "POLICYBOT_ALERT_RATE", 30.0),
        alert_per_chat=_rate(merged, "POLICYBOT_ALERT_PER_CHAT", 1.0),
        alert_poll=_rate(merged, "POLICYBOT_ALERT_POLL", 1.0),
        watch_polling=merged.get("POLICYBOT_WATCH_POLLING") in {"1", "true", "yes"},
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
