"""Outreach pages: overview, mailboxes, templates, sequence composer with live preview, conversations,
the pipeline board, metrics, suppressions, and the public unsubscribe page (RFC 8058 one-click)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select

from kizuna.errors import KizunaError, NotFound, ValidationFailed
from kizuna.influencers.tiers import tier_choices
from kizuna.kit.crypto import new_token
from kizuna.kit.time import utcnow
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import STAGES, CampaignInfluencer
from kizuna.models.influencer import Influencer
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.models.outreach_mailbox import OutreachMailbox
from kizuna.models.outreach_message import OutreachMessage
from kizuna.models.outreach_sequence import OutreachSequence
from kizuna.models.outreach_sequence_version import OutreachSequenceVersion
from kizuna.models.outreach_suppression import OutreachSuppression
from kizuna.models.outreach_task import OutreachTask
from kizuna.models.outreach_template import OutreachTemplate
from kizuna.outreach import engine, mailboxes, metrics, service, templating
from kizuna.tenancy import Ctx, register_path_param, register_public_path
from kizuna.web.auth import workspace_ctx
from kizuna.web.i18n import _, gettext
from kizuna.web.routing import page_router, uow_of
from kizuna.web.templating import render
from kizuna.worker.queue import defer

router = page_router()
register_path_param("mailbox_id", OutreachMailbox)
register_path_param("template_id", OutreachTemplate)
register_path_param("sequence_id", OutreachSequence)
register_path_param("enrollment_id", OutreachEnrollment)
register_path_param("task_id", OutreachTask)
register_path_param("message_id", OutreachMessage)
register_path_param("influencer_id", Influencer)
register_path_param("campaign_id", Campaign)
register_public_path("/u/", "signed one-click unsubscribe link from outreach e-mails (RFC 8058)")

CtxDep = Annotated[Ctx, Depends(workspace_ctx)]
MAX_SLOTS = 4


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _base(ctx: Ctx) -> str:
    return f"/w/{ctx.workspace.slug}/outreach"


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _campaigns(ctx: Ctx) -> list[Campaign]:
    return list(ctx.session.execute(select(Campaign).order_by(Campaign.created_at.desc())).scalars())


def _influencer_choices(ctx: Ctx, limit: int = 300) -> list[Influencer]:
    return list(
        ctx.session.execute(
            select(Influencer)
            .where(Influencer.merged_into_id.is_(None))
            .order_by(Influencer.display_name)
            .limit(limit)
        ).scalars()
    )


# --- overview --------------------------------------------------------------------------------------------------


@router.get("/w/{ws}/outreach")
def overview(request: Request, ctx: CtxDep) -> HTMLResponse:
    s = ctx.session
    service.ensure_starter_templates(s, ctx.workspace_id)
    sequences = list(
        s.execute(select(OutreachSequence).order_by(OutreachSequence.created_at.desc())).scalars()
    )
    counts = dict(
        s.execute(
            select(OutreachEnrollment.sequence_id, func.count())
            .where(OutreachEnrollment.status.in_(("active", "paused")))
            .group_by(OutreachEnrollment.sequence_id)
        ).all()
    )
    tasks = list(
        s.execute(
            select(OutreachTask, Influencer)
            .join(Influencer, Influencer.id == OutreachTask.influencer_id)
            .where(OutreachTask.status == "open")
            .order_by(OutreachTask.due_at)
            .limit(50)
        ).all()
    )
    uncertain = list(
        s.execute(select(OutreachMessage).where(OutreachMessage.status == "uncertain").limit(50)).scalars()
    )
    inbound = list(
        s.execute(
            select(OutreachMessage, Influencer)
            .outerjoin(Influencer, Influencer.id == OutreachMessage.influencer_id)
            .where(OutreachMessage.direction == "in")
            .order_by(OutreachMessage.id.desc())
            .limit(20)
        ).all()
    )
    boxes = list(s.execute(select(OutreachMailbox).order_by(OutreachMailbox.id)).scalars())
    return render(
        request,
        "outreach/index.html",
        {
            "sequences": sequences,
            "active_counts": counts,
            "tasks": tasks,
            "uncertain": uncertain,
            "inbound": inbound,
            "mailboxes": boxes,
            "campaigns": _campaigns(ctx),
        },
    )


# --- mailboxes -------------------------------------------------------------------------------------------------


def _mailbox_data(form: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: form.get(k, "").strip() for k in mailboxes.EDITABLE if k in form}
    for key in (
        "smtp_port",
        "imap_port",
        "daily_limit",
        "ramp_start",
        "ramp_step",
        "window_start_hour",
        "window_end_hour",
    ):
        if key in data:
            try:
                data[key] = int(data[key])
            except ValueError as exc:
                raise ValidationFailed("Numbers only, please.", code="mailbox_invalid_number") from exc
    for key in ("server_files_sent", "limits_enabled", "weekdays_only"):
        data[key] = form.get(key) == "on"
    data["smtp_password"] = form.get("smtp_password", "")
    data["imap_password"] = form.get("imap_password", "")
    return data


@router.get("/w/{ws}/outreach/mailboxes")
def mailboxes_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    boxes = list(ctx.session.execute(select(OutreachMailbox).order_by(OutreachMailbox.id)).scalars())
    now = utcnow()
    used = mailboxes.sent_today(ctx.session, [b.id for b in boxes], now)
    limits = {b.id: mailboxes.effective_limit(b, now) for b in boxes}
    return render(
        request, "outreach/mailboxes.html", {"mailboxes": boxes, "used": used, "limits": limits, "edit": None}
    )


@router.post("/w/{ws}/outreach/mailboxes")
async def mailbox_create(request: Request, ctx: CtxDep) -> Response:
    ctx.require("admin")
    mb = mailboxes.apply_settings(
        OutreachMailbox(workspace_id=ctx.workspace_id), _mailbox_data(await _form(request))
    )
    ctx.add(mb)
    ctx.session.flush()
    ctx.audit("outreach.mailbox_created", mb, {"from_email": mb.from_email})
    return _redirect(f"{_base(ctx)}/mailboxes")


@router.get("/w/{ws}/outreach/mailboxes/{mailbox_id}")
def mailbox_edit(request: Request, ctx: CtxDep, mailbox_id: int) -> HTMLResponse:
    mb = ctx.get(OutreachMailbox, mailbox_id)
    return render(request, "outreach/mailboxes.html", {"mailboxes": [], "used": {}, "limits": {}, "edit": mb})


@router.post("/w/{ws}/outreach/mailboxes/{mailbox_id}")
async def mailbox_update(request: Request, ctx: CtxDep, mailbox_id: int) -> Response:
    ctx.require("admin")
    mb = ctx.get(OutreachMailbox, mailbox_id)
    form = await _form(request)
    mailboxes.apply_settings(mb, _mailbox_data(form))
    if form.get("resume") == "on":
        mb.status, mb.paused_until, mb.paused_reason = "active", None, ""
    ctx.audit("outreach.mailbox_updated", mb, {"from_email": mb.from_email})
    return _redirect(f"{_base(ctx)}/mailboxes")


# --- templates -------------------------------------------------------------------------------------------------


@router.get("/w/{ws}/outreach/templates")
def templates_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    service.ensure_starter_templates(ctx.session, ctx.workspace_id)
    rows = list(ctx.session.execute(select(OutreachTemplate).order_by(OutreachTemplate.id)).scalars())
    return render(
        request,
        "outreach/templates.html",
        {
            "templates": rows,
            "edit": None,
            "variables": templating.VARIABLES,
            "influencers": _influencer_choices(ctx),
        },
    )


@router.post("/w/{ws}/outreach/templates")
async def template_create(request: Request, ctx: CtxDep) -> Response:
    form = await _form(request)
    t = service.save_template(
        ctx.session,
        ctx.workspace_id,
        name=form.get("name", ""),
        language=form.get("language", "ja"),
        subject=form.get("subject", ""),
        body=form.get("body", ""),
    )
    ctx.audit("outreach.template_saved", t, {"name": t.name})
    return _redirect(f"{_base(ctx)}/templates")


@router.get("/w/{ws}/outreach/templates/{template_id}")
def template_edit(request: Request, ctx: CtxDep, template_id: int) -> HTMLResponse:
    t = ctx.get(OutreachTemplate, template_id)
    return render(
        request,
        "outreach/templates.html",
        {
            "templates": [],
            "edit": t,
            "variables": templating.VARIABLES,
            "influencers": _influencer_choices(ctx),
        },
    )


@router.post("/w/{ws}/outreach/templates/{template_id}")
async def template_update(request: Request, ctx: CtxDep, template_id: int) -> Response:
    t = ctx.get(OutreachTemplate, template_id)
    form = await _form(request)
    service.save_template(
        ctx.session,
        ctx.workspace_id,
        name=form.get("name", ""),
        language=form.get("language", t.language),
        subject=form.get("subject", ""),
        body=form.get("body", ""),
        template=t,
    )
    ctx.audit("outreach.template_saved", t, {"name": t.name})
    return _redirect(f"{_base(ctx)}/templates")


# --- preview ---------------------------------------------------------------------------------------------------


def preview_context(
    ctx: Ctx, influencer: Influencer, *, campaign_id: int | None, offer: str
) -> dict[str, Any]:
    recipient = engine.load_recipients(ctx.session, [influencer.id])[influencer.id]
    campaign = ctx.session.get(Campaign, campaign_id) if campaign_id else None
    box = ctx.session.execute(select(OutreachMailbox).order_by(OutreachMailbox.id)).scalars().first()
    address = service.recipient_address(ctx.session, influencer) or "preview@example.invalid"
    return engine.build_context(
        recipient,
        workspace=ctx.workspace,
        mailbox=box,
        campaign=campaign,
        offer=offer,
        unsubscribe_url=engine.unsubscribe_url(ctx.workspace_id, address),
    )


@router.post("/w/{ws}/outreach/preview")
async def preview(request: Request, ctx: CtxDep) -> HTMLResponse:
    """Render the first e-mail step (or a template) for one influencer, exactly as it would be sent."""
    form = await _form(request)
    subject = form.get("subject", form.get("step-1-subject", ""))
    body = form.get("body", form.get("step-1-body", ""))
    template_id = form.get("step-1-template_id") or form.get("template_id")
    if template_id and not body.strip():
        tpl = ctx.get(OutreachTemplate, int(template_id))
        subject, body = tpl.subject, tpl.body
    result: dict[str, Any] = {}
    raw_id = form.get("influencer_id", "")
    if not raw_id.isdigit():
        result["error"] = _("Choose an influencer to preview.")
    else:
        inf = ctx.get(Influencer, int(raw_id))
        camp = form.get("campaign_id", "")
        context = preview_context(
            ctx, inf, campaign_id=int(camp) if camp.isdigit() else None, offer=form.get("offer", "")
        )
        try:
            rendered = templating.render(subject, body, context)
            language = "ja" if any(ord(ch) > 0x3000 for ch in body[:400]) else "en"
            result["subject"] = rendered.subject
            result["body"] = rendered.body.rstrip() + engine.legal_footer(
                ctx.workspace, context["unsubscribe_url"], language
            )
            result["to"] = service.recipient_address(ctx.session, inf) or ""
        except templating.TemplateBlocked as exc:
            result["error"] = _(exc.message) if not exc.details.get("missing") else _("Missing variables:")
            result["missing"] = exc.details.get("missing", [])
            result["code"] = exc.code
    return render(request, "outreach/_preview.html", result)


# --- sequences -------------------------------------------------------------------------------------------------


def steps_from_form(form: dict[str, str]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for n in range(1, MAX_SLOTS + 1):
        kind = form.get(f"step-{n}-kind", "email" if n == 1 else "none")
        if kind == "none":
            continue
        delay_raw = form.get(f"step-{n}-delay", "0" if n == 1 else "3") or "0"
        if not delay_raw.isdigit():
            raise ValidationFailed("Delays are whole business days.", code="sequence_bad_delay")
        step: dict[str, Any] = {"kind": kind, "delay_days": int(delay_raw)}
        if kind == "email":
            tid = form.get(f"step-{n}-template_id", "")
            step.update(
                template_id=int(tid) if tid.isdigit() else None,
                subject=form.get(f"step-{n}-subject", ""),
                body=form.get(f"step-{n}-body", ""),
            )
            b_body = form.get(f"step-{n}-b-body", "")
            if b_body.strip():
                step["variants"] = [
                    {"key": "B", "subject": form.get(f"step-{n}-b-subject", ""), "body": b_body}
                ]
        else:
            step.update(
                platform=form.get(f"step-{n}-platform", "instagram"), text=form.get(f"step-{n}-text", "")
            )
        steps.append(step)
    return steps


def _composer(
    request: Request, ctx: Ctx, *, seq: OutreachSequence | None, steps: list[dict[str, Any]], error: str = ""
) -> HTMLResponse:
    service.ensure_starter_templates(ctx.session, ctx.workspace_id)
    tpls = list(ctx.session.execute(select(OutreachTemplate).order_by(OutreachTemplate.id)).scalars())
    slots = [*steps, *([{"kind": "none"}] * (MAX_SLOTS - len(steps)))][:MAX_SLOTS]
    return render(
        request,
        "outreach/compose.html",
        {
            "seq": seq,
            "slots": slots,
            "templates": tpls,
            "campaigns": _campaigns(ctx),
            "influencers": _influencer_choices(ctx),
            "platforms": service.PLATFORMS,
            "variables": templating.VARIABLES,
            "error": error,
        },
        status_code=422 if error else 200,
    )


@router.get("/w/{ws}/outreach/sequences/new")
def sequence_new(request: Request, ctx: CtxDep) -> HTMLResponse:
    service.ensure_starter_templates(ctx.session, ctx.workspace_id)
    starters = list(
        ctx.session.execute(select(OutreachTemplate).order_by(OutreachTemplate.id).limit(2)).scalars()
    )
    first = starters[0] if starters else None
    follow = starters[1] if len(starters) > 1 else None
    steps: list[dict[str, Any]] = [
        {
            "kind": "email",
            "delay_days": 0,
            "template_id": None,
            "subject": first.subject if first else "",
            "body": first.body if first else "",
        },
        {"kind": "task", "delay_days": 2, "platform": "instagram", "text": templating.STARTER_DM_TEXT["ja"]},
        {
            "kind": "email",
            "delay_days": 3,
            "template_id": None,
            "subject": "",
            "body": follow.body if follow else "",
        },
    ]
    return _composer(request, ctx, seq=None, steps=steps)


@router.post("/w/{ws}/outreach/sequences")
async def sequence_create(request: Request, ctx: CtxDep) -> Response:
    form = await _form(request)
    camp = form.get("campaign_id", "")
    campaign_id = ctx.get(Campaign, int(camp)).id if camp.isdigit() else None
    try:
        seq = service.create_sequence(
            ctx.session,
            ctx.workspace_id,
            name=form.get("name", ""),
            steps=steps_from_form(form),
            offer=form.get("offer", ""),
            campaign_id=campaign_id,
        )
    except KizunaError as exc:
        uow_of(request).rollback()
        return _composer(request, ctx, seq=None, steps=steps_from_form(form), error=_(exc.message))
    ctx.audit("outreach.sequence_created", seq, {"name": seq.name})
    if form.get("start") == "1":
        ids = [
            int(x) for x in (await request.form()).getlist("enroll_ids") if isinstance(x, str) and x.isdigit()
        ]
        if campaign_id and form.get("enroll_campaign") == "on":
            ids += service.campaign_influencer_ids(ctx.session, campaign_id, ("prospect",))
        if ids:
            service.enroll(ctx.session, ctx.workspace_id, seq, ids, actor=ctx.user)
    return _redirect(f"{_base(ctx)}/sequences/{seq.id}")


#: The fixed start of a blocked template's stop detail ("Missing variables: first_name"); the names stay as stored.
_MISSING_VARIABLES = "Missing variables:"


def stop_detail_text(detail: str) -> str:
    """An enrollment's stored stop detail in the reader's language: a blocked template's fixed message (stored in
    English) translated, the names of missing variables kept; anything else (a mail server's answer, who stopped
    it) as stored."""
    if detail.startswith(_MISSING_VARIABLES):
        label = gettext(_MISSING_VARIABLES)
        return f"{label}{'' if label.endswith('：') else ' '}{detail[len(_MISSING_VARIABLES) :].strip()}"
    return gettext(detail) if detail else detail


@router.get("/w/{ws}/outreach/sequences/{sequence_id}")
def sequence_detail(
    request: Request, ctx: CtxDep, sequence_id: int, q: str = "", country: str = "", tier: str = ""
) -> HTMLResponse:
    s = ctx.session
    seq = ctx.get(OutreachSequence, sequence_id)
    versions = list(
        s.execute(
            select(OutreachSequenceVersion)
            .where(OutreachSequenceVersion.sequence_id == seq.id)
            .order_by(OutreachSequenceVersion.version.desc())
        ).scalars()
    )
    enrollments = list(
        s.execute(
            select(OutreachEnrollment, Influencer)
            .join(Influencer, Influencer.id == OutreachEnrollment.influencer_id)
            .where(OutreachEnrollment.sequence_id == seq.id)
            .order_by(OutreachEnrollment.id.desc())
            .limit(500)
        ).all()
    )
    version_no = {v.id: v.version for v in versions}
    by_variant = metrics.breakdown(s, "variant", sequence_id=seq.id)
    ab: list[dict[str, Any]] = []
    grouped: dict[int, list[metrics.Row]] = {}
    for row in by_variant:
        if row.step is not None:
            grouped.setdefault(row.step, []).append(row)
    for step_no, rows in grouped.items():
        if len(rows) >= 2:
            ab.append({"step": step_no, "rows": rows, "verdict": metrics.ab_verdict(rows[0], rows[1])})
    found = service.search_influencers(s, q=q, country=country, tier=tier) if (q or country or tier) else []
    return render(
        request,
        "outreach/sequence.html",
        {
            "seq": seq,
            "versions": versions,
            "current": versions[0] if versions else None,
            "enrollments": enrollments,
            "stop_details": {
                e.id: stop_detail_text(e.stop_detail) for e, _inf in enrollments if e.stop_detail
            },
            "version_no": version_no,
            "by_variant": by_variant,
            "ab": ab,
            "found": found,
            "q": q,
            "country": country,
            "tier": tier,
            "tiers": tier_choices(ctx.workspace, ctx.locale),
            "campaigns": _campaigns(ctx),
        },
    )


@router.get("/w/{ws}/outreach/sequences/{sequence_id}/edit")
def sequence_edit(request: Request, ctx: CtxDep, sequence_id: int) -> HTMLResponse:
    seq = ctx.get(OutreachSequence, sequence_id)
    return _composer(request, ctx, seq=seq, steps=list(service.current_version(ctx.session, seq).steps))


@router.post("/w/{ws}/outreach/sequences/{sequence_id}/edit")
async def sequence_update(request: Request, ctx: CtxDep, sequence_id: int) -> Response:
    seq = ctx.get(OutreachSequence, sequence_id)
    form = await _form(request)
    version = service.update_sequence(
        ctx.session, seq, steps=steps_from_form(form), name=form.get("name"), offer=form.get("offer")
    )
    ctx.audit("outreach.sequence_versioned", seq, {"version": version.version})
    return _redirect(f"{_base(ctx)}/sequences/{seq.id}")


@router.post("/w/{ws}/outreach/sequences/{sequence_id}/enroll")
async def sequence_enroll(request: Request, ctx: CtxDep, sequence_id: int) -> Response:
    """Enroll from a list (checked influencers), a search, or a campaign's prospects."""
    seq = ctx.get(OutreachSequence, sequence_id)
    raw = await request.form()
    ids = [int(x) for x in raw.getlist("influencer_ids") if isinstance(x, str) and x.isdigit()]
    camp = raw.get("campaign_id")
    campaign_id: int | None = None
    if isinstance(camp, str) and camp.isdigit():
        campaign_id = ctx.get(Campaign, int(camp)).id
        ids += service.campaign_influencer_ids(ctx.session, campaign_id, ("prospect",))
    result = service.enroll(ctx.session, ctx.workspace_id, seq, ids, actor=ctx.user, campaign_id=campaign_id)
    return _redirect(
        f"{_base(ctx)}/sequences/{seq.id}?enrolled={len(result.enrolled)}&skipped={len(result.skipped)}"
    )


