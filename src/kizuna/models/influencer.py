from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned, utcnow


class Influencer(WorkspaceOwned, Timestamped, Base):
    """A person or creator brand, with one or more social accounts.

    ``followers_total``, ``max_followers``, ``tier`` and ``engagement_rate`` are derived from the accounts and kept
    up to date by :mod:`kizuna.influencers.metrics`, so that lists can sort and filter without joins.
    """

    __tablename__ = "influencers"
    __workspace_index__ = False  # the composite indexes below begin with workspace_id
    __table_args__ = (
        Index("ix_influencers_ws_followers", "workspace_id", "max_followers"),
        Index("ix_influencers_ws_country", "workspace_id", "country", "max_followers"),
        Index("ix_influencers_ws_tier", "workspace_id", "tier", "max_followers"),
        Index("ix_influencers_ws_category", "workspace_id", "primary_category", "max_followers"),
        Index("ix_influencers_ws_er", "workspace_id", "engagement_rate", "max_followers"),
        Index("ix_influencers_ws_name", "workspace_id", "display_name"),
    )

    display_name: Mapped[str] = mapped_column(String(300), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="person")
    bio: Mapped[str] = mapped_column(Text, nullable=False, default="")
    emails: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    languages: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    country: Mapped[str | None] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(120))
    timezone: Mapped[str | None] = mapped_column(String(64))
    categories: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    primary_category: Mapped[str | None] = mapped_column(String(60))
    tags: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    owner_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    manager_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("managers.id", ondelete="SET NULL"), index=True
    )
    merged_into_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="SET NULL")
    )
    max_followers: Mapped[int | None] = mapped_column(BigId)
    followers_total: Mapped[int | None] = mapped_column(BigId)
    tier: Mapped[str | None] = mapped_column(String(30))
    engagement_rate: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)
