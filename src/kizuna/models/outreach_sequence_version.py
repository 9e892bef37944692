from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned


class OutreachSequenceVersion(WorkspaceOwned, Timestamped, Base):
    """A frozen copy of a sequence's steps. Enrollments pin one, so editing never changes running sequences.

    ``steps`` is a list of ``{"kind": "email"|"task", "delay_days": int, "template_id": int|None,
    "subject": str, "body": str, "variants": [{"key": "B", "subject": ..., "body": ...}],
    "platform": str, "text": str}``.
    """

    __tablename__ = "outreach_sequence_versions"
    __table_args__ = (UniqueConstraint("sequence_id", "version"),)

    sequence_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("outreach_sequences.id", ondelete="CASCADE"), nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, nullable=False, default=list)
