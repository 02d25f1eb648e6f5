"""The interview state machine: order, parsing, back, review, result.

The engine is the real one over the real rules (hashing embedder; only its calculator is
used here).  Dates are 2020-06-01, while 威科字〔2018〕58号 was in force, so its
technology-purchase award (20% of the registered volume, at most 50万元) counts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from recording import RecordingEngine

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
AS_OF = date(2020, 6, 1)
PURCHASE = ["d58_tech_purchase"]  # applicant_types (multi), registered_tech_purchase_yuan
RND = ["d32_rnd_subsidy"]  # applicant_types, has_rnd_spending (yes/no)
ENTERPRISE = frozenset({"enterprise"})


class Driver:
    """Feeds events through Interviews (store + CAS) and presses buttons by label."""

    def __init__(self, engine: Any, store: SQLiteStore) -> None:
        self.iv = Interviews(store, engine)
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

    def pick(self, *labels: str) -> Outcome:
        """Tick options of a multiple-choice question, then press 选好了."""
        for label in labels:
            self.press(label)
        return self.press("选好了")


@pytest.fixture
def drive(bot_engine: RecordingEngine, store: SQLiteStore) -> Driver:
    return Driver(bot_engine, store)


def test_asks_only_needed_facts_and_computes(drive: Driver) -> None:
    drive.send(Start({}, PURCHASE, AS_OF))
    assert "贵单位属于哪类主体" in drive.last.html  # type: ignore[union-attr]
    drive.pick("☐ 企业")
    assert drive.state()["current"] == "registered_tech_purchase_yuan"
    drive.text("一百五十万")
    assert drive.state()["phase"] == REVIEW
    assert "150万元" in drive.last.html  # type: ignore[union-attr]
    out = drive.press("确认")
    html = out.replies[0].html
    assert drive.state()["phase"] == DONE
    assert "30万元" in html and "150万元 × 20%" in html and "威科字〔2018〕58号" in html
    assert "主管部门" in html  # indicative-only line


def test_most_needed_fact_first(drive: Driver) -> None:
    # Every rule: the applicant type gates nearly all of them.
    drive.send(Start({}, None, AS_OF))
    assert drive.state()["current"] == "applicant_types"


def test_ineligible_answer_skips_the_rest_of_its_rule(drive: Driver) -> None:
    drive.send(Start({}, PURCHASE, AS_OF))
    drive.pick("☐ 高等院校")  # not an applicant of the purchase award
    # the amount is not asked: the one answer the answer's rules needed shows the result
    assert drive.state()["phase"] == DONE
    assert "registered_tech_purchase_yuan" not in drive.state()["asked"]
    drive.send(Start({}, None, AS_OF))  # /estimate (every rule): reviewed before the result
    drive.pick("☐ 高等院校")
    assert drive.state()["phase"] in (ASK, REVIEW)


@pytest.mark.parametrize(("text", "value"), [
    ("省里的", "tech_market_award_provincial"),
    ("国家级的", "tech_market_award_national"),
    ("是国家的", "tech_market_award_national"),
])
def test_a_level_typed_alone_picks_the_option_of_that_level(drive: Driver, text: str,
                                                           value: str) -> None:
    """省里的 to "技术转移方面获得了哪些称号或奖励": two options are provincial (示范机构,
    技术市场奖励); the one that opens an award the interview is for is meant."""
    rules = ["d106_tech_market_award_national", "d106_tech_market_award_provincial"]
    drive.send(Start({"applicant_types": ENTERPRISE}, rules, date(2025, 6, 1)))
    assert drive.state()["current"] == "transfer_titles"
    out = drive.text(text)
    assert out.handled and drive.state()["phase"] == DONE
    assert decode(drive.state()["facts"]["transfer_titles"]) in ([value], (value,), {value})
    assert "万元" in out.replies[0].html


def test_a_level_of_no_option_shown_is_asked_again(drive: Driver) -> None:
    drive.send(Start({"applicant_types": ENTERPRISE},
                     ["d106_tech_market_award_national", "d106_tech_market_award_provincial"],
                     date(2025, 6, 1)))
    drive.text("市级的")  # no option names a city level
    assert drive.state()["current"] == "transfer_titles"


def test_bad_number_is_reasked_with_example(drive: Driver) -> None:
    drive.send(Start({"applicant_types": ENTERPRISE}, PURCHASE, AS_OF))
    out = drive.text("很多钱")
    assert drive.state()["current"] == "registered_tech_purchase_yuan"
    assert "没有看懂" in out.replies[0].html and "80万元" in out.replies[0].html
    drive.text("-5")
    drive.text("abc")
    assert "/cancel" in drive.last.html  # type: ignore[union-attr]
    drive.text("50万")
    assert drive.state()["facts"]["registered_tech_purchase_yuan"] == 500_000


def test_back_changes_the_result(drive: Driver) -> None:
    drive.send(Start({"applicant_types": ENTERPRISE}, PURCHASE, AS_OF))
    out = drive.text("一百万")
    # the one answer an amount question needed: the result at once, no review of one line
    assert drive.state()["phase"] == DONE
    assert "20万元" in out.replies[0].html
    drive.press("修改答案")
    assert drive.state()["phase"] == REVIEW
    drive.press("上一步")  # back from review: the last question again
    assert drive.state()["current"] == "registered_tech_purchase_yuan"
    out = drive.text("三百万")
    assert "50万元" in out.replies[0].html  # 60万元 capped at 50万元


def test_several_answers_are_reviewed_before_the_result(drive: Driver) -> None:
    drive.send(Start({}, PURCHASE, AS_OF))
    drive.pick("☐ 企业")
    drive.text("一百万")
    assert drive.state()["phase"] == REVIEW
    out = drive.press("确认")
    assert "20万元" in out.replies[0].html


def test_review_edit_returns_to_review(drive: Driver) -> None:
    drive.send(Start({}, PURCHASE, AS_OF))
    drive.pick("☐ 企业")
    drive.text("一百万")
    drive.press("修改第1")
    assert drive.state()["editing"] is True
    assert drive.state()["current"] == "applicant_types"
    drive.press("上一步")
    assert drive.state()["phase"] == REVIEW
    drive.press("修改第1")
    drive.text("2")  # typed option number: 科技服务机构
    assert drive.state()["phase"] == REVIEW
    assert drive.state()["facts"]["applicant_types"] == ["service_institution"]


def test_typed_label_for_choice(drive: Driver) -> None:
    drive.send(Start({}, RND, AS_OF))
    drive.text("企业")  # the applicant type, typed
    assert drive.state()["current"] == "has_rnd_spending"
    drive.text("否")
    assert drive.state()["phase"] == REVIEW
    assert drive.state()["facts"]["has_rnd_spending"] is False


def test_given_facts_are_listed_and_editable(drive: Driver) -> None:
    drive.send(Start({"registered_tech_purchase_yuan": 2_000_000}, PURCHASE, AS_OF))
    assert drive.state()["current"] == "applicant_types"
    drive.pick("☐ 企业")
    # the one answer needed: the result at once, with the given amount in its computation
    assert "200万元" in drive.last.html  # type: ignore[union-attr]
    assert "40万元" in drive.last.html  # type: ignore[union-attr]
    drive.press("修改答案")  # the answers listed, editable
    assert "200万元" in drive.last.html  # type: ignore[union-attr]
    assert drive.state()["phase"] == REVIEW


def test_stale_button_is_ignored(drive: Driver) -> None:
    drive.send(Start({"applicant_types": ENTERPRISE}, RND, AS_OF))
    old = drive.last
    drive.press("是")
    drive.last = old
    version = drive.store.get(KEY).version
    out = drive.press("否")
    assert out.notice and not out.replies
    assert drive.store.get(KEY).version == version  # nothing written


def test_skip_and_cancel(drive: Driver) -> None:
    drive.send(Start({}, PURCHASE, AS_OF))
    drive.pick("☐ 企业")
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
    drive.send(Start({"applicant_types": ENTERPRISE}, PURCHASE, AS_OF))
    assert drive.text("孵化器有什么奖励政策？").handled is False
    assert drive.state()["current"] == "registered_tech_purchase_yuan"
    assert drive.state().get("invalid", 0) == 0
    drive.text("50万")
    assert drive.state()["facts"]["registered_tech_purchase_yuan"] == 500_000


@pytest.mark.parametrize(("text", "handled"), [
    ("牵头的是山大威海", False),  # who leads: a fact of the question, not an option
    ("前年我们这家企业买过一项技术", False),  # an event of its own year: the conversation's
    ("国家级的，24年评上的", False),  # a year said
    ("省级的", False),  # a level: the conversation changes the question's
    ("这个是哪条规定的", False),  # a question without a question mark
    ("你给我讲个笑话吧", False),  # words, no figure, longer than an answer: a message
    ("不知道", True), ("外星人", True),  # no fact: the question is asked again
])
def test_facts_typed_instead_of_an_option_change_the_question(drive: Driver, text: str,
                                                              handled: bool) -> None:
    """No option, but facts the estimates read: the conversation reads them against the
    question (the interview waits); text with no fact is asked again with the options."""
    drive.send(Start({}, PURCHASE, AS_OF))
    assert drive.state()["current"] == "applicant_types"
    out = drive.text(text)
    assert out.handled is handled
    assert drive.state().get("invalid", 0) == int(handled)
    if handled:
        assert "不是可选项" in out.replies[0].html


@pytest.mark.parametrize(("text", "applicant", "amount"), [
    # the asker's own kind in its words, with the amount the interview asks next
    ("我司是一家制造企业，买技术登记了80万", "enterprise", 800_000),
    ("我们是做技术转移的中介机构", "service_institution", None),
    ("我们是企业", "enterprise", None),
])
def test_a_statement_typed_in_the_owner_s_words_answers_the_question(
        drive: Driver, text: str, applicant: str, amount: int | None) -> None:
    """A typed statement that gives the question's fact in the owner's words (read as a
    question is) answers it; the other facts it states are kept, not asked again."""
    drive.send(Start({}, PURCHASE, AS_OF))
    assert drive.state()["current"] == "applicant_types"
    out = drive.text(text)
    assert out.handled
    facts = drive.state()["facts"]
    assert decode(facts["applicant_types"]) in ([applicant], {applicant}, (applicant,))
    if amount is not None:
        assert facts["registered_tech_purchase_yuan"] == amount
        assert drive.state()["current"] != "registered_tech_purchase_yuan"


@pytest.mark.parametrize("text", ["要是200万呢", "那2020年呢", "如果是高校牵头呢",
                                  "说错了，是300万", "300万可以吗？", "哦说错了 其实是300万",
                                  "不好意思，搞错了，300万"],
                         ids=["yaoshi", "year", "applicant", "correction", "asking",
                              "correction-after-a-particle", "correction-after-an-apology"])
def test_a_follow_up_is_no_answer(drive: Driver, text: str) -> None:
    """Worded as a change to the question, it goes to the conversation, even when it
    holds a value the interview could parse."""
    drive.send(Start({"applicant_types": ENTERPRISE}, PURCHASE, AS_OF))
    assert drive.text(text).handled is False
    assert "registered_tech_purchase_yuan" not in drive.state()["facts"]
    drive.text("200万")  # a bare value still answers
    assert drive.state()["facts"]["registered_tech_purchase_yuan"] == 2_000_000


def test_callback_data_fits(bot_engine: RecordingEngine) -> None:
    from bot.conversation.interview import step

    buttons: list[Any] = []
    state, out = step(bot_engine, None, Start({}, None))  # 11 applicant types
    for row in out.replies[0].buttons:
        buttons += list(row)
    assert all(len(b.data.encode()) < 64 for b in buttons)
    assert state is not None and state.phase == ASK


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


class Counting(RecordingEngine):
    """The real engine, counting its calculations of the questions still needed."""

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        self.calls: list[list[str] | None] = []

    def next_questions(self, facts: dict[str, Any], as_of: Any = None,
                       rule_ids: list[str] | None = None) -> list[Any]:
        self.calls.append(rule_ids)
        return list(self.engine.next_questions(facts, as_of, rule_ids))


def test_fact_needed_by_most_rules_comes_first(hash_engine: Any, store: SQLiteStore) -> None:
    """The purchase award needs the applicant type; three platform awards need the
    platform titles: the calculator lists those first, and the interview asks in its
    order, from one calculation over all the rules (none per rule)."""
    engine = Counting(hash_engine)
    rules = [*PURCHASE, "d107_tech_centre_national", "d107_tech_centre_provincial",
             "d107_intl_coop_national"]
    listed = [s.name for s in engine.next_questions({}, AS_OF, rules)]
    assert listed == ["platform_titles", "applicant_types", "registered_tech_purchase_yuan"]
    drive = Driver(engine, store)
    engine.calls.clear()
    drive.send(Start({}, rules, AS_OF))
    assert drive.state()["current"] == "platform_titles"
    assert engine.calls == [rules]


def test_concurrent_presses_apply_once(bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    """Two replicas handling the same press at once: one wins, the other sees it stale."""
    from concurrent.futures import ThreadPoolExecutor

    drive = Driver(bot_engine, store)
    drive.send(Start({"applicant_types": ENTERPRISE}, RND, AS_OF))
    press = parse_press(drive.last.buttons[0][0].data)  # type: ignore[union-attr]  # 是
    assert press is not None
    replicas = [Interviews(SQLiteStore(store.path), bot_engine) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda iv: iv.handle(KEY, press), replicas))
    assert sorted(bool(o.replies) for o in outcomes) == [False, True]
    assert drive.state()["history"] == ["has_rnd_spending"]
    for iv in replicas:
        iv.store.close()


def test_typed_answer_is_written_into_its_own_question(drive: Driver) -> None:
    drive.send(Start({"applicant_types": ENTERPRISE}, PURCHASE, AS_OF))
    asked = drive.last
    assert asked is not None and asked.tag == f"iv:{drive.state()['seq']}"
    out = drive.text("50万")
    assert out.edit_tag == asked.tag  # that message, not an older question's
    assert out.edit_html is not None and "您的回答：<b>50万元</b>" in out.edit_html
    assert out.edit_html.startswith("<b>问题 1</b>")
    assert drive.state()["phase"] == DONE  # the one answer needed: the result at once
    drive.press("修改答案")
    bad = drive.press("修改第2")  # editing keeps the number
    assert bad.replies[0].html.startswith("<b>问题 ")
    number = bad.replies[0].html.split("</b>")[0]
    again = drive.text("60万")
    assert again.edit_html is not None and again.edit_html.startswith(number)


@pytest.mark.parametrize(
    ("labels", "implied", "holders"),
    [
        (["国家级科技企业孵化器", "星创天地"], {"incubator": ["孵化器", "星创天地"]},
         {"incubator"}),
        (["国家级科技企业孵化器", "升级为国家大学科技园"],
         {"incubator": ["孵化器"], "university": ["大学科技园"]}, {"incubator", "university"}),
        (["国家级科技企业孵化器", "省级技术转移示范机构"], {"incubator": ["孵化器"]}, None),
        (["创新型乡镇"], {"town_gov": ["…镇"]}, None),
    ],
    ids=["all-incubator-titles", "incubator-or-university", "one-anyone-can-hold",
         "suffix-words-are-not-titles"],
)
def test_holders_of_a_fact(labels: list[str], implied: dict[str, list[str]],
                           holders: set[str] | None) -> None:
    from bot.conversation.interview_state import holders as holders_of

    assert holders_of(labels, implied) == holders


def test_enterprise_is_not_asked_incubator_titles(drive: Driver) -> None:
    drive.send(Start({}, None, AS_OF))
    drive.pick("☐ 企业")
    state = drive.state()
    assert "incubation_titles" in state["deduced"]
    for _ in range(30):
        if drive.state()["phase"] == REVIEW:
            break
        assert drive.state()["current"] != "incubation_titles"
        drive.press("跳过")
    assert "未询问：孵化载体认定" in drive.last.html  # type: ignore[union-attr]
    drive.press("修改第1")  # the applicant type again: now an incubator operator too
    drive.pick("☐ 科技企业孵化器")
    assert "incubation_titles" not in drive.state()["deduced"]


@pytest.mark.parametrize("text", ["这笔钱一般几月份下达", "一般什么时候拨付", "这个要交什么材料"])
def test_a_question_typed_for_an_amount_is_no_answer(drive: Driver, text: str) -> None:
    # (一般 is no 1元): a question asked mid-interview is read as a question
    drive.send(Start({"applicant_types": ENTERPRISE}, PURCHASE, AS_OF))
    out = drive.text(text)
    assert not out.handled
    assert drive.state()["phase"] == ASK and "registered_tech_purchase_yuan" not in \
        drive.state()["facts"]
