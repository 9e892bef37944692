"""A workspace's brand-safety keyword category (violence, adult, drugs, ... or its own)."""

from __future__ import annotations

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, JsonType, Timestamped, WorkspaceOwned


class BrandSafetyCategory(WorkspaceOwned, Timestamped, Base):
    """``terms`` are matched over bios and captions; ``exceptions`` are longer phrases that contain a term
    but are harmless (ドラッグストア contains ドラッグ) and suppress the hit they contain."""

    __tablename__ = "brand_safety_categories"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    key: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    name_ja: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    terms: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    exceptions: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
