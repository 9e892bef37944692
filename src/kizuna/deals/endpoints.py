"""JSON API under ``/api/v1/w/{ws}/deals``: deals and offers, rate guidance, agreements, portal links,
content review and payables. Thin: every rule lives in the services the pages use too."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.responses import Response
from sqlalchemy import select

from kizuna.content import disclosure
from kizuna.content import service as content
from kizuna.deals import agreement, forms, rates, service
from kizuna.deals.actors import Actor
from kizuna.deals.schemas import (
    AgreementOut,
    CheckOut,
    ContentItemOut,
    DealCancel,
    DealCreate,
    DealDetail,
    DealOut,
    MarkPaid,
    OfferAnswer,
    OfferCounter,
    OfferOut,
    PayableOut,
    PortalLinkCreate,
    PortalLinkOut,
    PublishIn,
    ReuseIn,
    ReviewAction,
)
from kizuna.deals.terms import Deliverable, Terms
from kizuna.errors import NotFound, ValidationFailed
from kizuna.models.content_item import ContentItem
from kizuna.models.deal import Deal
from kizuna.models.influencer import Influencer
from kizuna.models.payable import Payable
from kizuna.models.portal_link import PortalLink
from kizuna.payments import service as payments
from kizuna.portal import links
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import api_router

router = api_router(prefix="/api/v1/w/{ws}/deals", tags=["deals"])
register_path_param("deal_id", Deal)
register_path_param("portal_link_id", PortalLink)
register_path_param("content_item_id", ContentItem)
register_path_param("payable_id", Payable)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


def _detail(ctx: Ctx, deal: Deal) -> DealDetail:
    out = DealDetail.model_validate(deal)
    out.offers = [OfferOut.model_validate(o) for o in service.offers(ctx.session, deal)]
    return out


@router.get("", response_model=list[DealOut])
def list_deals(ctx: CtxDep, status: str | None = None, campaign_id: int | None = None) -> list[Deal]:
    q = select(Deal).order_by(Deal.id.desc()).limit(1000)
    if status:
        q = q.where(Deal.status == status)
    if campaign_id is not None:
        q = q.where(Deal.campaign_id == campaign_id)
    return list(ctx.session.execute(q).scalars())


@router.post("", response_model=DealDetail, status_code=201)
def create_deal(ctx: CtxDep, body: DealCreate) -> DealDetail:
    """Open a negotiation with the brand's first offer (the complete terms document)."""
    deal = service.create_deal(
        ctx,
        campaign_id=body.campaign_id,
        influencer_id=body.influencer_id,
        terms=forms.parse_terms(body.terms),
        note=body.note,
        creator_locale=body.creator_locale,
        title=body.title,
    )
    return _detail(ctx, deal)


@router.get("/rate-guidance")
def rate_guidance(
    ctx: CtxDep,
    influencer_id: int,
    platform: str,
    format: str,
    count: int = 1,
    currency: Annotated[str, Query(min_length=3, max_length=3)] = "JPY",
) -> dict[str, Any]:
    """Suggested fee range per unit for a deliverable, before any offer exists."""
    influencer = ctx.get(Influencer, influencer_id)
    try:
        deliverable = Deliverable.model_validate({"platform": platform, "format": format, "count": count})
    except ValueError as exc:
        raise ValidationFailed("Unknown platform or format.", code="deliverable_invalid") from exc
    g = rates.guide(
        ctx.session,
        influencer=influencer,
        deliverable=deliverable,
        currency=currency.upper(),
        workspace=ctx.workspace,
    )
    return g.as_dict()


@router.get("/content/{content_item_id:int}", response_model=dict[str, Any])
def get_item(ctx: CtxDep, content_item_id: int) -> dict[str, Any]:
    item = ctx.get(ContentItem, content_item_id)
    return {
        "item": ContentItemOut.model_validate(item).model_dump(mode="json"),
        "versions": [
            {
                "version": v.version,
                "caption": v.caption,
                "media_link": v.media_link,
                "media_upload_id": v.media_upload_id,
                "verdict": v.verdict,
                "from_creator": v.from_creator,
                "created_at": v.created_at.isoformat(),
            }
            for v in content.versions(ctx.session, item)
        ],
        "checks": [
            CheckOut.model_validate(c).model_dump(mode="json")
            for c in disclosure.checks_for(ctx.session, item)
        ],
    }


@router.post("/content/{content_item_id:int}/request-changes", response_model=ContentItemOut)
def request_changes(ctx: CtxDep, content_item_id: int, body: ReviewAction) -> ContentItem:
    return content.request_changes(Actor.from_ctx(ctx), ctx.get(ContentItem, content_item_id), body.note)


@router.post("/content/{content_item_id:int}/approve", response_model=ContentItemOut)
def approve(ctx: CtxDep, content_item_id: int, body: ReviewAction) -> ContentItem:
    """Approve the latest draft (needs the workspace's approval role; a non-compliant draft needs an override)."""
    return content.approve(
        Actor.from_ctx(ctx),
        ctx.get(ContentItem, content_item_id),
        override_compliance=body.override_compliance,
        spoken=body.spoken_disclosure,
        onscreen=body.onscreen_disclosure,
    )


@router.post("/content/{content_item_id:int}/publish", response_model=list[CheckOut])
def publish(ctx: CtxDep, content_item_id: int, body: PublishIn) -> list[Any]:
    """Register the live post; its caption is checked again for disclosure (``live_post``)."""
    ctx.require("member")
    return content.publish(
        Actor.from_ctx(ctx), ctx.get(ContentItem, content_item_id), url=body.url, caption=body.caption
    )


