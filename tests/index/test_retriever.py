"""Retriever: fusion, one hit per clause, garbage input, match decision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.artifacts import load_index
from index.build import build_index
from index.gate import calibration_for
from index.retriever import (
    CALIBRATIONS,
    MAX_QUERY_CHARS,
    Calibration,
    Hit,
    Retriever,
    clean_query,
    is_match,
)
from knowledge.errors import IndexError_

REPO = Path(__file__).resolve().parents[2]


def _retriever(kb: Any, embedder: Any, data: Path) -> Retriever:
    build_index(kb, data, embedder, progress=False)
    idx = load_index(data, embedder)
    assert idx is not None
    return Retriever(idx, embedder)


@pytest.fixture
def retriever(kb: Any, fake: Any, tmp_path: Path) -> Retriever:
    return _retriever(kb, fake, tmp_path)


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_one_hit_per_clause_best_first(retriever: Retriever, mode: Any) -> None:
    hits = retriever.search("科技企业孵化器 众创空间 在孵企业 奖励", top_k=10, mode=mode)
    ids = [h.clause.clause_id for h in hits]
    assert len(ids) == len(set(ids))
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len(hits) <= 7  # seven clauses, eight chunks


def test_lexical_finds_the_incubator_clause(retriever: Retriever) -> None:
    hits = retriever.search("孵化器补贴多少钱", top_k=3, mode="bm25")
    assert hits[0].clause.path == "二、（四）2."
    assert 0 < hits[0].lexical <= 1
    hybrid = retriever.search("国家级科技企业孵化器奖励", top_k=3)
    assert hybrid[0].clause.path == "二、（四）2."
    assert hybrid[0].clause.doc.title.startswith("威海市人民政府办公室")
    assert hybrid[0].clause.responsible.lead == ("市科技局",)


def test_hit_scores_follow_the_mode(retriever: Retriever) -> None:
    w = retriever.calibration.dense_weight
    for hit in retriever.search("技术交易额奖励", top_k=5):
        assert hit.score == pytest.approx(w * hit.dense + (1 - w) * hit.lexical, abs=1e-6)
    for hit in retriever.search("技术交易额奖励", top_k=5, mode="dense"):
        assert hit.score == pytest.approx(hit.dense)
    for hit in retriever.search("技术交易额奖励", top_k=5, mode="bm25"):
        assert hit.score == pytest.approx(hit.lexical) and hit.lexical > 0


def test_top_k_bounds(retriever: Retriever) -> None:
    assert retriever.search("奖励", top_k=0) == []
    assert retriever.search("奖励", top_k=-3) == []
    assert len(retriever.search("奖励", top_k=1)) == 1
    assert len(retriever.search("奖励", top_k=10_000)) == 7


@pytest.mark.parametrize(
    "query",
    ["", "   ", "\n\t\r", "\x00\x01\x07", "\u200b\ufeff", "<p> </p>", "&nbsp;", "？？！！。"],
)
def test_empty_or_blank_queries_have_no_hits(retriever: Retriever, query: str) -> None:
    assert retriever.search(query) == []


@pytest.mark.parametrize(
    "query",
    [
        "孵化器😀补贴🎉",
        "<script>alert('x')</script>孵化器奖励",
        "<b>高新技术企业</b>&amp;奖励",
        "\x1b[31m技术合同\x1b[0m",
        "孵化器" * 4000,
        "a" * 10_000,
        "'; DROP TABLE clauses; --",
        "\ud800 broken surrogate 孵化器",
    ],
)
def test_garbage_queries_never_crash(retriever: Retriever, query: str) -> None:
    hits = retriever.search(query, top_k=5)
    assert len(hits) <= 5
    assert all(np.isfinite(h.score) for h in hits)


@pytest.mark.parametrize("query", ["😀🎉🚀", "!!!???", "—— · ——", "<br/><hr>", "\x00" * 100])
def test_symbol_only_queries_have_no_hits(retriever: Retriever, query: str) -> None:
    assert retriever.search(query) == []


def test_long_queries_are_cut_before_embedding(kb: Any, fake_cls: Any, tmp_path: Path) -> None:
    counting = fake_cls()
    ret = _retriever(kb, counting, tmp_path)
    counting.texts.clear()
    ret.search("科技企业孵化器" * 2000)
    assert len(counting.texts) == 1 and len(counting.texts[0]) <= MAX_QUERY_CHARS


def test_query_embedding_is_cached(kb: Any, fake_cls: Any, tmp_path: Path) -> None:
    counting = fake_cls()
    ret = _retriever(kb, counting, tmp_path)
    calls = counting.calls
    for _ in range(3):
        ret.search("技术合同认定登记")
    assert counting.calls == calls + 1


def test_clean_query() -> None:
    assert clean_query("<b>孵化器</b>&amp;\x00补贴\u200b  ") == "孵化器 & 补贴"
    assert len(clean_query("字" * 10_000)) == MAX_QUERY_CHARS
    assert clean_query(None) == ""  # type: ignore[arg-type]


def test_mismatched_embedder_is_refused(kb: Any, fake_cls: Any, tmp_path: Path) -> None:
    first = fake_cls("fake-4d/v1")
    build_index(kb, tmp_path, first, progress=False)
    idx = load_index(tmp_path, first)
    assert idx is not None
    with pytest.raises(IndexError_, match="rebuild"):
        Retriever(idx, fake_cls("fake-4d/v2"))


def test_unknown_mode(retriever: Retriever) -> None:
    with pytest.raises(ValueError):
        retriever.search("奖励", mode="fuzzy")  # type: ignore[arg-type]


def test_empty_index(kb_cls: Any, fake: Any, tmp_path: Path) -> None:
    ret = _retriever(kb_cls(clauses=[]), fake, tmp_path)
    assert ret.search("孵化器") == []
    assert not ret.is_match([])


def test_is_match_uses_fused_components(kb: Any) -> None:
    cal = Calibration(dense_weight=0.5, threshold=0.4)
    clause = kb.clauses[0]
    assert not is_match([], cal)
    assert is_match([Hit(clause, 0.0, dense=0.5, lexical=0.5)], cal)
    assert not is_match([Hit(clause, 0.9, dense=0.3, lexical=0.3)], cal)  # score is ignored
    assert calibration_for("use-multilingual-v3/x") is CALIBRATIONS["use-"]
    assert calibration_for("st:whatever") is CALIBRATIONS["st:"]
    assert calibration_for("custom") is CALIBRATIONS[""]


def test_match_weight_is_separate_from_the_ranking_weight(kb: Any) -> None:
    clause = kb.clauses[0]
    hit = [Hit(clause, 0.0, dense=0.8, lexical=0.1)]
    assert not is_match(hit, Calibration(dense_weight=0.0, threshold=0.4))
    gated = Calibration(dense_weight=0.0, threshold=0.4, match_weight=0.5)
    assert gated.gate_weight == 0.5 and is_match(hit, gated)
    assert Calibration(dense_weight=0.3, threshold=0.4).gate_weight == 0.3


def test_component_scores_are_what_search_fuses(retriever: Retriever) -> None:
    assert retriever.component_scores("？？") is None
    comp = retriever.component_scores("国家级科技企业孵化器奖励")
    assert comp is not None
    dense, lexical = comp
    w = retriever.calibration.dense_weight
    best = int(np.argmax(w * dense + (1 - w) * lexical))
    assert retriever.search("国家级科技企业孵化器奖励", top_k=1)[0].clause is (
        retriever.index.chunks[best]
    )



def test_dense_mixes_whole_sentence_and_phrase_scores(
    kb: Any, fake: Any, tmp_path: Path
) -> None:
    base = _retriever(kb, fake, tmp_path)
    query = "对技术供需双方给予奖补"
    whole, sentence, phrase = base.dense_parts(query)
    # a max over pieces that include the chunk's own prefix: never below -1, and every
    # chunk has at least one sentence and one phrase vector
    assert whole.shape == sentence.shape == phrase.shape == (len(base.index),)
    assert len(set(base.index.phrase_owners.tolist())) == len(base.index)
    assert base.index.phrase_vectors.shape[0] >= base.index.sentence_vectors.shape[0]
    for s, p in ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (0.375, 0.625), (0.25, 0.25)):
        calibration = Calibration(
            dense_weight=0.5, threshold=0.3, sentence_weight=s, phrase_weight=p
        )
        r = Retriever(base.index, fake, calibration)
        comp = r.component_scores(query)
        assert comp is not None
        assert np.allclose(comp[0], (1 - s - p) * whole + s * sentence + p * phrase, atol=1e-6)


# --------------------------------------------------------------------------- real USE


@pytest.fixture(scope="module")
def use_retriever(kb_cls: Any, tmp_path_factory: pytest.TempPathFactory,
                  use_embedder: Any) -> Retriever:
    ret = _retriever(kb_cls(), use_embedder, tmp_path_factory.mktemp("use"))
    ret.warm_up()
    return ret


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "path"),
    [
        ("孵化器补贴多少钱", "二、（四）2."),
        ("我们孵化器出了几家高企能奖多少", "二、（四）2."),
        ("企业买技术能拿奖励吗", "二、（三）2."),
        ("镇上评上国家创新型乡镇有奖励吗", "二、（三）"),
        ("创新券能补哪些方面", "二、（四）3."),
        ("第一次评上高新技术企业奖多少", "二、（四）4."),
        ("Is there a reward for national incubators?", "二、（四）2."),
    ],
)
def test_use_in_scope_colloquial(use_retriever: Retriever, question: str, path: str) -> None:
    hits = use_retriever.search(question, top_k=3)
    assert use_retriever.is_match(hits), [(h.clause.path, h.dense, h.lexical) for h in hits]
    assert path in [h.clause.path for h in hits]


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    [
        "海关清关一般要多久？",
        "在威海买一套房子有优惠吗",
        "工作签证到期了怎么延期",
        "社保断缴了怎么办",
        "今天下雨吗",
        "驾照扣分在哪里查",
        "How do I renew my driving licence?",
    ],
)
def test_use_out_of_scope(use_retriever: Retriever, question: str) -> None:
    hits = use_retriever.search(question, top_k=5)
    assert not use_retriever.is_match(hits), [(h.clause.path, h.dense, h.lexical) for h in hits]


# ------------------------------------------------------------ canned questions (slow)

def _seed_retriever(built_data_dir: Path, use_embedder: Any) -> Retriever:
    """A bare Retriever (default domain terms) over the session's USE index of the real
    knowledge: the same index a build of ``load_knowledge(knowledge/)`` gives."""
    from index.artifacts import index_is_stale
    from knowledge.sources.base import load_knowledge

    kb = load_knowledge(REPO / "knowledge")
    assert kb.clauses, "the repository's knowledge folder has no clauses"
    assert not index_is_stale(kb, built_data_dir, use_embedder)
    idx = load_index(built_data_dir, use_embedder)
    assert idx is not None
    ret = Retriever(idx, use_embedder)
    ret.warm_up()
    return ret


@pytest.mark.slow
def test_canned_questions_with_use(built_data_dir: Path, use_embedder: Any) -> None:
    import yaml

    from knowledge.sources.base import load_knowledge

    kb = load_knowledge(REPO / "knowledge")
    ret = _seed_retriever(built_data_dir, use_embedder)
    full: dict[str, str] = {}
    for c in kb.clauses:
        full[c.clause_id] = full.get(c.clause_id, "") + c.text
    cases = yaml.safe_load((REPO / "knowledge" / "cases" / "questions.yaml").read_text("utf-8"))
    found = matched = in_scope = 0
    false_matches = []
    for case in cases:
        hits = ret.search(case["question"], top_k=5)
        if isinstance(case["expect"], dict):
            if ret.is_match(hits):
                false_matches.append(case["id"])
            continue
        in_scope += 1
        matched += ret.is_match(hits)
        found += any(
            h.clause.doc_number == e["doc_number"]
            and e["clause_contains"] in full[h.clause.clause_id]
            for h in hits
            for e in case["expect"]
        )
    assert not false_matches
    assert found / in_scope >= 0.9
    assert matched / in_scope >= 0.9


@pytest.fixture(scope="module")
def seed_retriever(built_data_dir: Path, use_embedder: Any) -> Retriever:
    return _seed_retriever(built_data_dir, use_embedder)


def _late_out_of_scope() -> list[dict[str, Any]]:
    import yaml

    cases = yaml.safe_load((REPO / "knowledge" / "cases" / "questions.yaml").read_text("utf-8"))
    return [c for c in cases if int(c["id"][1:]) > 169 and isinstance(c["expect"], dict)]


@pytest.mark.slow
def test_holdout_out_of_scope_questions(seed_retriever: Retriever) -> None:
    """Held-out out-of-scope questions sharing policy words (补贴, 贷款, 税收优惠) are rejected."""
    late = _late_out_of_scope()
    assert len(late) >= 10
    ret = seed_retriever
    matched = [c["id"] for c in late if ret.is_match(ret.search(c["question"]))]
    assert not matched


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "doc_number", "fragment"),
    [
        ("我们是做智能停车系统的科技企业，今年研发投入不少，有研发补助吗？",
         "威政办发〔2018〕32号", "企业研究开发财政补助"),
        ("做新能源汽车零部件的企业，买高校的专利技术有补贴吗？",
         "威科字〔2018〕58号", "技术交易额"),
    ],
)
def test_core_words_overrule_industry_markers(
    seed_retriever: Retriever, question: str, doc_number: str, fragment: str
) -> None:
    """停车 and 汽车 are out-of-domain markers; an R&D question naming them is answered."""
    ret = seed_retriever
    hits = ret.search(question, top_k=5)
    assert ret.is_match(hits), [(h.clause.path, h.dense, h.lexical, h.domain) for h in hits]
    assert any(
        h.clause.doc_number == doc_number and fragment in h.clause.text for h in hits
    ), [(h.clause.doc_number, h.clause.path) for h in hits]


@pytest.mark.slow
@pytest.mark.parametrize(
    "question",
    ["科技公司员工的社保怎么交？", "高新技术企业的员工能申请公积金贷款买房吗？"],
)
def test_core_words_alone_do_not_make_a_question_in_scope(
    seed_retriever: Retriever, question: str
) -> None:
    ret = seed_retriever
    hits = ret.search(question, top_k=5)
    assert not ret.is_match(hits), [(h.clause.path, h.dense, h.lexical, h.domain) for h in hits]
