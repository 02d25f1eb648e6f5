"""The conversation core without Telegram: answers, buttons, settings, admin checks."""

from __future__ import annotations

from datetime import date

import pytest
from fakes import FakeEngine

from bot.conversation.core import Conversation, Who, is_garbage
from bot.conversation.reply import Outcome
from bot.conversation.store import SQLiteStore

USER = Who(10, 10)


@pytest.fixture
def conv(fake_engine: FakeEngine, store: SQLiteStore) -> Conversation:
    return Conversation(fake_engine, store, admin_ids=frozenset({99}))


def buttons(outcome: Outcome) -> dict[str, str]:
    return {b.label: b.data for r in outcome.replies for row in r.buttons for b in row}


def test_answer_has_clause_and_estimate_buttons(conv: Conversation) -> None:
    out = conv.text(USER, "技术创新中心有什么支持？")
    found = buttons(out)
    assert set(found) == {"查看原文1", "估算金额"}
    assert all(len(d.encode()) < 64 for d in found.values())
    clause = conv.press(USER, found["查看原文1"])
    assert "50万元补助" in clause.replies[0].html
    started = conv.press(USER, found["估算金额"])
    assert "牵头单位" in started.replies[0].html


def test_unknown_or_expired_buttons(conv: Conversation) -> None:
    for data in ("cl:ffffffffffff", "es:deadbeef", "ex:9", "zz", "i:1:c:0"):
        out = conv.press(USER, data)
        assert out.notice and not out.replies


def test_example_button_asks_the_example(conv: Conversation, fake_engine: FakeEngine) -> None:
    start = conv.start(USER)
    data = start[0].buttons[0][0].data
    conv.press(USER, data)
    assert fake_engine.asked == ["企业牵头建设市级技术创新中心能获得多少补助？"]


def test_as_of_setting_is_used(conv: Conversation, fake_engine: FakeEngine) -> None:
    assert "2020-01-31" in conv.set_as_of(USER, "2020-01-31")[0].html
    assert conv.as_of(USER) == date(2020, 1, 31)
    out = conv.text(USER, "技术创新中心")
    assert "2020-01-31" in out.replies[0].html
    assert "格式不对" in conv.set_as_of(USER, "昨天")[0].html
    conv.set_as_of(USER, "")
    assert conv.as_of(USER) is None


@pytest.mark.parametrize("text", ["😀😀", "\x00\x1f", "？！…", "<>&"], ids=["emoji", "ctl",
                                                                          "punct", "markup"])
def test_garbage(text: str) -> None:
    assert is_garbage(text)


def test_garbage_and_long_text_do_not_reach_the_engine(conv: Conversation,
                                                       fake_engine: FakeEngine) -> None:
    assert "没能看懂" in conv.text(USER, "😀😀😀").replies[0].html
    assert "太长" in conv.text(USER, "创新" * 2000).replies[0].html
    assert fake_engine.asked == []


def test_admin_only_commands(conv: Conversation, fake_engine: FakeEngine) -> None:
    assert "仅限管理员" in conv.reload(USER)[0].html
    assert "仅限管理员" in conv.stats(USER)[0].html
    fake_engine.fail_next = True
    assert "失败" in conv.reload(Who(99, 99))[0].html
    assert "版本 2" in conv.reload(Who(99, 99))[0].html


def test_flood_verdicts(fake_engine: FakeEngine, store: SQLiteStore) -> None:
    conv = Conversation(fake_engine, store, flood_limit=2, flood_window=60)
    assert [conv.flood(USER) for _ in range(5)] == ["ok", "ok", "warn", "drop", "drop"]


def test_policies_show_status(conv: Conversation) -> None:
    html = conv.policies(USER)[0].html
    assert "现行有效" in html and "已失效" in html and "2023-06-01" in html
