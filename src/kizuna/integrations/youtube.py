"""YouTube Data API v3 with an API key: ``channels.list``, ``playlistItems.list`` (uploads) and ``videos.list``.

Plain data out. YouTube sends every count as a decimal *string* ("45600"); they are converted here. A channel
that hides its subscriber count (``hiddenSubscriberCount: true``) has ``subscribers = None``, not 0. Errors:
``keyInvalid`` (HTTP 400) and 401/403 other than quota → ``connector_auth_failed``; 403 ``quotaExceeded`` /
``dailyLimitExceeded`` → ``connector_quota_exhausted`` (not retried: the quota resets at midnight Pacific time);
403 ``rateLimitExceeded`` / ``userRateLimitExceeded`` and 429/5xx are retried with backoff.
Cost: channels.list, playlistItems.list and videos.list cost 1 quota unit each of the default 10,000 a day.
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

PROVIDER = "youtube"
DEFAULT_BASE_URL = "https://www.googleapis.com"
_QUOTA = {"quotaExceeded", "dailyLimitExceeded"}
_RETRY = {"rateLimitExceeded", "userRateLimitExceeded", "backendError"}
_AUTH = {"keyInvalid", "keyExpired", "ipRefererBlocked", "accessNotConfigured", "forbidden", "authError"}


@dataclass(frozen=True, slots=True)
class Channel:
    id: str
    title: str
    description: str
    handle: str | None
    country: str | None
    published_at: datetime | None
    subscribers: int | None
    views: int | None
    video_count: int | None
    uploads_playlist: str | None


@dataclass(frozen=True, slots=True)
class Video:
    id: str
    title: str
    description: str
    published_at: datetime | None
    tags: list[str] = field(default_factory=list)
    views: int | None = None
    likes: int | None = None
    comments: int | None = None
    duration: str | None = None


def parse_time(value: object) -> datetime | None:
    """RFC 3339 from YouTube/Instagram ("2024-05-01T17:00:00Z", "2024-04-28T09:02:11+0000") as aware UTC."""
    if not isinstance(value, str) or not value:
        return None
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _reasons(body: Any) -> set[str]:
    if not isinstance(body, dict):
        return set()
    err = body.get("error")
    if not isinstance(err, dict):
        return set()
    out = {str(e.get("reason")) for e in err.get("errors", []) if isinstance(e, dict)}
    for d in err.get("details", []) or []:
        if isinstance(d, dict) and d.get("reason"):
            out.add(str(d["reason"]))
    if err.get("status") == "PERMISSION_DENIED":
        out.add("forbidden")
    return out


def classify(response: httpx.Response, body: Any) -> ConnectorError | None:
    reasons = _reasons(body)
    details = {"status": response.status_code, "reasons": sorted(reasons)}
    if reasons & _QUOTA:
        return ConnectorQuotaExhausted(
            "The YouTube API quota is exhausted for today.", provider=PROVIDER, details=details
        )
    if reasons & _RETRY:
        return None
    if (
        response.status_code in (401, 403)
        or reasons & _AUTH
        or (response.status_code == 400 and any("key" in r.lower() for r in reasons))
    ):
        return ConnectorAuthFailed("YouTube refused the API key.", provider=PROVIDER, details=details)
    return None


def temporary(response: httpx.Response, body: Any) -> bool:
    """Per-second and per-user limits and backend errors pass; they are retried with backoff."""
    return bool(_reasons(body) & _RETRY)


def _channel(item: dict[str, Any]) -> Channel:
    snippet = item.get("snippet") or {}
    stats = item.get("statistics") or {}
    uploads = ((item.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads") or None
    return Channel(
        id=str(item.get("id", "")),
        title=str(snippet.get("title", "")),
        description=str(snippet.get("description", "")),
        handle=snippet.get("customUrl"),
        country=snippet.get("country"),
        published_at=parse_time(snippet.get("publishedAt")),
        subscribers=None if stats.get("hiddenSubscriberCount") else as_int(stats.get("subscriberCount")),
        views=as_int(stats.get("viewCount")),
        video_count=as_int(stats.get("videoCount")),
        uploads_playlist=uploads,
    )


def _video(item: dict[str, Any]) -> Video:
    snippet = item.get("snippet") or {}
    stats = item.get("statistics") or {}
    return Video(
        id=str(item.get("id", "")),
        title=str(snippet.get("title", "")),
        description=str(snippet.get("description", "")),
        published_at=parse_time(snippet.get("publishedAt")),
        tags=[str(t) for t in snippet.get("tags", []) or []],
        views=as_int(stats.get("viewCount")),
        # likeCount is absent when the owner hides likes: unknown, never 0
        likes=as_int(stats.get("likeCount")),
        comments=as_int(stats.get("commentCount")),
        duration=(item.get("contentDetails") or {}).get("duration"),
    )


class YouTubeClient:
    """``YouTubeClient(api_key)``; ``base_url`` points tests (or a proxy) elsewhere."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        rate_per_second: float = 5.0,
        retry: RetryPolicy | None = None,
        **kwargs: Any,
    ):
        if not api_key:
            raise ConnectorAuthFailed("No YouTube API key is configured.", provider=PROVIDER)
        self.api_key = api_key
        self.http = JsonClient(PROVIDER, base_url, rate_per_second, retry or RetryPolicy(), **kwargs)

    def close(self) -> None:
        self.http.close()

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        body = self.http.request(
            "GET",
            f"/youtube/v3/{path}",
            params={**params, "key": self.api_key},
            classify=classify,
            retryable=temporary,
        )
        if not isinstance(body, dict):
            raise ConnectorBadResponse("YouTube sent an unexpected response.", provider=PROVIDER)
        return body

    def channel(self, *, channel_id: str | None = None, handle: str | None = None) -> Channel:
        """One channel by id (``UC...``) or handle (``@name``)."""
        params: dict[str, Any] = {"part": "snippet,statistics,contentDetails"}
        if channel_id:
            params["id"] = channel_id
        elif handle:
            params["forHandle"] = handle if handle.startswith("@") else f"@{handle}"
        else:
            raise ValueError("channel_id or handle is required")
        items = self._get("channels", params).get("items") or []
        if not items:
            raise ConnectorNotFound(
                "YouTube has no such channel.", provider=PROVIDER, details={"channel": channel_id or handle}
            )
        return _channel(items[0])

    def upload_ids(self, playlist_id: str, *, limit: int = 12) -> list[str]:
        """The newest video ids of a channel's uploads playlist."""
        body = self._get(
            "playlistItems",
            {"part": "contentDetails", "playlistId": playlist_id, "maxResults": min(50, limit)},
        )
        out: list[str] = []
        for item in body.get("items") or []:
            vid = (item.get("contentDetails") or {}).get("videoId")
            if vid:
                out.append(str(vid))
        return out[:limit]

    def videos(self, ids: list[str]) -> list[Video]:
        """Videos by id (at most 50 per call, as the API allows)."""
        out: list[Video] = []
        for start in range(0, len(ids), 50):
            chunk = ids[start : start + 50]
            body = self._get("videos", {"part": "snippet,statistics,contentDetails", "id": ",".join(chunk)})
            out.extend(_video(item) for item in body.get("items") or [])
        return out
