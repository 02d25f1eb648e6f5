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


# -- a verdict that does not drift ---------------------------------------------------------

CASES = ("questions.yaml", "paraphrases.yaml", "out_of_scope.yaml")
UNRELATED = REPO / "tests" / "fixtures" / "unrelated_tech"


def _verdicts(knowledge: Path, data_dir: Path, embedder: Any) -> dict[str, bool]:
    from index.artifacts import load_index
    from index.expansion import knowledge_expander
    from index.retriever import Retriever
    from knowledge.goldens.questions import load_questions

    index = load_index(data_dir, embedder)
    assert index is not None
    retriever = Retriever(index, embedder, domain_terms=knowledge_domain_terms(knowledge),
                          expander=knowledge_expander(knowledge))
    out = {}
    for name in CASES:
        for q in load_questions(REPO / "knowledge" / "cases" / name):
            out[q.id] = retriever.is_match(retriever.search(q.question, top_k=5))
    return out


def test_unrelated_documents_do_not_flip_any_verdict(
    tmp_path: Path, built_copy: Path, use_embedder: Any
) -> None:
    """Two technology documents on elderly care and vehicle charging (words: 养老保险,
    医保, 社保补贴, 老旧小区改造, 购车补贴 …) join the knowledge: no canned, paraphrased
    or out-of-scope question changes its in-scope / out-of-scope verdict."""
    import shutil

    from index.build import build_index
    from knowledge.sources.base import load_knowledge

    knowledge = Path(shutil.copytree(REPO / "knowledge", tmp_path / "knowledge"))
    before = _verdicts(knowledge, built_copy, use_embedder)
    for doc in sorted(UNRELATED.glob("*-*.md")):
        shutil.copy(doc, knowledge / "policies" / doc.name)
    kb = load_knowledge(knowledge)
    assert {"威民发〔2024〕1号", "威发改〔2024〕2号"} <= {d.doc_number for d in kb.documents}
    build_index(kb, built_copy, use_embedder, progress=False)
    after = _verdicts(knowledge, built_copy, use_embedder)
    assert {q: (before[q], after[q]) for q in before if before[q] != after[q]} == {}
    assert sum(not v for v in after.values()) >= 70 + 47  # the out-of-scope sets still out


@pytest.mark.parametrize(
    ("question", "in_domain"),
    [
        ("农业合作社建冷库有补贴吗？", False),
        ("工业企业节能改造补贴怎么申请？", False),
        ("企业获得驰名商标认定奖励多少？", False),
        ("文化企业上市有什么奖励？", False),
        ("科技企业孵化器认定奖励多少？", True),
        ("高新技术企业认定有奖励吗", True),
        ("Is there a subsidy for an incubator?", True),
    ],
    ids=["coop-cold-store", "energy-saving", "famous-trademark", "culture-ipo",
         "incubator", "high-tech", "english"],
)
def test_generic_words_alone_name_no_subject(question: str, in_domain: bool) -> None:
    """补贴, 认定, 企业, 保险, 奖励, 上市 are no subject: a question naming nothing else
    has no domain coverage, whatever the corpus knows."""
    from index.tokenize import normalize, tokenize

    terms = knowledge_domain_terms(REPO / "knowledge")
    idf = {t: 1.0 for t in tokenize(question)}  # every word "known" to the corpus
    value = domain_coverage(normalize(question), tokenize(question), idf, 5.0,
                            expansions, terms)
    assert (value > 0.0) is in_domain


def test_subjects_come_from_the_vocabulary_data(tmp_path: Path) -> None:
    terms = knowledge_domain_terms(REPO / "knowledge")
    assert {"科技", "孵化", "专利"} <= set(terms.subjects)
    assert "企业技术中心" in terms.subjects  # a topic phrase of topics.yaml
    assert not {"补助", "奖励", "认定", "保险"} & set(terms.subjects)  # generic, not subjects
    assert {"认定", "保险", "上市"} <= terms.generic
    folder = tmp_path / "vocabulary"
    folder.mkdir()
    (folder / "domain.yaml").write_text("subjects: [中试]\nbogus: []\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as err:
        knowledge_domain_terms(tmp_path)
    assert err.value.line == 2 and "bogus" in str(err.value)


def test_unrelated_documents_change_no_scope_verdict(tmp_path: Path, built_copy: Path,
                                                     use_embedder: Any) -> None:
    """The engine's verdicts (answer / suggest / refuse / greeting) of the canned,
    paraphrased, out-of-scope and conversation cases stay the same when two unrelated
    technology documents join the knowledge."""
    import shutil

    import yaml

    from index.answering.engine import Engine
    from knowledge.goldens.questions import load_questions

    knowledge = Path(shutil.copytree(REPO / "knowledge", tmp_path / "knowledge"))
    questions = [q.question for name in CASES
                 for q in load_questions(REPO / "knowledge" / "cases" / name)]
    dev = yaml.safe_load((REPO / "knowledge/cases/conversation_dev.yaml").read_text("utf-8"))
    questions += [item["turns"][0]["say"] for item in dev]

    def verdicts(documents: int) -> dict[str, str]:
        engine = Engine(knowledge, built_copy, embedder=use_embedder)
        assert len(engine.documents()) == documents
        return {q: engine.ask(q).verdict for q in questions}

    before = verdicts(4)
    for doc in sorted(UNRELATED.glob("*-*.md")):
        shutil.copy(doc, knowledge / "policies" / doc.name)
    after = verdicts(6)
    assert {q: (before[q], after[q]) for q in before if before[q] != after[q]} == {}
    assert {"suggest", "refuse", "answer", "greeting"} <= set(after.values())
