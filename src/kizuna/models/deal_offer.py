from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned

OFFER_STATUSES = ("open", "superseded", "accepted", "declined")


class DealOffer(WorkspaceOwned, Timestamped, Base):
    """One version of the terms, proposed by the brand or countered by the creator. Never edited in place.

    ``terms`` is the validated :class:`kizuna.deals.terms.Terms` document; ``fee_minor`` repeats its cash fee
    so that rate history queries need no JSON functions.
    """

    __tablename__ = "deal_offers"
    __table_args__ = (UniqueConstraint("deal_id", "version"),)

    deal_id: Mapped[int] = mapped_column(BigId, ForeignKey("deals.id", ondelete="CASCADE"), nullable=False)
    version: Mapped[int] = mapped_column(nullable=False)
    author: Mapped[str] = mapped_column(String(20), nullable=False)
    author_label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    terms: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False)
    fee_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
