"""Outreach business rules: sequences and their versions, enrollment, stop rules, suppression, the pipeline.

Every function takes the caller's session (one unit of work) and never commits. Stop rules live here so the
web UI, the API, the CLI, the inbox poller and the sending engine all apply the same ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from kizuna.accounts.audit import record as audit_record
from kizuna.config import get_settings
from kizuna.errors import Conflict, NotFound, ValidationFailed
from kizuna.kit.crypto import Signer
from kizuna.kit.time import utcnow
from kizuna.models.campaign_influencer import STAGES, CampaignInfluencer
from kizuna.models.influencer import Influencer
from kizuna.models.manager import Manager
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.models.outreach_message import OutreachMessage
from kizuna.models.outreach_sequence import OutreachSequence
from kizuna.models.outreach_sequence_version import OutreachSequenceVersion
from kizuna.models.outreach_suppression import OutreachSuppression
from kizuna.models.outreach_task import OutreachTask
from kizuna.models.outreach_template import OutreachTemplate
from kizuna.models.user import User
from kizuna.outreach import templating

ACTIVE = ("active", "paused")
MAX_STEPS = 10
PLATFORMS = ("instagram", "tiktok", "youtube", "x", "line", "xiaohongshu", "other")
UNSUBSCRIBE_PURPOSE = "outreach-unsubscribe"


def normalize_email(address: str) -> str:
    return address.strip().lower()


# --- suppression -------------------------------------------------------------------------------------------


def is_suppressed(session: Session, workspace_id: int, address: str) -> bool:
    return (
        session.execute(
            select(OutreachSuppression.id).where(
                OutreachSuppression.workspace_id == workspace_id,
                OutreachSuppression.email == normalize_email(address),
            )
        ).first()
        is not None
    )


def suppress(session: Session, workspace_id: int, address: str, *, reason: str, source: str = "") -> bool:
    """Add an address to the suppression list (idempotent); returns True when it was new."""
    email = normalize_email(address)
    if not email or is_suppressed(session, workspace_id, email):
        return False
    session.add(
        OutreachSuppression(workspace_id=workspace_id, email=email, reason=reason, source=source[:200])
    )
    session.flush()
    return True


@lru_cache(maxsize=4)
def _unsubscribe_signer(secret: str) -> Signer:
    return Signer(UNSUBSCRIBE_PURPOSE, secret)


def unsubscribe_token(workspace_id: int, address: str) -> str:
    """A signed, non-expiring opt-out token (CAN-SPAM requires links to work for at least 30 days)."""
    signer = _unsubscribe_signer(get_settings().secret("signing_key"))
    return signer.dumps({"w": workspace_id, "e": normalize_email(address)})


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    data = Signer(UNSUBSCRIBE_PURPOSE).loads(token)
    if not isinstance(data, dict) or "w" not in data or "e" not in data:
        raise ValidationFailed("This link is not valid.", code="invalid_token")
    return int(data["w"]), str(data["e"])


def apply_unsubscribe(session: Session, token: str, *, source: str) -> str:
    """Honour a signed opt-out: suppress the address, stop every sequence e-mailing it. Returns the address."""
    workspace_id, email = read_unsubscribe_token(token)
    suppress(session, workspace_id, email, reason="unsubscribe", source=source)
    influencer_ids = [
        e.influencer_id
        for e in session.execute(
            select(OutreachEnrollment).where(
                OutreachEnrollment.workspace_id == workspace_id,
                OutreachEnrollment.to_email == email,
                OutreachEnrollment.status.in_(ACTIVE),
            )
        ).scalars()
    ]
    stop_for_influencers(session, workspace_id, influencer_ids, reason="unsubscribed", detail=source)
    audit_record(
        session,
        action="outreach.unsubscribed",
        workspace_id=workspace_id,
        actor=None,
        object_type="outreach_suppressions",
        data={"email": email, "source": source},
        actor_label="recipient",
    )
    return email


# --- templates -----------------------------------------------------------------------------------------------


def ensure_starter_templates(session: Session, workspace_id: int) -> None:
    exists = session.execute(
        select(OutreachTemplate.id).where(OutreachTemplate.workspace_id == workspace_id).limit(1)
    ).first()
    if exists:
        return
    for t in templating.STARTER_TEMPLATES:
        session.add(OutreachTemplate(workspace_id=workspace_id, **t))
    session.flush()


def save_template(
    session: Session,
    workspace_id: int,
    *,
    name: str,
    language: str,
    subject: str,
    body: str,
    template: OutreachTemplate | None = None,
) -> OutreachTemplate:
    if not name.strip():
        raise ValidationFailed("A template needs a name.", code="template_name_required")
    templating.check_syntax(subject)
    templating.check_syntax(body)
    if template is None:
        template = OutreachTemplate(workspace_id=workspace_id)
        session.add(template)
    template.name, template.language, template.subject, template.body = name.strip(), language, subject, body
    session.flush()
    return template


# --- sequences -----------------------------------------------------------------------------------------------


def clean_steps(session: Session, steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate steps and freeze template text into them (a version must not change when a template does)."""
    if not steps:
        raise ValidationFailed("A sequence needs at least one step.", code="sequence_no_steps")
    if len(steps) > MAX_STEPS:
        raise ValidationFailed("A sequence has at most 10 steps.", code="sequence_too_many_steps")
    out: list[dict[str, Any]] = []
    for i, raw in enumerate(steps):
        kind = str(raw.get("kind", "email"))
        delay = int(raw.get("delay_days", 0 if i == 0 else 3))
        if delay < 0 or delay > 60:
            raise ValidationFailed("Delays are between 0 and 60 business days.", code="sequence_bad_delay")
        if kind == "email":
            template_id = raw.get("template_id")
            subject, body = str(raw.get("subject", "")), str(raw.get("body", ""))
            if template_id and not body.strip():
                tpl = session.get(OutreachTemplate, int(template_id))
                if tpl is None:
                    raise NotFound("Template not found.", code="not_found")
                subject, body = tpl.subject, tpl.body
            if not body.strip():
                raise ValidationFailed("Every e-mail step needs a body.", code="sequence_empty_step")
            if i == 0 and not subject.strip():
                raise ValidationFailed("The first e-mail needs a subject.", code="sequence_no_subject")
            templating.check_syntax(subject)
            templating.check_syntax(body)
            variants = []
            for v in raw.get("variants") or []:
                if not str(v.get("body", "")).strip():
                    continue
                templating.check_syntax(str(v.get("subject", "")))
                templating.check_syntax(str(v["body"]))
                variants.append(
                    {
                        "key": str(v.get("key") or "B")[:4],
                        "subject": str(v.get("subject", "")),
                        "body": v["body"],
                    }
                )
            out.append(
                {
                    "kind": "email",
                    "delay_days": delay,
                    "template_id": int(template_id) if template_id else None,
                    "subject": subject,
                    "body": body,
                    "variants": variants,
                }
            )
        elif kind == "task":
            platform = str(raw.get("platform", "instagram"))
            if platform not in PLATFORMS:
                raise ValidationFailed("Unknown platform.", code="sequence_bad_platform")
            text = str(raw.get("text", ""))
            templating.check_syntax(text)
            out.append({"kind": "task", "delay_days": delay, "platform": platform, "text": text})
        else:
            raise ValidationFailed("A step is an e-mail or a manual task.", code="sequence_bad_step")
    return out


