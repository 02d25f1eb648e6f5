"""The interview's state record: the JSON kept in the store, read by every release."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from recording import RecordingEngine

from bot.conversation.interview import Interviews, Text
from bot.conversation.interview_state import Asked, InterviewState
from bot.conversation.store import SQLiteStore

# A record as the previous release wrote it (a dict state): no "previous", "total" or
# "deduced_labels" yet, asked the purchase amount after the applicant type.
OLD_RECORD: dict[str, Any] = {
    "channel": "telegram", "phase": "ask", "seq": 2,
    "facts": {"applicant_types": ["enterprise"]}, "given": [], "history": ["applicant_types"],
    "asked": {
        "applicant_types": {
            "name": "applicant_types", "kind": "multi", "question": "贵单位属于哪类主体？",
            "label": "申报主体类型", "unit": "", "example": "",
            "choices": [["enterprise", "企业"], ["university", "高等院校"]], "implied": {}},
        "registered_tech_purchase_yuan": {
            "name": "registered_tech_purchase_yuan", "kind": "money",
            "question": "购买技术成果的登记成交额是多少？", "label": "登记成交额", "unit": "",
            "example": "例如：80万元", "choices": [], "implied": {}},
    },
    "skipped": [], "deduced": [], "current": "registered_tech_purchase_yuan",
    "editing": False, "multi": [], "invalid": 0, "rule_ids": ["d58_tech_purchase"],
    "as_of": "2020-06-01",
}


def test_a_record_reads_back_as_it_was_written() -> None:
    state = InterviewState.new({"registered_tech_purchase_yuan": Decimal("1.5E+6")},
                               ["d58_tech_purchase"], date(2020, 6, 1))
    state.asked["x"] = Asked(name="x", kind="choice", question="？", label="X",
                             choices=((True, "是"), (False, "否")),
                             implied={"incubator": ("孵化器",)})
    assert InterviewState.from_data(state.to_data()) == state
    assert state.to_data()["facts"] == {"registered_tech_purchase_yuan": {"$dec": "1.5E+6"}}


def test_an_older_record_is_continued(bot_engine: RecordingEngine, store: SQLiteStore) -> None:
    """Written by the previous release (a restart or a rolling deploy in the middle)."""
    store.put("iv:1:1", OLD_RECORD, 0)
    interviews = Interviews(store, bot_engine)
    out = interviews.handle("iv:1:1", Text("150万"))
    assert out.edit_html is not None and "150万元" in out.edit_html
    data = store.get("iv:1:1").data
    assert data is not None and data["phase"] == "review"
    assert data["facts"]["registered_tech_purchase_yuan"] == 1_500_000
    # every key the previous release reads is still written
    assert set(OLD_RECORD) <= set(data)


def test_copy_leaves_the_original_alone() -> None:
    state = InterviewState.from_data(OLD_RECORD)
    work = state.copy()
    work.facts["x"] = 1
    work.history.append("x")
    work.multi.append(0)
    assert "x" not in state.facts and state.history == ["applicant_types"] and not state.multi
