"""Campaign pages: the index, the campaign page (shortlist, links, codes, posts, orders, results, reports),
tracking settings (allowed domains, shop connections) and the public client share page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from starlette.datastructures import FormData, UploadFile

from kizuna.analytics.forecast import forecast
from kizuna.analytics.kpis import KPI_COLUMNS
from kizuna.campaigns import posts as post_service
from kizuna.campaigns import reports, service, shares, views
from kizuna.errors import NotFound, ValidationFailed
from kizuna.kit.labels import CATEGORIES
from kizuna.kit.time import to_zone
from kizuna.models.campaign import CAMPAIGN_STATUSES, OBJECTIVES, Campaign
from kizuna.models.campaign_influencer import STAGES, CampaignInfluencer
from kizuna.models.campaign_post import CampaignPost
from kizuna.models.campaign_share import CampaignShare
from kizuna.models.influencer import Influencer
from kizuna.models.order_daily import OrderDaily
from kizuna.models.post import Post
from kizuna.models.promo_code import PromoCode
from kizuna.models.shop_connection import ShopConnection
from kizuna.models.shop_order import ShopOrder
from kizuna.models.tracking_link import TrackingLink
from kizuna.tenancy import Ctx, register_path_param, register_public_path
from kizuna.tracking import codes as code_service
from kizuna.tracking import conversions, links, shops
from kizuna.tracking.qr import qr_png, qr_svg
from kizuna.web.auth import workspace_ctx
from kizuna.web.i18n import _
from kizuna.web.routing import page_router, uow_of
from kizuna.web.templating import render

router = page_router()
register_path_param("campaign_id", Campaign)
register_path_param("link_id", TrackingLink)
register_path_param("campaign_post_id", CampaignPost)
register_path_param("share_id", CampaignShare)
register_public_path("/share/campaign/", "read-only campaign report for a client: signed, revocable token")

CtxDep = Annotated[Ctx, Depends(workspace_ctx)]
MAX_UPLOAD = 20 * 1024 * 1024
#: Rows per table on the campaign page (the reports and exports carry every row).
PAGE_ROWS = 50
REPORT_ROWS = 500


def _today(ctx: Ctx) -> date:
    return to_zone(datetime.now(UTC), ctx.timezone).date()


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _base(ctx: Ctx) -> str:
    return f"/w/{ctx.workspace.slug}/campaigns"


def _str(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _list(form: FormData, name: str) -> list[str]:
    """Every value of a repeated field (checkboxes), each also read as a comma-separated list (the old text
    field, or a client that still posts ``ja, en``)."""
    return [
        part.strip()
        for value in form.getlist(name)
        if isinstance(value, str)
        for part in value.split(",")
        if part.strip()
    ]


def _option_key(value: str) -> str:
    """``zh_TW``, ``zh-TW`` and ``zh-tw`` (or ``Skincare`` and ``skincare``) are one choice."""
    return value.lower().replace("_", "-")


def _target_options(campaign: Campaign | None) -> dict[str, list[tuple[str, bool]]]:
    """The campaign form's audience choices: ``key -> [(value, ticked)]`` for genders, languages and interests.

    A value the campaign already targets that is not among the choices (set through the API or typed into the
    old free-text field) is offered too, ticked, so saving the form keeps it."""
    target = (campaign.target if campaign is not None else None) or {}
    out: dict[str, list[tuple[str, bool]]] = {}
    choices: dict[str, tuple[str, ...]] = {
        "genders": service.TARGET_GENDERS,
        "languages": service.TARGET_LANGUAGES,
        "interests": tuple(CATEGORIES),
    }
    for key, offered in choices.items():
        raw = target.get(key) or []
        stored = [str(v).strip() for v in ([raw] if isinstance(raw, str) else raw) if str(v).strip()]
        chosen = {_option_key(v) for v in stored}
        known = {_option_key(v) for v in offered}
        out[key] = [(v, _option_key(v) in chosen) for v in offered] + [
            (v, True) for v in dict.fromkeys(stored) if _option_key(v) not in known
        ]
    return out


def _float(form: FormData, name: str) -> float | None:
    text = _str(form, name).replace(",", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise ValidationFailed(f"{name}: not a number", code="form_number_invalid") from exc


def _int(form: FormData, name: str) -> int | None:
    value = _float(form, name)
    return int(value) if value is not None else None


def _date(form: FormData, name: str) -> date | None:
    text = _str(form, name)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(f"{name}: not a date", code="form_date_invalid") from exc


def _datetime(form: FormData, name: str, timezone: str) -> datetime | None:
    """A ``datetime-local`` field: a wall-clock time in the caller's zone, as the page showed it."""
    text = _str(form, name)
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed("Enter a date and time.", code="form_datetime_invalid") from exc
    return links.expiry_in_zone(value, timezone)


