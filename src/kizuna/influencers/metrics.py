"""Derived metrics of accounts and influencers, with the engagement-rate definition stored next to the number.

Engagement rate (ER) means different things in different tools (per follower, per reach, per view; likes only or
likes+comments+shares+saves), so every stored rate carries a definition key:

``follower:median_last_N_posts``
    (likes + comments) / followers for each of the last N posts with counts, then the median. The median keeps
    one viral post from making an account look permanently engaging.
``view:median_last_N_posts``
    (likes + comments) / views per post, median of the last N: used for video platforms (YouTube, TikTok), where
    views, not followers, decide who sees a post.
``follower:average_counts`` / ``view:average_counts``
    (average likes + average comments) / followers (or average views), when only averages are known (most
    spreadsheets exported from other tools).
``imported:<column>``
    the rate exactly as a file gave it, definition unknown; shown, never compared with benchmarks.

Influencer rows keep denormalised copies (``max_followers``, ``followers_total``, ``tier``, ``engagement_rate``
of the largest account, ``primary_category``) so that the list can filter and sort on indexed columns without
joins at a million rows; :func:`refresh_influencers` is the one place that recomputes them (see
docs/adr/0101-denormalised-influencer-metrics.md).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from kizuna.influencers.tiers import tier_for
from kizuna.kit.time import utcnow
from kizuna.models.influencer import Influencer
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount

#: Platforms whose engagement is measured per view.
VIDEO_PLATFORMS = frozenset({"youtube", "tiktok"})
#: How many recent posts the median engagement rate uses.
RECENT_POSTS = 12
GROWTH_DAYS = 30

DEFINITION_TEXT = {
    "follower:median": "(likes + comments) / followers, median of the last %(n)s posts",
    "view:median": "(likes + comments) / views, median of the last %(n)s posts",
    "follower:average_counts": "(average likes + average comments) / followers",
    "view:average_counts": "(average likes + average comments) / average views",
    "imported": "as given in the imported column “%(column)s” (definition unknown, not compared)",
}


def describe_definition(definition: str | None) -> tuple[str, dict[str, str]]:
    """English source text (for ``_()``) and its parameters for a stored definition key."""
    if not definition:
        return "not measured", {}
    if definition.startswith("imported:"):
        return DEFINITION_TEXT["imported"], {"column": definition.split(":", 1)[1]}
    for basis in ("follower", "view"):
        prefix = f"{basis}:median_last_"
        if definition.startswith(prefix):
            return DEFINITION_TEXT[f"{basis}:median"], {"n": definition[len(prefix) :].split("_")[0]}
    if definition in DEFINITION_TEXT:
        return DEFINITION_TEXT[definition], {}
    return definition, {}


def basis_for(platform: str) -> str:
    return "view" if platform in VIDEO_PLATFORMS else "follower"


@dataclass(frozen=True, slots=True)
class PostCounts:
    likes: int | None
    comments: int | None
    views: int | None
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class AccountMetrics:
    avg_likes: float | None
    avg_comments: float | None
    avg_views: float | None
    engagement_rate: float | None
    engagement_definition: str | None
    posts_per_week: float | None


def _mean(values: Iterable[int | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return float(statistics.fmean(vals)) if vals else None


def from_posts(
    posts: Sequence[PostCounts], followers: int | None, platform: str, n: int = RECENT_POSTS
) -> AccountMetrics:
    """Metrics of an account from its most recent posts (newest first or any order: they are sorted here).

    A post without a like count (hidden likes) is left out of the rate instead of counting as zero.
    """
    recent = sorted(
        posts, key=lambda p: p.published_at.timestamp() if p.published_at else float("-inf"), reverse=True
    )[:n]
    basis = basis_for(platform)
    rates: list[float] = []
    for p in recent:
        if p.likes is None or p.comments is None:
            continue
        denominator = p.views if basis == "view" else followers
        if denominator:
            rates.append((p.likes + p.comments) / denominator)
    if basis == "view" and not rates and followers:
        # a video platform without view counts still gets a per-follower rate, labelled as such
        basis = "follower"
        rates = [
            (p.likes + p.comments) / followers
            for p in recent
            if p.likes is not None and p.comments is not None
        ]
    dated = sorted(p.published_at for p in recent if p.published_at is not None)
    ppw = None
    if len(dated) >= 2:
        span_days = (dated[-1] - dated[0]).total_seconds() / 86400
        ppw = round((len(dated) - 1) / span_days * 7, 2) if span_days > 0 else None
    return AccountMetrics(
        avg_likes=_mean(p.likes for p in recent),
        avg_comments=_mean(p.comments for p in recent),
        avg_views=_mean(p.views for p in recent),
        engagement_rate=round(statistics.median(rates), 6) if rates else None,
        engagement_definition=f"{basis}:median_last_{len(rates)}_posts" if rates else None,
        posts_per_week=ppw,
    )


def from_averages(
    avg_likes: float | None,
    avg_comments: float | None,
    avg_views: float | None,
    followers: int | None,
    platform: str,
) -> tuple[float | None, str | None]:
    """ER from per-post averages: per view on video platforms when average views are known, else per follower.

    Comments are required as well as likes: a likes-only rate is a different metric (the "like rate").
    """
    if avg_likes is None or avg_comments is None:
        return None, None
    if platform in VIDEO_PLATFORMS and avg_views:
        return round((avg_likes + avg_comments) / avg_views, 6), "view:average_counts"
    if followers:
        return round((avg_likes + avg_comments) / followers, 6), "follower:average_counts"
    return None, None


def follower_growth(
    history: Sequence[tuple[datetime, int | None]], now: datetime | None = None, days: int = GROWTH_DAYS
) -> float | None:
    """Relative change of followers over the last ``days``: latest vs the last snapshot at or before the start.

    ``None`` when the history does not reach back that far (a growth figure over a shorter window would be
    labelled wrongly).
    """
    points = sorted((t, f) for t, f in history if f is not None)
    if len(points) < 2:
        return None
    now = now or utcnow()
    start = now - timedelta(days=days)
    before = [p for p in points if p[0] <= start]
    if not before:
        return None
    base = before[-1][1]
    latest = points[-1][1]
    if not base or latest is None:
        return None
    return round(latest / base - 1.0, 6)


def refresh_account(session: Session, account: SocialAccount, now: datetime | None = None) -> None:
    """Recompute an account's metrics from its stored posts and snapshots (imported averages are kept when the
    account has no posts with counts)."""
    rows = session.execute(
        select(Post.likes, Post.comments, Post.views, Post.published_at)
        .where(Post.social_account_id == account.id)
        .order_by(Post.published_at.desc())
        .limit(RECENT_POSTS)
    ).all()
    posts = [PostCounts(*r) for r in rows]
    if posts:
        m = from_posts(posts, account.followers, account.platform)
        if m.engagement_rate is not None:
            account.avg_likes = m.avg_likes
            account.avg_comments = m.avg_comments
            account.avg_views = m.avg_views if m.avg_views is not None else account.avg_views
            account.engagement_rate = m.engagement_rate
            account.engagement_definition = m.engagement_definition
        if m.posts_per_week is not None:
            account.posts_per_week = m.posts_per_week
    history = session.execute(
        select(MetricSnapshot.captured_at, MetricSnapshot.followers)
        .where(MetricSnapshot.social_account_id == account.id)
        .order_by(MetricSnapshot.captured_at)
    ).all()
    account.follower_growth_30d = follower_growth([(t, f) for t, f in history], now)


def influencer_summary(
    accounts: Sequence[Mapping[str, Any]],
    categories: Sequence[str],
    scheme: str,
    custom: Sequence[Mapping[str, object]] | None,
) -> dict[str, Any]:
    """The denormalised influencer columns from its accounts (mappings with followers/engagement_rate)."""
    counted = [a for a in accounts if a.get("followers") is not None]
    top = max(counted, key=lambda a: int(a["followers"]), default=None)
    max_followers = int(top["followers"]) if top is not None else None
    return {
        "max_followers": max_followers,
        "followers_total": sum(int(a["followers"]) for a in counted) if counted else None,
        "tier": tier_for(max_followers, scheme, custom=custom) if scheme != "custom" or custom else None,
        "engagement_rate": top.get("engagement_rate") if top is not None else None,
        "primary_category": (categories[0][:60] if categories else None),
    }


def refresh_influencers(
    session: Session,
    influencer_ids: Iterable[int],
    scheme: str = "global",
    custom: Sequence[Mapping[str, object]] | None = None,
) -> int:
    """Recompute the denormalised columns of these influencers in a few set-based statements; returns count.

    Also writes each account's ``tier`` in the same scheme. Runs in chunks so a million-row import or a tier
    scheme change stays within bounded memory.
    """
    ids = sorted(set(influencer_ids))
    done = 0
    inf_table: Table = Influencer.__table__  # type: ignore[assignment]
    acc_table: Table = SocialAccount.__table__  # type: ignore[assignment]
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        accounts: dict[int, list[dict[str, Any]]] = {i: [] for i in chunk}
        acct_tiers: list[dict[str, Any]] = []
        for aid, iid, followers, er, old_tier in session.execute(
            select(
                SocialAccount.id,
                SocialAccount.influencer_id,
                SocialAccount.followers,
                SocialAccount.engagement_rate,
                SocialAccount.tier,
            ).where(SocialAccount.influencer_id.in_(chunk))
        ):
            accounts[iid].append({"followers": followers, "engagement_rate": er})
            new_tier = tier_for(followers, scheme, custom=custom) if scheme != "custom" or custom else None
            if new_tier != old_tier:
                acct_tiers.append({"b_id": aid, "b_tier": new_tier})
        cats = dict(
            session.execute(
                select(Influencer.id, Influencer.categories).where(Influencer.id.in_(chunk))
            ).all()
        )
        rows = []
        for iid in chunk:
            if iid not in cats:
                continue
            summary = influencer_summary(accounts[iid], cats[iid] or [], scheme, custom)
            rows.append({"b_id": iid, **{f"b_{k}": v for k, v in summary.items()}})
        if rows:
            stmt = (
                update(inf_table)
                .where(inf_table.c.id == bindparam("b_id"))
                .values(
                    max_followers=bindparam("b_max_followers"),
                    followers_total=bindparam("b_followers_total"),
                    tier=bindparam("b_tier"),
                    engagement_rate=bindparam("b_engagement_rate"),
                    primary_category=bindparam("b_primary_category"),
                )
            )
            session.connection().execute(stmt, rows)
        if acct_tiers:
            stmt = (
                update(acc_table).where(acc_table.c.id == bindparam("b_id")).values(tier=bindparam("b_tier"))
            )
            session.connection().execute(stmt, acct_tiers)
        done += len(rows)
    return done
