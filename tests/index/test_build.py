"""Index build: artefacts, incremental re-embedding, atomic switch, cleanup (index.build)."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import index.build as build_mod
import index.publish as publish_mod
from index.artifacts import index_is_stale, load_index, parser_version
from index.build import build_index
from index.pieces import chunk_phrases, chunk_sentences
from index.tokenize import tokenize
from knowledge.errors import IndexError_


def _builds(data: Path) -> list[Path]:
    return sorted((data / "index" / "builds").iterdir())


def test_build_writes_artefacts_and_manifest(kb: Any, fake: Any, tmp_path: Path) -> None:
    report = build_index(kb, tmp_path, fake, progress=False)
    assert report.embedded == len(kb.clauses) and report.reused == 0
    assert report.chunks == len(kb.clauses) and report.seconds >= 0
    assert report.path.parent == tmp_path / "index" / "builds"
    assert (tmp_path / "index" / "CURRENT").read_text() == report.path.name
    for name in ("manifest.json", "pieces.npy", "faiss.index", "chunks.json",
                 "sentences.npy", "phrases.npy"):
        assert (report.path / name).is_file(), name
    manifest = json.loads((report.path / "manifest.json").read_text())
    # no per-row lists of sentences or phrases in the manifest (format 5): their
    # (chunk, piece row) pairs are .npy files, the distinct hashes are listed once
    assert manifest["sentence_count"] == report.sentences
    assert manifest["phrase_count"] == report.phrases
    assert "sentences" not in manifest and "phrases" not in manifest
    assert len(manifest["pieces"]) == len(set(manifest["pieces"]))
    rows = np.load(report.path / "sentences.npy")
    assert rows.shape == (report.sentences, 2) and rows[:, 1].max() < len(manifest["pieces"])
    assert manifest["embedder"] == fake.name and manifest["dim"] == 4
    assert manifest["parser_version"] == parser_version()
    assert manifest["built_at"]
    assert [c["chunk_id"] for c in manifest["chunks"]] == [c.chunk_id for c in kb.clauses]
    assert [c["content_hash"] for c in manifest["chunks"]] == [c.content_hash for c in kb.clauses]


def test_unchanged_rebuild_embeds_nothing(kb: Any, fake_cls: Any, tmp_path: Path) -> None:
    build_index(kb, tmp_path, fake_cls(), progress=False)
    counting = fake_cls()
    report = build_index(kb, tmp_path, counting, progress=False)
    assert counting.calls == 0 and counting.texts == []
    assert report.embedded == 0 and report.reused == len(kb.clauses)


def test_incremental_rebuild_embeds_only_changed_chunks(
    kb: Any, fake_cls: Any, tmp_path: Path
) -> None:
    build_index(kb, tmp_path, fake_cls(), progress=False)
    old_sentences = {t for c in kb.clauses for t in chunk_sentences(c)}
    old_pieces = old_sentences | {t for c in kb.clauses for t in chunk_phrases(c)}
    changed = replace(kb.clauses[3], text=kb.clauses[3].text + "新增一句。")
    added = replace(
        kb.clauses[0], path="二、（四）9.", text="新增条款：对新认定的星创天地给予奖励。"
    )
    kb.clauses[3] = changed
    kb.clauses.append(added)
    counting = fake_cls()
    report = build_index(kb, tmp_path, counting, progress=False)
    new_sentences = sorted(
        {t for c in (changed, added) for t in chunk_sentences(c)} - old_sentences
    )
    new_pieces = {
        t for c in (changed, added) for t in (*chunk_sentences(c), *chunk_phrases(c))
    } - old_pieces
    assert new_sentences  # the edited sentence and the added clause's sentence
    # only the two changed chunks and their new sentences and phrases are embedded (a
    # piece that is both a sentence and a phrase once), nothing unchanged
    assert sorted(counting.texts) == sorted(
        [changed.embedding_text(), added.embedding_text(), *new_pieces]
    )
    assert report.embedded == 2 and report.reused == len(kb.clauses) - 2
    assert report.sentences_embedded == len(new_sentences)
    assert report.phrases_embedded == len(new_pieces - set(new_sentences))
    idx = load_index(tmp_path, counting)
    assert idx is not None
    fresh = counting.embed([c.embedding_text() for c in kb.clauses])
    assert np.allclose(idx.vectors, fresh, atol=1e-3)  # reused rows in place (float16)
    sentences = [(i, t) for i, c in enumerate(kb.clauses) for t in chunk_sentences(c)]
    assert list(idx.sentence_owners) == [i for i, _ in sentences]
    fresh_sentences = counting.embed([t for _, t in sentences])
    assert np.allclose(idx.sentence_vectors, fresh_sentences, atol=1e-3)
    phrases = [(i, t) for i, c in enumerate(kb.clauses) for t in chunk_phrases(c)]
    assert list(idx.phrase_owners) == [i for i, _ in phrases]
    assert np.allclose(idx.phrase_vectors, counting.embed([t for _, t in phrases]), atol=1e-3)


def test_embedder_change_forces_full_rebuild(kb: Any, fake_cls: Any, tmp_path: Path) -> None:
    build_index(kb, tmp_path, fake_cls("fake-4d/v1"), progress=False)
    other = fake_cls("fake-4d/v2")
    assert index_is_stale(kb, tmp_path, other)
    assert load_index(tmp_path, other) is None
    report = build_index(kb, tmp_path, other, progress=False)
    assert report.embedded == len(kb.clauses) and report.reused == 0
    n_sentences = sum(len(chunk_sentences(c)) for c in kb.clauses)
    assert report.sentences_embedded == report.sentences == n_sentences
    sentences = {t for c in kb.clauses for t in chunk_sentences(c)}
    pieces = sentences | {t for c in kb.clauses for t in chunk_phrases(c)}
    assert report.phrases == sum(len(chunk_phrases(c)) for c in kb.clauses)
    assert report.phrases_embedded == len(pieces - sentences)
    assert len(other.texts) == len(kb.clauses) + n_sentences + report.phrases_embedded
    assert load_index(tmp_path, other) is not None


def _snapshot(data: Path) -> dict[str, bytes]:
    build = data / "index" / "builds" / (data / "index" / "CURRENT").read_text()
    return {p.name: p.read_bytes() for p in build.iterdir()}


def test_embedder_failure_mid_build_keeps_previous_index(
    kb: Any, fake_cls: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(kb, tmp_path, fake_cls(), progress=False)
    before = _snapshot(tmp_path)
    monkeypatch.setattr(build_mod, "EMBED_BATCH", 2)
    kb.clauses = [replace(c, text=c.text + "（修订）") for c in kb.clauses]
    dying = fake_cls(fail_after=3)
    with pytest.raises(IndexError_, match="embedder died"):
        build_index(kb, tmp_path, dying, progress=False)
    assert dying.calls == 1  # it did die in the middle
    assert _snapshot(tmp_path) == before
    assert not [p for p in _builds(tmp_path) if p.name.startswith(".tmp-")]
    idx = load_index(tmp_path, fake_cls())
    assert idx is not None and "（修订）" not in idx.chunks[0].text


@pytest.mark.parametrize("victim", ["_write_manifest", "_switch_current"])
def test_writer_failure_keeps_previous_index(
    kb: Any, fake: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, victim: str
) -> None:
    build_index(kb, tmp_path, fake, progress=False)
    before = _snapshot(tmp_path)

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(publish_mod, victim, boom)
    kb.clauses.pop()
    with pytest.raises(IndexError_, match="disk full"):
        build_index(kb, tmp_path, fake, progress=False)
    assert _snapshot(tmp_path) == before
    idx = load_index(tmp_path, fake)
    assert idx is not None and len(idx) == len(kb.clauses) + 1


def test_keyboard_interrupt_cleans_temp_folder(
    kb: Any, fake: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_index(kb, tmp_path, fake, progress=False)

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(publish_mod, "_write_manifest", interrupt)
    with pytest.raises(KeyboardInterrupt):
        build_index(kb, tmp_path, fake, progress=False)
    assert not [p for p in _builds(tmp_path) if p.name.startswith(".tmp-")]
    assert load_index(tmp_path, fake) is not None


def test_old_builds_are_cleaned_up(kb: Any, fake: Any, tmp_path: Path) -> None:
    stale_tmp = tmp_path / "index" / "builds" / ".tmp-crashed"
    stale_tmp.mkdir(parents=True)
    for i in range(4):
        kb.clauses[0] = replace(kb.clauses[0], line=100 + i)
        build_index(kb, tmp_path, fake, progress=False)
    names = [p.name for p in _builds(tmp_path)]
    assert len(names) == 2  # the live build and the previous one
    assert (tmp_path / "index" / "CURRENT").read_text() in names
    assert not stale_tmp.exists()


def test_empty_knowledge_base(kb_cls: Any, fake: Any, tmp_path: Path) -> None:
    report = build_index(kb_cls(clauses=[]), tmp_path, fake, progress=False)
    assert report.embedded == 0 and report.chunks == 0
    idx = load_index(tmp_path, fake)
    assert idx is not None and len(idx) == 0


def test_progress_bar_goes_to_stderr(
    kb: Any, fake: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_index(kb, tmp_path, fake, progress=True)
    captured = capsys.readouterr()
    assert "embedding clauses" in captured.err and captured.out == ""
    build_index(kb, tmp_path / "quiet", fake, progress=False)
    assert capsys.readouterr().err == ""


# -- tokens and unchanged artefacts are reused, not recomputed or rewritten -------------


@pytest.fixture
def tokenised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The embedding texts tokenised by a build from now on."""
    seen: list[str] = []
    real = tokenize

    def counting(text: str) -> list[str]:
        seen.append(text)
        return real(text)

    monkeypatch.setattr(build_mod, "tokenize", counting)
    return seen