def _local_input(value: datetime | None, timezone: str) -> str:
    """The value of a ``datetime-local`` field for ``value``, in the caller's zone (what :func:`_datetime` reads)."""
    return to_zone(value, timezone).strftime("%Y-%m-%dT%H:%M") if value is not None else ""


async def _text_upload(form: FormData, name: str = "file", fallback: str = "text") -> str:
    upload = form.get(name)
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise ValidationFailed("The file is too large.", code="upload_too_large")
        return data.decode("utf-8-sig", errors="replace")
    return _str(form, fallback)


def _campaign_data(form: FormData) -> dict[str, Any]:
    kpis = []
    for metric in service.KPI_KEYS:
        value = _float(form, f"kpi_{metric}")
        if value:
            if metric in ("roi", "er", "ctr", "cvr"):
                value = value / 100  # entered as percentages
            kpis.append({"metric": metric, "target": value})
    emv = {k: v for k in service.EMV_KEYS if (v := _float(form, f"emv_{k}")) is not None}
    return {
        "name": _str(form, "name"),
        "objective": _str(form, "objective") or "awareness",
        "status": _str(form, "status") or None,
        "description": _str(form, "description"),
        "platforms": [p for p in form.getlist("platforms") if isinstance(p, str)],
        "budget": _float(form, "budget"),
        "currency": _str(form, "currency") or None,
        "starts_on": _date(form, "starts_on"),
        "ends_on": _date(form, "ends_on"),
        "attribution_window_days": _int(form, "attribution_window_days") or 30,
        "target": {
            "age_min": _str(form, "age_min"),
            "age_max": _str(form, "age_max"),
            "genders": _list(form, "genders"),
            "countries": _str(form, "countries"),
            "languages": _list(form, "languages"),
            "interests": _list(form, "interests"),
        },
        "kpis": kpis,
        "emv_values": emv,
    }


@router.get("/w/{ws}/campaigns")
def campaigns_index(request: Request, ctx: CtxDep) -> HTMLResponse:
    """Every campaign with its status, dates, budget and headline results."""
    rows = ctx.session.execute(select(Campaign).order_by(Campaign.created_at.desc())).scalars().all()
    counts = dict(
        ctx.session.execute(
            select(CampaignInfluencer.campaign_id, func.count(CampaignInfluencer.id)).group_by(
                CampaignInfluencer.campaign_id
            )
        ).all()
    )
    orders = {
        cid: (int(n or 0), int(rev or 0))
        for cid, n, rev in ctx.session.execute(
            select(
                OrderDaily.campaign_id,
                func.sum(OrderDaily.orders),
                func.sum(OrderDaily.revenue_minor - OrderDaily.refunded_minor),
            ).group_by(OrderDaily.campaign_id)
        ).all()
    }
    return render(
        request,
        "campaigns/index.html",
        {
            "campaigns": rows,
            "counts": counts,
            "orders": orders,
            "objectives": OBJECTIVES,
            "platforms": service.PLATFORMS,
            "kpi_keys": service.KPI_KEYS,
            "target_options": _target_options(None),
        },
    )


@router.post("/w/{ws}/campaigns")
async def campaigns_create(request: Request, ctx: CtxDep) -> Response:
    form = await request.form()
    campaign = service.create_campaign(ctx, _campaign_data(form))
    return _redirect(f"{_base(ctx)}/{campaign.id}")


@router.get("/w/{ws}/campaigns/tracking")
def tracking_settings(request: Request, ctx: CtxDep) -> HTMLResponse:
    """Allowed link domains and shop connections (Shopify, generic webhook)."""
    conns = ctx.session.execute(select(ShopConnection).order_by(ShopConnection.id)).scalars().all()
    return render(
        request,
        "campaigns/tracking.html",
        {
            "domains": links.allowed_domains(ctx.workspace),
            "connections": conns,
            "base_url": request.base_url,
        },
    )


