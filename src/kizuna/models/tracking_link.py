from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned


class TrackingLink(WorkspaceOwned, Timestamped, Base):
    """A short link ``/r/{code}`` for one influencer in one campaign; answers 302 to ``destination`` + UTM.

    ``code`` is random (72 bits), never derived from ids, so links cannot be enumerated. From ``expires_at`` on
    (when set) the link answers like an inactive one: no redirect, no click logged.
    """

    __tablename__ = "tracking_links"
    __table_args__ = (
        Index("ix_tracking_links_code", "code", unique=True),
        Index("ix_tracking_links_campaign_influencer", "campaign_id", "influencer_id"),
    )

    campaign_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False
    )
    influencer_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="SET NULL")
    )
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    destination: Mapped[str] = mapped_column(String(2000), nullable=False)
    platform: Mapped[str | None] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    utm_source: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    utm_medium: Mapped[str] = mapped_column(String(100), nullable=False, default="influencer")
    utm_campaign: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    utm_content: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    expires_at: Mapped[datetime | None]
