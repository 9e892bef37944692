"""The platform clients against a local server: exact payload shapes, retries with backoff, typed errors."""

from __future__ import annotations

from typing import Any

import pytest

from kizuna.integrations.http import (
    ConnectorAuthFailed,
    ConnectorQuotaExhausted,
    ConnectorUnavailable,
    RateLimiter,
    RetryPolicy,
)
from kizuna.integrations.instagram import InstagramClient
from kizuna.integrations.tiktok import TikTokClient
from kizuna.integrations.youtube import YouTubeClient
from tests.connectors.conftest import GOOD_KEY, GOOD_TOKEN, IG_USER, FakePlatforms, Reply


def test_youtube_counts_arrive_as_strings_and_become_numbers(
    platforms: FakePlatforms, no_sleep: dict[str, Any]
) -> None:
    yt = YouTubeClient(GOOD_KEY, base_url=platforms.url, **no_sleep)
    ch = yt.channel(handle="examplechannel")
    assert (ch.id, ch.subscribers, ch.views, ch.video_count) == (
        "UCxxxxxxxxxxxxxxxxxxxxxx",
        45_600,
        1_234_567,
        321,
    )
    assert ch.uploads_playlist == "UUxxxxxxxxxxxxxxxxxxxxxx" and ch.country == "GB"
    assert ch.published_at is not None and ch.published_at.year == 2015
    (video,) = yt.videos(yt.upload_ids(ch.uploads_playlist))
    assert (video.id, video.views, video.likes, video.comments) == ("dQw4w9WgXcQ", 98_765, 4_321, 210)
    _, path, query, _ = platforms.log[0]
    assert path == "/youtube/v3/channels" and query["forHandle"] == ["@examplechannel"]
    assert query["part"] == ["snippet,statistics,contentDetails"]


def test_youtube_hidden_subscriber_count_is_unknown_not_zero(
    platforms: FakePlatforms, no_sleep: dict[str, Any]
) -> None:
    shape = platforms.shapes["youtube_channels_list"]
    hidden = {
        **shape,
        "items": [
            {**shape["items"][0], "statistics": {"hiddenSubscriberCount": True, "subscriberCount": "0"}}
        ],
    }
    platforms.queue("/youtube/v3/channels", Reply(200, hidden))
    ch = YouTubeClient(GOOD_KEY, base_url=platforms.url, **no_sleep).channel(
        channel_id="UCxxxxxxxxxxxxxxxxxxxxxx"
    )
    assert ch.subscribers is None


def test_instagram_hidden_like_count_zero_is_none(platforms: FakePlatforms, no_sleep: dict[str, Any]) -> None:
    ig = InstagramClient(GOOD_TOKEN, IG_USER, base_url=platforms.url, **no_sleep)
    profile = ig.business_discovery("example_creator")
    assert (profile.followers, profile.follows, profile.media_count) == (48_210, 612, 845)
    reel, lunch = profile.media
    assert reel.likes is None and reel.comments == 57  # like_count 0 = hidden by the creator
    assert lunch.likes == 1_893 and lunch.comments == 44
    assert (
        reel.product_type == "REELS"
        and reel.published_at is not None
        and reel.published_at.tzinfo is not None
    )
    _, path, query, _ = platforms.log[0]
    assert path == f"/v21.0/{IG_USER}"
    assert query["fields"][0].startswith("business_discovery.username(example_creator){")


def test_tiktok_user_and_videos(platforms: FakePlatforms, no_sleep: dict[str, Any]) -> None:
    tt = TikTokClient(GOOD_TOKEN, base_url=platforms.url, **no_sleep)
    info = tt.user_info("@example_creator")
    assert (info.followers, info.following, info.video_count, info.verified) == (120_345, 310, 402, False)
    (video,) = tt.videos("example_creator")
    assert (video.views, video.likes, video.comments, video.shares, video.saves) == (
        402_311,
        15_400,
        212,
        380,
        1_900,
    )
    assert video.hashtags == ("recipe", "ad")
    method, _, query, body = platforms.log[0]
    assert (
        method == "POST"
        and body == {"username": "example_creator"}
        and "follower_count" in query["fields"][0]
    )
    query_body = platforms.log[1][3]
    assert query_body["query"]["and"][0]["field_values"] == ["example_creator"]


def test_5xx_and_429_are_retried_with_exponential_backoff(platforms: FakePlatforms) -> None:
    platforms.queue(
        "/youtube/v3/channels", Reply(503, {"error": {}}), Reply(500, {"error": {}}), Reply(502, b"oops")
    )
    yt = YouTubeClient(GOOD_KEY, base_url=platforms.url, sleep=lambda _s: None, rate_per_second=1000)
    assert yt.channel(handle="x").subscribers == 45_600
    assert platforms.calls("/youtube/v3/channels") == 4
    backoff = [s for s in yt.http.sleeps if s >= 0.5]
    assert len(backoff) == 3
    # 0.5 s, 1 s, 2 s, each plus at most 10% jitter
    for delay, base in zip(backoff, (0.5, 1.0, 2.0), strict=True):
        assert base <= delay <= base * 1.1


def test_retry_after_is_honoured(platforms: FakePlatforms) -> None:
    platforms.queue(
        "/v2/research/user/info/",
        Reply(429, {"error": {"code": "rate_limit_exceeded"}}, {"Retry-After": "7"}),
    )
    tt = TikTokClient(GOOD_TOKEN, base_url=platforms.url, sleep=lambda _s: None, rate_per_second=1000)
    assert tt.user_info("x").followers == 120_345
    assert 7.0 in tt.http.sleeps


