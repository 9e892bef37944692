from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, JsonType, Timestamped, WorkspaceOwned


class Manager(WorkspaceOwned, Timestamped, Base):
    """A talent manager or agency that represents several influencers."""

    __tablename__ = "managers"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    company: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    emails: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    phone: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
