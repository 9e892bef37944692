from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned

CONTENT_STATUSES = ("draft", "in_review", "changes_requested", "approved", "scheduled", "published")


class ContentItem(WorkspaceOwned, Timestamped, Base):
    """One deliverable unit of an agreed deal (one reel, one story...), moving through the review workflow."""

    __tablename__ = "content_items"
    __table_args__ = (Index("ix_content_items_status_due", "status", "due_at"),)

    deal_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("deals.id", ondelete="CASCADE"), index=True, nullable=False
    )
    deliverable_index: Mapped[int] = mapped_column(nullable=False, default=0)
    sequence: Mapped[int] = mapped_column(nullable=False, default=1)
    platform: Mapped[str] = mapped_column(String(40), nullable=False)
    format: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    due_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    scheduled_for: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    live_url: Mapped[str | None] = mapped_column(String(1000))
    last_reminder_at: Mapped[datetime | None]
