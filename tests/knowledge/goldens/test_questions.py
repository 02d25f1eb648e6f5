"""Canned-question loader (validation with file:line) and the pure metrics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from knowledge.errors import KnowledgeError
from knowledge.goldens.questions import (
    AnswerFn,
    CannedQuestion,
    Expectation,
    Hit,
    format_failures,
    load_questions,
    metrics_dict,
    score,
    unknown_fragments,
)

REPO = Path(__file__).resolve().parents[3]
QUESTIONS = REPO / "knowledge" / "cases" / "questions.yaml"

D107 = "威政办字〔2018〕107号"
D106 = "威政办字〔2018〕106号"
D32 = "威政办发〔2018〕32号"
D58 = "威科字〔2018〕58号"

GOOD = """\
# comment header
- id: q001
  question: "国家级孵化器奖多少？"
  expect:
    - {doc_number: 威政办字〔2018〕107号, clause_contains: 国家级科技企业孵化器}
    - doc_number: 威政办字〔2018〕106 号
      clause_contains: 国家专业化众创空间
  tags: [direct, amount]

- id: q002
  question: "出口退税怎么办？"
  expect: {matched: false}
  tags: [out_of_scope]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "questions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> KnowledgeError:
    path = write(tmp_path, text)
    with pytest.raises(KnowledgeError) as info:
        load_questions(path)
    assert info.value.file == str(path)
    return info.value


# -- loader -----------------------------------------------------------------------------


def test_load_good_file(tmp_path: Path) -> None:
    qs = load_questions(write(tmp_path, GOOD))
    assert [q.id for q in qs] == ["q001", "q002"]
    first, second = qs
    assert first.in_scope and not second.in_scope
    assert first.line == 2 and second.line == 10
    assert first.expect[1] == Expectation(D106, "国家专业化众创空间")  # spaces removed
    assert first.tags == ("direct", "amount")
    assert second.expect == ()


def test_shipped_file_is_valid_and_broad() -> None:
    qs = load_questions(QUESTIONS)
    assert len(qs) >= 100
    assert len({q.id for q in qs}) == len(qs)
    oos = [q for q in qs if not q.in_scope]
    assert len(oos) >= 15
    assert all("out_of_scope" in q.tags for q in oos)
    docs = {e.doc_number for q in qs for e in q.expect}
    assert docs == {D107, D106, D32, D58}
    tags = {t for q in qs for t in q.tags}
    assert {"direct", "colloquial", "english", "amount", "out_of_scope"} <= tags
    for q in qs:
        for e in q.expect:
            assert 4 <= len(e.clause_contains) <= 12, (q.id, e.clause_contains)


