from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned

PAYABLE_STATUSES = ("awaiting_clock", "scheduled", "paid")


class Payable(WorkspaceOwned, Timestamped, Base):
    """What the brand owes for one deliverable. ``due_at`` is set when the clock of the payment terms starts.

    Withholding (源泉徴収) is computed when the payment is made and kept with it, because the payee's status
    may change between agreement and payment.
    """

    __tablename__ = "payables"
    __table_args__ = (Index("ix_payables_status_due", "status", "due_at"),)

    deal_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("deals.id", ondelete="CASCADE"), index=True, nullable=False
    )
    content_item_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("content_items.id", ondelete="SET NULL")
    )
    description: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    gross_minor: Mapped[int] = mapped_column(BigInteger, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    net_days: Mapped[int] = mapped_column(nullable=False, default=30)
    clock_start: Mapped[str] = mapped_column(String(20), nullable=False, default="publication")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="awaiting_clock")
    clock_started_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    withholding_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    paid_minor: Mapped[int | None] = mapped_column(BigInteger)
    paid_at: Mapped[datetime | None]
    paid_reference: Mapped[str | None] = mapped_column(String(200))
    overdue_alerted_at: Mapped[datetime | None]
