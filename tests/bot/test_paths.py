"""Where knowledge and data live: flag > environment > default (the environment read by
bot.config, the flags picked by bot.paths through bot.wiring)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.config import default_data_dir
from bot.paths import PACKAGE_KNOWLEDGE, parse_date
from bot.wiring import data_dir, knowledge_dir


def resolve_knowledge_dir(flag: Path | None = None) -> Path:
    return knowledge_dir(SimpleNamespace(knowledge=flag))


def resolve_data_dir(flag: Path | str | None) -> Path:
    return data_dir(SimpleNamespace(data_dir=flag))


def test_data_dir_from_env_then_xdg_then_home(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(tmp_path / "d"))
    assert default_data_dir() == tmp_path / "d"
    monkeypatch.delenv("POLICYBOT_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "policybot"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "policybot"


def test_knowledge_dir_flag_env_cwd_package(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    assert resolve_knowledge_dir(tmp_path / "flag") == (tmp_path / "flag").resolve()
    monkeypatch.setenv("POLICYBOT_KNOWLEDGE_DIR", str(tmp_path / "env"))
    assert resolve_knowledge_dir() == (tmp_path / "env").resolve()
    monkeypatch.delenv("POLICYBOT_KNOWLEDGE_DIR")
    (tmp_path / "knowledge" / "policies").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert resolve_knowledge_dir() == (tmp_path / "knowledge").resolve()
    monkeypatch.chdir(tmp_path / "knowledge")
    assert resolve_knowledge_dir() == PACKAGE_KNOWLEDGE


def test_parse_date() -> None:
    assert parse_date("2021-11-10") == date(2021, 11, 10)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("2021/11/10")


def test_data_dir_from_a_given_mapping(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """bot.config passes the environment merged with .env; blank means unset."""
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(tmp_path / "ignored"))
    assert default_data_dir({"POLICYBOT_DATA_DIR": str(tmp_path / "m")}) == tmp_path / "m"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir({"POLICYBOT_DATA_DIR": "  "}) == tmp_path / "xdg" / "policybot"
    assert default_data_dir({}) == tmp_path / "xdg" / "policybot"


def test_data_dir_flag_beats_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert resolve_data_dir(str(tmp_path / "flag")) == tmp_path / "flag"
    assert resolve_data_dir(None) == tmp_path / "env"
    assert resolve_data_dir("") == tmp_path / "env"


def test_settings_use_the_same_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot.config import load_settings

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert load_settings({}, dotenv_path=None).data_dir == tmp_path / "xdg" / "policybot"
    env = {"POLICYBOT_DATA_DIR": str(tmp_path / "d")}
    assert load_settings(env, dotenv_path=None).data_dir == default_data_dir(env)
