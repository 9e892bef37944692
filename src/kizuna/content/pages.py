"""Content pages: the review board and one deliverable's versions, diff, comments, disclosure checks and
workflow actions (request changes, approve, schedule, publish, register brand reuse)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kizuna.content import briefs, disclosure, service, uploads
from kizuna.content.service import TRANSITIONS
from kizuna.deals.actors import Actor
from kizuna.errors import KizunaError, ValidationFailed
from kizuna.kit.time import utcnow
from kizuna.models.content_comment import ContentComment
from kizuna.models.content_item import CONTENT_STATUSES, ContentItem
from kizuna.models.deal import Deal
from kizuna.models.influencer import Influencer
from kizuna.models.upload import Upload
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.i18n import _
from kizuna.web.routing import page_router
from kizuna.web.templating import render

router = page_router()
register_path_param("content_item_id", ContentItem)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


@router.get("/w/{ws}/content")
def content_index(request: Request, ctx: CtxDep, status: str = "") -> HTMLResponse:
    q = (
        select(ContentItem, Deal, Influencer)
        .join(Deal, Deal.id == ContentItem.deal_id)
        .join(Influencer, Influencer.id == Deal.influencer_id)
        .order_by(ContentItem.due_at.is_(None), ContentItem.due_at, ContentItem.id)
        .limit(1000)
    )
    if status in CONTENT_STATUSES:
        q = q.where(ContentItem.status == status)
    rows = ctx.session.execute(q).all()
    return render(
        request,
        "content/index.html",
        {"rows": rows, "status": status, "statuses": CONTENT_STATUSES, "now": utcnow()},
    )


def _item_context(ctx: Ctx, item: ContentItem, a: int | None = None, b: int | None = None) -> dict[str, Any]:
    s = ctx.session
    deal = s.get(Deal, item.deal_id)
    assert deal is not None
    influencer = s.get(Influencer, deal.influencer_id)
    versions = service.versions(s, item)
    by_number = {v.version: v for v in versions}
    diff = None
    left = right = None
    if len(versions) >= 2:
        right = by_number.get(b or versions[-1].version, versions[-1])
        left = by_number.get(a or right.version - 1, versions[-2])
        diff = service.caption_diff(left.caption, right.caption)
    comments = list(
        s.execute(
            select(ContentComment).where(ContentComment.item_id == item.id).order_by(ContentComment.id)
        ).scalars()
    )
    media_ids = [v.media_upload_id for v in versions if v.media_upload_id]
    media = (
        {u.id: u for u in s.execute(select(Upload).where(Upload.id.in_(media_ids))).scalars()}
        if media_ids
        else {}
    )
    brief, _overridden = briefs.effective_brief(s, deal.campaign_id, deal.influencer_id)
    return {
        "missing_tags": briefs.missing_mandatory(versions[-1].caption, brief) if versions else [],
        "version_numbers": {v.id: v.version for v in versions},
        "item": item,
        "deal": deal,
        "influencer": influencer,
        "versions": versions,
        "diff": diff,
        "left": left,
        "right": right,
        "comments": comments,
        "checks": disclosure.checks_for(s, item),
        "media": media,
        "allowed": TRANSITIONS[item.status],
        "approval_role": service.approval_role(s, item.workspace_id),
        "steps": CONTENT_STATUSES,
    }


@router.get("/w/{ws}/content/{content_item_id:int}")
def item_page(
    request: Request, ctx: CtxDep, content_item_id: int, a: int | None = None, b: int | None = None
) -> HTMLResponse:
    item = ctx.get(ContentItem, content_item_id)
    return render(request, "content/item.html", _item_context(ctx, item, a, b))


def _back(ctx: Ctx, content_item_id: int) -> RedirectResponse:
    return RedirectResponse(f"/w/{ctx.workspace.slug}/content/{content_item_id}", status_code=303)


def _error(request: Request, ctx: Ctx, content_item_id: int, exc: KizunaError) -> HTMLResponse:
    ctx.session.rollback()
    item = ctx.get(ContentItem, content_item_id)
    return render(
        request,
        "content/item.html",
        {**_item_context(ctx, item), "error": _(exc.message)},
        status_code=exc.status,
    )


@router.post("/w/{ws}/content/{content_item_id:int}/drafts")
def submit_draft(
    request: Request,
    ctx: CtxDep,
    content_item_id: int,
    caption: Annotated[str, Form()] = "",
    media_link: Annotated[str, Form()] = "",
    media: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A brand member submits a draft on the creator's behalf (e.g. received by e-mail)."""
    item = ctx.get(ContentItem, content_item_id)
    try:
        ctx.require("member")
        upload = None
        if media is not None and media.filename:
            upload = uploads.make_upload(
                media.file,
                workspace_id=ctx.workspace_id,
                original_name=media.filename,
                purpose="draft",
                uploaded_by=ctx.user.email,
                deal_id=item.deal_id,
            )
            ctx.add(upload)
            ctx.session.flush()
        service.submit_version(
            Actor.from_ctx(ctx), item, caption=caption, media=upload, media_link=media_link
        )
    except KizunaError as exc:
        return _error(request, ctx, content_item_id, exc)
    return _back(ctx, content_item_id)