@router.post("/w/{ws}/campaigns/tracking/domains")
async def tracking_domains(request: Request, ctx: CtxDep) -> Response:
    ctx.require("admin")
    form = await request.form()
    raw = _str(form, "domains").replace(",", "\n").splitlines()
    cleaned = links.set_allowed_domains(ctx.workspace, raw)
    ctx.audit("tracking.domains", ctx.workspace, {"domains": cleaned})
    return _redirect(f"{_base(ctx)}/tracking")


@router.post("/w/{ws}/campaigns/tracking/shopify")
async def tracking_shopify(request: Request, ctx: CtxDep) -> Response:
    ctx.require("admin")
    form = await request.form()
    conn = shops.connect_shopify(
        ctx.session,
        workspace=ctx.workspace,
        shop_domain=_str(form, "shop_domain"),
        secret=_str(form, "secret"),
    )
    ctx.audit("tracking.shop_connected", conn, {"shop": conn.shop_domain})
    return _redirect(f"{_base(ctx)}/tracking")


@router.post("/w/{ws}/campaigns/tracking/webhook")
async def tracking_webhook(request: Request, ctx: CtxDep) -> HTMLResponse:
    ctx.require("admin")
    form = await request.form()
    conn, secret = shops.connect_generic(ctx.session, workspace=ctx.workspace, name=_str(form, "name"))
    ctx.audit("tracking.webhook_created", conn, {"name": conn.name})
    conns = ctx.session.execute(select(ShopConnection).order_by(ShopConnection.id)).scalars().all()
    return render(
        request,
        "campaigns/tracking.html",
        {
            "domains": links.allowed_domains(ctx.workspace),
            "connections": conns,
            "new_secret": secret,
            "new_connection": conn,
            "base_url": request.base_url,
        },
    )


@router.get("/w/{ws}/campaigns/links/{link_id}/qr.svg")
def link_qr_svg(link_id: int, ctx: CtxDep) -> Response:
    link = ctx.get(TrackingLink, link_id)
    return Response(
        qr_svg(links.short_url(link.code)),
        media_type="image/svg+xml",
        headers={"content-disposition": f'inline; filename="link-{link.code}.svg"'},
    )


@router.get("/w/{ws}/campaigns/links/{link_id}/qr.png")
def link_qr_png(link_id: int, ctx: CtxDep) -> Response:
    link = ctx.get(TrackingLink, link_id)
    return Response(
        qr_png(links.short_url(link.code)),
        media_type="image/png",
        headers={"content-disposition": f'inline; filename="link-{link.code}.png"'},
    )


@router.post("/w/{ws}/campaigns/links/{link_id}/toggle")
def link_toggle(link_id: int, ctx: CtxDep) -> Response:
    link = ctx.get(TrackingLink, link_id)
    links.set_active(link, not link.active)
    ctx.audit("tracking.link_toggled", link, {"active": link.active})
    return _redirect(f"{_base(ctx)}/{link.campaign_id}#links")


@router.post("/w/{ws}/campaigns/links/{link_id}/expiry")
async def link_expiry(request: Request, link_id: int, ctx: CtxDep) -> Response:
    """Set a link's expiry (a time in the caller's zone, still ahead) or, with the field left empty, remove it."""
    link = ctx.get(TrackingLink, link_id)
    form = await request.form()
    links.set_expiry(link, _datetime(form, "expires_at", ctx.timezone))
    ctx.audit(
        "tracking.link_expiry_changed",
        link,
        {"expires_at": link.expires_at.isoformat()} if link.expires_at is not None else {},
    )
    return _redirect(f"{_base(ctx)}/{link.campaign_id}#links")


