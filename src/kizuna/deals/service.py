"""Offers and negotiation: a deal is a history of complete term versions; one of them gets accepted.

Either side may counter while the deal is negotiating; a counter supersedes the open version. Only the party
who did not write the latest version may accept or decline it, and they must name the version they read
(``expected_version``) so that a counter arriving in between cannot be accepted by accident. Accepting locks
the deal, creates the content items and payables, moves the pipeline to ``agreed`` and issues the agreement.
Every step writes an audit row in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.content import service as content
from kizuna.deals import agreement, pipeline
from kizuna.deals.actors import Actor
from kizuna.deals.terms import Terms, diff_terms
from kizuna.errors import Conflict, PermissionDenied, ValidationFailed
from kizuna.kit.time import utcnow
from kizuna.models.campaign import Campaign
from kizuna.models.deal import Deal
from kizuna.models.deal_agreement import DealAgreement
from kizuna.models.deal_offer import DealOffer
from kizuna.models.influencer import Influencer
from kizuna.tenancy import Ctx


def offers(session: Session, deal: Deal) -> list[DealOffer]:
    return list(
        session.execute(
            select(DealOffer).where(DealOffer.deal_id == deal.id).order_by(DealOffer.version)
        ).scalars()
    )


def latest_offer(session: Session, deal: Deal) -> DealOffer | None:
    return session.execute(
        select(DealOffer).where(DealOffer.deal_id == deal.id, DealOffer.version == deal.current_version)
    ).scalar_one_or_none()


def create_deal(
    ctx: Ctx,
    *,
    campaign_id: int,
    influencer_id: int,
    terms: Terms,
    note: str = "",
    creator_locale: str = "ja",
    title: str = "",
) -> Deal:
    """Open a negotiation with a first offer from the brand."""
    ctx.require("member")
    campaign = ctx.get(Campaign, campaign_id)
    influencer = ctx.get(Influencer, influencer_id)
    if creator_locale not in ("en", "ja"):
        raise ValidationFailed("The creator's language is English or Japanese.", code="creator_locale")
    open_deal = ctx.session.execute(
        select(Deal.id).where(
            Deal.campaign_id == campaign.id,
            Deal.influencer_id == influencer.id,
            Deal.status.in_(("negotiating", "accepted")),
        )
    ).first()
    if open_deal is not None:
        raise Conflict(
            "This creator already has an open deal on this campaign.",
            code="deal_exists",
            details={"deal_id": open_deal[0]},
        )
    deal = Deal(
        workspace_id=ctx.workspace_id,
        campaign_id=campaign.id,
        influencer_id=influencer.id,
        title=(title.strip() or f"{campaign.name} × {influencer.display_name}")[:200],
        currency=terms.currency,
        creator_locale=creator_locale,
        created_by_id=ctx.user.id,
    )
    ctx.session.add(deal)
    ctx.session.flush()
    actor = Actor.from_ctx(ctx)
    actor.audit("deal.created", deal, {"campaign_id": campaign.id, "influencer_id": influencer.id})
    _add_offer(actor, deal, terms, note)
    pipeline.advance(ctx.session, deal, "negotiating")
    return deal


def _add_offer(actor: Actor, deal: Deal, terms: Terms, note: str) -> DealOffer:
    s = actor.session
    previous = latest_offer(s, deal)
    if previous is not None and previous.status == "open":
        previous.status = "superseded"
    if terms.currency != deal.currency:
        raise ValidationFailed("A counter-offer keeps the deal's currency.", code="currency_mismatch")
    offer = DealOffer(
        workspace_id=deal.workspace_id,
        deal_id=deal.id,
        version=deal.current_version + 1,
        author="creator" if actor.is_creator else "brand",
        author_label=actor.label[:200],
        terms=terms.model_dump(mode="json"),
        fee_minor=terms.compensation.fee_minor,
        currency=terms.currency,
        note=note.strip()[:5000],
        status="open",
    )
    s.add(offer)
    deal.current_version = offer.version
    s.flush()
    changed = diff_terms(Terms.model_validate(previous.terms) if previous is not None else None, terms)
    actor.audit(
        "deal.offer_countered" if previous is not None else "deal.offer_proposed",
        offer,
        {"deal_id": deal.id, "version": offer.version, "author": offer.author, "changed": changed},
    )
    return offer


def counter(
    actor: Actor, deal: Deal, terms: Terms, *, note: str = "", expected_version: int | None = None
) -> DealOffer:
    actor.require("member")
    if deal.status != "negotiating":
        raise Conflict("This deal is no longer being negotiated.", code="deal_not_negotiating")
    if expected_version is not None and expected_version != deal.current_version:
        raise Conflict(
            "A newer version arrived while you were editing. Review it first.",
            code="offer_outdated",
            details={"current_version": deal.current_version},
        )
    return _add_offer(actor, deal, terms, note)


def _open_offer_for(actor: Actor, deal: Deal, expected_version: int) -> DealOffer:
    if deal.status != "negotiating":
        raise Conflict("This deal is no longer being negotiated.", code="deal_not_negotiating")
    offer = latest_offer(actor.session, deal)
    if offer is None or offer.status != "open":
        raise Conflict("There is no open offer.", code="offer_not_open")
    if expected_version != offer.version:
        raise Conflict(
            "A newer version arrived. Review it before answering.",
            code="offer_outdated",
            details={"current_version": offer.version},
        )
    own = "creator" if actor.is_creator else "brand"
    if offer.author == own:
        raise PermissionDenied("The other party answers your own offer.", code="offer_own_version")
    return offer


def accept(actor: Actor, deal: Deal, *, expected_version: int) -> DealAgreement:
    """Accept the latest version: the deal is locked and the agreement issued in the creator's language."""
    actor.require("admin")
    offer = _open_offer_for(actor, deal, expected_version)
    s = actor.session
    offer.status = "accepted"
    deal.status = "accepted"
    deal.accepted_offer_id = offer.id
    deal.accepted_at = utcnow()
    s.flush()
    actor.audit("deal.offer_accepted", offer, {"deal_id": deal.id, "version": offer.version})
    terms = Terms.model_validate(offer.terms)
    content.create_items_for_deal(s, deal, terms)
    pipeline.advance(s, deal, "agreed")
    return agreement.issue(actor, deal, offer)


