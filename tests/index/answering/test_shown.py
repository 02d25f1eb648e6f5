"""What an answer's estimate shows of the conversation and of the reading
(index.answering.shown), on the real engine."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("question", "says"), [
    ("我们是市级孵化器，2022年有6家在孵企业升级为高企，其中2家已经超过3年孵化期，奖多少",
     "您说有6家，其中2家已经超过3年孵化期 → 按4家计"),
    ("2019年我们孵化器里有3家在孵企业升了高企，孵化器能拿多少", "按“我们孵化器”推定为"),
    ("2019年买了个小技术，三万五，合同登记了，能奖多少",
     "按技术合同已经技术合同登记机构认定登记计算"),
], ids=["excluded-part", "implied-level", "registration-assumed"])
def test_how_each_figure_was_read_is_said(engine: Any, question: str, says: str) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None
    assert any(says in w for w in answer.estimate.warnings)


@pytest.mark.parametrize(("question", "preamble"), [
    # a place the reader placed (a part of a count, the applicant, a recipient), or the
    # other party's: the estimate stands without the other-city preamble
    ("我们是技术转移服务机构，2020年促成了3项高校成果转化，2项在威海，1项在烟台，"
     "合同额加起来五百万，能补多少", False),
    ("2020年我们从烟台的大学买了技术，登记了两百万，能有多少奖励", False),
    ("我们是烟台的公司，2020年买了技术，登记了两百万，能有多少奖励", False),
    ("我们集团4家子公司 今年有3家认定了技术先进型服务企业 其中1家是注册在烟台的 另外1家没通过 "
     "一共能拿多少奖励", False),
    # asked of another city: said
    ("烟台的孵化器能拿多少奖励", True),
])
def test_the_other_city_preamble_only_for_a_place_unread(engine: Any, question: str,
                                                          preamble: bool) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None
    said = answer.unanswered is not None and answer.unanswered.asked == "other_city"
    assert said is preamble
