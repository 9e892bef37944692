from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned

ENROLLMENT_STATUSES = ("active", "paused", "blocked", "stopped", "completed")


class OutreachEnrollment(WorkspaceOwned, Timestamped, Base):
    """One influencer going through one pinned sequence version.

    ``next_step`` is the index of the step that will run next; ``next_due_at`` is ``None`` while a step is in
    flight (an e-mail being sent, a manual task open), so nothing can be scheduled twice.
    """

    __tablename__ = "outreach_enrollments"
    __table_args__ = (Index("ix_outreach_enrollments_status_due", "status", "next_due_at"),)

    sequence_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("outreach_sequences.id", ondelete="CASCADE"), index=True, nullable=False
    )
    version_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("outreach_sequence_versions.id", ondelete="CASCADE"), nullable=False
    )
    influencer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="CASCADE"), index=True, nullable=False
    )
    campaign_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("campaigns.id", ondelete="SET NULL"))
    mailbox_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("outreach_mailboxes.id", ondelete="SET NULL")
    )
    to_email: Mapped[str] = mapped_column(String(320), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    stop_reason: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    stop_detail: Mapped[str] = mapped_column(Text, nullable=False, default="")
    next_step: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_due_at: Mapped[datetime | None]
    thread_message_id: Mapped[str | None] = mapped_column(String(300))
    thread_subject: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    stopped_at: Mapped[datetime | None]
    enrolled_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
