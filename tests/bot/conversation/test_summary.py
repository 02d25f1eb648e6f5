"""Where and when to apply, on every item an owner sees (bot.conversation.summary)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.conversation.presenter import answer_json


def test_every_item_says_where_and_when_to_apply(hash_engine: Any) -> None:
    result = answer_json(hash_engine.ask("技术创新中心能补多少钱？", as_of=date(2024, 6, 1)),
                         engine=hash_engine)
    items = result["estimate"]["items"]
    assert items and {i["outcome"] for i in items} == {"need_info"}
    # 106号 四、（三）: one 牵头单位 (市科技局) among its units; the document names no time
    assert {(i["apply"]["office"], i["apply"]["office_source"], i["apply"]["window"])
            for i in items} == {("市科技局", "lead", "")}
    text = result["answer_text"]
    assert text.count("申报：向 市科技局 申报；文件未载明申报时间") == len(items)
