"""The terminal chat: numbered options, typed answers, commands, EOF and /quit.

The real engine over the real knowledge (hashing embedder) answers.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from recording import RecordingEngine

from bot.cli.chat import TerminalChat, plain, run_chat
from bot.conversation.core import Conversation
from bot.conversation.store import SQLiteStore


def talk(engine: RecordingEngine, store: SQLiteStore, lines: list[str]) -> str:
    out = io.StringIO()
    code = run_chat(engine, store, io.StringIO("".join(f"{line}\n" for line in lines)), out)
    assert code == 0
    return out.getvalue()


def test_interview_with_numbered_options(bot_engine: RecordingEngine,
                                         store: SQLiteStore) -> None:
    # 2020: while 威科字〔2018〕58号 (the purchase award) was in force.
    text = talk(bot_engine, store, ["/asof 2020-06-01", "购买技术能补多少？", "1", "选好了",
                                    "三百万", "确认，计算金额"])
    assert "[1] ☐ 企业" in text and "[1] ☑ 企业" in text  # option 1 typed: ticked
    assert "问题 2" in text and "技术交易额" in text
    assert "300万元 × 20% = 60万元" in text and "合计约 50万元" in text  # capped
    assert "<b>" not in text and "&lt;" not in text


def test_number_is_an_answer_when_text_is_expected(bot_engine: RecordingEngine,
                                                   store: SQLiteStore) -> None:
    # "2" at the amount question is not option 2 (跳过): it is an amount without a unit.
    text = talk(bot_engine, store, ["购买技术能补多少？", "1", "选好了", "2"])
    after = text.split("[1] ⬅ 上一步  [2] 不确定，跳过")[-2]
    assert "请注明单位" in after and "问题 2" in after  # asked again, not skipped
    assert "未回答" not in text


def test_question_commands_and_quit(own_engine: RecordingEngine, store: SQLiteStore) -> None:
    text = talk(own_engine, store, ["技术创新中心有什么支持？", "/policies", "/reload", "/quit",
                                    "never read"])
    assert "威政办字〔2018〕106号" in text
    assert "已失效" in text
    assert "版本 2" in text  # the terminal user is the operator
    assert own_engine.asked == ["技术创新中心有什么支持？"]


def test_eof_without_tty(bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    assert "威海市科技政策助手" in talk(bot_engine, store, [])


@pytest.mark.parametrize(
    ("html", "text"),
    [("<b>a</b> &amp; b", "a & b"), ('<a href="http://x">t</a>', "t (http://x)"),
     ("<blockquote>q</blockquote>", "q")],
    ids=["bold-entity", "link", "quote"],
)
def test_plain(html: str, text: str) -> None:
    assert plain(html) == text


def test_pick_prefers_labels(bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    chat = TerminalChat(Conversation(bot_engine, store), io.StringIO())
    chat.show(chat.conversation.start(chat.who))
    assert chat.pick("1") is not None and chat.pick("9") is None


def test_policybot_chat_without_tty(built_data_dir: Path, tmp_path: Path) -> None:
    """The real CLI and Engine over a pipe: answers, then ends at /quit."""
    env = {**os.environ, "POLICYBOT_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--data-dir", str(built_data_dir), "chat"],
        input="对列入市级试点技术创新中心的企业有什么资金补助？\n/quit\n不会被读取\n",
        capture_output=True, text=True, timeout=120, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "威政办字〔2018〕10" in proc.stdout and "[1] 查看原文1" in proc.stdout
    assert "<b>" not in proc.stdout


@pytest.mark.parametrize(
    ("lines", "shown"),
    [
        (["/asof 2020-06-01", "我们是高新企业，购买技术花了300万，能补多少？"],
         ["可申请 1 项，合计约 50万元", "向 威海市科学技术局（发文单位） 申报；文件未载明申报时间",
          "[1] 查看原文1"]),
        (["/asof 2024-06-30", "我们是高新企业，购买技术花了300万，能补多少？"],
         ["目前没有在有效期内的奖补",
          "该政策已于 2021-11-10 失效；按当时规定可获 50万元，现已不能申请"]),
        (["/asof 2020-06-01", "购买技术能补多少？", "1", "选好了", "三百万"],
         ["→ 已选：企业", "→ 您的回答：300万元", "请核对您的回答"]),
    ],
    ids=["amount-answer", "expired", "typed-answer-written-like-telegram"],
)
def test_terminal_shows_what_telegram_shows(bot_engine: RecordingEngine, store: SQLiteStore,
                                            lines: list[str], shown: list[str]) -> None:
    text = talk(bot_engine, store, lines)
    for words in shown:
        assert words in text, text
    assert "<b>" not in text
