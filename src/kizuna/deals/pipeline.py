"""The campaign pipeline stage driven by deal and content events (agreed → content → published → paid).

Stages only move forward from here; a manual move on the outreach board is never undone by an older event.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.kit.time import utcnow
from kizuna.models.campaign_influencer import STAGES, CampaignInfluencer
from kizuna.models.deal import Deal

_ORDER = {stage: i for i, stage in enumerate(STAGES)}


def ensure_row(session: Session, deal: Deal) -> CampaignInfluencer:
    row = session.execute(
        select(CampaignInfluencer).where(
            CampaignInfluencer.campaign_id == deal.campaign_id,
            CampaignInfluencer.influencer_id == deal.influencer_id,
        )
    ).scalar_one_or_none()
    if row is None:
        row = CampaignInfluencer(
            workspace_id=deal.workspace_id,
            campaign_id=deal.campaign_id,
            influencer_id=deal.influencer_id,
            stage="negotiating",
        )
        session.add(row)
        session.flush()
    return row


def advance(session: Session, deal: Deal, stage: str) -> CampaignInfluencer:
    """Move the shortlist row to ``stage`` if that is further along (``declined`` always applies)."""
    row = ensure_row(session, deal)
    further = row.stage != "declined" and _ORDER.get(stage, 0) > _ORDER.get(row.stage, 0)
    if (stage == "declined" or further) and row.stage != stage:
        row.stage = stage
        row.stage_changed_at = utcnow()
    return row
