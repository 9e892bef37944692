"""JSON API for campaigns: CRUD, shortlist, links, codes, live posts, order import, results, forecasts,
reports and the influencer scorecard. Thin: every rule lives in the services the pages use too."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from kizuna.analytics.forecast import forecast
from kizuna.analytics.scorecard import scorecard
from kizuna.campaigns import posts as post_service
from kizuna.campaigns import reports, service, views
from kizuna.campaigns.schemas import (
    CampaignCreate,
    CampaignUpdate,
    CodeCreate,
    LinkCreate,
    LinkUpdate,
    PostRegister,
    ShortlistAdd,
    SnapshotCreate,
)
from kizuna.errors import NotFound, ValidationFailed
from kizuna.integrations.shopify import parse_time
from kizuna.kit.time import to_zone
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_post import CampaignPost
from kizuna.models.click_daily import ClickDaily
from kizuna.models.influencer import Influencer
from kizuna.models.post import Post
from kizuna.models.tracking_link import TrackingLink
from kizuna.tenancy import Ctx, register_path_param
from kizuna.tracking import codes as code_service
from kizuna.tracking import conversions, links
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import api_router

router = api_router(prefix="/api/v1", tags=["campaigns"])
register_path_param("influencer_id", Influencer)
register_path_param("link_id", TrackingLink)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]
MAX_BODY = 20 * 1024 * 1024


def campaign_out(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "objective": c.objective,
        "status": c.status,
        "description": c.description,
        "target": c.target,
        "kpis": c.kpis,
        "platforms": c.platforms,
        "budget": service.budget_major(c),
        "currency": c.currency,
        "starts_on": c.starts_on.isoformat() if c.starts_on else None,
        "ends_on": c.ends_on.isoformat() if c.ends_on else None,
        "attribution_window_days": c.attribution_window_days,
        "emv_values": c.emv_values,
    }


def link_out(link: TrackingLink, clicks: int = 0) -> dict[str, Any]:
    return {
        "id": link.id,
        "code": link.code,
        "short_url": links.short_url(link.code),
        "destination": link.destination,
        "target": links.target_url(link),
        "influencer_id": link.influencer_id,
        "platform": link.platform,
        "active": link.active,
        "expires_at": link.expires_at.isoformat() if link.expires_at is not None else None,
        "expired": links.is_expired(link),
        "clicks": clicks,
    }


@router.get("/w/{ws}/campaigns")
def list_campaigns(ctx: CtxDep) -> list[dict[str, Any]]:
    """Every campaign of the workspace, newest first."""
    rows = ctx.session.execute(select(Campaign).order_by(Campaign.created_at.desc())).scalars()
    return [campaign_out(c) for c in rows]


@router.post("/w/{ws}/campaigns", status_code=201)
def create_campaign(ctx: CtxDep, body: CampaignCreate) -> dict[str, Any]:
    """Define a campaign: objective, audience, KPI targets, budget, dates and platforms."""
    return campaign_out(service.create_campaign(ctx, body.model_dump()))


@router.get("/w/{ws}/campaigns/{campaign_id}")
def get_campaign(campaign_id: int, ctx: CtxDep) -> dict[str, Any]:
    return campaign_out(ctx.get(Campaign, campaign_id))


@router.patch("/w/{ws}/campaigns/{campaign_id}")
def update_campaign(campaign_id: int, ctx: CtxDep, body: CampaignUpdate) -> dict[str, Any]:
    campaign = ctx.get(Campaign, campaign_id)
    return campaign_out(service.update_campaign(ctx, campaign, body.model_dump(exclude_unset=True)))


@router.get("/w/{ws}/campaigns/{campaign_id}/results")
def campaign_results(campaign_id: int, ctx: CtxDep) -> dict[str, Any]:
    """KPIs in total and per influencer, tier, platform and post; pacing against targets; alerts; daily series."""
    campaign = ctx.get(Campaign, campaign_id)
    today = to_zone(datetime.now(UTC), ctx.timezone).date()
    view = views.build(ctx.session, campaign, locale=ctx.locale, today=today)
    r = view.results
    return {
        "campaign": campaign_out(campaign),
        "totals": r.totals.as_dict(),
        "influencers": [
            {
                "influencer_id": i.influencer_id,
                "name": i.name,
                "tier": i.tier,
                "platform": i.platform,
                "stage": i.stage,
                **i.totals.as_dict(),
            }
            for i in r.influencers
        ],
        "tiers": {k: t.as_dict() for k, t in r.by_tier.items()},
        "platforms": {k: t.as_dict() for k, t in r.by_platform.items()},
        "posts": [
            {
                "campaign_post_id": p.campaign_post_id,
                "post_id": p.post_id,
                "influencer_id": p.influencer_id,
                "platform": p.platform,
                "url": p.url,
                "disclosure": p.disclosure,
                **p.totals.as_dict(),
            }
            for p in r.posts
        ],
        "pacing": [
            {
                "metric": p.metric,
                "target": p.target,
                "actual": p.actual,
                "expected": p.expected,
                "elapsed": p.elapsed,
                "pace": p.pace,
                "status": p.status,
            }
            for p in view.pacing
        ],
        "alerts": [
            {"kind": a.kind, "severity": a.severity, "message": a.message % a.params, "params": a.params}
            for a in view.alerts
        ],
        "daily": [{**d, "day": d["day"].isoformat()} for d in r.daily],
        "notes": r.notes,
    }


@router.post("/w/{ws}/campaigns/{campaign_id}/shortlist", status_code=201)
def add_shortlist(campaign_id: int, ctx: CtxDep, body: ShortlistAdd) -> dict[str, Any]:
    campaign = ctx.get(Campaign, campaign_id)
    row = service.add_to_shortlist(ctx, campaign, ctx.get(Influencer, body.influencer_id), body.fee)
    return {"id": row.id, "influencer_id": row.influencer_id, "stage": row.stage, "fee_minor": row.fee_minor}


@router.get("/w/{ws}/campaigns/{campaign_id}/links")
def list_links(campaign_id: int, ctx: CtxDep) -> list[dict[str, Any]]:
    campaign = ctx.get(Campaign, campaign_id)
    counts = dict(
        ctx.session.execute(
            select(ClickDaily.link_id, func.sum(ClickDaily.clicks))
            .where(ClickDaily.campaign_id == campaign.id)
            .group_by(ClickDaily.link_id)
        ).all()
    )
    rows = ctx.session.execute(select(TrackingLink).where(TrackingLink.campaign_id == campaign.id)).scalars()
    return [link_out(link, int(counts.get(link.id) or 0)) for link in rows]


@router.post("/w/{ws}/campaigns/{campaign_id}/links", status_code=201)
def create_link(campaign_id: int, ctx: CtxDep, body: LinkCreate) -> dict[str, Any]:
    """A tracking link; the destination must be on one of the workspace's allowed domains. An ``expires_at`` in
    the past is refused (422 ``link_expiry_past``)."""
    campaign = ctx.get(Campaign, campaign_id)
    influencer = ctx.get(Influencer, body.influencer_id) if body.influencer_id else None
    link = links.create_link(
        ctx.session,
        workspace=ctx.workspace,
        campaign=campaign,
        destination=body.destination,
        influencer=influencer,
        platform=body.platform,
        label=body.label,
        utm_source=body.utm_source,
        utm_medium=body.utm_medium,
        utm_campaign=body.utm_campaign,
        utm_content=body.utm_content,
        expires_at=links.expiry_in_zone(body.expires_at, ctx.timezone),
    )
    ctx.audit("tracking.link_created", link, {"campaign_id": campaign.id, **_expiry_data(link)})
    return link_out(link)


@router.patch("/w/{ws}/campaigns/{campaign_id}/links/{link_id}")
def update_link(campaign_id: int, link_id: int, ctx: CtxDep, body: LinkUpdate) -> dict[str, Any]:
    """Set a link's expiry (it must lie ahead: 422 ``link_expiry_past``) or remove it with ``null``."""
    campaign = ctx.get(Campaign, campaign_id)
    link = ctx.get(TrackingLink, link_id)
    if link.campaign_id != campaign.id:
        raise NotFound("Not found.", code="not_found", details={"object": "TrackingLink"})
    links.set_expiry(link, links.expiry_in_zone(body.expires_at, ctx.timezone))
    ctx.audit("tracking.link_expiry_changed", link, _expiry_data(link))
    return link_out(link)


