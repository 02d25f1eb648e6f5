"""The conversation core without Telegram: answers, buttons, settings, admin checks.

The engine is the real one over the real knowledge (hashing embedder), watched by
:class:`recording.RecordingEngine`.
"""

from __future__ import annotations

from datetime import date

import pytest
from recording import RecordingEngine

from bot.conversation.core import Conversation, Who
from bot.conversation.reply import Outcome
from bot.conversation.store import SQLiteStore

USER = Who(10, 10)


@pytest.fixture
def conv(bot_engine: RecordingEngine, store: SQLiteStore) -> Conversation:
    return Conversation(bot_engine, store, admin_ids=frozenset({99}))


def buttons(outcome: Outcome) -> dict[str, str]:
    return {b.label: b.data for r in outcome.replies for row in r.buttons for b in row}


def test_answer_has_clause_and_estimate_buttons(conv: Conversation) -> None:
    out = conv.text(USER, "技术创新中心有什么支持？")
    found = buttons(out)
    assert set(found) == {"查看原文1", "查看原文2", "查看原文3", "估算金额"}  # 3 hits shown
    assert all(len(d.encode()) < 64 for d in found.values())
    assert "威政办字〔2018〕106号" in out.replies[0].html  # 四、（三） 加快建设技术创新中心
    clause = conv.press(USER, found["查看原文1"])
    assert "对企业牵头组建的市级技术创新中心给予200万元资金补助" in clause.replies[0].html
    assert "…" not in clause.replies[0].html  # the whole clause, not the answer's excerpt
    started = conv.press(USER, found["估算金额"])  # the rules citing the hits
    assert "问题 1" in started.replies[0].html and "创新平台认定" in started.replies[0].html
    assert "列入市级试点技术创新中心" in str(started.replies[0].buttons)


def test_unknown_or_expired_buttons(conv: Conversation) -> None:
    for data in ("cl:ffffffffffff", "es:deadbeef", "ex:9", "zz", "i:1:c:0"):
        out = conv.press(USER, data)
        assert out.notice and not out.replies


def test_example_button_asks_the_example(conv: Conversation, bot_engine: RecordingEngine
                                         ) -> None:
    start = conv.start(USER)
    data = start[0].buttons[0][0].data
    out = conv.press(USER, data)
    assert bot_engine.asked == ["企业牵头建设市级技术创新中心能获得多少补助？"]
    assert "200万元" in out.replies[0].html  # the estimate: the facts are in the question


def test_as_of_setting_is_used(conv: Conversation) -> None:
    assert "2020-01-31" in conv.set_as_of(USER, "2020-01-31")[0].html
    assert conv.as_of(USER) == date(2020, 1, 31)
    out = conv.text(USER, "企业购买技术有什么奖励")
    assert "2020-01-31" in out.replies[0].html
    assert "威科字〔2018〕58号" in out.replies[0].html and "已失效" not in out.replies[0].html
    conv.set_as_of(USER, "2022-01-31")  # after 威科字〔2018〕58号 ended
    assert "已失效" in conv.text(USER, "企业购买技术有什么奖励").replies[0].html
    assert "格式不对" in conv.set_as_of(USER, "昨天")[0].html
    conv.set_as_of(USER, "")
    assert conv.as_of(USER) is None


def test_garbage_and_long_text_do_not_reach_the_engine(conv: Conversation,
                                                       bot_engine: RecordingEngine) -> None:
    assert "没能看懂" in conv.text(USER, "😀😀😀").replies[0].html
    assert "太长" in conv.text(USER, "创新" * 2000).replies[0].html
    assert bot_engine.asked == []


def test_admin_only_commands(own_engine: RecordingEngine, store: SQLiteStore) -> None:
    conv = Conversation(own_engine, store, admin_ids=frozenset({99}))
    assert "仅限管理员" in conv.reload(USER)[0].html
    assert "仅限管理员" in conv.stats(USER)[0].html
    assert own_engine.reloads == 0
    policy = own_engine.knowledge_dir / "policies" / "weizhengbanzi-2018-106.md"
    good = policy.read_text(encoding="utf-8")
    policy.write_text("---\ntitle: [unclosed\n---\n正文", encoding="utf-8")  # a broken file
    failed = conv.reload(Who(99, 99))[0].html
    assert "失败" in failed and policy.name in failed
    policy.write_text(good, encoding="utf-8")
    assert "版本 2" in conv.reload(Who(99, 99))[0].html
    assert "SQLiteStore" in conv.stats(Who(99, 99))[0].html


def test_flood_verdicts(bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    conv = Conversation(bot_engine, store, flood_limit=2, flood_window=60)
    assert [conv.flood(USER) for _ in range(5)] == ["ok", "ok", "warn", "drop", "drop"]


def test_policies_show_status(conv: Conversation) -> None:
    html = conv.policies(USER)[0].html
    assert "现行有效" in html and "已失效" in html and "2021-11-10" in html
    assert html.count("威政办") == 3 and "威科字〔2018〕58号" in html
