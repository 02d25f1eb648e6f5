"""Where the knowledge folder and the data directory are (CLI flag > env > default).

The one place that reads ``POLICYBOT_KNOWLEDGE_DIR``, ``POLICYBOT_DATA_DIR`` and
``XDG_DATA_HOME``: the CLI (:mod:`bot.wiring`) and the settings (:mod:`bot.config`) both
come here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path

PACKAGE_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def _setting(env: Mapping[str, str | None] | None, name: str) -> str | None:
    value = (os.environ if env is None else env).get(name)
    return value.strip() if value and value.strip() else None


def default_data_dir(env: Mapping[str, str | None] | None = None) -> Path:
    """``POLICYBOT_DATA_DIR``, else ``$XDG_DATA_HOME/policybot`` or ``~/.local/share/policybot``.

    ``env`` (default ``os.environ``) is where ``POLICYBOT_DATA_DIR`` is looked up, e.g. the
    environment merged with ``.env`` in :func:`bot.config.load_settings`.
    """
    configured = _setting(env, "POLICYBOT_DATA_DIR")
    if configured:
        return Path(configured).expanduser()
    xdg = _setting(None, "XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "policybot"


def resolve_data_dir(arg: str | Path | None = None) -> Path:
    """``--data-dir``, else :func:`default_data_dir`."""
    return Path(arg).expanduser() if arg else default_data_dir()


def resolve_knowledge_dir(arg: str | Path | None = None) -> Path:
    """``--knowledge``, ``POLICYBOT_KNOWLEDGE_DIR``, ``./knowledge``, else the package folder."""
    if arg:
        return Path(arg).expanduser().resolve()
    env = _setting(None, "POLICYBOT_KNOWLEDGE_DIR")
    if env:
        return Path(env).expanduser().resolve()
    local = Path.cwd() / "knowledge"
    if (local / "policies").is_dir():
        return local.resolve()
    return PACKAGE_KNOWLEDGE


def parse_date(text: str) -> date:
    """``YYYY-MM-DD``; a :class:`ValueError` with a message staff can act on otherwise."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"日期格式应为 YYYY-MM-DD：{text!r}") from exc
