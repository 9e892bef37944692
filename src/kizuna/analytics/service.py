"""Gathering a campaign's numbers from the tables, grouped by post, influencer, tier and platform.

Clicks and attributed orders are read from the daily rollups (``click_daily``, ``order_daily``), never from
the raw click events or orders, so a campaign with tens of millions of clicks renders in a few queries. A post's counts are its
latest metric snapshot (or the registry's counts when no snapshot was taken). Spend is the fee of the creator's accepted deal
(deals domain) or, without one, the fee on the shortlist row; it is spread evenly over that influencer's posts for per-post cost ratios.
Clicks, orders and spend of an influencer go to the platform of their link (clicks, link-attributed orders) or
of their first campaign post (code-attributed orders, spend).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kizuna.analytics.kpis import Totals
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.campaign_post import CampaignPost
from kizuna.models.click_daily import ClickDaily
from kizuna.models.deal import Deal
from kizuna.models.deal_offer import DealOffer
from kizuna.models.influencer import Influencer
from kizuna.models.order_daily import OrderDaily
from kizuna.models.post import Post
from kizuna.models.post_metric_snapshot import PostMetricSnapshot
from kizuna.models.social_account import SocialAccount
from kizuna.models.tracking_link import TrackingLink

UNKNOWN = "unknown"


@dataclass
class PostResult:
    campaign_post_id: int
    post_id: int
    influencer_id: int
    influencer_name: str
    platform: str
    tier: str
    url: str | None
    published_at: datetime | None
    disclosure: str
    totals: Totals


@dataclass
class InfluencerResult:
    influencer_id: int | None
    name: str
    tier: str
    platform: str
    stage: str | None
    totals: Totals


@dataclass
class CampaignResults:
    campaign: Campaign
    totals: Totals
    posts: list[PostResult]
    influencers: list[InfluencerResult]
    by_tier: dict[str, Totals]
    by_platform: dict[str, Totals]
    daily: list[dict[str, Any]]
    other_currency_orders: int = 0
    notes: list[str] = field(default_factory=list)


def _new(campaign: Campaign) -> Totals:
    return Totals(currency=campaign.currency, emv_overrides=dict(campaign.emv_values or {}))


_SNAP_COLUMNS = (
    PostMetricSnapshot.post_id,
    PostMetricSnapshot.reach,
    PostMetricSnapshot.impressions,
    PostMetricSnapshot.views,
    PostMetricSnapshot.likes,
    PostMetricSnapshot.comments,
    PostMetricSnapshot.shares,
    PostMetricSnapshot.saves,
)


def latest_snapshots(session: Session, post_ids: list[int]) -> dict[int, Any]:
    """The newest snapshot row (counts only) per post; columns, not ORM objects, for speed on big campaigns."""
    if not post_ids:
        return {}
    latest = (
        select(PostMetricSnapshot.post_id, func.max(PostMetricSnapshot.captured_at).label("at"))
        .where(PostMetricSnapshot.post_id.in_(post_ids))
        .group_by(PostMetricSnapshot.post_id)
        .subquery()
    )
    rows = session.execute(
        select(*_SNAP_COLUMNS).join(
            latest,
            and_(
                PostMetricSnapshot.post_id == latest.c.post_id, PostMetricSnapshot.captured_at == latest.c.at
            ),
        )
    ).all()
    return {s.post_id: s for s in rows}


def post_totals(post: Any, snap: Any | None, base: Totals) -> Totals:
    def pick(name: str) -> int:
        value = getattr(snap, name, None) if snap is not None else None
        if value is None:
            value = getattr(post, name, None)
        return int(value or 0)

    t = Totals(currency=base.currency, emv_overrides=base.emv_overrides, posts=1)
    t.reach = pick("reach")
    t.views = pick("views")
    t.likes, t.comments, t.shares, t.saves = pick("likes"), pick("comments"), pick("shares"), pick("saves")
    impressions = snap.impressions if snap is not None else None
    t.impressions = int(impressions or t.views or t.reach or 0)
    return t


def campaign_results(session: Session, campaign: Campaign) -> CampaignResults:
    """Every KPI of ``campaign`` per post, influencer, tier, platform and in total, plus the daily series."""
    base = _new(campaign)
    shortlist = session.execute(
        select(
            CampaignInfluencer.stage,
            CampaignInfluencer.fee_minor,
            Influencer.id,
            Influencer.display_name,
            Influencer.tier,
        )
        .join(Influencer, Influencer.id == CampaignInfluencer.influencer_id)
        .where(CampaignInfluencer.campaign_id == campaign.id)
    ).all()
    people: dict[int | None, InfluencerResult] = {}
    fees: dict[int, int] = {}
    for stage, fee_minor, inf_id, name, tier in shortlist:
        people[inf_id] = InfluencerResult(inf_id, name, tier or UNKNOWN, UNKNOWN, stage, _new(campaign))
        fees[inf_id] = int(fee_minor or 0)

    def person(influencer_id: int | None) -> InfluencerResult:
        if influencer_id not in people:
            inf = session.get(Influencer, influencer_id) if influencer_id is not None else None
            people[influencer_id] = InfluencerResult(
                influencer_id,
                inf.display_name if inf else "(no influencer)",
                (inf.tier if inf else None) or UNKNOWN,
                UNKNOWN,
                None,
                _new(campaign),
            )
        return people[influencer_id]

    rows = session.execute(
        select(
            CampaignPost.id.label("cp_id"),
            CampaignPost.influencer_id,
            CampaignPost.disclosure,
            Post.id,
            Post.url,
            Post.published_at,
            Post.reach,
            Post.views,
            Post.likes,
            Post.comments,
            Post.shares,
            Post.saves,
            SocialAccount.platform,
        )
        .join(Post, Post.id == CampaignPost.post_id)
        .join(SocialAccount, SocialAccount.id == Post.social_account_id)
        .where(CampaignPost.campaign_id == campaign.id)
        .order_by(Post.published_at.desc().nulls_last(), CampaignPost.id)
    ).all()
    snaps = latest_snapshots(session, [row.id for row in rows])
    posts: list[PostResult] = []
    by_platform: dict[str, Totals] = defaultdict(lambda: _new(campaign))
    for post in rows:
        platform = post.platform
        who = person(post.influencer_id)
        if who.platform == UNKNOWN:
            who.platform = platform
        t = post_totals(post, snaps.get(post.id), base)
        posts.append(
            PostResult(
                post.cp_id,
                post.id,
                post.influencer_id,
                who.name,
                platform,
                who.tier,
                post.url,
                post.published_at,
                post.disclosure,
                t,
            )
        )
        who.totals.add(t)
        by_platform[platform].add(t)

    # Spend: the fee, spread over the influencer's posts for per-post cost ratios.
    posts_per: dict[int, int] = defaultdict(int)
    for p in posts:
        posts_per[p.influencer_id] += 1
    for p in posts:
        fee = fees.get(p.influencer_id, 0)
        if fee and posts_per[p.influencer_id]:
            p.totals.spend_minor = fee // posts_per[p.influencer_id]

    link_platforms = dict(
        session.execute(
            select(TrackingLink.id, TrackingLink.platform).where(TrackingLink.campaign_id == campaign.id)
        ).all()
    )
    clicks = session.execute(
        select(ClickDaily.link_id, ClickDaily.influencer_id, func.sum(ClickDaily.clicks))
        .where(ClickDaily.campaign_id == campaign.id)
        .group_by(ClickDaily.link_id, ClickDaily.influencer_id)
    ).all()
    for link_id, influencer_id, n in clicks:
        who = person(influencer_id)
        who.totals.clicks += int(n or 0)
        click_key: str = link_platforms.get(link_id) or who.platform
        by_platform[click_key].clicks += int(n or 0)

    orders = session.execute(
        select(
            OrderDaily.influencer_key,
            OrderDaily.link_key,
            OrderDaily.currency,
            func.sum(OrderDaily.orders),
            func.sum(OrderDaily.revenue_minor - OrderDaily.refunded_minor),
        )
        .where(OrderDaily.campaign_id == campaign.id)
        .group_by(OrderDaily.influencer_key, OrderDaily.link_key, OrderDaily.currency)
    ).all()
    other_currency = 0
    for influencer_key, link_key, currency, count, revenue in orders:
        if currency != campaign.currency:
            other_currency += int(count)
            continue
        who = person(influencer_key or None)
        order_platform = link_platforms.get(link_key) if link_key else None
        who.totals.conversions += int(count)
        who.totals.revenue_minor += int(revenue or 0)
        order_key: str = order_platform or who.platform
        by_platform[order_key].conversions += int(count)
        by_platform[order_key].revenue_minor += int(revenue or 0)

    # An accepted deal's fee (issue 6's deals) is the spend; the shortlist fee is the fallback.
    deal_fees = session.execute(
        select(Deal.influencer_id, func.sum(DealOffer.fee_minor))
        .join(DealOffer, DealOffer.id == Deal.accepted_offer_id)
        .where(
            Deal.campaign_id == campaign.id,
            Deal.status == "accepted",
            DealOffer.currency == campaign.currency,
        )
        .group_by(Deal.influencer_id)
    ).all()
    for influencer_id, fee in deal_fees:
        person(influencer_id)
        fees[influencer_id] = int(fee or 0)
    for influencer_id, fee in fees.items():
        who = people[influencer_id]
        who.totals.spend_minor += fee
        by_platform[who.platform].spend_minor += fee

    by_tier: dict[str, Totals] = defaultdict(lambda: _new(campaign))
    totals = _new(campaign)
    for who in people.values():
        by_tier[who.tier].add(who.totals)
        totals.add(who.totals)

    for p in posts:
        fee = fees.get(p.influencer_id, 0)
        p.totals.spend_minor = fee // posts_per[p.influencer_id] if fee and posts_per[p.influencer_id] else 0

    notes = []
    if other_currency:
        notes.append(f"{other_currency} orders in other currencies are not included in revenue.")
    return CampaignResults(
        campaign=campaign,
        totals=totals,
        posts=posts,
        influencers=sorted(people.values(), key=lambda r: (-r.totals.revenue_minor, -r.totals.reach, r.name)),
        by_tier=dict(by_tier),
        by_platform=dict(by_platform),
        daily=daily_series(session, campaign),
        other_currency_orders=other_currency,
        notes=notes,
    )


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def daily_series(session: Session, campaign: Campaign) -> list[dict[str, Any]]:
    """Clicks, conversions and net revenue per UTC day."""
    days: dict[date, dict[str, Any]] = {}

    def row(d: date) -> dict[str, Any]:
        return days.setdefault(d, {"day": d, "clicks": 0, "conversions": 0, "revenue_minor": 0})

    for day, n in session.execute(
        select(ClickDaily.day, func.sum(ClickDaily.clicks))
        .where(ClickDaily.campaign_id == campaign.id)
        .group_by(ClickDaily.day)
    ).all():
        row(_day(day))["clicks"] += int(n or 0)
    for day, count, revenue in session.execute(
        select(
            OrderDaily.day,
            func.sum(OrderDaily.orders),
            func.sum(OrderDaily.revenue_minor - OrderDaily.refunded_minor),
        )
        .where(OrderDaily.campaign_id == campaign.id, OrderDaily.currency == campaign.currency)
        .group_by(OrderDaily.day)
    ).all():
        r = row(_day(day))
        r["conversions"] += int(count or 0)
        r["revenue_minor"] += int(revenue or 0)
    return [days[d] for d in sorted(days)]
