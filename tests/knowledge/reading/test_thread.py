"""The thread of a conversation (knowledge.reading.thread)."""

from __future__ import annotations

import pytest

from knowledge.reading.thread import THREAD, added_up, combined, kept


def test_kept_holds_the_last_questions_and_their_boundaries() -> None:
    thread = ("a", "", "b", "c", "", "d", "e")
    assert kept(thread) == ("c", "", "d", "e")[-(THREAD + 1):]
    assert kept(("", "a")) == ("a",)  # no boundary first
    assert kept(("a", "", "", "b")) == ("a", "", "b")  # nor twice


@pytest.mark.parametrize(("said", "thread", "joined"), [
    ("两项一共多少", ("a", "", "b"), ["a", "b"]),  # as many as it says, across a boundary
    ("俩都认定了一共能拿多少", ("a", "", "b"), ["a", "b"]),
    ("一共多少", ("a", "", "b"), ["b"]),  # the thread since it began
    ("加起来", ("a", "b"), ["a", "b"]),
    ("三项加起来", ("a",), ["a"]),  # fewer than said: what there is
])
def test_a_combination_adds_up(said: str, thread: tuple[str, ...], joined: list[str]) -> None:
    assert combined(said, thread, thread[-1]) == joined


@pytest.mark.parametrize(("said", "thread", "question", "joined"), [
    # the message asks nothing new: the thread's last question is it
    ("两项加起来", ("a", "b"), "b", "a；b"),
    ("俩加一块儿", ("a", "b"), "b2", "a；b2"),  # (rewritten in passing, not changed)
    # the message also changes the question: it is one of the two
    ("要是明年升国家级，两个加起来", ("a", "b"), "c", "b；c"),
    ("加起来一共多少", ("a", "b"), "c", "a；b；c"),
])
def test_a_combination_that_changes_the_question_adds_it(
        said: str, thread: tuple[str, ...], question: str, joined: str) -> None:
    refs = ["combination", "count"] if question in ("b", "b2") else ["combination", "level"]
    assert added_up(said, thread, thread[-1], question, refs) == joined
