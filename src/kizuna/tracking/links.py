"""Tracking links: unguessable codes, destinations limited to the workspace's own domains, UTM tagging.

A redirect service that sends people anywhere is an open redirect (phishing uses them to borrow a trusted
domain), so a destination must be ``http(s)`` on one of the workspace's allowed domains (or a subdomain of
one); the check runs when the link is made and again when it is followed, so removing a domain from the list
disables its links at once (within the resolver cache's few seconds).

A link may carry an expiry (``expires_at``, aware UTC): from that moment on it answers like an inactive link in
every redirect path and its clicks are no longer logged. The expiry travels with the cached link and is compared
with the clock on each request, so no cache serves an expired link as live.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.config import get_settings
from kizuna.errors import Conflict, ValidationFailed
from kizuna.kit.time import utcnow
from kizuna.models.campaign import Campaign
from kizuna.models.influencer import Influencer
from kizuna.models.social_account import SocialAccount
from kizuna.models.tracking_link import TrackingLink
from kizuna.models.workspace import Workspace

CLICK_PARAM = "kzcid"
CODE_BYTES = 9  # 72 random bits, 12 URL-safe characters
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^localhost$")


def new_code() -> str:
    """A random, URL-safe link code; 72 bits make guessing a live code hopeless at any request rate."""
    return secrets.token_urlsafe(CODE_BYTES)


def normalize_domain(value: str) -> str:
    raw = value.strip().lower()
    if "://" in raw:
        raw = urlsplit(raw).hostname or ""
    raw = raw.strip(".").removeprefix("*.")
    try:
        raw = raw.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValidationFailed(f"Not a domain: {value}", code="invalid_domain") from exc
    if not _DOMAIN_RE.match(raw):
        raise ValidationFailed(f"Not a domain: {value}", code="invalid_domain")
    return raw


def allowed_domains(workspace: Workspace) -> list[str]:
    value = (workspace.settings or {}).get("link_domains") or []
    return [str(d) for d in value]


def set_allowed_domains(workspace: Workspace, domains: Iterable[str]) -> list[str]:
    cleaned = sorted({normalize_domain(d) for d in domains if d.strip()})
    settings = dict(workspace.settings or {})
    settings["link_domains"] = cleaned
    workspace.settings = settings
    from kizuna.tracking import resolver

    resolver.clear_cache()
    return cleaned


def host_allowed(host: str | None, domains: Iterable[str]) -> bool:
    if not host:
        return False
    h = host.lower().rstrip(".")
    return any(h == d or h.endswith("." + d) for d in domains)


def check_destination(url: str, domains: Iterable[str]) -> str:
    """The destination, stripped, if it is an absolute http(s) URL on an allowed domain; else 422."""
    value = url.strip()
    if "\\" in value or any(ord(c) < 0x21 for c in value):
        raise ValidationFailed("The destination is not a valid URL.", code="invalid_destination")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed("The destination must be an http(s) address.", code="invalid_destination")
    if parts.username or parts.password:
        raise ValidationFailed("The destination must not contain credentials.", code="invalid_destination")
    if not host_allowed(parts.hostname, domains):
        raise ValidationFailed(
            "The destination is not on one of this workspace's allowed domains.",
            code="destination_not_allowed",
            details={"host": parts.hostname},
        )
    return value


def slug(value: str, fallback: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().lower()
    text = re.sub(r"[^\w-]+", "-", text, flags=re.UNICODE).strip("-_")
    return text[:60] or fallback


def with_params(url: str, params: dict[str, str], *, override: bool = False) -> str:
    """``url`` with ``params`` added to its query; existing values are kept unless ``override``."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    present = {k for k, _v in query}
    if override:
        query = [(k, v) for k, v in query if k not in params]
        present = set()
    query += [(k, v) for k, v in params.items() if v and k not in present]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def build_target(
    destination: str, *, utm_source: str, utm_medium: str, utm_campaign: str, utm_content: str
) -> str:
    """The destination with UTM parameters added (values already in the destination win)."""
    return with_params(
        destination,
        {
            "utm_source": utm_source,
            "utm_medium": utm_medium,
            "utm_campaign": utm_campaign,
            "utm_content": utm_content,
        },
    )


