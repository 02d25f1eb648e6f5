"""The engine a command runs on, from its options (flag > environment > default)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.paths import default_data_dir, resolve_knowledge_dir
from index.answering.engine import Engine


def make_engine(args: Any) -> Engine:
    """The engine for a command, from ``--knowledge``/env and ``POLICYBOT_DATA_DIR``."""
    return Engine(
        resolve_knowledge_dir(getattr(args, "knowledge", None)),
        Path(args.data_dir) if getattr(args, "data_dir", None) else default_data_dir(),
        embedder_spec=getattr(args, "embedder", None),
        progress=True,
    )
