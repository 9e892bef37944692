"""Aware UTC datetimes everywhere; conversion to a person's zone happens only at the edge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_zone(value: datetime, tz: str) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(ZoneInfo(tz))


def is_valid_timezone(tz: str) -> bool:
    return tz in available_timezones()


def add_business_days(start: datetime, days: int, tz: str = "UTC") -> datetime:
    """``start`` plus ``days`` working days (Mon-Fri) counted in ``tz``; the time of day is kept."""
    local = to_zone(start, tz)
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        local += timedelta(days=step)
        if local.weekday() < 5:
            remaining -= 1
    return local.astimezone(UTC)


def parse_date(text: str) -> date:
    return date.fromisoformat(text)
