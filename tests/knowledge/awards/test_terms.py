"""The terms of an award no rule encodes, as its sentence states them."""

from __future__ import annotations

import pytest

from knowledge.awards.terms import award_terms


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("对年销售收入500万元以上的企业，按研发投入的2%给予补助，最高40万元。",
         "研发投入的2%，最高40万元（500万元以上）"),
        ("对新认定的市级海洋牧场科技创新中心，给予一次性补助80万元。", "80万元"),
        ("对认定的平台给予最高200万元支持。", "最高200万元"),
        ("按实际技术交易额的20%给予奖励，每家企业每年奖励金额最高为50万元。",
         "技术交易额的20%，最高50万元"),
        ("对认定为国家级、省级技术创新中心的，市级分别给予1000万元、500万元支持。", ""),
        ("企业购买技术成果的，按技术合同成交额的10%给予补助，每家企业每年最高补助100万元。",
         "技术合同成交额的10%，最高100万元"),
        ("鼓励企业加大研发投入。", ""),
    ],
    ids=["rate-base-threshold-cap", "fixed", "a-cap-is-not-the-amount", "rate-with-cap",
         "several-awards-left-to-the-caller", "cap-after-a-word", "no-award"],
)
def test_award_terms(sentence: str, text: str) -> None:
    assert award_terms(sentence).text() == text
