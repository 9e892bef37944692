from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned


class CampaignPost(WorkspaceOwned, Timestamped, Base):
    """A live post registered against a campaign, with the result of its disclosure check.

    ``disclosure`` is the compliance verdict (``compliant``, ``needs_review``, ``non_compliant``) or
    ``unchecked`` when the engine was unavailable or the caption is unknown.
    """

    __tablename__ = "campaign_posts"
    __table_args__ = (
        UniqueConstraint("campaign_id", "post_id"),
        Index("ix_campaign_posts_influencer", "influencer_id"),
    )

    campaign_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False
    )
    post_id: Mapped[int] = mapped_column(BigId, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False)
    influencer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="CASCADE"), nullable=False
    )
    platform: Mapped[str] = mapped_column(String(40), nullable=False)
    disclosure: Mapped[str] = mapped_column(String(20), nullable=False, default="unchecked")
    disclosure_findings: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, nullable=False, default=list)
    disclosure_checked_at: Mapped[datetime | None]