def _page_context(ctx: Ctx, campaign: Campaign) -> dict[str, Any]:
    s = ctx.session
    view = views.build(s, campaign, locale=ctx.locale, today=_today(ctx))
    shortlist = s.execute(
        select(CampaignInfluencer, Influencer)
        .join(Influencer, Influencer.id == CampaignInfluencer.influencer_id)
        .where(CampaignInfluencer.campaign_id == campaign.id)
        .order_by(CampaignInfluencer.position, Influencer.display_name)
    ).all()
    stage_counts = dict.fromkeys(STAGES, 0)
    for ci, _inf in shortlist:
        stage_counts[ci.stage] = stage_counts.get(ci.stage, 0) + 1
    link_rows = s.execute(
        select(
            TrackingLink.id,
            TrackingLink.code,
            TrackingLink.destination,
            TrackingLink.active,
            TrackingLink.expires_at,
            TrackingLink.utm_source,
            TrackingLink.utm_campaign,
            TrackingLink.utm_content,
            Influencer.display_name,
        )
        .outerjoin(Influencer, Influencer.id == TrackingLink.influencer_id)
        .where(TrackingLink.campaign_id == campaign.id)
        .order_by(TrackingLink.id)
    ).all()
    from kizuna.models.click_daily import ClickDaily

    link_clicks = dict(
        s.execute(
            select(ClickDaily.link_id, func.sum(ClickDaily.clicks))
            .where(ClickDaily.campaign_id == campaign.id)
            .group_by(ClickDaily.link_id)
        ).all()
    )
    code_rows = s.execute(
        select(PromoCode, Influencer.display_name)
        .outerjoin(Influencer, Influencer.id == PromoCode.influencer_id)
        .where(PromoCode.campaign_id == campaign.id)
        .order_by(PromoCode.kind, PromoCode.id)
        .limit(200)
    ).all()
    code_total = code_service.count_codes(s, campaign.id)
    used = int(
        s.execute(
            select(func.count(PromoCode.id)).where(
                PromoCode.campaign_id == campaign.id, PromoCode.used_at.is_not(None)
            )
        ).scalar_one()
    )
    recent_orders = s.execute(
        select(ShopOrder, Influencer.display_name)
        .outerjoin(Influencer, Influencer.id == ShopOrder.influencer_id)
        .where(ShopOrder.campaign_id == campaign.id)
        .order_by(ShopOrder.ordered_at.desc())
        .limit(20)
    ).all()
    influencers = s.execute(
        select(Influencer.id, Influencer.display_name).order_by(Influencer.display_name).limit(500)
    ).all()
    share_rows = (
        s.execute(
            select(CampaignShare)
            .where(CampaignShare.campaign_id == campaign.id)
            .order_by(CampaignShare.id.desc())
        )
        .scalars()
        .all()
    )
    from kizuna.models.content_item import ContentItem
    from kizuna.models.deal import Deal
    from kizuna.models.outreach_enrollment import OutreachEnrollment
    from kizuna.web.templating import nav_items

    pipeline = {
        "outreach": dict(
            s.execute(
                select(OutreachEnrollment.status, func.count(OutreachEnrollment.id))
                .where(OutreachEnrollment.campaign_id == campaign.id)
                .group_by(OutreachEnrollment.status)
            ).all()
        ),
        "deals": dict(
            s.execute(
                select(Deal.status, func.count(Deal.id))
                .where(Deal.campaign_id == campaign.id)
                .group_by(Deal.status)
            ).all()
        ),
        "content": dict(
            s.execute(
                select(ContentItem.status, func.count(ContentItem.id))
                .join(Deal, Deal.id == ContentItem.deal_id)
                .where(Deal.campaign_id == campaign.id)
                .group_by(ContentItem.status)
            ).all()
        ),
    }

    sections = {k for k, _label in nav_items()}
    return {
        "campaign": campaign,
        "view": view,
        "r": view.results,
        "shortlist": shortlist,
        "stage_counts": stage_counts,
        "links": link_rows,
        "link_clicks": link_clicks,
        "short_url": links.short_url,
        "now": datetime.now(UTC),
        "local_input": lambda value: _local_input(value, ctx.timezone),
        "codes": code_rows,
        "code_total": code_total,
        "codes_used": used,
        "orders": recent_orders,
        "influencers": influencers,
        "shares": share_rows,
        "share_url": shares.share_url,
        "sections": sections,
        "budget": service.budget_major(campaign),
        "objectives": OBJECTIVES,
        "statuses": CAMPAIGN_STATUSES,
        "platforms": service.PLATFORMS,
        "kpi_keys": service.KPI_KEYS,
        "target_options": _target_options(campaign),
        "emv_keys": service.EMV_KEYS,
        "domains": links.allowed_domains(ctx.workspace),
        "fmt": views.fmt,
        "fmt_number": views.fmt_number,
        "kpi_columns": KPI_COLUMNS,
        "row_limit": PAGE_ROWS,
        "pipeline": pipeline,
    }


