"""Instagram Graph API business discovery (a professional account looks up another professional account).

``GET /{version}/{ig_user_id}?fields=business_discovery.username(<handle>){...}&access_token=...``. Plain data
out. When a creator hides like counts, the API still sends ``like_count: 0``; a zero here therefore means
"not public", and is returned as ``likes = None`` so that engagement is never computed as if nobody liked the
post (docs/guide/audience-quality.md). Errors come as ``{"error": {"code": ..., "type": ...}}``: code 190 and
OAuth errors → ``connector_auth_failed``; codes 4, 17, 32 and 613 (application, user, page and custom rate
limits) → ``connector_quota_exhausted`` without retrying; code 110/803 or an unknown username →
``connector_not_found``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from kizuna.integrations.http import (
    ConnectorAuthFailed,
    ConnectorBadResponse,
    ConnectorError,
    ConnectorNotFound,
    ConnectorQuotaExhausted,
    JsonClient,
    RetryPolicy,
    as_int,
)
from kizuna.integrations.youtube import parse_time

PROVIDER = "instagram"
DEFAULT_BASE_URL = "https://graph.facebook.com"
API_VERSION = "v21.0"
QUOTA_CODES = {4, 17, 32, 613}
AUTH_CODES = {190, 102, 10}
NOT_FOUND_CODES = {110, 803}
MEDIA_FIELDS = "id,caption,like_count,comments_count,media_type,media_product_type,permalink,timestamp"
PROFILE_FIELDS = (
    "id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count"
)


@dataclass(frozen=True, slots=True)
class Media:
    id: str
    caption: str
    media_type: str
    product_type: str | None
    likes: int | None
    comments: int | None
    permalink: str | None
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    username: str
    name: str
    biography: str
    website: str | None
    followers: int | None
    follows: int | None
    media_count: int | None
    media: list[Media] = field(default_factory=list)


def classify(response: httpx.Response, body: Any) -> ConnectorError | None:
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None
    code = as_int(err.get("code"))
    details = {"status": response.status_code, "code": code, "subcode": err.get("error_subcode")}
    if code in QUOTA_CODES:
        return ConnectorQuotaExhausted(
            "The Instagram API rate limit is reached.", provider=PROVIDER, details=details
        )
    if code in AUTH_CODES or (
        err.get("type") == "OAuthException" and code not in NOT_FOUND_CODES and code != 100
    ):
        return ConnectorAuthFailed("Instagram refused the access token.", provider=PROVIDER, details=details)
    if code in NOT_FOUND_CODES or code == 100:
        return ConnectorNotFound(
            "Instagram cannot find this business or creator account.", provider=PROVIDER, details=details
        )
    return None


def _media(item: dict[str, Any]) -> Media:
    likes = as_int(item.get("like_count"))
    return Media(
        id=str(item.get("id", "")),
        caption=str(item.get("caption") or ""),
        media_type=str(item.get("media_type") or ""),
        product_type=item.get("media_product_type"),
        likes=likes or None,
        comments=as_int(item.get("comments_count")),
        permalink=item.get("permalink"),
        published_at=parse_time(item.get("timestamp")),
    )


class InstagramClient:
    """``InstagramClient(access_token, ig_user_id)``: ``ig_user_id`` is the workspace's own professional account."""

    def __init__(
        self,
        access_token: str,
        ig_user_id: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = API_VERSION,
        rate_per_second: float = 3.0,
        retry: RetryPolicy | None = None,
        **kwargs: Any,
    ):
        if not access_token or not ig_user_id:
            raise ConnectorAuthFailed(
                "No Instagram access token or account id is configured.", provider=PROVIDER
            )
        self.access_token = access_token
        self.ig_user_id = ig_user_id
        self.api_version = api_version
        self.http = JsonClient(PROVIDER, base_url, rate_per_second, retry or RetryPolicy(), **kwargs)

    def close(self) -> None:
        self.http.close()

    def business_discovery(self, username: str, *, media_limit: int = 12) -> Profile:
        handle = username.lstrip("@")
        fields = f"business_discovery.username({handle}){{{PROFILE_FIELDS},media.limit({media_limit}){{{MEDIA_FIELDS}}}}}"
        body = self.http.request(
            "GET",
            f"/{self.api_version}/{self.ig_user_id}",
            params={"fields": fields, "access_token": self.access_token},
            classify=classify,
        )
        bd = body.get("business_discovery") if isinstance(body, dict) else None
        if not isinstance(bd, dict):
            raise ConnectorBadResponse("Instagram sent an unexpected response.", provider=PROVIDER)
        media = ((bd.get("media") or {}).get("data")) or []
        return Profile(
            id=str(bd.get("id", "")),
            username=str(bd.get("username") or handle),
            name=str(bd.get("name") or ""),
            biography=str(bd.get("biography") or ""),
            website=bd.get("website"),
            followers=as_int(bd.get("followers_count")),
            follows=as_int(bd.get("follows_count")),
            media_count=as_int(bd.get("media_count")),
            media=[_media(m) for m in media if isinstance(m, dict)],
        )
