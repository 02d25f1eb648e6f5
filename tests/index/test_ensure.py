"""One index per knowledge version: built once under the lock, loaded read-only (index.ensure)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import index.ensure as ensure_mod
from index.artifacts import current_build, index_is_stale, load_index
from index.build import build_index
from index.ensure import data_dir_read_only, ensure_index, index_version
from index.fsutil import build_lock
from knowledge.errors import IndexError_

REPO = Path(__file__).resolve().parents[2]

# A replica process: waits for the start signal, ensures the index, loads it, reports.
CHILD = """
import json, sys, time
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests/index"]
from conftest import FakeEmbedder, FakeKB
from index.artifacts import load_index
from index.ensure import ensure_index

class SlowEmbedder(FakeEmbedder):
    def embed(self, texts):
        time.sleep(0.3)  # a build long enough for the other process to queue behind it
        return super().embed(texts)

data, start = Path(sys.argv[2]), Path(sys.argv[3])
while not start.exists():
    time.sleep(0.01)
kb, embedder = FakeKB(), SlowEmbedder()
report = ensure_index(kb, data, embedder)
index = load_index(data, embedder, kb.clauses)
print(json.dumps({"built": report is not None, "embed_calls": embedder.calls,
                  "build": index.path.name, "chunks": len(index)}))
"""


def _tree(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under ``root``: size, mtime and inode (any write changes it)."""
    out = {}
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        out[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    return out


@pytest.fixture
def frozen(tmp_path: Path) -> Iterator[Path]:
    """``tmp_path`` made read-only once the test has built into it (restored afterwards)."""
    yield tmp_path
    for path in [tmp_path, *tmp_path.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o200)


def _freeze(root: Path) -> None:
    for path in [root, *root.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)


def test_two_processes_building_at_once_build_once(tmp_path: Path) -> None:
    """Both start on an empty data dir: one builds, the other waits on the lock, finds the
    new build current and just loads it."""
    data, start = tmp_path / "data", tmp_path / "start"
    children = [
        subprocess.Popen([sys.executable, "-c", CHILD, str(REPO), str(data), str(start)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        for _ in range(2)
    ]
    start.touch()
    results = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sorted(r["built"] for r in results) == [False, True]
    waiter = next(r for r in results if not r["built"])
    assert waiter["embed_calls"] == 0, "the waiting process embedded nothing"
    assert results[0]["build"] == results[1]["build"]
    assert [p.name for p in (data / "index" / "builds").iterdir()] == [results[0]["build"]]


def test_current_index_is_neither_locked_nor_rebuilt(
    kb: Any, fake_cls: Any, tmp_path: Path
) -> None:
    build_index(kb, tmp_path, fake_cls(), progress=False)
    build = current_build(tmp_path)
    counting = fake_cls()
    with build_lock(tmp_path / "index"):  # re-entrant: would deadlock if it built
        assert ensure_index(kb, tmp_path, counting) is None
    assert counting.calls == 0 and current_build(tmp_path) == build


def test_stale_index_is_built_under_the_lock_and_an_outer_lock(
    kb: Any, fake: Any, tmp_path: Path
) -> None:
    taken: list[str] = []

    class Outer:
        def __enter__(self) -> None:
            taken.append("enter")

        def __exit__(self, *exc: object) -> None:
            taken.append("exit")

    report = ensure_index(kb, tmp_path, fake, lock=Outer)
    assert report is not None and report.embedded == len(kb.clauses)
    assert taken == ["enter", "exit"]
    assert not index_is_stale(kb, tmp_path, fake)
    version = index_version(tmp_path)
    assert version is not None and version.kb_fingerprint == kb.fingerprint
    assert version.build == report.path.name and version.chunks == len(kb.clauses)
    forced = ensure_index(kb, tmp_path, fake, force=True)
    assert forced is not None and forced.embedded == 0 and forced.path != report.path


@pytest.mark.parametrize("how", ["flag", "unwritable"], ids=["read_only=True", "os.access"])
def test_read_only_data_dir_is_loaded_without_writing(
    kb: Any, fake: Any, frozen: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    build_index(kb, frozen, fake, progress=False)
    _freeze(frozen)
    before = _tree(frozen)
    if how == "unwritable":  # what a read-only mount reports (root ignores chmod)
        monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert data_dir_read_only(frozen) is (how == "unwritable")
    assert ensure_index(kb, frozen, fake, read_only=how == "flag") is None
    index = load_index(frozen, fake, kb.clauses)
    assert index is not None and len(index) == len(kb.clauses)
    assert index.chunks[0] is kb.clauses[0], "the knowledge base's clauses, not a copy"
    _, ids = index.faiss_index.search(fake.embed([kb.clauses[2].embedding_text()]), 1)
    assert int(ids[0][0]) == 2
    assert _tree(frozen) == before


@pytest.mark.parametrize("wait", [0.0, 0.05], ids=["no-wait", "short-wait"])
def test_read_only_without_a_matching_build_fails_without_writing(
    kb: Any, fake: Any, frozen: Path, monkeypatch: pytest.MonkeyPatch, wait: float
) -> None:
    monkeypatch.setattr(ensure_mod, "POLL_SECONDS", 0.01)
    build_index(kb, frozen, fake, progress=False)
    _freeze(frozen)
    before = _tree(frozen)
    edited = replace(kb, clauses=[*kb.clauses[:-1], replace(kb.clauses[-1], text="新的条款。")])
    with pytest.raises(IndexError_, match="policybot index build"):
        ensure_index(edited, frozen, fake, read_only=True, wait=wait)
    assert _tree(frozen) == before


def test_read_only_replica_waits_for_the_index_job(
    kb: Any, fake: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replica whose knowledge is newer than the live build loads it once it appears."""
    monkeypatch.setattr(ensure_mod, "POLL_SECONDS", 0.01)
    build_index(kb, tmp_path, fake, progress=False)
    edited = replace(kb, clauses=[*kb.clauses, replace(kb.clauses[0], path="九、", text="新增。")])
    outcome: list[object] = []

    def replica() -> None:
        try:
            outcome.append(ensure_index(edited, tmp_path, fake, read_only=True, wait=60))
        except IndexError_ as exc:  # pragma: no cover - reported by the assertion below
            outcome.append(exc)

    thread = threading.Thread(target=replica)
    thread.start()
    build_index(edited, tmp_path, fake, progress=False)  # the index job
    thread.join(timeout=60)
    assert outcome == [None]
    index = load_index(tmp_path, fake, edited.clauses)
    assert index is not None and len(index) == len(edited.clauses)


def test_build_lock_is_reentrant_and_creates_only_its_file(tmp_path: Path) -> None:
    root = tmp_path / "index"
    with build_lock(root), build_lock(root):
        assert os.listdir(root) == [".lock"]