@router.post("/w/{ws}/outreach/sequences/{sequence_id}/archive")
def sequence_archive(request: Request, ctx: CtxDep, sequence_id: int) -> Response:
    seq = ctx.get(OutreachSequence, sequence_id)
    seq.status = "archived" if seq.status == "active" else "active"
    ctx.audit("outreach.sequence_status", seq, {"status": seq.status})
    return _redirect(f"{_base(ctx)}/sequences/{seq.id}")


@router.post("/w/{ws}/outreach/enrollments/{enrollment_id}/stop")
def enrollment_stop(request: Request, ctx: CtxDep, enrollment_id: int) -> Response:
    enr = ctx.get(OutreachEnrollment, enrollment_id)
    service.stop_enrollments(ctx.session, [enr], reason="manual", detail=ctx.user.email)
    ctx.audit("outreach.enrollment_stopped", enr, {"reason": "manual"})
    return _redirect(f"{_base(ctx)}/sequences/{enr.sequence_id}")


@router.post("/w/{ws}/outreach/enrollments/{enrollment_id}/resume")
def enrollment_resume(request: Request, ctx: CtxDep, enrollment_id: int) -> Response:
    enr = ctx.get(OutreachEnrollment, enrollment_id)
    service.resume(ctx.session, enr, ctx.user)
    return _redirect(f"{_base(ctx)}/sequences/{enr.sequence_id}")


