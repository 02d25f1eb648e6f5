"""The build lock file: owner, wait message, stale takeover, a broken .lock (index.lockfile)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index.fsutil import build_lock
from knowledge.errors import IndexError_

HOLDER = """
import fcntl, json, os, sys, time
handle = open(sys.argv[1], "a+b")
fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
handle.truncate(0)
handle.write(json.dumps({"host": "build-host", "pid": os.getpid(),
                         "since": time.time() - float(sys.argv[2])}).encode())
handle.flush()
print("held", flush=True)
time.sleep(120)
"""


def _hold(root: Path, age: float) -> subprocess.Popen[str]:
    """Another process holding ``root/.lock`` (a hung builder), its lock ``age`` s old."""
    root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(root / ".lock"), str(age)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def _enter_in_thread(root: Path) -> threading.Event:
    entered = threading.Event()

    def enter() -> None:
        with build_lock(root):
            entered.set()

    threading.Thread(target=enter, daemon=True).start()
    return entered


def test_a_hung_holder_is_named_while_waiting_and_taken_over_after_the_ttl(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("index.lockfile._ttl", 3.0)  # set_lock_ttl(3), for this test
    root = tmp_path / "index"
    holder = _hold(root, age=1.0)
    try:
        with caplog.at_level(logging.WARNING):
            entered = _enter_in_thread(root)
            assert not entered.wait(0.5)  # the holder is not stale yet: wait
            assert entered.wait(15), "a hung lock holder blocked the build for good"
        assert f"build-host 上的进程 {holder.pid}" in caplog.text
        assert "正在等待索引构建锁" in caplog.text and "视为失效" in caplog.text
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


@pytest.mark.parametrize("kind", ["directory", "dangling-symlink"])
def test_a_broken_lock_path_is_a_clear_message(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "index"
    root.mkdir()
    if kind == "directory":
        (root / ".lock").mkdir()
    else:
        os.symlink(tmp_path / "gone" / "lock", root / ".lock")
    started = time.monotonic()
    with pytest.raises(IndexError_) as caught, build_lock(root):
        pass
    assert time.monotonic() - started < 5
    expected = "是一个目录" if kind == "directory" else "是指向不存在位置的符号链接"
    assert expected in str(caught.value) and "请删除" in str(caught.value)
