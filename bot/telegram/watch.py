"""Live knowledge updates: watch the knowledge folder and reload the engine.

:meth:`KnowledgeWatcher.watch` is an ``async`` loop over ``watchfiles.awatch``.  Changes
are debounced (a staff member copying three files triggers one reload, not three), then
``engine.reload()`` runs in a worker thread while the engine keeps answering from its
current snapshot; the engine swaps the new snapshot in by reference only when the whole
load and index build succeeded.  Every outcome, good or bad, goes to ``on_result`` so
the Telegram app can tell the admins what happened.

:meth:`KnowledgeWatcher.reload_now` is the one reload path: a file change and the admins'
``/reload`` both go through it (the Telegram app hands it to the conversation); a lock
makes sure two reloads never run at once (the second waits and then sees the newest
files).  The Telegram app runs :meth:`~KnowledgeWatcher.watch` as a task on its event
loop; :meth:`~KnowledgeWatcher.start` runs it in a daemon thread with a loop of its own,
for callers without one (scripts, tests).

Kubernetes ConfigMap volumes update by swapping a ``..data`` symlink, so paths with a
``..``-prefixed component count as knowledge changes; editor and office lock files do
not.  On network filesystems without inotify set ``force_polling``
(``POLICYBOT_WATCH_POLLING=1``, :class:`bot.config.Settings`).

``notify_admins(report)`` may be ``async``; it runs on the given loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from watchfiles import Change, awatch

from bot.conversation.store import StateStore
from bot.conversation.store import update as update_record
from bot.server_paths import public_report

log = logging.getLogger(__name__)

#: File types that are part of the knowledge folder.
WATCHED_SUFFIXES = frozenset(
    {".md", ".txt", ".pdf", ".docx", ".html", ".htm", ".yaml", ".yml"}
)
#: Names editors and office suites leave behind while a file is open or being saved.
_JUNK_PREFIXES = ("~$", ".~lock", ".#", "#")
_JUNK_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload", "~", ".bak")
_JUNK_DIRS = frozenset({"__pycache__", ".git", ".mypy_cache", ".pytest_cache", ".ruff_cache"})


class ReloadResult(Protocol):
    """What ``Engine.reload()`` returns (``index.answering.engine.ReloadReport``)."""

    @property
    def ok(self) -> bool: ...

    @property
    def message(self) -> str: ...

    @property
    def version(self) -> int | str: ...

    @property
    def fingerprint(self) -> str: ...  # the knowledge the reload read


class Reloadable(Protocol):
    """The part of the engine the watcher needs."""

    def reload(self) -> ReloadResult: ...


@dataclass(frozen=True)
class WatchFailure:
    """Reported when ``reload()`` itself raised instead of returning a report."""

    ok: bool
    message: str
    version: int | str
    fingerprint: str = ""  # unknown: the notice is sent (a duplicate beats silence)


ResultCallback = Callable[[ReloadResult], Awaitable[Any] | None]


def is_knowledge_change(path: str | Path, root: str | Path | None = None) -> bool:
    """Whether a changed path should trigger a reload."""
    p = Path(path)
    parts = p.relative_to(root).parts if root is not None and p.is_relative_to(root) else p.parts
    if any(part in _JUNK_DIRS for part in parts):
        return False
    name = p.name
    if name.startswith(_JUNK_PREFIXES) or name.endswith(_JUNK_SUFFIXES):
        return False
    # Kubernetes' atomic writer: ``..data`` and ``..2026_11_24_…`` entries.
    if any(part.startswith("..") for part in parts):
        return True
    if name.startswith("."):
        return False
    # A sidecar ``x.pdf.meta.yaml`` ends in .yaml; a bare directory event has no suffix
    # and is caught by the events for the files inside it.
    return p.suffix.lower() in WATCHED_SUFFIXES


class KnowledgeWatcher:
    """Reload ``engine`` whenever files under ``knowledge_dir`` change.

    ``on_result`` receives the ``ReloadReport`` of every reload.  It may be a plain
    function or a coroutine function; coroutines run on ``loop`` when it is given
    (the Telegram app passes its running loop), else on a private event loop.
    """

    def __init__(
        self,
        engine: Reloadable,
        knowledge_dir: str | Path,
        on_result: ResultCallback | None = None,
        *,
        debounce_ms: int = 1500,
        force_polling: bool = False,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        if debounce_ms < 0:
            raise ValueError("debounce_ms must be >= 0")
        self.engine = engine
        self.knowledge_dir = Path(knowledge_dir).resolve()
        self.on_result = on_result
        self.debounce_ms = debounce_ms
        self.force_polling = force_polling
        self.loop = loop
        self.listeners: list[ResultCallback] = []  # more on_result callbacks (alerts)
        self.last_changes: tuple[str, ...] = ()
        self.reload_count = 0
        self._reload_lock = threading.Lock()
        self._stop: asyncio.Event | None = None  # set by stop(): the watch loop ends
        self._watching: asyncio.AbstractEventLoop | None = None  # the loop watch() runs on
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task[None] | None = None

    # -- lifecycle -------------------------------------------------------------------

    async def watch(self) -> None:
        """Reload after every (debounced) knowledge change until :meth:`stop`."""
        stop = self._stop = asyncio.Event()
        self._watching = asyncio.get_running_loop()
        try:
            # ``awatch`` sets up the OS watch before its first yield; rust_timeout makes
            # it yield regularly, so ``stop`` is honoured even without file events.
            async for changes in awatch(
                self.knowledge_dir,
                watch_filter=self._filter,
                debounce=self.debounce_ms,
                stop_event=stop,
                rust_timeout=500,
                yield_on_timeout=True,
                force_polling=self.force_polling,
            ):
                self._ready.set()
                if stop.is_set():
                    break
                if changes:
                    paths = sorted({_relative(p, self.knowledge_dir) for _, p in changes})
                    log.info("knowledge changed: %s", ", ".join(paths))
                    await asyncio.to_thread(self.reload_now, paths)
        except Exception:
            log.exception("knowledge watcher stopped")
        finally:
            self._watching = None
            self._ready.set()

    async def start_async(self) -> KnowledgeWatcher:
        """Watch on the running loop, as a task (the Telegram app); async callbacks run on
        it too; returns once the watch is set up."""
        if self.running:
            return self
        loop = asyncio.get_running_loop()
        self.loop = self.loop or loop
        self._ready.clear()
        self._task = loop.create_task(self.watch(), name="policybot-knowledge-watcher")
        await asyncio.to_thread(self._ready.wait, 10)
        return self

    async def stop_async(self, timeout: float = 10.0) -> None:
        """Stop the task of :meth:`start_async`; waits for a running reload to finish."""
        self.stop()
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(task, timeout)

    def start(self) -> KnowledgeWatcher:
        """Watch in a daemon thread with its own event loop (callers without a loop);
        returns once the watch is set up."""
        if self.running:
            return self
        self._ready.clear()
        self._thread = threading.Thread(target=lambda: asyncio.run(self.watch()),
                                        name="policybot-knowledge-watcher", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=10)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching; waits for a running reload to finish (up to ``timeout``) when
        watching in a thread (:meth:`start`); the task of :meth:`watch` ends by itself."""
        loop, stop = self._watching, self._stop
        if loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to stop
                loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._watching is not None or (self._thread is not None
                                               and self._thread.is_alive())

    def __enter__(self) -> KnowledgeWatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- reloading ---------------------------------------------------------------------

    def reload_now(self, changes: Iterable[str] = (), *, notify: bool = True) -> ReloadResult:
        """Reload the engine at once; ``notify`` also sends the report to ``on_result`` and
        the listeners (``/reload`` answers its admin instead).

        The callbacks are called before the next reload can start.
        """
        with self._reload_lock:
            self.last_changes = tuple(sorted(changes))
            started = time.monotonic()
            try:
                report: ReloadResult = self.engine.reload()
            except Exception as exc:  # keep watching whatever the engine does
                log.exception("knowledge reload raised")
                report = WatchFailure(
                    ok=False,
                    message=f"{type(exc).__name__}: {exc}",
                    version=getattr(self.engine, "version", 0),
                )
            self.reload_count += 1
            log.info(
                "knowledge reload ok=%s version=%s in %.1fs: %s",
                report.ok,
                report.version,
                time.monotonic() - started,
                report.message,
            )
            # the log above keeps the full message; admins see no absolute server path
            data_dir = getattr(self.engine, "data_dir", None)
            report = public_report(report, self.knowledge_dir,
                                   *([data_dir] if data_dir else []))
            if notify:
                self._deliver(report)
        return report

    def _deliver(self, report: ReloadResult) -> None:
        for callback in (self.on_result, *self.listeners):
            if callback is None:
                continue
            try:
                result = callback(report)
                if inspect.isawaitable(result):
                    if self.loop is not None and self.loop.is_running():
                        asyncio.run_coroutine_threadsafe(_as_coroutine(result), self.loop)
                    else:
                        asyncio.run(_as_coroutine(result))
            except Exception:  # a failing notification must not stop the watcher
                log.exception("reload callback failed")

    def _filter(self, change: Change, path: str) -> bool:
        return is_knowledge_change(path, self.knowledge_dir)