@router.post("/w/{ws}/outreach/tasks/{task_id}/done")
async def task_done(request: Request, ctx: CtxDep, task_id: int) -> Response:
    task = ctx.get(OutreachTask, task_id)
    form = await _form(request)
    service.complete_task(ctx.session, task, actor=ctx.user, skipped=form.get("skip") == "1")
    return _redirect(_base(ctx))


@router.post("/w/{ws}/outreach/messages/{message_id}/resolve")
async def message_resolve(request: Request, ctx: CtxDep, message_id: int) -> Response:
    msg = ctx.get(OutreachMessage, message_id)
    form = await _form(request)
    engine.resolve_uncertain(ctx.session, msg, sent=form.get("outcome") == "sent")
    ctx.audit("outreach.uncertain_resolved", msg, {"outcome": form.get("outcome")})
    return _redirect(_base(ctx))


# --- conversations ---------------------------------------------------------------------------------------------


@router.get("/w/{ws}/outreach/influencers/{influencer_id}")
def conversation(request: Request, ctx: CtxDep, influencer_id: int) -> HTMLResponse:
    inf = ctx.get(Influencer, influencer_id)
    rows = list(
        ctx.session.execute(
            select(OutreachMessage)
            .where(OutreachMessage.influencer_id == inf.id)
            .order_by(OutreachMessage.id)
        ).scalars()
    )
    tasks = list(
        ctx.session.execute(select(OutreachTask).where(OutreachTask.influencer_id == inf.id)).scalars()
    )
    enrollments = list(
        ctx.session.execute(
            select(OutreachEnrollment, OutreachSequence)
            .join(OutreachSequence, OutreachSequence.id == OutreachEnrollment.sequence_id)
            .where(OutreachEnrollment.influencer_id == inf.id)
        ).all()
    )
    suppressed = any(service.is_suppressed(ctx.session, ctx.workspace_id, e) for e in inf.emails or [])
    return render(
        request,
        "outreach/conversation.html",
        {
            "influencer": inf,
            "messages": rows,
            "tasks": tasks,
            "enrollments": enrollments,
            "suppressed": suppressed,
            "nonce": new_token(12),
        },
    )


