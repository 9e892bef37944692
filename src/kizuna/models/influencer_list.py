from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, Timestamped, WorkspaceOwned


class InfluencerList(WorkspaceOwned, Timestamped, Base):
    """A named, hand-picked group of influencers ("Spring skincare shortlist", "Taiwan audience")."""

    __tablename__ = "influencer_lists"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