def _expiry_data(link: TrackingLink) -> dict[str, Any]:
    return {"expires_at": link.expires_at.isoformat()} if link.expires_at is not None else {}


@router.post("/w/{ws}/campaigns/{campaign_id}/codes", status_code=201)
def create_codes(campaign_id: int, ctx: CtxDep, body: CodeCreate) -> dict[str, Any]:
    """An influencer's readable code, or (``single_use_count`` > 0) a batch of single-use codes."""
    campaign = ctx.get(Campaign, campaign_id)
    influencer = ctx.get(Influencer, body.influencer_id) if body.influencer_id else None
    if body.single_use_count:
        rows = code_service.single_use_batch(
            ctx.session,
            campaign=campaign,
            count=body.single_use_count,
            influencer=influencer,
            prefix=body.prefix,
        )
        return {"codes": [r.code for r in rows]}
    if influencer is None:
        raise ValidationFailed("Choose an influencer or a number of single-use codes.", code="promo_nothing")
    row = code_service.influencer_code(
        ctx.session, campaign=campaign, influencer=influencer, suffix=body.suffix
    )
    return {"codes": [row.code]}


@router.post("/w/{ws}/campaigns/{campaign_id}/posts", status_code=201)
def register_post(campaign_id: int, ctx: CtxDep, body: PostRegister) -> dict[str, Any]:
    """Register a live post by URL; the disclosure check runs on its caption."""
    campaign = ctx.get(Campaign, campaign_id)
    cp = post_service.register_post(
        ctx,
        campaign,
        ctx.get(Influencer, body.influencer_id),
        body.url,
        caption=body.caption,
        published_at=parse_time(body.published_at) if body.published_at else None,
    )
    return {
        "campaign_post_id": cp.id,
        "post_id": cp.post_id,
        "platform": cp.platform,
        "disclosure": cp.disclosure,
        "findings": cp.disclosure_findings,
    }


