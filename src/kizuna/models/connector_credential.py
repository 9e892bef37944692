"""A workspace's credentials for one platform API, encrypted at rest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, Timestamped, WorkspaceOwned


class ConnectorCredential(WorkspaceOwned, Timestamped, Base):
    """``secret`` is ``kizuna.kit.crypto.encrypt`` of a JSON object (api_key / access_token / ig_user_id);
    ``hint`` is the last characters of the key so a person can tell which one is stored without seeing it."""

    __tablename__ = "connector_credentials"
    __table_args__ = (UniqueConstraint("workspace_id", "provider"),)

    provider: Mapped[str] = mapped_column(String(20), nullable=False)
    secret: Mapped[str] = mapped_column(Text, nullable=False)
    hint: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    updated_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(60))
