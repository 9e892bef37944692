"""TikTok Research API: user info and a user's recent videos (client access token, ``Bearer``).

``POST /v2/research/user/info/?fields=...`` with ``{"username": ...}`` and ``POST /v2/research/video/query/``.
Every response carries ``error.code`` (``"ok"`` on success). ``access_token_invalid`` / 401 →
``connector_auth_failed``; ``rate_limit_exceeded`` / 429 → retried with backoff, then
``connector_quota_exhausted`` (the Research API's daily request quota); ``invalid_params`` for an unknown user →
``connector_not_found``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from kizuna.integrations.http import (
    ConnectorAuthFailed,
    ConnectorBadResponse,
    ConnectorError,
    ConnectorNotFound,
    JsonClient,
    RetryPolicy,
    as_int,
)

PROVIDER = "tiktok"
DEFAULT_BASE_URL = "https://open.tiktokapis.com"
USER_FIELDS = "display_name,bio_description,avatar_url,is_verified,follower_count,following_count,likes_count,video_count,bio_url"
VIDEO_FIELDS = "id,username,create_time,region_code,video_description,like_count,comment_count,share_count,view_count,favorites_count,hashtag_names"
_AUTH = {"access_token_invalid", "scope_not_authorized", "scope_permission_missed", "unauthorized"}
_NOT_FOUND = {"invalid_params", "user_not_found"}


@dataclass(frozen=True, slots=True)
class UserInfo:
    display_name: str
    bio: str
    verified: bool
    followers: int | None
    following: int | None
    likes: int | None
    video_count: int | None


@dataclass(frozen=True, slots=True)
class TikTokVideo:
    id: str
    description: str
    published_at: datetime | None
    views: int | None
    likes: int | None
    comments: int | None
    shares: int | None
    saves: int | None
    hashtags: tuple[str, ...]


def classify(response: httpx.Response, body: Any) -> ConnectorError | None:
    err = body.get("error") if isinstance(body, dict) else None
    code = str(err.get("code")) if isinstance(err, dict) else ""
    details = {"status": response.status_code, "code": code}
    if code in _AUTH or response.status_code == 401:
        return ConnectorAuthFailed("TikTok refused the access token.", provider=PROVIDER, details=details)
    if code in _NOT_FOUND and response.status_code < 500:
        return ConnectorNotFound("TikTok has no such user.", provider=PROVIDER, details=details)
    return None


class TikTokClient:
    def __init__(
        self,
        access_token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        rate_per_second: float = 2.0,
        retry: RetryPolicy | None = None,
        **kwargs: Any,
    ):
        if not access_token:
            raise ConnectorAuthFailed("No TikTok access token is configured.", provider=PROVIDER)
        self.http = JsonClient(
            PROVIDER,
            base_url,
            rate_per_second,
            retry or RetryPolicy(),
            headers={"Authorization": f"Bearer {access_token}"},
            **kwargs,
        )

    def close(self) -> None:
        self.http.close()

    def _post(self, path: str, fields: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = self.http.request("POST", path, params={"fields": fields}, json=payload, classify=classify)
        if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise ConnectorBadResponse("TikTok sent an unexpected response.", provider=PROVIDER)
        err = body.get("error") or {}
        if isinstance(err, dict) and err.get("code") not in (None, "ok"):
            raise ConnectorBadResponse(
                "TikTok reported an error.", provider=PROVIDER, details={"code": str(err.get("code"))}
            )
        data: dict[str, Any] = body["data"]
        return data

    def user_info(self, username: str) -> UserInfo:
        data = self._post("/v2/research/user/info/", USER_FIELDS, {"username": username.lstrip("@")})
        return UserInfo(
            display_name=str(data.get("display_name") or ""),
            bio=str(data.get("bio_description") or ""),
            verified=bool(data.get("is_verified")),
            followers=as_int(data.get("follower_count")),
            following=as_int(data.get("following_count")),
            likes=as_int(data.get("likes_count")),
            video_count=as_int(data.get("video_count")),
        )

    def videos(
        self, username: str, *, days: int = 30, limit: int = 20, now: datetime | None = None
    ) -> list[TikTokVideo]:
        """The user's videos of the last ``days`` (the Research API allows at most 30 days per query)."""
        end = now or datetime.now(UTC)
        start = end - timedelta(days=min(days, 30))
        data = self._post(
            "/v2/research/video/query/",
            VIDEO_FIELDS,
            {
                "query": {
                    "and": [
                        {"operation": "EQ", "field_name": "username", "field_values": [username.lstrip("@")]}
                    ]
                },
                "start_date": start.strftime("%Y%m%d"),
                "end_date": end.strftime("%Y%m%d"),
                "max_count": min(100, limit),
            },
        )
        out: list[TikTokVideo] = []
        for v in data.get("videos") or []:
            created = as_int(v.get("create_time"))
            out.append(
                TikTokVideo(
                    id=str(v.get("id", "")),
                    description=str(v.get("video_description") or ""),
                    published_at=datetime.fromtimestamp(created, UTC) if created is not None else None,
                    views=as_int(v.get("view_count")),
                    likes=as_int(v.get("like_count")),
                    comments=as_int(v.get("comment_count")),
                    shares=as_int(v.get("share_count")),
                    saves=as_int(v.get("favorites_count")),
                    hashtags=tuple(str(h) for h in v.get("hashtag_names") or []),
                )
            )
        return out[:limit]
