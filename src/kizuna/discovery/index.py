"""The per-workspace search cache: every searchable attribute and embedding as numpy arrays.

Filtering a million creators on JSON columns (languages, categories, audience shares) is slow in SQLite and
differs between databases; a column-store held in memory makes every filter a vectorised comparison and makes the
ranking bit-for-bit the same on SQLite and PostgreSQL (docs/adr/0200-embedding-model-and-vector-ranking.md).

Freshness: each search compares a :class:`~kizuna.discovery.repository.Fingerprint` (two indexed ``max()``: the
newest influencer id and the latest ``embedded_at``). New or re-checked embeddings are patched into the matrix in
place; other changes rebuild the snapshot (in the background for large workspaces). ORM writes in this process invalidate at
once (flush hook); writes made by other processes are found by a thorough full-scan signature
(:func:`~kizuna.discovery.repository.deep_fingerprint`) checked every ``MAX_AGE_SECONDS`` — in a background
thread for large workspaces, so no search waits for it; the snapshot is rebuilt only if that signature changed. Data that changes with every outreach step (contacted or not) and post-level brand
mentions are never cached; they are read live per search.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import event
from sqlalchemy.orm import Session

from kizuna.discovery import repository as repo
from kizuna.discovery.embeddings import DIM, MAX_CAPTIONS, from_bytes
from kizuna.discovery.filters import AGE_BANDS, GENDERS
from kizuna.models.audience_profile import AudienceProfile
from kizuna.models.influencer import Influencer
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount

log = logging.getLogger(__name__)
F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

MAX_AGE_SECONDS = 120.0
#: Workspaces up to this size are rebuilt inside the search that notices a change; larger ones in the background.
INLINE_REBUILD_LIMIT = 50_000
#: Queue background embedding when a commit in this process changed searchable data.
AUTO_SCHEDULE = True
#: Workspaces with more creators than this keep their profile vectors as float16 (half the memory; rows are
#: converted to float32 when they are scored exactly), and with more embedded profiles than this they also keep a
#: PCA projection of every vector (:data:`REDUCED_DIM` values) for the semantic shortlist
#: (:meth:`WorkspaceIndex.semantic_estimate`, docs/adr/0202-semantic-shortlist.md). Below it everything is exact
#: float32, as the candidate sets are small enough to score directly.
REDUCE_ABOVE = 50_000
REDUCED_DIM = 64
SEPARATOR = "\x00"


class Vocab:
    """Value → small integer code, for categorical columns and bitsets."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}

    def code(self, value: str) -> int:
        c = self.codes.get(value)
        if c is None:
            c = len(self.codes)
            self.codes[value] = c
        return c

    def get(self, value: str) -> int | None:
        return self.codes.get(value)

    def __len__(self) -> int:
        return len(self.codes)


