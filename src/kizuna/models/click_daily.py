from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, WorkspaceOwned


class ClickDaily(WorkspaceOwned, Base):
    """Clicks per link per UTC day, maintained incrementally as clicks are ingested.

    Dashboards read this rollup, never the raw events, so they stay fast at tens of millions of clicks.
    """

    __tablename__ = "click_daily"
    __table_args__ = (
        UniqueConstraint("link_id", "day"),
        # Covering: the dashboard's group-bys read only the index, never the table.
        Index("ix_click_daily_campaign_day", "campaign_id", "day", "link_id", "influencer_id", "clicks"),
    )

    link_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("tracking_links.id", ondelete="CASCADE"), nullable=False
    )
    campaign_id: Mapped[int] = mapped_column(BigId, nullable=False)
    influencer_id: Mapped[int | None] = mapped_column(BigId)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    clicks: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
