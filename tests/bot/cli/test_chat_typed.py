"""The terminal chat takes answers as people type them: abbreviations from the vocabulary,
"没有" for a count, "完成" to end a multiple choice; its questions say what to type here.

The real engine over the real knowledge (hashing embedder) answers.
"""

from __future__ import annotations

import io

from recording import RecordingEngine

from bot.cli.chat import run_chat
from bot.conversation.store import SQLiteStore

UPGRADE_QUESTION = "在孵企业升级为高新技术企业，对孵化器奖励多少？"


def talk(engine: RecordingEngine, store: SQLiteStore, lines: list[str]) -> str:
    out = io.StringIO()
    assert run_chat(engine, store, io.StringIO("".join(f"{line}\n" for line in lines)), out) == 0
    return out.getvalue()


def test_abbreviation_from_the_vocabulary_answers_a_choice(
        bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    # 高企 is listed in knowledge/vocabulary/facts.yaml (abbreviations, implied_by)
    text = talk(bot_engine, store, ["/asof 2020-06-01", "购买技术能补多少？", "高企"])
    assert "不是可选项" not in text
    assert "→ 您的回答：企业" in text and "问题 2" in text


def test_ambiguous_abbreviation_names_the_choices_it_may_mean(
        bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    text = talk(bot_engine, store, ["/estimate", "1", "完成", "完成", "完成", "完成", "高企"])
    assert "“高企”可能是“首次通过高新技术企业认定”、“重新通过高新技术企业认定”" in text


def test_none_for_a_count_is_zero(bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    text = talk(bot_engine, store, ["/asof 2024-06-01", UPGRADE_QUESTION, "4", "完成", "没有"])
    assert "→ 您的回答：0家" in text
    assert "请填写一个不小于0的整数" not in text


def test_multi_choice_finishes_with_typed_words_and_says_so(
        bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    text = talk(bot_engine, store, ["/estimate", "1", "完成", "外星人"])
    first = text[text.index("问题 1"):text.index("→ 已选：企业")]
    assert "输入“完成”" in first
    assert "选好了”" not in first.split("[1]")[0]  # the terminal has nothing to tap
    assert "问题 2" in text
    error = text[text.index("⚠️"):]
    assert "输入“完成”" in error.split("[1]")[0]  # the re-asked question: how to finish
    text = talk(bot_engine, store, ["/cancel", "/estimate", "1", "好了"])
    assert "→ 已选：企业" in text


def test_one_instruction_per_multi_choice_question(bot_engine: RecordingEngine,
                                                   store: SQLiteStore) -> None:
    text = talk(bot_engine, store, ["/estimate", "1", "完成"])
    second = text[text.index("问题 2"):].split("[1]")[0]
    assert second.count("可多选") == 1 and second.count("完成") == 1, second


def test_the_review_says_what_to_type_in_the_terminal(bot_engine: RecordingEngine,
                                                      store: SQLiteStore) -> None:
    text = talk(bot_engine, store, ["/asof 2020-06-01", "购买技术能补多少？", "高企", "300万",
                                    "确认"])
    review = text[text.index("请核对您的回答"):]
    assert "请输入“确认”" in review and "请点" not in review.split("[1]")[0]
    assert "300万元 × 20% = 60万元" in review  # "确认" typed: computed


def test_the_interview_intro_says_what_to_type_in_the_terminal(
        bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    text = talk(bot_engine, store, ["/asof 2020-06-01", "购买技术能补多少？", "上一步"])
    assert "随时可以输入“上一步”修改，或输入 /cancel 退出" in text
    assert "点“上一步”" not in text