def test_tiktok_429_that_never_clears_is_quota_exhausted(platforms: FakePlatforms) -> None:
    limited = Reply(429, {"error": {"code": "rate_limit_exceeded", "message": "daily quota"}})
    platforms.queue("/v2/research/user/info/", *([limited] * 10))
    tt = TikTokClient(
        GOOD_TOKEN,
        base_url=platforms.url,
        sleep=lambda _s: None,
        retry=RetryPolicy(max_retries=2),
        rate_per_second=1000,
    )
    with pytest.raises(ConnectorQuotaExhausted) as exc:
        tt.user_info("x")
    assert exc.value.code == "connector_quota_exhausted" and exc.value.details["attempts"] == 3
    assert platforms.calls("/v2/research/user/info/") == 3


def test_youtube_quota_exceeded_is_not_retried(platforms: FakePlatforms, no_sleep: dict[str, Any]) -> None:
    body = {
        "error": {
            "code": 403,
            "message": "quota",
            "errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}],
        }
    }
    platforms.queue("/youtube/v3/channels", Reply(403, body))
    with pytest.raises(ConnectorQuotaExhausted) as exc:
        YouTubeClient(GOOD_KEY, base_url=platforms.url, **no_sleep).channel(handle="x")
    assert exc.value.code == "connector_quota_exhausted" and exc.value.provider == "youtube"
    assert platforms.calls("/youtube/v3/channels") == 1


def test_youtube_rate_limit_exceeded_403_is_retried(
    platforms: FakePlatforms, no_sleep: dict[str, Any]
) -> None:
    body = {"error": {"code": 403, "errors": [{"reason": "rateLimitExceeded"}]}}
    platforms.queue("/youtube/v3/channels", Reply(403, body))
    assert (
        YouTubeClient(GOOD_KEY, base_url=platforms.url, **no_sleep).channel(handle="x").subscribers == 45_600
    )
    assert platforms.calls("/youtube/v3/channels") == 2
    platforms.queue("/youtube/v3/channels", *([Reply(403, body)] * 3))
    yt = YouTubeClient(GOOD_KEY, base_url=platforms.url, retry=RetryPolicy(max_retries=2), **no_sleep)
    with pytest.raises(ConnectorQuotaExhausted):
        yt.channel(handle="x")


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_instagram_rate_limit_codes_are_quota_exhausted(
    platforms: FakePlatforms, no_sleep: dict[str, Any], code: int
) -> None:
    platforms.queue(
        f"/v21.0/{IG_USER}",
        Reply(403, {"error": {"message": "limit", "type": "OAuthException", "code": code}}),
    )
    with pytest.raises(ConnectorQuotaExhausted):
        InstagramClient(GOOD_TOKEN, IG_USER, base_url=platforms.url, **no_sleep).business_discovery("x")
    assert platforms.calls(f"/v21.0/{IG_USER}") == 1


def test_bad_credentials_are_typed_auth_errors(platforms: FakePlatforms, no_sleep: dict[str, Any]) -> None:
    with pytest.raises(ConnectorAuthFailed) as yt:
        YouTubeClient("wrong", base_url=platforms.url, **no_sleep).channel(handle="x")
    with pytest.raises(ConnectorAuthFailed) as ig:
        InstagramClient("wrong", IG_USER, base_url=platforms.url, **no_sleep).business_discovery("x")
    with pytest.raises(ConnectorAuthFailed) as tt:
        TikTokClient("wrong", base_url=platforms.url, **no_sleep).user_info("x")
    assert {e.value.code for e in (yt, ig, tt)} == {"connector_auth_failed"}
    assert (yt.value.provider, ig.value.provider, tt.value.provider) == ("youtube", "instagram", "tiktok")
    assert platforms.calls("/v2/research/user/info/") == 1  # never retried
    with pytest.raises(ConnectorAuthFailed):
        YouTubeClient("", base_url=platforms.url)


def test_server_that_keeps_failing_is_unavailable(platforms: FakePlatforms) -> None:
    platforms.queue("/youtube/v3/videos", *([Reply(503, {"error": {}})] * 5))
    yt = YouTubeClient(
        GOOD_KEY, base_url=platforms.url, sleep=lambda _s: None, retry=RetryPolicy(max_retries=3)
    )
    with pytest.raises(ConnectorUnavailable) as exc:
        yt.videos(["a"])
    assert exc.value.details["attempts"] == 4


def test_unreachable_host_is_unavailable() -> None:
    yt = YouTubeClient(
        GOOD_KEY, base_url="http://127.0.0.1:9", sleep=lambda _s: None, retry=RetryPolicy(max_retries=1)
    )
    with pytest.raises(ConnectorUnavailable):
        yt.channel(handle="x")


def test_rate_limiter_spaces_calls() -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)

    limiter = RateLimiter(5.0, clock=lambda: now[0], sleep=sleep)
    assert [limiter.acquire() for _ in range(3)] == [0.0, pytest.approx(0.2), pytest.approx(0.4)]
    now[0] += 10
    assert limiter.acquire() == 0.0
    assert waits == [pytest.approx(0.2), pytest.approx(0.4)]
