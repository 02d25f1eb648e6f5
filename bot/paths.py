"""Where the knowledge folder and the data directory are (CLI flag > env > default)."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

PACKAGE_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def default_data_dir() -> Path:
    """``POLICYBOT_DATA_DIR``, else ``$XDG_DATA_HOME/policybot`` or ``~/.local/share/policybot``."""
    env = os.environ.get("POLICYBOT_DATA_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "policybot"


def resolve_knowledge_dir(arg: str | Path | None = None) -> Path:
    """``--knowledge``, ``POLICYBOT_KNOWLEDGE_DIR``, ``./knowledge``, else the package folder."""
    if arg:
        return Path(arg).expanduser().resolve()
    env = os.environ.get("POLICYBOT_KNOWLEDGE_DIR")
    if env:
        return Path(env).expanduser().resolve()
    local = Path.cwd() / "knowledge"
    if (local / "policies").is_dir():
        return local.resolve()
    return PACKAGE_KNOWLEDGE


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` for argparse, with a message staff can act on."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text!r}") from exc
