"""The engine a command runs on: folders, embedder and index sharing (bot.wiring)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.build_lock import RedisBuildLock
from bot.wiring import make_engine


@pytest.mark.parametrize(
    ("env", "read_only", "locked"),
    [
        ({}, False, False),
        ({"POLICYBOT_INDEX_READONLY": "1", "POLICYBOT_INDEX_WAIT": "5"}, True, False),
        ({"POLICYBOT_INDEX_READONLY": "true", "POLICYBOT_INDEX_WAIT": "5"}, True, False),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, False, True),
    ],
    ids=["single-host", "replica", "true-word", "shared-redis"],
)
def test_make_engine_shares_the_index_as_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], read_only: bool,
    locked: bool,
) -> None:
    for name in ("POLICYBOT_INDEX_READONLY", "POLICYBOT_INDEX_WAIT", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    options = SimpleNamespace(knowledge=None, data_dir=str(tmp_path / "data"), embedder="hash")
    engine = make_engine(options)
    assert engine.data_dir == tmp_path / "data"
    assert engine.read_only is read_only
    if read_only:
        assert engine.index_wait == 5.0
    assert isinstance(engine.build_lock, RedisBuildLock) is locked
    if locked:
        assert isinstance(engine.build_lock, RedisBuildLock)
        assert engine.build_lock.key.endswith(str(tmp_path / "data"))


@pytest.mark.parametrize(("flag", "env", "spec"),
                         [(None, None, None), (None, "hash", "hash"), ("st:x", "hash", "st:x")],
                         ids=["default", "environment", "flag"])
def test_the_embedder_from_the_flag_else_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str | None, env: str | None,
        spec: str | None) -> None:
    """``POLICYBOT_EMBEDDER`` is read by the settings and passed to the engine (the index
    package reads no environment: None is USE there)."""
    monkeypatch.delenv("POLICYBOT_EMBEDDER", raising=False)
    if env is not None:
        monkeypatch.setenv("POLICYBOT_EMBEDDER", f"  {env} ")
    options = SimpleNamespace(knowledge=None, data_dir=str(tmp_path / "data"), embedder=flag)
    assert make_engine(options).embedder_spec == spec


def test_regions_and_the_lock_ttl_reach_the_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from index import focus, lockfile

    monkeypatch.setattr(focus, "_regions", None)
    monkeypatch.setattr(lockfile, "_ttl", lockfile.DEFAULT_TTL)
    monkeypatch.setenv("POLICYBOT_REGIONS", "威海市, 山东省；荣成市")
    monkeypatch.setenv("POLICYBOT_BUILD_LOCK_TTL", "3")
    make_engine(SimpleNamespace(knowledge=None, data_dir=str(tmp_path / "data"),
                                embedder="hash"))
    assert focus.deployment_regions() == frozenset({"威海市", "山东省", "荣成市"})
    assert lockfile.lock_ttl() == 3.0
    monkeypatch.delenv("POLICYBOT_REGIONS")
    monkeypatch.setenv("POLICYBOT_BUILD_LOCK_TTL", "soon")
    make_engine(SimpleNamespace(knowledge=None, data_dir=str(tmp_path / "data"),
                                embedder="hash"))
    assert focus.deployment_regions() is None and lockfile.lock_ttl() == lockfile.DEFAULT_TTL


def test_a_bad_index_wait_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from knowledge.errors import PolicyBotError

    monkeypatch.setenv("POLICYBOT_INDEX_WAIT", "soon")
    options = SimpleNamespace(knowledge=None, data_dir=str(tmp_path / "data"), embedder="hash")
    with pytest.raises(PolicyBotError, match="POLICYBOT_INDEX_WAIT"):
        make_engine(options)
