"""The interview state machine on the fake fake_engine: order, parsing, back, review, result."""

from __future__ import annotations

from typing import Any

import pytest
from fakes import FakeEngine

from bot.conversation.interview import (
    ASK,
    DONE,
    REVIEW,
    Interviews,
    Press,
    Start,
    Text,
    decode,
    encode,
    parse_press,
)
from bot.conversation.reply import Outcome, Reply
from bot.conversation.store import SQLiteStore

KEY = "iv:1:1"


class Driver:
    """Feeds events through Interviews (store + CAS) and presses buttons by label."""

    def __init__(self, fake_engine: FakeEngine, store: SQLiteStore) -> None:
        self.iv = Interviews(store, fake_engine)
        self.store = store
        self.last: Reply | None = None

    def state(self) -> dict[str, Any]:
        data = self.store.get(KEY).data
        assert data is not None
        return data

    def send(self, event: Any) -> Outcome:
        outcome = self.iv.handle(KEY, event)
        if outcome.replies:
            self.last = outcome.replies[-1]
        return outcome

    def press(self, label_part: str) -> Outcome:
        assert self.last is not None
        for row in self.last.buttons:
            for button in row:
                if label_part in button.label:
                    press = parse_press(button.data)
                    assert press is not None
                    return self.send(press)
        raise AssertionError(f"no button {label_part!r} in {self.last.buttons}")

    def text(self, text: str) -> Outcome:
        return self.send(Text(text))


@pytest.fixture
def drive(fake_engine: FakeEngine, store: SQLiteStore) -> Driver:
    return Driver(fake_engine, store)


def test_asks_only_needed_facts_and_computes(drive: Driver) -> None:
    drive.send(Start({}, ["purchase"]))
    assert "高新技术企业" in drive.last.html  # type: ignore[union-attr]
    drive.press("是")
    assert drive.state()["current"] == "purchase_yuan"
    drive.text("三百万")
    assert drive.state()["phase"] == REVIEW
    assert "300万元" in drive.last.html  # type: ignore[union-attr]
    out = drive.press("确认")
    html = out.replies[0].html
    assert drive.state()["phase"] == DONE
    assert "30万元" in html and "威科字〔2018〕58号" in html
    assert "主管部门" in html  # indicative-only line


def test_most_needed_fact_first(drive: Driver) -> None:
    # Both rules; lead_type and is_high_tech each gate one rule: fake_engine order kept.
    drive.send(Start({}, None))
    assert drive.state()["current"] == "lead_type"


def test_ineligible_answer_skips_the_rest_of_its_rule(drive: Driver) -> None:
    drive.send(Start({}, ["purchase"]))
    drive.press("否")
    assert drive.state()["phase"] == REVIEW


def test_bad_number_is_reasked_with_example(drive: Driver) -> None:
    drive.send(Start({"is_high_tech": True}, ["purchase"]))
    out = drive.text("很多钱")
    assert drive.state()["current"] == "purchase_yuan"
    assert "无法识别" in out.replies[0].html and "120万元" in out.replies[0].html
    drive.text("-5")
    drive.text("abc")
    assert "/cancel" in drive.last.html  # type: ignore[union-attr]
    drive.text("50万")
    assert drive.state()["facts"]["purchase_yuan"] == 500_000


def test_back_changes_the_result(drive: Driver) -> None:
    drive.send(Start({}, ["platform"]))
    drive.press("企业")
    drive.press("市级")
    out = drive.press("确认")
    assert "50万元" in out.replies[0].html
    drive.press("修改答案")
    assert drive.state()["phase"] == REVIEW
    drive.press("上一步")  # back from review: the last question again
    assert drive.state()["current"] == "platform_level"
    drive.press("省级")
    out = drive.press("确认")
    assert "100万元" in out.replies[0].html


def test_review_edit_returns_to_review(drive: Driver) -> None:
    drive.send(Start({}, ["platform"]))
    drive.press("企业")
    drive.press("国家级")
    drive.press("修改第2")
    assert drive.state()["editing"] is True
    drive.press("上一步")
    assert drive.state()["phase"] == REVIEW
    drive.press("修改第2")
    drive.text("1")  # typed option number
    assert drive.state()["phase"] == REVIEW
    assert drive.state()["facts"]["platform_level"] == "city"


def test_typed_label_for_choice(drive: Driver) -> None:
    drive.send(Start({}, ["platform"]))
    drive.text("公益性单位")
    assert drive.state()["phase"] == REVIEW  # public lead: platform rule settled


