"""A message read against the conversation before anything else (index.answering.understand)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from index.answering.understand import understand
from knowledge.reading.frame import Previous

TODAY = date(2026, 12, 6)
FIRST = ("我们集团2019年牵头建了个市级技术创新中心，2021年旗下孵化器被认定为国家级科技企业孵化器，"
         "这两项市里加一起给多少")


def _read(engine: Any, text: str, previous: Previous | None) -> Any:
    snap = engine.snapshot
    return understand(snap.kb, snap.rules, snap.talk, text, previous, TODAY, snap.names)


def test_a_title_taken_back_is_a_correction_of_the_question(hash_engine: Any) -> None:
    previous = Previous(FIRST, asked="amount", topics=("tech_centre", "incubator"))
    said = "等下，孵化器国家级那个其实没批下来，只批了个山东省品牌孵化器，省里拨了50万"
    u = _read(hash_engine, said, previous)
    assert u.frame.follow_up and u.frame.refs == ("correction",)
    assert "被认定为国家级科技企业孵化器" not in u.text and "市级技术创新中心" in u.text
    assert u.extraction is not None
    assert u.extraction.facts["incubation_titles"] == frozenset({"brand_incubator_sd"})


@pytest.mark.parametrize("text", ["国家级的没评上", "孵化器有什么支持政策"])
def test_nothing_taken_back_reads_as_before(hash_engine: Any, text: str) -> None:
    previous = Previous("我们是省级孵化器，有3家在孵企业升了高企，能拿多少", asked="amount",
                        topics=("incubator",))
    assert _read(hash_engine, text, previous).frame.refs != ("correction",)


def test_a_supposed_figure_is_read_in_place_of_the_one_said(hash_engine: Any) -> None:
    u = _read(hash_engine, "我们是技术转移服务机构，2020年促成了4项成果在市内转化，成交额180万，"
              "说没到门槛，要是当时做到260万，能补多少", None)
    assert u.frame.hypothetical and "260万" in u.text and "180万" not in u.text
    assert u.extraction is not None
    assert u.extraction.facts["tt_contract_turnover_yuan"] == 2_600_000
