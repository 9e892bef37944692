"""JSON API for outreach under ``/api/v1/w/{ws}/outreach``. Thin: every rule lives in the services."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy import select

from kizuna.errors import ValidationFailed
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.influencer import Influencer
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.models.outreach_mailbox import OutreachMailbox
from kizuna.models.outreach_message import OutreachMessage
from kizuna.models.outreach_sequence import OutreachSequence
from kizuna.models.outreach_suppression import OutreachSuppression
from kizuna.models.outreach_template import OutreachTemplate
from kizuna.outreach import engine, mailboxes, metrics, service, templating
from kizuna.outreach.pages import preview_context
from kizuna.outreach.schemas import (
    EnrollIn,
    EnrollmentOut,
    EnrollOut,
    MailboxIn,
    MailboxOut,
    MessageOut,
    MetricRow,
    PreviewIn,
    PreviewOut,
    ReplyIn,
    SequenceIn,
    SequenceOut,
    SequenceUpdate,
    StageMoveIn,
    SuppressionIn,
    SuppressionOut,
    TemplateIn,
    TemplateOut,
)
from kizuna.tenancy import Ctx, register_path_param
from kizuna.web.auth import workspace_ctx
from kizuna.web.routing import api_router
from kizuna.worker.queue import defer

router = api_router(prefix="/api/v1/w/{ws}/outreach", tags=["outreach"])
register_path_param("entry_id", CampaignInfluencer)
CtxDep = Annotated[Ctx, Depends(workspace_ctx)]


@router.get("/mailboxes", response_model=list[MailboxOut])
def list_mailboxes(ctx: CtxDep) -> list[OutreachMailbox]:
    """Sending mailboxes (passwords are never returned)."""
    return list(ctx.session.execute(select(OutreachMailbox).order_by(OutreachMailbox.id)).scalars())


@router.post("/mailboxes", response_model=MailboxOut, status_code=201)
def create_mailbox(ctx: CtxDep, body: MailboxIn) -> OutreachMailbox:
    """Add a mailbox; SMTP/IMAP passwords are encrypted at rest."""
    ctx.require("admin")
    mb = mailboxes.apply_settings(OutreachMailbox(workspace_id=ctx.workspace_id), body.model_dump())
    ctx.add(mb)
    ctx.session.flush()
    ctx.audit("outreach.mailbox_created", mb, {"from_email": mb.from_email})
    return mb


@router.patch("/mailboxes/{mailbox_id}", response_model=MailboxOut)
def update_mailbox(ctx: CtxDep, mailbox_id: int, body: MailboxIn) -> OutreachMailbox:
    ctx.require("admin")
    mb = ctx.get(OutreachMailbox, mailbox_id)
    mailboxes.apply_settings(mb, body.model_dump())
    ctx.audit("outreach.mailbox_updated", mb, {"from_email": mb.from_email})
    return mb


@router.get("/templates", response_model=list[TemplateOut])
def list_templates(ctx: CtxDep) -> list[OutreachTemplate]:
    return list(ctx.session.execute(select(OutreachTemplate).order_by(OutreachTemplate.id)).scalars())


@router.post("/templates", response_model=TemplateOut, status_code=201)
def create_template(ctx: CtxDep, body: TemplateIn) -> OutreachTemplate:
    """Save a template (syntax checked in the sandbox)."""
    return service.save_template(ctx.session, ctx.workspace_id, **body.model_dump())


@router.post("/preview", response_model=PreviewOut)
def preview(ctx: CtxDep, body: PreviewIn) -> PreviewOut:
    """Render a subject/body for one influencer as it would be sent; 422 ``template_missing_variables`` lists
    what is missing, ``template_unsafe`` refuses sandbox escapes."""
    inf = ctx.get(Influencer, body.influencer_id)
    context = preview_context(ctx, inf, campaign_id=body.campaign_id, offer=body.offer)
    rendered = templating.render(body.subject, body.body, context)
    language = "ja" if any(ord(ch) > 0x3000 for ch in body.body[:400]) else "en"
    return PreviewOut(
        to=service.recipient_address(ctx.session, inf) or "",
        subject=rendered.subject,
        body=rendered.body.rstrip()
        + engine.legal_footer(ctx.workspace, context["unsubscribe_url"], language),
    )


def _seq_out(ctx: Ctx, seq: OutreachSequence) -> SequenceOut:
    out = SequenceOut.model_validate(seq)
    out.steps = list(service.current_version(ctx.session, seq).steps)
    return out


@router.get("/sequences", response_model=list[SequenceOut])
def list_sequences(ctx: CtxDep) -> list[SequenceOut]:
    return [
        _seq_out(ctx, s)
        for s in ctx.session.execute(select(OutreachSequence).order_by(OutreachSequence.id)).scalars()
    ]


@router.post("/sequences", response_model=SequenceOut, status_code=201)
def create_sequence(ctx: CtxDep, body: SequenceIn) -> SequenceOut:
    campaign_id = ctx.get(Campaign, body.campaign_id).id if body.campaign_id else None
    seq = service.create_sequence(
        ctx.session,
        ctx.workspace_id,
        name=body.name,
        steps=[s.model_dump() for s in body.steps],
        offer=body.offer,
        campaign_id=campaign_id,
    )
    ctx.audit("outreach.sequence_created", seq, {"name": seq.name})
    return _seq_out(ctx, seq)


@router.get("/sequences/{sequence_id}", response_model=SequenceOut)
def get_sequence(ctx: CtxDep, sequence_id: int) -> SequenceOut:
    return _seq_out(ctx, ctx.get(OutreachSequence, sequence_id))


@router.patch("/sequences/{sequence_id}", response_model=SequenceOut)
def update_sequence(ctx: CtxDep, sequence_id: int, body: SequenceUpdate) -> SequenceOut:
    """Edit a sequence: changed steps become a new version; running enrollments keep theirs."""
    seq = ctx.get(OutreachSequence, sequence_id)
    version = service.update_sequence(
        ctx.session,
        seq,
        steps=[s.model_dump() for s in body.steps] if body.steps is not None else None,
        name=body.name,
        offer=body.offer,
    )
    ctx.audit("outreach.sequence_versioned", seq, {"version": version.version})
    return _seq_out(ctx, seq)


@router.post("/sequences/{sequence_id}/enroll", response_model=EnrollOut)
def enroll(ctx: CtxDep, sequence_id: int, body: EnrollIn) -> EnrollOut:
    """Enroll from a list of ids, a search (``q``, ``country``, ``tier``, ``tag``) or a campaign's stages."""
    seq = ctx.get(OutreachSequence, sequence_id)
    ids = list(body.influencer_ids)
    campaign_id = None
    if body.campaign_id:
        campaign_id = ctx.get(Campaign, body.campaign_id).id
        ids += service.campaign_influencer_ids(ctx.session, campaign_id, body.campaign_stages)
    if body.search:
        q = body.search
        found = service.search_influencers(
            ctx.session,
            q=q.get("q", ""),
            country=q.get("country", ""),
            tier=q.get("tier", ""),
            tag=q.get("tag", ""),
        )
        ids += [i.id for i in found]
    if not ids:
        raise ValidationFailed("Nobody to enroll.", code="enroll_empty")
    result = service.enroll(ctx.session, ctx.workspace_id, seq, ids, actor=ctx.user, campaign_id=campaign_id)
    return EnrollOut(enrolled=result.enrolled, skipped=result.skipped)


