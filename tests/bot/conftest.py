"""Fixtures for the bot tests: the real engine (hashing embedder), stores, Redis."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

# The shared builders (recording, harness, bot_api_server) are importable through
# ``pythonpath`` in pyproject.toml.
from recording import RecordingEngine

from bot.conversation.store import SQLiteStore

REPO = Path(__file__).resolve().parents[2]


def copy_knowledge(root: Path) -> Path:
    """The repository's policies, rules, cases and vocabulary under ``root`` (not its Python
    code)."""
    for name in ("policies", "rules", "cases", "vocabulary"):
        shutil.copytree(REPO / "knowledge" / name, root / name)
    return root


@pytest.fixture
def bot_engine(hash_engine: Any) -> RecordingEngine:
    """The shared real engine (hashing embedder, real knowledge), watched.

    Shared between tests: a test that reloads or changes knowledge takes ``own_engine``.
    """
    return RecordingEngine(hash_engine)


@pytest.fixture
def own_engine(tmp_path: Path, hash_data_dir: Path, hash_embedder: Any) -> RecordingEngine:
    """A private real engine over a copy of the knowledge (``own_engine.knowledge_dir``)
    and of the hashing index: reload it, break its files."""
    from index.answering.engine import Engine

    kdir = copy_knowledge(tmp_path / "own-knowledge")
    data = Path(shutil.copytree(hash_data_dir, tmp_path / "own-data"))
    eng = Engine(kdir, data, embedder=hash_embedder)
    eng.warm_up()
    return RecordingEngine(eng)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A plain copy of the repository's knowledge folder (its index is the session's)."""
    return copy_knowledge(tmp_path / "knowledge")


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A copy of the repository's knowledge folder, the expired plan marked 已失效."""
    root = copy_knowledge(tmp_path / "knowledge")
    plan = root / "policies" / "weikezi-2018-58.md"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(re.sub(r"(?m)^status: .*$", "status: 已失效", text, count=1),
                    encoding="utf-8")
    return root


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "state.sqlite3")
    yield s
    s.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The redis-server .ci/run started (``POLICYBOT_TEST_REDIS_URL``), else a private one
    on 127.0.0.1 (no persistence); skipped only when there is no redis-server binary."""
    ci_url = os.environ.get("POLICYBOT_TEST_REDIS_URL")
    if ci_url:
        # One database per pytest-xdist worker: the replica tests flush theirs.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw-1")
        db = int(worker.removeprefix("gw")) + 1
        yield f"{ci_url.rsplit('/', 1)[0]}/{db}"
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)

