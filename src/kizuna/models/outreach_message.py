from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned

OUTBOUND_STATUSES = ("queued", "sending", "sent", "bounced", "failed", "cancelled", "uncertain")
INBOUND_KINDS = ("reply", "auto_reply", "bounce", "unsubscribe")


class OutreachMessage(WorkspaceOwned, Timestamped, Base):
    """Every e-mail in a conversation, sent (``direction='out'``) or received (``'in'``).

    For outbound mail ``idempotency_key`` (``enr:<id>:step:<n>`` for sequence steps) is unique: a step can
    produce at most one row, whatever retries or restarts happen. ``message_id`` is generated and committed
    *before* the SMTP transaction starts (see docs/adr/0300-exactly-once-sending.md).
    """

    __tablename__ = "outreach_messages"
    __table_args__ = (
        Index("ix_outreach_messages_status_next", "status", "next_attempt_at"),
        Index("ix_outreach_messages_influencer_created", "influencer_id", "created_at"),
        Index("ix_outreach_messages_mailbox_sent", "mailbox_id", "sent_at"),
    )

    direction: Mapped[str] = mapped_column(String(3), nullable=False, default="out")
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="sequence")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="queued")
    enrollment_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("outreach_enrollments.id", ondelete="SET NULL"), index=True
    )
    influencer_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="SET NULL")
    )
    mailbox_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("outreach_mailboxes.id", ondelete="SET NULL")
    )
    template_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("outreach_templates.id", ondelete="SET NULL")
    )
    step_index: Mapped[int | None] = mapped_column(Integer)
    variant: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    tier: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    message_id: Mapped[str] = mapped_column(String(300), nullable=False, index=True)
    in_reply_to: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    references: Mapped[str] = mapped_column(Text, nullable=False, default="")
    subject: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    from_addr: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    to_addr: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    body_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None]
    claimed_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    claimed_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sent_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]
    bounced_at: Mapped[datetime | None]
