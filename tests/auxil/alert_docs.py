"""Policy documents staff might add, for the policy-alert tests and the bench.

``MATCHING`` grants money for buying technology (topic ``tech_purchase``: it fits an owner
who asked "企业购买技术成果能补贴多少？"); ``UNRELATED`` grants money to clinical research
centres (a topic no such owner asked about).  Neither is encoded as a rule: they reach
subscribers as ``not_encoded`` clauses.
"""

from __future__ import annotations

from pathlib import Path

MATCHING = """---
doc_number: 威科字〔2026〕9号
title: 威海市科学技术局关于支持企业购买技术成果的通知
issuer: 威海市科学技术局
issued: 2026-01-05
effective_from: 2026-01-05
effective_until: null
source: 测试
status: 现行有效
---

威海市科学技术局关于支持企业购买技术成果的通知

一、支持企业购买技术成果

企业购买技术成果并在我市转化的，按技术合同成交额的10%给予补助，每家企业每年最高补助100万元。
"""

UNRELATED = """---
doc_number: 威科字〔2026〕10号
title: 威海市科学技术局关于支持临床医学研究中心建设的通知
issuer: 威海市科学技术局
issued: 2026-01-06
effective_from: 2026-01-06
effective_until: null
source: 测试
status: 现行有效
---

威海市科学技术局关于支持临床医学研究中心建设的通知

一、支持临床医学研究中心建设

新认定的市级临床医学研究中心，一次性给予30万元奖励。
"""


def add(knowledge: Path, name: str, text: str) -> Path:
    path = knowledge / "policies" / name
    path.write_text(text, encoding="utf-8")
    return path