@router.get("/sequences/{sequence_id}/enrollments", response_model=list[EnrollmentOut])
def list_enrollments(ctx: CtxDep, sequence_id: int) -> list[OutreachEnrollment]:
    seq = ctx.get(OutreachSequence, sequence_id)
    return list(
        ctx.session.execute(
            select(OutreachEnrollment)
            .where(OutreachEnrollment.sequence_id == seq.id)
            .order_by(OutreachEnrollment.id)
        ).scalars()
    )


@router.post("/enrollments/{enrollment_id}/stop", response_model=EnrollmentOut)
def stop_enrollment(ctx: CtxDep, enrollment_id: int) -> OutreachEnrollment:
    enr = ctx.get(OutreachEnrollment, enrollment_id)
    service.stop_enrollments(ctx.session, [enr], reason="manual", detail=ctx.user.email)
    ctx.audit("outreach.enrollment_stopped", enr, {"reason": "manual"})
    return enr


@router.get("/influencers/{influencer_id}/messages", response_model=list[MessageOut])
def conversation(ctx: CtxDep, influencer_id: int) -> list[OutreachMessage]:
    """The conversation timeline: every message sent to or received from this influencer."""
    inf = ctx.get(Influencer, influencer_id)
    return list(
        ctx.session.execute(
            select(OutreachMessage)
            .where(OutreachMessage.influencer_id == inf.id)
            .order_by(OutreachMessage.id)
        ).scalars()
    )


