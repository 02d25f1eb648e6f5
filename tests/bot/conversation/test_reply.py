"""Replies, buttons and the label module of the templates."""

from __future__ import annotations

import pytest

from bot.conversation.reply import Button, label, label_pairs, labels_list, rows


def test_callback_data_over_64_bytes_is_refused() -> None:
    Button("ok", "x" * 64)
    with pytest.raises(ValueError, match="64 bytes"):
        Button("中文", "中" * 22)  # 66 bytes in UTF-8


@pytest.mark.parametrize(
    "name",
    ["yes", "no", "back", "skip", "cancel", "checked", "unchecked", "multi_done", "change",
     "confirm", "modify", "restart", "show_clause", "estimate", "stale_button",
     "pick_a_button"],
)
def test_labels_exist(name: str) -> None:
    assert label(name)


def test_examples_and_commands() -> None:
    assert len(labels_list("examples")) == 3
    commands = dict(label_pairs("commands"))
    assert {"start", "help", "estimate", "policies", "cancel"} <= set(commands)
    assert all(name.isascii() and name.islower() for name in commands)


def test_rows() -> None:
    buttons = [Button(str(i), f"d{i}") for i in range(5)]
    assert [len(r) for r in rows(buttons, 2)] == [2, 2, 1]