def create_sequence(
    session: Session,
    workspace_id: int,
    *,
    name: str,
    steps: list[dict[str, Any]],
    offer: str = "",
    campaign_id: int | None = None,
) -> OutreachSequence:
    if not name.strip():
        raise ValidationFailed("A sequence needs a name.", code="sequence_name_required")
    seq = OutreachSequence(
        workspace_id=workspace_id, name=name.strip(), offer=offer, campaign_id=campaign_id, current_version=1
    )
    session.add(seq)
    session.flush()
    session.add(
        OutreachSequenceVersion(
            workspace_id=workspace_id, sequence_id=seq.id, version=1, steps=clean_steps(session, steps)
        )
    )
    session.flush()
    return seq


def update_sequence(
    session: Session,
    seq: OutreachSequence,
    *,
    steps: list[dict[str, Any]] | None = None,
    name: str | None = None,
    offer: str | None = None,
) -> OutreachSequenceVersion:
    """Edit a sequence by adding a new version; running enrollments keep the version they pinned."""
    if name is not None and name.strip():
        seq.name = name.strip()
    if offer is not None:
        seq.offer = offer
    current = current_version(session, seq)
    if steps is None:
        return current
    cleaned = clean_steps(session, steps)
    if cleaned == current.steps:
        return current
    seq.current_version += 1
    version = OutreachSequenceVersion(
        workspace_id=seq.workspace_id, sequence_id=seq.id, version=seq.current_version, steps=cleaned
    )
    session.add(version)
    session.flush()
    return version


