"""Rate guidance: a suggested fee range per deliverable, with the reasoning that produced it.

Three independent estimates, each shown to the user:

1. **Tier cost range** — the typical cost per post of the creator's follower tier (docs/domain.md, global
   scheme, USD), scaled by a format factor (a story costs less than a dedicated video).
2. **Expected reach × CPM** and **expected engagements × CPE** — reach from followers (or average views for
   video) times a per-format reach rate; engagements from the engagement rate; priced with benchmark CPM/CPE
   ranges.
3. **The workspace's own history** — once at least :data:`MIN_HISTORY` accepted deals exist for the same
   platform, format and tier in the same currency, their interquartile range becomes the suggestion, because
   what this brand actually pays beats any benchmark.

Without enough history the suggestion is the median of the available lows and highs. USD benchmarks are
converted with reference rates that a workspace can override (``settings["fx_per_usd"]``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.deals.terms import Deliverable, Terms
from kizuna.influencers.tiers import GLOBAL_TIERS, tier_for
from kizuna.kit.money import from_minor, minor_digits, to_minor
from kizuna.models.deal import Deal
from kizuna.models.deal_offer import DealOffer
from kizuna.models.influencer import Influencer
from kizuna.models.social_account import SocialAccount
from kizuna.models.workspace import Workspace

MIN_HISTORY = 5
# Reference rates (units of currency per 1 USD); approximate, for guidance only.
FX_PER_USD: dict[str, float] = {
    "USD": 1.0,
    "JPY": 150.0,
    "EUR": 0.92,
    "GBP": 0.79,
    "TWD": 32.0,
    "KRW": 1350.0,
    "HKD": 7.8,
    "CNY": 7.2,
    "SGD": 1.34,
    "THB": 36.0,
    "AUD": 1.5,
}
# Price of one unit of a format relative to one feed post (a dedicated video takes days to make).
FORMAT_FACTOR = {"feed": 1.0, "reel": 1.2, "story": 0.4, "video": 2.0, "short": 1.0, "blog": 1.2, "live": 1.5}
# Share of followers a unit typically reaches.
REACH_RATE = {
    "feed": 0.20,
    "reel": 0.30,
    "story": 0.08,
    "video": 0.15,
    "short": 0.25,
    "blog": 0.05,
    "live": 0.03,
}
CPM_USD = (5.0, 15.0)
CPE_USD = (0.05, 0.30)


@dataclass
class Reason:
    """One line of reasoning: an English source message (translated at the edge) with its parameters."""

    key: str
    message: str
    params: dict[str, Any]
    low_minor: int | None = None
    high_minor: int | None = None


@dataclass
class Guidance:
    deliverable: Deliverable
    currency: str
    low_minor: int | None
    high_minor: int | None
    basis: str
    reasons: list[Reason] = field(default_factory=list)
    account: SocialAccount | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "platform": self.deliverable.platform,
            "format": self.deliverable.format,
            "count": self.deliverable.count,
            "currency": self.currency,
            "low_minor": self.low_minor,
            "high_minor": self.high_minor,
            "per_unit": True,
            "basis": self.basis,
            "reasons": [
                {
                    "key": r.key,
                    "message": r.message % r.params if r.params else r.message,
                    "low_minor": r.low_minor,
                    "high_minor": r.high_minor,
                }
                for r in self.reasons
            ],
        }


def _fx(workspace: Workspace | None, currency: str) -> float:
    custom = (workspace.settings or {}).get("fx_per_usd", {}) if workspace is not None else {}
    if isinstance(custom, dict) and isinstance(custom.get(currency), int | float):
        return float(custom[currency])
    return FX_PER_USD.get(currency, 1.0)


def _nice(minor: int, currency: str) -> int:
    """Round to a figure a person would offer (¥1,000 steps; $10 steps)."""
    major = float(from_minor(minor, currency))
    step = 1000.0 if minor_digits(currency) == 0 and currency in ("JPY", "KRW") else 10.0
    if currency == "KRW":
        step = 10000.0
    rounded = max(step, round(major / step) * step)
    return to_minor(rounded, currency)


def _usd_to_minor(usd: float, workspace: Workspace | None, currency: str) -> int:
    return _nice(to_minor(round(usd * _fx(workspace, currency), 2), currency), currency)


def _er_fraction(value: float | None) -> float | None:
    if value is None or value <= 0:
        return None
    return value / 100.0 if value > 1 else value


def account_for(session: Session, influencer_id: int, platform: str) -> SocialAccount | None:
    accounts = list(
        session.execute(select(SocialAccount).where(SocialAccount.influencer_id == influencer_id)).scalars()
    )
    same = [a for a in accounts if a.platform.lower() == platform.lower()]
    pool = same or accounts
    return max(pool, key=lambda a: a.followers or 0) if pool else None


def history(
    session: Session, *, platform: str, fmt: str, tier: str | None, currency: str, exclude_deal: int | None
) -> list[int]:
    """Per-unit fees of accepted offers in this workspace for the same platform, format, tier and currency.

    Two queries whatever the number of deals: the accepted offers, then the accounts of their creators.
    """
    q = (
        select(DealOffer, Deal)
        .join(Deal, Deal.id == DealOffer.deal_id)
        .where(DealOffer.status == "accepted", DealOffer.currency == currency)
    )
    pairs = [(o, d) for o, d in session.execute(q).all() if exclude_deal is None or d.id != exclude_deal]
    if not pairs:
        return []
    followers: dict[int, int | None] = {}
    accounts = session.execute(
        select(SocialAccount).where(SocialAccount.influencer_id.in_({d.influencer_id for _o, d in pairs}))
    ).scalars()
    best: dict[int, SocialAccount] = {}
    for acct in accounts:
        same = acct.platform.lower() == platform.lower()
        current = best.get(acct.influencer_id)
        current_same = current is not None and current.platform.lower() == platform.lower()
        if (
            current is None
            or (same and not current_same)
            or (same == current_same and (acct.followers or 0) > (current.followers or 0))
        ):
            best[acct.influencer_id] = acct
    for influencer_id, acct in best.items():
        followers[influencer_id] = acct.followers
    fees: list[int] = []
    for offer, deal in pairs:
        if tier_for(followers.get(deal.influencer_id), "global") != tier:
            continue
        terms = Terms.model_validate(offer.terms)
        unit_fees = {index: fee for index, _seq, fee in terms.unit_fees()}
        for index, d in enumerate(terms.deliverables):
            if d.platform == platform and d.format == fmt and unit_fees.get(index):
                fees.append(unit_fees[index])
    return fees


def _quartiles(values: list[int]) -> tuple[int, int, int]:
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=4, method="inclusive")
    return int(q[0]), int(statistics.median(ordered)), int(q[2])


def guide(
    session: Session,
    *,
    influencer: Influencer,
    deliverable: Deliverable,
    currency: str,
    workspace: Workspace | None,
    exclude_deal: int | None = None,
) -> Guidance:
    acct = account_for(session, influencer.id, deliverable.platform)
    followers = acct.followers if acct is not None else influencer.max_followers
    tier = tier_for(followers, "global")
    factor = FORMAT_FACTOR[deliverable.format]
    reasons: list[Reason] = []
    lows: list[int] = []
    highs: list[int] = []
    if followers is None:
        reasons.append(
            Reason(
                "no_followers",
                "No follower count is known for this creator on %(platform)s.",
                {"platform": deliverable.platform},
            )
        )
    tier_row = next((t for t in GLOBAL_TIERS if t.key == tier), None)
    if tier_row is not None and tier_row.cost_low_usd is not None:
        lo_usd = tier_row.cost_low_usd * factor
        hi_usd = (
            tier_row.cost_high_usd if tier_row.cost_high_usd is not None else tier_row.cost_low_usd * 2
        ) * factor
        lo, hi = _usd_to_minor(lo_usd, workspace, currency), _usd_to_minor(hi_usd, workspace, currency)
        lows.append(lo)
        highs.append(hi)
        reasons.append(
            Reason(
                "tier",
                "%(tier)s tier (%(followers)s followers): typical cost per post $%(lo)s–$%(hi)s, × %(factor)s for a %(format)s.",
                {
                    "tier": tier_row.label,
                    "followers": f"{followers:,}",
                    "lo": f"{tier_row.cost_low_usd:,}",
                    "hi": f"{tier_row.cost_high_usd:,}"
                    if tier_row.cost_high_usd
                    else f"{tier_row.cost_low_usd:,}+",
                    "factor": f"{factor:g}",
                    "format": deliverable.format,
                },
                lo,
                hi,
            )
        )
    elif followers is not None:
        reasons.append(
            Reason("below_tiers", "Below the smallest tier (1,000 followers): no tier cost range.", {})
        )
    if followers:
        reach = followers * REACH_RATE[deliverable.format]
        if acct is not None and acct.avg_views and deliverable.format in ("video", "short", "reel"):
            reach = float(acct.avg_views)
        lo = _usd_to_minor(reach / 1000 * CPM_USD[0], workspace, currency)
        hi = _usd_to_minor(reach / 1000 * CPM_USD[1], workspace, currency)
        lows.append(lo)
        highs.append(hi)
        reasons.append(
            Reason(
                "cpm",
                "Expected reach about %(reach)s × CPM $%(lo)s–$%(hi)s per 1,000.",
                {"reach": f"{int(reach):,}", "lo": f"{CPM_USD[0]:g}", "hi": f"{CPM_USD[1]:g}"},
                lo,
                hi,
            )
        )
        er = _er_fraction(acct.engagement_rate if acct is not None else influencer.engagement_rate)
        if er is not None:
            engagements = (
                reach * er
                if deliverable.format in ("video", "short", "reel") and acct and acct.avg_views
                else followers * er
            )
            lo = _usd_to_minor(engagements * CPE_USD[0], workspace, currency)
            hi = _usd_to_minor(engagements * CPE_USD[1], workspace, currency)
            lows.append(lo)
            highs.append(hi)
            reasons.append(
                Reason(
                    "cpe",
                    "Expected engagements about %(eng)s (engagement rate %(er)s) × CPE $%(lo)s–$%(hi)s.",
                    {
                        "eng": f"{int(engagements):,}",
                        "er": f"{er * 100:.1f}%",
                        "lo": f"{CPE_USD[0]:g}",
                        "hi": f"{CPE_USD[1]:g}",
                    },
                    lo,
                    hi,
                )
            )
    past = history(
        session,
        platform=deliverable.platform,
        fmt=deliverable.format,
        tier=tier,
        currency=currency,
        exclude_deal=exclude_deal,
    )
    if len(past) >= MIN_HISTORY:
        p25, median, p75 = _quartiles(past)
        reasons.append(
            Reason(
                "history",
                "Your workspace paid %(n)s comparable creators (same platform, format and tier): middle half %(lo)s–%(hi)s, median %(median)s.",
                {
                    "n": len(past),
                    "lo": str(from_minor(p25, currency)),
                    "hi": str(from_minor(p75, currency)),
                    "median": str(from_minor(median, currency)),
                },
                p25,
                p75,
            )
        )
        return Guidance(deliverable, currency, p25, p75, "history", reasons, acct)
    reasons.append(
        Reason(
            "history_short",
            "Only %(n)s comparable past deals in this workspace (%(min)s needed to use your own history).",
            {"n": len(past), "min": MIN_HISTORY},
        )
    )
    if not lows:
        return Guidance(deliverable, currency, None, None, "none", reasons, acct)
    low, high = int(statistics.median(lows)), int(statistics.median(highs))
    return Guidance(deliverable, currency, min(low, high), max(low, high), "benchmarks", reasons, acct)


def guide_terms(
    session: Session,
    *,
    influencer: Influencer,
    terms: Terms,
    workspace: Workspace | None,
    exclude_deal: int | None = None,
) -> list[Guidance]:
    return [
        guide(
            session,
            influencer=influencer,
            deliverable=d,
            currency=terms.currency,
            workspace=workspace,
            exclude_deal=exclude_deal,
        )
        for d in terms.deliverables
    ]
