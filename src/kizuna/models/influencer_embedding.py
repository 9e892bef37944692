from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, WorkspaceOwned, utcnow


class InfluencerEmbedding(WorkspaceOwned, Base):
    """One embedding of an influencer's profile text (bio, categories, recent captions) for brand-fit matching.

    ``vector`` holds ``dim`` little-endian float32 values, L2-normalised, so that the same bytes rank the same way
    on SQLite and PostgreSQL (the maths happens in numpy, never in the database). ``content_hash`` is the SHA-256 of
    the exact text that was embedded: a profile whose text did not change is never embedded again.
    ``embedded_at`` moves whenever the row is (re)checked; an index on it lets the search cache notice new vectors
    with one cheap ``max()``.
    """

    __tablename__ = "influencer_embeddings"
    __table_args__ = (Index("ix_influencer_embeddings_ws_embedded", "workspace_id", "embedded_at"),)

    influencer_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("influencers.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    model: Mapped[str] = mapped_column(String(80), nullable=False)
    dim: Mapped[int] = mapped_column(Integer, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    vector: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    embedded_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