def current_version(session: Session, seq: OutreachSequence) -> OutreachSequenceVersion:
    version = session.execute(
        select(OutreachSequenceVersion).where(
            OutreachSequenceVersion.sequence_id == seq.id,
            OutreachSequenceVersion.version == seq.current_version,
        )
    ).scalar_one_or_none()
    if version is None:
        raise NotFound("Sequence version not found.", code="not_found")
    return version


# --- enrollment ----------------------------------------------------------------------------------------------


@dataclass
class EnrollResult:
    enrolled: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def recipient_address(session: Session, influencer: Influencer) -> str | None:
    """The influencer's first address, or their manager's when they have none (agencies answer for them)."""
    for address in influencer.emails or []:
        if address and "@" in address:
            return normalize_email(address)
    if influencer.manager_id:
        manager = session.get(Manager, influencer.manager_id)
        if manager is not None:
            for address in manager.emails or []:
                if address and "@" in address:
                    return normalize_email(address)
    return None


def enroll(
    session: Session,
    workspace_id: int,
    seq: OutreachSequence,
    influencer_ids: Iterable[int],
    *,
    actor: User | None = None,
    campaign_id: int | None = None,
) -> EnrollResult:
    """Enroll influencers into the sequence's current version; each skip says why (suppressed, no e-mail...)."""
    if seq.status != "active":
        raise Conflict("This sequence is archived.", code="sequence_archived")
    version = current_version(session, seq)
    campaign_id = campaign_id or seq.campaign_id
    result = EnrollResult()
    ids = sorted({int(i) for i in influencer_ids})
    if not ids:
        return result
    already = {
        row[0]
        for row in session.execute(
            select(OutreachEnrollment.influencer_id).where(
                OutreachEnrollment.sequence_id == seq.id,
                OutreachEnrollment.influencer_id.in_(ids),
                OutreachEnrollment.status.in_(ACTIVE),
            )
        )
    }
    influencers = {
        i.id: i
        for i in session.execute(
            select(Influencer).where(Influencer.id.in_(ids), Influencer.workspace_id == workspace_id)
        ).scalars()
    }
    now = utcnow()
    for iid in ids:
        inf = influencers.get(iid)
        if inf is None:
            result.skipped[iid] = "not_found"
            continue
        if iid in already:
            result.skipped[iid] = "already_enrolled"
            continue
        address = recipient_address(session, inf)
        if address is None:
            result.skipped[iid] = "no_email"
            continue
        if is_suppressed(session, workspace_id, address) or any(
            is_suppressed(session, workspace_id, a) for a in inf.emails or []
        ):
            result.skipped[iid] = "suppressed"
            continue
        session.add(
            OutreachEnrollment(
                workspace_id=workspace_id,
                sequence_id=seq.id,
                version_id=version.id,
                influencer_id=iid,
                campaign_id=campaign_id,
                to_email=address,
                status="active",
                next_step=0,
                next_due_at=now,
                enrolled_by_id=actor.id if actor else None,
            )
        )
        result.enrolled.append(iid)
        if campaign_id:
            ensure_on_campaign(session, workspace_id, campaign_id, iid, actor)
    session.flush()
    audit_record(
        session,
        action="outreach.enrolled",
        workspace_id=workspace_id,
        actor=actor,
        obj=seq,
        data={"enrolled": len(result.enrolled), "skipped": result.skipped, "version": version.version},
    )
    return result


def campaign_influencer_ids(session: Session, campaign_id: int, stages: Iterable[str]) -> list[int]:
    return [
        r[0]
        for r in session.execute(
            select(CampaignInfluencer.influencer_id).where(
                CampaignInfluencer.campaign_id == campaign_id, CampaignInfluencer.stage.in_(list(stages))
            )
        )
    ]


