"""The one YAML reader with line numbers (knowledge.yamlio)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.errors import KnowledgeError, MetadataError, RuleError
from knowledge.yamlio import Y, key_lines, load_yaml

F = Path("x.yaml")


def test_values_keys_and_items_keep_their_lines() -> None:
    root = load_yaml(F, "a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert root.mapping is not None and root.keys == {"a": 1, "b": 2}
    items = root.mapping["b"].sequence
    assert items is not None and [i.line for i in items] == [3, 4]
    assert root.mapping["b"].line == 3 and root.key_line("b") == 2
    assert root.key_line("missing") == root.line
    assert root.plain() == {"a": 1, "b": ["x", {"c": 2}]}


@pytest.mark.parametrize(("dates", "value"), [(True, date(2018, 11, 27)), (False, "2018-11-27")],
                         ids=["dates", "dates-as-text"])
def test_dates(dates: bool, value: object) -> None:
    assert load_yaml(F, "issued: 2018-11-27\n", dates=dates).plain() == {"issued": value}


def test_first_line_offsets_every_line() -> None:
    root = load_yaml(F, "a: 1\nb: 2\n", first_line=5)
    assert root.line == 5 and root.keys == {"a": 5, "b": 6}


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("a: [1\n", 2, "YAML 语法错误"),
    ("a: 1\na: 2\n", 2, "键“a”重复出现"),
    ("- {k: 1, k: 2}\n", 1, "重复出现"),
    ("1: x\n", 1, "应为文本"),
], ids=["syntax", "duplicate", "duplicate-nested", "number-key"])
def test_errors_carry_file_and_line(text: str, line: int, needle: str) -> None:
    with pytest.raises(RuleError) as caught:
        load_yaml(F, text)
    assert caught.value.line == line and needle in caught.value.message
    assert str(caught.value).startswith(f"x.yaml:{line}: ")


@pytest.mark.parametrize("error", [KnowledgeError, MetadataError], ids=["knowledge", "meta"])
def test_error_class_is_the_callers(error: type[KnowledgeError]) -> None:
    with pytest.raises(error):
        load_yaml(F, "a: [1\n", error=error)


def test_text_keys_reads_number_keys_as_text() -> None:
    assert load_yaml(F, "7: 1\nq1: x\n", text_keys=True).plain() == {"7": 1, "q1": "x"}


def test_empty_document_and_missing_file(tmp_path: Path) -> None:
    assert load_yaml(F, "") == Y(None, 1)
    with pytest.raises(RuleError, match="无法读取文件"):
        load_yaml(tmp_path / "nope.yaml")


@pytest.mark.parametrize(("text", "lines"), [
    ("doc_number: x\ntitle: y\n", {"doc_number": 2, "title": 3}),
    ("- a\n", {}), ("a: [1\n", {}), ("", {}),
], ids=["mapping", "list", "broken", "empty"])
def test_key_lines_never_raises(text: str, lines: dict[str, int]) -> None:
    assert key_lines(text, first_line=2) == lines


_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(5)
) + "g: *f\n"  # 9**6 leaves once expanded; a real bomb nests deeper


@pytest.mark.parametrize(("text", "line"), [
    (_BOMB, 1), ("base: {k: 1}\nother:\n  <<: *b\n", 3), ("a: &x 1\nb: 2\n", 1),
    ("a: 1\nb:\n  - *a\n", 3),
], ids=["billion-laughs", "merge-key", "anchor-alone", "alias-alone"])
def test_anchors_and_aliases_are_refused_located_before_expanding(text: str, line: int) -> None:
    import time

    started = time.monotonic()
    with pytest.raises(RuleError) as caught:
        load_yaml(F, text)
    assert time.monotonic() - started < 2
    assert caught.value.line == line
    assert "锚点" in caught.value.message and "请直接写出" in caught.value.message