def test_shipped_fragments_are_in_the_seeds(seeds_dir: Path) -> None:
    """Each fragment occurs in a seed of its document (lines joined, spaces dropped)."""
    by_doc: dict[str, list[str]] = {D107: [], D32: [], D106: [], D58: []}
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        head = "".join(text[:800].split())
        for doc in by_doc:
            if doc in head:
                by_doc[doc].append(text)
    assert all(by_doc.values()), {d: len(v) for d, v in by_doc.items()}
    clauses = [(doc, text) for doc, texts in by_doc.items() for text in texts]
    bad = unknown_fragments(load_questions(QUESTIONS), clauses)
    assert not bad, [(q.id, e.doc_number, e.clause_contains) for q, e in bad]


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    err = error_of(tmp_path, GOOD + '- id: q003\n  question: "unterminated\n')
    assert err.line is not None and err.line >= 15
    assert "YAML" in err.message


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("", 1, "文件中没有问题：请至少写一个"),
        ("id: q1\nquestion: x\n", 1, "文件应是问题列表"),
        ("- just a string\n", 1, "第 1 个问题应是含 id、question、expect 的映射"),
        ("- question: x\n  expect: {matched: false}\n", 1, "第 1 个问题缺少“id”：请补上"),
        ("- id: q1\n  expect: {matched: false}\n", 1, "q1：缺少“question”：请补上"),
        ("- id: q1\n  question: x\n", 1, "q1：缺少“expect”：请补上"),
        ('- id: q1\n  question: ""\n  expect: {matched: false}\n', 2, "q1：question应为非空文字"),
        ("- id: q1\n  question: x\n  expect: {matched: true}\n", 3, "matched 只能是 false；范围内"),
        ("- id: q1\n  question: x\n  expect: []\n", 3, "expect 应是非空列表"),
        ("- id: q1\n  question: x\n  expect: {foo: 1}\n", 3, "q1：expect 应是 {doc_number"),
        ("- id: q1\n  question: x\n  expect: [abc]\n", 3, "expect 的每一项应写成"),
        (
            "- id: q1\n  question: x\n  expect:\n    - {doc_number: A号}\n",
            4,
            "缺少 clause_contains：请补上",
        ),
        (
            "- id: q1\n  question: x\n  expect:\n"
            "    - {doc_number: A号, clause_contains: 甲乙, x: 1}\n",
            4,
            "expect 中有未知的键“x”（可用：doc_number、clause_contains）",
        ),
        (
            "- id: q1\n  question: x\n  expect:\n    - {doc_number: A号, clause_contains: 甲}\n",
            4,
            "clause_contains 应是条款中的一小段原文（2–30 个字），现为 1 个字",
        ),
        (
            "- id: q1\n  question: x\n  expect:\n    - doc_number: A号\n"
            "      clause_contains: " + "甲" * 40 + "\n",
            5,
            "现为 40 个字：请缩短或加长",
        ),
        ("- id: q1\n  question: x\n  expect: {matched: false}\n  tags: direct\n", 4,
         "tags 应是词语列表"),
        ("- id: q1\n  question: x\n  expect: {matched: false}\n  note: hi\n", 4,
         "未知的键“note”（可用：expect"),
        ("- id: q 1\n  question: x\n  expect: {matched: false}\n", 1, "id“q 1”只能由字母"),
        (
            "- id: q1\n  question: x\n  question: y\n  expect: {matched: false}\n",
            3,
            "重复出现",
        ),
    ],
)
def test_malformed_entry_names_file_and_line(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    err = error_of(tmp_path, text)
    assert err.line == line, str(err)
    assert needle in err.message, str(err)
    assert str(err).startswith(f"{tmp_path / 'questions.yaml'}:{line}: ")


def test_duplicate_id_names_second_line(tmp_path: Path) -> None:
    text = GOOD + "\n- id: q001\n  question: again\n  expect: {matched: false}\n"
    err = error_of(tmp_path, text)
    assert err.line == 15
    assert "id“q001”已在第2行用过：请改用新的 id" in err.message


def test_bad_entry_deep_in_file(tmp_path: Path) -> None:
    entries = "".join(
        f"- id: q{i:03d}\n  question: 问题{i}\n  expect: {{matched: false}}\n" for i in range(30)
    )
    err = error_of(tmp_path, entries + "- id: q999\n  question: x\n  expect: 7\n")
    assert err.line == 93


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as info:
        load_questions(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(info.value)


# -- expectations -----------------------------------------------------------------------


def test_expectation_matches_doc_and_normalised_text() -> None:
    e = Expectation(D107, "给予 200 万元")
    assert e.accepts(D107, "企业牵头组建的给予200万元资金补助")
    assert e.accepts("威政办字〔2018〕107 号", "给予200\n万元")
    assert not e.accepts(D106, "给予200万元")
    assert Expectation(D58, "1:1配套").accepts(D58, "按照省拨资金1：1配套")
    assert not e.accepts(D107, "给予300万元")


@pytest.mark.parametrize("written", ["威政办字[2018]107号", "威政办字（2018）107号",
                                     "威政办字〔2018〕107号", "威政办字〔2018〕107 号"],
                         ids=["square", "round", "tortoise-shell", "space"])
def test_expectation_doc_number_in_any_bracket_form(written: str) -> None:
    assert Expectation(written, "给予200万元").accepts(D107, "给予200万元")
    assert Expectation(D107, "给予200万元").accepts(written, "给予200万元")


def test_unknown_fragments() -> None:
    q = question("q1", Expectation(D107, "甲乙丙"), Expectation(D106, "丁戊"))
    bad = unknown_fragments([q], [(D107, "……甲乙丙……"), (D107, "丁戊")])
    assert [(x.id, e.doc_number) for x, e in bad] == [("q1", D106)]


# -- metrics ----------------------------------------------------------------------------


def question(qid: str, *expect: Expectation) -> CannedQuestion:
    return CannedQuestion(qid, f"question {qid}", tuple(expect))


GOOD_HIT: Hit = (D107, "对认定为国家级科技企业孵化器的给予奖励")
OTHER_HIT: Hit = (D32, "无关条款")
ALT_HIT: Hit = (D106, "国家专业化众创空间的，一次性分别给予")


def fake(answers: Mapping[str, tuple[bool, Sequence[Hit]]]) -> AnswerFn:
    def answer(text: str) -> tuple[bool, Sequence[Hit]]:
        return answers[text]

    return answer


INCUBATOR = (Expectation(D107, "国家级科技企业孵化器"), Expectation(D106, "国家专业化众创空间"))


def test_score_ranks_recall_and_mrr() -> None:
    qs = [
        question("a", *INCUBATOR),
        question("b", *INCUBATOR),
        question("c", *INCUBATOR),
        question("d", *INCUBATOR),
    ]
    answers = {
        "question a": (True, [GOOD_HIT, OTHER_HIT]),  # rank 1
        "question b": (True, [OTHER_HIT, ALT_HIT]),  # rank 2 via the other document
        "question c": (True, [OTHER_HIT] * 4 + [GOOD_HIT]),  # rank 5
        "question d": (True, [OTHER_HIT] * 5 + [GOOD_HIT]),  # rank 6: outside k
    }
    m = score(qs, fake(answers), k=5)
    assert m.in_scope_total == 4
    assert m.recall_at_1 == pytest.approx(1 / 4)
    assert m.recall_at_5 == pytest.approx(3 / 4)
    assert m.mrr == pytest.approx((1 + 1 / 2 + 1 / 5 + 0) / 4)
    assert m.ranks == {"a": 1, "b": 2, "c": 5, "d": None}
    assert [f.question.id for f in m.failures] == ["d"]
    assert m.failures[0].reason == "no acceptable hit in top 5"
    assert m.oos_total == 0 and m.oos_accuracy == 0.0


def test_k_limits_the_ranks() -> None:
    qs = [question("a", *INCUBATOR)]
    m = score(qs, fake({"question a": (True, [OTHER_HIT, GOOD_HIT])}), k=1)
    assert m.recall_at_1 == 0 and m.recall_at_5 == 0 and m.mrr == 0
    assert m.k == 1
    assert metrics_dict(m)["recall_at_1"] == 0


def test_unmatched_in_scope_counts_as_miss_even_with_good_hit() -> None:
    qs = [question("a", *INCUBATOR), question("b", *INCUBATOR)]
    answers = {
        "question a": (False, [GOOD_HIT]),
        "question b": (False, []),
    }
    m = score(qs, fake(answers))
    assert m.recall_at_1 == 0 and m.recall_at_5 == 0 and m.mrr == 0
    assert m.in_scope_unmatched == 2
    reasons = {f.question.id: f.reason for f in m.failures}
    assert reasons["a"] == "unmatched (an acceptable hit was at rank 1)"
    assert reasons["b"] == "unmatched (no acceptable hit)"
    assert m.failures[0].rank == 1


def test_out_of_scope_correct_iff_unmatched() -> None:
    qs = [question("x"), question("y"), question("z")]
    answers = {
        "question x": (False, [OTHER_HIT]),  # hits do not matter when unmatched
        "question y": (False, []),
        "question z": (True, [OTHER_HIT]),
    }
    m = score(qs, fake(answers))
    assert (m.oos_correct, m.oos_total) == (2, 3)
    assert m.oos_accuracy == pytest.approx(2 / 3)
    assert m.in_scope_total == 0 and m.recall_at_1 == 0.0
    assert [f.question.id for f in m.failures] == ["z"]
    assert m.failures[0].matched is True


def test_mixed_set_and_report() -> None:
    qs = [question("a", *INCUBATOR), question("x")]
    answers = {"question a": (True, [OTHER_HIT]), "question x": (True, [GOOD_HIT])}
    m = score(qs, fake(answers))
    assert m.recall_at_5 == 0 and m.oos_correct == 0 and len(m.failures) == 2
    report = format_failures(m)
    assert "a [" in report and "want 威政办字〔2018〕107号 ⊃ 国家级科技企业孵化器" in report
    assert "1. 威政办发〔2018〕32号 无关条款" in report
    assert "answered an out-of-scope question" in report
    figures = metrics_dict(m)
    assert figures["failures"] == ["a", "x"] and figures["oos_total"] == 1


def test_score_rejects_bad_k() -> None:
    with pytest.raises(ValueError):
        score([], fake({}), k=0)