def decline(actor: Actor, deal: Deal, *, expected_version: int, reason: str = "") -> Deal:
    actor.require("member")
    offer = _open_offer_for(actor, deal, expected_version)
    offer.status = "declined"
    deal.status = "declined"
    deal.closed_at = utcnow()
    pipeline.advance(actor.session, deal, "declined")
    actor.audit(
        "deal.offer_declined", offer, {"deal_id": deal.id, "version": offer.version, "reason": reason[:500]}
    )
    return deal


def reissue_agreement(ctx: Ctx, deal: Deal, language: str) -> DealAgreement:
    """A new agreement version (e.g. in the other language, or after the payee's legal name arrived)."""
    ctx.require("admin")
    if deal.accepted_offer_id is None:
        raise Conflict("The deal has no accepted offer yet.", code="deal_not_accepted")
    offer = ctx.get(DealOffer, deal.accepted_offer_id)
    return agreement.issue(Actor.from_ctx(ctx), deal, offer, language)


def cancel(ctx: Ctx, deal: Deal, *, reason: str = "") -> Deal:
    """The brand cancels the deal, applying the cancellation clause of the accepted terms.

    Published deliverables keep their full fee; drafted but unpublished ones become a kill fee (the terms'
    ``kill_fee_pct`` of their fee) due ``net_days`` from now; untouched ones lose their payable. Paid payables
    are never changed. The portal closes for a cancelled deal.
    """
    from kizuna.models.content_item import ContentItem
    from kizuna.models.content_version import ContentVersion
    from kizuna.models.payable import Payable

    ctx.require("admin")
    if deal.status not in ("negotiating", "accepted"):
        raise Conflict("This deal is already closed.", code="deal_closed")
    s = ctx.session
    now = utcnow()
    kill_fees: list[dict[str, int]] = []
    if deal.status == "negotiating":
        latest = latest_offer(s, deal)
        if latest is not None and latest.status == "open":
            latest.status = "declined"
    else:
        assert deal.accepted_offer_id is not None
        terms = Terms.model_validate(ctx.get(DealOffer, deal.accepted_offer_id).terms)
        items = {
            i.id: i for i in s.execute(select(ContentItem).where(ContentItem.deal_id == deal.id)).scalars()
        }
        drafted = set(
            s.execute(
                select(ContentVersion.item_id).where(ContentVersion.item_id.in_(list(items) or [0]))
            ).scalars()
        )
        for p in list(s.execute(select(Payable).where(Payable.deal_id == deal.id)).scalars()):
            item = items.get(p.content_item_id) if p.content_item_id is not None else None
            if p.status == "paid" or (item is not None and item.status == "published"):
                continue
            if item is not None and item.id in drafted and terms.kill_fee_pct > 0:
                p.gross_minor = p.gross_minor * terms.kill_fee_pct // 100
                p.description = f"{p.description} (kill fee {terms.kill_fee_pct}%)"[:300]
                p.clock_start = "cancellation"
                p.clock_started_at = now
                p.due_at = now + timedelta(days=p.net_days)
                p.status = "scheduled"
                kill_fees.append({"payable_id": p.id, "gross_minor": p.gross_minor})
            else:
                s.delete(p)
    deal.status = "cancelled"
    deal.closed_at = now
    pipeline.advance(s, deal, "declined")
    ctx.audit("deal.cancelled", deal, {"reason": reason[:500], "kill_fees": kill_fees})
    return deal
