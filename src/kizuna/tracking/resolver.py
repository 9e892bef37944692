"""From a link code to where to send the visitor, cached in-process.

The redirect is the hottest path in the product (every click of every influencer's audience), so it reads the
database only on a cache miss. Entries live ``TTL_SECONDS``; changes made in this process (deactivating a link,
editing the allowed domains) evict at once, other processes see them within the TTL.

A link's expiry is not folded into ``usable`` (a cached "usable" would outlive it by up to the TTL): the entry
carries ``expires_at`` as a Unix time and every redirect path asks :meth:`ResolvedLink.live` with the current
clock, one float comparison per request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from kizuna.db import get_engine
from kizuna.models.tracking_link import TrackingLink
from kizuna.models.workspace import Workspace
from kizuna.tracking.links import build_target, host_allowed

TTL_SECONDS = 10.0
MAX_ENTRIES = 100_000


@dataclass(frozen=True, slots=True)
class ResolvedLink:
    link_id: int
    workspace_id: int
    campaign_id: int
    influencer_id: int | None
    target: str
    #: False when the link is inactive or its destination is no longer on an allowed domain.
    usable: bool
    #: The link's expiry as a Unix time (``time.time()`` scale); ``None`` when it never expires.
    expires_at: float | None = None

    def live(self, now: float) -> bool:
        """Whether the link redirects (and counts clicks) at ``now``, a ``time.time()`` value."""
        return self.usable and (self.expires_at is None or now < self.expires_at)


_cache: dict[str, tuple[float, ResolvedLink | None]] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def forget(code: str) -> None:
    with _lock:
        _cache.pop(code, None)


def load(code: str) -> ResolvedLink | None:
    """Read one link from the database (no cache): ``None`` when the code does not exist."""
    t = TrackingLink.__table__
    with get_engine().connect() as conn:
        row = conn.execute(
            select(t, Workspace.__table__.c.settings)
            .join(Workspace.__table__, Workspace.__table__.c.id == t.c.workspace_id)
            .where(t.c.code == code)
        ).first()
    if row is None:
        return None
    settings = row.settings or {}
    ok = bool(row.active) and host_allowed(
        urlsplit(row.destination).hostname, [str(d) for d in settings.get("link_domains") or []]
    )
    return ResolvedLink(
        link_id=row.id,
        workspace_id=row.workspace_id,
        campaign_id=row.campaign_id,
        influencer_id=row.influencer_id,
        target=build_target(
            row.destination,
            utm_source=row.utm_source,
            utm_medium=row.utm_medium,
            utm_campaign=row.utm_campaign,
            utm_content=row.utm_content,
        ),
        usable=ok,
        expires_at=row.expires_at.timestamp() if row.expires_at is not None else None,
    )


def resolve(code: str) -> ResolvedLink | None:
    """The link behind ``code`` (cached up to ``TTL_SECONDS``); callers decide with :meth:`ResolvedLink.live`."""
    now = time.monotonic()
    hit = _cache.get(code)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load(code)
    with _lock:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[code] = (now + TTL_SECONDS, value)
    return value