async def _as_coroutine(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


RELOAD_NOTICE_TTL = 600.0  # seconds in which replicas count as reporting the same reload
RELOAD_NOTICE_KEY = "reload-notice:last"


def once_per_reload(
    store: StateStore, notify: Callable[[ReloadResult], Awaitable[None]]
) -> Callable[[ReloadResult], Awaitable[None]]:
    """Wrap ``notify(report)`` so that replicas sharing ``store`` send it once per reload.

    Every replica reloads by itself when a shared knowledge folder changes.  The store keeps
    the last announced (outcome, fingerprint) pair, the fingerprint being the knowledge the
    reload read (``ReloadReport.fingerprint``, the loaded snapshot's); a report is announced
    when its pair differs from it (compare-and-set, so one replica wins), the others stay
    quiet.  Deduplicating transitions, not pairs, means a success after a failure is always
    announced, even when a revert restores a folder announced ✅ minutes ago: the admins'
    last word is never a stale ❌.  A store error means notifying anyway: a duplicate beats
    silence.
    """

    async def notify_once(report: ReloadResult) -> None:
        try:
            pair = {"outcome": "ok" if report.ok else "failed",
                    "fingerprint": report.fingerprint}

            def announce(last: dict[str, Any] | None) -> tuple[Any, bool]:
                if last == pair:
                    return last, False  # another replica announced this very state
                return dict(pair), True

            first = await asyncio.to_thread(
                update_record, store, RELOAD_NOTICE_KEY, announce, RELOAD_NOTICE_TTL
            )
        except Exception:
            log.warning("reload notice: could not claim it in the store", exc_info=True)
            first = True
        if first:
            await notify(report)

    return notify_once


def _relative(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path