def target_url(link: TrackingLink) -> str:
    return build_target(
        link.destination,
        utm_source=link.utm_source,
        utm_medium=link.utm_medium,
        utm_campaign=link.utm_campaign,
        utm_content=link.utm_content,
    )


def expiry_in_zone(value: datetime | None, timezone: str) -> datetime | None:
    """An expiry as a person typed it: a time without a zone is a time in ``timezone`` (theirs), as everywhere in
    the UI; a time with a zone is kept."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=ZoneInfo(timezone))


def check_expiry(expires_at: datetime | None, *, now: datetime | None = None) -> datetime | None:
    """``expires_at`` in UTC when it is still ahead; 422 ``link_expiry_past`` when it has passed (a link born
    expired could never be followed: most likely a typo in the date). ``None`` means the link never expires."""
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:
        raise ValidationFailed("The expiry needs a time zone.", code="link_expiry_invalid")
    if expires_at <= (now or utcnow()):
        raise ValidationFailed(
            "The expiry must be in the future.",
            code="link_expiry_past",
            details={"expires_at": expires_at.isoformat()},
        )
    return expires_at.astimezone(UTC)


def is_expired(link: TrackingLink, *, now: datetime | None = None) -> bool:
    return link.expires_at is not None and link.expires_at <= (now or utcnow())


def short_url(code: str) -> str:
    return f"{get_settings().base_url.rstrip('/')}/r/{code}"


def create_link(
    session: Session,
    *,
    workspace: Workspace,
    campaign: Campaign,
    destination: str,
    influencer: Influencer | None = None,
    platform: str | None = None,
    label: str = "",
    utm_source: str | None = None,
    utm_medium: str | None = None,
    utm_campaign: str | None = None,
    utm_content: str | None = None,
    expires_at: datetime | None = None,
) -> TrackingLink:
    """Make a link for (campaign, influencer). UTM values default to platform / influencer / campaign slug.

    ``expires_at`` (aware; ``None``: never) must lie ahead (:func:`check_expiry`).
    """
    dest = check_destination(destination, allowed_domains(workspace))
    expiry = check_expiry(expires_at)
    if influencer is not None and platform is None:
        platform = session.execute(
            select(SocialAccount.platform)
            .where(SocialAccount.influencer_id == influencer.id)
            .order_by(SocialAccount.followers.desc().nulls_last())
            .limit(1)
        ).scalar_one_or_none()
    content_default = "general"
    if influencer is not None:
        handle = session.execute(
            select(SocialAccount.handle)
            .where(SocialAccount.influencer_id == influencer.id)
            .order_by(SocialAccount.followers.desc().nulls_last())
            .limit(1)
        ).scalar_one_or_none()
        content_default = slug(handle or influencer.display_name, f"influencer-{influencer.id}")
    link = TrackingLink(
        workspace_id=workspace.id,
        campaign_id=campaign.id,
        influencer_id=influencer.id if influencer else None,
        code=new_code(),
        destination=dest,
        platform=platform,
        label=label.strip()[:200],
        utm_source=(utm_source or platform or "influencer")[:100],
        utm_medium=(utm_medium or "influencer")[:100],
        utm_campaign=(utm_campaign or slug(campaign.name, f"campaign-{campaign.id}"))[:100],
        utm_content=(utm_content or content_default)[:100],
        active=True,
        expires_at=expiry,
    )
    for _attempt in range(5):
        exists = session.execute(select(TrackingLink.id).where(TrackingLink.code == link.code)).first()
        if exists is None:
            session.add(link)
            session.flush()
            return link
        link.code = new_code()
    raise Conflict("Could not allocate a unique link code.", code="link_code_exhausted")


def set_active(link: TrackingLink, active: bool) -> None:
    link.active = active
    from kizuna.tracking import resolver

    resolver.forget(link.code)


def set_expiry(link: TrackingLink, expires_at: datetime | None) -> None:
    """Move the link's expiry (aware, still ahead: :func:`check_expiry`) or remove it (``None``: never expires).

    To stop a link now, deactivate it (:func:`set_active`). Other processes' caches see the new expiry within the
    resolver's TTL, as for any edit; an expiry already cached is enforced to the second.
    """
    link.expires_at = check_expiry(expires_at)
    from kizuna.tracking import resolver

    resolver.forget(link.code)
