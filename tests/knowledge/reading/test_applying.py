"""Where and when to apply, as a sentence states it; which office an answer names."""

from __future__ import annotations

import pytest

from knowledge.reading.applying import apply_office, read_applying


@pytest.mark.parametrize(
    ("text", "office", "window"),
    [
        ("符合条件的单位每年5月31日前向所在区市科技局提出申请。", "所在区市科技局",
         "每年5月31日前"),
        ("企业每年3月底前向市科技局申报，经审核后拨付。", "市科技局", "每年3月底前"),
        ("申报单位于2025年6月30日前向威海市科学技术局提交申请材料。", "威海市科学技术局",
         "2025年6月30日前"),
        ("由市科技局受理，按程序拨付。", "市科技局", ""),
        ("对企业购买技术的，按20%给予奖励。", "", ""),
        ("由市科技局会同财政局组织实施。", "", ""),
        ("鼓励企业申请专利。", "", ""),
    ],
    ids=["office-and-window", "month-end", "dated", "office-only", "nothing", "no-applying",
         "an-owner-is-no-office"],
)
def test_read_applying(text: str, office: str, window: str) -> None:
    found = read_applying(text)
    assert (found.office, found.window) == (office, window)
    assert bool(found) is bool(office)


@pytest.mark.parametrize(
    ("declared", "stated", "lead", "units", "expected"),
    [
        ("市科技局", "所在区市科技局", ["市财政局"], [], ("市科技局", "rule")),
        ("", "所在区市科技局", ["市财政局"], [], ("所在区市科技局", "text")),
        ("", "", ["市科技局"], ["财政局", "发改委"], ("市科技局", "lead")),
        ("", "", ["市科技局", "教育局"], ["财政局"], ("", "leads")),
        ("", "", [], ["市科技局"], ("市科技局", "unit")),
        ("", "", [], ["市科技局", "市商务局", "外侨办"], ("", "units")),
        ("", "", [], [], ("威海市科学技术局", "issuer")),
    ],
    ids=["rule-first", "text-before-lead", "the-lead", "several-leads-name-none",
         "the-one-unit", "never-the-first-of-a-list", "issuer-last"],
)
def test_apply_office_ranks_its_sources(declared: str, stated: str, lead: list[str],
                                        units: list[str], expected: tuple[str, str]) -> None:
    assert apply_office(declared, stated, lead, units, "威海市科学技术局") == expected
