"""A policy alert as the owner reads it: the quote on its own line, the responsible units
on the next, and the admins told which document the reload added."""

from __future__ import annotations

from pathlib import Path

import alert_docs
import pytest
from harness import ADMIN, Running, until, with_bot
from recording import RecordingEngine

from bot.conversation.store import SQLiteStore

pytestmark = pytest.mark.slow


def test_alert_quote_and_units_on_their_own_lines_and_reload_names_the_document(
        tmp_path: Path, own_engine: RecordingEngine, store: SQLiteStore) -> None:
    from bot.telegram.app import start_knowledge_watcher

    async def scenario(bot: Running) -> None:
        server = bot.server
        await bot.say(11, "企业购买技术成果能补贴多少？")
        await bot.say(11, "/subscribe")
        watcher = await start_knowledge_watcher(bot.app, debounce_ms=200)
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
            await watcher.stop_async()
    with_bot(tmp_path, own_engine, store, scenario, alert_poll=0.1, alert_rate=200)
