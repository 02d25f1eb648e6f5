"""The conversation vocabulary of a knowledge folder (knowledge.reading.talk)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.errors import VocabularyError
from knowledge.reading.talk import (
    TALK_FILE,
    check_talk,
    default_talk,
    knowledge_talk,
    load_talk,
    word_at,
)

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"


def test_the_package_vocabulary_loads_clean() -> None:
    assert check_talk(KNOWLEDGE) == []
    assert knowledge_talk(KNOWLEDGE) == load_talk(KNOWLEDGE / TALK_FILE)
    assert default_talk() is default_talk()  # read once


def test_a_folder_without_one_uses_the_package_vocabulary(tmp_path: Path) -> None:
    assert check_talk(tmp_path) == []
    assert knowledge_talk(tmp_path) == default_talk()


def test_a_broken_file_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / TALK_FILE
    path.parent.mkdir(parents=True)
    path.write_text("首次: [首次\n", encoding="utf-8")
    problems = check_talk(tmp_path)
    assert problems and problems[0].file == str(path) and problems[0].line is not None
    with pytest.raises(VocabularyError):
        load_talk(path)


def test_a_malformed_short_form_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / TALK_FILE
    path.parent.mkdir(parents=True)
    path.write_text("short_forms:\n  国家级科技企业孵化器: 国孵\n", encoding="utf-8")
    problems = check_talk(tmp_path)
    assert problems and problems[0].file == str(path) and problems[0].line == 2
    assert "short_forms" in problems[0].message


@pytest.mark.parametrize(("text", "word", "at"), [
    ("我们拿了省技术市场奖", "省", 4),
    ("省里配多少", "省", -1),  # 省里: the province paying, another word of the table
    ("山东省品牌孵化器", "省", -1),
    ("国家级孵化器", "国家级", 0),
])
def test_a_one_character_level_is_found_before_what_it_qualifies(text: str, word: str,
                                                                 at: int) -> None:
    assert word_at(text, word) == at


@pytest.mark.parametrize(("text", "place"), [
    ("我们在烟台的子公司", "烟台"),
    ("合同都是跟外省企业签的", "外省"),
    # 外 ending 另外 / 此外 / 以外: no place
    ("另外省级技术转移示范机构称号也拿到了", ""),
    ("此外省里还拨了80万", ""),
])
def test_a_place_elsewhere_named(text: str, place: str) -> None:
    assert default_talk().elsewhere_named(text) == place


@pytest.mark.parametrize(("text", "kind"), [
    ("这笔钱医院能拿来给课题组发绩效吗", "use_of_funds"),
    ("补助能拿来买设备吗", "use_of_funds"),
])
def test_what_the_money_may_be_spent_on_is_asked(text: str, kind: str) -> None:
    from knowledge.reading.talk import default_talk

    found = default_talk().asked_kind(text)
    assert found is not None and found.name == kind


@pytest.mark.parametrize(("text", "kind"), [
    ("技术创新中心的200万已经批了，什么时候到账？", "payment_timing"),
    # a step said done asks nothing of it (当时二百万已经到账了)
    ("当时二百万已经到账了，今年到期再认定又通过了，这次还有钱吗？", None),
    # (…已经有多少家了: a question, not a step said done)
    ("技术创新中心现在全市已经有多少家了", "statistics"),
])
def test_a_step_said_done_is_no_question_of_it(text: str, kind: str | None) -> None:
    found = default_talk().asked_kind(text)
    assert (found.name if found is not None else None) == kind
