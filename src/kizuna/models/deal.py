from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned, utcnow

DEAL_STATUSES = ("negotiating", "accepted", "declined", "cancelled")


class Deal(WorkspaceOwned, Timestamped, Base):
    """One negotiation with one creator for one campaign (step 5 of the lifecycle).

    The terms live in the versioned :class:`~kizuna.models.deal_offer.DealOffer` rows; the deal only points at
    the latest one and, once agreed, at the accepted one. ``creator_locale`` is the language the creator chose
    for the portal and the agreement.
    """

    __tablename__ = "deals"
    __table_args__ = (Index("ix_deals_campaign_influencer", "campaign_id", "influencer_id"),)

    campaign_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False
    )
    influencer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="CASCADE"), index=True, nullable=False
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="negotiating")
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="JPY")
    creator_locale: Mapped[str] = mapped_column(String(5), nullable=False, default="ja")
    current_version: Mapped[int] = mapped_column(nullable=False, default=0)
    accepted_offer_id: Mapped[int | None] = mapped_column(BigInteger)
    accepted_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)