@router.post("/influencers/{influencer_id}/reply", response_model=MessageOut, status_code=202)
def reply(ctx: CtxDep, influencer_id: int, body: ReplyIn) -> OutreachMessage:
    """Queue an in-thread reply (409 ``suppressed_recipient`` for opted-out addresses); ``nonce`` de-duplicates."""
    inf = ctx.get(Influencer, influencer_id)
    msg = engine.queue_reply(
        ctx.session,
        workspace=ctx.workspace,
        influencer=inf,
        body=body.body,
        nonce=body.nonce,
        mailbox_id=body.mailbox_id,
    )
    ctx.audit("outreach.reply_queued", msg, {"to": msg.to_addr})
    from kizuna.outreach.tasks import deliver_task

    defer(deliver_task, [msg.id])
    return msg


@router.get("/suppressions", response_model=list[SuppressionOut])
def list_suppressions(ctx: CtxDep) -> list[OutreachSuppression]:
    return list(ctx.session.execute(select(OutreachSuppression).order_by(OutreachSuppression.id)).scalars())


@router.post("/suppressions", response_model=SuppressionOut, status_code=201)
def add_suppression(ctx: CtxDep, body: SuppressionIn) -> OutreachSuppression:
    if "@" not in body.email:
        raise ValidationFailed("Enter an e-mail address.", code="invalid_email")
    service.suppress(ctx.session, ctx.workspace_id, body.email, reason="manual", source=ctx.user.email)
    ctx.audit("outreach.suppressed", None, {"email": body.email}, object_type="outreach_suppressions")
    row = ctx.session.execute(
        select(OutreachSuppression).where(OutreachSuppression.email == service.normalize_email(body.email))
    ).scalar_one()
    return row


@router.post("/pipeline/{entry_id}/stage")
def move_stage(ctx: CtxDep, entry_id: int, body: StageMoveIn) -> dict[str, str]:
    """Move a campaign pipeline card (audit-logged; stops the influencer's running sequences)."""
    row = ctx.get(CampaignInfluencer, entry_id)
    service.move_stage(
        ctx.session, row, body.stage, actor=ctx.user, manual=True, position=body.position, ip=ctx.ip
    )
    return {"stage": row.stage}


@router.get("/metrics", response_model=list[MetricRow])
def get_metrics(ctx: CtxDep, by: str = "step", sequence_id: int | None = None) -> list[MetricRow]:
    """Sent, delivered, bounced, replied and reply rate grouped ``by`` template, step, variant or tier."""
    if by not in ("template", "step", "variant", "tier"):
        raise ValidationFailed("Group by template, step, variant or tier.", code="invalid_group")
    return [MetricRow(**r.as_dict()) for r in metrics.breakdown(ctx.session, by, sequence_id=sequence_id)]
