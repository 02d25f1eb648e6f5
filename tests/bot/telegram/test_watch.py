"""The knowledge watcher: debounced reloads, results to a callback, never a crash.

The first part runs the real watcher against a stub that only counts reloads (and can
fail or be slow on demand); the second (``slow``) runs it against the real
:class:`index.answering.engine.Engine` while questions stream in.  Tests wait for
conditions (a reload reported), never for a fixed time.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.telegram.watch import (
    KnowledgeWatcher,
    WatchFailure,
    is_knowledge_change,
    once_per_reload,
)

REPO = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class FakeReport:
    ok: bool
    message: str
    version: int
    fingerprint: str = ""


class FakeEngine:
    """A reload counter, not an engine: ``fail`` makes the next reloads raise or report
    failure, ``delay`` makes each reload take that long."""

    def __init__(self, delay: float = 0.0) -> None:
        self.version = 1
        self.calls = 0
        self.delay = delay
        self.fail: str | None = None  # None | "report" | "raise"
        self.lock = threading.Lock()
        self.concurrent = 0
        self.max_concurrent = 0

    def reload(self) -> FakeReport:
        with self.lock:
            self.concurrent += 1
            self.max_concurrent = max(self.max_concurrent, self.concurrent)
        try:
            time.sleep(self.delay)
            self.calls += 1
            if self.fail == "raise":
                raise RuntimeError("boom")
            if self.fail == "report":
                return FakeReport(False, "policies/x.md:3: bad date", self.version)
            self.version += 1
            return FakeReport(True, "ok", self.version)
        finally:
            with self.lock:
                self.concurrent -= 1


def wait_for(predicate: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    for name in ("policies", "rules", "cases"):
        (root / name).mkdir(parents=True)
    return root


@pytest.fixture
def results() -> list[Any]:
    return []


@pytest.fixture
def watcher(folder: Path, results: list[Any]) -> Iterator[tuple[KnowledgeWatcher, FakeEngine]]:
    engine = FakeEngine()
    w = KnowledgeWatcher(engine, folder, on_result=results.append, debounce_ms=300)
    w.start()
    try:
        yield w, engine
    finally:
        w.stop()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("policies/a.md", True),
        ("policies/a.PDF", True),
        ("policies/a.pdf.meta.yaml", True),
        ("rules/awards.yaml", True),
        ("cases/questions.yml", True),
        ("policies/.a.md.swp", False),
        ("policies/~$a.docx", False),
        ("policies/.~lock.a.docx#", False),
        ("policies/a.md~", False),
        ("policies/.hidden.md", False),
        ("policies/a.md.tmp", False),
        ("__pycache__/base.cpython-311.pyc", False),
        ("base.py", False),
        ("policies/..data", True),
        ("policies/..2026_11_24_10_00_00.123/a.md", True),
    ],
    ids=lambda v: str(v),
)
def test_is_knowledge_change(folder: Path, path: str, expected: bool) -> None:
    assert is_knowledge_change(folder / path, folder) is expected


def test_a_burst_of_changes_gives_one_reload(
    watcher: tuple[KnowledgeWatcher, FakeEngine], folder: Path, results: list[Any]
) -> None:
    w, engine = watcher
    for i in range(5):
        (folder / "policies" / f"doc{i}.md").write_text("x", encoding="utf-8")
        time.sleep(0.02)
    assert wait_for(lambda: len(results) == 1)
    assert engine.calls == 1
    assert results[0].ok and results[0].version == 2
    assert set(w.last_changes) == {f"policies/doc{i}.md" for i in range(5)}
    # One more change: its reload carries that file alone, so nothing of the burst was
    # left for a second reload in between.
    (folder / "policies" / "later.md").write_text("y", encoding="utf-8")
    assert wait_for(lambda: len(results) == 2)
    assert engine.calls == 2 and w.last_changes == ("policies/later.md",)


def test_junk_files_do_not_reload(
    watcher: tuple[KnowledgeWatcher, FakeEngine], folder: Path, results: list[Any]
) -> None:
    w, engine = watcher
    (folder / "policies" / "~$draft.docx").write_bytes(b"lock")
    (folder / "policies" / ".x.md.swp").write_bytes(b"swap")
    (folder / "notes.py").write_text("x = 1\n", encoding="utf-8")
    (folder / "rules" / "r.yaml").write_text("[]\n", encoding="utf-8")
    assert wait_for(lambda: engine.calls == 1)
    assert w.last_changes == ("rules/r.yaml",)  # the junk was seen and dropped
    assert len(results) == 1
    (folder / "policies" / "~$draft.docx").write_bytes(b"lock 2")  # junk alone ...
    (folder / "cases" / "q.yaml").write_text("[]\n", encoding="utf-8")  # ... then a change
    assert wait_for(lambda: engine.calls == 2)
    assert w.last_changes == ("cases/q.yaml",)  # no reload for the junk in between


def test_failed_reload_is_reported_and_watching_goes_on(
    watcher: tuple[KnowledgeWatcher, FakeEngine], folder: Path, results: list[Any]
) -> None:
    _, engine = watcher
    engine.fail = "report"
    (folder / "policies" / "bad.md").write_text("x", encoding="utf-8")
    assert wait_for(lambda: len(results) == 1)
    assert not results[0].ok and "bad date" in results[0].message
    engine.fail = "raise"
    (folder / "policies" / "bad.md").write_text("y", encoding="utf-8")
    assert wait_for(lambda: len(results) == 2)
    assert isinstance(results[1], WatchFailure)
    assert not results[1].ok and "RuntimeError: boom" in results[1].message
    engine.fail = None
    (folder / "policies" / "bad.md").write_text("z", encoding="utf-8")
    assert wait_for(lambda: len(results) == 3)
    assert results[2].ok


def test_callback_errors_do_not_stop_the_watcher(folder: Path) -> None:
    engine = FakeEngine()
    calls: list[Any] = []

    def broken(report: Any) -> None:
        calls.append(report)
        raise ValueError("telegram is down")

    with KnowledgeWatcher(engine, folder, on_result=broken, debounce_ms=200) as w:
        (folder / "policies" / "a.md").write_text("1", encoding="utf-8")
        assert wait_for(lambda: len(calls) == 1)
        (folder / "policies" / "a.md").write_text("2", encoding="utf-8")
        assert wait_for(lambda: len(calls) == 2)
        assert w.running


def test_reload_now_and_watcher_never_reload_concurrently(folder: Path) -> None:
    engine = FakeEngine(delay=0.15)
    with KnowledgeWatcher(engine, folder, debounce_ms=100) as w:
        (folder / "policies" / "a.md").write_text("1", encoding="utf-8")
        threads = [threading.Thread(target=w.reload_now) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert wait_for(lambda: engine.calls >= 4)
    assert engine.max_concurrent == 1


def test_reload_now_for_the_reload_command(folder: Path, results: list[Any]) -> None:
    engine = FakeEngine()
    w = KnowledgeWatcher(engine, folder, on_result=results.append)  # not even started
    report = w.reload_now(notify=False)
    assert report.ok and report.version == 2 and results == []
    assert w.reload_now().version == 3 and len(results) == 1


def test_async_callback_runs_on_the_given_loop(folder: Path) -> None:
    engine = FakeEngine()

    async def main() -> list[Any]:
        got: list[Any] = []
        done = asyncio.Event()
        loop = asyncio.get_running_loop()

        async def notify(report: Any) -> None:
            assert asyncio.get_running_loop() is loop
            got.append(report)
            done.set()

        with KnowledgeWatcher(engine, folder, on_result=notify, debounce_ms=200, loop=loop):
            await asyncio.to_thread((folder / "cases" / "q.yaml").write_text, "[]")
            await asyncio.wait_for(done.wait(), timeout=15)
        return got

    got = asyncio.run(main())
    assert len(got) == 1 and got[0].ok


def test_stop_is_prompt_without_events(folder: Path) -> None:
    w = KnowledgeWatcher(FakeEngine(), folder).start()
    assert w.running
    started = time.monotonic()
    w.stop()
    assert not w.running
    assert time.monotonic() - started < 3


def test_polling_mode(folder: Path, results: list[Any]) -> None:
    """For NFS and other mounts without inotify (POLICYBOT_WATCH_POLLING=1)."""
    engine = FakeEngine()
    with KnowledgeWatcher(engine, folder, on_result=results.append, debounce_ms=200,
                          force_polling=True):
        (folder / "policies" / "a.md").write_text("1", encoding="utf-8")
        assert wait_for(lambda: len(results) == 1)


def test_configmap_style_symlink_swap(folder: Path, results: list[Any]) -> None:
    """Kubernetes updates a ConfigMap volume by renaming a new ``..data`` symlink in place."""
    policies = folder / "policies"
    first = policies / "..2026_01_01"
    first.mkdir()
    (first / "a.md").write_text("v1", encoding="utf-8")
    (policies / "..data").symlink_to(first.name)
    (policies / "a.md").symlink_to("..data/a.md")
    engine = FakeEngine()
    with KnowledgeWatcher(engine, folder, on_result=results.append, debounce_ms=200):
        second = policies / "..2026_01_02"
        second.mkdir()
        (second / "a.md").write_text("v2", encoding="utf-8")
        tmp = policies / "..data_tmp"
        tmp.symlink_to(second.name)
        tmp.rename(policies / "..data")
        shutil.rmtree(first)
        assert wait_for(lambda: len(results) >= 1)
    assert (policies / "a.md").read_text(encoding="utf-8") == "v2"


# -- the real engine ------------------------------------------------------------------------

OLD_TITLE = "威海市人民政府办公室关于加快科技服务业发展的实施意见"
NEW_TITLE = "威海市人民政府办公室关于加快科技服务业发展的实施意见（修订）"
DOC_107 = "威政办字〔2018〕107号"
DOC_32 = "威政办发〔2018〕32号"
STREAM = [
    "科技服务业的发展目标是什么？",
    "对列入市级试点技术创新中心的企业有什么资金补助？",
    "如何推动科技服务业重点领域发展？",
    "县域创新驱动发展有哪些支持措施？",
]


def replace_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


class QuestionStream:
    """Threads asking questions without pause, recording every answer and every error."""

    def __init__(self, engine: Any, threads: int = 3) -> None:
        self.engine = engine
        self.answers: list[Any] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        while not self._stop.is_set():
            for question in STREAM:
                try:
                    self.answers.append(self.engine.ask(question, top_k=8))
                except BaseException as exc:  # everything counts as a failure here
                    self.errors.append(exc)

    def __enter__(self) -> QuestionStream:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=60)


def titles_of(answer: Any, doc_number: str) -> set[str]:
    return {h.title for h in answer.hits if h.doc_number == doc_number}


@pytest.fixture
def live_knowledge(tmp_path: Path) -> Path:
    """The repository's knowledge without the 32号 document (staff add it live)."""
    root = tmp_path / "knowledge"
    for name in ("policies", "rules", "cases"):
        shutil.copytree(REPO / "knowledge" / name, root / name)
    (root / "policies" / "weizhengbanfa-2018-32.md").unlink()
    (root / "rules" / "weizhengbanfa-2018-32.yaml").unlink()  # rules cite the document
    return root