@router.post("/content/{content_item_id:int}/reuse", response_model=list[CheckOut])
def reuse(ctx: CtxDep, content_item_id: int, body: ReuseIn) -> list[Any]:
    """Check and register the brand's reuse of the creator's content (``brand_reuse``)."""
    return content.register_reuse(
        Actor.from_ctx(ctx), ctx.get(ContentItem, content_item_id), channel=body.channel, text=body.text
    )


@router.get("/payables", response_model=list[PayableOut])
def list_payables(ctx: CtxDep, status: str | None = None) -> list[PayableOut]:
    out = []
    for r in payments.rows(ctx.session, status=status):
        row = PayableOut.model_validate(r.payable)
        row.overdue = payments.is_overdue(r.payable)
        out.append(row)
    return out


@router.get("/payables.csv", response_class=Response)
def payables_csv(ctx: CtxDep) -> Response:
    ctx.require("member")
    return Response("\ufeff" + payments.export_csv(ctx.session), media_type="text/csv; charset=utf-8")


@router.post("/payables/{payable_id:int}/paid", response_model=PayableOut)
def mark_paid(ctx: CtxDep, payable_id: int, body: MarkPaid) -> Payable:
    """Record the payment; Japanese withholding is computed now, from the payee's current details."""
    return payments.mark_paid(Actor.from_ctx(ctx), ctx.get(Payable, payable_id), reference=body.reference)


@router.get("/{deal_id:int}", response_model=DealDetail)
def get_deal(ctx: CtxDep, deal_id: int) -> DealDetail:
    return _detail(ctx, ctx.get(Deal, deal_id))


@router.post("/{deal_id:int}/offers", response_model=OfferOut, status_code=201)
def counter(ctx: CtxDep, deal_id: int, body: OfferCounter) -> Any:
    """A counter-offer: a complete new version; ``expected_version`` must be the latest one you read."""
    deal = ctx.get(Deal, deal_id)
    return service.counter(
        Actor.from_ctx(ctx),
        deal,
        forms.parse_terms(body.terms),
        note=body.note,
        expected_version=body.expected_version,
    )


@router.post("/{deal_id:int}/accept", response_model=AgreementOut)
def accept(ctx: CtxDep, deal_id: int, body: OfferAnswer) -> Any:
    """Accept the creator's latest counter; returns the issued agreement."""
    return service.accept(Actor.from_ctx(ctx), ctx.get(Deal, deal_id), expected_version=body.expected_version)


@router.post("/{deal_id:int}/decline", response_model=DealOut)
def decline(ctx: CtxDep, deal_id: int, body: OfferAnswer) -> Any:
    return service.decline(
        Actor.from_ctx(ctx),
        ctx.get(Deal, deal_id),
        expected_version=body.expected_version,
        reason=body.reason,
    )


@router.post("/{deal_id:int}/cancel", response_model=DealOut)
def cancel(ctx: CtxDep, deal_id: int, body: DealCancel | None = None) -> Any:
    """Cancel (admin): published work keeps its fee, drafted work becomes the kill fee, the rest is dropped."""
    return service.cancel(ctx, ctx.get(Deal, deal_id), reason=body.reason if body is not None else "")


@router.get("/{deal_id:int}/rate-guidance")
def deal_rate_guidance(ctx: CtxDep, deal_id: int) -> list[dict[str, Any]]:
    """Rate guidance for every deliverable of the latest version, with the reasoning."""
    deal = ctx.get(Deal, deal_id)
    latest = service.latest_offer(ctx.session, deal)
    if latest is None:
        return []
    influencer = ctx.get(Influencer, deal.influencer_id)
    return [
        g.as_dict()
        for g in rates.guide_terms(
            ctx.session,
            influencer=influencer,
            terms=Terms.model_validate(latest.terms),
            workspace=ctx.workspace,
            exclude_deal=deal.id,
        )
    ]


@router.get("/{deal_id:int}/agreement", response_model=AgreementOut | None)
def get_agreement(ctx: CtxDep, deal_id: int) -> Any:
    """The accepted (else the latest issued) agreement, or ``null`` before an offer is accepted."""
    return agreement.current_agreement(ctx.session, ctx.get(Deal, deal_id))


@router.get("/{deal_id:int}/content", response_model=list[ContentItemOut])
def deal_content(ctx: CtxDep, deal_id: int) -> list[ContentItem]:
    deal = ctx.get(Deal, deal_id)
    return list(
        ctx.session.execute(
            select(ContentItem).where(ContentItem.deal_id == deal.id).order_by(ContentItem.id)
        ).scalars()
    )


@router.post("/{deal_id:int}/portal-links", response_model=PortalLinkOut, status_code=201)
def create_link(ctx: CtxDep, deal_id: int, body: PortalLinkCreate) -> PortalLinkOut:
    """A magic link for the creator. The URL is returned once; only its hash is stored."""
    issued = links.issue(ctx, ctx.get(Deal, deal_id), days=body.days)
    return PortalLinkOut(id=issued.link.id, url=issued.url, expires_at=issued.link.expires_at)


@router.post("/{deal_id:int}/portal-links/{portal_link_id:int}/revoke", status_code=204)
def revoke_link(ctx: CtxDep, deal_id: int, portal_link_id: int) -> Response:
    deal = ctx.get(Deal, deal_id)
    link = ctx.get(PortalLink, portal_link_id)
    if link.deal_id != deal.id:
        raise NotFound("PortalLink not found.", code="not_found")
    links.revoke(ctx, link)
    return Response(status_code=204)
