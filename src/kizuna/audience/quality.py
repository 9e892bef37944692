"""The Audience Quality Score (0-100) of one social account: six explainable factors, each with its confidence.

Pure functions over plain data (no database): :mod:`kizuna.audience.quality_service` loads the inputs and stores
the result. Every factor returns a score 0-100 (100 = nothing suspicious), the data it was computed from, the
sample size and a confidence level. Factors without data are reported as such and left out.

How the factors combine (docs/guide/audience-quality.md has worked examples)::

    effective weight  w_i' = weight_i * confidence_i        (high 1.0, medium 0.6, low 0.3)
    score             S    = sum(w_i' * s_i) / sum(w_i')
    contribution      c_i  = w_i' * (100 - s_i) / sum(w_i')  (points the factor took off; 100 - sum(c_i) == S)

A factor measured on 12 comments therefore moves the score less than the same factor on 400. The overall
confidence is the share of the total possible weight that was actually measured (``coverage``), in levels.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from kizuna.audience.comments import BOT_LIKE
from kizuna.audience.scoring import wilson_interval
from kizuna.influencers.benchmarks import POINT_TOLERANCE, Benchmark
from kizuna.influencers.tiers import compare_engagement

METHOD_VERSION = "aqs-1"
CONFIDENCE_VALUE = {"high": 1.0, "medium": 0.6, "low": 0.3}

#: Relative weight of each factor before confidence (the follower sample is the most direct evidence).
WEIGHTS = {
    "follower_sample": 3.0,
    "engagement_vs_tier": 2.0,
    "follower_spikes": 2.0,
    "likes_to_comments": 1.0,
    "generic_comments": 2.0,
    "engagement_pods": 2.0,
}
FACTOR_ORDER = tuple(WEIGHTS)

#: The usual buyer's bar: more than ~25% suspicious followers is a "no" (docs/domain.md); 50% scores 0.
SUSPICIOUS_ZERO_AT = 0.5
#: A post counts as viral when its engagement is at least this multiple of the account's median.
VIRAL_MULTIPLE = 3.0
#: A viral post explains a follower jump published up to this long before the jump's window.
VIRAL_LEAD = timedelta(days=3)
#: Likes per comment: above the first number the ratio starts costing points, above the second it scores 0.
LIKES_PER_COMMENT_OK = 150.0
LIKES_PER_COMMENT_ZERO = 600.0
#: Fewer likes than this per comment looks like bought or pod comments.
LIKES_PER_COMMENT_LOW = 5.0
#: A share of generic comments up to the first number is normal; the second scores 0.
GENERIC_OK = 0.40
GENERIC_ZERO = 0.90
#: Pods: accounts commenting within this window of each other on the same post ...
POD_WINDOW = timedelta(minutes=10)
#: ... on at least this many posts, in a group of at least POD_MIN_MEMBERS.
POD_MIN_POSTS = 3
POD_MIN_MEMBERS = 3


@dataclass(frozen=True, slots=True)
class SampleSummary:
    """A scored follower sample (from :func:`kizuna.audience.scoring.score_accounts`)."""

    rows: int
    suspicious: int
    model_version: str = ""

    @property
    def share(self) -> float:
        return self.suspicious / self.rows if self.rows else 0.0


@dataclass(frozen=True, slots=True)
class PostPoint:
    published_at: datetime | None
    likes: int | None
    comments: int | None
    views: int | None = None


@dataclass(frozen=True, slots=True)
class CommentPoint:
    post_key: str
    author: str | None
    commented_at: datetime | None
    label: str


@dataclass(frozen=True, slots=True)
class QualityInputs:
    """Everything the score looks at for one account."""

    platform: str
    followers: int | None
    engagement_rate: float | None = None
    engagement_definition: str | None = None
    sample: SampleSummary | None = None
    snapshots: Sequence[tuple[datetime, int | None]] = ()
    posts: Sequence[PostPoint] = ()
    comments: Sequence[CommentPoint] = ()


@dataclass(slots=True)
class Factor:
    """One factor's verdict. ``score`` is ``None`` when there was no data (then it carries no weight)."""

    key: str
    score: float | None
    confidence: str
    sample_size: int
    data: dict[str, Any]
    note: str
    weight: float = 0.0
    effective_weight: float = 0.0
    contribution: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "score": None if self.score is None else round(self.score, 2),
            "confidence": self.confidence,
            "sample_size": self.sample_size,
            "weight": self.weight,
            "effective_weight": round(self.effective_weight, 4),
            "contribution": round(self.contribution, 2),
            "data": self.data,
            "note": self.note,
        }


