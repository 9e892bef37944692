"""A comment seen on one of an account's posts, with the label the comment classifier gave it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned


class CommentSample(WorkspaceOwned, Timestamped, Base):
    """``label`` is ``genuine``, ``generic``, ``emoji_only`` or ``promo`` (see kizuna.audience.comments).

    ``post_key`` groups comments by post even when the post is not in the registry (a pasted export);
    ``post_id`` links it when it is. ``author`` and ``commented_at`` feed engagement-pod detection.
    """

    __tablename__ = "comment_samples"
    __table_args__ = (Index("ix_comment_samples_account_post", "social_account_id", "post_key"),)

    social_account_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("social_accounts.id", ondelete="CASCADE"), nullable=False
    )
    post_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("posts.id", ondelete="SET NULL"))
    post_key: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    author: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, nullable=False)
    commented_at: Mapped[datetime | None]
    label: Mapped[str] = mapped_column(String(20), nullable=False)
    source: Mapped[str] = mapped_column(String(40), nullable=False, default="upload")
