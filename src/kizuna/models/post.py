from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned

POST_TYPES = ("feed", "reel", "story", "video", "short", "live", "blog")


class Post(WorkspaceOwned, Timestamped, Base):
    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("social_account_id", "platform_post_id"),
        Index("ix_posts_account_published", "social_account_id", "published_at"),
        Index("ix_posts_ws_account_published", "workspace_id", "social_account_id", "published_at"),
    )

    social_account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("social_accounts.id", ondelete="CASCADE"), nullable=False
    )
    platform_post_id: Mapped[str] = mapped_column(String(120), nullable=False)
    url: Mapped[str | None] = mapped_column(String(500))
    caption: Mapped[str] = mapped_column(Text, nullable=False, default="")
    hashtags: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    mentions: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    published_at: Mapped[datetime | None]
    post_type: Mapped[str] = mapped_column(String(20), nullable=False, default="feed")
    likes: Mapped[int | None] = mapped_column(BigId)
    comments: Mapped[int | None] = mapped_column(BigId)
    shares: Mapped[int | None] = mapped_column(BigId)
    saves: Mapped[int | None] = mapped_column(BigId)
    views: Mapped[int | None] = mapped_column(BigId)
    reach: Mapped[int | None] = mapped_column(BigId)
    is_sponsored: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
