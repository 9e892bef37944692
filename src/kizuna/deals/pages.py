"""Deal pages: list, new offer, negotiation history with counter/accept/decline, rate guidance, agreement,
portal links, and brief editing with brand assets."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import or_, select

from kizuna.content import briefs, uploads
from kizuna.deals import agreement, forms, rates, service
from kizuna.deals.actors import Actor
from kizuna.deals.changes import term_changes
from kizuna.deals.terms import FORMATS, PLATFORMS, USAGE_CHANNELS, Terms
from kizuna.errors import Conflict, KizunaError, NotFound, ValidationFailed
from kizuna.kit.crypto import decrypt
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.content_item import ContentItem
from kizuna.models.deal import Deal
from kizuna.models.deal_agreement import DealAgreement
from kizuna.models.influencer import Influencer
from kizuna.models.portal_link import PortalLink
from kizuna.models.upload import Upload
from kizuna.payments import service as payments
from kizuna.portal import links
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.i18n import _
from kizuna.web.routing import page_router
from kizuna.web.templating import render

router = page_router()
register_path_param("deal_id", Deal)
register_path_param("portal_link_id", PortalLink)
register_path_param("campaign_id", Campaign)
register_path_param("deal_file_id", Upload)

CtxDep = Annotated[Ctx, Depends(workspace_ctx)]
STATUSES = ("negotiating", "accepted", "declined", "cancelled")


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _base(ctx: Ctx) -> str:
    return f"/w/{ctx.workspace.slug}/deals"


def _choices() -> dict[str, Any]:
    return {
        "platforms": PLATFORMS,
        "formats": FORMATS,
        "usage_channels": USAGE_CHANNELS,
        "currencies": ("JPY", "USD", "EUR", "TWD", "KRW", "HKD", "CNY", "GBP", "SGD", "THB", "AUD"),
        "jurisdictions": ("jp", "us", "uk", "in"),
        "max_rows": forms.MAX_DELIVERABLE_ROWS,
    }


@router.get("/w/{ws}/deals")
def deals_index(request: Request, ctx: CtxDep, status: str = "") -> HTMLResponse:
    q = (
        select(Deal, Influencer, Campaign)
        .join(Influencer, Influencer.id == Deal.influencer_id)
        .join(Campaign, Campaign.id == Deal.campaign_id)
        .order_by(Deal.updated_at.desc())
        .limit(500)
    )
    if status in STATUSES:
        q = q.where(Deal.status == status)
    rows = ctx.session.execute(q).all()
    overdue = payments.overdue(ctx.session)
    return render(
        request,
        "deals/index.html",
        {"rows": rows, "status": status, "statuses": STATUSES, "overdue_count": len(overdue)},
    )


def _new_form_context(ctx: Ctx, campaign_id: int | None, influencer_id: int | None) -> dict[str, Any]:
    campaigns = list(
        ctx.session.execute(select(Campaign).order_by(Campaign.created_at.desc()).limit(200)).scalars()
    )
    q = select(Influencer).order_by(Influencer.display_name).limit(300)
    if campaign_id:
        q = (
            select(Influencer)
            .join(CampaignInfluencer, CampaignInfluencer.influencer_id == Influencer.id)
            .where(CampaignInfluencer.campaign_id == campaign_id)
            .order_by(Influencer.display_name)
        )
    influencers = list(ctx.session.execute(q).scalars())
    if influencer_id and all(i.id != influencer_id for i in influencers):
        extra = ctx.session.get(Influencer, influencer_id)
        if extra is not None:
            influencers.insert(0, extra)
    return {
        "campaigns": campaigns,
        "influencers": influencers,
        "campaign_id": campaign_id,
        "influencer_id": influencer_id,
        **_choices(),
    }


@router.get("/w/{ws}/deals/new")
def new_deal(
    request: Request, ctx: CtxDep, campaign_id: int | None = None, influencer_id: int | None = None
) -> HTMLResponse:
    values = forms.form_values(None)
    if campaign_id:
        camp = ctx.session.get(Campaign, campaign_id)
        if camp is not None:
            values["currency"] = camp.currency
    data = _new_form_context(ctx, campaign_id, influencer_id)
    return render(request, "deals/new.html", {**data, "v": values})


@router.post("/w/{ws}/deals")
async def create_deal(request: Request, ctx: CtxDep) -> Response:
    form = await request.form()
    try:
        campaign_id = int(str(form.get("campaign_id") or 0))
        influencer_id = int(str(form.get("influencer_id") or 0))
        terms = forms.terms_from_form(form)
        deal = service.create_deal(
            ctx,
            campaign_id=campaign_id,
            influencer_id=influencer_id,
            terms=terms,
            note=str(form.get("note", "")),
            creator_locale=str(form.get("creator_locale", "ja")),
            title=str(form.get("title", "")),
        )
    except (KizunaError, ValueError) as exc:
        message = exc.message if isinstance(exc, KizunaError) else "Choose a campaign and a creator."
        ctx.session.rollback()
        data = _new_form_context(ctx, None, None)
        return render(
            request,
            "deals/new.html",
            {
                **data,
                "v": {**forms.form_values(None), **{k: form.get(k) for k in form}},
                "error": _(message) if not isinstance(exc, KizunaError) else forms.describe(exc),
            },
            status_code=exc.status if isinstance(exc, KizunaError) else 422,
        )
    return _redirect(f"{_base(ctx)}/{deal.id}")


def _detail_context(ctx: Ctx, deal: Deal) -> dict[str, Any]:
    s = ctx.session
    offers = service.offers(s, deal)
    latest = offers[-1] if offers else None
    history = []
    previous: Terms | None = None
    for offer in offers:
        terms = Terms.model_validate(offer.terms)
        history.append({"offer": offer, "terms": terms, "changed": term_changes(previous, terms, ctx.locale)})
        previous = terms
    influencer = s.get(Influencer, deal.influencer_id)
    campaign = s.get(Campaign, deal.campaign_id)
    assert influencer is not None and campaign is not None
    guidance = (
        rates.guide_terms(
            s, influencer=influencer, terms=previous, workspace=ctx.workspace, exclude_deal=deal.id
        )
        if previous is not None
        else []
    )
    items = list(
        s.execute(
            select(ContentItem).where(ContentItem.deal_id == deal.id).order_by(ContentItem.id)
        ).scalars()
    )
    return {
        "deal": deal,
        "influencer": influencer,
        "campaign": campaign,
        "history": history,
        "latest": latest,
        "v": forms.form_values(previous),
        "guidance": guidance,
        "agreement": agreement.current_agreement(s, deal),
        "links": links.links_for(s, deal),
        "items": items,
        "payables": payments.rows(s, deal_id=deal.id),
        "payee": payments.payee_for(s, deal.influencer_id),
        "bank_details": _bank_details(ctx, deal),
        **_choices(),
    }


def _bank_details(ctx: Ctx, deal: Deal) -> str:
    """The creator's bank details, decrypted for admins only (they make the payments)."""
    payee = payments.payee_for(ctx.session, deal.influencer_id)
    if payee is None or not payee.bank_details_enc or not ctx.has_role("admin"):
        return ""
    try:
        return decrypt(payee.bank_details_enc)
    except KizunaError:
        return ""


