"""Index artefacts: loading, staleness, damaged and re-tokenised builds (index.artifacts)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import index.artifacts as artifacts_mod
from index.artifacts import index_is_stale, load_index
from index.build import build_index
from knowledge.errors import IndexError_


def test_loaded_index_holds_full_clauses(kb: Any, fake: Any, tmp_path: Path) -> None:
    build_index(kb, tmp_path, fake, progress=False)
    idx = load_index(tmp_path, fake)
    assert idx is not None
    assert list(idx.chunks) == kb.clauses  # dataclass equality: text, doc meta, offices, line
    assert idx.chunks[0].doc.issued == kb.clauses[0].doc.issued
    assert idx.chunks[0].responsible.lead == ("市科技局",)
    assert idx.vectors.shape == (len(kb.clauses), 4)
    assert idx.faiss_index.ntotal == len(kb.clauses)
    assert not idx.vectors.table.flags.writeable  # memory-mapped read-only


def test_no_index_loads_as_none(fake: Any, tmp_path: Path) -> None:
    assert load_index(tmp_path, fake) is None


def test_sentence_version_change_makes_the_index_stale(
    kb: Any, fake: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(kb, tmp_path, fake, progress=False)
    assert not index_is_stale(kb, tmp_path, fake)
    monkeypatch.setattr(artifacts_mod, "SENTENCE_VERSION", "changed")
    assert index_is_stale(kb, tmp_path, fake)


def test_staleness(kb: Any, fake: Any, tmp_path: Path) -> None:
    assert index_is_stale(kb, tmp_path, fake)
    build_index(kb, tmp_path, fake, progress=False)
    assert not index_is_stale(kb, tmp_path, fake)
    # metadata shown in hits but not embedded still makes the index stale
    repealed = replace(kb.clauses[0].doc, status="已废止")
    kb.clauses[0] = replace(kb.clauses[0], doc=repealed)
    assert index_is_stale(kb, tmp_path, fake)
    counting = type(fake)()
    build_index(kb, tmp_path, counting, progress=False)
    assert counting.calls == 0  # same text: vector reused, records rewritten
    assert not index_is_stale(kb, tmp_path, fake)
    loaded = load_index(tmp_path, fake)
    assert loaded is not None and loaded.chunks[0].doc.status == "已废止"
    kb.clauses.pop()
    assert index_is_stale(kb, tmp_path, fake)


def test_parser_version_change_makes_stale(
    kb: Any, fake: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(kb, tmp_path, fake, progress=False)
    monkeypatch.setattr(artifacts_mod, "parser_version", lambda: "parser-99")
    assert index_is_stale(kb, tmp_path, fake)


def test_damaged_index_raises(kb: Any, fake: Any, tmp_path: Path) -> None:
    report = build_index(kb, tmp_path, fake, progress=False)
    (report.path / "chunks.json").write_text("[{]")
    with pytest.raises(IndexError_, match="damaged"):
        load_index(tmp_path, fake)
    build_index(kb, tmp_path, fake, progress=False)  # a rebuild repairs it
    assert load_index(tmp_path, fake) is not None


def test_tokenizer_change_retokenises_at_load(kb: Any, fake: Any, tmp_path: Path) -> None:
    report = build_index(kb, tmp_path, fake, progress=False)
    path = report.path / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["tokenizer_version"] = "old"
    rows = json.loads((report.path / "chunks.json").read_text())
    for row in rows:
        row["tokens"] = ["stale"]
    blob = json.dumps(rows, ensure_ascii=False).encode("utf-8")
    (report.path / "chunks.json").write_bytes(blob)
    manifest["artifacts"]["chunks.json"] = hashlib.sha256(blob).hexdigest()  # a real old build
    path.write_text(json.dumps(manifest))
    idx = load_index(tmp_path, fake)
    assert idx is not None and "科技企业孵化器" in idx.tokens[1]
