from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, Timestamped, WorkspaceOwned


class OutreachSuppression(WorkspaceOwned, Timestamped, Base):
    """An address that must never be e-mailed again from this workspace (unsubscribe, hard bounce, manual)."""

    __tablename__ = "outreach_suppressions"
    __table_args__ = (UniqueConstraint("workspace_id", "email"),)

    email: Mapped[str] = mapped_column(String(320), nullable=False)
    reason: Mapped[str] = mapped_column(String(40), nullable=False, default="unsubscribe")
    source: Mapped[str] = mapped_column(String(200), nullable=False, default="")
