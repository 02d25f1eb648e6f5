"""The loaded snapshot is the one source of vocabulary, typo map, fingerprint and rules; one
function builds it for the engine and for ``policybot index build``; the work no question
changes (award sentences no rule encodes, rules by clause) is done once per load."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from knowledge_edits import MARINE_DOC

from index.answering.engine import Engine
from index.answering.honesty import not_encoded_items
from index.answering.snapshot import build_snapshot
from index.answering.unencoded import Unencoded
from knowledge.sources.base import fingerprint

QUANTUM_TOPIC = "  quantum_port: [量子孵化港]\n"


@pytest.fixture
def own_vocabulary(tmp_path: Path, knowledge_dir: Path, hash_data_dir: Path,
                   hash_embedder: Any) -> Engine:
    """An engine over a knowledge copy whose vocabulary has a topic of its own."""
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    topics = kdir / "vocabulary" / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8") + QUANTUM_TOPIC, encoding="utf-8")
    data = Path(shutil.copytree(hash_data_dir, tmp_path / "data"))
    eng = Engine(kdir, data, embedder=hash_embedder)
    eng.warm_up()
    return eng


def test_a_folders_own_term_is_repaired_like_the_packages(own_vocabulary: Engine) -> None:
    """The bug of issue 23: the folder's vocabulary was read, but typos were repaired to
    the package's terms only, so a misspelt own term was never recognised."""
    answer = own_vocabulary.ask("量子孵华港有什么补助？")
    assert answer.text == "量子孵化港有什么补助？"
    assert answer.extraction is not None and "quantum_port" in answer.extraction.topics
    assert own_vocabulary.ask("孵华器有什么补助？").text == "孵化器有什么补助？"  # as before


def test_a_folders_own_short_form_is_written_out(tmp_path: Path, knowledge_dir: Path,
                                                hash_data_dir: Path, hash_embedder: Any) -> None:
    """A short form staff add to conversation.yaml is read as its title: no Python."""
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    talk = kdir / "vocabulary" / "conversation.yaml"
    talk.write_text(talk.read_text(encoding="utf-8").replace(
        "  技术创新中心: [技创中心]", "  技术创新中心: [技创中心, 创中]"), encoding="utf-8")
    eng = Engine(kdir, Path(shutil.copytree(hash_data_dir, tmp_path / "data")),
                 embedder=hash_embedder)
    eng.warm_up()
    assert eng.snapshot.normalized("我们的国孵和省级创中") \
        == "我们的国家级科技企业孵化器和省级技术创新中心"
    answer = eng.ask("我们公司牵头的省级创中今年认定了，能拿多少？", today=date(2026, 12, 8))
    assert answer.estimate is not None and answer.estimate.total_yuan == 5_000_000


def test_the_snapshot_is_the_one_source(own_vocabulary: Engine) -> None:
    snap = own_vocabulary.snapshot
    assert snap.vocabulary is snap.rules.vocabulary
    assert all(rule.vocabulary is snap.vocabulary for rule in snap.rules.rules)
    assert "quantum_port" in snap.vocabulary.topics
    assert snap.fingerprint == snap.kb.fingerprint == fingerprint(own_vocabulary.knowledge_dir)
    assert snap.retriever.domain_terms is snap.domain_terms
    assert "量子孵化港" in snap.domain_terms.subjects


def test_a_reload_reports_the_fingerprint_it_read(own_vocabulary: Engine) -> None:
    topics = own_vocabulary.knowledge_dir / "vocabulary" / "topics.yaml"
    topics.write_text(topics.read_text(encoding="utf-8") + "  more: [更多孵化港]\n",
                      encoding="utf-8")
    report = own_vocabulary.reload()
    assert report.ok and report.fingerprint == own_vocabulary.snapshot.fingerprint
    topics.write_text("topics: [\n", encoding="utf-8")  # broken: the old snapshot stays
    failed = own_vocabulary.reload()
    assert not failed.ok
    assert failed.fingerprint == fingerprint(own_vocabulary.knowledge_dir) != report.fingerprint


def test_index_build_and_the_engine_build_the_same_snapshot(
        tmp_path: Path, knowledge_dir: Path, hash_embedder: Any) -> None:
    data = tmp_path / "data"
    built = build_snapshot(knowledge_dir, data, hash_embedder, warm=False)
    assert built.index is not None and built.embedded == len(built.snapshot.kb.clauses)
    eng = Engine(knowledge_dir, data, embedder=hash_embedder)
    eng.warm_up()  # the index the job built is current: nothing embedded again
    snap = eng.snapshot
    assert snap.fingerprint == built.snapshot.fingerprint
    assert [r.id for r in snap.rules.rules] == [r.id for r in built.snapshot.rules.rules]
    assert snap.retriever.index.path == built.snapshot.retriever.index.path
    again = build_snapshot(knowledge_dir, data, hash_embedder, warm=False)
    assert again.index is None and again.embedded == 0


def test_rules_by_clause_are_those_a_scan_finds(hash_engine: Engine) -> None:
    rules = hash_engine.snapshot.rules
    for clause in hash_engine.snapshot.kb.clauses:
        key = (clause.doc_number, clause.path)
        scanned = sorted(r.id for r in rules.rules
                         if any((c.doc_number, c.clause_path) == key for c in r.citations))
        assert rules.citing({key}) == scanned
    for rule in rules.rules:
        expected = (rule,) if rule.same_award is None else tuple(
            r for r in rules.rules if r.same_award == rule.same_award)
        assert rules.group(rule) == expected


def test_award_sentences_read_once_equal_those_read_per_answer(
        tmp_path: Path, knowledge_dir: Path, hash_data_dir: Path, hash_embedder: Any) -> None:
    """A document no rule encodes: the snapshot's award sentences give the items a
    per-answer reading of the shown clauses gives."""
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (kdir / "policies" / "weikefa-2026-3.md").write_text(MARINE_DOC, encoding="utf-8")
    eng = Engine(kdir, Path(shutil.copytree(hash_data_dir, tmp_path / "data")),
                 embedder=hash_embedder)
    eng.warm_up()
    snap = eng.snapshot
    assert snap.unencoded.by_clause  # the new document's award sentences
    on = date(2026, 6, 1)
    clauses = list(snap.kb.clauses)
    once = not_encoded_items(snap.kb, snap.rules, clauses, on, snap.unencoded)
    per_answer = not_encoded_items(snap.kb, snap.rules, clauses, on)
    assert once == per_answer and once
    assert once[0].figure == "80万元"
    assert Unencoded.of(snap.kb, snap.rules).by_clause == snap.unencoded.by_clause
    found = next(snap.unencoded.sentences(clauses))
    assert snap.unencoded.same_award(found) is snap.unencoded.same_award(found)  # kept

