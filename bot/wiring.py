"""The folders and the engine a command runs on, from its options (flag > environment > default).

``options`` is anything with ``knowledge``, ``data_dir`` and ``embedder`` attributes (the
CLI's global options); a missing or empty one falls back to the environment.  Heavy modules
(the engine, numpy, the index) are imported only when an engine is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.paths import resolve_data_dir, resolve_knowledge_dir

if TYPE_CHECKING:
    from index.answering.engine import Engine


def knowledge_dir(options: Any) -> Path:
    """``--knowledge``, else ``POLICYBOT_KNOWLEDGE_DIR``, ``./knowledge`` or the package's."""
    return resolve_knowledge_dir(getattr(options, "knowledge", None))


def data_dir(options: Any) -> Path:
    """``--data-dir``, else ``POLICYBOT_DATA_DIR`` or the XDG default.

    jieba's dictionary cache is kept there too (not in ``/tmp``), so it survives reboots
    and is private to this installation.
    """
    path = resolve_data_dir(getattr(options, "data_dir", None))
    from index.tokenize import set_cache_dir

    set_cache_dir(path)
    return path


def embedder_spec(options: Any) -> str | None:
    """``--embedder``, else None (the engine reads ``POLICYBOT_EMBEDDER``)."""
    spec: str | None = getattr(options, "embedder", None)
    return spec


def make_engine(options: Any) -> Engine:
    """The engine for a command, from ``--knowledge``/``--data-dir``/``--embedder`` or env."""
    from index.answering.engine import Engine

    return Engine(knowledge_dir(options), data_dir(options),
                  embedder_spec=embedder_spec(options), progress=True)
