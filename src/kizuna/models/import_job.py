from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, JsonType, Timestamped, WorkspaceOwned

IMPORT_STATUSES = ("uploaded", "queued", "running", "done", "failed")


class ImportJob(WorkspaceOwned, Timestamped, Base):
    """One uploaded influencer file moving through the import wizard, and its progress when run as a job.

    The uploaded bytes live in ``<data_dir>/uploads/imports/<stored_name>``; ``mapping`` is the column mapping
    the user confirmed (column index -> field). ``errors`` holds the rejected rows of the last run (row,
    column, value, reason) so they can be downloaded as CSV.
    """

    __tablename__ = "import_jobs"

    created_by_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    stored_name: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    size_bytes: Mapped[int] = mapped_column(BigId, nullable=False, default=0)
    file_format: Mapped[str] = mapped_column(String(20), nullable=False, default="auto")
    platform: Mapped[str | None] = mapped_column(String(40))
    mapping: Mapped[dict[str, Any]] = mapped_column(JsonType, nullable=False, default=dict)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="uploaded")
    dry_run: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    total_rows: Mapped[int | None] = mapped_column(Integer)
    processed_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    imported: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, nullable=False, default=list)
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    finished_at: Mapped[datetime | None]
