"""The folders and the engine a command runs on, from its options (flag > environment > default).

``options`` is anything with ``knowledge``, ``data_dir`` and ``embedder`` attributes (the
CLI's global options); a missing or empty one falls back to the environment.  Heavy modules
(the engine, numpy, the index) are imported only when an engine is made.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.paths import resolve_data_dir, resolve_knowledge_dir
from knowledge.errors import PolicyBotError

DEFAULT_INDEX_WAIT = 600.0  # seconds a read-only replica waits for the index job

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


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def index_sharing(data: Path) -> tuple[bool, float, Any]:
    """``(read_only, wait, build_lock)`` of the index for this process, from the environment.

    ``POLICYBOT_INDEX_READONLY=1``: never build, wait up to ``POLICYBOT_INDEX_WAIT``
    (default 600) seconds for the index job; ``REDIS_URL``: builders also take a Redis
    lock (:class:`bot.build_lock.RedisBuildLock`), for replicas on several hosts.  Read
    from the environment only (no settings module), so ``policybot ask`` stays light.
    """
    read_only = os.environ.get("POLICYBOT_INDEX_READONLY", "").strip().lower() in TRUE_WORDS
    raw_wait = os.environ.get("POLICYBOT_INDEX_WAIT", "").strip()
    try:
        wait = float(raw_wait) if raw_wait else DEFAULT_INDEX_WAIT
    except ValueError as exc:
        raise PolicyBotError(f"POLICYBOT_INDEX_WAIT: {raw_wait!r} 不是秒数 / is not a number "
                             "of seconds") from exc
    lock = None
    redis_url = os.environ.get("REDIS_URL", "").strip()
    if redis_url:
        from bot.build_lock import RedisBuildLock

        lock = RedisBuildLock(redis_url, data)
    return read_only, wait, lock


def make_engine(options: Any) -> Engine:
    """The engine for a command, from ``--knowledge``/``--data-dir``/``--embedder`` or env,
    sharing the index as :func:`index_sharing` says."""
    from index.answering.engine import Engine

    data = data_dir(options)
    read_only, wait, lock = index_sharing(data)
    return Engine(knowledge_dir(options), data, embedder_spec=embedder_spec(options),
                  progress=True, read_only=read_only, index_wait=wait, build_lock=lock)