@router.get("/w/{ws}/deals/{deal_id:int}")
def deal_detail(request: Request, ctx: CtxDep, deal_id: int) -> HTMLResponse:
    deal = ctx.get(Deal, deal_id)
    return render(request, "deals/detail.html", _detail_context(ctx, deal))


def _detail_error(
    request: Request, ctx: CtxDep, deal_id: int, exc: KizunaError, **extra: Any
) -> HTMLResponse:
    ctx.session.rollback()
    deal = ctx.get(Deal, deal_id)
    return render(
        request,
        "deals/detail.html",
        {**_detail_context(ctx, deal), "error": forms.describe(exc), **extra},
        status_code=exc.status,
    )


@router.post("/w/{ws}/deals/{deal_id:int}/counter")
async def counter(request: Request, ctx: CtxDep, deal_id: int) -> Response:
    deal = ctx.get(Deal, deal_id)
    form = await request.form()
    try:
        terms = forms.terms_from_form(form)
        service.counter(
            Actor.from_ctx(ctx),
            deal,
            terms,
            note=str(form.get("note", "")),
            expected_version=int(str(form.get("expected_version") or deal.current_version)),
        )
    except KizunaError as exc:
        return _detail_error(request, ctx, deal_id, exc)
    return _redirect(f"{_base(ctx)}/{deal.id}")


@router.post("/w/{ws}/deals/{deal_id:int}/accept")
def accept(request: Request, ctx: CtxDep, deal_id: int, expected_version: Annotated[int, Form()]) -> Response:
    deal = ctx.get(Deal, deal_id)
    try:
        service.accept(Actor.from_ctx(ctx), deal, expected_version=expected_version)
    except KizunaError as exc:
        return _detail_error(request, ctx, deal_id, exc)
    return _redirect(f"{_base(ctx)}/{deal.id}")