@router.post("/w/{ws}/campaigns/{campaign_id}/posts/{campaign_post_id}/snapshots", status_code=201)
def add_snapshot(
    campaign_id: int, campaign_post_id: int, ctx: CtxDep, body: SnapshotCreate
) -> dict[str, Any]:
    """Counts at a moment, typed in or as an Instagram Graph API insights response."""
    ctx.get(Campaign, campaign_id)
    cp = ctx.get(CampaignPost, campaign_post_id)
    post = ctx.get(Post, cp.post_id)
    if body.instagram_insights is not None:
        values: dict[str, Any] = post_service.instagram_insights(body.instagram_insights)
        source = "instagram"
    else:
        values = body.model_dump(include=set(post_service.METRICS))
        source = "api"
    snap = post_service.add_snapshot(
        ctx.session,
        post,
        values,
        captured_at=parse_time(body.captured_at) if body.captured_at else None,
        source=source,
    )
    return {
        "id": snap.id,
        "captured_at": snap.captured_at.isoformat(),
        **{k: getattr(snap, k) for k in post_service.METRICS},
    }


@router.post("/w/{ws}/campaigns/{campaign_id}/orders/import")
async def import_orders(campaign_id: int, request: Request, ctx: CtxDep) -> dict[str, Any]:
    """Orders as CSV in the request body (``text/csv``); re-importing updates refunds, never duplicates."""
    campaign = ctx.get(Campaign, campaign_id)
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ValidationFailed("The file is too large.", code="upload_too_large")
    created, updated, problems = conversions.import_orders_csv(
        ctx.session, raw.decode("utf-8-sig", errors="replace"), default_currency=campaign.currency
    )
    return {"created": created, "updated": updated, "problems": problems}


@router.get("/w/{ws}/campaigns/{campaign_id}/forecast")
def campaign_forecast(campaign_id: int, influencer_id: int, ctx: CtxDep, posts: int = 1) -> dict[str, Any]:
    """Expected reach, engagements, clicks and conversions with an 80% interval for a candidate."""
    campaign = ctx.get(Campaign, campaign_id)
    result = forecast(
        ctx.session,
        campaign=campaign,
        influencer=ctx.get(Influencer, influencer_id),
        posts=max(1, min(posts, 20)),
    )
    return result.as_dict()


@router.get("/w/{ws}/campaigns/{campaign_id}/report.xlsx")
def report_xlsx(campaign_id: int, ctx: CtxDep, lang: str = "en") -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    locale = lang if lang in ("en", "ja") else "en"
    view = views.build(
        ctx.session, campaign, locale=locale, today=to_zone(datetime.now(UTC), ctx.timezone).date()
    )
    return Response(
        reports.report_xlsx(view.results, view.pacing, locale),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@router.get("/w/{ws}/campaigns/{campaign_id}/report.csv")
def report_csv(campaign_id: int, ctx: CtxDep, lang: str = "en") -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    locale = lang if lang in ("en", "ja") else "en"
    view = views.build(
        ctx.session, campaign, locale=locale, today=to_zone(datetime.now(UTC), ctx.timezone).date()
    )
    return Response(reports.report_csv(view.results, locale), media_type="text/csv; charset=utf-8")


@router.get("/w/{ws}/analytics/scorecards/{influencer_id}")
def influencer_scorecard(influencer_id: int, ctx: CtxDep) -> dict[str, Any]:
    """An influencer's past results across campaigns (what discovery ranking uses)."""
    influencer = ctx.get(Influencer, influencer_id)
    return scorecard(ctx.session, influencer.id).as_dict()
