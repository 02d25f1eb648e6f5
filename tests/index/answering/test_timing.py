"""What a clause says about when to apply (index.answering.timing): quoted, never made up."""

from __future__ import annotations

import pytest

from index.answering.timing import clause_timing


@pytest.mark.parametrize(("clause", "stated", "annual"), [
    ("市科技局每年3月底前组织申报。对认定的给予10万元奖励。", ["市科技局每年3月底前组织申报"], []),
    ("申报截止时间为当年10月31日，逾期不予受理。",
     ["申报截止时间为当年10月31日，逾期不予受理"], []),
    ("奖励资金每年组织评审一次。", ["奖励资金每年组织评审一次"], []),
    ("按年实际技术交易额的20%给予奖励，每家企业每年奖励金额最高为50万元。", [],
     ["每家企业每年奖励金额最高为50万元"]),
    ("本行动计划自2018年11月11日起施行，有效期至2021年11月10日。", [], []),
    ("对列入市级试点技术创新中心的，给予200万元资金补助。", [], []),
], ids=["month-deadline", "cutoff", "annual-round", "annual-cap-only", "document-dates",
        "nothing"])
def test_clause_timing_quotes_only_what_the_clause_says(clause: str, stated: list[str],
                                                        annual: list[str]) -> None:
    timing = clause_timing(clause)
    assert list(timing.stated) == stated and list(timing.annual) == annual
    assert timing.to_json() == {"stated": stated, "annual": annual}
