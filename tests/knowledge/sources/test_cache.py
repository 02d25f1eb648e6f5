"""The per-file cache of loading a knowledge folder (knowledge.sources.cache), through
``load_knowledge(..., cache_dir=...)``: used when nothing changed, bypassed for the file
that changed, healed when damaged, and never changing a result."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import knowledge.sources.base as base
from knowledge.sources.base import load_knowledge
from knowledge.sources.cache import CachedSource, SourceCache, code_version, entry_key
from knowledge.sources.parsing import parse_clauses


@pytest.fixture
def folder(tmp_path: Path, knowledge_dir: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(knowledge_dir / "policies", root / "policies")
    (root / "rules").mkdir()
    return root


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed into clauses from now on (base.parse_clauses counted)."""
    seen: list[str] = []
    real = parse_clauses

    def counting(meta, text, first_line=1):  # type: ignore[no-untyped-def]
        seen.append(meta.file)
        return real(meta, text, first_line)

    monkeypatch.setattr(base, "parse_clauses", counting)
    return seen


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "sources").glob("*.pkl"))


def test_a_warm_load_parses_nothing_and_gives_the_same_knowledge(
    folder: Path, tmp_path: Path, parses: list[str]
) -> None:
    cache = tmp_path / "cache"
    cold = load_knowledge(folder, cache_dir=cache)
    assert len(parses) == 4 and len(entries(cache)) == 4
    parses.clear()
    warm = load_knowledge(folder, cache_dir=cache)
    assert parses == []
    assert warm.clauses == cold.clauses == load_knowledge(folder).clauses
    assert warm.documents == cold.documents and warm.warnings == cold.warnings
    assert warm.fingerprint == cold.fingerprint


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: p.write_text(p.read_text(encoding="utf-8") + "\n新增一句话。\n",
                               encoding="utf-8"),
        lambda p: p.write_text(p.read_text(encoding="utf-8").replace(
            "issuer: 威海市人民政府办公室", "issuer: 威海市人民政府"), encoding="utf-8"),
    ],
    ids=["body-edited", "metadata-edited"],
)
def test_an_edited_file_alone_is_parsed_again(
    folder: Path, tmp_path: Path, parses: list[str], edit: object
) -> None:
    cache = tmp_path / "cache"
    load_knowledge(folder, cache_dir=cache)
    parses.clear()
    target = folder / "policies" / "weizhengbanzi-2018-106.md"
    edit(target)  # type: ignore[operator]
    kb = load_knowledge(folder, cache_dir=cache)
    assert parses == ["policies/weizhengbanzi-2018-106.md"]
    assert kb.clauses == load_knowledge(folder).clauses
    assert kb.documents == load_knowledge(folder).documents


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(p.read_bytes()[:100]),  # truncated
        lambda p: p.write_bytes(p.read_bytes()[:-1] + bytes([p.read_bytes()[-1] ^ 1])),
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(b"\0" * 32 + b"not a pickle"),
        lambda p: p.unlink(),
    ],
    ids=["truncated", "bit-flipped", "empty", "garbage", "deleted"],
)
def test_a_damaged_entry_is_recomputed_and_rewritten(
    folder: Path, tmp_path: Path, parses: list[str], damage: object
) -> None:
    cache = tmp_path / "cache"
    expected = load_knowledge(folder, cache_dir=cache)
    target = folder / "policies" / "weikezi-2018-58.md"
    entry = cache / "sources" / f"{entry_key(target, folder, code_version())}.pkl"
    damage(entry)  # type: ignore[operator]
    parses.clear()
    healed = load_knowledge(folder, cache_dir=cache)
    assert parses == ["policies/weikezi-2018-58.md"]
    assert healed.clauses == expected.clauses
    parses.clear()
    load_knowledge(folder, cache_dir=cache)
    assert parses == []  # the rewritten entry serves the next load


