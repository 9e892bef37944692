"""Every discovery query. Portable SQL only (SQLite and PostgreSQL run the same statements).

Bulk loaders read Core tables with an explicit ``workspace_id`` (they feed the per-workspace search cache and the
embedding job, which may run without a bound workspace); per-request lookups go through the ORM and therefore
through the tenancy filter as well.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, cast, func, or_, select, update
from sqlalchemy.orm import Session

from kizuna.kit.time import utcnow
from kizuna.models.audience_profile import AudienceProfile
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.influencer import Influencer
from kizuna.models.influencer_embedding import InfluencerEmbedding
from kizuna.models.manager import Manager
from kizuna.models.post import Post
from kizuna.models.saved_search import SavedSearch
from kizuna.models.social_account import SocialAccount

T_INF = Influencer.__table__
T_ACC = SocialAccount.__table__
T_AUD = AudienceProfile.__table__
T_POST = Post.__table__
T_EMB = InfluencerEmbedding.__table__
T_MGR = Manager.__table__
T_CI = CampaignInfluencer.__table__

#: Stages at which a creator counts as "contacted" (anything past being a prospect on some shortlist).
NOT_CONTACTED_STAGES = ("prospect",)
RECENT_CAPTIONS_DAYS = 365


@dataclass(frozen=True)
class Fingerprint:
    """Cheap signs that a workspace's searchable data changed. Both are ``max()`` over an index, O(log n) even at a
    million rows (a ``count(*)`` would scan). Deletions and edits made through the ORM are caught by the flush
    hook in :mod:`kizuna.discovery.index`; bulk edits made elsewhere by the cache's maximum age."""

    max_influencer_id: int
    last_embedded_at: datetime | None


def fingerprint(session: Session, ws_id: int) -> Fingerprint:
    max_id = session.execute(select(func.max(T_INF.c.id)).where(T_INF.c.workspace_id == ws_id)).scalar()
    last = session.execute(
        select(func.max(T_EMB.c.embedded_at)).where(T_EMB.c.workspace_id == ws_id)
    ).scalar()
    if isinstance(last, str):  # SQLite may hand back max() of a timestamp column as text
        last = datetime.fromisoformat(last)
    return Fingerprint(int(max_id or 0), last)


def deep_fingerprint(session: Session, ws_id: int) -> tuple[Any, ...]:
    """A thorough (full-scan) signature of everything the search cache holds, for the periodic check that catches
    writes made by other processes. Too slow for every search at a million rows (a few hundred ms), fine every
    couple of minutes in a background thread."""
    inf = session.execute(
        select(func.count(), func.max(T_INF.c.id), func.max(T_INF.c.updated_at)).where(
            T_INF.c.workspace_id == ws_id
        )
    ).one()
    acc = session.execute(
        select(
            func.count(),
            func.max(T_ACC.c.id),
            func.sum(T_ACC.c.audience_quality),
            func.sum(T_ACC.c.followers),
        ).where(T_ACC.c.workspace_id == ws_id)
    ).one()
    aud = session.execute(
        select(func.count(), func.max(T_AUD.c.id), func.max(T_AUD.c.created_at)).where(
            T_AUD.c.workspace_id == ws_id
        )
    ).one()
    posts = session.execute(select(func.max(T_POST.c.id)).where(T_POST.c.workspace_id == ws_id)).scalar()
    return (*map(str, inf), *map(str, acc), *map(str, aud), str(posts))


def json_text(column: Any) -> Any:
    """A JSON column read as its text: decoding a whole chunk with one ``json.loads`` call is several times faster
    than SQLAlchemy's per-value decoding, which dominates loading a million rows."""
    return cast(column, Text())


def decode_json_column(values: Sequence[str | None]) -> list[Any]:
    """Decode many JSON texts at once (``None`` stays ``None``)."""
    if not values:
        return []
    return list(json.loads("[" + ",".join(v if v is not None else "null" for v in values) + "]"))


def iter_influencer_rows(session: Session, ws_id: int, chunk: int = 20_000) -> Iterator[Sequence[Any]]:
    """Searchable columns of every live (not merged) influencer, in id order, streamed in chunks."""
    stmt = (
        select(
            T_INF.c.id,
            T_INF.c.display_name,
            T_INF.c.bio,
            T_INF.c.max_followers,
            T_INF.c.engagement_rate,
            T_INF.c.tier,
            T_INF.c.country,
            json_text(T_INF.c.languages),
            json_text(T_INF.c.categories),
            json_text(T_INF.c.emails),
            T_INF.c.manager_id,
        )
        .where(T_INF.c.workspace_id == ws_id, T_INF.c.merged_into_id.is_(None))
        .order_by(T_INF.c.id)
        .execution_options(yield_per=chunk)
    )
    result = session.execute(stmt)
    yield from result.partitions(chunk)


