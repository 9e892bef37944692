from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned


class SocialAccount(WorkspaceOwned, Timestamped, Base):
    """One account on one platform. ``platform`` is a free key (instagram, youtube, line, xiaohongshu, ...)."""

    __tablename__ = "social_accounts"
    __workspace_index__ = False  # the composite indexes below begin with workspace_id
    __table_args__ = (
        UniqueConstraint("workspace_id", "platform", "handle_key"),
        # Tenancy adds "workspace_id = ?" to every query; without this index SQLite answers "accounts of these
        # influencers" from the workspace-only index, i.e. by scanning every account of the workspace.
        Index("ix_social_accounts_ws_influencer", "workspace_id", "influencer_id"),
    )

    influencer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="CASCADE"), index=True, nullable=False
    )
    platform: Mapped[str] = mapped_column(String(40), nullable=False)
    handle: Mapped[str] = mapped_column(String(200), nullable=False)
    handle_key: Mapped[str] = mapped_column(String(200), nullable=False)
    url: Mapped[str | None] = mapped_column(String(500))
    external_id: Mapped[str | None] = mapped_column(String(120))
    followers: Mapped[int | None] = mapped_column(BigId)
    following: Mapped[int | None] = mapped_column(BigId)
    posts_count: Mapped[int | None] = mapped_column(BigId)
    verified: Mapped[bool | None] = mapped_column(Boolean)
    account_created_at: Mapped[datetime | None]
    avg_likes: Mapped[float | None] = mapped_column(Float)
    avg_comments: Mapped[float | None] = mapped_column(Float)
    avg_views: Mapped[float | None] = mapped_column(Float)
    engagement_rate: Mapped[float | None] = mapped_column(Float)
    engagement_definition: Mapped[str | None] = mapped_column(String(200))
    posts_per_week: Mapped[float | None] = mapped_column(Float)
    follower_growth_30d: Mapped[float | None] = mapped_column(Float)
    tier: Mapped[str | None] = mapped_column(String(30))
    last_refreshed_at: Mapped[datetime | None]
    # Audience Quality Score 0-100 (issue 4, item 3); NULL until scored. Added by 0003_discovery so that the
    # discovery filter "minimum audience quality" works as soon as scores are written.
    audience_quality: Mapped[float | None] = mapped_column(Float)
