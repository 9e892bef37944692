from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, WorkspaceOwned


class ClickEvent(WorkspaceOwned, Base):
    """One human click on a tracking link (bots, link previews and HEAD requests never get here).

    ``click_id`` is also appended to the destination (``kzcid``) so an order's landing page names its click.
    ``ip_hash`` is a keyed hash of the IP (the raw address is never stored). ``influencer_id``/``campaign_id``
    are copied from the link so reports need no join over millions of rows.
    """

    __tablename__ = "click_events"
    __table_args__ = (
        Index("ix_click_events_click_id", "click_id", unique=True),
        Index("ix_click_events_campaign_time", "campaign_id", "clicked_at"),
        Index("ix_click_events_link_time", "link_id", "clicked_at"),
    )

    link_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("tracking_links.id", ondelete="CASCADE"), nullable=False
    )
    campaign_id: Mapped[int] = mapped_column(BigId, nullable=False)
    influencer_id: Mapped[int | None] = mapped_column(BigId)
    click_id: Mapped[str] = mapped_column(String(32), nullable=False)
    clicked_at: Mapped[datetime] = mapped_column(nullable=False)
    referrer_host: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    device: Mapped[str] = mapped_column(String(10), nullable=False, default="other")
    country: Mapped[str | None] = mapped_column(String(2))
    ip_hash: Mapped[str] = mapped_column(String(32), nullable=False, default="")
