"""Discovery: filtered search, brand-fit matching, lookalikes, saved searches, adding results to lists.

Every entry point (pages, API, CLI) calls :data:`discovery`; it never commits (the caller's unit of work does).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.discovery import repository as repo
from kizuna.discovery.embeddings import Embedder, default_embedder
from kizuna.discovery.filters import SearchFilters, SearchQuery, Target, infer_target
from kizuna.discovery.index import WorkspaceIndex, any_of, cache, one_of, take
from kizuna.discovery.matching import (
    DEFAULT_WEIGHTS,
    LOOKALIKE_WEIGHTS,
    SEMANTIC_BANDS,
    Part,
    audience_detail,
    audience_target_fit,
    brief_terms,
    effective_weights,
    lookalike_audience,
    normalise_semantic,
    profile_fit,
)
from kizuna.errors import NotFound, ValidationFailed
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_list import InfluencerList
from kizuna.models.influencer_list_member import InfluencerListMember
from kizuna.models.saved_search import SavedSearch

Mask = npt.NDArray[np.bool_]
#: Large workspaces rank by relevance in two steps (docs/adr/0202-semantic-shortlist.md): every candidate's score
#: is estimated with the semantic part taken from the PCA projection, then at least this many of the best
#: estimates (and at least ``SHORTLIST_PER_RESULT`` per requested result) are scored exactly with the full vectors
#: and ranked. Candidate sets up to this size are scored exactly in one step.
SHORTLIST = 8_000
SHORTLIST_PER_RESULT = 20
#: After the shortlist is ranked, candidates whose estimated score is within this many standard deviations of the
#: estimate's error (:meth:`WorkspaceIndex.estimate_spread`) below the last shown exact score are scored exactly
#: too, up to ``EXTRA_LIMIT`` more (the best estimates first).
MARGIN_SIGMAS = 3.0
EXTRA_LIMIT = 8_000


@dataclass
class Result:
    influencer_id: int
    display_name: str
    handles: list[dict[str, Any]]
    country: str | None
    languages: list[str]
    categories: list[str]
    tier: str | None
    followers: int | None
    engagement_rate: float | None
    audience_quality: float | None
    has_email: bool
    contacted: bool
    score: float | None
    parts: list[Part]
    brand_posts: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "influencer_id": self.influencer_id,
            "display_name": self.display_name,
            "handles": self.handles,
            "country": self.country,
            "languages": self.languages,
            "categories": self.categories,
            "tier": self.tier,
            "followers": self.followers,
            "engagement_rate": self.engagement_rate,
            "audience_quality": self.audience_quality,
            "has_email": self.has_email,
            "contacted": self.contacted,
            "score": round(self.score, 4) if self.score is not None else None,
            "parts": [p.as_dict() for p in self.parts],
            "brand_posts": [
                {**p, "published_at": p["published_at"].isoformat() if p.get("published_at") else None}
                for p in self.brand_posts
            ],
        }


@dataclass
class SearchResults:
    query: SearchQuery
    total: int
    results: list[Result]
    weights: dict[str, float]
    target: Target
    terms: list[str]
    notes: list[tuple[str, dict[str, Any]]]
    timings_ms: dict[str, float]
    approximate: bool = False
    #: Candidates whose semantic part was computed exactly when ``approximate`` (the shortlist plus the margin).
    shortlisted: int = 0
    embedded: int = 0
    indexed: int = 0
    seed: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "sort": self.query.sort,
            "limit": self.query.limit,
            "offset": self.query.offset,
            "filters": self.query.filters.active(),
            "brief": self.query.brief or None,
            "like": self.seed,
            "target": self.target.as_dict(),
            "terms": self.terms,
            "weights": {k: round(v, 4) for k, v in self.weights.items()},
            "notes": [msg % params if params else msg for msg, params in self.notes],
            "index": {
                "influencers": self.indexed,
                "embedded": self.embedded,
                "approximate": self.approximate,
                "shortlisted": self.shortlisted,
            },
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "results": [r.as_dict() for r in self.results],
        }


def campaign_target(campaign: Campaign) -> Target:
    """Read a campaign's ``target`` JSON, tolerating the spellings used across the app."""
    t = campaign.target or {}

    def ints(*keys: str) -> int | None:
        for k in keys:
            v = t.get(k)
            if isinstance(v, int | float) or (isinstance(v, str) and v.isdigit()):
                return int(v)
        return None

    age_min, age_max = ints("age_min"), ints("age_max")
    rng = t.get("age_range") or t.get("ages")
    if isinstance(rng, list | tuple) and len(rng) == 2:
        age_min, age_max = int(rng[0]), int(rng[1])
    elif isinstance(rng, str) and "-" in rng:
        lo, hi = rng.split("-", 1)
        if lo.strip().isdigit() and hi.strip().isdigit():
            age_min, age_max = int(lo), int(hi)

    def strs(*keys: str) -> tuple[str, ...]:
        for k in keys:
            v = t.get(k)
            if isinstance(v, str) and v:
                return (v,)
            if isinstance(v, list | tuple) and v:
                return tuple(str(x) for x in v)
        return ()

    return Target(
        age_min=age_min,
        age_max=age_max,
        genders=tuple(g.lower() for g in strs("genders", "gender")),
        countries=tuple(c.upper() for c in strs("countries", "country")),
        languages=strs("languages", "language"),
    )


