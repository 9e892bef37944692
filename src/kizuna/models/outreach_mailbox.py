from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kizuna.models.base import Base, BigId, Timestamped, WorkspaceOwned

SMTP_SECURITY = ("starttls", "ssl", "none")
IMAP_SECURITY = ("ssl", "starttls", "none")


class OutreachMailbox(WorkspaceOwned, Timestamped, Base):
    """A sending mailbox: SMTP submission plus the IMAP account whose inbox is polled for replies.

    Passwords are stored encrypted (:func:`kizuna.kit.crypto.encrypt`). ``daily_limit`` is the steady-state cap;
    a new mailbox starts at ``ramp_start`` and grows by ``ramp_step`` per day until it reaches the cap, because
    providers throttle or flag fresh mailboxes that jump straight to full volume. The sending window
    (``window_start_hour``..``window_end_hour``) is evaluated in each recipient's own time zone.
    """

    __tablename__ = "outreach_mailboxes"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    from_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    from_email: Mapped[str] = mapped_column(String(320), nullable=False)
    smtp_host: Mapped[str] = mapped_column(String(255), nullable=False)
    smtp_port: Mapped[int] = mapped_column(Integer, nullable=False, default=587)
    smtp_security: Mapped[str] = mapped_column(String(10), nullable=False, default="starttls")
    smtp_username: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    smtp_password_enc: Mapped[str] = mapped_column(Text, nullable=False, default="")
    imap_host: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    imap_port: Mapped[int] = mapped_column(Integer, nullable=False, default=993)
    imap_security: Mapped[str] = mapped_column(String(10), nullable=False, default="ssl")
    imap_username: Mapped[str] = mapped_column(String(320), nullable=False, default="")
    imap_password_enc: Mapped[str] = mapped_column(Text, nullable=False, default="")
    imap_folder: Mapped[str] = mapped_column(String(200), nullable=False, default="INBOX")
    sent_folder: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    server_files_sent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    daily_limit: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    ramp_start: Mapped[int] = mapped_column(Integer, nullable=False, default=40)
    ramp_step: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    limits_enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    window_start_hour: Mapped[int] = mapped_column(Integer, nullable=False, default=9)
    window_end_hour: Mapped[int] = mapped_column(Integer, nullable=False, default=18)
    weekdays_only: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    paused_reason: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    paused_until: Mapped[datetime | None]
    imap_uidvalidity: Mapped[int | None] = mapped_column(BigId)
    imap_last_uid: Mapped[int] = mapped_column(BigId, nullable=False, default=0)
    last_polled_at: Mapped[datetime | None]
    last_poll_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
