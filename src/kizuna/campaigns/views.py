"""What the campaign page, the print report and the share page show: results, pacing, alerts and charts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from babel.numbers import get_currency_symbol
from sqlalchemy.orm import Session

from kizuna.analytics.alerts import Alert, campaign_alerts
from kizuna.analytics.kpis import Totals
from kizuna.analytics.pacing import Pace, pace_kpis
from kizuna.analytics.service import CampaignResults, PostResult, campaign_results
from kizuna.influencers.tiers import scheme_of, tier_label
from kizuna.kit.money import minor_digits
from kizuna.models.campaign import Campaign
from kizuna.models.workspace import Workspace
from kizuna.web.i18n import gettext

PALETTE = ("#b03a5b", "#2f6f8f", "#d08c2f", "#4f8f5a", "#7a5aa6", "#8a8a8a")


@dataclass
class CampaignView:
    results: CampaignResults
    pacing: list[Pace]
    alerts: list[Alert]
    charts: dict[str, str]
    top_posts: list[PostResult]


def _major(minor: int, currency: str) -> float:
    try:
        return float(minor) / float(10 ** minor_digits(currency))
    except Exception:  # an unknown currency code in old data must not break the page
        return minor / 100


def charts(results: CampaignResults, locale: str, workspace: object = None) -> dict[str, str]:
    c = results.campaign
    days = [d["day"].isoformat() for d in results.daily]
    out: dict[str, Any] = {
        "daily": {
            "type": "line",
            "data": {
                "labels": days,
                "datasets": [
                    {
                        "label": gettext("Clicks", locale),
                        "data": [d["clicks"] for d in results.daily],
                        "borderColor": PALETTE[1],
                        "yAxisID": "y",
                    },
                    {
                        "label": gettext("Conversions", locale),
                        "data": [d["conversions"] for d in results.daily],
                        "borderColor": PALETTE[0],
                        "yAxisID": "y1",
                    },
                ],
            },
            "options": {
                "animation": False,
                "scales": {"y": {"beginAtZero": True}, "y1": {"beginAtZero": True, "position": "right"}},
            },
        },
        "revenue": {
            "type": "bar",
            "data": {
                "labels": [i.name for i in results.influencers[:15]],
                "datasets": [
                    {
                        "label": gettext("Revenue", locale) + f" ({c.currency})",
                        "data": [
                            _major(i.totals.revenue_minor, c.currency) for i in results.influencers[:15]
                        ],
                        "backgroundColor": PALETTE[0],
                    },
                    {
                        "label": gettext("Spend", locale) + f" ({c.currency})",
                        "data": [_major(i.totals.spend_minor, c.currency) for i in results.influencers[:15]],
                        "backgroundColor": PALETTE[5],
                    },
                ],
            },
            "options": {"animation": False},
        },
    }
    tiers = sorted(results.by_tier.items())
    out["tiers"] = tier_chart(tiers, locale, workspace)
    return {k: json.dumps(v, ensure_ascii=False, separators=(",", ":")) for k, v in out.items()}


def tier_chart(tiers: list[tuple[str, Totals]], locale: str, workspace: object = None) -> dict[str, Any]:
    """CPE and engagement rate per tier; tiers are named in ``workspace``'s scheme (``mid`` -> Mid-tier)."""
    scheme, custom = scheme_of(workspace)
    return {
        "type": "bar",
        "data": {
            "labels": [tier_label(k, scheme, custom, locale) for k, _t in tiers],
            "datasets": [
                {
                    "label": gettext("CPE", locale),
                    "data": [t.cpe for _k, t in tiers],
                    "backgroundColor": PALETTE[2],
                    "yAxisID": "y",
                },
                {
                    "label": gettext("Engagement rate", locale) + " (%)",
                    "data": [round(t.er * 100, 3) if t.er is not None else None for _k, t in tiers],
                    "backgroundColor": PALETTE[3],
                    "yAxisID": "y1",
                },
            ],
        },
        "options": {"animation": False, "scales": {"y1": {"position": "right"}}},
    }


def build(session: Session, campaign: Campaign, *, locale: str, today: date) -> CampaignView:
    results = campaign_results(session, campaign)
    pacing = pace_kpis(
        list(campaign.kpis or []),
        results.totals,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        today=today,
    )
    alerts = campaign_alerts(session, campaign, pacing, today)
    top = sorted(results.posts, key=lambda p: -p.totals.reach)
    workspace = session.get(Workspace, campaign.workspace_id)
    return CampaignView(results, pacing, alerts, charts(results, locale, workspace), top)


def fmt(t: Totals, key: str, locale: str | None = None) -> str:
    """A KPI value for display: counts with separators, rates as %, money in the campaign currency, ROAS as ×."""
    from kizuna.analytics.kpis import MONEY_KEYS, PERCENT_KEYS
    from kizuna.kit.numbers import format_percent
    from kizuna.web.i18n import current_locale

    value = getattr(t, key)
    if value is None:
        return "—"
    if key in PERCENT_KEYS:
        return format_percent(value, 2)
    if key == "roas":
        return f"{value:.2f}×"
    if key in MONEY_KEYS:
        return money_text(float(value), t.currency, locale or current_locale())
    return f"{int(value):,}"


@lru_cache(maxsize=64)
def _money_shape(currency: str, locale: str) -> tuple[str, int]:
    """(symbol, decimals) from Babel once per currency and locale; formatting thousands of table cells through
    Babel each time made a 200-influencer report take about a second."""
    try:
        symbol = str(get_currency_symbol(currency, locale="ja_JP" if locale == "ja" else "en_US"))
        return symbol, minor_digits(currency)
    except Exception:  # an unknown currency code in old data must not break the page
        return currency + " ", 2


def money_text(value: float, currency: str, locale: str) -> str:
    symbol, digits = _money_shape(currency, locale)
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,.{digits}f}"


def fmt_number(value: float | None, metric: str, currency: str) -> str:
    """A target or actual in a pacing row."""
    if value is None:
        return "—"
    if metric in ("roi", "er", "ctr", "cvr"):
        return f"{value * 100:.2f}%"
    if metric == "roas":
        return f"{value:.2f}×"
    if metric in ("revenue", "emv"):
        return f"{value:,.0f} {currency}"
    return f"{value:,.0f}"
