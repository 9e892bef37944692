from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned

AGREEMENT_STATUSES = ("issued", "accepted", "void")


class DealAgreement(WorkspaceOwned, Timestamped, Base):
    """The agreement text generated from an accepted offer, in one language.

    ``body`` is the canonical text that the HTML view and the PDF are both drawn from; ``sha256`` is its hash.
    Once the creator accepts, the row is frozen: :mod:`kizuna.deals.agreement` refuses any later change.
    """

    __tablename__ = "deal_agreements"
    __table_args__ = (UniqueConstraint("deal_id", "version"),)

    deal_id: Mapped[int] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"), nullable=False)
    offer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("deal_offers.id", ondelete="CASCADE"), nullable=False
    )
    version: Mapped[int] = mapped_column(nullable=False)
    language: Mapped[str] = mapped_column(String(5), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="issued")
    accepted_at: Mapped[datetime | None]
    accepted_name: Mapped[str | None] = mapped_column(String(200))
    accepted_ip: Mapped[str | None] = mapped_column(String(64))
