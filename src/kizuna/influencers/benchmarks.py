"""Published engagement-rate benchmarks, shipped with the package (never read from ../shared at run time).

Each row is one line of ``data/benchmarks/engagement_rate_benchmarks.csv`` (the project's compiled facts),
keeping its source name, year, follower band, metric and definition so that every comparison the product shows
can cite where its number comes from. Only rows whose metric can be compared with an engagement rate Kizuna
computes are kept: ``engagement_rate`` ((likes+comments)/followers) and ``engagement_per_view``. Like-rate rows
(likes only) and the vendor "all tiers" averages are left out because comparing a likes+comments rate with them
would always read "above".

The domain tier table (source 000, the glossary article) also gives a typical range per global tier; it is
included as rows with ``csv_row = 0`` (not a line of the CSV) so one lookup covers both.
"""

from __future__ import annotations

from dataclasses import dataclass

PER_FOLLOWER = "engagement_rate"
PER_VIEW = "engagement_per_view"


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A published typical engagement rate (percent) for a platform and follower band ``[lo, hi)``."""

    csv_row: int
    source: str
    published: str
    platform: str  # "instagram", "tiktok", or "all"
    followers_lo: int
    followers_hi: int | None
    metric: str
    low_pct: float
    high_pct: float
    definition: str
    where_found: str

    def covers(self, followers: int) -> bool:
        return followers >= self.followers_lo and (self.followers_hi is None or followers < self.followers_hi)

    @property
    def is_range(self) -> bool:
        return self.high_pct > self.low_pct


_HYPE = "https://busycontinent.com/influencers-impacted-fraud-decreases-hypeauditor/"
_EMARKETER = "https://www.emarketer.com/content/smaller-creators-deliver-efficiency-roi-pressure-mounts"
_IQF = "https://iqfluence.io/public/blog/influencer-marketing-engagement-rate"
_STATISTA = "https://datasetsearch.research.google.com/search?query=average+engagement+rate+on+instagram+for+influencers"
_CAPTIV8 = (
    "https://content-na1.emarketer.com/exclusive-instagram-s-nano-influencers-outperform-as-do-tiktok-s-"
    "upper-echelon-of-creators"
)
_DOMAIN = "docs/domain.md tier table (source 000: influencer outreach glossary)"

#: Rows of engagement_rate_benchmarks.csv (``csv_row`` is the 1-based data row number) plus the domain table.
BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        8,
        "HypeAuditor State of Influencer Marketing 2023 (via busycontinent.com)",
        "2023",
        "instagram",
        1_000,
        10_000,
        PER_FOLLOWER,
        2.78,
        2.78,
        "secondary report of HypeAuditor figure",
        _HYPE,
    ),
    Benchmark(
        9,
        "HypeAuditor State of Influencer Marketing 2023 (via busycontinent.com)",
        "2023",
        "tiktok",
        1_000,
        10_000,
        PER_FOLLOWER,
        12.6,
        12.6,
        "secondary report of HypeAuditor figure",
        _HYPE,
    ),
    Benchmark(
        10,
        "Statista (summary text in Google Dataset Search)",
        "2023",
        "instagram",
        1_000,
        10_000,
        PER_FOLLOWER,
        2.19,
        2.19,
        "highest tier; lowest = mid-tier 50k-500k",
        _STATISTA,
    ),
    Benchmark(
        16,
        "HypeAuditor State of Influencer Marketing 2026 (via eMarketer)",
        "2026",
        "instagram",
        1_000,
        10_000,
        PER_FOLLOWER,
        1.78,
        1.78,
        "much lower than earlier reports",
        _EMARKETER,
    ),
    Benchmark(
        17,
        "HypeAuditor State of Influencer Marketing 2026 (via eMarketer)",
        "2026",
        "instagram",
        10_000,
        50_000,
        PER_FOLLOWER,
        0.54,
        0.54,
        "",
        _EMARKETER,
    ),
    Benchmark(
        18,
        "HypeAuditor State of Influencer Marketing 2026 (via eMarketer)",
        "2026",
        "instagram",
        1_000_000,
        None,
        PER_FOLLOWER,
        0.33,
        0.33,
        "creator mix: 81.5% nano, 14.4% micro, 0.1% >1M",
        _EMARKETER,
    ),
    Benchmark(
        20,
        "Captiv8 (via eMarketer)",
        "2023",
        "tiktok",
        1_500_000,
        None,
        PER_VIEW,
        4.95,
        4.95,
        "engagements/video views",
        _CAPTIV8,
    ),
    Benchmark(
        21, "IQFluence blog", "2025", "instagram", 0, 100_000, PER_FOLLOWER, 3.65, 3.65, "vendor blog", _IQF
    ),
    Benchmark(
        22, "IQFluence blog", "2025", "tiktok", 0, 100_000, PER_FOLLOWER, 7.5, 7.5, "vendor blog", _IQF
    ),
    Benchmark(
        23,
        "IQFluence blog",
        "2025",
        "instagram",
        10_000_000,
        None,
        PER_FOLLOWER,
        1.77,
        1.77,
        "vendor blog",
        _IQF,
    ),
    Benchmark(
        24,
        "IQFluence blog",
        "2025",
        "tiktok",
        10_000_000,
        None,
        PER_FOLLOWER,
        2.88,
        2.88,
        "vendor blog",
        _IQF,
    ),
    Benchmark(
        0, _DOMAIN, "2024", "all", 1_000, 10_000, PER_FOLLOWER, 7.0, 9.0, "nano: typical 7-9%", "domain.md"
    ),
    Benchmark(
        0, _DOMAIN, "2024", "all", 10_000, 100_000, PER_FOLLOWER, 3.0, 7.0, "micro: typical 3-7%", "domain.md"
    ),
    Benchmark(
        0, _DOMAIN, "2024", "all", 100_000, 500_000, PER_FOLLOWER, 2.0, 5.0, "mid-tier: 2-5%", "domain.md"
    ),
    Benchmark(
        0, _DOMAIN, "2024", "all", 500_000, 1_000_000, PER_FOLLOWER, 1.0, 3.0, "macro: 1-3%", "domain.md"
    ),
    Benchmark(0, _DOMAIN, "2024", "all", 1_000_000, None, PER_FOLLOWER, 1.0, 2.0, "mega: 1-2%", "domain.md"),
)

#: A point benchmark (one published number) counts as "typical" within this relative distance of it.
POINT_TOLERANCE = 0.25


def candidates(platform: str, followers: int, metric: str) -> list[Benchmark]:
    """Every benchmark that applies, best first: platform-specific before generic, then the narrowest follower
    band (the most specific figure for this account's size), then the newest."""
    found = [
        b
        for b in BENCHMARKS
        if b.metric == metric and b.platform in (platform, "all") and b.covers(followers)
    ]
    return sorted(found, key=lambda b: (b.platform == "all", _width(b), -int(b.published[:4]), b.csv_row))


def _width(b: Benchmark) -> int:
    return (b.followers_hi if b.followers_hi is not None else max(b.followers_lo, 1) * 100) - b.followers_lo


def definition_basis(definition: str | None) -> str | None:
    """``"follower"``, ``"view"`` or ``None`` (unknown) for a stored engagement-rate definition."""
    if not definition:
        return None
    d = definition.lower()
    if d.startswith("follower:") or "/followers" in d.replace(" ", ""):
        return "follower"
    if d.startswith("view:") or "/views" in d.replace(" ", ""):
        return "view"
    return None