@router.post("/w/{ws}/outreach/influencers/{influencer_id}/reply")
async def conversation_reply(request: Request, ctx: CtxDep, influencer_id: int) -> Response:
    inf = ctx.get(Influencer, influencer_id)
    form = await _form(request)
    msg = engine.queue_reply(
        ctx.session,
        workspace=ctx.workspace,
        influencer=inf,
        body=form.get("body", ""),
        nonce=form.get("nonce") or new_token(12),
    )
    ctx.audit("outreach.reply_queued", msg, {"to": msg.to_addr})
    from kizuna.outreach.tasks import deliver_task

    defer(deliver_task, [msg.id])
    return _redirect(f"{_base(ctx)}/influencers/{inf.id}")


# --- pipeline board --------------------------------------------------------------------------------------------


@router.get("/w/{ws}/outreach/board/{campaign_id}")
def board(request: Request, ctx: CtxDep, campaign_id: int) -> HTMLResponse:
    campaign = ctx.get(Campaign, campaign_id)
    rows = ctx.session.execute(
        select(CampaignInfluencer, Influencer)
        .join(Influencer, Influencer.id == CampaignInfluencer.influencer_id)
        .where(CampaignInfluencer.campaign_id == campaign.id)
        .order_by(CampaignInfluencer.position, CampaignInfluencer.id)
    ).all()
    columns: dict[str, list[Any]] = {stage: [] for stage in STAGES}
    for ci, inf in rows:
        columns.setdefault(ci.stage, []).append((ci, inf))
    return render(
        request, "outreach/board.html", {"campaign": campaign, "columns": columns, "stages": STAGES}
    )


