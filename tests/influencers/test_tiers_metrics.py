"""Tier schemes (global, Japan, custom bands), benchmark comparison with citations, and metric definitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.errors import ValidationFailed
from kizuna.influencers import metrics, service
from kizuna.influencers.benchmarks import BENCHMARKS
from kizuna.influencers.metrics import PostCounts
from kizuna.influencers.tiers import (
    TierSchemeError,
    compare_engagement,
    tier_for,
    validate_custom_tiers,
)
from kizuna.models.influencer import Influencer
from kizuna.tenancy import bind_workspace
from tests.influencers.conftest import run_in_ctx


@pytest.mark.parametrize(
    ("followers", "global_tier", "japan_tier"),
    [
        (500, None, None),
        (1_000, "nano", "nano"),
        (9_999, "nano", "nano"),
        (10_000, "micro", "micro"),
        (150_000, "mid", "middle"),
        (600_000, "macro", "middle"),
        (1_000_000, "mega", "top"),
        (None, None, None),
    ],
)
def test_builtin_schemes(followers: int | None, global_tier: str | None, japan_tier: str | None) -> None:
    assert tier_for(followers, "global") == global_tier
    assert tier_for(followers, "japan") == japan_tier


def test_custom_bands_are_validated() -> None:
    table = validate_custom_tiers(
        [
            {"key": "Large", "min_followers": 30_000},
            {"key": "small", "min_followers": "1000", "max_followers": 30_000},
        ]
    )
    assert [r["key"] for r in table] == ["small", "large"]
    assert tier_for(29_999, "custom", custom=table) == "small"
    assert tier_for(30_000, "custom", custom=table) == "large"
    assert tier_for(999, "custom", custom=table) is None
    with pytest.raises(TierSchemeError):
        validate_custom_tiers(
            [{"key": "a", "min_followers": 0, "max_followers": 100}, {"key": "b", "min_followers": 50}]
        )
    with pytest.raises(TierSchemeError):
        validate_custom_tiers([{"key": "a", "min_followers": 10, "max_followers": 5}])
    with pytest.raises(TierSchemeError):
        validate_custom_tiers([{"key": "a", "min_followers": 0}, {"key": "a", "min_followers": 10}])


def test_switching_scheme_retiers_everyone(owner: dict[str, Any]) -> None:
    def setup(ctx: Any) -> None:
        service.create_influencer(
            ctx,
            data={"display_name": "Mid"},
            accounts=[{"platform": "instagram", "handle": "mid", "followers": 150_000}],
        )

    run_in_ctx(owner, setup)
    run_in_ctx(owner, lambda c: service.set_tier_scheme(c, "japan"))
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        assert uow.session.execute(select(Influencer.tier)).scalar_one() == "middle"
    bands = [
        {"key": "big", "min_followers": 100_000},
        {"key": "small", "min_followers": 0, "max_followers": 100_000},
    ]
    run_in_ctx(owner, lambda c: service.set_tier_scheme(c, "custom", bands))
    with unit_of_work() as uow:
        bind_workspace(uow.session, owner["workspace_id"])
        assert uow.session.execute(select(Influencer.tier)).scalar_one() == "big"
    with pytest.raises(ValidationFailed) as exc:
        run_in_ctx(owner, lambda c: service.set_tier_scheme(c, "custom", [{"key": "x", "min_followers": -1}]))
    assert exc.value.code == "invalid_custom_tiers"


def test_benchmark_comparison_cites_its_source() -> None:
    cmp = compare_engagement(0.05, 5_000, "tiktok", "follower:median_last_12_posts")
    assert cmp is not None
    assert cmp.benchmark.csv_row == 9 and "HypeAuditor" in cmp.benchmark.source
    assert cmp.verdict == "below"  # 12.6% published for TikTok nano
    high = compare_engagement(0.20, 5_000, "tiktok", "follower:median_last_12_posts")
    assert high is not None and high.verdict == "above"
    typical = compare_engagement(0.12, 5_000, "tiktok", "follower:average_counts")
    assert typical is not None and typical.verdict == "typical"
    # a platform without its own rows falls back to the domain tier table (a range)
    yt = compare_engagement(0.04, 50_000, "youtube", "follower:average_counts")
    assert yt is not None and yt.benchmark.csv_row == 0 and yt.verdict == "typical"
    assert (yt.typical_low, yt.typical_high) == (pytest.approx(0.03), pytest.approx(0.07))
    # per-view rates are compared only with per-view benchmarks; unknown definitions never
    view = compare_engagement(0.05, 2_000_000, "tiktok", "view:median_last_12_posts")
    assert view is not None and view.benchmark.metric == "engagement_per_view"
    assert compare_engagement(0.05, 5_000, "youtube", "view:average_counts") is None
    assert compare_engagement(0.05, 5_000, "instagram", "imported:ER") is None
    assert compare_engagement(None, 5_000, "instagram", "follower:average_counts") is None


def test_benchmark_rows_match_the_published_csv() -> None:
    import csv

    from tests.conftest import shared_file

    path = shared_file("data/benchmarks/engagement_rate_benchmarks.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for b in BENCHMARKS:
        if b.csv_row == 0:
            continue
        row = rows[b.csv_row - 1]
        assert row["platform"] == b.platform
        assert float(row["value_pct"]) == pytest.approx(b.low_pct)
        assert b.source.split(" (")[0] in row["source"]


T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _post(day: int, likes: int | None, comments: int | None, views: int | None = None) -> PostCounts:
    return PostCounts(likes, comments, views, T0 + timedelta(days=day))


def test_per_follower_median_of_recent_posts() -> None:
    posts = [_post(i, 100 + i, 10, None) for i in range(20)] + [_post(30, 100_000, 0)]  # one viral post
    m = metrics.from_posts(posts, 10_000, "instagram", n=12)
    assert m.engagement_definition == "follower:median_last_12_posts"
    recent = sorted([(100 + i + 10) / 10_000 for i in range(9, 20)] + [100_000 / 10_000])
    assert m.engagement_rate == pytest.approx((recent[5] + recent[6]) / 2)
    assert m.posts_per_week is not None and m.posts_per_week > 0


def test_per_view_on_video_platforms_and_hidden_likes() -> None:
    m = metrics.from_posts(
        [_post(0, 50, 5, 1000), _post(1, None, 9, 1000), _post(2, 10, 0, 100)], 5000, "youtube"
    )
    assert m.engagement_definition == "view:median_last_2_posts"
    assert m.engagement_rate == pytest.approx((0.055 + 0.1) / 2)
    no_views = metrics.from_posts([_post(0, 50, 5)], 5000, "tiktok")
    assert no_views.engagement_definition == "follower:median_last_1_posts"


def test_rates_from_averages_and_growth() -> None:
    assert metrics.from_averages(300, 20, None, 10_000, "instagram") == (0.032, "follower:average_counts")
    assert metrics.from_averages(300, 20, 4_000, 10_000, "tiktok") == (0.08, "view:average_counts")
    assert metrics.from_averages(300, None, None, 10_000, "instagram") == (None, None)  # likes-only is not ER
    history = [(T0, 1000), (T0 + timedelta(days=20), 1100), (T0 + timedelta(days=40), 1200)]
    assert metrics.follower_growth(history, now=T0 + timedelta(days=40)) == pytest.approx(0.2)
    assert metrics.follower_growth(history[1:], now=T0 + timedelta(days=40)) is None  # history too short


def test_definitions_are_described() -> None:
    text, params = metrics.describe_definition("view:median_last_12_posts")
    assert (text % params) == "(likes + comments) / views, median of the last 12 posts"
    text, params = metrics.describe_definition("imported:60_day_eng_rate")
    assert "60_day_eng_rate" in text % params
