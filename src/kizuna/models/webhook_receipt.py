from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, WorkspaceOwned, utcnow


class WebhookReceipt(WorkspaceOwned, Base):
    """A delivery already processed; a retried delivery with the same id is acknowledged and ignored."""

    __tablename__ = "webhook_receipts"
    __table_args__ = (UniqueConstraint("connection_id", "delivery_id"),)

    connection_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("shop_connections.id", ondelete="CASCADE"), nullable=False
    )
    delivery_id: Mapped[str] = mapped_column(String(120), nullable=False)
    topic: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    received_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
