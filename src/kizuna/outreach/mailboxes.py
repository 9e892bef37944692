"""Mailbox settings, daily limits with a ramp for new mailboxes, sending windows and rotation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kizuna.errors import ValidationFailed
from kizuna.integrations.mail.imap import ImapSettings
from kizuna.integrations.mail.smtp import SmtpSettings
from kizuna.kit.crypto import decrypt, encrypt
from kizuna.kit.time import is_valid_timezone
from kizuna.models.outreach_mailbox import IMAP_SECURITY, SMTP_SECURITY, OutreachMailbox
from kizuna.models.outreach_message import OutreachMessage

COUNTED_STATUSES = ("sending", "sent", "bounced", "uncertain")
EDITABLE = (
    "name",
    "from_name",
    "from_email",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_username",
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_username",
    "imap_folder",
    "sent_folder",
    "server_files_sent",
    "daily_limit",
    "ramp_start",
    "ramp_step",
    "limits_enabled",
    "window_start_hour",
    "window_end_hour",
    "weekdays_only",
)


def apply_settings(mailbox: OutreachMailbox, data: dict[str, Any]) -> OutreachMailbox:
    """Validate and copy settings; passwords are encrypted, and an empty password keeps the stored one."""
    for column in OutreachMailbox.__table__.columns:
        default = column.default
        if getattr(mailbox, column.key, None) is None and default is not None and default.is_scalar:
            setattr(mailbox, column.key, default.arg)
    for key in EDITABLE:
        if key in data and data[key] is not None:
            setattr(mailbox, key, data[key])
    if data.get("smtp_password"):
        mailbox.smtp_password_enc = encrypt(str(data["smtp_password"]))
    if data.get("imap_password"):
        mailbox.imap_password_enc = encrypt(str(data["imap_password"]))
    if "@" not in (mailbox.from_email or ""):
        raise ValidationFailed("The sender address is not an e-mail address.", code="mailbox_invalid_from")
    if not mailbox.smtp_host:
        raise ValidationFailed("The SMTP server is required.", code="mailbox_invalid_smtp")
    if mailbox.smtp_security not in SMTP_SECURITY or mailbox.imap_security not in IMAP_SECURITY:
        raise ValidationFailed("Unknown connection security.", code="mailbox_invalid_security")
    if not (0 <= mailbox.window_start_hour < mailbox.window_end_hour <= 24):
        raise ValidationFailed("The sending window must start before it ends.", code="mailbox_invalid_window")
    if mailbox.daily_limit < 1 or mailbox.ramp_start < 1 or mailbox.ramp_step < 0:
        raise ValidationFailed("Limits must be positive.", code="mailbox_invalid_limits")
    return mailbox


def smtp_settings(mailbox: OutreachMailbox) -> SmtpSettings:
    return SmtpSettings(
        host=mailbox.smtp_host,
        port=mailbox.smtp_port,
        security=mailbox.smtp_security,
        username=mailbox.smtp_username,
        password=decrypt(mailbox.smtp_password_enc) if mailbox.smtp_password_enc else "",
    )


def imap_settings(mailbox: OutreachMailbox) -> ImapSettings | None:
    if not mailbox.imap_host:
        return None
    return ImapSettings(
        host=mailbox.imap_host,
        port=mailbox.imap_port,
        security=mailbox.imap_security,
        username=mailbox.imap_username or mailbox.from_email,
        password=decrypt(mailbox.imap_password_enc) if mailbox.imap_password_enc else "",
    )


def effective_limit(mailbox: OutreachMailbox, now: datetime) -> int | None:
    """Today's cap: ``ramp_start`` on day one, ``+ramp_step`` per day, never above ``daily_limit``."""
    if not mailbox.limits_enabled:
        return None
    age_days = max(0, (now - mailbox.created_at).days)
    return min(mailbox.daily_limit, mailbox.ramp_start + mailbox.ramp_step * age_days)


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def sent_today(session: Session, mailbox_ids: list[int], now: datetime) -> dict[int, int]:
    if not mailbox_ids:
        return {}
    rows = session.execute(
        select(OutreachMessage.mailbox_id, func.count())
        .where(
            OutreachMessage.mailbox_id.in_(mailbox_ids),
            OutreachMessage.direction == "out",
            OutreachMessage.status.in_(COUNTED_STATUSES),
            OutreachMessage.claimed_at >= day_start(now),
        )
        .group_by(OutreachMessage.mailbox_id)
    ).all()
    counts = dict.fromkeys(mailbox_ids, 0)
    for mid, n in rows:
        if mid is not None:
            counts[int(mid)] = int(n)
    return counts


def is_available(mailbox: OutreachMailbox, now: datetime) -> bool:
    if mailbox.status != "active":
        return False
    return mailbox.paused_until is None or mailbox.paused_until <= now


def window_opening(mailbox: OutreachMailbox, tz: str, now: datetime) -> datetime:
    """``now`` when it is inside the recipient's sending window, otherwise the next time the window opens."""
    if not mailbox.limits_enabled:
        return now
    zone = ZoneInfo(tz if tz and is_valid_timezone(tz) else "UTC")
    local = now.astimezone(zone)
    for offset in range(9):
        day = (local + timedelta(days=offset)).date()
        if mailbox.weekdays_only and day.weekday() >= 5:
            continue
        opens = datetime.combine(day, time(mailbox.window_start_hour), tzinfo=zone)
        closes = datetime.combine(day, time(0), tzinfo=zone) + timedelta(hours=mailbox.window_end_hour)
        if local < opens:
            return opens.astimezone(now.tzinfo)
        if local < closes:
            return now
    return now + timedelta(days=1)


@dataclass
class Capacity:
    """Remaining sends per mailbox for the current claim pass (DB counts + what this pass claimed)."""

    used: dict[int, int]

    def remaining(self, mailbox: OutreachMailbox, now: datetime) -> float:
        limit = effective_limit(mailbox, now)
        if limit is None:
            return float("inf")
        return limit - self.used.get(mailbox.id, 0)

    def take(self, mailbox: OutreachMailbox) -> None:
        self.used[mailbox.id] = self.used.get(mailbox.id, 0) + 1


def pick_mailbox(
    candidates: list[OutreachMailbox], capacity: Capacity, now: datetime
) -> OutreachMailbox | None:
    """Rotation: the available mailbox with the most sends left today (ties: the least used)."""
    best: OutreachMailbox | None = None
    best_key: tuple[float, int] = (0.0, 0)
    for mb in candidates:
        if not is_available(mb, now):
            continue
        left = capacity.remaining(mb, now)
        if left <= 0:
            continue
        key = (left, -capacity.used.get(mb.id, 0))
        if best is None or key > best_key:
            best, best_key = mb, key
    return best