@pytest.mark.slow
def test_live_updates_during_a_stream_of_questions(live_knowledge: Path, built_copy: Path,
                                                   use_embedder: Any) -> None:
    """Edit, add and break knowledge while three threads ask questions non-stop."""
    from bot.staff.kb import add_document
    from index.answering.engine import Engine

    # The session's USE index, copied: the first load drops 32号 and re-embeds nothing.
    engine = Engine(live_knowledge, built_copy, embedder=use_embedder)
    engine.warm_up()
    v1 = engine.version
    reports: list[Any] = []
    policy = live_knowledge / "policies" / "weizhengbanzi-2018-107.md"
    original = policy.read_text(encoding="utf-8")
    with KnowledgeWatcher(engine, live_knowledge, on_result=reports.append,
                          debounce_ms=300), QuestionStream(engine) as stream:
        assert wait_for(lambda: len(stream.answers) > 20, 60)

        # 1. Staff retitle a document: every clause of it changes at once.
        replace_atomically(policy, original.replace(f"title: {OLD_TITLE}", f"title: {NEW_TITLE}"))
        assert wait_for(lambda: len(reports) == 1, 120), "no reload within two minutes"
        assert reports[0].ok, reports[0].message
        assert engine.version == v1 + 1
        assert reports[0].reused > 0, "unchanged clauses are not embedded again"
        seen = len(stream.answers)
        assert wait_for(lambda: len(stream.answers) > seen + 20, 60)

        # 2. A broken file: the old knowledge stays in service, the admins learn why.
        broken = live_knowledge / "policies" / "broken.md"
        broken.write_text("---\ndoc_number: 威科字〔2020〕1号\ntitle: 测试\nissuer: 局\n"
                          "issued: 2020-02-30\n---\n一、总则\n", encoding="utf-8")
        assert wait_for(lambda: len(reports) == 2, 120)
        assert not reports[1].ok
        assert "broken.md" in reports[1].message and "issued" in reports[1].message
        assert engine.version == v1 + 1
        seen = len(stream.answers)
        assert wait_for(lambda: len(stream.answers) > seen + 20, 60)
        broken.unlink()
        assert wait_for(lambda: len(reports) == 3, 120)
        assert reports[2].ok

        # 3. Staff add a new policy with `kb add`: the bot answers from it.
        result = add_document(SEEDS / "001_eff6465ac9f855be.txt", live_knowledge, {})
        assert result.written
        assert wait_for(lambda: len(reports) == 4, 120)
        assert reports[3].ok, reports[3].message
        seen = len(stream.answers)
        assert wait_for(lambda: len(stream.answers) > seen + 20, 60)
        final = engine.version

    assert not stream.errors, stream.errors[:3]
    answers = stream.answers
    mixed = [a for a in answers if len(titles_of(a, DOC_107)) > 1]
    assert not mixed, "an answer mixed old and new knowledge"
    old = [a for a in answers if titles_of(a, DOC_107) == {OLD_TITLE}]
    new = [a for a in answers if titles_of(a, DOC_107) == {NEW_TITLE}]
    assert old and new, "the stream spanned the update"
    # No answer shows the new document beside the old title of the retitled one.
    for a in answers:
        if any(h.doc_number == DOC_32 for h in a.hits):
            assert OLD_TITLE not in titles_of(a, DOC_107)
    assert any(h.doc_number == DOC_32 for a in answers[-20:] for h in a.hits)
    assert final == v1 + 3


