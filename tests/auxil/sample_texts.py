"""Policy texts shared by the parsing and cleaning tests: the seed extracts and a small
article-numbered document."""

from __future__ import annotations

from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "fixtures"  # the seeds, as shipped
FILES = {
    "107": "000_18f4e936e940e5f3.txt",
    "32": "001_eff6465ac9f855be.txt",
    "106pdf": "002_0bc234bbef1fbde9.txt",
    "106web": "003_7f75836a4e4ff56d.txt",
    "58": "004_21c7d146ecf1b2a0.txt",
}


def seed_text(key: str) -> str:
    """The raw text of one seed extract (keys of ``FILES``)."""
    return (SEEDS / FILES[key]).read_text(encoding="utf-8")


# A document numbered by articles (第X条) with chapters, sub-items and a sentence that
# wraps onto a line starting with "第五条" (a cross-reference, not a heading).
ARTICLES = """威海市科技计划管理办法

第一章　总则

第一条　为规范科技计划管理，根据有关规定，
制定本办法。
第二条　本办法适用于：
（一）科技项目；
（二）平台建设。
第二章　支持方式
第三条　对认定的平台给予 50 万元奖励。依照本办法
第五条规定执行。
第四条　本办法自 2020 年 1 月 1 日起施行。
"""
