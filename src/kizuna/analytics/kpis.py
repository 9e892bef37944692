"""KPI arithmetic, kept pure so every number on a page can be checked by hand.

Definitions (also in docs/guide/campaigns.md; engagement-rate definitions differ across the market, so the
one used is named next to every value):

- engagements = likes + comments + shares + saves
- impressions = the platform's impressions; where a platform reports none, views, else reach (per post)
- ER (engagement rate) = engagements / reach ("per reach")
- CTR = clicks / impressions; CVR = conversions / clicks
- CPM = spend / impressions × 1000; CPE = spend / engagements; CPC = spend / clicks; CPA = spend / conversions
- ROAS = revenue / spend; ROI = (revenue − spend) / spend; revenue is net of refunds
- EMV = Σ count × value per type (impressions, views, likes, comments, shares, saves, clicks)

A ratio whose denominator is zero or unknown is ``None`` (shown as "—"), never 0 or infinity.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from kizuna.kit.money import minor_digits

ER_DEFINITION = "engagements (likes+comments+shares+saves) / reach"

#: Default value per engagement type in USD, the usual order of magnitude of EMV tables; campaigns override
#: them (``Campaign.emv_values``), and other currencies scale by a fixed rough factor until they do.
EMV_DEFAULTS_USD: dict[str, float] = {
    "impressions": 0.005,
    "views": 0.02,
    "likes": 0.10,
    "comments": 0.50,
    "shares": 1.00,
    "saves": 0.75,
    "clicks": 0.60,
}
_ROUGH_PER_USD = {
    "USD": 1.0,
    "JPY": 150.0,
    "EUR": 0.9,
    "GBP": 0.8,
    "TWD": 32.0,
    "KRW": 1350.0,
    "HKD": 7.8,
    "CNY": 7.2,
    "SGD": 1.35,
    "THB": 36.0,
    "AUD": 1.5,
}


def emv_values(currency: str, overrides: dict[str, Any] | None = None) -> dict[str, float]:
    """Value per engagement type in major units of ``currency`` (campaign overrides win)."""
    factor = _ROUGH_PER_USD.get(currency.upper(), 1.0)
    values = {k: v * factor for k, v in EMV_DEFAULTS_USD.items()}
    for key, value in (overrides or {}).items():
        if key in values:
            try:
                values[key] = float(value)
            except (TypeError, ValueError):
                continue
    return values


def ratio(numerator: float | int | None, denominator: float | int | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return float(numerator) / float(denominator)


@dataclass
class Totals:
    """Counts for one group (post, influencer, tier, platform, campaign); money in minor units."""

    currency: str = "JPY"
    posts: int = 0
    reach: int = 0
    impressions: int = 0
    views: int = 0
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    clicks: int = 0
    conversions: int = 0
    revenue_minor: int = 0
    spend_minor: int = 0
    emv_overrides: dict[str, Any] = field(default_factory=dict)

    _SUMMABLE = (
        "posts",
        "reach",
        "impressions",
        "views",
        "likes",
        "comments",
        "shares",
        "saves",
        "clicks",
        "conversions",
        "revenue_minor",
        "spend_minor",
    )

    def add(self, other: Totals) -> Totals:
        for name in self._SUMMABLE:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def engagements(self) -> int:
        return self.likes + self.comments + self.shares + self.saves

    def _major(self, minor: int) -> float:
        return float(minor) / float(10 ** minor_digits(self.currency))

    @property
    def revenue(self) -> float:
        return self._major(self.revenue_minor)

    @property
    def spend(self) -> float:
        return self._major(self.spend_minor)

    @property
    def er(self) -> float | None:
        return ratio(self.engagements, self.reach)

    @property
    def ctr(self) -> float | None:
        return ratio(self.clicks, self.impressions)

    @property
    def cvr(self) -> float | None:
        return ratio(self.conversions, self.clicks)

    @property
    def cpm(self) -> float | None:
        value = ratio(self.spend, self.impressions)
        return None if value is None else value * 1000

    @property
    def cpe(self) -> float | None:
        return ratio(self.spend, self.engagements)

    @property
    def cpc(self) -> float | None:
        return ratio(self.spend, self.clicks)

    @property
    def cpa(self) -> float | None:
        return ratio(self.spend, self.conversions)

    @property
    def roas(self) -> float | None:
        return ratio(self.revenue, self.spend)

    @property
    def roi(self) -> float | None:
        return ratio(self.revenue - self.spend, self.spend)

    @property
    def aov(self) -> float | None:
        return ratio(self.revenue, self.conversions)

    @property
    def emv(self) -> float:
        values = emv_values(self.currency, self.emv_overrides)
        return float(sum(getattr(self, key) * value for key, value in values.items()))

    def metric(self, name: str) -> float | None:
        """A KPI by its key (the keys used in campaign targets and reports)."""
        aliases = {"engagement": "engagements", "conversion": "conversions", "click": "clicks"}
        key = aliases.get(name, name)
        value = getattr(self, key, None)
        return None if value is None else float(value)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name != "emv_overrides"
        }
        for name in (
            "engagements",
            "revenue",
            "spend",
            "er",
            "ctr",
            "cvr",
            "cpm",
            "cpe",
            "cpc",
            "cpa",
            "roas",
            "roi",
            "aov",
            "emv",
        ):
            out[name] = getattr(self, name)
        out["er_definition"] = ER_DEFINITION
        return out


#: Columns of every KPI table (key, English label); the order of reports.
KPI_COLUMNS: tuple[tuple[str, str], ...] = (
    ("posts", "Posts"),
    ("reach", "Reach"),
    ("impressions", "Impressions"),
    ("views", "Views"),
    ("engagements", "Engagements"),
    ("er", "Engagement rate"),
    ("clicks", "Clicks"),
    ("ctr", "CTR"),
    ("conversions", "Conversions"),
    ("cvr", "Conversion rate"),
    ("revenue", "Revenue"),
    ("spend", "Spend"),
    ("cpm", "CPM"),
    ("cpe", "CPE"),
    ("cpc", "CPC"),
    ("cpa", "CPA"),
    ("roi", "ROI"),
    ("roas", "ROAS"),
    ("emv", "EMV"),
)
PERCENT_KEYS = frozenset({"er", "ctr", "cvr", "roi"})
MONEY_KEYS = frozenset({"revenue", "spend", "cpm", "cpe", "cpc", "cpa", "emv", "aov"})


def to_decimal(value: float | None, places: int = 4) -> Decimal | None:
    return None if value is None else round(Decimal(str(value)), places)