@router.get("/w/{ws}/campaigns/{campaign_id}")
def campaign_page(request: Request, campaign_id: int, ctx: CtxDep) -> HTMLResponse:
    """One campaign: goals, pipeline, links, codes, live posts, orders, KPIs with pacing, alerts, charts."""
    campaign = ctx.get(Campaign, campaign_id)
    return render(request, "campaigns/campaign.html", _page_context(ctx, campaign))


@router.post("/w/{ws}/campaigns/{campaign_id}")
async def campaign_update(request: Request, campaign_id: int, ctx: CtxDep) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    form = await request.form()
    data = _campaign_data(form)
    data.pop("currency", None)
    service.update_campaign(ctx, campaign, data)
    return _redirect(f"{_base(ctx)}/{campaign.id}")


@router.post("/w/{ws}/campaigns/{campaign_id}/shortlist")
async def campaign_shortlist(request: Request, campaign_id: int, ctx: CtxDep) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    form = await request.form()
    influencer = ctx.get(Influencer, _int(form, "influencer_id") or 0)
    service.add_to_shortlist(ctx, campaign, influencer, _float(form, "fee"))
    return _redirect(f"{_base(ctx)}/{campaign.id}#shortlist")


#: The link form's field an error code belongs to (the message is shown next to it); others: the influencer.
_LINK_ERROR_FIELDS = {
    "invalid_destination": "destination",
    "destination_not_allowed": "destination",
    "form_datetime_invalid": "expires_at",
    "link_expiry_invalid": "expires_at",
    "link_expiry_past": "expires_at",
}


@router.post("/w/{ws}/campaigns/{campaign_id}/links")
async def campaign_link_create(request: Request, campaign_id: int, ctx: CtxDep) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    form = await request.form()
    try:
        infl_id = _int(form, "influencer_id")
        influencer = ctx.get(Influencer, infl_id) if infl_id else None
        link = links.create_link(
            ctx.session,
            workspace=ctx.workspace,
            campaign=campaign,
            destination=_str(form, "destination"),
            influencer=influencer,
            platform=_str(form, "platform") or None,
            label=_str(form, "label"),
            expires_at=_datetime(form, "expires_at", ctx.timezone),
        )
    except (ValidationFailed, NotFound) as exc:
        # a script asking for JSON (or an HTMX swap) keeps the usual error body with its stable code
        if "application/json" in request.headers.get("accept", "") or request.headers.get("hx-request"):
            raise
        # the form again, with what was typed and the reason next to its field (not a bare error page)
        ctx.session.rollback()
        host = exc.details.get("host") if exc.code == "destination_not_allowed" else None
        field = _LINK_ERROR_FIELDS.get(exc.code, "influencer_id")
        link_form = {k: _str(form, k) for k in ("destination", "influencer_id", "platform", "expires_at")}
        return render(
            request,
            "campaigns/campaign.html",
            {
                **_page_context(ctx, ctx.get(Campaign, campaign_id)),
                "link_form": link_form,
                "link_error": {
                    "field": field,
                    # an id that is not a number or not this workspace's influencer reads the same
                    "message": _("Influencer not found.") if field == "influencer_id" else _(exc.message),
                    "host": host if isinstance(host, str) else None,
                },
            },
            status_code=422,
        )
    data: dict[str, Any] = {"campaign_id": campaign.id}
    if link.expires_at is not None:
        data["expires_at"] = link.expires_at.isoformat()
    ctx.audit("tracking.link_created", link, data)
    return _redirect(f"{_base(ctx)}/{campaign.id}#links")


