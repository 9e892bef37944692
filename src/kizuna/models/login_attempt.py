from __future__ import annotations

from sqlalchemy import Boolean, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, Timestamped


class LoginAttempt(Timestamped, Base):
    """Failed and successful logins, by e-mail and by client address, for rate limiting."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key_created", "key", "created_at"),)

    key: Mapped[str] = mapped_column(String(400), nullable=False)
    succeeded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