def test_rebuild_tokenises_only_new_or_edited_chunks(
    kb: Any, fake: Any, tmp_path: Path, tokenised: list[str]
) -> None:
    first = build_index(kb, tmp_path, fake, progress=False)
    assert first.tokenised == len(kb.clauses) == len(tokenised)
    tokenised.clear()
    kb.clauses[2] = replace(kb.clauses[2], text=kb.clauses[2].text + "新增一句。")
    second = build_index(kb, tmp_path, fake, progress=False)
    assert tokenised == [kb.clauses[2].embedding_text()] and second.tokenised == 1
    rows = json.loads((second.path / "chunks.json").read_text(encoding="utf-8"))
    fresh = json.loads((first.path / "chunks.json").read_text(encoding="utf-8"))
    assert [r["tokens"] for i, r in enumerate(rows) if i != 2] == [
        r["tokens"] for i, r in enumerate(fresh) if i != 2
    ]
    assert rows[2]["tokens"] == tokenize(kb.clauses[2].embedding_text())


@pytest.mark.parametrize(
    "damage",
    [lambda p: p.write_bytes(p.read_bytes()[:-20]), lambda p: p.unlink()],
    ids=["truncated-chunks", "missing-chunks"],
)
def test_damaged_stored_tokens_are_recomputed(
    kb: Any, fake: Any, tmp_path: Path, tokenised: list[str], damage: Any
) -> None:
    first = build_index(kb, tmp_path, fake, progress=False)
    damage(first.path / "chunks.json")
    tokenised.clear()
    second = build_index(kb, tmp_path, fake, progress=False)
    assert second.tokenised == len(kb.clauses) == len(tokenised)
    assert load_index(tmp_path, fake) is not None


