"""Edits of a copied knowledge folder shared by tests that stage hypothetical histories."""

from __future__ import annotations

import re
from pathlib import Path

POLICY_107 = "weizhengbanzi-2018-107.md"


def unrepeal_107(kdir: Path) -> None:
    """Drop 107号's recorded repeal (2023-04-07) from a copy.

    For tests that stage another history after 2023 for 107号 (a successor that
    supersedes it, a newer clause that conflicts with it): there 107号 has to stand.
    """
    path = kdir / "policies" / POLICY_107
    text = path.read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^(status: 已废止|repealed_on: .*|repeal_source: .*)\n", "", text)
    assert n == 3, "107号's front matter no longer records its repeal as expected"
    path.write_text(text, encoding="utf-8")


def confirm(path: Path, day: str) -> None:
    """Record that staff confirmed with the issuer that the document is in force on ``day``."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n", f"\nconfirmed_in_force_on: {day}\n---\n", 1),
                    encoding="utf-8")


# A document no rule encodes (a money clause without a rule), valid 2026-02-01..2028-01-31:
# the tests of award sentences read once and of validity that claims only what it knows.
MARINE_DOC = """---
doc_number: 威科发〔2026〕3号
title: 威海市科学技术局关于支持海洋牧场科技创新的若干措施
issuer: 威海市科学技术局
issued: 2026-02-01
effective_from: 2026-02-01
effective_until: 2028-01-31
source: 测试
---
一、支持海洋牧场科技创新中心建设
对新认定的市级海洋牧场科技创新中心，给予一次性补助80万元。
二、加强组织保障
各区市要加强组织领导，抓好政策落实。
"""