@router.post("/w/{ws}/outreach/board/{campaign_id}/move")
async def board_move(request: Request, ctx: CtxDep, campaign_id: int) -> Response:
    """Drag and drop on the board: move one card to a stage (audit-logged; stops running sequences)."""
    campaign = ctx.get(Campaign, campaign_id)
    form = await _form(request)
    entry_id = form.get("entry_id", "")
    if not entry_id.isdigit():
        raise ValidationFailed("Missing card.", code="invalid_card")
    row = ctx.session.execute(
        select(CampaignInfluencer).where(
            CampaignInfluencer.id == int(entry_id), CampaignInfluencer.campaign_id == campaign.id
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("Card not found.", code="not_found")
    pos = form.get("position", "")
    service.move_stage(
        ctx.session,
        row,
        form.get("stage", ""),
        actor=ctx.user,
        manual=True,
        position=int(pos) if pos.isdigit() else None,
        ip=ctx.ip,
    )
    if request.headers.get("hx-request") == "true" or request.headers.get("x-requested-with") == "fetch":
        return Response(status_code=204)
    return _redirect(f"{_base(ctx)}/board/{campaign.id}")


# --- metrics and suppressions ------------------------------------------------------------------------------------


@router.get("/w/{ws}/outreach/metrics")
def metrics_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    tables = {by: metrics.breakdown(ctx.session, by) for by in ("template", "step", "variant", "tier")}
    return render(request, "outreach/metrics.html", {"tables": tables})


@router.get("/w/{ws}/outreach/suppressions")
def suppressions_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    rows = list(
        ctx.session.execute(
            select(OutreachSuppression).order_by(OutreachSuppression.id.desc()).limit(1000)
        ).scalars()
    )
    return render(request, "outreach/suppressions.html", {"rows": rows})


@router.post("/w/{ws}/outreach/suppressions")
async def suppression_add(request: Request, ctx: CtxDep) -> Response:
    form = await _form(request)
    address = form.get("email", "").strip()
    if "@" not in address:
        raise ValidationFailed("Enter an e-mail address.", code="invalid_email")
    service.suppress(ctx.session, ctx.workspace_id, address, reason="manual", source=ctx.user.email)
    ctx.audit("outreach.suppressed", None, {"email": address}, object_type="outreach_suppressions")
    return _redirect(f"{_base(ctx)}/suppressions")


# --- public unsubscribe ----------------------------------------------------------------------------------------


@router.get("/u/{token}")
def unsubscribe_page(request: Request, token: str) -> HTMLResponse:
    """Confirmation page: a GET must not unsubscribe (link scanners follow links); the button POSTs."""
    try:
        _ws, email = service.read_unsubscribe_token(token)
    except KizunaError as exc:
        return render(request, "outreach/unsubscribe.html", {"error": _(exc.message)}, status_code=400)
    return render(request, "outreach/unsubscribe.html", {"email": email, "token": token, "done": False})


@router.post("/u/{token}")
async def unsubscribe_post(request: Request, token: str) -> Response:
    """RFC 8058 one-click (body ``List-Unsubscribe=One-Click``) and the confirmation button. The signed token is
    the authority: no cookie, no CSRF token (mail providers post without either)."""
    email = service.apply_unsubscribe(uow_of(request).session, token, source="one-click")
    form = await _form(request)
    if form.get("List-Unsubscribe") == "One-Click":
        return Response(status_code=200, content="unsubscribed", media_type="text/plain")
    return render(request, "outreach/unsubscribe.html", {"email": email, "done": True})