def filter_mask(
    session: Session, index: WorkspaceIndex, f: SearchFilters, notes: list[tuple[str, dict[str, Any]]]
) -> Mask:
    """Every filter of the query as one boolean mask over the index rows."""
    n = index.size
    mask = np.ones(n, dtype=bool)
    if f.platforms:
        mask &= any_of(index.platforms, [index.platform_vocab.get(p) for p in f.platforms])
    if f.tiers:
        codes = [c for c in (index.tier_vocab.get(t) for t in f.tiers) if c is not None]
        mask &= one_of(index.tier, codes)
    if f.followers_min is not None:
        mask &= index.followers >= f.followers_min
    if f.followers_max is not None:
        mask &= (index.followers <= f.followers_max) & (index.followers >= 0)
    if f.engagement_min is not None:
        mask &= index.engagement >= f.engagement_min  # NaN compares False: unknown engagement is excluded
    if f.engagement_max is not None:
        mask &= index.engagement <= f.engagement_max
    if f.countries:
        codes = [c for c in (index.country_vocab.get(x) for x in f.countries) if c is not None]
        mask &= one_of(index.country, codes)
    if f.languages:
        mask &= any_of(index.languages, [index.language_vocab.get(x) for x in f.languages])
    if f.categories:
        mask &= any_of(index.categories, [index.category_vocab.get(x) for x in f.categories])
    for t in f.audience:
        share = index.audience_share(t.dimension, [t.key])
        mask &= index.has_audience & (share >= t.min_share - 1e-6)
    if f.min_quality is not None:
        if not np.isfinite(index.quality).any():
            notes.append(
                (
                    "No account in this workspace has an audience quality score yet; the filter excludes all.",
                    {},
                )
            )
        mask &= index.quality >= f.min_quality
    if f.has_email is not None:
        mask &= index.has_email if f.has_email else ~index.has_email
    if f.contacted is not None:
        contacted = index.mask_of(repo.contacted_ids(session, index.ws_id))
        mask &= contacted if f.contacted else ~contacted
    if f.brand_mentions:
        mask &= index.mask_of(repo.brand_mention_ids(session, index.ws_id, f.brand_mentions, f.mention_days))
    for kw in f.keywords:
        hit = np.zeros(n, dtype=bool)
        hit[index.text_hits(kw)] = True
        mask &= hit
    return mask


