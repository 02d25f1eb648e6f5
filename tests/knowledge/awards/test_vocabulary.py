"""The vocabulary as staff data: loading, validation located at file:line, threading."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import evaluate
from knowledge.awards.loading import check_rules, load_rules
from knowledge.awards.vocabulary import (
    Vocabulary,
    check_vocabulary,
    default_vocabulary,
    knowledge_vocabulary,
    load_vocabulary,
)
from knowledge.errors import KnowledgeError, VocabularyError
from knowledge.reading.extraction import extract_facts
from knowledge.sources.base import fingerprint, load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
VOCABULARY = KNOWLEDGE / "vocabulary"


@pytest.fixture
def words(tmp_path: Path) -> Path:
    """A copy of the package's vocabulary folder."""
    return Path(shutil.copytree(VOCABULARY, tmp_path / "vocabulary"))


def test_default_vocabulary_is_the_package_folder_in_file_order() -> None:
    vocabulary = default_vocabulary()
    assert isinstance(vocabulary, Vocabulary)
    assert list(vocabulary.facts)[:2] == ["applicant_types", "platform_titles"]
    assert vocabulary.fact_order["applicant_types"] == 0
    assert vocabulary.kinds == ("choice", "multi", "money", "count", "bool", "number")
    assert vocabulary.topics["incubator"] == ("孵化器", "众创空间", "孵化")
    assert vocabulary.facts["district"].parse("荣成") == "rongcheng"
    assert "enterprise" in vocabulary.choice_values("applicant_types")
    assert vocabulary.facts["applicant_types"].implied_by["incubator"]
    with pytest.raises(TypeError):
        vocabulary.facts["x"] = vocabulary.facts["district"]  # type: ignore[index]


