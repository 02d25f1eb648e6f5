"""Shared fixtures: every test runs with its own data directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
def built_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding an index of the real knowledge folder, built once per run."""
    from index.answering.engine import Engine

    data = tmp_path_factory.mktemp("built-index")
    Engine(KNOWLEDGE, data).warm_up()
    return data


@pytest.fixture(scope="session")
def engine(built_data_dir: Path) -> object:
    """A warmed-up engine over the real knowledge folder (shared: treat as read-only)."""
    from index.answering.engine import Engine

    eng = Engine(KNOWLEDGE, built_data_dir)
    eng.warm_up()
    return eng
