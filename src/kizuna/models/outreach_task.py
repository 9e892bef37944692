from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned


class OutreachTask(WorkspaceOwned, Timestamped, Base):
    """A manual step (e.g. "send an Instagram DM") with the prepared text. Platform DMs are never automated."""

    __tablename__ = "outreach_tasks"

    enrollment_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("outreach_enrollments.id", ondelete="CASCADE"), index=True
    )
    influencer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="CASCADE"), index=True, nullable=False
    )
    step_index: Mapped[int | None] = mapped_column(Integer)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    platform: Mapped[str] = mapped_column(String(40), nullable=False, default="instagram")
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    due_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
