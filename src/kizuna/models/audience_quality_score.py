"""One computed Audience Quality Score of a social account: the history of scores is the table itself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, WorkspaceOwned, utcnow


class AudienceQualityScore(WorkspaceOwned, Base):
    """A score (0-100, ``None`` when no factor had data) with every factor's value, weight, contribution,
    confidence and the data behind it (``factors``), so an old score can be explained after the data changed.
    """

    __tablename__ = "audience_quality_scores"
    __table_args__ = (Index("ix_audience_quality_scores_account_time", "social_account_id", "computed_at"),)

    social_account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("social_accounts.id", ondelete="CASCADE"), nullable=False
    )
    score: Mapped[float | None] = mapped_column(Float)
    confidence: Mapped[str] = mapped_column(String(10), nullable=False)
    coverage: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    factors: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, nullable=False, default=list)
    method_version: Mapped[str] = mapped_column(String(40), nullable=False)
    trigger: Mapped[str] = mapped_column(String(40), nullable=False, default="manual")
    computed_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
