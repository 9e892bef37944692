"""An influencer's past results across campaigns, for people and for discovery ranking.

:func:`scorecard` is the function discovery calls: it returns plain numbers (``None`` when unknown) so a ranking
can prefer creators who delivered (cost per engagement, ROAS, disclosure record) without knowing this domain's
tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kizuna.analytics.kpis import Totals
from kizuna.analytics.service import latest_snapshots, post_totals
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.campaign_post import CampaignPost
from kizuna.models.click_daily import ClickDaily
from kizuna.models.post import Post
from kizuna.models.shop_order import ShopOrder
from kizuna.models.workspace import Workspace


@dataclass
class Scorecard:
    influencer_id: int
    campaigns: int
    totals: Totals
    disclosure_issues: int

    @property
    def avg_reach_per_post(self) -> float | None:
        return self.totals.reach / self.totals.posts if self.totals.posts else None

    def as_dict(self) -> dict[str, Any]:
        t = self.totals
        return {
            "influencer_id": self.influencer_id,
            "campaigns": self.campaigns,
            "posts": t.posts,
            "avg_reach_per_post": self.avg_reach_per_post,
            "reach": t.reach,
            "engagements": t.engagements,
            "er": t.er,
            "clicks": t.clicks,
            "ctr": t.ctr,
            "conversions": t.conversions,
            "cvr": t.cvr,
            "revenue": t.revenue,
            "spend": t.spend,
            "cpe": t.cpe,
            "cpa": t.cpa,
            "roas": t.roas,
            "currency": t.currency,
            "disclosure_issues": self.disclosure_issues,
        }


def scorecard(session: Session, influencer_id: int) -> Scorecard:
    """Past results of one influencer in the caller's workspace, in the workspace currency.

    Money from campaigns in another currency is left out (no exchange rates are assumed).
    """
    from kizuna.tenancy import bound_workspace

    ws_id = bound_workspace(session)
    ws = session.get(Workspace, ws_id) if ws_id is not None else None
    currency = ws.currency if ws is not None else "JPY"
    totals = Totals(currency=currency)
    rows = session.execute(
        select(CampaignPost, Post)
        .join(Post, Post.id == CampaignPost.post_id)
        .where(CampaignPost.influencer_id == influencer_id)
    ).all()
    snaps = latest_snapshots(session, [p.id for _cp, p in rows])
    issues = 0
    for cp, post in rows:
        totals.add(post_totals(post, snaps.get(post.id), totals))
        issues += cp.disclosure in ("non_compliant", "needs_review")
    totals.clicks = int(
        session.execute(
            select(func.coalesce(func.sum(ClickDaily.clicks), 0)).where(
                ClickDaily.influencer_id == influencer_id
            )
        ).scalar_one()
    )
    count, revenue = session.execute(
        select(
            func.count(ShopOrder.id),
            func.coalesce(func.sum(ShopOrder.revenue_minor - ShopOrder.refunded_minor), 0),
        ).where(ShopOrder.influencer_id == influencer_id, ShopOrder.currency == currency)
    ).one()
    totals.conversions, totals.revenue_minor = int(count), int(revenue)
    spend = session.execute(
        select(func.coalesce(func.sum(CampaignInfluencer.fee_minor), 0))
        .join(Campaign, Campaign.id == CampaignInfluencer.campaign_id)
        .where(CampaignInfluencer.influencer_id == influencer_id, Campaign.currency == currency)
    ).scalar_one()
    totals.spend_minor = int(spend or 0)
    campaigns = int(
        session.execute(
            select(func.count(func.distinct(CampaignInfluencer.campaign_id))).where(
                CampaignInfluencer.influencer_id == influencer_id
            )
        ).scalar_one()
    )
    return Scorecard(influencer_id, campaigns, totals, issues)
