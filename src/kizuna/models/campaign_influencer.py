from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned, utcnow

STAGES = (
    "prospect",
    "contacted",
    "replied",
    "negotiating",
    "agreed",
    "content",
    "published",
    "paid",
    "completed",
    "declined",
)


class CampaignInfluencer(WorkspaceOwned, Timestamped, Base):
    """An influencer on a campaign's shortlist, with their pipeline stage (the outreach board).

    ``fee_minor`` (campaign currency) is the agreed cost used as spend in the KPIs when no deal records one.
    """

    __tablename__ = "campaign_influencers"
    __table_args__ = (
        UniqueConstraint("campaign_id", "influencer_id"),
        Index("ix_campaign_influencers_campaign_stage", "campaign_id", "stage"),
    )

    campaign_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False
    )
    influencer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="CASCADE"), index=True, nullable=False
    )
    stage: Mapped[str] = mapped_column(String(20), nullable=False, default="prospect")
    stage_changed_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    added_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    fee_minor: Mapped[int | None] = mapped_column(BigInteger)
