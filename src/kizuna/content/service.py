"""The content review workflow: draft → in_review → changes_requested → approved → scheduled → published.

Every submitted draft is a new immutable :class:`ContentVersion` checked for disclosure at once; comments
attach to versions; approval needs the workspace's approval role (``settings["content_approval_role"]``,
``admin`` by default) and a draft the engine found non-compliant needs an explicit, audited override.
Approval and publication start the payment clock when the terms say so.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kizuna.content import disclosure
from kizuna.deals import pipeline
from kizuna.deals.actors import Actor
from kizuna.deals.terms import Terms
from kizuna.errors import Conflict, PermissionDenied, ValidationFailed
from kizuna.kit.time import utcnow
from kizuna.models.content_check import ContentCheck
from kizuna.models.content_comment import ContentComment
from kizuna.models.content_item import ContentItem
from kizuna.models.content_version import ContentVersion
from kizuna.models.deal import Deal
from kizuna.models.deal_offer import DealOffer
from kizuna.models.upload import Upload
from kizuna.models.workspace import Workspace
from kizuna.payments import service as payments
from kizuna.tenancy import ROLE_RANK

TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"in_review"}),
    "in_review": frozenset({"in_review", "changes_requested", "approved"}),
    "changes_requested": frozenset({"in_review"}),
    "approved": frozenset({"scheduled", "published"}),
    "scheduled": frozenset({"published", "approved"}),
    "published": frozenset(),
}
OPEN_FOR_DRAFTS = ("draft", "in_review", "changes_requested")
REMINDER_WINDOW = timedelta(hours=48)
REMINDER_EVERY = timedelta(hours=24)


def _move(item: ContentItem, to: str) -> None:
    if to not in TRANSITIONS[item.status]:
        raise Conflict(
            "This step is not possible in the content's current state.",
            code="content_transition_invalid",
            details={"from": item.status, "to": to},
        )
    item.status = to


def deal_terms(session: Session, deal: Deal) -> Terms:
    offer_id = deal.accepted_offer_id
    offer = session.get(DealOffer, offer_id) if offer_id is not None else None
    if offer is None:
        raise Conflict("The deal has no accepted offer yet.", code="deal_not_accepted")
    return Terms.model_validate(offer.terms)


def _end_of_day(day: Any, tz: str) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))


def create_items_for_deal(session: Session, deal: Deal, terms: Terms) -> list[ContentItem]:
    """One content item (and its payable) per deliverable unit of the accepted terms."""
    ws = session.get(Workspace, deal.workspace_id)
    tz = ws.timezone if ws is not None else "Asia/Tokyo"
    items = []
    fees = {(i, seq): fee for i, seq, fee in terms.unit_fees()}
    for index, d in enumerate(terms.deliverables):
        for seq in range(1, d.count + 1):
            due = d.due_date_for(seq)
            item = ContentItem(
                workspace_id=deal.workspace_id,
                deal_id=deal.id,
                deliverable_index=index,
                sequence=seq,
                platform=d.platform,
                format=d.format,
                status="draft",
                due_at=_end_of_day(due, tz) if due is not None else None,
            )
            session.add(item)
            session.flush()
            payments.create_for_item(
                session,
                deal,
                item,
                fee_minor=fees[(index, seq)],
                currency=terms.currency,
                net_days=terms.payment.net_days,
                clock=terms.payment.clock_start,
            )
            items.append(item)
    session.flush()
    return items


def versions(session: Session, item: ContentItem) -> list[ContentVersion]:
    return list(
        session.execute(
            select(ContentVersion).where(ContentVersion.item_id == item.id).order_by(ContentVersion.version)
        ).scalars()
    )


def latest_version(session: Session, item: ContentItem) -> ContentVersion | None:
    return session.execute(
        select(ContentVersion)
        .where(ContentVersion.item_id == item.id)
        .order_by(ContentVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def _check_link(url: str, code: str) -> str:
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 1000:
        raise ValidationFailed("Enter a full http(s) link.", code=code)
    return url


def submit_version(
    actor: Actor,
    item: ContentItem,
    *,
    caption: str,
    media: Upload | None = None,
    media_link: str = "",
) -> ContentVersion:
    """A new draft version; the disclosure engine runs on it at once and the item goes to review."""
    if item.status not in OPEN_FOR_DRAFTS:
        raise Conflict("This content is already approved; drafts are closed.", code="content_drafts_closed")
    caption = caption.replace("\r\n", "\n")
    if len(caption) > 20000:
        raise ValidationFailed("The caption is too long.", code="caption_too_long")
    link = _check_link(media_link, "media_link_invalid") if media_link.strip() else None
    if not caption.strip() and media is None and link is None:
        raise ValidationFailed("Add a caption, a file or a link.", code="draft_empty")
    s = actor.session
    deal = s.get(Deal, item.deal_id)
    assert deal is not None
    terms = deal_terms(s, deal)
    number = (
        s.execute(
            select(func.coalesce(func.max(ContentVersion.version), 0)).where(
                ContentVersion.item_id == item.id
            )
        ).scalar_one()
        + 1
    )
    version = ContentVersion(
        workspace_id=item.workspace_id,
        item_id=item.id,
        version=number,
        caption=caption,
        media_upload_id=media.id if media is not None else None,
        media_link=link,
        submitted_by=actor.label[:200],
        from_creator=actor.is_creator,
    )
    s.add(version)
    s.flush()
    jurisdictions = list(terms.disclosure.jurisdictions) if terms.disclosure.required else []
    checks = (
        disclosure.run(s, item, text=caption, context="draft", jurisdictions=jurisdictions, version=version)
        if jurisdictions
        else []
    )
    version.verdict = disclosure.worst([c.verdict for c in checks])
    _move(item, "in_review")
    pipeline.advance(s, deal, "content")
    actor.audit(
        "content.draft_submitted",
        version,
        {"item_id": item.id, "version": number, "verdict": version.verdict},
    )
    return version


def comment(
    actor: Actor, item: ContentItem, body: str, version: ContentVersion | None = None
) -> ContentComment:
    body = body.strip()
    if not body:
        raise ValidationFailed("Write a comment first.", code="comment_empty")
    if len(body) > 5000:
        raise ValidationFailed("The comment is too long.", code="comment_too_long")
    if version is None:
        version = latest_version(actor.session, item)
    row = ContentComment(
        workspace_id=item.workspace_id,
        item_id=item.id,
        version_id=version.id if version is not None else None,
        author_label=actor.label[:200],
        from_creator=actor.is_creator,
        body=body,
    )
    actor.session.add(row)
    actor.session.flush()
    actor.audit("content.commented", row, {"item_id": item.id})
    return row


def approval_role(session: Session, workspace_id: int) -> str:
    ws = session.get(Workspace, workspace_id)
    role = (ws.settings or {}).get("content_approval_role", "admin") if ws is not None else "admin"
    return role if role in ROLE_RANK else "admin"


def request_changes(actor: Actor, item: ContentItem, note: str) -> ContentItem:
    if actor.is_creator:
        raise PermissionDenied("Only the brand reviews drafts.", code="role_required")
    actor.require("member")
    if not note.strip():
        raise ValidationFailed("Say what should change.", code="comment_empty")
    _move(item, "changes_requested")
    comment(actor, item, note)
    actor.audit("content.changes_requested", item, {"note": note[:500]})
    return item


def approve(
    actor: Actor,
    item: ContentItem,
    *,
    override_compliance: bool = False,
    spoken: bool | None = None,
    onscreen: bool | None = None,
) -> ContentItem:
    """Approve the latest draft. ``spoken`` / ``onscreen``: what the reviewer verified in the video itself; when
    given, the draft is checked again with that knowledge (and the new results stored) before deciding."""
    if actor.is_creator:
        raise PermissionDenied("Only the brand approves drafts.", code="role_required")
    s = actor.session
    actor.require(approval_role(s, item.workspace_id))
    latest = latest_version(s, item)
    if latest is None:
        raise Conflict("There is no draft to approve.", code="content_no_draft")
    if (spoken is not None or onscreen is not None) and item.status == "in_review":
        deal = s.get(Deal, item.deal_id)
        assert deal is not None
        terms = deal_terms(s, deal)
        if terms.disclosure.required:
            checks = disclosure.run(
                s,
                item,
                text=latest.caption,
                context="draft",
                jurisdictions=list(terms.disclosure.jurisdictions),
                version=latest,
                spoken=spoken,
                onscreen=onscreen,
            )
            latest.verdict = disclosure.worst([c.verdict for c in checks])
            actor.audit(
                "content.media_disclosure_verified",
                latest,
                {"spoken": spoken, "onscreen": onscreen, "verdict": latest.verdict},
            )
    if latest.verdict == "non_compliant" and not override_compliance:
        raise Conflict(
            "The latest draft does not disclose the advertising clearly enough. Ask for changes, or approve "
            "with an override if a person has checked it.",
            code="draft_not_compliant",
        )
    _move(item, "approved")
    now = utcnow()
    item.approved_at = now
    payments.start_clock(s, item, "approval", now)
    actor.audit(
        "content.approved",
        item,
        {"version": latest.version, "verdict": latest.verdict, "override": override_compliance},
    )
    return item


def schedule(actor: Actor, item: ContentItem, when: datetime) -> ContentItem:
    actor.require("member")
    if when.tzinfo is None:
        raise ValidationFailed("The time needs a time zone.", code="schedule_invalid")
    _move(item, "scheduled")
    item.scheduled_for = when
    actor.audit("content.scheduled", item, {"for": when.isoformat()})
    return item


def publish(actor: Actor, item: ContentItem, *, url: str, caption: str | None = None) -> list[ContentCheck]:
    """Register the live post: its URL, and the caption as published, which is checked again (live_post)."""
    url = _check_link(url, "live_url_invalid")
    s = actor.session
    _move(item, "published")
    now = utcnow()
    item.live_url = url
    item.published_at = now
    deal = s.get(Deal, item.deal_id)
    assert deal is not None
    terms = deal_terms(s, deal)
    text = caption if caption is not None and caption.strip() else None
    if text is None:
        latest = latest_version(s, item)
        text = latest.caption if latest is not None else ""
    jurisdictions = list(terms.disclosure.jurisdictions) if terms.disclosure.required else []
    checks = disclosure.run(s, item, text=text, context="live_post", jurisdictions=jurisdictions)
    payments.start_clock(s, item, "publication", now)
    pipeline.advance(s, deal, "published")
    actor.audit(
        "content.published",
        item,
        {"url": url, "verdict": disclosure.worst([c.verdict for c in checks])},
    )
    return checks


def register_reuse(actor: Actor, item: ContentItem, *, channel: str, text: str) -> list[ContentCheck]:
    """The brand reuses the creator's content on its own channel: the brand's text must label it as an ad."""
    if actor.is_creator:
        raise PermissionDenied("Only the brand registers reuse.", code="role_required")
    actor.require("member")
    channel = channel.strip()
    if not channel:
        raise ValidationFailed("Name the channel (site, ad account...).", code="reuse_channel_required")
    if item.status not in ("approved", "scheduled", "published"):
        raise Conflict("Only approved content can be reused.", code="content_not_approved")
    s = actor.session
    deal = s.get(Deal, item.deal_id)
    assert deal is not None
    terms = deal_terms(s, deal)
    jurisdictions = list(terms.disclosure.jurisdictions) or ["jp"]
    checks = disclosure.run(
        s, item, text=text, context="brand_reuse", jurisdictions=jurisdictions, channel=channel
    )
    actor.audit(
        "content.reuse_registered",
        item,
        {"channel": channel, "verdict": disclosure.worst([c.verdict for c in checks])},
    )
    return checks


@dataclass
class DiffRow:
    """One line pair of a side-by-side caption diff; segments are ``(text, changed)`` and escaped on render."""

    tag: str
    left: list[tuple[str, bool]] = field(default_factory=list)
    right: list[tuple[str, bool]] = field(default_factory=list)
    left_no: int | None = None
    right_no: int | None = None


def _intraline(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if i2 > i1:
            left.append((a[i1:i2], op != "equal"))
        if j2 > j1:
            right.append((b[j1:j2], op != "equal"))
    return left, right


def caption_diff(old: str, new: str) -> list[DiffRow]:
    """Side-by-side diff of two captions by line, with the changed characters marked inside changed lines."""
    a, b = old.split("\n"), new.split("\n")
    out: list[DiffRow] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                out.append(
                    DiffRow("equal", [(a[i1 + k], False)], [(b[j1 + k], False)], i1 + k + 1, j1 + k + 1)
                )
        elif op == "replace":
            n = max(i2 - i1, j2 - j1)
            for k in range(n):
                la = a[i1 + k] if i1 + k < i2 else None
                rb = b[j1 + k] if j1 + k < j2 else None
                if la is not None and rb is not None:
                    left, right = _intraline(la, rb)
                    out.append(DiffRow("replace", left, right, i1 + k + 1, j1 + k + 1))
                elif la is not None:
                    out.append(DiffRow("delete", [(la, True)], [], i1 + k + 1, None))
                elif rb is not None:
                    out.append(DiffRow("insert", [], [(rb, True)], None, j1 + k + 1))
        elif op == "delete":
            for k in range(i1, i2):
                out.append(DiffRow("delete", [(a[k], True)], [], k + 1, None))
        else:
            for k in range(j1, j2):
                out.append(DiffRow("insert", [], [(b[k], True)], None, k + 1))
    return out


def due_for_reminder(session: Session, now: datetime | None = None) -> list[ContentItem]:
    moment = now or utcnow()
    items = session.execute(
        select(ContentItem).where(
            ContentItem.status.in_(("draft", "changes_requested")),
            ContentItem.due_at.is_not(None),
            ContentItem.due_at <= moment + REMINDER_WINDOW,
        )
    ).scalars()
    return [i for i in items if i.last_reminder_at is None or i.last_reminder_at <= moment - REMINDER_EVERY]


def send_reminders(session: Session, now: datetime | None = None) -> int:
    """Record a deadline reminder (shown in the portal and on the content page) at most once a day per item."""
    from kizuna.accounts.audit import record

    moment = now or utcnow()
    count = 0
    for item in due_for_reminder(session, moment):
        item.last_reminder_at = moment
        overdue = item.due_at is not None and item.due_at < moment
        record(
            session,
            action="content.deadline_reminder",
            workspace_id=item.workspace_id,
            actor=None,
            obj=item,
            data={"due_at": item.due_at.isoformat() if item.due_at else None, "overdue": overdue},
        )
        count += 1
    return count
