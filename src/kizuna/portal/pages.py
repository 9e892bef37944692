"""The creator portal (``/portal/{token}``): no account, just the magic link for one deal.

The creator reads the offer and counters, accepts or declines it; reads and accepts the agreement (their
typed name, the time and their IP go into the audit log with the SHA-256 of the text); reads the brief and
downloads brand assets; submits drafts and reads review comments; registers the live post; enters payment and
invoice details; follows payment status. Writes are protected by the double-submit CSRF cookie used for every
form shown before sign-in. Pages are sent with ``Cache-Control: no-store`` because the URL is a credential.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import or_, select

from kizuna.content import briefs, disclosure, uploads
from kizuna.content import service as content
from kizuna.deals import agreement, forms, service
from kizuna.deals.actors import Actor
from kizuna.deals.pages import pdf_response
from kizuna.deals.terms import FORMATS, PLATFORMS, USAGE_CHANNELS, Terms
from kizuna.errors import Conflict, KizunaError, NotFound
from kizuna.kit.crypto import decrypt
from kizuna.kit.time import utcnow
from kizuna.models.campaign import Campaign
from kizuna.models.content_comment import ContentComment
from kizuna.models.content_item import ContentItem
from kizuna.models.influencer import Influencer
from kizuna.models.upload import Upload
from kizuna.models.workspace import Workspace
from kizuna.payments import service as payments
from kizuna.portal import links
from kizuna.tenancy import register_public_path
from kizuna.web.auth import client_ip, require_anon_csrf
from kizuna.web.i18n import _, negotiate
from kizuna.web.routing import LOCALE_COOKIE, page_router, uow_of
from kizuna.web.templating import render

router = page_router()
register_public_path("/portal/", "creator portal: authenticated by a signed, expiring, revocable magic link")
CSRF = [Depends(require_anon_csrf)]


class Portal:
    """The resolved link, deal and creator for one portal request."""

    def __init__(self, request: Request, token: str) -> None:
        self.request = request
        self.token = token
        self.session = uow_of(request).session
        self.link, self.deal = links.resolve(self.session, token)
        self._apply_locale()

    def _apply_locale(self) -> None:
        state = self.request.state.locale
        if self.request.cookies.get(LOCALE_COOKIE) in ("en", "ja"):
            return
        header = self.request.headers.get("accept-language")
        state.locale = negotiate(header) if header else self.deal.creator_locale

    @property
    def base(self) -> str:
        return f"/portal/{self.token}"

    def influencer(self) -> Influencer:
        row = self.session.get(Influencer, self.deal.influencer_id)
        assert row is not None
        return row

    def actor(self, name: str | None = None) -> Actor:
        payee = payments.payee_for(self.session, self.deal.influencer_id)
        label = name or (payee.legal_name if payee is not None else self.influencer().display_name)
        return Actor.creator(self.session, self.deal.workspace_id, label, client_ip(self.request))

    def item(self, item_id: int) -> ContentItem:
        row = self.session.execute(
            select(ContentItem).where(ContentItem.id == item_id, ContentItem.deal_id == self.deal.id)
        ).scalar_one_or_none()
        if row is None:
            raise NotFound("Not found.", code="not_found")
        return row


def portal_dep(request: Request, token: str) -> Portal:
    return Portal(request, token)


PortalDep = Annotated[Portal, Depends(portal_dep)]


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _context(p: Portal) -> dict[str, Any]:
    s = p.session
    deal = p.deal
    offers = service.offers(s, deal)
    latest = offers[-1] if offers else None
    terms = Terms.model_validate(latest.terms) if latest is not None else None
    accepted_terms = None
    if deal.accepted_offer_id is not None:
        accepted = next((o for o in offers if o.id == deal.accepted_offer_id), None)
        accepted_terms = Terms.model_validate(accepted.terms) if accepted is not None else None
    campaign = s.get(Campaign, deal.campaign_id)
    workspace = s.get(Workspace, deal.workspace_id)
    brief, _overridden = briefs.effective_brief(s, deal.campaign_id, deal.influencer_id)
    assets = list(
        s.execute(
            select(Upload)
            .where(
                Upload.campaign_id == deal.campaign_id,
                Upload.purpose == "asset",
                or_(Upload.deal_id.is_(None), Upload.deal_id == deal.id),
            )
            .order_by(Upload.id)
        ).scalars()
    )
    items = list(
        s.execute(
            select(ContentItem).where(ContentItem.deal_id == deal.id).order_by(ContentItem.id)
        ).scalars()
    )
    item_data = []
    for item in items:
        versions = content.versions(s, item)
        comments = list(
            s.execute(
                select(ContentComment).where(ContentComment.item_id == item.id).order_by(ContentComment.id)
            ).scalars()
        )
        item_data.append(
            {
                "item": item,
                "versions": versions,
                "comments": comments,
                "checks": disclosure.checks_for(s, item)[:4],
                "missing_tags": briefs.missing_mandatory(versions[-1].caption, brief) if versions else [],
                "version_numbers": {v.id: v.version for v in versions},
            }
        )
    payee = payments.payee_for(s, deal.influencer_id)
    bank = ""
    if payee is not None and payee.bank_details_enc:
        try:
            bank = decrypt(payee.bank_details_enc)
        except KizunaError:
            bank = ""
    return {
        "p": p,
        "deal": deal,
        "brand": workspace,
        "campaign": campaign,
        "creator": p.influencer(),
        "history": offers,
        "latest": latest,
        "terms": terms,
        "accepted_terms": accepted_terms,
        "v": forms.form_values(terms),
        "agreement": agreement.current_agreement(s, deal),
        "brief": brief,
        "assets": assets,
        "items": item_data,
        "payee": payee,
        "bank": bank,
        "payables": payments.rows(s, deal_id=deal.id),
        "link": p.link,
        "now": utcnow(),
        "currencies": (deal.currency,),
        "platforms": PLATFORMS,
        "formats": FORMATS,
        "usage_channels": USAGE_CHANNELS,
        "jurisdictions": ("jp", "us", "uk", "in"),
        "max_rows": forms.MAX_DELIVERABLE_ROWS,
    }


def _page(p: Portal, *, error: str | None = None, notice: str | None = None, status: int = 200) -> Response:
    return _no_store(
        render(
            p.request,
            "portal/index.html",
            {**_context(p), "error": error, "notice": notice},
            status_code=status,
        )
    )


def _fail(p: Portal, exc: KizunaError) -> Response:
    p.session.rollback()
    # The rollback expired the resolved rows; resolve again inside the fresh transaction.
    p.link, p.deal = links.resolve(p.session, p.token)
    return _page(p, error=forms.describe(exc), status=exc.status)


def _done(p: Portal, anchor: str = "") -> Response:
    return _no_store(RedirectResponse(p.base + (f"#{anchor}" if anchor else ""), status_code=303))


@router.get("/portal/{token}")
def portal_home(p: PortalDep) -> Response:
    return _page(p)


@router.post("/portal/{token}/offer/accept", dependencies=CSRF)
def accept_offer(p: PortalDep, expected_version: Annotated[int, Form()]) -> Response:
    try:
        service.accept(p.actor(), p.deal, expected_version=expected_version)
    except KizunaError as exc:
        return _fail(p, exc)
    return _done(p, "agreement")


@router.post("/portal/{token}/offer/decline", dependencies=CSRF)
def decline_offer(
    p: PortalDep, expected_version: Annotated[int, Form()], reason: Annotated[str, Form()] = ""
) -> Response:
    try:
        service.decline(p.actor(), p.deal, expected_version=expected_version, reason=reason)
    except KizunaError as exc:
        return _fail(p, exc)
    return _no_store(
        render(
            p.request,
            "portal/closed.html",
            {"message": _("You declined the offer. Thank you for your reply.")},
        )
    )


@router.post("/portal/{token}/offer/counter", dependencies=CSRF)
async def counter_offer(p: PortalDep) -> Response:
    form = await p.request.form()
    try:
        terms = forms.terms_from_form(form)
        service.counter(
            p.actor(),
            p.deal,
            terms,
            note=str(form.get("note", "")),
            expected_version=int(str(form.get("expected_version") or p.deal.current_version)),
        )
    except KizunaError as exc:
        return _fail(p, exc)
    return _done(p, "offer")


@router.get("/portal/{token}/agreement")
def agreement_page(p: PortalDep) -> Response:
    row = agreement.current_agreement(p.session, p.deal)
    if row is None:
        raise Conflict("No agreement has been issued yet.", code="agreement_missing")
    return _no_store(
        render(
            p.request,
            "portal/agreement.html",
            {"p": p, "agreement": row, "html": agreement.to_html(row.body), "creator": p.influencer()},
        )
    )


@router.get("/portal/{token}/agreement.pdf")
def agreement_pdf(p: PortalDep) -> Response:
    row = agreement.current_agreement(p.session, p.deal)
    if row is None:
        raise Conflict("No agreement has been issued yet.", code="agreement_missing")
    return _no_store(pdf_response(row, p.deal))


@router.post("/portal/{token}/agreement/accept", dependencies=CSRF)
def accept_agreement(
    p: PortalDep, name: Annotated[str, Form()] = "", sha256: Annotated[str, Form()] = ""
) -> Response:
    row = agreement.current_agreement(p.session, p.deal)
    if row is None:
        raise Conflict("No agreement has been issued yet.", code="agreement_missing")
    try:
        agreement.accept(p.actor(name.strip() or None), row, name=name, sha256=sha256)
    except KizunaError as exc:
        return _fail(p, exc)
    return _done(p, "agreement")


@router.post("/portal/{token}/content/{content_item_id:int}/draft", dependencies=CSRF)
def submit_draft(
    p: PortalDep,
    content_item_id: int,
    caption: Annotated[str, Form()] = "",
    media_link: Annotated[str, Form()] = "",
    media: Annotated[UploadFile | None, File()] = None,
) -> Response:
    item = p.item(content_item_id)
    try:
        upload = None
        if media is not None and media.filename:
            upload = uploads.make_upload(
                media.file,
                workspace_id=p.deal.workspace_id,
                original_name=media.filename,
                purpose="draft",
                uploaded_by=f"creator: {p.influencer().display_name}",
                deal_id=p.deal.id,
            )
            p.session.add(upload)
            p.session.flush()
        content.submit_version(p.actor(), item, caption=caption, media=upload, media_link=media_link)
    except KizunaError as exc:
        return _fail(p, exc)
    return _done(p, f"item-{item.id}")


@router.post("/portal/{token}/content/{content_item_id:int}/comment", dependencies=CSRF)
def comment(p: PortalDep, content_item_id: int, body: Annotated[str, Form()] = "") -> Response:
    item = p.item(content_item_id)
    try:
        content.comment(p.actor(), item, body)
    except KizunaError as exc:
        return _fail(p, exc)
    return _done(p, f"item-{item.id}")


@router.post("/portal/{token}/content/{content_item_id:int}/live", dependencies=CSRF)
def live_post(
    p: PortalDep, content_item_id: int, url: Annotated[str, Form()] = "", caption: Annotated[str, Form()] = ""
) -> Response:
    item = p.item(content_item_id)
    try:
        content.publish(p.actor(), item, url=url, caption=caption or None)
    except KizunaError as exc:
        return _fail(p, exc)
    return _done(p, f"item-{item.id}")


@router.post("/portal/{token}/payee", dependencies=CSRF)
def save_payee(
    p: PortalDep,
    legal_name: Annotated[str, Form()] = "",
    entity_type: Annotated[str, Form()] = "individual",
    country: Annotated[str, Form()] = "JP",
    invoice_registration_number: Annotated[str, Form()] = "",
    bank_details: Annotated[str, Form()] = "",
) -> Response:
    try:
        payments.save_payee(
            p.actor(),
            p.deal.influencer_id,
            legal_name=legal_name,
            entity_type=entity_type,
            country=country,
            invoice_registration_number=invoice_registration_number,
            bank_details=bank_details,
        )
    except KizunaError as exc:
        return _fail(p, exc)
    return _done(p, "payment")


@router.get("/portal/{token}/files/{deal_file_id:int}")
def download(p: PortalDep, deal_file_id: int) -> Response:
    row = p.session.execute(select(Upload).where(Upload.id == deal_file_id)).scalar_one_or_none()
    allowed = row is not None and (
        row.deal_id == p.deal.id
        or (row.purpose == "asset" and row.campaign_id == p.deal.campaign_id and row.deal_id is None)
    )
    if row is None or not allowed:
        raise NotFound("File not found.", code="upload_missing")
    return _no_store(uploads.serve(row))
