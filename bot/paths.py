"""Where the knowledge folder and the data directory are (CLI flag > setting > default).

The settings (:mod:`bot.config`) say what ``POLICYBOT_KNOWLEDGE_DIR`` and
``POLICYBOT_DATA_DIR`` hold; this module picks between them and a command's flags.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

PACKAGE_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


def resolve_data_dir(arg: str | Path | None, configured: Path) -> Path:
    """``--data-dir``, else ``configured`` (:func:`bot.config.default_data_dir`)."""
    return Path(arg).expanduser() if arg else configured


def resolve_knowledge_dir(arg: str | Path | None = None, configured: str | None = None) -> Path:
    """``--knowledge``, ``configured`` (``POLICYBOT_KNOWLEDGE_DIR``), ``./knowledge`` if it
    has ``policies/``, else the package folder."""
    if arg:
        return Path(arg).expanduser().resolve()
    if configured:
        return Path(configured).expanduser().resolve()
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
