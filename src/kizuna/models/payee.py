from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned, utcnow


class Payee(WorkspaceOwned, Timestamped, Base):
    """How a creator is paid and invoiced. Bank details are encrypted at rest (:func:`kizuna.kit.crypto.encrypt`).

    ``entity_type`` decides Japanese withholding (individuals only); ``invoice_registration_number`` is the
    validated ``T`` + 13 digits of a qualified invoice issuer (適格請求書発行事業者), or NULL.
    """

    __tablename__ = "payees"
    __table_args__ = (UniqueConstraint("workspace_id", "influencer_id"),)

    influencer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="CASCADE"), nullable=False
    )
    legal_name: Mapped[str] = mapped_column(String(200), nullable=False)
    entity_type: Mapped[str] = mapped_column(String(20), nullable=False, default="individual")
    country: Mapped[str] = mapped_column(String(2), nullable=False, default="JP")
    invoice_registration_number: Mapped[str | None] = mapped_column(String(14))
    bank_details_enc: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)
