"""The folders and the engine a command runs on, from its options (flag > environment > default).

``options`` is anything with ``knowledge``, ``data_dir`` and ``embedder`` attributes (the
CLI's global options); a missing or empty one falls back to the settings
(:func:`bot.config.engine_settings`: the environment).  Heavy modules (the engine, numpy,
the index) are imported only when an engine is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import EngineSettings, engine_settings
from bot.paths import resolve_data_dir, resolve_knowledge_dir

if TYPE_CHECKING:
    from index.answering.engine import Engine
    from index.ensure import OuterLock


def knowledge_dir(options: Any, settings: EngineSettings | None = None) -> Path:
    """``--knowledge``, else ``POLICYBOT_KNOWLEDGE_DIR``, ``./knowledge`` or the package's."""
    configured = (settings or engine_settings()).knowledge_dir
    return resolve_knowledge_dir(getattr(options, "knowledge", None), configured)


def data_dir(options: Any, settings: EngineSettings | None = None) -> Path:
    """``--data-dir``, else ``POLICYBOT_DATA_DIR`` or the XDG default; the index package
    is configured for this process on the way (:func:`configure_index`)."""
    settings = settings or engine_settings()
    path = resolve_data_dir(getattr(options, "data_dir", None), settings.data_dir)
    configure_index(path, settings)
    return path


def configure_index(path: Path, settings: EngineSettings) -> None:
    """What the index package takes from the deployment, once per process: jieba's
    dictionary cache in the data directory (not in ``/tmp``: it survives reboots and is
    private to this installation), the regions kept, the build lock's TTL."""
    from index.focus import set_deployment_regions
    from index.lockfile import set_lock_ttl
    from index.tokenize import set_cache_dir

    set_cache_dir(path)
    set_deployment_regions(settings.regions)
    set_lock_ttl(settings.build_lock_ttl)


def embedder_spec(options: Any, settings: EngineSettings | None = None) -> str | None:
    """``--embedder``, else ``POLICYBOT_EMBEDDER``, else None (the engine's default, USE)."""
    spec: str | None = getattr(options, "embedder", None)
    return spec or (settings or engine_settings()).embedder


def index_sharing(data: Path, settings: EngineSettings | None = None
                  ) -> tuple[bool, float, OuterLock | None]:
    """``(read_only, wait, build_lock)`` of the index for this process.

    ``POLICYBOT_INDEX_READONLY=1``: never build, wait up to ``POLICYBOT_INDEX_WAIT``
    (default 600) seconds for the index job; ``REDIS_URL``: builders also take a Redis
    lock (:class:`bot.build_lock.RedisBuildLock`), for replicas on several hosts.
    """
    settings = settings or engine_settings()
    lock = None
    if settings.redis_url:
        from bot.build_lock import RedisBuildLock

        lock = RedisBuildLock(settings.redis_url, data)
    return settings.index_read_only, settings.index_wait(), lock


def make_engine(options: Any) -> Engine:
    """The engine for a command, from ``--knowledge``/``--data-dir``/``--embedder`` or the
    settings, sharing the index as :func:`index_sharing` says."""
    from index.answering.engine import Engine

    settings = engine_settings()
    data = data_dir(options, settings)
    read_only, wait, lock = index_sharing(data, settings)
    return Engine(knowledge_dir(options, settings), data,
                  embedder_spec=embedder_spec(options, settings), progress=True,
                  read_only=read_only, index_wait=wait, build_lock=lock)
