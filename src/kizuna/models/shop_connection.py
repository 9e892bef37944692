from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned

SHOP_PROVIDERS = ("shopify", "generic")


class ShopConnection(WorkspaceOwned, Timestamped, Base):
    """Where orders come from. Shopify: ``shop_domain`` + the app's webhook secret; generic: a URL key and an
    HMAC secret. The secret is stored encrypted (:func:`kizuna.kit.crypto.encrypt`)."""

    __tablename__ = "shop_connections"
    __table_args__ = (
        Index("ix_shop_connections_shop_domain", "shop_domain", unique=True),
        Index("ix_shop_connections_url_key", "url_key", unique=True),
    )

    provider: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    shop_domain: Mapped[str | None] = mapped_column(String(255))
    url_key: Mapped[str] = mapped_column(String(64), nullable=False)
    secret_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