@dataclass(slots=True)
class QualityResult:
    score: float | None
    confidence: str
    coverage: float
    factors: list[Factor] = field(default_factory=list)
    method_version: str = METHOD_VERSION

    def factor(self, key: str) -> Factor:
        for f in self.factors:
            if f.key == key:
                return f
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": None if self.score is None else round(self.score, 1),
            "confidence": self.confidence,
            "coverage": round(self.coverage, 4),
            "method_version": self.method_version,
            "factors": [f.to_dict() for f in self.factors],
        }


def _clamp(x: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return max(lo, min(hi, x))


def _missing(key: str, note: str) -> Factor:
    return Factor(key, None, "none", 0, {}, note)


# --------------------------------------------------------------------------------------------- the factors
def follower_sample_factor(sample: SampleSummary | None) -> Factor:
    """Share of suspicious accounts in an uploaded follower sample: 0% → 100, 25% → 50, 50%+ → 0.

    Confidence follows the width of the Wilson 95% interval: under 0.10 high, under 0.20 medium, else low
    (about n >= 300 and n >= 80 near a 20% share).
    """
    key = "follower_sample"
    if sample is None or sample.rows == 0:
        return _missing(key, "no follower sample uploaded")
    lo, hi = wilson_interval(sample.suspicious, sample.rows)
    width = hi - lo
    confidence = "high" if width < 0.10 else "medium" if width < 0.20 else "low"
    score = _clamp(100.0 * (1.0 - sample.share / SUSPICIOUS_ZERO_AT))
    return Factor(
        key,
        score,
        confidence,
        sample.rows,
        {
            "rows": sample.rows,
            "suspicious": sample.suspicious,
            "share": round(sample.share, 4),
            "ci_low": round(lo, 4),
            "ci_high": round(hi, 4),
            "model_version": sample.model_version,
            "over_usual_bar": sample.share > 0.25,
        },
        "share of sampled followers the model flags as suspicious",
    )


def _posts_in_definition(definition: str) -> int | None:
    # "follower:median_last_12_posts" -> 12
    if "median_last_" in definition:
        try:
            return int(definition.split("median_last_", 1)[1].split("_", 1)[0])
        except ValueError:
            return None
    return None


def _typical_range(b: Benchmark) -> tuple[float, float]:
    if b.is_range:
        return b.low_pct / 100, b.high_pct / 100
    return b.low_pct / 100 * (1 - POINT_TOLERANCE), b.high_pct / 100 * (1 + POINT_TOLERANCE)


def engagement_factor(inputs: QualityInputs) -> Factor:
    """Engagement rate against every published benchmark for the platform and follower band.

    Published benchmarks disagree by up to 10x (HypeAuditor 2026 puts Instagram 10K-100K at about 0.5%, the
    glossary's tier table at 3-7%), so the factor only flags what *all* applicable sources agree on: "too low"
    is below the lowest typical bottom, "implausibly high" is above twice the highest typical top. Below, the
    score is the rate as a share of that bottom (half → 50); above twice the top it falls by 50 points per
    extra multiple of the top (3x → 50, 4x → 0): engagement that high is usually bought or pod-driven.
    Confidence comes from the number of posts behind the rate, one level lower when only a generic
    (all-platforms) benchmark exists.
    """
    key = "engagement_vs_tier"
    er, definition = inputs.engagement_rate, inputs.engagement_definition
    cmp = compare_engagement(er, inputs.followers, inputs.platform, definition)
    if cmp is None or er is None or definition is None:
        return _missing(key, "no engagement rate with a known definition, or no benchmark for this band")
    ranges = [_typical_range(b) for b in (cmp.benchmark, *cmp.others)]
    low = min(lo for lo, _ in ranges)
    high = max(hi for _, hi in ranges)
    if er < low:
        score = _clamp(100.0 * er / low) if low > 0 else 100.0
        verdict = "below"
    elif er <= 2.0 * high:
        score = 100.0
        verdict = "typical" if er <= high else "above"
    else:
        score = _clamp(100.0 - 50.0 * (er / high - 2.0))
        verdict = "implausibly_high"
    n_posts = _posts_in_definition(definition)
    levels = ("low", "medium", "high")
    level = 1 if n_posts is None else 2 if n_posts >= 10 else 1 if n_posts >= 5 else 0
    if cmp.benchmark.platform == "all":
        level = max(0, level - 1)
    return Factor(
        key,
        score,
        levels[level],
        n_posts or 0,
        {
            "engagement_rate": round(er, 6),
            "definition": definition,
            "typical_low": round(low, 6),
            "typical_high": round(high, 6),
            "verdict": verdict,
            "benchmark_source": "; ".join(
                dict.fromkeys(f"{b.source} ({b.published})" for b in (cmp.benchmark, *cmp.others))
            ),
        },
        "engagement rate compared with the published benchmarks for this follower band",
    )


def _engagement(p: PostPoint) -> int | None:
    if p.likes is None and p.comments is None:
        return None
    return (p.likes or 0) + (p.comments or 0)


def follower_spikes_factor(inputs: QualityInputs) -> Factor:
    """Jumps in the follower history that no viral post explains.

    Growth between consecutive snapshots ``g`` is compared with the account's usual growth (median ``m``,
    spread ``MAD``): a jump is ``g > m + max(0.05, 5 * 1.4826 * MAD)``. It is explained when a post published
    between three days before the interval and its end got at least 3x the median post engagement. Each
    unexplained jump costs ``200 * (g - m)`` points (a 25% jump on a flat account costs 50).
    """
    key = "follower_spikes"
    points = sorted((t, f) for t, f in inputs.snapshots if f is not None and f > 0)
    if len(points) < 3:
        return _missing(key, "fewer than 3 follower snapshots")
    growth = [
        (points[i - 1][0], points[i][0], points[i][1] / points[i - 1][1] - 1.0) for i in range(1, len(points))
    ]
    rates = [g for _, _, g in growth]
    med = statistics.median(rates)
    mad = statistics.median(abs(g - med) for g in rates)
    threshold = med + max(0.05, 5.0 * 1.4826 * mad)
    engagements = [(p.published_at, e) for p in inputs.posts if (e := _engagement(p)) is not None]
    med_eng = statistics.median(e for _, e in engagements) if engagements else None
    jumps: list[dict[str, Any]] = []
    penalty = 0.0
    for start, end, g in growth:
        if g <= threshold:
            continue
        viral = None
        if med_eng:
            for published, e in engagements:
                if (
                    published is not None
                    and start - VIRAL_LEAD <= published <= end
                    and e >= VIRAL_MULTIPLE * med_eng
                ):
                    viral = {
                        "published_at": published.isoformat(),
                        "engagement": e,
                        "times_median": round(e / med_eng, 1),
                    }
                    break
        if viral is None:
            penalty += 200.0 * (g - med)
        jumps.append(
            {"from": start.isoformat(), "to": end.isoformat(), "growth": round(g, 4), "explained_by": viral}
        )
    unexplained = sum(1 for j in jumps if j["explained_by"] is None)
    n = len(points)
    confidence = "high" if n >= 12 and engagements else "medium" if n >= 6 else "low"
    return Factor(
        key,
        _clamp(100.0 - penalty),
        confidence,
        n,
        {
            "snapshots": n,
            "usual_growth": round(med, 4),
            "jump_threshold": round(threshold, 4),
            "jumps": jumps,
            "unexplained": unexplained,
            "posts_checked": len(engagements),
        },
        "follower jumps between snapshots not explained by a viral post",
    )


def likes_to_comments_factor(inputs: QualityInputs) -> Factor:
    """Likes per comment over posts with both counts public (hidden likes are left out, not zero).

    Up to 150 likes per comment is normal; above it the score falls with the logarithm of the ratio and reaches
    0 at 600 (likes without conversation: bought likes). Under 5 likes per comment the score is ``100 * r / 5``
    (comments without likes: bought comments or a pod).
    """
    key = "likes_to_comments"
    usable = [p for p in inputs.posts if p.likes is not None and p.comments is not None and p.likes > 0]
    likes = sum(p.likes or 0 for p in usable)
    comments = sum(p.comments or 0 for p in usable)
    if not usable:
        return _missing(key, "no posts with public like and comment counts")
    if comments == 0:
        ratio = math.inf
        score = 0.0 if likes >= LIKES_PER_COMMENT_ZERO else 100.0
    else:
        ratio = likes / comments
        if ratio < LIKES_PER_COMMENT_LOW:
            score = 100.0 * ratio / LIKES_PER_COMMENT_LOW
        elif ratio <= LIKES_PER_COMMENT_OK:
            score = 100.0
        else:
            score = _clamp(
                100.0
                * (
                    1.0
                    - math.log(ratio / LIKES_PER_COMMENT_OK)
                    / math.log(LIKES_PER_COMMENT_ZERO / LIKES_PER_COMMENT_OK)
                )
            )
    n = len(usable)
    confidence = "high" if n >= 10 and comments >= 50 else "medium" if n >= 4 and comments >= 10 else "low"
    hidden = sum(1 for p in inputs.posts if p.likes is None and p.comments is not None)
    return Factor(
        key,
        score,
        confidence,
        n,
        {
            "posts": n,
            "likes": likes,
            "comments": comments,
            "likes_per_comment": None if math.isinf(ratio) else round(ratio, 2),
            "posts_with_hidden_likes": hidden,
        },
        "likes per comment on recent posts",
    )


def generic_comments_factor(inputs: QualityInputs) -> Factor:
    """Share of generic, emoji-only and promo comments: up to 40% is normal, 90% scores 0 (linear between).

    Real audiences leave plenty of "かわいい" and "🔥": a third of stock comments is ordinary, which is why the
    factor starts costing points only above 40%.

    Confidence from the sample size: 100+ comments high, 30+ medium, fewer low. The Wilson interval of the share
    is reported with it.
    """
    key = "generic_comments"
    n = len(inputs.comments)
    if n == 0:
        return _missing(key, "no comment sample")
    bot = sum(1 for c in inputs.comments if c.label in BOT_LIKE)
    share = bot / n
    lo, hi = wilson_interval(bot, n)
    score = _clamp(100.0 * (GENERIC_ZERO - share) / (GENERIC_ZERO - GENERIC_OK))
    by_label: dict[str, int] = defaultdict(int)
    for c in inputs.comments:
        by_label[c.label] += 1
    confidence = "high" if n >= 100 else "medium" if n >= 30 else "low"
    return Factor(
        key,
        score,
        confidence,
        n,
        {
            "comments": n,
            "bot_like": bot,
            "share": round(share, 4),
            "ci_low": round(lo, 4),
            "ci_high": round(hi, 4),
            "by_label": dict(sorted(by_label.items())),
        },
        "share of comments that are generic, emoji-only or promotional",
    )


@dataclass(frozen=True, slots=True)
class Pod:
    members: tuple[str, ...]
    posts: int


def detect_pods(
    comments: Sequence[CommentPoint],
    *,
    window: timedelta = POD_WINDOW,
    min_posts: int = POD_MIN_POSTS,
    min_members: int = POD_MIN_MEMBERS,
) -> list[Pod]:
    """Groups of accounts that comment within ``window`` of each other on at least ``min_posts`` posts.

    Per post, each pair of authors whose comments are within ``window`` is counted once; pairs counted on at
    least ``min_posts`` posts are edges, and connected groups of at least ``min_members`` authors are pods.
    Quadratic per post in the commenters of that post, which a comment sample (tens per post) keeps small.
    """
    by_post: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for c in comments:
        if c.author and c.commented_at is not None:
            by_post[c.post_key].append((c.commented_at, c.author.lower()))
    pair_posts: dict[tuple[str, str], int] = defaultdict(int)
    for items in by_post.values():
        first: dict[str, datetime] = {}
        for t, a in sorted(items):
            first.setdefault(a, t)
        ordered = sorted((t, a) for a, t in first.items())
        seen: set[tuple[str, str]] = set()
        for i, (ti, ai) in enumerate(ordered):
            for tj, aj in ordered[i + 1 :]:
                if tj - ti > window:
                    break
                pair = (ai, aj) if ai < aj else (aj, ai)
                if pair not in seen:
                    seen.add(pair)
                    pair_posts[pair] += 1
    adjacency: dict[str, set[str]] = defaultdict(set)
    edge_posts: dict[str, int] = defaultdict(int)
    for (a, b), count in pair_posts.items():
        if count >= min_posts:
            adjacency[a].add(b)
            adjacency[b].add(a)
            edge_posts[a] = max(edge_posts[a], count)
            edge_posts[b] = max(edge_posts[b], count)
    pods: list[Pod] = []
    done: set[str] = set()
    for start in sorted(adjacency):
        if start in done:
            continue
        stack, group = [start], set()
        while stack:
            node = stack.pop()
            if node in group:
                continue
            group.add(node)
            stack.extend(adjacency[node] - group)
        done |= group
        if len(group) >= min_members:
            pods.append(Pod(tuple(sorted(group)), max(edge_posts[m] for m in group)))
    return pods


def engagement_pods_factor(inputs: QualityInputs) -> Factor:
    """Share of timed comments written by pod members: each 1% costs 2 points (25% → 50, 50%+ → 0).

    Needs comments with an author and a time on at least 3 posts; confidence high from 8 posts, medium from 4.
    """
    key = "engagement_pods"
    timed = [c for c in inputs.comments if c.author and c.commented_at is not None]
    posts = {c.post_key for c in timed}
    if len(posts) < POD_MIN_POSTS:
        return _missing(key, "comments with author and time on fewer than 3 posts")
    pods = detect_pods(timed)
    members = {m for pod in pods for m in pod.members}
    by_members = sum(1 for c in timed if (c.author or "").lower() in members)
    share = by_members / len(timed)
    n = len(posts)
    confidence = "high" if n >= 8 else "medium" if n >= 4 else "low"
    return Factor(
        key,
        _clamp(100.0 - 200.0 * share),
        confidence,
        n,
        {
            "posts": n,
            "timed_comments": len(timed),
            "pods": [{"members": list(p.members), "posts": p.posts} for p in pods],
            "pod_comment_share": round(share, 4),
            "window_minutes": int(POD_WINDOW.total_seconds() // 60),
        },
        "the same accounts commenting within minutes of each other across posts",
    )


# ------------------------------------------------------------------------------------------------ combined
def combine(factors: list[Factor]) -> QualityResult:
    """Weighted mean of the factors that have data, weights scaled by confidence (see the module docstring)."""
    total_possible = sum(WEIGHTS.values())
    for f in factors:
        f.weight = WEIGHTS[f.key]
        f.effective_weight = f.weight * CONFIDENCE_VALUE[f.confidence] if f.score is not None else 0.0
    total = sum(f.effective_weight for f in factors)
    if total == 0:
        return QualityResult(None, "none", 0.0, factors)
    score = sum(f.effective_weight * (f.score or 0.0) for f in factors) / total
    for f in factors:
        f.contribution = (
            f.effective_weight * (100.0 - (f.score or 0.0)) / total if f.score is not None else 0.0
        )
    coverage = total / total_possible
    confidence = "high" if coverage >= 0.6 else "medium" if coverage >= 0.35 else "low"
    return QualityResult(score, confidence, coverage, factors)


def compute(inputs: QualityInputs) -> QualityResult:
    """All six factors for one account, combined."""
    return combine(
        [
            follower_sample_factor(inputs.sample),
            engagement_factor(inputs),
            follower_spikes_factor(inputs),
            likes_to_comments_factor(inputs),
            generic_comments_factor(inputs),
            engagement_pods_factor(inputs),
        ]
    )
