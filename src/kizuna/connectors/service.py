"""Connector credentials and the refresh of one account from its platform's API.

Credentials are one encrypted JSON object per workspace and provider (``kizuna.kit.crypto.encrypt``; the key is
the instance secret ``encryption_key``). They are decrypted only to build a client and never returned by an
endpoint: pages and the API show the provider, a short hint (last 4 characters) and the last error.

Base URLs default to the real APIs; ``KIZUNA_YOUTUBE_BASE_URL``, ``KIZUNA_INSTAGRAM_BASE_URL`` and
``KIZUNA_TIKTOK_BASE_URL`` override them for the whole instance (tests, an egress proxy). They are deliberately
not a workspace setting: a workspace admin must not be able to point the server at internal addresses.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.errors import NotFound, ValidationFailed
from kizuna.influencers import metrics
from kizuna.influencers.tiers import scheme_of
from kizuna.integrations.http import ConnectorError
from kizuna.integrations.instagram import DEFAULT_BASE_URL as IG_URL
from kizuna.integrations.instagram import InstagramClient
from kizuna.integrations.tiktok import DEFAULT_BASE_URL as TT_URL
from kizuna.integrations.tiktok import TikTokClient
from kizuna.integrations.youtube import DEFAULT_BASE_URL as YT_URL
from kizuna.integrations.youtube import YouTubeClient
from kizuna.kit.crypto import decrypt, encrypt
from kizuna.kit.time import utcnow
from kizuna.models.connector_credential import ConnectorCredential
from kizuna.models.metric_snapshot import MetricSnapshot
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.models.workspace import Workspace
from kizuna.tenancy import Ctx

#: Provider -> the credential fields it needs, in form order.
PROVIDERS: dict[str, tuple[str, ...]] = {
    "youtube": ("api_key",),
    "instagram": ("access_token", "ig_user_id"),
    "tiktok": ("access_token",),
}
PROVIDER_NAMES = {
    "youtube": "YouTube Data API v3",
    "instagram": "Instagram Graph API",
    "tiktok": "TikTok Research API",
}
DEFAULT_URLS = {"youtube": YT_URL, "instagram": IG_URL, "tiktok": TT_URL}
RECENT = 12
_HASHTAG = re.compile(r"#(\w+)")


def base_url(provider: str) -> str:
    return os.environ.get(f"KIZUNA_{provider.upper()}_BASE_URL") or DEFAULT_URLS[provider]


def _require_provider(provider: str) -> None:
    if provider not in PROVIDERS:
        raise ValidationFailed(
            "Unknown connector.", code="connector_unknown_provider", details={"provider": provider}
        )


def credential_row(session: Session, provider: str) -> ConnectorCredential | None:
    return session.execute(
        select(ConnectorCredential).where(ConnectorCredential.provider == provider)
    ).scalar_one_or_none()


def credential_rows(session: Session) -> dict[str, ConnectorCredential]:
    return {r.provider: r for r in session.execute(select(ConnectorCredential)).scalars()}


def save_credentials(ctx: Ctx, provider: str, values: Mapping[str, str]) -> ConnectorCredential:
    """Store (or replace) a provider's credentials, encrypted; admins only. Audited without the secret."""
    ctx.require("admin")
    _require_provider(provider)
    clean = {k: str(values.get(k) or "").strip() for k in PROVIDERS[provider]}
    missing = [k for k, v in clean.items() if not v]
    if missing:
        raise ValidationFailed(
            "Every credential field is required.",
            code="connector_credentials_missing",
            details={"missing": missing},
        )
    first = clean[PROVIDERS[provider][0]]
    row = credential_row(ctx.session, provider)
    if row is None:
        row = ConnectorCredential(workspace_id=ctx.workspace_id, provider=provider, secret="")
        ctx.session.add(row)
    row.secret = encrypt(json.dumps(clean))
    row.hint = "…" + first[-4:] if len(first) > 8 else "…"
    row.updated_at = utcnow()
    row.last_error = None
    ctx.session.flush()
    ctx.audit("connector.credentials_saved", row, {"provider": provider})
    return row


