"""Engine: the JSON contract, validity by date, garbage input, atomic reloads."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.render import answer_json
from index.answering.engine import Engine

pytestmark = pytest.mark.slow

CONTRACT_KEYS = {"question", "matched", "as_of", "hits", "estimate", "answer_text"}
HIT_KEYS = {"doc_number", "title", "clause_path", "text", "score", "in_force"}
HAS_ST = importlib.util.find_spec("sentence_transformers") is not None


def test_cited_answer_follows_contract(engine: Engine) -> None:
    result = answer_json(engine.ask("企业牵头组建市级技术创新中心有什么补助？",
                                    as_of=date(2026, 11, 24)))
    assert result.keys() >= CONTRACT_KEYS
    assert result["matched"] is True
    assert result["hits"], "a matched answer carries hits"
    for hit in result["hits"]:
        assert hit.keys() >= HIT_KEYS
    best = result["hits"][0]
    assert best["doc_number"] in {"威政办字〔2018〕107号", "威政办字〔2018〕106号"}
    assert "200万元" in best["text"]
    assert best["clause_path"] in result["answer_text"]
    assert best["doc_number"] in result["answer_text"]


def test_hits_never_repeat_a_clause(engine: Engine) -> None:
    result = answer_json(engine.ask("孵化器 众创空间 奖励", top_k=10))
    keys = [(h["doc_number"], h["clause_path"]) for h in result["hits"]]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("as_of", "in_force", "badge"),
    [(date(2019, 6, 1), True, "现行有效"), (date(2026, 11, 24), False, "已失效")],
    ids=["within-58-validity", "after-58-expired"],
)
def test_validity_on_the_date_asked(engine: Engine, as_of: date, in_force: bool,
                                    badge: str) -> None:
    result = answer_json(engine.ask("企业购买技术合同经登记后按交易额奖励多少", as_of=as_of))
    hit = next(h for h in result["hits"] if h["doc_number"] == "威科字〔2018〕58号")
    assert hit["in_force"] is in_force
    assert badge in result["answer_text"]
    if not in_force:
        assert "2021-11-10" in result["answer_text"]


def test_out_of_scope_is_honest(engine: Engine) -> None:
    result = answer_json(engine.ask("办理出国签证需要什么材料"))
    assert result["matched"] is False
    assert result["hits"] == []
    assert "没有找到" in result["answer_text"]


@pytest.mark.parametrize(
    "question",
    ["", "   ", "😀😀😀", "\x00\x07\x1b[31m", "<script>alert(1)</script>", "孵化器" * 3400],
    ids=["empty", "blank", "emoji", "control", "markup", "10k-chars"],
)
def test_garbage_never_crashes(engine: Engine, question: str) -> None:
    result = answer_json(engine.ask(question))
    assert result.keys() >= CONTRACT_KEYS
    assert isinstance(result["answer_text"], str) and result["answer_text"]


def test_broken_reload_keeps_old_knowledge(tmp_path: Path, knowledge_dir: Path,
                                           built_copy: Path, use_embedder: Any) -> None:
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    eng = Engine(kdir, built_copy, embedder=use_embedder)  # the session's index, copied
    eng.warm_up()
    before = answer_json(eng.ask("星创天地有什么奖励"))
    policy = next((kdir / "policies").glob("*106*.md"))
    policy.write_text("---\ntitle: [unclosed\n---\n正文", encoding="utf-8")
    report = eng.reload()
    assert report.ok is False
    assert policy.name in report.message
    assert eng.version == 1
    after = answer_json(eng.ask("星创天地有什么奖励"))
    assert after["hits"] == before["hits"]


def test_answer_carries_extraction_and_rule_ids(engine: Any) -> None:
    """The Answer holds what the question said and the rules behind it, so front ends
    never read the question twice or re-derive rule ids."""
    answer = engine.ask("2020年我们公司买了300万的技术，能补多少？", today=date(2026, 11, 24))
    assert answer.extraction is not None
    assert answer.facts["registered_tech_purchase_yuan"] == 3_000_000
    assert answer.as_of == date(2020, 12, 31)
    assert answer.estimate is not None
    assert answer.rule_ids == tuple(i.rule_id for i in answer.estimate.items)
    answer.facts["registered_tech_purchase_yuan"] = 1  # a copy: the answer is unchanged
    assert answer.facts["registered_tech_purchase_yuan"] == 3_000_000
    plain = engine.ask("孵化器 众创空间 奖励", top_k=3)
    assert plain.estimate is None and plain.rule_ids
    assert all(any((c.doc_number, c.clause_path) in {(h.doc_number, h.clause_path)
                                                     for h in plain.hits}
                   for c in engine.snapshot.rules.get(r).citations)
               or engine.snapshot.rules.get(r).same_award
               for r in plain.rule_ids)


@pytest.mark.st
@pytest.mark.skipif(not HAS_ST, reason="sentence-transformers extra not installed")
def test_sentence_transformers_path_end_to_end(
    tmp_path: Path, knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch, use_embedder: Any
) -> None:
    """The optional embedder through the whole engine: its own index and calibration, cited
    answers, honest out-of-scope replies; going back to USE re-embeds everything.

    Over one document (威政办字〔2018〕107号) and its rules: embedding all four with
    MiniLM on a 2-core box takes half a minute, and one shows the whole path as well."""
    from index.artifacts import load_index
    from index.embedders import GT_MINILM, make_embedder
    from index.retriever import CALIBRATIONS

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # weights come from the pip package only
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir / "cases", kdir / "cases")
    for folder, suffix in (("policies", "md"), ("rules", "yaml")):
        (kdir / folder).mkdir()
        name = f"weizhengbanzi-2018-107.{suffix}"
        shutil.copy(knowledge_dir / folder / name, kdir / folder / name)
    knowledge_dir = kdir
    data = tmp_path / "data"
    st = Engine(knowledge_dir, data, embedder_spec=f"st:{GT_MINILM}")
    st.warm_up()
    assert st.snapshot.retriever.calibration is CALIBRATIONS["st:"]
    result = answer_json(st.ask("对列入市级试点技术创新中心的企业有什么资金补助？"))
    assert result["matched"] and result["hits"]
    top = result["hits"][0]
    assert top["doc_number"] in {"威政办字〔2018〕107号", "威政办字〔2018〕106号"}
    assert "技术创新中心" in top["text"]
    assert top["clause_path"] in result["answer_text"]
    assert not st.ask("明天威海会下雨吗？").matched
    index = load_index(data, make_embedder(f"st:{GT_MINILM}"))
    assert index is not None and index.embedder_name.startswith(f"st:{GT_MINILM}")
    assert index.vectors.shape[1] == 384

    use = Engine(knowledge_dir, data, embedder=use_embedder)  # same dir, USE: a full rebuild
    use.warm_up()
    assert use.snapshot.retriever.index.vectors.shape[1] == 512
    assert use.ask("对列入市级试点技术创新中心的企业有什么资金补助？").matched


def test_staff_vocabulary_turns_away_a_subject_live(tmp_path: Path, knowledge_dir: Path,
                                                    built_copy: Path, use_embedder: Any) -> None:
    """Staff add a subject to cases/domain_terms.txt; after a reload the bot stops answering
    it.  A broken vocabulary file keeps the previous knowledge in service."""
    from index.domain import KNOWLEDGE_FILE

    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    eng = Engine(kdir, built_copy, embedder=use_embedder)  # the session's index, copied
    eng.warm_up()
    question = "农业合作社建冷库有补助吗"  # cold storage: not an S&T subject
    assert eng.ask(question).matched
    vocabulary = kdir / KNOWLEDGE_FILE
    vocabulary.write_text("[out_of_domain]\n冷库\n", encoding="utf-8")
    report = eng.reload()
    assert report.ok and report.embedded == 0  # nothing re-embedded for a word list
    assert not eng.ask(question).matched
    assert eng.ask("科技企业孵化器有什么奖励").matched
    vocabulary.write_text("[out_of_domain]\n冷库\n[cold]\n", encoding="utf-8")
    broken = eng.reload()
    assert not broken.ok and f"{KNOWLEDGE_FILE}:3" in broken.message
    assert eng.version == 2 and not eng.ask(question).matched


DAMAGE_QUESTION = "科技企业孵化器有什么奖励"
DAMAGED_FILES = ("faiss.index", "chunks.json", "vectors.npy", "sentences.npy", "phrases.npy",
                 "manifest.json")


def _answer_key(eng: Engine) -> list[tuple[str, str]]:
    answer = eng.ask(DAMAGE_QUESTION)
    assert answer.matched
    return [(h.doc_number, h.clause_path) for h in answer.hits]


@pytest.fixture(scope="module")
def hash_index(
    tmp_path_factory: pytest.TempPathFactory, knowledge_dir: Path
) -> tuple[Path, list[tuple[str, str]]]:
    """A data dir with an index of the real knowledge (hash embedder) and its answer."""
    data = tmp_path_factory.mktemp("hash-index") / "data"
    eng = Engine(knowledge_dir, data, "hash")
    eng.warm_up()
    return data, _answer_key(eng)


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "empty":
        path.write_bytes(b"")
    elif how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    else:  # one flipped bit in the middle: the silent kind
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x10]) + data[middle + 1:])


@pytest.mark.parametrize("how", ["truncate", "empty", "bitflip"])
@pytest.mark.parametrize("name", DAMAGED_FILES)
def test_damaged_index_is_rebuilt_not_fatal(
    tmp_path: Path, knowledge_dir: Path, hash_index: tuple[Path, list[tuple[str, str]]],
    name: str, how: str,
) -> None:
    """Truncated, empty or bit-flipped artefacts: the engine rebuilds and answers exactly as
    with the intact index (never an error, never an answer from bad bytes)."""
    from index.artifacts import current_build, index_is_stale

    template, expected = hash_index
    data = tmp_path / "data"
    shutil.copytree(template, data)
    build = current_build(data)
    assert build is not None
    _damage(build / name, how)
    eng = Engine(knowledge_dir, data, "hash")
    eng.warm_up()
    assert _answer_key(eng) == expected
    assert not index_is_stale(eng.snapshot.kb, data, eng.embedder)


def test_damage_under_a_running_engine_is_repaired_by_reload(
    tmp_path: Path, knowledge_dir: Path, hash_index: tuple[Path, list[tuple[str, str]]],
) -> None:
    from index.artifacts import current_build

    template, expected = hash_index
    data = tmp_path / "data"
    shutil.copytree(template, data)
    eng = Engine(knowledge_dir, data, "hash")
    eng.warm_up()
    build = current_build(data)
    assert build is not None
    _damage(build / "faiss.index", "bitflip")
    report = eng.reload()
    assert report.ok, report.message
    assert _answer_key(eng) == expected
