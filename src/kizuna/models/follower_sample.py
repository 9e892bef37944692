"""An uploaded sample of an account's followers, scored by the follower model."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned


class FollowerSample(WorkspaceOwned, Timestamped, Base):
    """The summary of one scored sample plus the follower usernames (for audience overlap).

    Individual probabilities are not kept: the share, its Wilson interval and the model version are what the
    score uses, and a sample can be re-uploaded when the model changes.
    """

    __tablename__ = "follower_samples"
    __table_args__ = (Index("ix_follower_samples_account_created", "social_account_id", "created_at"),)

    social_account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("social_accounts.id", ondelete="CASCADE"), nullable=False
    )
    filename: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    rows: Mapped[int] = mapped_column(Integer, nullable=False)
    suspicious: Mapped[int] = mapped_column(Integer, nullable=False)
    share: Mapped[float] = mapped_column(Float, nullable=False)
    ci_low: Mapped[float] = mapped_column(Float, nullable=False)
    ci_high: Mapped[float] = mapped_column(Float, nullable=False)
    model_version: Mapped[str] = mapped_column(String(60), nullable=False)
    fields_used: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    usernames: Mapped[list[str]] = mapped_column(JsonType, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