def managers_with_email(session: Session, ws_id: int) -> set[int]:
    rows = session.execute(select(T_MGR.c.id, T_MGR.c.emails).where(T_MGR.c.workspace_id == ws_id)).all()
    return {int(r[0]) for r in rows if r[1]}


def iter_account_rows(session: Session, ws_id: int, chunk: int = 20_000) -> Iterator[Sequence[Any]]:
    stmt = (
        select(
            T_ACC.c.influencer_id,
            T_ACC.c.platform,
            T_ACC.c.handle,
            T_ACC.c.followers,
            T_ACC.c.audience_quality,
        )
        .where(T_ACC.c.workspace_id == ws_id)
        .execution_options(yield_per=chunk)
    )
    yield from session.execute(stmt).partitions(chunk)


def iter_audience_rows(session: Session, ws_id: int, chunk: int = 20_000) -> Iterator[Sequence[Any]]:
    stmt = (
        select(
            T_ACC.c.influencer_id,
            T_ACC.c.followers,
            json_text(T_AUD.c.age_bands),
            json_text(T_AUD.c.gender),
            json_text(T_AUD.c.countries),
            json_text(T_AUD.c.languages),
        )
        .select_from(T_AUD.join(T_ACC, T_ACC.c.id == T_AUD.c.social_account_id))
        .where(T_AUD.c.workspace_id == ws_id)
        .execution_options(yield_per=chunk)
    )
    yield from session.execute(stmt).partitions(chunk)


def iter_recent_posts(
    session: Session, ws_id: int, *, influencer_ids: Sequence[int] | None = None, chunk: int = 20_000
) -> Iterator[Sequence[Any]]:
    """(influencer_id, caption, hashtags, published_at) of the last year's posts, newest first per influencer."""
    since = utcnow() - timedelta(days=RECENT_CAPTIONS_DAYS)
    stmt = (
        select(T_ACC.c.influencer_id, T_POST.c.caption, T_POST.c.hashtags, T_POST.c.published_at)
        .select_from(T_POST.join(T_ACC, T_ACC.c.id == T_POST.c.social_account_id))
        .where(T_POST.c.workspace_id == ws_id, T_POST.c.published_at >= since)
        .order_by(T_ACC.c.influencer_id, T_POST.c.published_at.desc(), T_POST.c.id.desc())
        .execution_options(yield_per=chunk)
    )
    if influencer_ids is not None:
        stmt = stmt.where(T_ACC.c.influencer_id.in_(list(influencer_ids)))
    yield from session.execute(stmt).partitions(chunk)


def iter_embeddings(
    session: Session, ws_id: int, *, since: datetime | None = None, chunk: int = 20_000
) -> Iterator[Sequence[Any]]:
    """(influencer_id, vector bytes, embedded_at); only rows (re)checked after ``since`` when given."""
    stmt = select(T_EMB.c.influencer_id, T_EMB.c.vector, T_EMB.c.embedded_at, T_EMB.c.model).where(
        T_EMB.c.workspace_id == ws_id
    )
    if since is not None:
        stmt = stmt.where(T_EMB.c.embedded_at > since)
    yield from session.execute(stmt.execution_options(yield_per=chunk)).partitions(chunk)


def contacted_ids(session: Session, ws_id: int) -> list[int]:
    """Influencers that are past "prospect" on any campaign of the workspace (read live, never cached)."""
    rows = session.execute(
        select(T_CI.c.influencer_id)
        .where(T_CI.c.workspace_id == ws_id, T_CI.c.stage.not_in(NOT_CONTACTED_STAGES))
        .distinct()
    ).all()
    return [int(r[0]) for r in rows]


