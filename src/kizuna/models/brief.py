from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned, utcnow


class Brief(WorkspaceOwned, Timestamped, Base):
    """A campaign's content brief (``influencer_id`` NULL) or one creator's override of some of its fields.

    ``content`` holds :class:`kizuna.content.briefs.BriefContent`; an override stores only the fields it
    changes, and :func:`kizuna.content.briefs.effective_brief` merges the two.
    """

    __tablename__ = "briefs"
    __table_args__ = (UniqueConstraint("campaign_id", "influencer_id"),)

    campaign_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False
    )
    influencer_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("influencers.id", ondelete="CASCADE"))
    content: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)
