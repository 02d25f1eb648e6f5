"""Several awards, counts, amounts and years in one question, on the real engine."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow

CASES = [  # (question, total, what the items must show)
    ("我们公司2019年买技术花了300万，2020年又买了200万，合同都登记了，两年一共能拿多少？",
     900000, ["2019年：", "2020年："]),  # the annual cap applies per year
    ("2019年我们促成3项成果转化成交额300万，2020年又促成4项成交额500万，"
     "我们是技术转移服务机构，两年能补多少", 240000, ["2019年：", "2020年："]),
    ("我们是市级孵化器，2022年有6家在孵企业升级为高企，其中2家已经超过3年孵化期，奖多少",
     400000, []),
    ("2020年我们公司买了两项技术，一项合同100万已经登记，另一项50万没登记，能奖多少",
     200000, []),
    ("2019年我们厂签了两份技术合同，一份60万，一份40万，都认定登记了，奖多少", 200000, []),
    ("我们企业牵头的技术创新中心2019年列入市级试点，2021年又认定为省级，一共能拿多少",
     7000000, []),
    ("我们的技术创新中心还没列入市级试点，如果直接认定为省级的能拿多少", 5000000, []),
    ("2020年我们公司买技术花了100万，但合同还没去登记，能奖多少", 0, []),
]


@pytest.mark.parametrize(("question", "total", "labels"), CASES,
                         ids=["years-capped", "years-broker", "count-minus-excluded",
                              "registered-only", "two-contracts", "upgrade-later",
                              "denied-then-if", "denied"])
def test_everything_the_owner_said_adds_up(engine: Any, question: str, total: int,
                                           labels: list[str]) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None
    assert answer.estimate.total_yuan == total
    shown = [i.label for i in answer.estimate.items]
    for label in labels:
        assert any(s.startswith(label) for s in shown)


def test_the_excluded_part_is_said(engine: Any) -> None:
    answer = engine.ask(CASES[2][0])
    assert any("其中2家不符合条件 → 按4家计" in n for n in answer.extraction.notes)
