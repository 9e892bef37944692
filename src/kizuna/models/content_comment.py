from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned


class ContentComment(WorkspaceOwned, Timestamped, Base):
    """A review comment on one version of a content item, from the brand or the creator."""

    __tablename__ = "content_comments"

    item_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("content_items.id", ondelete="CASCADE"), index=True, nullable=False
    )
    version_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("content_versions.id", ondelete="CASCADE")
    )
    author_label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    from_creator: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
