"""Fixtures for the bot tests: the fake engine, stores, the local Bot API server."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

# The shared builders (fakes, harness, bot_api_server) are importable through
# ``pythonpath`` in pyproject.toml.
from fakes import FakeEngine

from bot.conversation.store import SQLiteStore

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake_engine() -> FakeEngine:
    """In-memory engine; the real one is the session fixture ``engine`` (tests/conftest.py)."""
    return FakeEngine()


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A copy of the repository's knowledge folder, the expired plan marked 已失效."""
    root = tmp_path / "knowledge"
    for name in ("policies", "rules", "cases"):
        shutil.copytree(REPO / "knowledge" / name, root / name)
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
        yield ci_url
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