def brand_mention_ids(session: Session, ws_id: int, brands: Sequence[str], days: int) -> list[int]:
    """Influencers with a post in the last ``days`` days that mentions, tags or names any of ``brands``.

    ``mentions``/``hashtags`` are JSON arrays; casting them to text and matching ``"brand"`` with its quotes is
    exact-element matching that reads the same on SQLite JSON and PostgreSQL JSONB. Captions match as substrings.
    """
    since = utcnow() - timedelta(days=days)
    conds = []
    for brand in brands:
        b = brand.strip().lower().lstrip("@#")
        if not b:
            continue
        # SQLite keeps JSON ASCII-escaped ("\u30d6"), PostgreSQL prints JSONB with the real characters: match both.
        for element in dict.fromkeys((f'"{b}"', json.dumps(b).lower())):
            pattern = f"%{_like_escape(element)}%"
            conds.append(func.lower(cast(T_POST.c.mentions, Text())).like(pattern, escape="\\"))
            conds.append(func.lower(cast(T_POST.c.hashtags, Text())).like(pattern, escape="\\"))
        conds.append(func.lower(T_POST.c.caption).like(f"%{_like_escape(b)}%", escape="\\"))
    if not conds:
        return []
    rows = session.execute(
        select(T_ACC.c.influencer_id)
        .select_from(T_POST.join(T_ACC, T_ACC.c.id == T_POST.c.social_account_id))
        .where(T_POST.c.workspace_id == ws_id, T_POST.c.published_at >= since, or_(*conds))
        .distinct()
    ).all()
    return [int(r[0]) for r in rows]


def brand_mention_posts(
    session: Session, ws_id: int, influencer_ids: Sequence[int], brands: Sequence[str], days: int
) -> dict[int, list[dict[str, Any]]]:
    """The matching posts of a page of results, to show *why* a creator matched the brand filter."""
    if not influencer_ids or not brands:
        return {}
    since = utcnow() - timedelta(days=days)
    rows = session.execute(
        select(
            T_ACC.c.influencer_id,
            T_POST.c.caption,
            T_POST.c.mentions,
            T_POST.c.hashtags,
            T_POST.c.published_at,
            T_POST.c.url,
        )
        .select_from(T_POST.join(T_ACC, T_ACC.c.id == T_POST.c.social_account_id))
        .where(
            T_POST.c.workspace_id == ws_id,
            T_POST.c.published_at >= since,
            T_ACC.c.influencer_id.in_(list(influencer_ids)),
        )
        .order_by(T_POST.c.published_at.desc())
    ).all()
    wanted = [b.strip().lower().lstrip("@#") for b in brands if b.strip()]
    out: dict[int, list[dict[str, Any]]] = {}
    for inf_id, caption, mentions, hashtags, published_at, url in rows:
        tags = {str(m).lower() for m in (mentions or [])} | {str(h).lower() for h in (hashtags or [])}
        text = (caption or "").lower()
        hits = [b for b in wanted if b in tags or b in text]
        if hits:
            out.setdefault(int(inf_id), []).append(
                {"brands": hits, "published_at": published_at, "url": url, "caption": (caption or "")[:160]}
            )
    return out


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def influencers_by_id(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    """The columns a result row shows, as light Core rows (a page of results needs no ORM objects)."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            T_INF.c.id,
            T_INF.c.display_name,
            T_INF.c.country,
            T_INF.c.languages,
            T_INF.c.categories,
            T_INF.c.tier,
            T_INF.c.max_followers,
            T_INF.c.engagement_rate,
            T_INF.c.workspace_id,
        ).where(T_INF.c.id.in_(list(ids)))
    ).all()
    # The workspace is checked here rather than in SQL: with a ``workspace_id`` term SQLite's planner walks the
    # workspace index (a million rows, ~0.4 s) instead of probing fifty primary keys.
    ws_id = _bound(session)
    return {int(r.id): r for r in rows if r.workspace_id == ws_id}


def accounts_by_influencer(session: Session, ids: Sequence[int]) -> dict[int, list[Any]]:
    """Accounts of influencers already loaded from this workspace (pass the ids :func:`influencers_by_id`
    returned). No ``workspace_id`` term on purpose: with it SQLite's planner scans the workspace index (a million
    rows) instead of probing ``influencer_id``; sorting happens here, not in SQL, for the same reason."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            T_ACC.c.id,
            T_ACC.c.influencer_id,
            T_ACC.c.platform,
            T_ACC.c.handle,
            T_ACC.c.followers,
            T_ACC.c.url,
        ).where(T_ACC.c.influencer_id.in_(list(ids)))
    ).all()
    out: dict[int, list[Any]] = {}
    for r in sorted(rows, key=lambda r: (-(r.followers if r.followers is not None else -1), r.id)):
        out.setdefault(int(r.influencer_id), []).append(r)
    return out