def test_unchanged_artefacts_are_hard_linked_not_rewritten(
    kb: Any, fake: Any, tmp_path: Path
) -> None:
    first = build_index(kb, tmp_path, fake, progress=False)
    second = build_index(kb, tmp_path, fake, progress=False)  # nothing changed
    names = [p.name for p in first.path.iterdir() if p.name != "manifest.json"]
    assert names
    for name in names:
        assert (second.path / name).samefile(first.path / name), name
    kb.clauses[0] = replace(kb.clauses[0], text=kb.clauses[0].text + "新增一句。")
    third = build_index(kb, tmp_path, fake, progress=False)
    assert not (third.path / "chunks.json").samefile(second.path / "chunks.json")
    assert load_index(tmp_path, fake) is not None
    assert not index_is_stale(kb, tmp_path, fake)


def test_a_filesystem_without_hard_links_gets_copies(
    kb: Any, fake: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build_index(kb, tmp_path, fake, progress=False)

    def refuse(*_: Any) -> None:
        raise OSError("hard links not supported")

    monkeypatch.setattr(os, "link", refuse)  # the os module index.publish links with
    second = build_index(kb, tmp_path, fake, progress=False)
    assert not (second.path / "chunks.json").samefile(first.path / "chunks.json")
    assert load_index(tmp_path, fake) is not None


def test_a_metadata_edit_rewrites_the_records_and_links_the_vectors(
    kb: Any, fake: Any, tmp_path: Path
) -> None:
    first = build_index(kb, tmp_path, fake, progress=False)
    doc = kb.clauses[0].doc
    edited = replace(doc, issuer=doc.issuer + "（更名）")
    kb.clauses[:] = [replace(c, doc=edited) if c.doc == doc else c for c in kb.clauses]
    second = build_index(kb, tmp_path, fake, progress=False)
    assert second.embedded == 0 and second.tokenised == 0
    vector_files = [p.name for p in first.path.iterdir()
                    if p.name not in ("manifest.json", "chunks.json")]
    assert vector_files
    for name in vector_files:
        assert (second.path / name).samefile(first.path / name), name
    assert not (second.path / "chunks.json").samefile(first.path / "chunks.json")
    index = load_index(tmp_path, fake)
    assert index is not None and index.chunks[0].doc.issuer.endswith("（更名）")


@pytest.mark.parametrize("victim", ["manifest.json", "chunks.json", ".CURRENT."])
def test_a_full_disk_leaves_no_file_of_the_failed_build(
    kb: Any, fake: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, victim: str
) -> None:
    """ENOSPC part-way through a file (the artefacts, the manifest, the CURRENT pointer):
    the build fails, and nothing it wrote stays on the full disk."""
    build_index(kb, tmp_path, fake, progress=False)
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "index").rglob("*"))
    real_open = open

    class Full:
        def __init__(self, handle: Any) -> None:
            self.handle = handle

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()

        def write(self, data: bytes) -> int:
            self.handle.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

    def full_open(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(path, mode, *args, **kwargs)
        return Full(handle) if "w" in mode and Path(path).name.startswith(victim) else handle

    monkeypatch.setattr("builtins.open", full_open)
    kb.clauses.pop()
    with pytest.raises(IndexError_, match="No space left"):
        build_index(kb, tmp_path, fake, progress=False)
    monkeypatch.undo()
    after = sorted(p.relative_to(tmp_path) for p in (tmp_path / "index").rglob("*"))
    assert after == before
    assert load_index(tmp_path, fake) is not None
