from __future__ import annotations

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, Timestamped, WorkspaceOwned


class OutreachTemplate(WorkspaceOwned, Timestamped, Base):
    """A reusable e-mail (subject + body, sandboxed Jinja2). Sequences copy it into a step when composed."""

    __tablename__ = "outreach_templates"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    language: Mapped[str] = mapped_column(String(10), nullable=False, default="ja")
    subject: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    archived: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
