"""The thread of a conversation (knowledge.reading.thread)."""

from __future__ import annotations

import pytest

from knowledge.reading.scope import FAILED
from knowledge.reading.thread import (
    SUPPOSED,
    THREAD,
    added_up,
    combined,
    denial_supposed,
    denial_told,
    followed,
    kept,
    uncounted,
    with_denial,
)


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


@pytest.mark.parametrize(("thread", "previous", "question", "refs", "after"), [
    # a follow-up completing the question (省里的，去年拿的) takes its place
    (("拿了技术市场奖励，配套多少",), "拿了技术市场奖励，配套多少",
     "拿了省级技术市场奖励，配套多少，去年拿的", ["level", "ellipsis"],
     ("拿了省级技术市场奖励，配套多少，去年拿的",)),
    # a correction takes its place too
    (("我们是省级中心",), "我们是省级中心", "我们是国家级中心", ["correction", "level"],
     ("我们是国家级中心",)),
    # the owner taking over a question asked for another party takes its place
    (("帮高校问，他们牵头的中心多少",), "帮高校问，他们牵头的中心多少", "我们企业牵头的中心多少",
     ["applicant", "asker"], ("我们企业牵头的中心多少",)),
    # a supposition holding the question whole is one more question, not a completion,
    # kept as a supposition
    (("孵化器认定国家级，给多少",), "孵化器认定国家级，给多少",
     "孵化器认定国家级，给多少，过两年要是复审又通过了", ["stage", "supposed"],
     ("孵化器认定国家级，给多少", "如果孵化器认定国家级，给多少，过两年要是复审又通过了")),
    # one changing a slot is one more question of the thread
    (("市级中心多少",), "市级中心多少", "省级中心多少", ["level"],
     ("市级中心多少", "省级中心多少")),
])
def test_a_follow_up_takes_the_place_of_what_it_completes(
        thread: tuple[str, ...], previous: str, question: str, refs: list[str],
        after: tuple[str, ...]) -> None:
    assert followed(thread, previous, question, refs) == after


def test_a_combination_counts_a_question_held_whole_once_and_asks_of_every_year() -> None:
    # the new question holds the earlier one whole: it is added once
    assert added_up("后来又认定成国家级了，加起来", ("省品牌孵化器，配多少",),
                    "省品牌孵化器，配多少", "省品牌孵化器，国家级孵化器，配多少",
                    ["combination", "level"]) == "省品牌孵化器，国家级孵化器，配多少"
    # 这次 said of one of them does not narrow the sum to it
    assert added_up("这两年一共多少", ("去年省级的配多少", "今年国家级的，这次配多少"),
                    "今年国家级的，这次配多少", "今年国家级的，这次配多少",
                    ["combination"]) == "去年省级的配多少；今年国家级的，配多少"


def test_a_corrected_question_is_added_in_the_place_of_the_one_it_corrects() -> None:
    # 如果高企那次其实是2022年…，两项加起来: the corrected one stands for the second
    assert added_up("其实是2022年的，两项加起来", ("技术先进型多少", "", "高企多少"),
                    "高企多少", "2022年高企多少",
                    ["combination", "correction", "year"]) == "技术先进型多少；2022年高企多少"


@pytest.mark.parametrize(("said", "left"), [
    ("其实是2022年的，两项加起来一共多少", "其实是2022年的，加起来一共多少"),
    ("这俩都算上呢", "这都算上呢"),
    ("加起来两项多少", "加起来多少"),
    ("说错了，是3项", "说错了，是3项"),  # a figure of the question stays
])
def test_the_count_of_a_combination_is_no_figure(said: str, left: str) -> None:
    assert uncounted(said, ["加起来", "都算上", "一共"]) == left


_QUESTIONS = ["我们公司牵头建的市级技术创新中心今年列入试点了，市里补多少钱？",
              "今年又认定成省级技术创新中心了，这个再给多少"]
_DROPPED = ["不对", "其实", "一共", "加起来"]


def _titles(text: str) -> list[str]:
    return [w for w in ("技术创新中心", "孵化器") if w in text]


@pytest.mark.parametrize(("said", "at", "told"), [
    # by its level
    ("不对，省级那个其实还没批下来，那现在一共能拿多少", 1, "省级那个还没批下来，"),
    ("不对，市级那个没通过", 0, "市级那个没通过，"),
    # no level or title said: the last
    ("不对，那个没批下来", 1, "那个没批下来，"),
])
def test_a_denial_is_told_in_the_question_it_names(said: str, at: int, told: str) -> None:
    out = with_denial(said, list(_QUESTIONS), FAILED, _DROPPED, _titles)
    assert out is not None and len(out) == 2
    assert told in out[at] and out[1 - at] == _QUESTIONS[1 - at]
    assert out[at].index(told) < max(out[at].find("多少"), 0) or not out[at].endswith("多少")


@pytest.mark.parametrize("said", ["不对，是省级的", "不对，其实是2家"])
def test_no_denial_changes_nothing(said: str) -> None:
    assert with_denial(said, list(_QUESTIONS), FAILED, _DROPPED, _titles) is None