def search_influencers(
    session: Session, *, q: str = "", country: str = "", tier: str = "", tag: str = "", limit: int = 200
) -> list[Influencer]:
    stmt = select(Influencer).where(Influencer.merged_into_id.is_(None))
    if q.strip():
        stmt = stmt.where(Influencer.display_name.ilike(f"%{q.strip()}%"))
    if country.strip():
        stmt = stmt.where(Influencer.country == country.strip().upper())
    if tier.strip():
        stmt = stmt.where(Influencer.tier == tier.strip())
    rows = list(session.execute(stmt.order_by(Influencer.display_name).limit(limit * 3)).scalars())
    if tag.strip():
        rows = [r for r in rows if tag.strip() in (r.tags or [])]
    return rows[:limit]


# --- stopping --------------------------------------------------------------------------------------------------


def stop_enrollments(
    session: Session, enrollments: Iterable[OutreachEnrollment], *, reason: str, detail: str = ""
) -> int:
    """Stop enrollments and cancel their messages that have not reached the SMTP server yet."""
    now = utcnow()
    stopped = 0
    for enr in enrollments:
        if enr.status not in ACTIVE and enr.status != "blocked":
            continue
        enr.status = "stopped"
        enr.stop_reason = reason
        enr.stop_detail = detail[:2000]
        enr.stopped_at = now
        enr.next_due_at = None
        stopped += 1
        session.execute(
            update(OutreachMessage)
            .where(
                OutreachMessage.enrollment_id == enr.id,
                OutreachMessage.status == "queued",
                OutreachMessage.kind == "sequence",
            )
            .values(status="cancelled", last_error=f"stopped: {reason}")
        )
        session.execute(
            update(OutreachTask)
            .where(OutreachTask.enrollment_id == enr.id, OutreachTask.status == "open")
            .values(status="skipped")
        )
    session.flush()
    return stopped


def stop_for_influencers(
    session: Session,
    workspace_id: int,
    influencer_ids: Iterable[int],
    *,
    reason: str,
    detail: str = "",
    campaign_id: int | None = None,
) -> int:
    ids = list(set(influencer_ids))
    if not ids:
        return 0
    stmt = select(OutreachEnrollment).where(
        OutreachEnrollment.workspace_id == workspace_id,
        OutreachEnrollment.influencer_id.in_(ids),
        OutreachEnrollment.status.in_((*ACTIVE, "blocked")),
    )
    if campaign_id is not None:
        stmt = stmt.where(
            or_(OutreachEnrollment.campaign_id == campaign_id, OutreachEnrollment.campaign_id.is_(None))
        )
    return stop_enrollments(session, list(session.execute(stmt).scalars()), reason=reason, detail=detail)


def represented_by(session: Session, workspace_id: int, manager_ids: Iterable[int]) -> list[int]:
    ids = list(set(manager_ids))
    if not ids:
        return []
    return [
        r[0]
        for r in session.execute(
            select(Influencer.id).where(
                Influencer.workspace_id == workspace_id, Influencer.manager_id.in_(ids)
            )
        )
    ]


def resume(session: Session, enr: OutreachEnrollment, actor: User | None) -> None:
    """Resume an enrollment paused by an auto-reply (e.g. the creator was on holiday)."""
    if enr.status != "paused":
        raise Conflict("Only paused sequences can be resumed.", code="enrollment_not_paused")
    enr.status = "active"
    enr.stop_reason = ""
    enr.next_due_at = utcnow()
    audit_record(
        session, action="outreach.resumed", workspace_id=enr.workspace_id, actor=actor, obj=enr, data={}
    )


# --- pipeline --------------------------------------------------------------------------------------------------


def ensure_on_campaign(
    session: Session, workspace_id: int, campaign_id: int, influencer_id: int, actor: User | None
) -> CampaignInfluencer:
    row = session.execute(
        select(CampaignInfluencer).where(
            CampaignInfluencer.campaign_id == campaign_id, CampaignInfluencer.influencer_id == influencer_id
        )
    ).scalar_one_or_none()
    if row is None:
        row = CampaignInfluencer(
            workspace_id=workspace_id,
            campaign_id=campaign_id,
            influencer_id=influencer_id,
            stage="prospect",
            added_by_id=actor.id if actor else None,
        )
        session.add(row)
        session.flush()
    return row


