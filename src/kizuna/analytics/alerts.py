"""Alerts a campaign manager must see: missed deadlines, live posts without a clear disclosure, KPIs behind.

They are computed from the current state on every view (nothing to keep in sync); the workspace analytics page
lists them for every active campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.analytics.kpis import KPI_COLUMNS
from kizuna.analytics.pacing import Pace
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.campaign_post import CampaignPost
from kizuna.models.content_item import ContentItem
from kizuna.models.deal import Deal
from kizuna.models.influencer import Influencer
from kizuna.models.post import Post

#: Stages at which content is still owed.
OWING = ("agreed", "content")


KPI_LABELS = dict(KPI_COLUMNS)


@dataclass(frozen=True)
class Alert:
    kind: str  # deadline_missed, disclosure_missing, kpi_behind
    severity: str  # high, medium
    message: str
    params: dict[str, object]


def campaign_alerts(
    session: Session, campaign: Campaign, pacing: list[Pace], today: date, now: datetime | None = None
) -> list[Alert]:
    alerts: list[Alert] = []
    now = now or datetime.now(UTC)
    if campaign.ends_on is not None and today > campaign.ends_on:
        late = (
            session.execute(
                select(Influencer.display_name)
                .join(CampaignInfluencer, CampaignInfluencer.influencer_id == Influencer.id)
                .where(CampaignInfluencer.campaign_id == campaign.id, CampaignInfluencer.stage.in_(OWING))
            )
            .scalars()
            .all()
        )
        for name in late:
            alerts.append(
                Alert(
                    "deadline_missed",
                    "high",
                    "%(name)s has not published and the campaign ended on %(date)s.",
                    {"name": name, "date": campaign.ends_on.isoformat()},
                )
            )
    overdue = session.execute(
        select(Influencer.display_name, ContentItem.due_at)
        .join(Deal, Deal.id == ContentItem.deal_id)
        .join(Influencer, Influencer.id == Deal.influencer_id)
        .where(
            Deal.campaign_id == campaign.id,
            ContentItem.due_at < now,
            ContentItem.status.in_(("draft", "in_review", "changes_requested")),
        )
        .order_by(ContentItem.due_at)
    ).all()
    for name, due in overdue:
        alerts.append(
            Alert(
                "deadline_missed",
                "high",
                "Content from %(name)s was due on %(date)s and is not approved yet.",
                {"name": name, "date": due.date().isoformat() if due else ""},
            )
        )
    bad = session.execute(
        select(CampaignPost, Post.url, Influencer.display_name)
        .join(Post, Post.id == CampaignPost.post_id)
        .join(Influencer, Influencer.id == CampaignPost.influencer_id)
        .where(
            CampaignPost.campaign_id == campaign.id,
            CampaignPost.disclosure.in_(("non_compliant", "needs_review")),
        )
    ).all()
    for cp, url, name in bad:
        alerts.append(
            Alert(
                "disclosure_missing",
                "high" if cp.disclosure == "non_compliant" else "medium",
                "The live post by %(name)s has no clear ad disclosure (%(url)s).",
                {"name": name, "url": url or "", "verdict": cp.disclosure},
            )
        )
    for p in pacing:
        if p.status == "behind":
            alerts.append(
                Alert(
                    "kpi_behind",
                    "medium",
                    "%(metric)s is behind target: %(actual)s of %(target)s.",
                    {
                        "metric": KPI_LABELS.get(p.metric, p.metric),
                        "actual": round(p.actual or 0, 4),
                        "target": p.target,
                    },
                )
            )
    return alerts
