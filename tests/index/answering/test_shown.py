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
