"""A person's override of an account's Audience Quality Score, with the reason (also in the audit log)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned


class AudienceQualityOverride(WorkspaceOwned, Timestamped, Base):
    """``score`` replaces the computed one while ``cleared_at`` is NULL; clearing keeps the row as history."""

    __tablename__ = "audience_quality_overrides"
    __table_args__ = (Index("ix_audience_quality_overrides_account", "social_account_id", "created_at"),)

    social_account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("social_accounts.id", ondelete="CASCADE"), nullable=False
    )
    score: Mapped[float] = mapped_column(Float, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    cleared_at: Mapped[datetime | None]
    cleared_reason: Mapped[str | None] = mapped_column(Text)
