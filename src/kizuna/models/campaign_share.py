from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned


class CampaignShare(WorkspaceOwned, Timestamped, Base):
    """A read-only report link for an agency's client. The URL carries a signed ``{id, nonce}``; revoking
    sets ``revoked_at`` and the signature alone no longer opens the report."""

    __tablename__ = "campaign_shares"

    campaign_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("campaigns.id", ondelete="CASCADE"), index=True, nullable=False
    )
    nonce: Mapped[str] = mapped_column(String(64), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    locale: Mapped[str] = mapped_column(String(5), nullable=False, default="en")
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]
