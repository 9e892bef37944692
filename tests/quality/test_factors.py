"""Each Audience Quality Score factor against numbers worked out by hand (see docs/guide/audience-quality.md)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from kizuna.audience.quality import (
    CommentPoint,
    Factor,
    PostPoint,
    QualityInputs,
    SampleSummary,
    combine,
    compute,
    engagement_factor,
    engagement_pods_factor,
    follower_sample_factor,
    follower_spikes_factor,
    generic_comments_factor,
    likes_to_comments_factor,
)
from kizuna.influencers.tiers import compare_engagement

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_follower_sample_share_maps_linearly_with_the_usual_bar_at_50() -> None:
    f = follower_sample_factor(SampleSummary(400, 60))  # 15% suspicious
    assert f.score == pytest.approx(70.0)
    assert f.confidence == "high"
    assert f.data["share"] == 0.15
    # Wilson 95% for 60/400, by hand: centre (0.15 + z²/800) / (1 + z²/400) = 0.1533, half-width 0.0350
    assert f.data["ci_low"] == pytest.approx(0.1183, abs=2e-4)
    assert f.data["ci_high"] == pytest.approx(0.1883, abs=2e-4)
    assert f.data["over_usual_bar"] is False
    assert follower_sample_factor(SampleSummary(400, 100)).score == pytest.approx(50.0)  # 25% → 50
    assert follower_sample_factor(SampleSummary(400, 240)).score == 0.0  # 60% → floor


def test_follower_sample_confidence_follows_the_sample_size() -> None:
    # the same 15% share: 20 accounts is weak evidence, 100 is medium, 400 is strong
    assert follower_sample_factor(SampleSummary(20, 3)).confidence == "low"
    assert follower_sample_factor(SampleSummary(100, 15)).confidence == "medium"
    assert follower_sample_factor(SampleSummary(400, 60)).confidence == "high"
    missing = follower_sample_factor(None)
    assert missing.score is None and missing.confidence == "none"


def _er_inputs(er: float, definition: str = "follower:median_last_12_posts") -> QualityInputs:
    return QualityInputs("instagram", 50_000, engagement_rate=er, engagement_definition=definition)


def test_engagement_vs_tier_uses_the_range_every_source_agrees_on() -> None:
    cmp = compare_engagement(0.03, 50_000, "instagram", "follower:median_last_12_posts")
    assert cmp is not None and cmp.others, "several published benchmarks cover Instagram 10K-100K"
    probe = engagement_factor(_er_inputs(0.03))
    low, high = probe.data["typical_low"], probe.data["typical_high"]
    # the envelope: the lowest typical bottom and the highest typical top of all applicable sources
    assert low <= cmp.typical_low + 1e-6 and high >= cmp.typical_high - 1e-6
    assert high == pytest.approx(0.07)  # the glossary's micro tier, 3-7%
    assert engagement_factor(_er_inputs(low / 2)).score == pytest.approx(50.0, abs=0.05)  # half the bottom
    assert engagement_factor(_er_inputs((low + high) / 2)).score == 100.0
    assert engagement_factor(_er_inputs(2 * high)).score == 100.0  # very good, still plausible
    f3 = engagement_factor(_er_inputs(3 * high))
    assert f3.score == pytest.approx(50.0, abs=0.05)
    assert f3.data["verdict"] == "implausibly_high"
    assert engagement_factor(_er_inputs(4 * high)).score == 0.0
    assert engagement_factor(_er_inputs(low / 2)).confidence == "high"
    assert engagement_factor(_er_inputs(low / 2, "follower:median_last_3_posts")).confidence == "low"


def test_engagement_against_a_generic_benchmark_only_is_less_certain() -> None:
    f = engagement_factor(
        QualityInputs(
            "youtube", 50_000, engagement_rate=0.05, engagement_definition="follower:median_last_12_posts"
        )
    )
    assert f.score == 100.0 and f.confidence == "medium"  # only the all-platform tier table applies


def test_engagement_without_a_known_definition_is_not_compared() -> None:
    f = engagement_factor(_er_inputs(0.03, "imported:ER"))
    assert f.score is None


def _weekly(values: list[float]) -> list[tuple[datetime, int | None]]:
    return [(T0 + timedelta(weeks=i), round(v)) for i, v in enumerate(values)]


def _spiky_history() -> list[tuple[datetime, int | None]]:
    # 1% a week, and a 25% jump into week 6
    values = [10_000 * 1.01**i * (1.25 if i >= 6 else 1.0) for i in range(12)]
    return _weekly(values)


def test_an_unexplained_follower_jump_costs_200_points_per_unit_of_excess_growth() -> None:
    f = follower_spikes_factor(QualityInputs("instagram", 13_000, snapshots=_spiky_history()))
    # jump growth 1.01*1.25 - 1 = 0.2625 against a usual 0.01: 200 * 0.2525 = 50.5 points
    assert f.data["unexplained"] == 1
    assert f.data["usual_growth"] == pytest.approx(0.01, abs=2e-4)
    assert f.score == pytest.approx(49.5, abs=0.5)
    assert f.confidence == "medium"  # 12 snapshots but no posts to check the jump against


def test_a_jump_after_a_viral_post_is_explained() -> None:
    posts = [PostPoint(T0 + timedelta(days=3 * i), 500, 10) for i in range(20)]
    posts.append(PostPoint(T0 + timedelta(weeks=5, days=2), 8_000, 200))  # 16x the median, inside the window
    f = follower_spikes_factor(QualityInputs("instagram", 13_000, snapshots=_spiky_history(), posts=posts))
    assert f.score == 100.0
    assert f.data["jumps"][0]["explained_by"]["times_median"] == pytest.approx(16.0, abs=0.5)
    assert f.confidence == "high"


def test_too_few_snapshots_is_no_data() -> None:
    f = follower_spikes_factor(QualityInputs("instagram", 1, snapshots=_weekly([100, 200])))
    assert f.score is None


def test_likes_to_comments_ratio_and_hidden_likes() -> None:
    normal = [PostPoint(T0, 1_000, 20) for _ in range(10)]  # 50 likes per comment
    assert likes_to_comments_factor(QualityInputs("instagram", 1, posts=normal)).score == 100.0
    bought = [PostPoint(T0, 3_000, 10) for _ in range(10)]  # 300 per comment: 100 * (1 - ln 2 / ln 4) = 50
    f = likes_to_comments_factor(QualityInputs("instagram", 1, posts=bought))
    assert f.score == pytest.approx(50.0)
    assert f.confidence == "high"
    pod = [PostPoint(T0, 25, 10) for _ in range(10)]  # 2.5 per comment: 100 * 2.5 / 5 = 50
    assert likes_to_comments_factor(QualityInputs("instagram", 1, posts=pod)).score == pytest.approx(50.0)
    # Instagram hides likes as like_count 0 -> stored as None: left out, not counted as zero likes
    hidden = [*normal, PostPoint(T0, None, 57)]
    f = likes_to_comments_factor(QualityInputs("instagram", 1, posts=hidden))
    assert f.data["posts"] == 10 and f.data["posts_with_hidden_likes"] == 1 and f.score == 100.0


def _comments(labels: list[str]) -> list[CommentPoint]:
    return [CommentPoint(f"p{i % 5}", None, None, label) for i, label in enumerate(labels)]


def test_generic_comment_share() -> None:
    labels = ["generic"] * 23 + ["emoji_only"] * 10 + ["promo"] * 6 + ["genuine"] * 21  # 39 of 60 = 65%
    f = generic_comments_factor(QualityInputs("instagram", 1, comments=_comments(labels)))
    assert f.score == pytest.approx(50.0)  # 100 * (0.90 - 0.65) / 0.50
    assert f.confidence == "medium"
    assert f.data["by_label"] == {"emoji_only": 10, "generic": 23, "genuine": 21, "promo": 6}
    low = generic_comments_factor(
        QualityInputs("instagram", 1, comments=_comments(["genuine"] * 8 + ["generic"] * 2))
    )
    assert low.score == 100.0 and low.confidence == "low"


def _pod_comments(posts: int, pod: tuple[str, ...], others: int) -> list[CommentPoint]:
    out = []
    for p in range(posts):
        start = T0 + timedelta(days=p)
        out += [
            CommentPoint(f"post{p}", a, start + timedelta(minutes=2 * k), "generic")
            for k, a in enumerate(pod)
        ]
        out += [
            CommentPoint(f"post{p}", f"fan{p}_{k}", start + timedelta(hours=1 + 2 * k), "genuine")
            for k in range(others)
        ]
    return out


def test_pod_share_costs_two_points_per_percent() -> None:
    comments = _pod_comments(4, ("alpha", "bravo", "charlie"), 5)
    f = engagement_pods_factor(QualityInputs("instagram", 1, comments=comments))
    assert f.data["pods"] == [{"members": ["alpha", "bravo", "charlie"], "posts": 4}]
    # 12 of 32 timed comments come from the pod: 100 - 200 * 0.375 = 25
    assert f.data["pod_comment_share"] == pytest.approx(0.375)
    assert f.score == pytest.approx(25.0)
    assert f.confidence == "medium"


def test_no_data_factors_carry_no_weight_and_contributions_add_up() -> None:
    a = Factor("follower_sample", 70.0, "high", 400, {}, "")
    b = Factor("generic_comments", 50.0, "medium", 60, {}, "")
    c = Factor("engagement_pods", None, "none", 0, {}, "")
    result = combine([a, b, c])
    # effective weights 3*1.0 and 2*0.6: (3*70 + 1.2*50) / 4.2
    assert result.score == pytest.approx(64.2857, abs=1e-4)
    assert a.contribution == pytest.approx(21.4286, abs=1e-4)
    assert b.contribution == pytest.approx(14.2857, abs=1e-4)
    assert c.contribution == 0.0
    assert 100 - (a.contribution + b.contribution) == pytest.approx(result.score)
    assert result.coverage == pytest.approx(4.2 / 12)
    assert result.confidence == "medium"


def test_nothing_known_means_no_score() -> None:
    result = compute(QualityInputs("instagram", None))
    assert result.score is None and result.confidence == "none"
    assert [f.key for f in result.factors] == [
        "follower_sample",
        "engagement_vs_tier",
        "follower_spikes",
        "likes_to_comments",
        "generic_comments",
        "engagement_pods",
    ]


def test_small_samples_lower_overall_confidence() -> None:
    small = compute(QualityInputs("instagram", 50_000, sample=SampleSummary(20, 3)))
    big = compute(QualityInputs("instagram", 50_000, sample=SampleSummary(1_000, 150)))
    assert small.score == pytest.approx(big.score)  # same share, same point estimate
    assert small.confidence == "low"
    assert big.coverage > small.coverage
    assert not math.isnan(big.coverage)
