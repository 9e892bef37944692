"""Workspace analytics: every campaign's headline results, tier and platform comparison, alerts."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from kizuna.analytics.alerts import Alert
from kizuna.analytics.kpis import KPI_COLUMNS, Totals
from kizuna.campaigns import views
from kizuna.kit.time import to_zone
from kizuna.models.campaign import Campaign
from kizuna.tenancy import Ctx
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import page_router
from kizuna.web.templating import render

router = page_router()
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


@router.get("/w/{ws}/analytics")
def analytics_index(request: Request, ctx: CtxDep, status: str = "active") -> HTMLResponse:
    """Campaign results side by side, and tiers compared on cost (did micro beat macro on CPE?).

    Totals across campaigns are only summed within one currency (the workspace's); campaigns in other
    currencies are listed but left out of the comparison.
    """
    today = to_zone(datetime.now(UTC), ctx.timezone).date()
    query = select(Campaign).order_by(Campaign.starts_on.desc().nulls_last(), Campaign.id.desc())
    if status != "all":
        query = query.where(Campaign.status.in_(("active", "completed") if status == "active" else (status,)))
    campaigns = ctx.session.execute(query.limit(100)).scalars().all()
    rows = []
    currency = ctx.workspace.currency
    by_tier: dict[str, Totals] = defaultdict(lambda: Totals(currency=currency))
    by_platform: dict[str, Totals] = defaultdict(lambda: Totals(currency=currency))
    alerts: list[tuple[Campaign, Alert]] = []
    for c in campaigns:
        view = views.build(ctx.session, c, locale=ctx.locale, today=today)
        rows.append((c, view))
        alerts.extend((c, a) for a in view.alerts)
        if c.currency != currency:
            continue
        for tier, t in view.results.by_tier.items():
            by_tier[tier].add(t)
        for platform, t in view.results.by_platform.items():
            by_platform[platform].add(t)
    tiers = sorted(by_tier.items())
    verdict = None
    cpes = {k: t.cpe for k, t in tiers if t.cpe is not None}
    if "micro" in cpes and "macro" in cpes:
        verdict = "micro" if cpes["micro"] < cpes["macro"] else "macro"
    return render(
        request,
        "analytics/index.html",
        {
            "rows": rows,
            "tiers": tiers,
            "platforms": sorted(by_platform.items()),
            "alerts": alerts,
            "status": status,
            "fmt": views.fmt,
            "kpi_columns": KPI_COLUMNS,
            "verdict": verdict,
            "cpes": cpes,
            "tier_chart": json.dumps(views.tier_chart(tiers, ctx.locale, ctx.workspace), ensure_ascii=False),
        },
    )