@router.post("/w/{ws}/content/{content_item_id:int}/comment")
def add_comment(
    request: Request, ctx: CtxDep, content_item_id: int, body: Annotated[str, Form()] = ""
) -> Response:
    item = ctx.get(ContentItem, content_item_id)
    try:
        service.comment(Actor.from_ctx(ctx), item, body)
    except KizunaError as exc:
        return _error(request, ctx, content_item_id, exc)
    return _back(ctx, content_item_id)


@router.post("/w/{ws}/content/{content_item_id:int}/request-changes")
def request_changes(
    request: Request, ctx: CtxDep, content_item_id: int, note: Annotated[str, Form()] = ""
) -> Response:
    item = ctx.get(ContentItem, content_item_id)
    try:
        service.request_changes(Actor.from_ctx(ctx), item, note)
    except KizunaError as exc:
        return _error(request, ctx, content_item_id, exc)
    return _back(ctx, content_item_id)


@router.post("/w/{ws}/content/{content_item_id:int}/approve")
def approve(
    request: Request,
    ctx: CtxDep,
    content_item_id: int,
    override: Annotated[str, Form()] = "",
    spoken: Annotated[str, Form()] = "",
    onscreen: Annotated[str, Form()] = "",
) -> Response:
    """Approve; the video checkboxes record what the reviewer verified in the video itself."""
    item = ctx.get(ContentItem, content_item_id)
    try:
        service.approve(
            Actor.from_ctx(ctx),
            item,
            override_compliance=override == "on",
            spoken=True if spoken == "on" else None,
            onscreen=True if onscreen == "on" else None,
        )
    except KizunaError as exc:
        return _error(request, ctx, content_item_id, exc)
    return _back(ctx, content_item_id)


@router.post("/w/{ws}/content/{content_item_id:int}/schedule")
def schedule(
    request: Request, ctx: CtxDep, content_item_id: int, when: Annotated[str, Form()] = ""
) -> Response:
    item = ctx.get(ContentItem, content_item_id)
    try:
        try:
            local = datetime.fromisoformat(when)
        except ValueError:
            raise ValidationFailed("Enter a date and time.", code="schedule_invalid") from None
        if local.tzinfo is None:
            local = local.replace(tzinfo=ZoneInfo(ctx.timezone))
        service.schedule(Actor.from_ctx(ctx), item, local)
    except KizunaError as exc:
        return _error(request, ctx, content_item_id, exc)
    return _back(ctx, content_item_id)


@router.post("/w/{ws}/content/{content_item_id:int}/publish")
def publish(
    request: Request,
    ctx: CtxDep,
    content_item_id: int,
    url: Annotated[str, Form()] = "",
    caption: Annotated[str, Form()] = "",
) -> Response:
    item = ctx.get(ContentItem, content_item_id)
    try:
        ctx.require("member")
        service.publish(Actor.from_ctx(ctx), item, url=url, caption=caption or None)
    except KizunaError as exc:
        return _error(request, ctx, content_item_id, exc)
    return _back(ctx, content_item_id)


@router.post("/w/{ws}/content/{content_item_id:int}/reuse")
def reuse(
    request: Request,
    ctx: CtxDep,
    content_item_id: int,
    channel: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    item = ctx.get(ContentItem, content_item_id)
    try:
        service.register_reuse(Actor.from_ctx(ctx), item, channel=channel, text=text)
    except KizunaError as exc:
        return _error(request, ctx, content_item_id, exc)
    return _back(ctx, content_item_id)
