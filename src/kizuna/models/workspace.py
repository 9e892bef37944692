from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, JsonType, Timestamped


class Workspace(Timestamped, Base):
    """A brand, or one client of an agency. Every piece of business data belongs to exactly one."""

    __tablename__ = "workspaces"

    slug: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="brand")
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="JPY")
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="Asia/Tokyo")
    tier_scheme: Mapped[str] = mapped_column(String(40), nullable=False, default="global")
    custom_tiers: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    sender_identity: Mapped[str] = mapped_column(Text, nullable=False, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False, default=dict)