def top_rows(values: npt.NDArray[np.float32], s: int) -> npt.NDArray[np.int64]:
    """Indices of at least the ``s`` largest ``values`` (more when there are ties), ascending.

    A full ``argpartition`` of a million values costs ~20 ms; instead a threshold is read off a strided sample
    (deterministic) aimed at ~1.2·s rows and one comparison pass selects them; if the guess yields fewer than
    ``s`` rows, the exact ``s``-th value is used.
    """
    n = values.size
    if n <= s:
        return np.arange(n, dtype=np.int64)
    stride = max(1, n // 20_000)
    sample = values[::stride]
    want = min(sample.size - 1, int(np.ceil(1.2 * s * sample.size / n)))
    guess = np.partition(sample, sample.size - 1 - want)[sample.size - 1 - want]
    rows = np.flatnonzero(values >= guess)
    if rows.size < s or rows.size > 3 * s:
        kth = np.partition(values, n - s)[n - s]
        rows = np.flatnonzero(values >= kth)
    out: npt.NDArray[np.int64] = rows.astype(np.int64)
    return out


def _contains(sorted_rows: npt.NDArray[np.int64], pos: int) -> bool:
    i = int(np.searchsorted(sorted_rows, pos))
    return i < sorted_rows.size and int(sorted_rows[i]) == pos


def _order(values: npt.NDArray[Any], ids: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.int64]:
    """Indices of the ``k`` largest ``values`` (NaN last), ties by ascending id; O(n) selection then a sort."""
    v = np.where(np.isnan(values), -np.inf, values) if values.dtype.kind == "f" else values.astype(np.float64)
    k = min(k, v.size)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < v.size:
        kth = np.partition(-v, k - 1)[k - 1]
        sel = np.flatnonzero(-v <= kth)  # keeps every tie at the boundary so the id tie-break is exact
    else:
        sel = np.arange(v.size)
    ordered = sel[np.lexsort((ids[sel], -v[sel]))]
    return ordered[:k].astype(np.int64)


class DiscoveryService:
    def search(
        self,
        session: Session,
        ws_id: int,
        query: SearchQuery,
        *,
        embedder: Embedder | None = None,
    ) -> SearchResults:
        """Filter, score and explain. Raises ``invalid_query`` / ``not_found`` for bad seeds or campaigns."""
        t0 = time.perf_counter()
        timings: dict[str, float] = {}
        notes: list[tuple[str, dict[str, Any]]] = []
        index = cache.get(session, ws_id)
        timings["index"] = (time.perf_counter() - t0) * 1000
        t1 = time.perf_counter()
        mask = filter_mask(session, index, query.filters, notes)

        seed_pos: int | None = None
        seed_info: dict[str, Any] | None = None
        if query.like_influencer_id is not None or query.like_handle:
            seed = self._resolve_seed(session, query)
            pos = index.positions([seed.id])
            if pos.size == 0:
                raise NotFound("That influencer is not in the search index.", code="not_found")
            seed_pos = int(pos[0])
            mask[seed_pos] = False
            seed_info = {"influencer_id": seed.id, "display_name": seed.display_name}
        candidates = np.flatnonzero(mask).astype(np.int64)
        timings["filter"] = (time.perf_counter() - t1) * 1000

        # Target audience: explicit form fields, then the campaign's target, then what the brief says.
        target = query.target
        if query.campaign_id is not None:
            campaign = session.execute(
                select(Campaign).where(Campaign.id == query.campaign_id)
            ).scalar_one_or_none()
            if campaign is None:
                raise NotFound("Campaign not found.", code="not_found")
            target = target.merged(campaign_target(campaign))
        if query.brief:
            inferred = infer_target(query.brief)
            if not inferred.is_empty():
                notes.append(
                    ("Target audience read from the brief: %(target)s", {"target": _describe(inferred)})
                )
            target = target.merged(inferred)

        t2 = time.perf_counter()
        parts_available: list[str] = []
        q_vec = None
        sem_kind = "query"
        if query.brief:
            q_vec = (embedder or default_embedder()).query(query.brief)
        elif seed_pos is not None and index.has_vector[seed_pos]:
            q_vec = index.vector(seed_pos)
            sem_kind = "passage"
        elif seed_pos is not None:
            notes.append(
                ("The seed creator has no embedding yet; lookalikes use audience and profile only.", {})
            )
        timings["embed_query"] = (time.perf_counter() - t2) * 1000

        t3 = time.perf_counter()
        k = query.offset + query.limit
        shortlist_size = max(SHORTLIST, SHORTLIST_PER_RESULT * k)
        approx = False
        shortlisted = 0
        page_only = False  # semantic parts computed for the shown page only (another sort order decides it)
        sem_cos = None
        if q_vec is not None:
            if query.sort != "relevance" and candidates.size > query.limit:
                sem_cos = np.full(candidates.size, np.nan, dtype=np.float32)
                page_only = True
            elif candidates.size > shortlist_size:
                sem_cos = index.semantic_estimate(q_vec, candidates)
                approx = sem_cos is not None
            if sem_cos is None:
                sem_cos = index.exact_semantic(q_vec, candidates)
            parts_available.append("semantic")
            missing = candidates.size - int(np.count_nonzero(take(index.has_vector, candidates)))
            if missing:
                notes.append(
                    (
                        "%(n)s matching creators are not embedded yet (semantic part counts as 0).",
                        {"n": missing},
                    )
                )
        terms = list(dict.fromkeys([k.lower() for k in query.filters.keywords] + brief_terms(query.brief)))
        term_hits: dict[str, npt.NDArray[np.int64]] = {}
        kw_score = None
        if terms:
            counts = np.zeros(index.size, dtype=np.float32)
            for term in terms:
                hits = index.text_hits(term)  # sorted, unique rows
                term_hits[term] = hits
                counts[hits] += 1.0
            kw_score = (take(counts, candidates) / np.float32(len(terms))).astype(np.float32, copy=False)
            parts_available.append("keywords")
        aud_score = None
        aud_names: list[str] = []
        if seed_pos is not None:
            aud_score = lookalike_audience(index, seed_pos, candidates)
            parts_available.append("audience")
        elif not target.is_empty():
            aud_score, aud_names = audience_target_fit(index, candidates, target)
            if aud_names:
                parts_available.append("audience")
            else:
                aud_score = None
        prof_score = None
        if seed_pos is not None:
            prof_score = _lookalike_profile(index, seed_pos, candidates)
            parts_available.append("profile")
        else:
            prof_score = profile_fit(index, candidates, target)
            if prof_score is not None:
                parts_available.append("profile")

        weights = effective_weights(
            parts_available, LOOKALIKE_WEIGHTS if seed_pos is not None else DEFAULT_WEIGHTS
        )
        score = np.zeros(candidates.size, dtype=np.float32)
        sem_norm = None
        if sem_cos is not None and "semantic" in weights:
            sem_norm = np.nan_to_num(normalise_semantic(sem_cos, sem_kind), nan=0.0)
            score += weights["semantic"] * sem_norm
        if kw_score is not None and "keywords" in weights:
            score += weights["keywords"] * kw_score
        if aud_score is not None and "audience" in weights:
            score += weights["audience"] * aud_score
        if prof_score is not None and "profile" in weights:
            score += weights["profile"] * prof_score
        timings["score"] = (time.perf_counter() - t3) * 1000

        t4 = time.perf_counter()
        cand_ids = take(index.ids, candidates)

        def exact_for(rows: npt.NDArray[np.int64]) -> None:
            """Replace estimated semantic parts (and the scores built on them) by exact ones for ``rows``."""
            assert q_vec is not None and sem_cos is not None
            exact = index.exact_semantic(q_vec, candidates[rows])
            sem_cos[rows] = exact
            if sem_norm is not None:
                new_norm = np.nan_to_num(normalise_semantic(exact, sem_kind), nan=0.0)
                score[rows] += weights["semantic"] * (new_norm - sem_norm[rows])
                sem_norm[rows] = new_norm

        if query.sort == "relevance" and weights:
            if approx:
                # Shortlist on the estimated score, then rank the shortlist on exact scores only. The semantic
                # part is clipped to 0-1, so most of a large candidate set can tie on it (every unrelated
                # creator scores 0); a tiny unclipped term orders those ties by their estimated cosine.
                key = score
                if sem_norm is not None and sem_cos is not None:
                    lo, hi = SEMANTIC_BANDS[sem_kind]
                    key = score + (1e-3 * weights["semantic"] / (hi - lo)) * np.nan_to_num(
                        sem_cos - lo, nan=-1.0
                    )
                short = top_rows(key, shortlist_size)
                exact_for(short)
                if q_vec is not None and short.size >= k and "semantic" in weights:
                    # Whoever could still beat the k-th exact score given the estimate's error is scored too.
                    lo, hi = SEMANTIC_BANDS[sem_kind]
                    margin = MARGIN_SIGMAS * weights["semantic"] * index.estimate_spread(q_vec) / (hi - lo)
                    kth = float(np.partition(score[short], short.size - k)[short.size - k])
                    outside = np.ones(candidates.size, dtype=bool)
                    outside[short] = False
                    extra = np.flatnonzero(outside & (key >= kth - margin))
                    if extra.size > EXTRA_LIMIT:
                        extra = extra[top_rows(key[extra], EXTRA_LIMIT)]
                        if extra.size > EXTRA_LIMIT:  # the threshold pass keeps ties and may overshoot
                            keep = np.argpartition(-key[extra], EXTRA_LIMIT - 1)[:EXTRA_LIMIT]
                            extra = np.sort(extra[keep])
                    if extra.size:
                        exact_for(extra)
                        short = np.union1d(short, extra)
                shortlisted = int(short.size)
                order = short[_order(score[short], cand_ids[short], k)]
            else:
                order = _order(score, cand_ids, k)
        elif query.sort == "relevance":
            notes.append(("No brief, keywords, lookalike or target given: ordered by followers.", {}))
            order = _order(take(index.followers, candidates), cand_ids, k)
        elif query.sort == "followers":
            order = _order(take(index.followers, candidates), cand_ids, k)
        elif query.sort == "engagement":
            order = _order(take(index.engagement, candidates), cand_ids, k)
        else:
            order = _order(take(index.quality, candidates), cand_ids, k)
        page = order[query.offset : query.offset + query.limit]
        if page_only or (approx and not (query.sort == "relevance" and weights)):
            exact_for(page)  # the page shows exact semantic parts whatever the sort
        timings["rank"] = (time.perf_counter() - t4) * 1000

        t5 = time.perf_counter()
        results = self._hydrate(
            session,
            index,
            candidates,
            page,
            weights=weights,
            score=score if weights else None,
            sem_cos=sem_cos,
            sem_norm=sem_norm,
            sem_kind=sem_kind,
            terms=terms,
            term_hits=term_hits,
            kw_score=kw_score,
            aud_score=aud_score,
            prof_score=prof_score,
            target=target,
            aud_names=aud_names,
            seed_pos=seed_pos,
            query=query,
        )
        timings["hydrate"] = (time.perf_counter() - t5) * 1000
        timings["total"] = (time.perf_counter() - t0) * 1000
        return SearchResults(
            query=query,
            total=int(candidates.size),
            results=results,
            weights=weights,
            target=target,
            terms=terms,
            notes=notes,
            timings_ms=timings,
            approximate=approx,
            shortlisted=shortlisted,
            embedded=int(np.count_nonzero(index.has_vector)),
            indexed=index.size,
            seed=seed_info,
        )

    def _resolve_seed(self, session: Session, query: SearchQuery) -> Influencer:
        if query.like_influencer_id is not None:
            row = session.execute(
                select(Influencer).where(Influencer.id == query.like_influencer_id)
            ).scalar_one_or_none()
        else:
            row = repo.find_by_handle(session, query.like_handle)
        if row is None:
            raise NotFound(
                f"No influencer {query.like_handle or query.like_influencer_id} in this workspace.",
                code="not_found",
            )
        return row

    def _hydrate(
        self,
        session: Session,
        index: WorkspaceIndex,
        candidates: npt.NDArray[np.int64],
        page: npt.NDArray[np.int64],
        *,
        weights: dict[str, float],
        score: npt.NDArray[np.float32] | None,
        sem_cos: npt.NDArray[np.float32] | None,
        sem_norm: npt.NDArray[np.float32] | None,
        sem_kind: str,
        terms: list[str],
        term_hits: dict[str, npt.NDArray[np.int64]],
        kw_score: npt.NDArray[np.float32] | None,
        aud_score: npt.NDArray[np.float32] | None,
        prof_score: npt.NDArray[np.float32] | None,
        target: Target,
        aud_names: list[str],
        seed_pos: int | None,
        query: SearchQuery,
    ) -> list[Result]:
        positions = candidates[page]
        ids = [int(i) for i in index.ids[positions]]
        rows = repo.influencers_by_id(session, ids)
        accounts = repo.accounts_by_influencer(session, list(rows))
        contacted = set(repo.contacted_ids(session, index.ws_id)) if ids else set()
        brand_posts = repo.brand_mention_posts(
            session, index.ws_id, ids, query.filters.brand_mentions, query.filters.mention_days
        )
        out: list[Result] = []
        for j, (c, pos, inf_id) in enumerate(zip(page, positions, ids, strict=True)):
            inf = rows.get(inf_id)
            if inf is None:  # deleted since the index was built
                continue
            parts: list[Part] = []
            if "semantic" in weights and sem_cos is not None and sem_norm is not None:
                cos = float(sem_cos[c])
                parts.append(
                    Part(
                        "semantic",
                        float(sem_norm[c]),
                        weights["semantic"],
                        {
                            "cosine": None if np.isnan(cos) else round(cos, 4),
                            "against": "brief" if sem_kind == "query" else "seed profile",
                            "calibration": "cosine mapped linearly from the model's unrelated-to-same-topic band",
                        },
                    )
                )
            if "keywords" in weights and kw_score is not None:
                matched = [t for t in terms if _contains(term_hits[t], int(pos))]
                parts.append(
                    Part(
                        "keywords",
                        float(kw_score[c]),
                        weights["keywords"],
                        {"matched": matched, "missing": [t for t in terms if t not in matched]},
                    )
                )
            if "audience" in weights and aud_score is not None:
                if seed_pos is not None:
                    detail: dict[str, Any] = {
                        "compared_with": "seed audience (age, gender, top countries overlap)"
                    }
                    if not index.has_audience[pos]:
                        detail["note"] = "no audience data (counts as 0)"
                else:
                    detail = {"target": aud_names, "shares": audience_detail(index, int(pos), target)}
                parts.append(Part("audience", float(aud_score[c]), weights["audience"], detail))
            if "profile" in weights and prof_score is not None:
                parts.append(
                    Part(
                        "profile",
                        float(prof_score[c]),
                        weights["profile"],
                        {
                            "country": inf.country,
                            "languages": list(inf.languages or []),
                            "wanted_countries": list(target.countries)
                            if seed_pos is None
                            else "same as seed",
                            "wanted_languages": list(target.languages)
                            if seed_pos is None
                            else "same as seed",
                        },
                    )
                )
            accs = accounts.get(inf_id, [])
            qual = float(index.quality[pos])
            out.append(
                Result(
                    influencer_id=inf_id,
                    display_name=inf.display_name,
                    handles=[
                        {"platform": a.platform, "handle": a.handle, "followers": a.followers, "url": a.url}
                        for a in accs
                    ],
                    country=inf.country,
                    languages=list(inf.languages or []),
                    categories=list(inf.categories or []),
                    tier=inf.tier,
                    followers=inf.max_followers,
                    engagement_rate=inf.engagement_rate,
                    audience_quality=None if np.isnan(qual) else round(qual, 1),
                    has_email=bool(index.has_email[pos]),
                    contacted=inf_id in contacted,
                    score=float(score[c]) if score is not None else None,
                    parts=parts,
                    brand_posts=brand_posts.get(inf_id, [])[:3],
                )
            )
            del j
        return out

    # --- saved searches -------------------------------------------------------------------------------------

    def save_search(
        self, session: Session, *, user_id: int | None, name: str, query: SearchQuery
    ) -> SavedSearch:
        name = name.strip()
        if not name:
            raise ValidationFailed("Give the search a name.", code="name_required")
        existing = repo.saved_search_by_name(session, name)
        if existing is not None:
            existing.params = query.to_params()
            session.flush()
            return existing
        row = SavedSearch(name=name[:200], params=query.to_params(), created_by_id=user_id)
        session.add(row)
        session.flush()
        return row

    def delete_saved_search(self, session: Session, row: SavedSearch) -> None:
        session.delete(row)
        session.flush()

    # --- results into lists and shortlists -----------------------------------------------------------------

    def add_to_list(self, session: Session, *, list_id: int, influencer_ids: Sequence[int]) -> int:
        """Add creators to an influencer list; returns how many were new there."""
        lst = session.execute(select(InfluencerList).where(InfluencerList.id == list_id)).scalar_one_or_none()
        if lst is None:
            raise NotFound("List not found.", code="not_found")
        ids = self._existing_ids(session, influencer_ids)
        have = set(
            session.execute(
                select(InfluencerListMember.influencer_id).where(
                    InfluencerListMember.list_id == list_id, InfluencerListMember.influencer_id.in_(ids)
                )
            ).scalars()
        )
        added = 0
        for inf_id in ids:
            if inf_id not in have:
                session.add(InfluencerListMember(list_id=list_id, influencer_id=inf_id))
                added += 1
        session.flush()
        return added

    def add_to_shortlist(
        self, session: Session, *, campaign_id: int, influencer_ids: Sequence[int], user_id: int | None
    ) -> int:
        """Put creators on a campaign's shortlist as prospects; returns how many were new there."""
        campaign = session.execute(select(Campaign).where(Campaign.id == campaign_id)).scalar_one_or_none()
        if campaign is None:
            raise NotFound("Campaign not found.", code="not_found")
        ids = self._existing_ids(session, influencer_ids)
        have = set(
            session.execute(
                select(CampaignInfluencer.influencer_id).where(
                    CampaignInfluencer.campaign_id == campaign_id, CampaignInfluencer.influencer_id.in_(ids)
                )
            ).scalars()
        )
        added = 0
        for inf_id in ids:
            if inf_id not in have:
                session.add(
                    CampaignInfluencer(
                        campaign_id=campaign_id, influencer_id=inf_id, stage="prospect", added_by_id=user_id
                    )
                )
                added += 1
        session.flush()
        return added

    def _existing_ids(self, session: Session, influencer_ids: Sequence[int]) -> list[int]:
        wanted = list(dict.fromkeys(int(i) for i in influencer_ids))
        if not wanted:
            raise ValidationFailed("Select at least one influencer.", code="nothing_selected")
        found = set(session.execute(select(Influencer.id).where(Influencer.id.in_(wanted))).scalars())
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFound("Some selected influencers are not in this workspace.", code="not_found")
        return wanted


def _lookalike_profile(
    index: WorkspaceIndex, seed: int, positions: npt.NDArray[np.int64]
) -> npt.NDArray[np.float32]:
    total = np.zeros(positions.size, dtype=np.float32)
    if index.country[seed] >= 0:
        total += take(index.country, positions) == index.country[seed]
    langs = index.languages[seed]
    if langs.any():
        total += any_of(take(index.languages, positions), _codes_of(langs))
    if index.tier[seed] >= 0:
        total += take(index.tier, positions) == index.tier[seed]
    out: npt.NDArray[np.float32] = (total / np.float32(3)).astype(np.float32, copy=False)
    return out


def _codes_of(words: npt.NDArray[np.uint64]) -> list[int]:
    return [w * 64 + b for w in range(words.size) for b in range(64) if int(words[w]) >> b & 1]


def _describe(t: Target) -> str:
    bits = []
    if t.age_min is not None or t.age_max is not None:
        bits.append(f"ages {t.age_min or ''}-{t.age_max or ''}")
    if t.genders:
        bits.append(", ".join(t.genders))
    if t.countries:
        bits.append(", ".join(t.countries))
    if t.languages:
        bits.append(", ".join(t.languages))
    return "; ".join(bits)


discovery = DiscoveryService()
