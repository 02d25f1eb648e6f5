"""Homophone typos of domain terms are repaired by pinyin; correct text is left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.reading.normalize import normalize_question
from knowledge.reading.typos import build_term_map, domain_terms, repair_typos

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"


@pytest.mark.parametrize(("raw", "expected"), [
    ("高新技书企业认定奖励多少", "高新技术企业认定奖励多少"),
    ("孵华器有什么补助", "孵化器有什么补助"),
    ("重创空间备案有钱吗", "众创空间备案有钱吗"),
    ("國家級科技企業浮化器", "国家级科技企业孵化器"),
    ("孵化期内毕业的企业", "孵化期内毕业的企业"),
    # a long term with its head alone misspelt is the term
    ("市级技术创新中新补助多少", "市级技术创新中心补助多少"),
    ("市级重点实验是，市里补多少", "市级重点实验室，市里补多少"),
    ("覆盖科技创新全链条", "覆盖科技创新全链条"),
    ("海关清关", "海关清关"),
], ids=["hitech-shu", "incubator-hua", "makerspace-zhong", "traditional-then-typo",
        "head-differs-qi", "long-head-xin", "long-head-shi", "head-differs-quan", "no-term"])
def test_typos_are_repaired(raw: str, expected: str) -> None:
    assert normalize_question(raw) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("星闯天地", "星创天地"),
    ("星创天地", "星创天地"),
    ("兴创天地", "星创天地"),
    ("星创天弟", "星创天弟"),  # the head character differs
    ("兴闯添地", "兴闯添地"),  # most characters differ: not a typo
], ids=["middle-char", "right", "first-char", "head-differs", "too-far"])
def test_repair_with_an_explicit_term_map(text: str, expected: str) -> None:
    assert repair_typos(text, build_term_map(["星创天地"])) == expected


def test_terms_are_the_vocabularys_then_the_extra_words() -> None:
    """The engine passes the index's policy dictionary as ``extra`` (a snapshot's map)."""
    terms = domain_terms(extra=["科技成果转移转化", "孵化器", "研发", "ABC公司"])
    assert {"孵化器", "众创空间", "高新技术企业"} <= set(terms)
    assert terms[-1] == "科技成果转移转化" and terms.count("孵化器") == 1
    assert all(len(t) >= 3 for t in terms) and "ABC公司" not in terms


def _questions() -> list[str]:
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "question" and isinstance(value, str):
                    out.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for name in ("questions.yaml", "estimates.yaml"):
        walk(yaml.safe_load((KNOWLEDGE / "cases" / name).read_text(encoding="utf-8")))
    return out


def test_identity_on_every_canned_question() -> None:
    questions = _questions()
    assert len(questions) >= 315
    changed = [q for q in questions if repair_typos(q) != q]
    assert changed == []


@pytest.mark.parametrize("path", sorted(KNOWLEDGE.glob("policies/*.md")), ids=lambda p: p.name)
def test_identity_on_seed_policies(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        assert repair_typos(line) == line