@pytest.mark.parametrize(("said", "joined"), [
    # what was supposed is not added to a later sum
    ("那现在加起来能拿多少", "市级中心今年批了，给多少"),
    # unless the sum supposes too
    ("要是都批了，加起来能拿多少", "市级中心今年批了，给多少；省级中心今年批了，给多少"),
])
def test_a_supposition_is_not_added_to_a_later_sum(said: str, joined: str) -> None:
    thread = ("市级中心今年批了，给多少", "如果省级中心今年批了，给多少")
    assert added_up(said, thread, "省级中心今年批了，给多少", "省级中心今年批了，给多少",
                    ["combination"]) == joined



@pytest.mark.parametrize(("said", "summed"), [
    ("不对，省级那个其实还没批下来，那现在一共能拿多少", True),
    ("不对，省级那个没批下来", False),
])
def test_a_correction_denying_a_thread_question(said: str, summed: bool) -> None:
    thread = (_QUESTIONS[0], _QUESTIONS[1])
    told = denial_told(said, thread, _QUESTIONS[1], ("不对", "其实"), ("一共", "加起来"),
                       _titles)
    assert told is not None
    text, refs = told
    assert ("combination" in refs) is summed and (_QUESTIONS[0] in text) is summed
    assert "没批下来" in text



@pytest.mark.parametrize(("said", "thread", "joined"), [
    # one more event supposed (明年再升省级), counted by the sum (两个): added
    ("两个加起来一共多少", ("市级中心今年批了，给多少", "如果省级中心明年批了，给多少"),
     "市级中心今年批了，给多少；省级中心明年批了，给多少"),
    # another year in the place of a question told: another case of the same, not added
    ("这几项加起来多少", ("大学科技园今年升成国家大学科技园，有补助吗",
                         "如果大学科技园2022年升成国家大学科技园，有补助吗",
                         "另外开了个技术转移经纪专业，能奖多少"),
     "大学科技园今年升成国家大学科技园，有补助吗；另外开了个技术转移经纪专业，能奖多少"),
])
def test_a_supposition_added_when_one_more_event(said: str, thread: tuple[str, ...],
                                                 joined: str) -> None:
    previous = thread[-1].removeprefix("如果")
    assert added_up(said, thread, previous, previous, ["combination"]) == joined


def test_a_supposed_figure_with_words_after_it_is_another_case_of_the_told_one() -> None:
    # 假如那年只有90件呢 → the told question with 90件 and the supposition's words after it
    told = "代理所2021年代理的市内发明专利授权有130件，最多能奖多少"
    supposed = f"{SUPPOSED}代理所2021年代理的市内发明专利授权有90件，最多能奖多少，如果只有"
    more = "2021年我们还被认定为国家专利运营试点，最高给多少"
    assert combined("两项顶格加一块是多少", (told, supposed, more), more) == [told, more]


_HISTORY = ("我们检测机构2019年首次认定高新技术企业，2022年重新认定，"
            "2023年孵化器升了国家级，一共能拿多少？")


@pytest.mark.parametrize(("said", "replaced", "kept_part"), [
    # by its year
    ("如果2022年没重新认定呢？", "2022年重新认定，", "2019年首次认定"),
    ("那要是2019年那次没认定上呢", "2019年首次认定高新技术企业，", "2022年重新认定"),
    # by its title (no year said)
    ("要是孵化器没批下来呢", "2023年孵化器升了国家级，", "2022年重新认定"),
    # by its level
    ("假如国家级的没评上，一共多少", "2023年孵化器升了国家级，", "2019年首次认定"),
])
def test_a_supposed_denial_takes_the_place_of_the_step_it_denies(
        said: str, replaced: str, kept_part: str) -> None:
    out = denial_supposed(said, _HISTORY, _titles)
    assert out is not None
    assert replaced not in out and kept_part in out
    assert out.endswith("一共能拿多少？") and ("如果" in out or "要是" in out or "假如" in out)


@pytest.mark.parametrize("said", [
    "如果2022年也通过了呢",  # no denial: a supposition of another kind
    "不对，2022年没重新认定",  # a denial told, not supposed (a correction's)
    "如果其中一家没升呢",  # a count changed, not a whole step
    "如果2021年没认定呢",  # names no step of the question
])
def test_no_supposed_denial_of_a_step_changes_nothing(said: str) -> None:
    assert denial_supposed(said, _HISTORY, _titles) is None


@pytest.mark.parametrize(("said", "told"), [
    # the failure said of the step in its own words
    ("要是2019年那次没认定上呢", "要是我们检测机构2019年首次认定高新技术企业没通过，"),
    # the failure only repeats the step's verb: 没通过
    ("如果2022年没重新认定呢", "如果2022年重新认定没通过，"),
    ("那如果孵化器也没批呢", "如果2023年孵化器升了国家级没批，"),
])
def test_a_supposed_denial_is_said_of_the_step(said: str, told: str) -> None:
    out = denial_supposed(said, _HISTORY, _titles)
    assert out is not None and told in out
