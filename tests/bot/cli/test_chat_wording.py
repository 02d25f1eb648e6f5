"""Wording in the terminal chat (the same templates as Telegram): an award without a
figure is not called 一事一议 unless its clause says so."""

from __future__ import annotations

import io

from recording import RecordingEngine

from bot.cli.chat import run_chat
from bot.conversation.store import SQLiteStore


def talk(engine: RecordingEngine, store: SQLiteStore, lines: list[str]) -> str:
    out = io.StringIO()
    assert run_chat(engine, store, io.StringIO("".join(f"{line}\n" for line in lines)), out) == 0
    return out.getvalue()


def test_an_unstated_amount_is_not_called_case_by_case(bot_engine: RecordingEngine,
                                                       store: SQLiteStore) -> None:
    text = talk(bot_engine, store, ["/asof 2024-06-01",
                                    "我们企业购买了共享科技服务（仪器共享），能补多少？"])
    item = next(line for line in text.splitlines() if "科技创新券补助" in line)
    assert "金额未在文件中规定" in item and "一事一议" not in item, text
