"""Settings from env and .env; the token never reaches a log line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import (
    REDACTED,
    RedactingFilter,
    SettingsError,
    engine_settings,
    install_log_redaction,
    load_settings,
)

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_alert_and_watch_settings(tmp_path: Path) -> None:
    """Defaults, values, and a malformed rate read as its default (docs/alerts.md)."""
    assert load_settings({}, None).alert_rate == 30.0
    settings = load_settings({"POLICYBOT_ALERT_RATE": "200", "POLICYBOT_ALERT_POLL": "0.1",
                              "POLICYBOT_ALERT_PER_CHAT": "fast",
                              "POLICYBOT_WATCH_POLLING": "1"}, None)
    assert (settings.alert_rate, settings.alert_poll, settings.alert_per_chat) == (200, 0.1, 1)
    assert settings.watch_polling and not load_settings({}, None).watch_polling


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("", None), ("威海市", {"威海市"}),
     ("威海市, 山东省；荣成市", {"威海市", "山东省", "荣成市"})],
    ids=["unset", "empty", "one", "several"],
)
def test_deployment_regions(value: str | None, expected: set[str] | None) -> None:
    env = {} if value is None else {"POLICYBOT_REGIONS": value}
    got = engine_settings(env).regions
    assert (None if got is None else set(got)) == expected


def test_env_over_dotenv(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("TELEGRAM_BOT_TOKEN=from-file\nADMIN_IDS=1, 2\nWEBHOOK_PORT=9000\n",
                      encoding="utf-8")
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "from-env"}, dotenv)
    assert settings.token == "from-env"
    assert settings.admin_ids == frozenset({1, 2})
    assert settings.webhook_port == 9000
    assert settings.redis_url is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.telegram.org/bot", "https://api.telegram.org/bot"),
        ("http://127.0.0.1:8081", "http://127.0.0.1:8081/bot"),
        ("http://127.0.0.1:8081/bot/", "http://127.0.0.1:8081/bot"),
        ("http://h/bot{token}/test", "http://h/bot{token}/test"),
    ],
    ids=["default", "self-hosted", "trailing-slash", "placeholder"],
)
def test_base_url(url: str, expected: str) -> None:
    assert load_settings({"TELEGRAM_API_BASE_URL": url}, None).base_url() == expected


@pytest.mark.parametrize(
    ("env", "message"),
    [({"ADMIN_IDS": "12,bob"}, "ADMIN_IDS"), ({"WEBHOOK_PORT": "eighty"}, "WEBHOOK_PORT")],
    ids=["admin-ids", "port"],
)
def test_bad_settings(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(env, None)


def test_filter_redacts_message_args_and_traceback() -> None:
    flt = RedactingFilter(["s3cret"])
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe s3cret")
    except RuntimeError:
        import sys

        record = logging.LogRecord("httpx", logging.INFO, __file__, 1,
                                   "HTTP Request: %s %s", ("POST", f"/bot{TOKEN}/x"),
                                   sys.exc_info())
    flt.filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text and "s3cret" not in text and REDACTED in text


def test_installed_redaction_covers_every_logger(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction([TOKEN])
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("telegram.ext.some.child").warning("url %s", f"/bot{TOKEN}/getUpdates")
        logging.getLogger("httpx").warning(f"plain {TOKEN}")
    assert TOKEN not in caplog.text
    assert caplog.text.count(REDACTED) == 2


SERVE_DRIVER = """
import os, sys
from bot.config import redact
from bot.telegram.app import serve
from index.answering.engine import Engine
env = os.environ
try:
    serve(lambda: Engine(env["POLICYBOT_KNOWLEDGE_DIR"], env["POLICYBOT_DATA_DIR"], "hash"),
          watch=False)
except Exception as exc:  # the CLI's top-level printer
    print(f"policybot: 内部错误（{type(exc).__name__}: {redact(str(exc))}）", file=sys.stderr)
    sys.exit(1)
"""


def test_rejected_token_never_printed_by_serve(tmp_path: Path) -> None:
    _rejected_token_scan(tmp_path, ["-m", "bot.cli", "serve", "--no-watch"])


def test_rejected_token_never_in_serve_logs_or_error(tmp_path: Path) -> None:
    _rejected_token_scan(tmp_path, ["-c", SERVE_DRIVER])


def test_rejected_token_never_in_a_debug_traceback(tmp_path: Path) -> None:
    """POLICYBOT_DEBUG=1, which error lines tell operators to set, shows the traceback
    through the one redaction point: the traceback is there, the token is not."""
    output = _rejected_token_scan(tmp_path, ["-m", "bot.cli", "serve", "--no-watch"],
                                  debug=True)
    assert "Traceback (most recent call last)" in output


def _rejected_token_scan(tmp_path: Path, argv: list[str], debug: bool = False) -> str:
    """Telegram answering 401 to getMe: neither the token nor the webhook secret shows up
    anywhere in the output of ``policybot serve`` (the error message quotes the token)."""
    import asyncio
    import os
    import subprocess
    import sys
    import threading

    from bot_api_server import BotApiServer
    from cli_runner import REPO

    token = "4242:rejected-token-not-token-shaped"  # too short for TOKEN_PATTERN
    secret = "webhook-secret-7f3a9c"
    loop = asyncio.new_event_loop()
    server = BotApiServer()
    server.rejected.add(token)
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=token, WEBHOOK_SECRET=secret,
                   TELEGRAM_API_BASE_URL=server.base_url, POLICYBOT_EMBEDDER="hash",
                   POLICYBOT_DATA_DIR=str(tmp_path / "data"), PYTHONIOENCODING="utf-8",
                   PYTHONPATH=str(REPO))
        env.pop("POLICYBOT_DEBUG", None)
        if debug:
            env["POLICYBOT_DEBUG"] = "1"
        command = [sys.executable, *argv]
        proc = subprocess.run(command, cwd=tmp_path,
                              env={**env, "POLICYBOT_KNOWLEDGE_DIR": str(REPO / "knowledge")},
                              capture_output=True, text=True, encoding="utf-8", timeout=300,
                              check=False)
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert any(c.method.lower() == "getme" for c in server.calls) or "InvalidToken" in output
    assert "InvalidToken" in output, output[-2000:]
    assert token not in output and secret not in output, output[-3000:]
    assert "getMe" in output  # one line naming the call that failed, the token masked
    return output


def test_redact_uses_installed_and_environment_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import redact

    monkeypatch.setenv("WEBHOOK_SECRET", "hook-secret-xyz")
    install_log_redaction(["short:secret"])
    text = redact(f"a short:secret b hook-secret-xyz c {TOKEN}")
    assert "short:secret" not in text and "hook-secret-xyz" not in text and TOKEN not in text
