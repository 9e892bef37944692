from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned


class ContentCheck(WorkspaceOwned, Timestamped, Base):
    """A stored disclosure-compliance result: a draft, a live post or a brand reuse, in one jurisdiction.

    ``findings`` keeps both languages of each finding so the creator and the brand each read their own.
    """

    __tablename__ = "content_checks"

    item_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("content_items.id", ondelete="CASCADE"), index=True, nullable=False
    )
    version_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("content_versions.id", ondelete="CASCADE")
    )
    context: Mapped[str] = mapped_column(String(20), nullable=False)
    jurisdiction: Mapped[str] = mapped_column(String(8), nullable=False)
    platform: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    channel: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    verdict: Mapped[str] = mapped_column(String(20), nullable=False)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, nullable=False, default=list)
