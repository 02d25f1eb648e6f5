"""Shared fixtures: every test runs with its own data directory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"
SEEDS = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point POLICYBOT_DATA_DIR at a fresh folder so tests never touch a user's data."""
    data = tmp_path / "data"
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(data))
    monkeypatch.delenv("POLICYBOT_KNOWLEDGE_DIR", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    yield data


@pytest.fixture(scope="session")
def knowledge_dir() -> Path:
    return KNOWLEDGE


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """Verbatim copies of the seed documents (000…004)."""
    return SEEDS


@pytest.fixture(scope="session")
def _use_engine(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The one USE engine of a run: its index is built here, once."""
    from index.answering.engine import Engine

    eng = Engine(KNOWLEDGE, tmp_path_factory.mktemp("built-index"))
    eng.warm_up()
    return eng


@pytest.fixture(scope="session")
def built_data_dir(_use_engine: Any) -> Path:
    """A data directory holding a USE index of the real knowledge folder, built once per run.

    Shared: read it, never write to it.  A test that needs a writable index (an engine
    over a changed knowledge copy, a rebuild) takes ``built_copy`` instead.
    """
    return Path(_use_engine.data_dir)


@pytest.fixture
def built_copy(built_data_dir: Path, tmp_path: Path) -> Path:
    """A private copy of ``built_data_dir``: a rebuild over it embeds only what changed."""
    return Path(shutil.copytree(built_data_dir, tmp_path / "built-copy"))


@pytest.fixture(scope="session")
def use_embedder(_use_engine: Any) -> Any:
    """The session's loaded USE embedder (thread-safe): pass it as ``Engine(embedder=…)``
    so a test's own engine does not load the model again."""
    return _use_engine.embedder


@pytest.fixture
def shared_use_model(monkeypatch: pytest.MonkeyPatch, use_embedder: Any) -> Any:
    """Engines built in this test (e.g. by in-process CLI runs) get the session's loaded
    USE model instead of loading it again (~2 s each); other embedder specs are untouched."""
    import index.answering.engine as engine_module
    from index.embedders import make_embedder

    def make(spec: str | None = None) -> Any:
        resolved = make_embedder(spec)
        return use_embedder if resolved.name == use_embedder.name else resolved

    monkeypatch.setattr(engine_module, "make_embedder", make)
    return use_embedder


@pytest.fixture(scope="session")
def engine(_use_engine: Any) -> Any:
    """A warmed-up USE engine over the real knowledge folder (shared: treat as read-only)."""
    return _use_engine


@pytest.fixture(scope="session")
def hash_embedder() -> Any:
    """The small deterministic embedder (no model to load)."""
    from index.embedders import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture(scope="session")
def hash_data_dir(tmp_path_factory: pytest.TempPathFactory, hash_embedder: Any) -> Path:
    """A data directory with a hashing-embedder index of the real knowledge (~1 s)."""
    from index.answering.engine import Engine

    data = tmp_path_factory.mktemp("hash-index")
    Engine(KNOWLEDGE, data, embedder=hash_embedder).warm_up()
    return data


@pytest.fixture(scope="session")
def hash_engine(hash_data_dir: Path, hash_embedder: Any) -> Any:
    """The real Engine over the real knowledge folder with the hashing embedder: what the
    conversation and Telegram tests talk to (shared: do not reload it)."""
    from index.answering.engine import Engine

    eng = Engine(KNOWLEDGE, hash_data_dir, embedder=hash_embedder)
    eng.warm_up()
    return eng