@router.post("/w/{ws}/deals/{deal_id:int}/decline")
def decline(
    request: Request,
    ctx: CtxDep,
    deal_id: int,
    expected_version: Annotated[int, Form()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    deal = ctx.get(Deal, deal_id)
    try:
        service.decline(Actor.from_ctx(ctx), deal, expected_version=expected_version, reason=reason)
    except KizunaError as exc:
        return _detail_error(request, ctx, deal_id, exc)
    return _redirect(f"{_base(ctx)}/{deal.id}")


@router.post("/w/{ws}/deals/{deal_id:int}/cancel")
def cancel(request: Request, ctx: CtxDep, deal_id: int, reason: Annotated[str, Form()] = "") -> Response:
    deal = ctx.get(Deal, deal_id)
    try:
        service.cancel(ctx, deal, reason=reason)
    except KizunaError as exc:
        return _detail_error(request, ctx, deal_id, exc)
    return _redirect(f"{_base(ctx)}/{deal.id}")


@router.post("/w/{ws}/deals/{deal_id:int}/agreement")
def reissue(request: Request, ctx: CtxDep, deal_id: int, language: Annotated[str, Form()] = "ja") -> Response:
    deal = ctx.get(Deal, deal_id)
    try:
        service.reissue_agreement(ctx, deal, language)
    except KizunaError as exc:
        return _detail_error(request, ctx, deal_id, exc)
    return _redirect(f"{_base(ctx)}/{deal.id}/agreement")


def _agreement_or_404(ctx: Ctx, deal: Deal) -> DealAgreement:
    row = agreement.current_agreement(ctx.session, deal)
    if row is None:
        raise Conflict("No agreement has been issued for this deal yet.", code="agreement_missing")
    return row


@router.get("/w/{ws}/deals/{deal_id:int}/agreement")
def agreement_view(request: Request, ctx: CtxDep, deal_id: int) -> HTMLResponse:
    deal = ctx.get(Deal, deal_id)
    row = agreement.current_agreement(ctx.session, deal)
    return render(
        request,
        "deals/agreement.html",
        {
            "deal": deal,
            "agreement": row,
            "html": agreement.to_html(row.body) if row is not None else None,
            "pdf_url": f"{_base(ctx)}/{deal.id}/agreement.pdf",
        },
    )


@router.get("/w/{ws}/deals/{deal_id:int}/agreement.pdf")
def agreement_pdf(ctx: CtxDep, deal_id: int) -> Response:
    deal = ctx.get(Deal, deal_id)
    row = _agreement_or_404(ctx, deal)
    return pdf_response(row, deal)


def pdf_response(row: DealAgreement, deal: Deal) -> Response:
    footer = f"Kizuna · deal {deal.id} · agreement v{row.version} · {row.status}" + (
        f" · accepted by {row.accepted_name} at {row.accepted_at.isoformat()}" if row.accepted_at else ""
    )
    data = agreement.to_pdf(row.body, sha256=row.sha256, footer=footer)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="agreement-{deal.id}-v{row.version}.pdf"'},
    )


@router.post("/w/{ws}/deals/{deal_id:int}/links")
def issue_link(request: Request, ctx: CtxDep, deal_id: int, days: Annotated[int, Form()] = 30) -> Response:
    deal = ctx.get(Deal, deal_id)
    try:
        issued = links.issue(ctx, deal, days=days)
    except KizunaError as exc:
        return _detail_error(request, ctx, deal_id, exc)
    return render(request, "deals/detail.html", {**_detail_context(ctx, deal), "new_link": issued.url})


@router.post("/w/{ws}/deals/{deal_id:int}/links/{portal_link_id:int}/revoke")
def revoke_link(ctx: CtxDep, deal_id: int, portal_link_id: int) -> Response:
    deal = ctx.get(Deal, deal_id)
    link = ctx.get(PortalLink, portal_link_id)
    if link.deal_id != deal.id:
        raise NotFound("PortalLink not found.", code="not_found")
    links.revoke(ctx, link)
    return _redirect(f"{_base(ctx)}/{deal.id}")


# ------------------------------------------------------------------------------------------------- briefs


def _brief_context(ctx: Ctx, campaign: Campaign, influencer_id: int | None) -> dict[str, Any]:
    s = ctx.session
    content_, overridden = briefs.effective_brief(s, campaign.id, influencer_id)
    own = briefs.effective_brief(s, campaign.id, None)[0]
    creators = list(
        s.execute(
            select(Influencer)
            .join(Deal, Deal.influencer_id == Influencer.id)
            .where(Deal.campaign_id == campaign.id)
            .order_by(Influencer.display_name)
        ).scalars()
    )
    creator_deal = _creator_deal(ctx, campaign.id, influencer_id) if influencer_id is not None else None
    q = select(Upload).where(Upload.campaign_id == campaign.id, Upload.purpose == "asset")
    if creator_deal is not None:
        q = q.where(or_(Upload.deal_id.is_(None), Upload.deal_id == creator_deal.id))
    else:
        q = q.where(Upload.deal_id.is_(None))
    assets = list(s.execute(q.order_by(Upload.id)).scalars())
    return {
        "creator_deal": creator_deal,
        "campaign": campaign,
        "brief": content_,
        "campaign_brief": own,
        "overridden": overridden,
        "influencer_id": influencer_id,
        "creators": creators,
        "assets": assets,
    }


@router.get("/w/{ws}/deals/briefs/{campaign_id:int}")
def brief_page(
    request: Request, ctx: CtxDep, campaign_id: int, influencer_id: int | None = None
) -> HTMLResponse:
    campaign = ctx.get(Campaign, campaign_id)
    if influencer_id is not None:
        ctx.get(Influencer, influencer_id)
    return render(request, "deals/brief.html", _brief_context(ctx, campaign, influencer_id))


@router.post("/w/{ws}/deals/briefs/{campaign_id:int}")
async def save_brief(request: Request, ctx: CtxDep, campaign_id: int) -> Response:
    campaign = ctx.get(Campaign, campaign_id)
    form = await request.form()
    raw_inf = str(form.get("influencer_id") or "")
    influencer_id = int(raw_inf) if raw_inf.isdigit() else None
    if influencer_id is not None:
        ctx.get(Influencer, influencer_id)
    values: dict[str, Any] = {k: briefs.parse_lines(str(form.get(k, ""))) for k in briefs.LIST_FIELDS}
    values["disclosure_wording"] = str(form.get("disclosure_wording", ""))
    values["notes"] = str(form.get("notes", ""))
    for key in ("draft_due", "publish_from", "publish_until"):
        values[key] = str(form.get(key) or "") or None
    try:
        briefs.save(Actor.from_ctx(ctx), campaign.id, influencer_id, values)
    except KizunaError as exc:
        ctx.session.rollback()
        return render(
            request,
            "deals/brief.html",
            {**_brief_context(ctx, campaign, influencer_id), "error": forms.describe(exc)},
            status_code=exc.status,
        )
    except ValueError:
        ctx.session.rollback()
        return render(
            request,
            "deals/brief.html",
            {**_brief_context(ctx, campaign, influencer_id), "error": _("Enter dates as YYYY-MM-DD.")},
            status_code=422,
        )
    suffix = f"?influencer_id={influencer_id}" if influencer_id else ""
    return _redirect(f"{_base(ctx)}/briefs/{campaign.id}{suffix}")


def _creator_deal(ctx: Ctx, campaign_id: int, influencer_id: int) -> Deal | None:
    """The creator's latest deal on the campaign: creator-specific assets hang on it (the portal shows them)."""
    return ctx.session.execute(
        select(Deal)
        .where(Deal.campaign_id == campaign_id, Deal.influencer_id == influencer_id)
        .order_by(Deal.id.desc())
        .limit(1)
    ).scalar_one_or_none()


@router.post("/w/{ws}/deals/briefs/{campaign_id:int}/assets")
def upload_asset(
    request: Request,
    ctx: CtxDep,
    campaign_id: int,
    file: Annotated[UploadFile, File()],
    influencer_id: Annotated[str, Form()] = "",
) -> Response:
    """A brand asset for everyone on the campaign, or (``influencer_id``) for one creator only."""
    campaign = ctx.get(Campaign, campaign_id)
    ctx.require("member")
    creator_id = int(influencer_id) if influencer_id.isdigit() else None
    try:
        deal = None
        if creator_id is not None:
            ctx.get(Influencer, creator_id)
            deal = _creator_deal(ctx, campaign.id, creator_id)
            if deal is None:
                raise ValidationFailed(
                    "Make an offer to this creator before adding assets only for them.",
                    code="asset_needs_deal",
                )
        row = uploads.make_upload(
            file.file,
            workspace_id=ctx.workspace_id,
            original_name=file.filename or "asset",
            purpose="asset",
            uploaded_by=ctx.user.email,
            campaign_id=campaign.id,
            deal_id=deal.id if deal is not None else None,
        )
    except KizunaError as exc:
        return render(
            request,
            "deals/brief.html",
            {**_brief_context(ctx, campaign, creator_id), "error": forms.describe(exc)},
            status_code=exc.status,
        )
    ctx.add(row)
    ctx.session.flush()
    ctx.audit(
        "brief.asset_uploaded",
        row,
        {"campaign_id": campaign.id, "influencer_id": creator_id, "name": row.original_name},
    )
    suffix = f"?influencer_id={creator_id}" if creator_id is not None else ""
    return _redirect(f"{_base(ctx)}/briefs/{campaign.id}{suffix}")


@router.get("/w/{ws}/deals/files/{deal_file_id:int}")
def download(ctx: CtxDep, deal_file_id: int) -> Response:
    return uploads.serve(ctx.get(Upload, deal_file_id))
