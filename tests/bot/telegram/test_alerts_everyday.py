"""A policy alert as the owner reads it: the quote on its own line, the responsible units
on the next, and the admins told which document the reload added."""

from __future__ import annotations

import asyncio
from pathlib import Path

import alert_docs
import pytest
from bot_api_server import BotApiServer
from harness import ADMIN, run, running_bot, settings_for, until
from recording import RecordingEngine

from bot.conversation.store import SQLiteStore

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def quick_alerts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYBOT_ALERT_POLL", "0.1")
    monkeypatch.setenv("POLICYBOT_ALERT_RATE", "200")


def test_alert_quote_and_units_on_their_own_lines_and_reload_names_the_document(
        tmp_path: Path, own_engine: RecordingEngine, store: SQLiteStore) -> None:
    from bot.telegram.app import start_knowledge_watcher

    async def scenario() -> None:
        async with BotApiServer() as server, running_bot(
                server, settings_for(server, tmp_path), own_engine, store) as bot:
            await bot.say(11, "企业购买技术成果能补贴多少？")
            await bot.say(11, "/subscribe")
            watcher = start_knowledge_watcher(bot.app, own_engine, asyncio.get_running_loop(),
                                              debounce_ms=200)
            try:
                mark = server.mark()
                document = alert_docs.MATCHING.replace(
                    "每家企业每年最高补助100万元。",
                    "每家企业每年最高补助100万元。（牵头单位：市科技局；责任单位：市财政局）")
                alert_docs.add(own_engine.knowledge_dir, "weikezi-2026-9.md", document)
                pushed = await server.wait_for(
                    lambda c: c.method == "sendMessage" and "政策提醒" in str(
                        c.params.get("text")), mark, timeout=30)
                text = pushed[0].params["text"]
                quote = next(line for line in text.splitlines() if line.startswith("“"))
                assert quote.endswith("”"), text  # nothing glued after the quote
                assert "\n责任单位：" in text, text
                await until(lambda: any("知识库已重新加载" in c.params.get("text", "")
                                        for c in server.sent(ADMIN, mark)))
                notice = next(c.params["text"] for c in server.sent(ADMIN, mark)
                              if "知识库已重新加载" in c.params["text"])
                assert "新增文件" in notice and "威科字〔2026〕9号《威海市科学技术局关于" in notice
                assert "新计算向量" not in notice
            finally:
                watcher.stop()
    run(scenario())