def test_given_facts_are_listed_and_editable(drive: Driver) -> None:
    drive.send(Start({"purchase_yuan": 2_000_000}, ["purchase"]))
    assert drive.state()["current"] == "is_high_tech"
    drive.press("是")
    assert "200万元" in drive.last.html  # type: ignore[union-attr]
    out = drive.press("确认")
    assert "20万元" in out.replies[0].html


def test_stale_button_is_ignored(drive: Driver) -> None:
    drive.send(Start({}, ["platform"]))
    old = drive.last
    drive.press("企业")
    drive.last = old
    version = drive.store.get(KEY).version
    out = drive.press("公益性单位")
    assert out.notice and not out.replies
    assert drive.store.get(KEY).version == version  # nothing written


def test_skip_and_cancel(drive: Driver) -> None:
    drive.send(Start({}, ["purchase"]))
    drive.press("是")
    drive.press("跳过")
    assert drive.state()["phase"] == REVIEW
    assert "未回答" in drive.last.html  # type: ignore[union-attr]
    out = drive.press("取消")
    assert "已取消" in out.replies[0].html
    assert drive.store.get(KEY).data is None


def test_text_outside_an_interview_is_not_handled(drive: Driver) -> None:
    assert drive.text("你好").handled is False


def test_new_question_mid_interview_is_answered_and_the_interview_waits(
    drive: Driver,
) -> None:
    drive.send(Start({"is_high_tech": True}, ["purchase"]))
    assert drive.text("孵化器有什么奖励政策？").handled is False
    assert drive.state()["current"] == "purchase_yuan"
    assert drive.state().get("invalid", 0) == 0
    drive.text("50万")
    assert drive.state()["facts"]["purchase_yuan"] == 500_000


def test_callback_data_fits() -> None:
    fake_engine, buttons = FakeEngine(), []
    from bot.conversation.interview import step

    state, out = step(fake_engine, None, Start({}, None))
    for row in out.replies[0].buttons:
        buttons += list(row)
    assert all(len(b.data.encode()) < 64 for b in buttons)
    assert state is not None and state["phase"] == ASK


@pytest.mark.parametrize(
    "value", [5, "x", True, [1, "a"], None], ids=["int", "str", "bool", "list", "none"]
)
def test_codec_roundtrip(value: Any) -> None:
    assert decode(encode(value)) == value


def test_codec_decimal_and_date() -> None:
    from datetime import date
    from decimal import Decimal

    assert decode(encode(Decimal("1.5"))) == Decimal("1.5")
    assert decode(encode(date(2024, 1, 2))) == date(2024, 1, 2)


@pytest.mark.parametrize(
    ("data", "expected"),
    [("i:3:c:1", Press(3, "c", 1)), ("i:3:ok", Press(3, "ok")), ("i:x:c", None),
     ("cl:abc", None)],
    ids=["choice", "no-arg", "bad-seq", "other-kind"],
)
def test_parse_press(data: str, expected: Press | None) -> None:
    assert parse_press(data) == expected


class SharedFactEngine(FakeEngine):
    """Rule a needs x then y; rule b needs only y: y settles more rules, so it comes first."""

    def next_questions(self, facts: dict[str, Any], as_of: Any = None,
                       rule_ids: list[str] | None = None) -> list[Any]:
        from fakes import FakeSpec

        needs = {"a": ["x", "y"], "b": ["y"]}
        names: list[str] = []
        for rule in rule_ids or ["a", "b"]:
            names += [n for n in needs[rule] if n not in facts and n not in names]
        return [FakeSpec(n, "bool", f"{n}?") for n in names]

    def estimate(self, facts: dict[str, Any], as_of: Any = None,
                 rule_ids: list[str] | None = None) -> dict[str, Any]:
        return {"items": [{"rule_id": "a"}, {"rule_id": "b"}]}


def test_fact_needed_by_most_rules_comes_first(store: SQLiteStore) -> None:
    drive = Driver(SharedFactEngine(), store)
    drive.send(Start({}, None))
    assert drive.state()["current"] == "y"


def test_concurrent_presses_apply_once(fake_engine: FakeEngine, store: SQLiteStore) -> None:
    """Two replicas handling the same press at once: one wins, the other sees it stale."""
    from concurrent.futures import ThreadPoolExecutor

    drive = Driver(fake_engine, store)
    drive.send(Start({}, ["platform"]))
    press = parse_press(drive.last.buttons[0][0].data)  # type: ignore[union-attr]
    assert press is not None
    replicas = [Interviews(SQLiteStore(store.path), fake_engine) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda iv: iv.handle(KEY, press), replicas))
    assert sorted(bool(o.replies) for o in outcomes) == [False, True]
    assert drive.state()["history"] == ["lead_type"]
    for iv in replicas:
        iv.store.close()
