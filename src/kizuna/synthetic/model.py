"""Plain-data shapes of synthetic influencers: what :func:`kizuna.synthetic.generate` yields.

They mirror the registry tables (influencers, social_accounts, posts, metric_snapshots, audience_profiles,
managers) so that writers stay thin, plus a :class:`GroundTruth` that no real data source has: which creators
were generated as suspicious and why. Audience-quality and compliance work evaluates against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class SyntheticManager:
    """A talent manager or agency; ``key`` is stable so that several influencers share one row."""

    key: str
    name: str
    company: str
    emails: list[str]
    phone: str
    country: str


@dataclass(slots=True)
class SyntheticAudience:
    """Shares are fractions (0-1) that sum to about 1 per mapping, like :class:`kizuna.models.AudienceProfile`."""

    age_bands: dict[str, float]
    gender: dict[str, float]
    countries: dict[str, float]
    cities: dict[str, float]
    languages: dict[str, float]
    source: str
    sample_size: int
    as_of: datetime


@dataclass(slots=True)
class SyntheticSnapshot:
    captured_at: datetime
    followers: int
    following: int | None
    posts_count: int


@dataclass(slots=True)
class SyntheticPost:
    """One post. ``is_sponsored`` is what the caption shows (a PR/#ad label, even a buried one);
    ``sponsored`` and ``disclosure`` are the ground truth (``clear``, ``buried``, ``ambiguous``, ``none``)."""

    platform_post_id: str
    url: str
    caption: str
    hashtags: list[str]
    mentions: list[str]
    published_at: datetime
    post_type: str
    likes: int | None
    comments: int | None
    shares: int | None
    saves: int | None
    views: int | None
    reach: int | None
    is_sponsored: bool
    sponsored: bool
    disclosure: str | None
    viral: bool
    sample_comments: list[str]


@dataclass(slots=True)
class SyntheticAccount:
    """One social account. ``engagement_rate`` is a fraction defined by ``engagement_definition`` (the
    :mod:`kizuna.influencers.metrics` key ``follower:average_counts``); ``avg_likes``/``avg_comments`` equal the
    means over ``posts`` whenever posts were generated. ``tier`` is the global-scheme tier of this account alone."""

    platform: str
    handle: str
    handle_key: str
    url: str
    external_id: str
    followers: int
    following: int | None
    posts_count: int
    verified: bool
    account_created_at: datetime
    avg_likes: float
    avg_comments: float
    avg_views: float | None
    engagement_rate: float
    engagement_definition: str
    posts_per_week: float
    follower_growth_30d: float
    tier: str | None
    audience: SyntheticAudience | None = None
    snapshots: list[SyntheticSnapshot] = field(default_factory=list)
    posts: list[SyntheticPost] = field(default_factory=list)


@dataclass(slots=True)
class GroundTruth:
    """What the generator decided, for evaluating detectors; never written to the product tables.

    ``follower_spike`` is an unexplained jump (bought followers); ``viral_spike`` a jump that follows a viral
    post. ``fake_follower_share`` is the fraction of followers that are not real people.
    """

    suspicious: bool
    fake_follower_share: float
    follower_spike: bool
    viral_spike: bool
    celebrity: bool


@dataclass(slots=True)
class SyntheticInfluencer:
    """A creator with 1-3 accounts (largest first). ``max_followers``, ``followers_total``, ``tier`` (global
    scheme, ``celebrity`` for the few flagged ones) and ``engagement_rate`` (of the largest account) are the
    denormalised influencer columns; ``key`` (``syn-<seed>-<index>``) is stable across runs."""

    index: int
    key: str
    display_name: str
    kind: str
    bio: str
    emails: list[str]
    languages: list[str]
    country: str
    city: str
    timezone: str
    categories: list[str]
    primary_category: str
    gender: str
    manager: SyntheticManager | None
    accounts: list[SyntheticAccount]
    tier: str | None
    max_followers: int
    followers_total: int
    engagement_rate: float
    truth: GroundTruth
    tags: list[str] = field(default_factory=list)

    @property
    def primary_account(self) -> SyntheticAccount:
        """The account with the most followers (the first one; accounts are generated largest first)."""
        return self.accounts[0]

    @property
    def contact_email(self) -> str | None:
        """Where outreach would go: the creator's own address, else their manager's."""
        if self.emails:
            return self.emails[0]
        if self.manager is not None and self.manager.emails:
            return self.manager.emails[0]
        return None
