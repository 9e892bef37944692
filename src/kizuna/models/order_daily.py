from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, WorkspaceOwned


class OrderDaily(WorkspaceOwned, Base):
    """Attributed orders per campaign, influencer, link, UTC day and currency, kept up to date as orders and
    refunds arrive (:mod:`kizuna.tracking.conversions`). ``influencer_key``/``link_key`` are 0 for "none" so
    the upsert key has no NULLs (NULLs never conflict in a unique index)."""

    __tablename__ = "order_daily"
    __table_args__ = (
        UniqueConstraint(
            "campaign_id", "influencer_key", "link_key", "day", "currency", name="uq_order_daily_key"
        ),
        Index("ix_order_daily_influencer_key", "influencer_key"),
        # Covering: the dashboard's group-bys read only the index, never the table.
        Index(
            "ix_order_daily_campaign_day",
            "campaign_id",
            "day",
            "currency",
            "influencer_key",
            "link_key",
            "orders",
            "revenue_minor",
            "refunded_minor",
        ),
    )

    campaign_id: Mapped[int] = mapped_column(BigId, nullable=False)
    influencer_key: Mapped[int] = mapped_column(BigId, nullable=False, default=0)
    link_key: Mapped[int] = mapped_column(BigId, nullable=False, default=0)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    orders: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    revenue_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    refunded_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
