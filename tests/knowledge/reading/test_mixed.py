"""A condition some parts of a message meet and others do not (polarity per part)."""

from __future__ import annotations

import pytest

from knowledge.money import scan_money
from knowledge.reading.mixed import (
    affirmed_apart,
    by_name,
    by_position,
    less_undone,
    out_by_position,
)

REGISTERED = r"登记|认定登记|备案"
LIST = "2020年一共签了5份技术合同，分别是30万、45万、25万、20万和15万，"


@pytest.mark.parametrize(("tail", "kept"), [
    ("其中前三份去登记了，后面两份没登记", [300_000, 450_000, 250_000]),
    ("最后两个没登记", [300_000, 450_000, 250_000]),
    ("前两份没有登记，后三份登记了", [250_000, 200_000, 150_000]),
    # the positions do not settle every amount: not read
    ("前三份登记了", None),
    # no position named: not read
    ("其中有两份没登记", None),
    # more than the list holds: not read
    ("前六份登记了", None),
], ids=["first-three-last-two", "last-two-denied", "first-two-denied", "unsettled",
        "no-position", "beyond-the-list"])
def test_parts_of_a_list_by_position(tail: str, kept: list[int] | None) -> None:
    text = LIST + tail
    found = by_position(text, scan_money(text), REGISTERED)
    assert (None if found is None else [m.yuan for m in found]) == kept


@pytest.mark.parametrize(("text", "kept"), [
    ("4份合同：甲60万、乙40万、丙80万、丁30万，其中丙没去做认定登记，其他三份都登记了",
     [600_000, 400_000, 300_000]),
    ("A合同100万，B合同50万，B没登记，A登记了", [1_000_000]),
    # a name not settled: not read
    ("甲60万、乙40万、丙80万，其中丙没登记", None),
    # amounts not named: not read
    ("60万、40万，其中一份没登记", None),
])
def test_parts_of_a_list_by_name(text: str, kept: list[int] | None) -> None:
    found = by_name(text, scan_money(text), REGISTERED)
    assert (None if found is None else [m.yuan for m in found]) == kept


@pytest.mark.parametrize(("text", "apart"), [
    ("技术开发30万 专利购买45万 这两个都认定登记了 还有一个80万没法做技术合同登记", True),
    ("其中3项登记了，2项没登记", True),
    ("两项登记了一项没登记", True),  # two parts in one clause
    ("合同已登记，另外一份没登记", True),
    # affirmed, then undone whole: no part named
    ("当时也做了登记，后来合同解除了，登记也撤销了", False),
    ("合同没登记", False),  # denied only
    ("合同要登记吗", False),  # asked
    ("如果登记了能拿多少", False),  # supposed
    ("合同还在登记", False),  # under way
], ids=["affirmed-beside-a-denial", "parts", "parts-in-one-clause", "already", "undone-whole",
        "denied", "asked", "supposed", "under-way"])
def test_a_condition_affirmed_apart(text: str, apart: bool) -> None:
    assert affirmed_apart(text, REGISTERED) is apart


@pytest.mark.parametrize(("tail", "kept"), [
    ("后两份的买方在青岛", [300_000, 450_000, 250_000]),
    ("最后一份后来黄了", [300_000, 450_000, 250_000, 200_000]),
    ("前两份撤回了", [250_000, 200_000, 150_000]),
    # a position said of nothing put out, or the whole list: nothing is taken out
    ("前两份是上半年签的", [300_000, 450_000, 250_000, 200_000, 150_000]),
    ("前五份都撤回了", [300_000, 450_000, 250_000, 200_000, 150_000]),
], ids=["last-two-elsewhere", "last-fell-through", "first-two-withdrawn", "no-outcome",
        "the-whole-list"])
def test_parts_of_a_list_put_out_by_position(tail: str, kept: list[int]) -> None:
    text = LIST + tail
    notes: list[str] = []
    found = out_by_position(text, scan_money(text), ("青岛", "外省"), notes)
    assert [m.yuan for m in found] == kept
    assert bool(notes) is (len(kept) < 5)


@pytest.mark.parametrize(("text", "left"), [
    ("登记过的合同一共250万，不过后来有一份50万的登记被撤销了", 2_000_000),
    ("成交额一共300万，其中80万那项后来双方撤回了", 2_200_000),
    # no part fell through
    ("登记过的合同一共250万，其中一份50万", None),
])
def test_a_total_less_its_parts_that_fell_through(text: str, left: int | None) -> None:
    found = scan_money(text)
    segs = [(m, text[m.start:]) for m in found]
    notes: list[str] = []
    assert less_undone(segs, found[0], notes) == left
    assert bool(notes) is (left is not None)


@pytest.mark.parametrize(("text", "left"), [
    ("签了3份技术合同，总额150万，其中一份40万的当时没去做认定登记，其余两份都登记了", 1_100_000),
    ("签了3份技术合同，总额150万，其中40万的那份没登记", 1_100_000),
    # every part meets it; a part beside the total, not in it
    ("签了3份技术合同，总额150万，其中40万的那份也登记了", None),
    ("3项合同登记了，一共260万，还有2项没登记，一共90万", None),
])
def test_a_total_less_its_parts_that_miss_the_condition(text: str, left: int | None) -> None:
    found = scan_money(text)
    segs = [(m, text[text.rfind("，", 0, m.start) + 1:]) for m in found]  # (its clause on)
    notes: list[str] = []
    assert less_undone(segs, found[0], notes, (text, "登记"), "未登记") == left
    assert any("未登记" in n for n in notes) is (left is not None)


def test_every_amount_accounted_for() -> None:
    from knowledge.reading.mixed import each_accounted

    text = "从哈工大买专利70万，登记了；另外签了个30万的技术开发合同，没去登记。"
    left_out = ["未计入：“30万”（问题中说明该笔技术合同未经登记）"]
    assert each_accounted(text, scan_money(text), REGISTERED, left_out)
    # an amount said neither registered nor left out: not accounted for
    text = "从哈工大买专利70万，登记了；还有一笔30万是口头说好的，没签合同；另外50万没登记"
    assert not each_accounted(text, scan_money(text), REGISTERED,
                              ["未计入：“50万”（问题中说明该笔技术合同未经登记）"])
