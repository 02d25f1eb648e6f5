"""Embedders: the Protocol, make_embedder, hashing, USE (slow) and sentence-transformers (st)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embedders import (
    GT_MINILM,
    Embedder,
    HashingEmbedder,
    SentenceTransformerEmbedder,
    USEEmbedder,
    make_embedder,
    normalise_rows,
)
from knowledge.errors import IndexError_

HAS_ST = importlib.util.find_spec("sentence_transformers") is not None


def test_fake_embedder_is_protocol_compliant(fake_cls: type) -> None:
    fake = fake_cls()
    assert isinstance(fake, Embedder)
    out = fake.embed(["a", "b"])
    assert out.shape == (2, 4) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-6)
    assert np.array_equal(out, fake.embed(["a", "b"]))


def test_make_embedder_default_is_use_and_lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYBOT_EMBEDDER", "hash")  # the environment is the bot's to read
    emb = make_embedder(None)
    assert isinstance(emb, USEEmbedder)
    assert emb._model is None  # nothing loaded until warm_up()/embed()
    assert emb.dim == 512
    assert "use-multilingual-v3" in emb.name and "==" in emb.name
    assert isinstance(make_embedder("use"), USEEmbedder)
    assert isinstance(make_embedder(" USE "), USEEmbedder)
    assert isinstance(emb, Embedder)


def test_use_threads_suit_a_small_box() -> None:
    assert USEEmbedder().threads == 1  # no BLAS oversubscription on a busy 2-core box
    assert USEEmbedder(threads=2).threads == 2


def test_make_embedder_for_a_local_model() -> None:
    emb = make_embedder(f"st:{GT_MINILM}")
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert emb.name.startswith(f"st:{GT_MINILM}==")
    assert emb.local and Path(emb.source).is_dir()
    assert emb._model is None


def test_make_embedder_rejects_bad_specs(tmp_path: Path) -> None:
    with pytest.raises(IndexError_, match="unknown embedder"):
        make_embedder("word2vec")
    with pytest.raises(IndexError_, match="needs a model"):
        make_embedder("st:")
    with pytest.raises(IndexError_, match="not found"):
        make_embedder(f"st:{tmp_path / 'missing-model'}")


def test_st_name_identifies_a_local_folder(tmp_path: Path) -> None:
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text('{"a": 1}')
    first = SentenceTransformerEmbedder(str(folder)).name
    (folder / "config.json").write_text('{"a": 2}')
    second = SentenceTransformerEmbedder(str(folder)).name
    assert first.startswith("st:my-model@") and first != second


def test_st_missing_extra_gives_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    emb = SentenceTransformerEmbedder(GT_MINILM)
    with pytest.raises(IndexError_, match=r"pip install -e '\.\[st\]'"):
        emb.embed(["测试"])


def test_hashing_embedder_is_a_deterministic_protocol_compliant_embedder() -> None:
    emb = make_embedder("hash")
    assert isinstance(emb, HashingEmbedder) and isinstance(emb, Embedder)
    assert emb.dim == 256 and emb.name == "hash-v1-256d"
    texts = ["科技企业孵化器奖励", "孵化器有补贴吗", "明天天气怎么样", "x" * 20000]
    out = emb.embed(texts)
    assert out.shape == (4, 256) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    again = HashingEmbedder().embed(texts)  # a new instance (and process): same vectors
    assert np.array_equal(out, again)
    assert out[0] @ out[1] > out[0] @ out[2]  # shared wording → closer
    assert emb.embed([]).shape == (0, 256)
    with pytest.raises(TypeError):
        emb.embed("a single string")


def test_hashing_embedder_fixed_values_and_sizes() -> None:
    """The hash is fixed (no ``hash()`` seed): a stored index stays valid across runs."""
    emb = HashingEmbedder(64)
    pinned = emb.embed(["技术"])[0]  # 技, 术 (weight 0.5 each) and 技术 (1.0)
    assert np.flatnonzero(pinned).tolist() == [10, 11, 50]
    assert np.allclose(pinned[[10, 11, 50]], np.array([0.5, -1.0, 0.5]) / np.sqrt(1.5))
    vec = emb.embed(["技术创新中心"])[0]
    assert emb.name == "hash-v1-64d" and vec.shape == (64,)
    assert np.count_nonzero(vec) >= 8  # 6 + 5 + 4 n-grams spread over the buckets
    assert abs(float(vec @ emb.embed(["技术创新中心 "])[0]) - 1.0) < 1e-6  # spacing ignored
    assert float(vec @ emb.embed(["ＡＢＣ技术创新中心"])[0]) > 0.6  # NFKC, lower case
    assert np.array_equal(emb.embed(["ABC"]), emb.embed(["ａｂｃ"]))
    assert not emb.embed(["   "]).any()  # nothing to hash: a zero row
    assert make_embedder("hash:128").dim == 128
    assert make_embedder(" HASH ").name == "hash-v1-256d"
    with pytest.raises(IndexError_, match="dimension"):
        make_embedder("hash:big")
    with pytest.raises(IndexError_, match="8-4096"):
        HashingEmbedder(4)


def test_blank_spec_is_use() -> None:
    assert isinstance(make_embedder(" "), USEEmbedder)


def test_normalise_rows_checks_shape_and_values() -> None:
    out = normalise_rows(np.array([[3.0, 4.0], [0.0, 0.0]]), 2)
    assert np.allclose(out, [[0.6, 0.8], [0.0, 0.0]]) and out.dtype == np.float32
    with pytest.raises(IndexError_):
        normalise_rows(np.zeros((2, 3)), 2)
    with pytest.raises(IndexError_):
        normalise_rows(np.array([[np.nan, 1.0]]), 2)


@pytest.mark.slow
def test_use_embeds_normalised_vectors() -> None:
    emb = USEEmbedder()
    emb.warm_up()
    out = emb.embed(["科技企业孵化器奖励", "孵化器有补贴吗", "明天天气怎么样", "x" * 20000])
    assert out.shape == (4, 512) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert out[0] @ out[1] > out[0] @ out[2]
    assert emb.embed([]).shape == (0, 512)
    with pytest.raises(TypeError):
        emb.embed("a single string")


@pytest.mark.st
@pytest.mark.skipif(not HAS_ST, reason="sentence-transformers extra not installed")
def test_sentence_transformer_gt_minilm_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    emb = make_embedder(f"st:{GT_MINILM}")
    assert isinstance(emb, SentenceTransformerEmbedder)
    out = emb.embed(["technology business incubator", "incubator rewards", "weather tomorrow"])
    assert emb.dim == 384
    assert out.shape == (3, 384) and out.dtype == np.float32
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert out[0] @ out[1] > out[0] @ out[2]
    assert emb.embed([]).shape == (0, 384)


@pytest.mark.st
@pytest.mark.skipif(not HAS_ST, reason="sentence-transformers extra not installed")
def test_sentence_transformer_never_downloads() -> None:
    emb = SentenceTransformerEmbedder("some-org/model-that-is-not-cached")
    with pytest.raises(IndexError_, match="local files"):
        emb.warm_up()