def take(values: npt.NDArray[Any], positions: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
    """``values[positions]`` for sorted, unique row positions; when every row is a candidate (an unfiltered
    search) that is ``values`` itself, without copying a million elements. The result may be a view: read it."""
    if positions.size == values.shape[0]:
        return values
    out: npt.NDArray[Any] = values[positions]
    return out


def one_of(codes_column: npt.NDArray[Any], codes: Iterable[int]) -> Mask:
    """Rows whose code is one of ``codes``: one comparison per code (``np.isin`` sorts and costs ~10 ms at a
    million rows for two codes)."""
    hit = np.zeros(codes_column.shape[0], dtype=bool)
    for c in codes:
        hit |= codes_column == c
    return hit


def _bitset(rows: list[list[int]], width_bits: int) -> npt.NDArray[np.uint64]:
    words = max(1, (width_bits + 63) // 64)
    out = np.zeros((len(rows), words), dtype=np.uint64)
    for i, codes in enumerate(rows):
        for c in codes:
            out[i, c >> 6] |= np.uint64(1) << np.uint64(c & 63)
    return out


def any_of(bits: npt.NDArray[np.uint64], codes: Iterable[int | None]) -> Mask:
    """Rows whose set has at least one of ``codes`` (unknown values match nobody)."""
    want = np.zeros(bits.shape[1], dtype=np.uint64)
    for c in codes:
        if c is not None:
            want[c >> 6] |= np.uint64(1) << np.uint64(c & 63)
    if not want.any():
        return np.zeros(bits.shape[0], dtype=bool)
    hit: Mask = ((bits & want) != 0).any(axis=1)
    return hit


@dataclass
class Sparse:
    """Audience shares of one key (e.g. country TW) as parallel arrays of row positions and shares."""

    rows: npt.NDArray[np.int32]  # ascending
    shares: F32


@dataclass
class WorkspaceIndex:
    ws_id: int
    fingerprint: repo.Fingerprint
    deep: tuple[Any, ...]
    built_at: float
    ids: I64
    followers: I64
    engagement: F32
    quality: F32
    tier: npt.NDArray[np.int16]
    country: npt.NDArray[np.int16]
    has_email: Mask
    tier_vocab: Vocab
    country_vocab: Vocab
    language_vocab: Vocab
    category_vocab: Vocab
    platform_vocab: Vocab
    languages: npt.NDArray[np.uint64]
    categories: npt.NDArray[np.uint64]
    platforms: npt.NDArray[np.uint64]
    has_audience: Mask
    age: F32
    gender: F32
    aud_country: dict[str, Sparse]
    aud_language: dict[str, Sparse]
    text: bytes
    text_offsets: I64
    vectors: F32
    has_vector: Mask
    model: str | None = None
    last_embedded_at: datetime | None = None
    reduced: F32 | None = None
    basis: F32 | None = None
    mean: F32 | None = None
    #: Covariance of what the projection leaves out (384×384, from the fitting sample): the spread of the
    #: estimate's error for a query ``q`` is ``sqrt(qᵀ·residual_cov·q)``.
    residual_cov: F32 | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: term → rows containing it; the text never changes within one snapshot, and a person refining filters
    #: re-runs the same brief many times.
    term_cache: dict[bytes, npt.NDArray[np.int64]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.ids.shape[0])

    def positions(self, ids: Iterable[int]) -> npt.NDArray[np.int64]:
        """Row positions of the given influencer ids (ids not in the index are dropped)."""
        arr = np.fromiter(ids, dtype=np.int64)
        if arr.size == 0 or self.size == 0:
            return np.zeros(0, dtype=np.int64)
        pos = np.searchsorted(self.ids, arr)
        pos = np.clip(pos, 0, self.size - 1)
        ok = self.ids[pos] == arr
        found: npt.NDArray[np.int64] = pos[ok].astype(np.int64)
        return found

    def mask_of(self, ids: Iterable[int]) -> Mask:
        m = np.zeros(self.size, dtype=bool)
        m[self.positions(ids)] = True
        return m

    def row_text(self, pos: int) -> str:
        return self.text[int(self.text_offsets[pos]) : int(self.text_offsets[pos + 1]) - 1].decode("utf-8")

    def text_hits(self, term: str) -> npt.NDArray[np.int64]:
        """Rows whose searchable text (name, handles, categories, bio, recent captions and hashtags) contains
        ``term``, case-insensitively. One C-level scan of the lowercased UTF-8 blob per term."""
        needle = term.lower().encode("utf-8")
        if not needle or SEPARATOR.encode() in needle:
            return np.zeros(0, dtype=np.int64)
        cached = self.term_cache.get(needle)
        if cached is not None:
            return cached
        # bytes.find is a C fast search; only the hit positions cross into Python, and they are mapped to rows
        # in one vectorised searchsorted (a per-hit lookup cost ~0.5 s for a common word at a million rows).
        starts: list[int] = []
        find, step = self.text.find, len(needle)
        at = find(needle)
        while at >= 0:
            starts.append(at)
            at = find(needle, at + step)
        if not starts:
            self.term_cache[needle] = np.zeros(0, dtype=np.int64)
            return self.term_cache[needle]
        rows = np.searchsorted(self.text_offsets, np.asarray(starts, dtype=np.int64), side="right") - 1
        hits: npt.NDArray[np.int64] = np.unique(rows).astype(np.int64)
        if len(self.term_cache) >= 256:
            self.term_cache.clear()
        self.term_cache[needle] = hits
        return hits

    def audience_of(self, pos: int, dimension: str = "country") -> dict[str, float]:
        """One row's sparse audience shares (``country`` or ``language``), by key."""
        table = self.aud_country if dimension == "country" else self.aud_language
        out: dict[str, float] = {}
        for key, sp in table.items():
            i = int(np.searchsorted(sp.rows, pos))
            if i < sp.rows.size and int(sp.rows[i]) == pos:
                out[key] = float(sp.shares[i])
        return out

    def audience_share(self, dimension: str, keys: Sequence[str]) -> F32:
        """Summed audience share of ``keys`` in ``dimension`` for every row (0 where unknown)."""
        out = np.zeros(self.size, dtype=np.float32)
        if dimension == "age":
            for k in keys:
                if k in AGE_BANDS:
                    out += self.age[:, AGE_BANDS.index(k)]
        elif dimension == "gender":
            for k in keys:
                if k in GENDERS:
                    out += self.gender[:, GENDERS.index(k)]
        else:
            table = self.aud_country if dimension == "country" else self.aud_language
            for k in keys:
                sp = table.get(k)
                if sp is not None:
                    out[sp.rows] += sp.shares  # rows are unique within one key
        return out

    # --- semantic scoring ---------------------------------------------------------------------------------------

    def semantic_estimate(self, q: F32, candidates: npt.NDArray[np.int64]) -> F32 | None:
        """Estimated cosine of ``q`` with each candidate's profile vector from the PCA projection (NaN for
        profiles not embedded yet), or ``None`` when this workspace has no projection (it is small).

        One contiguous product over the whole projection (a sixth of the float32 matrix) is cheaper than gathering
        even a tenth of its rows, so small candidate sets gather and large ones take the full product.
        """
        if self.reduced is None or self.basis is None or self.mean is None:
            return None
        qr = (self.basis.T @ q).astype(np.float32)
        offset = np.float32(self.mean @ q)
        if candidates.size > self.size // 8:
            est = take(self.reduced @ qr, candidates)
        else:
            est = self.reduced[candidates] @ qr
        est += offset
        est = est.astype(np.float32, copy=False)
        est[~take(self.has_vector, candidates)] = np.nan
        return est

    def estimate_spread(self, q: F32) -> float:
        """Standard deviation of :meth:`semantic_estimate`'s error for ``q`` over the workspace's profiles
        (0 without a projection)."""
        if self.residual_cov is None:
            return 0.0
        return float(np.sqrt(max(float(q @ self.residual_cov @ q), 0.0)))

    def exact_semantic(self, q: F32, positions: npt.NDArray[np.int64]) -> F32:
        """Cosine of ``q`` with the stored vectors of ``positions`` (NaN for profiles not embedded yet)."""
        have = take(self.has_vector, positions)
        n_have = int(np.count_nonzero(have))
        if n_have > self.size // 4 and self.vectors.dtype == np.float32:
            scores = take(self.vectors @ q, positions)  # a sequential pass beats gathering most of the rows
            scores = scores.astype(np.float32, copy=False)
            scores[~have] = np.nan
            return scores
        # Only rows that have a vector are read (while a large workspace is still being indexed, few do).
        out = np.full(positions.size, np.nan, dtype=np.float32)
        if n_have:
            rows = positions if n_have == positions.size else positions[have]
            values = self.vectors[rows].astype(np.float32, copy=False) @ q
            if n_have == positions.size:
                out[:] = values
            else:
                out[have] = values
        return out

    def vector(self, pos: int) -> F32:
        """One stored profile vector as float32 (a lookalike seed)."""
        out: F32 = np.asarray(self.vectors[pos], dtype=np.float32).copy()
        return out

    def patch_vectors(self, rows: Iterable[Sequence[Any]]) -> int:
        """Write new or changed embeddings into the matrix (and the reduced copy) in place."""
        n = 0
        for part in rows:
            ids = [int(r[0]) for r in part]
            pos = np.searchsorted(self.ids, np.asarray(ids, dtype=np.int64))
            for (inf_id, blob, embedded_at, model), p in zip(part, pos, strict=True):
                if p >= self.size or self.ids[p] != inf_id:
                    continue
                vec = from_bytes(blob)
                self.vectors[p] = vec  # cast to the matrix's dtype
                self.has_vector[p] = True
                self.model = model
                if self.reduced is not None and self.basis is not None and self.mean is not None:
                    self.reduced[p] = (self.vector(int(p)) - self.mean) @ self.basis
                if self.last_embedded_at is None or embedded_at > self.last_embedded_at:
                    self.last_embedded_at = embedded_at
                n += 1
        return n


def _searchable_text(name: str, handles: list[str], categories: list[str], bio: str, posts: list[str]) -> str:
    text = " ".join([name, " ".join(handles), " ".join(categories), bio, *posts])
    return text.replace(SEPARATOR, " ").lower()


def build(session: Session, ws_id: int) -> WorkspaceIndex:
    """Read the workspace once and lay it out as arrays. O(rows); about a minute per million creators."""
    fp = repo.fingerprint(session, ws_id)
    deep = repo.deep_fingerprint(session, ws_id)
    ids: list[int] = []
    names: list[str] = []
    bios: list[str] = []
    followers: list[int] = []
    engagement: list[float] = []
    tier_codes: list[int] = []
    country_codes: list[int] = []
    lang_rows: list[list[int]] = []
    cat_rows: list[list[int]] = []
    has_email: list[bool] = []
    tier_vocab, country_vocab, language_vocab, category_vocab, platform_vocab = (
        Vocab(),
        Vocab(),
        Vocab(),
        Vocab(),
        Vocab(),
    )
    mgr_email = repo.managers_with_email(session, ws_id)
    categories_by_row: list[list[str]] = []
    for part in repo.iter_influencer_rows(session, ws_id):
        langs_col = repo.decode_json_column([r[7] for r in part])
        cats_col = repo.decode_json_column([r[8] for r in part])
        emails_col = repo.decode_json_column([r[9] for r in part])
        for r, langs, cats_raw, emails in zip(part, langs_col, cats_col, emails_col, strict=True):
            ids.append(int(r[0]))
            names.append(r[1] or "")
            bios.append(r[2] or "")
            followers.append(int(r[3]) if r[3] is not None else -1)
            engagement.append(float(r[4]) if r[4] is not None else np.nan)
            tier_codes.append(tier_vocab.code(r[5]) if r[5] else -1)
            country_codes.append(country_vocab.code(r[6].upper()) if r[6] else -1)
            lang_rows.append([language_vocab.code(str(x)) for x in (langs or [])])
            cats = [str(x).lower() for x in (cats_raw or [])]
            categories_by_row.append(cats)
            cat_rows.append([category_vocab.code(c) for c in cats])
            has_email.append(bool(emails) or (r[10] is not None and int(r[10]) in mgr_email))
    n = len(ids)
    id_arr = np.asarray(ids, dtype=np.int64)

    def pos_of(inf_ids: list[int]) -> npt.NDArray[np.int64]:
        p = np.searchsorted(id_arr, np.asarray(inf_ids, dtype=np.int64))
        return np.clip(p, 0, max(n - 1, 0))

    plat_rows: list[list[int]] = [[] for _ in range(n)]
    handles: list[list[str]] = [[] for _ in range(n)]
    q_num = np.zeros(n, dtype=np.float64)
    q_den = np.zeros(n, dtype=np.float64)
    for part in repo.iter_account_rows(session, ws_id):
        if n == 0:
            break
        ps = pos_of([int(r[0]) for r in part])
        for r, p in zip(part, ps, strict=True):
            if id_arr[p] != int(r[0]):
                continue
            plat_rows[p].append(platform_vocab.code(str(r[1]).lower()))
            handles[p].append(r[2] or "")
            if r[4] is not None:
                w = max(float(r[3] or 0), 1.0)
                q_num[p] += w * float(r[4])
                q_den[p] += w
    quality = np.full(n, np.nan, dtype=np.float32)
    scored = q_den > 0
    quality[scored] = (q_num[scored] / q_den[scored]).astype(np.float32)

    # Audience: follower-weighted mean over the creator's accounts that have a profile.
    age = np.zeros((n, len(AGE_BANDS)), dtype=np.float64)
    gender = np.zeros((n, len(GENDERS)), dtype=np.float64)
    weight = np.zeros(n, dtype=np.float64)
    country_acc: dict[str, dict[int, float]] = {}
    language_acc: dict[str, dict[int, float]] = {}
    for part in repo.iter_audience_rows(session, ws_id):
        if n == 0:
            break
        ps = pos_of([int(r[0]) for r in part])
        decoded = [repo.decode_json_column([r[c] for r in part]) for c in (2, 3, 4, 5)]
        for r, p, ages, genders, countries, languages in zip(part, ps, *decoded, strict=True):
            if id_arr[p] != int(r[0]):
                continue
            w = max(float(r[1] or 0), 1.0)
            weight[p] += w
            for k, v in (ages or {}).items():
                if k in AGE_BANDS:
                    age[p, AGE_BANDS.index(k)] += w * float(v)
            for k, v in (genders or {}).items():
                if k in GENDERS:
                    gender[p, GENDERS.index(k)] += w * float(v)
            for k, v in (countries or {}).items():
                d = country_acc.setdefault(str(k).upper(), {})
                d[int(p)] = d.get(int(p), 0.0) + w * float(v)
            for k, v in (languages or {}).items():
                d = language_acc.setdefault(str(k), {})
                d[int(p)] = d.get(int(p), 0.0) + w * float(v)
    has_audience = weight > 0
    safe_w = np.where(has_audience, weight, 1.0)
    age /= safe_w[:, None]
    gender /= safe_w[:, None]

    def sparse(acc: dict[str, dict[int, float]]) -> dict[str, Sparse]:
        out: dict[str, Sparse] = {}
        for key, d in acc.items():
            rows = np.fromiter(d.keys(), dtype=np.int32, count=len(d))
            vals = np.fromiter(d.values(), dtype=np.float64, count=len(d)) / safe_w[rows]
            order = np.argsort(rows, kind="stable")  # sorted rows: one row's shares by binary search
            out[key] = Sparse(rows[order], vals[order].astype(np.float32))
        return out

    # Recent captions and hashtags join the searchable text (keywords) of each creator.
    posts_text: list[list[str]] = [[] for _ in range(n)]
    for part in repo.iter_recent_posts(session, ws_id):
        if n == 0:
            break
        ps = pos_of([int(r[0]) for r in part])
        for r, p in zip(part, ps, strict=True):
            if id_arr[p] == int(r[0]) and len(posts_text[p]) < MAX_CAPTIONS:
                tags = " ".join(f"#{t}" for t in (r[2] or []))
                posts_text[p].append(f"{r[1] or ''} {tags}")
    pieces = [
        _searchable_text(names[i], handles[i], categories_by_row[i], bios[i], posts_text[i]) + SEPARATOR
        for i in range(n)
    ]
    encoded = [p.encode("utf-8") for p in pieces]
    offsets = np.zeros(n + 1, dtype=np.int64)
    if n:
        offsets[1:] = np.cumsum([len(e) for e in encoded])
    text = b"".join(encoded)
    del pieces, encoded

    index = WorkspaceIndex(
        ws_id=ws_id,
        fingerprint=fp,
        deep=deep,
        built_at=time.monotonic(),
        ids=id_arr,
        followers=np.asarray(followers, dtype=np.int64),
        engagement=np.asarray(engagement, dtype=np.float32),
        quality=quality,
        tier=np.asarray(tier_codes, dtype=np.int16),
        country=np.asarray(country_codes, dtype=np.int16),
        has_email=np.asarray(has_email, dtype=bool),
        tier_vocab=tier_vocab,
        country_vocab=country_vocab,
        language_vocab=language_vocab,
        category_vocab=category_vocab,
        platform_vocab=platform_vocab,
        languages=_bitset(lang_rows, len(language_vocab)),
        categories=_bitset(cat_rows, len(category_vocab)),
        platforms=_bitset(plat_rows, len(platform_vocab)),
        has_audience=has_audience,
        age=np.asfortranarray(age, dtype=np.float32),
        gender=np.asfortranarray(gender, dtype=np.float32),
        aud_country=sparse(country_acc),
        aud_language=sparse(language_acc),
        text=text,
        text_offsets=offsets,
        vectors=np.zeros((n, DIM), dtype=np.float16 if n > REDUCE_ABOVE else np.float32),
        has_vector=np.zeros(n, dtype=bool),
    )
    index.patch_vectors(repo.iter_embeddings(session, ws_id))
    _fit_reduction(index)
    index.built_at = time.monotonic()
    return index


def _fit_reduction(index: WorkspaceIndex) -> None:
    """PCA basis from a deterministic sample of the embedded profiles, and the projection of every row. Only
    above :data:`REDUCE_ABOVE` embedded profiles; about a second per million rows."""
    have = np.flatnonzero(index.has_vector)
    if have.size <= REDUCE_ABOVE:
        index.reduced = index.basis = index.mean = index.residual_cov = None
        return
    sample = have[np.linspace(0, have.size - 1, num=min(20_000, have.size)).astype(np.int64)]
    x = index.vectors[sample].astype(np.float64)
    mean = x.mean(axis=0)
    _u, _s, vt = np.linalg.svd(x - mean, full_matrices=False)
    basis = np.ascontiguousarray(vt[:REDUCED_DIM].T, dtype=np.float32)
    centred = x - mean
    residual = centred - (centred @ vt[:REDUCED_DIM].T) @ vt[:REDUCED_DIM]
    index.residual_cov = ((residual.T @ residual) / max(1, residual.shape[0])).astype(np.float32)
    index.mean = mean.astype(np.float32)
    index.basis = basis
    reduced = np.empty((index.size, basis.shape[1]), dtype=np.float32)
    step = 100_000
    for s in range(0, index.size, step):
        reduced[s : s + step] = (index.vectors[s : s + step].astype(np.float32) - index.mean) @ basis
    index.reduced = reduced


class IndexCache:
    """One :class:`WorkspaceIndex` per workspace per process, refreshed on change."""

    def __init__(self) -> None:
        self._indexes: dict[int, WorkspaceIndex] = {}
        self._dirty: set[int] = set()
        self._lock = threading.Lock()
        self._build_locks: dict[int, threading.Lock] = {}
        self._rebuilding: set[int] = set()

    def invalidate(self, ws_id: int) -> None:
        with self._lock:
            self._dirty.add(ws_id)

    def clear(self) -> None:
        with self._lock:
            self._indexes.clear()
            self._dirty.clear()

    def get(self, session: Session, ws_id: int) -> WorkspaceIndex:
        """The workspace's index, brought up to date.

        New embeddings are patched in place. Anything else that changed means a rebuild: inline for small
        workspaces, and for large ones (a rebuild takes about a minute per million creators) in a background
        thread while searches keep using the previous snapshot.
        """
        with self._lock:
            build_lock = self._build_locks.setdefault(ws_id, threading.Lock())
        with build_lock:
            current = self._indexes.get(ws_id)
            with self._lock:
                dirty = ws_id in self._dirty
                self._dirty.discard(ws_id)
            if current is None:
                return self._store(build(session, ws_id))
            fp = repo.fingerprint(session, ws_id)
            changed = dirty or fp.max_influencer_id != current.fingerprint.max_influencer_id
            if not changed and fp != current.fingerprint:
                with current.lock:
                    current.patch_vectors(
                        repo.iter_embeddings(session, ws_id, since=current.last_embedded_at)
                    )
                    current.fingerprint = fp
                    if current.reduced is None and int(np.count_nonzero(current.has_vector)) > REDUCE_ABOVE:
                        _fit_reduction(current)  # incremental indexing just made the workspace large
            expired = time.monotonic() - current.built_at > MAX_AGE_SECONDS
            if current.size <= INLINE_REBUILD_LIMIT:
                if changed or (expired and repo.deep_fingerprint(session, ws_id) != current.deep):
                    return self._store(build(session, ws_id))
                current.built_at = time.monotonic()
                return current
            if changed or expired:
                self._refresh_in_background(ws_id, current, force=changed)
            return current

    def _store(self, index: WorkspaceIndex) -> WorkspaceIndex:
        with self._lock:
            self._indexes[index.ws_id] = index
        return index

    def _refresh_in_background(self, ws_id: int, current: WorkspaceIndex, *, force: bool) -> None:
        """Check (and if needed rebuild) a large index off the request path; searches keep the old snapshot."""
        with self._lock:
            if ws_id in self._rebuilding:
                return
            self._rebuilding.add(ws_id)
        current.built_at = time.monotonic()  # do not ask again while this runs

        def work() -> None:
            from kizuna.db import session_factory

            try:
                with session_factory()() as session:
                    if force or repo.deep_fingerprint(session, ws_id) != current.deep:
                        self._store(build(session, ws_id))
            except Exception:
                log.exception("refreshing the search index of workspace %s failed", ws_id)
                self.invalidate(ws_id)
            finally:
                with self._lock:
                    self._rebuilding.discard(ws_id)

        threading.Thread(target=work, name=f"discovery-index-{ws_id}", daemon=True).start()


cache = IndexCache()

_WATCHED = (Influencer, SocialAccount, AudienceProfile, Post)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _ctx: Any) -> None:
    touched = session.info.setdefault("discovery_touched", set())
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, _WATCHED):
            ws = getattr(obj, "workspace_id", None)
            if ws is not None:
                touched.add(int(ws))


@event.listens_for(Session, "after_commit")
def _invalidate_on_commit(session: Session) -> None:
    touched: set[int] = session.info.pop("discovery_touched", set())
    for ws in touched:
        cache.invalidate(ws)
        if AUTO_SCHEDULE:
            from kizuna.discovery.tasks import schedule

            schedule(ws)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop("discovery_touched", None)
