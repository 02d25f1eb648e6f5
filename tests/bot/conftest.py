"""Fixtures for the bot tests: the fake engine, stores, the local Bot API server."""

from __future__ import annotations

import os
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

from bot.store import SQLiteStore


@pytest.fixture
def fake_engine() -> FakeEngine:
    """In-memory engine; the real one is the session fixture ``engine`` (tests/conftest.py)."""
    return FakeEngine()


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