def test_module_globals_are_the_default_vocabulary() -> None:
    from knowledge.awards import facts

    assert facts.FACTS is default_vocabulary().facts
    assert facts.TOPICS is default_vocabulary().topics
    assert facts.FACT_ORDER["district"] == default_vocabulary().fact_order["district"]


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` by ``new``; the line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[:text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    kind: money\n", "    kind: yuan\n", "类型“yuan”未知"),
    ("  - name: district\n", "  - name: patent_grants\n", "事实项“patent_grants”重复"),
    ("      - value: rongcheng\n", "      - value: huancui\n", "选项“huancui”重复"),
    ('    question: "贵机构年度代理威海市内发明专利授权多少件？"\n', "", "缺少“question”"),
    ('    example: "例如：120件"\n', '    example: "例如：120件"\n    max: -5\n',
     "“max”应是正整数"),
    ("    kind: bool\n", "    kind: bool\n    max: 3\n", "只有 money 和 count"),
    ("        phrases: [荣成]\n", "        phrases: [文登]\n", "同时指向"),
    ("    kind: count\n", "    kind: count\n    colour: red\n", "未知的键“colour”"),
    ("    kind: bool\n", "    kind: bool\n    not_counted: [毕业]\n",
     "只有 count 类型可以设“not_counted”"),
    ('    example: "例如：120件"\n', '    example: "例如：120件"\n    not_counted: 毕业\n',
     "not_counted"),
], ids=["unknown-kind", "duplicate-fact", "duplicate-choice", "missing-question",
        "bad-bounds", "max-on-bool", "phrase-two-choices", "unknown-key",
        "not-counted-on-bool", "not-counted-not-a-list"])
def test_problems_are_located_at_file_and_line(words: Path, old: str, new: str,
                                               message: str) -> None:
    line = _edit(words / "facts.yaml", old, new)
    vocabulary, problems = check_vocabulary(words)
    assert vocabulary is None and problems
    assert all(isinstance(p, VocabularyError) and isinstance(p, KnowledgeError)
               for p in problems)
    hit = [p for p in problems if message in p.message]
    assert hit, [str(p) for p in problems]
    assert hit[0].file == "vocabulary/facts.yaml"
    assert hit[0].line is not None and abs(hit[0].line - line) <= 6
    with pytest.raises(VocabularyError, match=r"^vocabulary/facts\.yaml:\d+: "):
        load_vocabulary(words)


def test_syntax_error_and_missing_file(words: Path) -> None:
    (words / "topics.yaml").write_text("topics:\n  x: [a\n", encoding="utf-8")
    with pytest.raises(VocabularyError, match=r"vocabulary/topics\.yaml:\d+: YAML 语法错误"):
        load_vocabulary(words)
    (words / "topics.yaml").unlink()
    with pytest.raises(VocabularyError, match=r"topics\.yaml"):
        load_vocabulary(words)


def test_folder_without_vocabulary_uses_the_default(tmp_path: Path) -> None:
    assert knowledge_vocabulary(tmp_path) is default_vocabulary()


def _knowledge_copy(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    for name in ("policies", "rules", "vocabulary"):
        shutil.copytree(KNOWLEDGE / name, root / name)
    return root


def test_rules_use_their_folders_vocabulary(tmp_path: Path) -> None:
    """A new money fact in the copy's YAML: its rules validate, read and compute."""
    root = _knowledge_copy(tmp_path)
    facts = root / "vocabulary" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + (
        "  - name: lab_build_cost_yuan\n    kind: money\n    label: 实验室建设投入\n"
        "    question: 贵单位实验室建设投入多少？\n    example: 例如：800万元\n"
        "    phrases: [建设投入]\n"), encoding="utf-8")
    rule_file = root / "rules" / "weikezi-2018-58.yaml"
    before = load_rules(root / "rules", load_knowledge(root).clause)
    assert "lab_build_cost_yuan" not in before.vocabulary.facts
    text = rule_file.read_text(encoding="utf-8")
    _edit(rule_file, "      - {fact: activities, has: trading_platform}\n",
          "      - {fact: activities, has: trading_platform}\n"
          "      - {fact: lab_build_cost_yuan, gte: 0}\n")
    kb = load_knowledge(root)
    _, problems = check_rules(root / "rules", kb.clause)  # the default vocabulary
    assert any("事实“lab_build_cost_yuan”未定义" in p.message for p in problems)
    vocabulary = knowledge_vocabulary(root)
    ruleset = load_rules(root / "rules", kb.clause, None, vocabulary)
    assert ruleset.vocabulary is vocabulary
    rule = ruleset.get("d58_trading_platform")
    assert rule is not None and "lab_build_cost_yuan" in rule.required_facts()
    estimate = evaluate(ruleset, {"activities": ["trading_platform"],
                                  "applicant_types": ["district_gov"]}, date(2019, 6, 1),
                        rule_ids=["d58_trading_platform"])
    assert estimate.missing == ("lab_build_cost_yuan",)
    assert estimate.to_json()["missing"][0]["question"] == "贵单位实验室建设投入多少？"
    read = extract_facts("我们实验室建设投入800万元，能补多少？", date(2026, 1, 1), ruleset)
    assert read.facts["lab_build_cost_yuan"] == 8_000_000
    rule_file.write_text(text, encoding="utf-8")


def test_unknown_choice_lists_the_valid_ones(tmp_path: Path) -> None:
    root = _knowledge_copy(tmp_path)
    _edit(root / "rules" / "weikezi-2018-58.yaml", "has: trading_platform}",
          "has: trading_platfrom}")
    _, problems = check_rules(root / "rules", load_knowledge(root).clause, None,
                              knowledge_vocabulary(root))
    message = next(p.message for p in problems if "trading_platfrom" in p.message)
    assert "可用的选项：" in message and "trading_platform" in message


def test_a_vocabulary_edit_changes_the_fingerprint(tmp_path: Path) -> None:
    root = _knowledge_copy(tmp_path)
    before = fingerprint(root)
    _edit(root / "vocabulary" / "topics.yaml", "  military: [", "  military: [国防, ")
    assert fingerprint(root) != before


def test_a_vocabulary_edit_is_a_knowledge_change() -> None:
    from bot.telegram.watch import is_knowledge_change

    assert is_knowledge_change("/k/vocabulary/facts.yaml", "/k")


# -- patterns.yaml: recognition of choices as staff data ----------------------------------

NATIONAL_CENTRE = "    - {value: tech_centre_national, pattern: '国家级?技术创新中心'}\n"


@pytest.mark.parametrize(("old", "new", "message"), [
    (NATIONAL_CENTRE, NATIONAL_CENTRE.replace("国家级?", "(国家级?"),
     "“tech_centre_national”不是有效的正则表达式（missing ), unterminated subpattern"),
    (NATIONAL_CENTRE, NATIONAL_CENTRE.replace("tech_centre_national", "tech_centre_natonal"),
     "“tech_centre_natonal”不是它的选项（可用：tech_centre_city_pilot、"),
    ("  platform_titles:\n", "  platform_title:\n",
     "“platform_title”不是 facts.yaml 中 choice 或 multi 类型的事实"),
    (NATIONAL_CENTRE, NATIONAL_CENTRE.replace(", pattern: '国家级?技术创新中心'", ""),
     "缺少“pattern”"),
], ids=["invalid-regex", "unknown-choice", "unknown-fact", "missing-pattern"])
def test_pattern_problems_are_located_at_file_and_line(words: Path, old: str, new: str,
                                                       message: str) -> None:
    line = _edit(words / "patterns.yaml", old, new)
    vocabulary, problems = check_vocabulary(words)
    assert vocabulary is None
    hit = [p for p in problems if message in p.message]
    assert hit, [str(p) for p in problems]
    assert (hit[0].file, hit[0].line) == ("vocabulary/patterns.yaml", line)
    with pytest.raises(VocabularyError, match=r"^vocabulary/patterns\.yaml:\d+: "):
        load_vocabulary(words)


def test_default_patterns_are_the_package_file_in_order() -> None:
    patterns = default_vocabulary().patterns
    assert patterns.titles[0] == ("platform_titles", "tech_centre_national", "国家级?技术创新中心")
    assert [v for v, _ in patterns.applicants][:2] == ["enterprise", "service_institution"]
    assert {f for f, _, _ in patterns.choices} == {"district", "share_level_asked"}
    assert ("district", "rongcheng") in patterns.covered


@pytest.mark.parametrize(
    ("question", "fact", "before", "after"),
    [("我们是国创中心，能奖励多少？", "platform_titles", None,
      frozenset({"tech_centre_national"})),
     ("我们在石岛，能补多少？", "district", None, "rongcheng")],
    ids=["new-title-wording", "new-district-wording"],
)
def test_a_staff_pattern_changes_recognition_without_python(
        words: Path, question: str, fact: str, before: object, after: object) -> None:
    today = date(2026, 6, 1)
    assert extract_facts(question, today, vocabulary=load_vocabulary(words)).facts.get(fact) \
        == before
    _edit(words / "patterns.yaml", NATIONAL_CENTRE,
          "    - {value: tech_centre_national, pattern: '国家级?技术创新中心|国创中心'}\n")
    _edit(words / "patterns.yaml", "    - {value: rongcheng, pattern: '荣成'}\n",
          "    - {value: rongcheng, pattern: '荣成|石岛'}\n")
    assert extract_facts(question, today, vocabulary=load_vocabulary(words)).facts[fact] \
        == after


def test_broken_pattern_keeps_the_last_good_knowledge(tmp_path: Path, hash_data_dir: Path,
                                                      hash_embedder: object) -> None:
    from index.answering.engine import Engine

    root = tmp_path / "knowledge"
    for name in ("policies", "rules", "cases", "vocabulary"):
        shutil.copytree(KNOWLEDGE / name, root / name)
    eng = Engine(root, Path(shutil.copytree(hash_data_dir, tmp_path / "data")),
                 embedder=hash_embedder)  # type: ignore[arg-type]
    eng.warm_up()
    question = "企业认定为国家级技术创新中心能奖励多少？"
    before = eng.ask(question, as_of=date(2026, 6, 1))
    assert "tech_centre_national" in before.facts["platform_titles"]  # type: ignore[operator]
    line = _edit(root / "vocabulary" / "patterns.yaml", NATIONAL_CENTRE,
                 NATIONAL_CENTRE.replace("国家级?", "国家级?["))
    report = eng.reload()
    assert not report.ok and f"vocabulary/patterns.yaml:{line}" in report.message
    assert "不是有效的正则表达式" in report.message
    assert eng.version == 1
    after = eng.ask(question, as_of=date(2026, 6, 1))
    assert after.facts == before.facts and after.rule_ids == before.rule_ids


_BOMB_SCRIPT = """
import sys, time
from datetime import date
from knowledge.awards.vocabulary import load_vocabulary
from knowledge.reading.extraction import extract_facts
vocabulary = load_vocabulary(sys.argv[1])
started = time.monotonic()
extract_facts("a" * 45 + "!", date(2026, 6, 1), vocabulary=vocabulary)
print(round(time.monotonic() - started, 3))
"""


@pytest.mark.parametrize("pattern", ["(a+)+$", "(?<!提)(a+)+$"], ids=["re2", "look-around"])
def test_a_catastrophic_staff_pattern_cannot_stall_a_reply(words: Path, pattern: str) -> None:
    import subprocess
    import sys

    _edit(words / "patterns.yaml", NATIONAL_CENTRE,
          NATIONAL_CENTRE + f"    - {{value: tech_centre_provincial, pattern: '{pattern}'}}\n")
    assert check_vocabulary(words)[1] == []
    root = str(Path(__file__).resolve().parents[3])
    try:
        done = subprocess.run([sys.executable, "-c", _BOMB_SCRIPT, str(words)], cwd=root,
                              env={"PYTHONPATH": root, "PATH": "/usr/bin:/bin"},
                              capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pattern {pattern} stalled a reply for over 30 s")
    assert done.returncode == 0, done.stderr
    assert float(done.stdout.split()[-1]) < 5


def test_staff_patterns_run_linear_where_they_can_and_timed_where_they_look_around() -> None:
    from knowledge.awards.staff_regex import staff_regex

    assert staff_regex("国家级?技术创新中心").linear
    assert not staff_regex("大学(?!科技园)").linear
    assert [h.text for h in staff_regex("大学(?!科技园)").finditer("山东大学科技园和大学")] \
        == ["大学"]


@pytest.mark.parametrize(("question", "fact"), [
    ("我们登记技术合同成交额300万元，能补多少？", "registered_turnover_yuan"),
    ("我们技术合同成交额300万元，促成成果转化，能补多少？", "tt_contract_turnover_yuan"),
    ("我们购买技术花了300万元，能补多少？", "registered_tech_purchase_yuan"),
], ids=["the-more-specific-staff-phrase-wins", "built-in-wording-alone", "purchase"])
def test_a_more_specific_staff_phrase_wins_over_a_built_in_one(
        tmp_path: Path, question: str, fact: str) -> None:
    root = _knowledge_copy(tmp_path)
    facts = root / "vocabulary" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + (
        "  - name: registered_turnover_yuan\n    kind: money\n    label: 登记技术合同成交额\n"
        "    question: 贵单位登记的技术合同成交额是多少？\n    example: 例如：300万元\n"
        "    phrases: [登记技术合同成交额]\n"), encoding="utf-8")
    kb = load_knowledge(root)
    ruleset = load_rules(root / "rules", kb.clause, None, knowledge_vocabulary(root))
    read = extract_facts(question, date(2026, 1, 1), ruleset)
    money = {k: v for k, v in read.facts.items() if k.endswith("_yuan")}
    assert money == {fact: 3_000_000}


@pytest.mark.parametrize(("question", "value"), [
    ("我们企业建有博士后工作站，能补多少？", True),
    ("我们企业没有博士后工作站，能补多少？", False),
    ("我们企业能补多少？", None),
], ids=["said", "denied", "not-said"])
def test_a_yes_no_fact_is_read_from_a_question(tmp_path: Path, question: str,
                                               value: bool | None) -> None:
    root = _knowledge_copy(tmp_path)
    facts = root / "vocabulary" / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + (
        "  - name: has_postdoc_station\n    kind: bool\n    label: 建有博士后工作站\n"
        "    question: 贵单位是否建有博士后工作站？\n    phrases: [博士后工作站]\n"),
        encoding="utf-8")
    vocabulary = knowledge_vocabulary(root)
    read = extract_facts(question, date(2026, 1, 1), vocabulary=vocabulary)
    assert read.facts.get("has_postdoc_station") is value


def test_places_come_from_the_conversation_vocabulary(words: Path) -> None:
    vocabulary = load_vocabulary(words)
    assert "烟台" in vocabulary.elsewhere and "威海" in vocabulary.home
    assert load_vocabulary(words).facts["incubatees_upgraded"].not_counted


def test_circumstance_figures_come_from_the_conversation_vocabulary(tmp_path: Path) -> None:
    """Staff add a word of the asker's circumstances (流水): an amount said after it is no
    award's base any more."""
    question = "我们公司去年买技术合同登记了100万，流水800万，能奖多少？"
    root = _knowledge_copy(tmp_path)
    assert "销售收入" in knowledge_vocabulary(root).context_figures
    before = extract_facts(question, date(2020, 6, 1), vocabulary=knowledge_vocabulary(root))
    talk = root / "vocabulary" / "conversation.yaml"
    text = talk.read_text(encoding="utf-8")
    talk.write_text(text.replace("context_figures: [", "context_figures: [流水, "),
                    encoding="utf-8")
    after = extract_facts(question, date(2020, 6, 1), vocabulary=knowledge_vocabulary(root))
    assert before.facts.get("registered_tech_purchase_yuan") == 9_000_000
    assert after.facts.get("registered_tech_purchase_yuan") == 1_000_000
    assert any("流水" in n for n in after.notes)