def _bound(session: Session) -> int:
    """Core statements are not rewritten by the tenancy hook, so they name the bound workspace themselves."""
    from kizuna.tenancy import bound_workspace

    ws_id = bound_workspace(session)
    if ws_id is None:
        raise RuntimeError("discovery lookups need a workspace bound to the session")
    return ws_id


def find_by_handle(session: Session, handle: str) -> Influencer | None:
    """The influencer owning ``handle`` (any platform, case-insensitive), in the bound workspace."""
    key = handle.strip().lstrip("@").lower()
    row = session.execute(
        select(Influencer)
        .join(SocialAccount, SocialAccount.influencer_id == Influencer.id)
        .where(or_(SocialAccount.handle_key == key, func.lower(SocialAccount.handle) == key))
        .order_by(SocialAccount.followers.desc().nulls_last())
        .limit(1)
    ).scalar_one_or_none()
    return row


# --- embedding bookkeeping -------------------------------------------------------------------------------------


def stale_influencer_ids(session: Session, ws_id: int, limit: int) -> list[int]:
    """Influencers with no embedding, or whose profile or posts changed after their embedding was checked."""
    emb = T_EMB.alias("e")
    newer_post = (
        select(T_POST.c.id)
        .select_from(T_POST.join(T_ACC, T_ACC.c.id == T_POST.c.social_account_id))
        .where(T_ACC.c.influencer_id == T_INF.c.id, T_POST.c.created_at > emb.c.embedded_at)
        .exists()
    )
    stmt = (
        select(T_INF.c.id)
        .select_from(T_INF.outerjoin(emb, emb.c.influencer_id == T_INF.c.id))
        .where(
            T_INF.c.workspace_id == ws_id,
            T_INF.c.merged_into_id.is_(None),
            or_(emb.c.id.is_(None), T_INF.c.updated_at > emb.c.embedded_at, newer_post),
        )
        .order_by(T_INF.c.id)
        .limit(limit)
    )
    return [int(r[0]) for r in session.execute(stmt).all()]


def embedding_rows(session: Session, ids: Sequence[int]) -> dict[int, InfluencerEmbedding]:
    if not ids:
        return {}
    rows = (
        session.execute(select(InfluencerEmbedding).where(InfluencerEmbedding.influencer_id.in_(list(ids))))
        .scalars()
        .all()
    )
    return {r.influencer_id: r for r in rows}


def profile_sources(session: Session, ws_id: int, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """What :func:`kizuna.discovery.embeddings.profile_text` needs, for a batch of influencers."""
    out: dict[int, dict[str, Any]] = {}
    if not ids:
        return out
    for row in session.execute(
        select(T_INF.c.id, T_INF.c.display_name, T_INF.c.bio, T_INF.c.categories).where(
            T_INF.c.workspace_id == ws_id, T_INF.c.id.in_(list(ids))
        )
    ).all():
        out[int(row[0])] = {
            "display_name": row[1] or "",
            "bio": row[2] or "",
            "categories": list(row[3] or []),
            "captions": [],
            "handles": [],
        }
    for inf_id, handle in session.execute(
        select(T_ACC.c.influencer_id, T_ACC.c.handle)
        .where(T_ACC.c.workspace_id == ws_id, T_ACC.c.influencer_id.in_(list(ids)))
        .order_by(T_ACC.c.followers.desc().nulls_last(), T_ACC.c.id)
    ).all():
        if int(inf_id) in out:
            out[int(inf_id)]["handles"].append(handle)
    for part in iter_recent_posts(session, ws_id, influencer_ids=ids):
        for inf_id, caption, _tags, _at in part:
            src = out.get(int(inf_id))
            if src is not None and len(src["captions"]) < 5:
                src["captions"].append(caption or "")
    return out


def touch_embeddings(session: Session, ids: Sequence[int], at: datetime) -> None:
    if ids:
        session.execute(
            update(InfluencerEmbedding)
            .where(InfluencerEmbedding.influencer_id.in_(list(ids)))
            .values(embedded_at=at)
            .execution_options(synchronize_session=False)
        )


# --- saved searches --------------------------------------------------------------------------------------------


def saved_searches(session: Session) -> list[SavedSearch]:
    return list(session.execute(select(SavedSearch).order_by(SavedSearch.name)).scalars().all())


def saved_search_by_name(session: Session, name: str) -> SavedSearch | None:
    return session.execute(select(SavedSearch).where(SavedSearch.name == name)).scalar_one_or_none()
