from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned


class ContentVersion(WorkspaceOwned, Timestamped, Base):
    """One submitted draft of a content item: caption plus an uploaded file or a link. Never edited."""

    __tablename__ = "content_versions"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    item_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("content_items.id", ondelete="CASCADE"), nullable=False
    )
    version: Mapped[int] = mapped_column(nullable=False)
    caption: Mapped[str] = mapped_column(Text, nullable=False, default="")
    media_upload_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("uploads.id", ondelete="SET NULL"))
    media_link: Mapped[str | None] = mapped_column(String(1000))
    submitted_by: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    from_creator: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    verdict: Mapped[str | None] = mapped_column(String(20))
