from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned

PROMO_KINDS = ("influencer", "single_use", "imported")


class PromoCode(WorkspaceOwned, Timestamped, Base):
    """A discount code credited to an influencer (and campaign). ``code_key`` is the upper-cased code:
    shops compare codes case-insensitively, so two codes differing only in case would collide."""

    __tablename__ = "promo_codes"
    __table_args__ = (
        UniqueConstraint("workspace_id", "code_key"),
        Index("ix_promo_codes_campaign_influencer", "campaign_id", "influencer_id"),
    )

    campaign_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("campaigns.id", ondelete="CASCADE"))
    influencer_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="SET NULL")
    )
    code: Mapped[str] = mapped_column(String(64), nullable=False)
    code_key: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="influencer")
    batch: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    single_use: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    used_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