def delete_credentials(ctx: Ctx, provider: str) -> None:
    ctx.require("admin")
    _require_provider(provider)
    row = credential_row(ctx.session, provider)
    if row is None:
        raise NotFound("No credentials stored for this connector.", code="connector_not_configured")
    ctx.audit("connector.credentials_deleted", row, {"provider": provider})
    ctx.session.delete(row)
    ctx.session.flush()


def secrets_of(row: ConnectorCredential) -> dict[str, str]:
    data = json.loads(decrypt(row.secret))
    return {str(k): str(v) for k, v in data.items()}


def build_client(provider: str, secrets: dict[str, str], **kwargs: Any) -> Any:
    """A client for the provider with the instance's base URL (``kwargs`` go to the client, e.g. ``sleep``)."""
    url = base_url(provider)
    if provider == "youtube":
        return YouTubeClient(secrets.get("api_key", ""), base_url=url, **kwargs)
    if provider == "instagram":
        return InstagramClient(
            secrets.get("access_token", ""), secrets.get("ig_user_id", ""), base_url=url, **kwargs
        )
    if provider == "tiktok":
        return TikTokClient(secrets.get("access_token", ""), base_url=url, **kwargs)
    raise ValidationFailed("Unknown connector.", code="connector_unknown_provider")


@dataclass(frozen=True, slots=True)
class FetchedPost:
    platform_post_id: str
    caption: str
    url: str | None
    published_at: datetime | None
    post_type: str
    likes: int | None
    comments: int | None
    views: int | None = None
    shares: int | None = None
    saves: int | None = None


@dataclass
class Fetched:
    """What a platform told us about one account, normalised across platforms."""

    external_id: str | None
    followers: int | None
    following: int | None
    posts_count: int | None
    posts: list[FetchedPost] = field(default_factory=list)


def fetch(provider: str, client: Any, account: SocialAccount) -> Fetched:
    """Ask the platform about an account (plain data; nothing is written here)."""
    if provider == "youtube":
        ext = account.external_id if account.external_id and account.external_id.startswith("UC") else None
        channel = client.channel(channel_id=ext) if ext else client.channel(handle=account.handle)
        videos = (
            client.videos(client.upload_ids(channel.uploads_playlist, limit=RECENT))
            if channel.uploads_playlist
            else []
        )
        return Fetched(
            channel.id,
            channel.subscribers,
            None,
            channel.video_count,
            [
                FetchedPost(
                    v.id,
                    f"{v.title}\n{v.description}".strip(),
                    f"https://www.youtube.com/watch?v={v.id}",
                    v.published_at,
                    "video",
                    v.likes,
                    v.comments,
                    v.views,
                )
                for v in videos
            ],
        )
    if provider == "instagram":
        profile = client.business_discovery(account.handle, media_limit=RECENT)
        return Fetched(
            profile.id,
            profile.followers,
            profile.follows,
            profile.media_count,
            [
                FetchedPost(
                    m.id,
                    m.caption,
                    m.permalink,
                    m.published_at,
                    "reel" if m.product_type == "REELS" else "feed",
                    m.likes,
                    m.comments,
                )
                for m in profile.media
            ],
        )
    if provider == "tiktok":
        info = client.user_info(account.handle)
        videos = client.videos(account.handle, limit=RECENT)
        return Fetched(
            None,
            info.followers,
            info.following,
            info.video_count,
            [
                FetchedPost(
                    v.id,
                    v.description,
                    f"https://www.tiktok.com/@{account.handle.lstrip('@')}/video/{v.id}",
                    v.published_at,
                    "video",
                    v.likes,
                    v.comments,
                    v.views,
                    v.shares,
                    v.saves,
                )
                for v in videos
            ],
        )
    raise ValidationFailed("Unknown connector.", code="connector_unknown_provider")