@router.post("/w/{ws}/campaigns/{campaign_id}/codes")
async def campaign_codes(request: Request, campaign_id: int, ctx: CtxDep) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    form = await request.form()
    infl_id = _int(form, "influencer_id")
    influencer = ctx.get(Influencer, infl_id) if infl_id else None
    count = _int(form, "count") or 0
    if count:
        rows = code_service.single_use_batch(
            ctx.session,
            campaign=campaign,
            count=count,
            influencer=influencer,
            prefix=_str(form, "prefix"),
            batch=_str(form, "batch"),
        )
        ctx.audit("tracking.codes_batch", campaign, {"count": len(rows)})
    elif influencer is not None:
        code_service.influencer_code(
            ctx.session, campaign=campaign, influencer=influencer, suffix=_str(form, "suffix")
        )
    else:
        raise ValidationFailed("Choose an influencer or a number of single-use codes.", code="promo_nothing")
    return _redirect(f"{_base(ctx)}/{campaign.id}#codes")


@router.post("/w/{ws}/campaigns/{campaign_id}/codes/import")
async def campaign_codes_import(request: Request, campaign_id: int, ctx: CtxDep) -> HTMLResponse:
    from kizuna.models.social_account import SocialAccount

    campaign = ctx.get(Campaign, campaign_id)
    form = await request.form()
    text = await _text_upload(form)
    handles: dict[str, Influencer] = {}
    for acc, inf in ctx.session.execute(
        select(SocialAccount.handle_key, Influencer).join(
            Influencer, Influencer.id == SocialAccount.influencer_id
        )
    ).all():
        handles[acc] = inf
    for inf in ctx.session.execute(select(Influencer)).scalars():
        handles[str(inf.id)] = inf
    created, problems = code_service.import_codes(
        ctx.session, campaign=campaign, text=text, influencers_by_handle=handles
    )
    ctx.audit("tracking.codes_imported", campaign, {"created": created, "problems": len(problems)})
    return render(
        request,
        "campaigns/import_result.html",
        {
            "campaign": campaign,
            "title": _("Promo codes imported"),
            "created": created,
            "updated": 0,
            "problems": problems,
        },
    )


@router.post("/w/{ws}/campaigns/{campaign_id}/posts")
async def campaign_post_register(request: Request, campaign_id: int, ctx: CtxDep) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    form = await request.form()
    influencer = ctx.get(Influencer, _int(form, "influencer_id") or 0)
    published = _date(form, "published_on")
    post_service.register_post(
        ctx,
        campaign,
        influencer,
        _str(form, "url"),
        caption=_str(form, "caption"),
        published_at=datetime(published.year, published.month, published.day, tzinfo=UTC)
        if published
        else None,
    )
    return _redirect(f"{_base(ctx)}/{campaign.id}#posts")


@router.post("/w/{ws}/campaigns/{campaign_id}/posts/{campaign_post_id}/snapshots")
async def campaign_post_snapshot(
    request: Request, campaign_id: int, campaign_post_id: int, ctx: CtxDep
) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    cp = ctx.get(CampaignPost, campaign_post_id)
    post = ctx.get(Post, cp.post_id)
    form = await request.form()
    values = {k: _str(form, k) for k in post_service.METRICS}
    post_service.add_snapshot(ctx.session, post, values, source="manual")
    return _redirect(f"{_base(ctx)}/{campaign.id}#posts")


@router.post("/w/{ws}/campaigns/{campaign_id}/snapshots/import")
async def campaign_snapshots_import(request: Request, campaign_id: int, ctx: CtxDep) -> HTMLResponse:
    campaign = ctx.get(Campaign, campaign_id)
    form = await request.form()
    made, problems = post_service.import_snapshots_csv(ctx, campaign, await _text_upload(form))
    return render(
        request,
        "campaigns/import_result.html",
        {
            "campaign": campaign,
            "title": _("Metric snapshots imported"),
            "created": made,
            "updated": 0,
            "problems": problems,
        },
    )


@router.post("/w/{ws}/campaigns/{campaign_id}/orders/import")
async def campaign_orders_import(request: Request, campaign_id: int, ctx: CtxDep) -> HTMLResponse:
    campaign = ctx.get(Campaign, campaign_id)
    form = await request.form()
    created, updated, problems = conversions.import_orders_csv(
        ctx.session, await _text_upload(form), default_currency=campaign.currency
    )
    ctx.audit("tracking.orders_imported", campaign, {"created": created, "updated": updated})
    return render(
        request,
        "campaigns/import_result.html",
        {
            "campaign": campaign,
            "title": _("Orders imported"),
            "created": created,
            "updated": updated,
            "problems": problems,
        },
    )


