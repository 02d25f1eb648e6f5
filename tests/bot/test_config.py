"""Settings from env and .env; the token never reaches a log line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import (
    REDACTED,
    RedactingFilter,
    SettingsError,
    install_log_redaction,
    load_settings,
)

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


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