@dataclass(frozen=True, slots=True)
class RefreshResult:
    account_id: int
    followers: int | None
    posts_added: int
    posts_updated: int
    snapshot_id: int
    quality_score: float | None


def apply(
    session: Session, account: SocialAccount, data: Fetched, *, source: str, now: datetime
) -> tuple[int, int, int]:
    """Write fetched data: account counts, posts (upsert on platform post id) and one metric snapshot."""
    if data.external_id:
        account.external_id = data.external_id[:120]
    if data.followers is not None:
        account.followers = data.followers
    if data.following is not None:
        account.following = data.following
    if data.posts_count is not None:
        account.posts_count = data.posts_count
    account.last_refreshed_at = now
    ids = [p.platform_post_id for p in data.posts]
    existing = (
        {
            p.platform_post_id: p
            for p in session.execute(
                select(Post).where(Post.social_account_id == account.id, Post.platform_post_id.in_(ids))
            ).scalars()
        }
        if ids
        else {}
    )
    added = updated = 0
    for fp in data.posts:
        row = existing.get(fp.platform_post_id)
        if row is None:
            row = Post(
                workspace_id=account.workspace_id,
                social_account_id=account.id,
                platform_post_id=fp.platform_post_id[:120],
                caption=fp.caption,
                hashtags=_HASHTAG.findall(fp.caption),
                mentions=[],
                post_type=fp.post_type,
            )
            session.add(row)
            added += 1
        else:
            updated += 1
        row.caption = fp.caption
        row.url = (fp.url or "")[:500] or None
        row.published_at = fp.published_at
        row.likes = fp.likes
        row.comments = fp.comments
        row.views = fp.views if fp.views is not None else row.views
        row.shares = fp.shares if fp.shares is not None else row.shares
        row.saves = fp.saves if fp.saves is not None else row.saves
    snap = MetricSnapshot(
        workspace_id=account.workspace_id,
        social_account_id=account.id,
        captured_at=now,
        followers=data.followers,
        following=data.following,
        posts_count=data.posts_count,
        source=source,
    )
    session.add(snap)
    session.flush()
    return added, updated, snap.id


def refresh_account(
    session: Session,
    account: SocialAccount,
    *,
    client: Any | None = None,
    client_kwargs: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> RefreshResult:
    """Refresh one account from its platform and rescore it. Raises a ``ConnectorError`` subclass on failure
    (recorded on the credential row as ``last_error`` first, so the settings page shows it)."""
    provider = account.platform
    if provider not in PROVIDERS:
        raise ValidationFailed(
            "There is no connector for this platform.",
            code="connector_unsupported_platform",
            details={"platform": provider},
        )
    row = credential_row(session, provider)
    own_client = client is None
    if client is None:
        if row is None:
            raise ValidationFailed(
                "No credentials are stored for this platform.",
                code="connector_not_configured",
                details={"provider": provider},
            )
        client = build_client(provider, secrets_of(row), **dict(client_kwargs or {}))
    moment = now or utcnow()
    try:
        data = fetch(provider, client, account)
    except ConnectorError as exc:
        if row is not None:
            row.last_error = exc.code
            session.flush()
        raise
    finally:
        if own_client:
            client.close()
    added, updated, snap_id = apply(session, account, data, source=f"{provider}_api", now=moment)
    if row is not None:
        row.last_used_at = moment
        row.last_error = None
    metrics.refresh_account(session, account, moment)
    workspace = session.get(Workspace, account.workspace_id)
    scheme, custom = scheme_of(workspace)
    metrics.refresh_influencers(session, [account.influencer_id], scheme, custom)
    from kizuna.audience.quality_service import recompute

    score_row, _ = recompute(session, account, trigger="refresh", now=moment)
    return RefreshResult(account.id, account.followers, added, updated, snap_id, score_row.score)
