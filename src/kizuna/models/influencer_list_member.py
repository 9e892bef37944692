from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned


class InfluencerListMember(WorkspaceOwned, Timestamped, Base):
    """Membership of one influencer in one list (an influencer can be in many lists)."""

    __tablename__ = "influencer_list_members"
    __table_args__ = (UniqueConstraint("list_id", "influencer_id"),)

    list_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("influencer_lists.id", ondelete="CASCADE"), nullable=False
    )
    influencer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="CASCADE"), index=True, nullable=False
    )
