from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned

ATTRIBUTIONS = ("code", "link", "utm", "none")


class ShopOrder(WorkspaceOwned, Timestamped, Base):
    """An order (a conversion) and who it is credited to.

    ``revenue_minor`` is the merchandise value after discounts, before tax and shipping (Shopify's
    ``subtotal_price``); ``refunded_minor`` is subtracted in every report. ``attribution`` says which rule
    credited it: a promo code beats a link; a link needs a click within the campaign's window.
    """

    __tablename__ = "shop_orders"
    __table_args__ = (
        UniqueConstraint("workspace_id", "source", "external_id"),
        Index("ix_shop_orders_campaign_time", "campaign_id", "ordered_at"),
        Index("ix_shop_orders_influencer", "influencer_id"),
    )

    source: Mapped[str] = mapped_column(String(20), nullable=False)
    connection_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("shop_connections.id", ondelete="SET NULL")
    )
    external_id: Mapped[str] = mapped_column(String(100), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    ordered_at: Mapped[datetime] = mapped_column(nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    revenue_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    refunded_minor: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    discount_codes: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    landing_site: Mapped[str] = mapped_column(String(2000), nullable=False, default="")
    click_id: Mapped[str | None] = mapped_column(String(32))
    attribution: Mapped[str] = mapped_column(String(10), nullable=False, default="none")
    campaign_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("campaigns.id", ondelete="SET NULL"))
    influencer_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="SET NULL")
    )
    link_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("tracking_links.id", ondelete="SET NULL"))
    promo_code_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("promo_codes.id", ondelete="SET NULL")
    )
    raw: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False, default=dict)
