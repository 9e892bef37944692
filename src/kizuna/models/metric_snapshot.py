from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, WorkspaceOwned


class MetricSnapshot(WorkspaceOwned, Base):
    """An account's counts at one moment: the followers history."""

    __tablename__ = "metric_snapshots"
    __workspace_index__ = False  # the composite indexes below begin with workspace_id
    __table_args__ = (
        Index("ix_metric_snapshots_account_time", "social_account_id", "captured_at"),
        Index("ix_metric_snapshots_ws_account_time", "workspace_id", "social_account_id", "captured_at"),
    )

    social_account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("social_accounts.id", ondelete="CASCADE"), nullable=False
    )
    captured_at: Mapped[datetime]
    followers: Mapped[int | None] = mapped_column(BigId)
    following: Mapped[int | None] = mapped_column(BigId)
    posts_count: Mapped[int | None] = mapped_column(BigId)
    source: Mapped[str] = mapped_column(String(40), nullable=False, default="manual")