@router.get("/w/{ws}/campaigns/{campaign_id}/forecast")
def campaign_forecast(
    request: Request, campaign_id: int, ctx: CtxDep, influencer_id: int | None = None, posts: int = 1
) -> HTMLResponse:
    """Expected results with an 80% interval for a candidate influencer."""
    campaign = ctx.get(Campaign, campaign_id)
    result = None
    candidate = None
    if influencer_id:
        candidate = ctx.get(Influencer, influencer_id)
        result = forecast(ctx.session, campaign=campaign, influencer=candidate, posts=max(1, min(posts, 20)))
    influencers = ctx.session.execute(
        select(Influencer.id, Influencer.display_name).order_by(Influencer.display_name).limit(500)
    ).all()
    return render(
        request,
        "campaigns/forecast.html",
        {
            "campaign": campaign,
            "result": result,
            "candidate": candidate,
            "influencers": influencers,
            "posts": posts,
        },
    )


def _report_context(campaign: Campaign, view: views.CampaignView, *, shared: bool) -> dict[str, Any]:
    return {
        "campaign": campaign,
        "view": view,
        "r": view.results,
        "shared": shared,
        "fmt": views.fmt,
        "fmt_number": views.fmt_number,
        "kpi_columns": KPI_COLUMNS,
        "row_limit": REPORT_ROWS,
    }


def _report_locale(ctx: Ctx, lang: str | None) -> str:
    return lang if lang in ("en", "ja") else ctx.locale


@router.get("/w/{ws}/campaigns/{campaign_id}/report")
def campaign_report(request: Request, campaign_id: int, ctx: CtxDep) -> HTMLResponse:
    """Print-ready report (browser "Save as PDF" gives the PDF)."""
    campaign = ctx.get(Campaign, campaign_id)
    view = views.build(ctx.session, campaign, locale=ctx.locale, today=_today(ctx))
    return render(
        request,
        "campaigns/report.html",
        _report_context(campaign, view, shared=False),
    )


@router.get("/w/{ws}/campaigns/{campaign_id}/report.xlsx")
def campaign_report_xlsx(campaign_id: int, ctx: CtxDep, lang: str | None = None) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    locale = _report_locale(ctx, lang)
    view = views.build(ctx.session, campaign, locale=locale, today=_today(ctx))
    body = reports.report_xlsx(view.results, view.pacing, locale)
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"content-disposition": f'attachment; filename="campaign-{campaign.id}-{locale}.xlsx"'},
    )


@router.get("/w/{ws}/campaigns/{campaign_id}/report.csv")
def campaign_report_csv(campaign_id: int, ctx: CtxDep, lang: str | None = None) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    locale = _report_locale(ctx, lang)
    view = views.build(ctx.session, campaign, locale=locale, today=_today(ctx))
    return Response(
        reports.report_csv(view.results, locale),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="campaign-{campaign.id}-{locale}.csv"'},
    )


@router.post("/w/{ws}/campaigns/{campaign_id}/shares")
async def campaign_share_create(request: Request, campaign_id: int, ctx: CtxDep) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    form = await request.form()
    shares.create_share(ctx, campaign, label=_str(form, "label"), locale=_str(form, "locale") or ctx.locale)
    return _redirect(f"{_base(ctx)}/{campaign.id}#reports")


@router.post("/w/{ws}/campaigns/{campaign_id}/shares/{share_id}/revoke")
def campaign_share_revoke(campaign_id: int, share_id: int, ctx: CtxDep) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    shares.revoke_share(ctx, ctx.get(CampaignShare, share_id))
    return _redirect(f"{_base(ctx)}/{campaign.id}#reports")


@router.get("/share/campaign/{token}")
def shared_report(request: Request, token: str) -> HTMLResponse:
    """The client's read-only report; 404 once revoked."""
    from kizuna.web.i18n import current

    session = uow_of(request).session
    share, campaign = shares.open_share(session, token)
    current().locale = share.locale
    request.state.locale.locale = share.locale
    view = views.build(session, campaign, locale=share.locale, today=datetime.now(UTC).date())
    response = render(
        request,
        "campaigns/report.html",
        _report_context(campaign, view, shared=True),
    )
    response.headers["x-robots-tag"] = "noindex, nofollow"
    response.headers["referrer-policy"] = "no-referrer"
    return response
