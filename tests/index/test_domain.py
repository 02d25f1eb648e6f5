"""Domain coverage (index.domain) and its use in the match decision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from index.domain import (
    KNOWLEDGE_FILE,
    DomainTermsError,
    domain_coverage,
    knowledge_domain_terms,
    load_domain_terms,
    parse_domain_terms,
)
from index.retriever import Calibration, Hit, is_match
from knowledge.errors import KnowledgeError

REPO = Path(__file__).resolve().parents[2]
IDF = {"孵化器": 3.0, "科技": 1.0, "企业": 0.5, "补贴": 1.5, "技术创新中心": 2.5, "技术": 1.0}


def expansions(token: str) -> list[str]:
    return {"孵化": ["孵化器"]}.get(token, [])


def coverage(text: str, tokens: list[str]) -> float:
    return domain_coverage(text, tokens, IDF, 5.0, expansions)


def test_the_shipped_lists_load() -> None:
    terms = load_domain_terms()
    assert "补贴" in terms.generic and "申请" in terms.generic
    assert "社保" in terms.out_of_domain and "签证" in terms.out_of_domain


def test_out_of_domain_markers_never_occur_in_the_policies() -> None:
    """A marker found in a policy would reject questions the policies answer."""
    policies = REPO / "knowledge" / "policies"
    text = "".join(p.read_text("utf-8") for p in sorted(policies.glob("*.md"))).lower()
    assert not [m for m in load_domain_terms().out_of_domain if m in text]


def test_parse_rejects_words_outside_a_section() -> None:
    with pytest.raises(DomainTermsError) as err:
        parse_domain_terms("# c\n补贴\n[generic]\n")
    assert err.value.line == 2
    with pytest.raises(DomainTermsError) as err:
        parse_domain_terms("[generic]\n补贴\n\n[nonsense]\n补贴\n")
    assert err.value.line == 4 and "out_of_domain" in err.value.message
    terms = parse_domain_terms("# c\n[generic]\n补贴 申请  # money\n[out_of_domain]\n社保\n")
    assert terms.generic == {"补贴", "申请"} and terms.out_of_domain == ("社保",)


def test_generic_words_are_no_domain_evidence() -> None:
    assert coverage("孵化器补贴", ["孵化器", "补贴"]) == 1.0
    assert coverage("补贴怎么申请", ["补贴", "申请"]) == 0.0  # nothing but generic words
    # an unknown subject word weighs the largest IDF: little coverage left
    assert coverage("稳岗补贴", ["稳岗", "补贴"]) == 0.0
    assert 0.0 < coverage("科技稳岗补贴", ["科技", "稳岗", "补贴"]) < 0.2


def test_markers_and_synonyms() -> None:
    assert coverage("社保补贴企业", ["社保", "补贴", "企业"]) == 0.0
    assert coverage("孵化奖励", ["孵化", "奖励"]) == 1.0  # known through its synonym


def test_core_words_overrule_markers() -> None:
    """An owner naming his industry (停车, 汽车 …) in an R&D question is still heard."""
    tokens = ["停车", "科技", "企业", "孵化器", "补贴"]
    # measured like any question: the unknown 停车 weighs against, the rest for
    assert 0.0 < coverage("停车科技企业孵化器补贴", tokens) < 1.0
    assert coverage("停车企业补贴", ["停车", "企业", "补贴"]) == 0.0  # no core word


def test_core_section_parses() -> None:
    terms = parse_domain_terms("[out_of_domain]\n社保\n[core]\n研发 R&D\n")
    assert terms.core == ("研发", "r&d") and terms.out_of_domain == ("社保",)
    shipped = load_domain_terms()
    assert "研发" in shipped.core and "科技" in shipped.core
    # a core word must not itself hold a marker, or it would overrule itself
    assert not [(c, m) for c in shipped.core for m in shipped.out_of_domain if m in c]


def test_unknown_long_word_counts_through_its_inner_words() -> None:
    # jieba emits the inner dictionary words after a long token (index.tokenize)
    assert coverage("市级技术创新中心", ["市级技术创新中心", "技术创新中心", "技术"]) == 1.0


def test_is_match_needs_domain_coverage(kb: Any) -> None:
    clause = kb.clauses[0]
    cal = Calibration(dense_weight=0.1, threshold=0.3, match_weight=0.5, domain_threshold=0.2)
    strong = Hit(clause, 0.9, 0.6, 0.9, domain=0.8)
    assert is_match([strong], cal)
    assert not is_match([Hit(clause, 0.9, 0.6, 0.9, domain=0.1)], cal)
    assert not is_match([], cal)
    assert is_match([Hit(clause, 0.9, 0.6, 0.9)], cal)  # default domain 1.0 (old callers)


def test_knowledge_folder_extends_the_shipped_lists(tmp_path: Path) -> None:
    shipped = load_domain_terms()
    assert knowledge_domain_terms(tmp_path) == shipped  # no file: the shipped lists
    path = tmp_path / KNOWLEDGE_FILE
    path.parent.mkdir(parents=True)
    path.write_text("[out_of_domain]\n年金 # 人社\n[core]\n中试\n", encoding="utf-8")
    terms = knowledge_domain_terms(tmp_path)
    assert terms.out_of_domain[-1] == "年金" and set(shipped.out_of_domain) < set(
        terms.out_of_domain
    )
    assert "中试" in terms.core and terms.generic == shipped.generic
    tokens = ["技术", "工人", "年金", "补贴"]
    assert coverage_with(shipped, "技术工人年金补贴", tokens) > 0.0
    assert coverage_with(terms, "技术工人年金补贴", tokens) == 0.0


def test_broken_knowledge_vocabulary_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / KNOWLEDGE_FILE
    path.parent.mkdir(parents=True)
    path.write_text("[out_of_domain]\n高龄\n[outofdomain]\n养老\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        knowledge_domain_terms(tmp_path)
    assert err.value.line == 3 and str(err.value).startswith(f"{path}:3:")


def test_the_repository_vocabulary_file_parses() -> None:
    terms = knowledge_domain_terms(REPO / "knowledge")
    assert set(load_domain_terms().out_of_domain) <= set(terms.out_of_domain)


def coverage_with(terms: Any, text: str, tokens: list[str]) -> float:
    return domain_coverage(text, tokens, IDF, 5.0, expansions, terms)
