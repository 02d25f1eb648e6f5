"""Query expansion from the vocabulary (index.expansion) and its effect on retrieval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from index.artifacts import load_index
from index.build import build_index
from index.expansion import (
    ALIASES_FILE,
    Alias,
    QueryExpander,
    knowledge_expander,
    parse_aliases,
)
from index.lexical import LexicalQuery
from index.retriever import Retriever
from knowledge.errors import VocabularyError

REPO = Path(__file__).resolve().parents[2]
TOPICS = {"platform": ("重点实验室", "企业技术中心", "创新平台")}


def expander(*aliases: Alias) -> QueryExpander:
    return QueryExpander(aliases)


MONEY = Alias(("返点钱", "返…钱"), ("补助", "奖励"))
LAB = Alias(("研发部", "厂里…研发"), ("企业技术中心",))


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("政府能返点钱吗", ("补助", "奖励")),
        ("政府能返一点钱吗", ("补助", "奖励")),  # … stands for a short gap
        ("返，钱", ()),  # never across punctuation
        ("厂里的研发中心有补助吗", ("企业技术中心",)),
        ("厂里的研发中心能返点钱吗", ("补助", "奖励", "企业技术中心")),
        ("孵化器奖励多少", ()),  # policy wording: nothing added
    ],
    ids=["phrase", "gap", "no-gap-across-punctuation", "gapped-phrase", "two-aliases",
         "policy-wording"],
)
def test_expand_adds_the_policy_wording(question: str, terms: tuple[str, ...]) -> None:
    result = expander(MONEY, LAB).expand(question)
    assert result.terms == terms
    assert bool(result) is bool(terms)
    if terms:
        assert "补助" in result.tokens or "企业技术中心" in result.tokens


def test_matched_colloquial_tokens_are_vouched_for() -> None:
    result = expander(MONEY).expand("政府能返点钱吗")
    assert result.vouched is not None
    assert any("补助" in terms for terms in result.vouched.values())


def test_lexical_query_gains_the_tokens_and_counts_the_colloquial_word() -> None:
    result = expander(MONEY).expand("返点钱")
    base = LexicalQuery.from_text("返点钱")
    query = base.with_aliases(result.tokens, result.vouched, result.terms)
    assert set(result.tokens) <= set(query.tokens) | set(query.expansions)
    assert query.alias_terms == ("补助", "奖励")
    assert all("补助" in query.synonyms(t) for t, _ in query.vouched)


def test_parse_aliases_terms_and_topics(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(
        "aliases:\n"
        "  - terms: [补助]\n    phrases: [返钱]\n"
        "  - topic: platform\n    phrases: [科研平台]\n",
        encoding="utf-8",
    )
    first, second = parse_aliases(path, TOPICS)
    assert first.terms == ("补助",) and first.line == 2
    assert second.terms == TOPICS["platform"] and second.phrases == ("科研平台",)


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("aliases:\n  - phrases: [返钱]\n", 2, "terms 或 topic"),
        ("aliases:\n  - terms: [补助]\n    topic: platform\n    phrases: [返钱]\n", 2,
         "terms 或 topic"),
        ("aliases:\n  - topic: nowhere\n    phrases: [返钱]\n", 2, "nowhere"),
        ("aliases:\n  - terms: []\n    phrases: [返钱]\n", 2, "terms"),
        ("aliases:\n  - terms: [补助]\n    phrases: [返钱]\n    weight: 2\n", 2, "weight"),
        ("other: 1\n", 1, "aliases"),
    ],
    ids=["neither", "both", "unknown-topic", "empty-terms", "unknown-key", "wrong-root"],
)
def test_parse_aliases_errors_name_the_line(
    tmp_path: Path, body: str, line: int, words: str
) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(VocabularyError) as err:
        parse_aliases(path, TOPICS)
    assert err.value.line == line and words in err.value.message


def test_a_folder_without_aliases_adds_nothing(tmp_path: Path) -> None:
    assert len(knowledge_expander(tmp_path)) == 0
    assert not knowledge_expander(tmp_path).expand("政府能返点钱吗")


def test_the_repository_aliases_load() -> None:
    shipped = knowledge_expander(REPO / "knowledge")
    assert len(shipped) >= 10
    assert (REPO / "knowledge" / ALIASES_FILE).is_file()
    assert "创新平台" in shipped.expand("搞科研的平台有什么支持").terms


@pytest.fixture(scope="module")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from index.embedders import HashingEmbedder
    from knowledge.sources.base import load_knowledge

    embedder = HashingEmbedder()
    data = tmp_path_factory.mktemp("expansion-index")
    build_index(load_knowledge(REPO / "knowledge"), data, embedder, progress=False)
    index = load_index(data, embedder)
    assert index is not None
    return index, embedder


@pytest.mark.parametrize(
    ("question", "doc_number", "fragment"),
    [
        ("厂里的研发部被评上了，政府能返点钱吗？", "威政办字〔2018〕106号", "行业（企业）技术中心"),
        ("帮企业和大学牵线卖技术的中间商有好处吗？", "威科字〔2018〕58号", "技术转移服务机构"),
    ],
    ids=["rnd-department", "go-between"],
)
def test_expansion_brings_the_clause_up(
    real_index: Any, question: str, doc_number: str, fragment: str
) -> None:
    """BM25 alone: with the aliases the clause naming the policy wording ranks higher."""
    index, embedder = real_index
    plain = Retriever(index, embedder, expander=QueryExpander())
    expanded = Retriever(index, embedder, expander=knowledge_expander(REPO / "knowledge"))

    def rank(r: Retriever) -> int | None:
        hits = r.search(question, top_k=10, mode="bm25")
        for i, h in enumerate(hits, 1):
            if h.clause.doc_number == doc_number and fragment in h.clause.text:
                return i
        return None

    with_aliases = rank(expanded)
    without = rank(plain)
    assert with_aliases is not None and with_aliases <= 3
    assert without is None or with_aliases < without
