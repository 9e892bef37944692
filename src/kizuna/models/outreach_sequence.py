from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned


class OutreachSequence(WorkspaceOwned, Timestamped, Base):
    """A named sequence; its steps live in immutable :class:`OutreachSequenceVersion` rows."""

    __tablename__ = "outreach_sequences"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    campaign_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    offer: Mapped[str] = mapped_column(Text, nullable=False, default="")
    current_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