SEEDS = REPO / "tests" / "fixtures"


def test_once_per_reload_dedupes_across_replicas_and_survives_a_store_failure(
    tmp_path: Path,
) -> None:
    from types import SimpleNamespace

    from bot.conversation.store import SQLiteStore

    shared = SQLiteStore(tmp_path / "state.sqlite3")  # one file, two replicas
    told: list[tuple[str, bool]] = []

    def replica(name: str, store: Any) -> Callable[[Any], Any]:
        async def notify(report: Any) -> None:
            told.append((name, report.ok))

        return once_per_reload(store, notify)

    class Down:
        def claim(self, key: str, ttl: float) -> bool:
            raise ConnectionError("redis is down")

    async def scenario() -> None:
        a, b = replica("a", shared), replica("b", SQLiteStore(tmp_path / "state.sqlite3"))
        ok = SimpleNamespace(ok=True, fingerprint="v1")
        failed = SimpleNamespace(ok=False, fingerprint="v1")
        await a(ok)
        await b(ok)
        assert told == [("a", True)]
        await b(failed)  # another outcome on the same files is news
        await a(failed)
        assert told == [("a", True), ("b", False)]
        await replica("c", Down())(ok)  # no store: tell anyway
        assert told[-1] == ("c", True)

    asyncio.run(scenario())
    shared.close()