def move_stage(
    session: Session,
    row: CampaignInfluencer,
    stage: str,
    *,
    actor: User | None,
    manual: bool,
    position: int | None = None,
    ip: str | None = None,
) -> bool:
    """Change a pipeline stage (audit-logged). A manual move stops the influencer's running sequences."""
    if stage not in STAGES:
        raise ValidationFailed("Unknown pipeline stage.", code="invalid_stage")
    if position is not None:
        row.position = position
    if row.stage == stage:
        return False
    before = row.stage
    row.stage = stage
    row.stage_changed_at = utcnow()
    audit_record(
        session,
        action="outreach.stage_changed",
        workspace_id=row.workspace_id,
        actor=actor,
        obj=row,
        data={"from": before, "to": stage, "manual": manual, "influencer_id": row.influencer_id},
        ip=ip,
        actor_label=None if actor else "system",
    )
    if manual:
        stop_for_influencers(
            session,
            row.workspace_id,
            [row.influencer_id],
            reason="stage_changed",
            detail=f"{before} -> {stage}",
            campaign_id=row.campaign_id,
        )
    session.flush()
    return True


def advance_stage_automatically(
    session: Session,
    workspace_id: int,
    campaign_id: int | None,
    influencer_id: int,
    *,
    to: str,
    only_from: tuple[str, ...],
) -> None:
    """System moves (contacted on first send, replied on a reply) never go backwards and never stop sequences."""
    if campaign_id is None:
        return
    row = ensure_on_campaign(session, workspace_id, campaign_id, influencer_id, None)
    if row.stage in only_from:
        move_stage(session, row, to, actor=None, manual=False)


def advance_stages(
    session: Session,
    items: Iterable[tuple[int, int | None, int]],
    *,
    to: str,
    only_from: tuple[str, ...],
) -> int:
    """Bulk system moves for ``(workspace_id, campaign_id, influencer_id)``: a few queries for any number.

    Used by the sending engine (prospect -> contacted) and the inbox (-> replied); audit-logged like every move.
    """
    wanted: dict[tuple[int, int], int] = {}
    for ws_id, campaign_id, influencer_id in items:
        if campaign_id:
            wanted[(campaign_id, influencer_id)] = ws_id
    if not wanted:
        return 0
    campaign_ids = sorted({c for c, _i in wanted})
    influencer_ids = sorted({i for _c, i in wanted})
    rows: dict[tuple[int, int], CampaignInfluencer] = {}
    for start in range(0, len(influencer_ids), 500):
        for row in session.execute(
            select(CampaignInfluencer).where(
                CampaignInfluencer.campaign_id.in_(campaign_ids),
                CampaignInfluencer.influencer_id.in_(influencer_ids[start : start + 500]),
            )
        ).scalars():
            rows[(row.campaign_id, row.influencer_id)] = row
    now = utcnow()
    moved = 0
    for (campaign_id, influencer_id), ws_id in wanted.items():
        found = rows.get((campaign_id, influencer_id))
        if found is None:
            found = CampaignInfluencer(
                workspace_id=ws_id, campaign_id=campaign_id, influencer_id=influencer_id, stage="prospect"
            )
            session.add(found)
            session.flush()
        row = found
        if row.stage not in only_from or row.stage == to:
            continue
        before, row.stage, row.stage_changed_at = row.stage, to, now
        audit_record(
            session,
            action="outreach.stage_changed",
            workspace_id=ws_id,
            actor=None,
            obj=row,
            data={"from": before, "to": to, "manual": False, "influencer_id": influencer_id},
            actor_label="system",
        )
        moved += 1
    return moved


# --- manual tasks ----------------------------------------------------------------------------------------------


def complete_task(session: Session, task: OutreachTask, *, actor: User | None, skipped: bool = False) -> None:
    """Mark a manual step done (or skipped); the enrollment's next step is scheduled from now."""
    from kizuna.outreach.engine import schedule_next

    if task.status != "open":
        raise Conflict("This task is already closed.", code="task_closed")
    task.status = "skipped" if skipped else "done"
    task.done_at = utcnow()
    if task.enrollment_id:
        enr = session.get(OutreachEnrollment, task.enrollment_id)
        if enr is not None and enr.status == "active":
            schedule_next(session, enr, task.done_at)
    audit_record(
        session,
        action="outreach.task_done" if not skipped else "outreach.task_skipped",
        workspace_id=task.workspace_id,
        actor=actor,
        obj=task,
        data={"platform": task.platform},
    )