def test_a_dropped_duplicate_that_does_not_parse_never_raises(
    folder: Path, tmp_path: Path
) -> None:
    shutil.copy(folder / "policies" / "weikezi-2018-58.md", folder / "policies" / "x.txt")
    text = (folder / "policies" / "x.txt").read_text(encoding="utf-8")
    front, _, _ = text.partition("\n---\n")
    (folder / "policies" / "x.txt").write_text(front + "\n---\n\n", encoding="utf-8")
    for _ in range(2):  # cold, then warm: the same outcome
        kb = load_knowledge(folder, cache_dir=tmp_path / "cache")
        assert [d.dropped_file for d in kb.duplicates] == ["policies/x.txt"]


def test_the_key_follows_the_bytes_the_sidecar_and_the_code(tmp_path: Path) -> None:
    doc = tmp_path / "a.pdf"
    doc.write_bytes(b"%PDF-1")
    key = entry_key(doc, tmp_path, "v1")
    assert entry_key(doc, tmp_path, "v1") == key
    assert entry_key(doc, tmp_path, "v2") != key
    (tmp_path / "a.pdf.meta.yaml").write_text("doc_number: X\n", encoding="utf-8")
    with_sidecar = entry_key(doc, tmp_path, "v1")
    assert with_sidecar != key
    doc.write_bytes(b"%PDF-2")
    assert entry_key(doc, tmp_path, "v1") not in (key, with_sidecar)
    assert len(code_version()) == 64


def test_unused_entries_are_pruned_once_they_pile_up(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_knowledge(folder, cache_dir=cache)
    store = SourceCache(cache / "sources")
    sample = next(iter(entries(cache))).read_bytes()
    for index in range(100):
        (cache / "sources" / f"{index:064x}.pkl").write_bytes(sample)
    load_knowledge(folder, cache_dir=cache)
    assert len(entries(cache)) == 4
    assert store.get("0" * 64) is None


def test_no_cache_folder_disables_it(tmp_path: Path) -> None:
    store = SourceCache(None)
    store.put("k", CachedSource.__new__(CachedSource))
    assert store.get("k") is None and store.hits == 0
    store.prune(set())


def test_an_unwritable_cache_is_skipped(folder: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    kb = load_knowledge(folder, cache_dir=blocker)
    assert len(kb.documents) == 4


def test_read_policy_file_shares_the_loaders_entries(
    folder: Path, tmp_path: Path, parses: list[str]
) -> None:
    from knowledge.sources.base import read_policy_file
    from knowledge.sources.cleaning import unplaced_numbering

    cache = tmp_path / "cache"
    kb = load_knowledge(folder, cache_dir=cache)
    parses.clear()
    path = folder / "policies" / "weizhengbanzi-2018-107.md"
    entry = read_policy_file(path, folder, cache)
    assert parses == []  # served by the loader's entry
    assert entry.clauses == kb.clauses_by_doc["威政办字〔2018〕107号"]
    src = entry.source
    assert entry.unplaced == tuple(unplaced_numbering(src.text, src.first_line))
    assert read_policy_file(path, folder).clauses == entry.clauses  # no cache: same result


def test_a_reload_shares_unchanged_files_clauses(folder: Path, tmp_path: Path) -> None:
    """``memo`` (kept by the engine between loads): an unchanged file's clauses are the
    very objects the serving knowledge base holds, so a reload holds one copy, not two;
    an edited file is parsed afresh; the memo keeps nothing but those clauses."""
    memo: dict[str, Any] = {}
    first = load_knowledge(folder, cache_dir=tmp_path / "data", memo=memo)
    assert memo and all(isinstance(v, tuple) for v in memo.values())
    edited = sorted((folder / "policies").glob("*.md"))[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    second = load_knowledge(folder, cache_dir=tmp_path / "data", memo=memo)
    old = {c.chunk_id: c for c in first.clauses}
    same = [c for c in second.clauses if old.get(c.chunk_id) is c]
    kept = [c for c in second.clauses if c.doc.file != edited.name]
    assert same and {id(c) for c in same} == {id(c) for c in kept}
    assert second.clauses == tuple(load_knowledge(folder).clauses)  # equal to a fresh load