def test_success_after_a_failure_is_always_announced(tmp_path: Path) -> None:
    """✅ A, ❌ B, then a revert to A within the dedupe window: the ✅ for the revert must
    reach the admins (the old dedupe on (outcome, fingerprint) swallowed it), yet a second
    replica reporting the same state stays quiet."""
    from types import SimpleNamespace

    from bot.conversation.store import SQLiteStore

    told: list[tuple[str, bool]] = []
    stores = [SQLiteStore(tmp_path / "state.sqlite3") for _ in range(2)]

    def replica(name: str, store: Any) -> Callable[[Any], Any]:
        async def notify(report: Any) -> None:
            told.append((name, report.ok))

        return once_per_reload(store, notify)

    async def scenario() -> None:
        a, b = replica("a", stores[0]), replica("b", stores[1])
        ok = SimpleNamespace(ok=True, fingerprint="A")
        await a(ok)
        await b(ok)
        failed = SimpleNamespace(ok=False, fingerprint="B")  # a broken edit
        await a(failed)
        await b(failed)
        await b(ok)  # the revert: the knowledge of the first reload
        await a(ok)
        assert told == [("a", True), ("a", False), ("b", True)]

    asyncio.run(scenario())
    for store in stores:
        store.close()


def test_admins_see_no_absolute_server_path(folder: Path, tmp_path: Path) -> None:
    """A failed reload names the file at fault relative to the knowledge folder, and any
    other server path by its last component; the log keeps the full message."""
    from bot.conversation.reply import render
    from knowledge.errors import KnowledgeError

    bad = folder / "policies" / "bad.md"
    data = tmp_path / "srv" / "data"
    message = (f"{KnowledgeError('缺少 doc_number', bad, 3)}; "
               f"index in {data}/index/builds/2026 is damaged")
    engine = FakeEngine()
    engine.reload = lambda: FakeReport(False, message, 1)  # type: ignore[method-assign]
    report = KnowledgeWatcher(engine, folder).reload_now(notify=False)
    text = render("tg_reload.j2", report=report)
    assert str(folder) not in text and str(tmp_path) not in text and "/srv/" not in text
    assert "policies/bad.md:3" in text and "缺少 doc_number" in text
    assert "…/2026" in text
