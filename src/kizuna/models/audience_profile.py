from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned


class AudienceProfile(WorkspaceOwned, Timestamped, Base):
    """Who follows an account. Shares are fractions (0-1) keyed by band / code, with their provenance."""

    __tablename__ = "audience_profiles"
    __table_args__ = (Index("ix_audience_profiles_ws_account", "workspace_id", "social_account_id"),)

    social_account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("social_accounts.id", ondelete="CASCADE"), index=True, nullable=False
    )
    age_bands: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False, default=dict)
    gender: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False, default=dict)
    countries: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False, default=dict)
    cities: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False, default=dict)
    languages: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False, default=dict)
    source: Mapped[str] = mapped_column(String(60), nullable=False, default="manual")
    sample_size: Mapped[int | None] = mapped_column(Integer)
    as_of: Mapped[datetime | None]
