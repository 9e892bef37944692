"""The sending engine: claim due steps, render, send over SMTP with an exactly-once effect, reconcile.

The protocol (docs/adr/0300-exactly-once-sending.md):

1. **Claim** (one transaction): for each due enrollment step, insert an ``outreach_messages`` row whose
   ``idempotency_key`` is unique per step, with the rendered text, a freshly generated ``Message-ID`` and
   ``status='sending'`` plus the claiming process's identity; advance the enrollment so the step cannot be
   claimed again. Commit. Nothing has touched the network yet.
2. **Deliver** (per message, no transaction held open): re-read the enrollment and the suppression list
   (a reply or an opt-out may have landed since the claim), MAIL/RCPT/DATA, write ``begin`` to the local
   acceptance journal just before the final dot, ``accepted`` as soon as the server says 250, then commit
   ``status='sent'``.
3. **Reconcile** (at every start, for ``sending`` rows whose claimer is dead): ``accepted`` in the journal →
   sent; no ``begin`` → the server cannot have the message → requeue with the same Message-ID; ``begin``
   without an answer → look the Message-ID up in the mailbox's IMAP Sent folder; found → sent; not found and
   the provider files every submission in Sent → requeue; otherwise → ``uncertain`` for a person to decide.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import logging
import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime, make_msgid
from typing import Any, TypeVar, cast

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kizuna.config import get_settings
from kizuna.db import get_engine, unit_of_work
from kizuna.integrations.mail import imap as imap_client
from kizuna.integrations.mail.smtp import (
    AmbiguousSmtpError,
    AuthSmtpError,
    PermanentSmtpError,
    QuotaSmtpError,
    SmtpError,
    SmtpSession,
)
from kizuna.kit.time import add_business_days, utcnow
from kizuna.models.campaign import Campaign
from kizuna.models.influencer import Influencer
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.models.outreach_mailbox import OutreachMailbox
from kizuna.models.outreach_message import OutreachMessage
from kizuna.models.outreach_sequence import OutreachSequence
from kizuna.models.outreach_sequence_version import OutreachSequenceVersion
from kizuna.models.outreach_suppression import OutreachSuppression
from kizuna.models.outreach_task import OutreachTask
from kizuna.models.post import Post
from kizuna.models.social_account import SocialAccount
from kizuna.models.workspace import Workspace
from kizuna.outreach import journal, mailboxes, service, templating

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF_BASE = timedelta(minutes=2)
BACKOFF_CAP = timedelta(hours=2)
QUOTA_PAUSE = timedelta(hours=24)
RATE_PAUSE = timedelta(hours=1)
STALE_LEASE = timedelta(minutes=15)
POLL_FRESHNESS = timedelta(minutes=15)
UNCERTAIN_AFTER = timedelta(hours=6)
_send_lock = threading.Lock()
_write_lock = threading.Lock()
F = TypeVar("F", bound=Callable[..., Any])


def _serialized_write(fn: F) -> F:
    """Status writes from parallel delivery threads go one at a time and retry a lost SQLite lock upgrade.

    SQLite's deferred transactions can fail with "database is locked" when a reader upgrades to a writer after
    another connection committed; serialising this process's writers avoids that, and a retry covers a write
    from another process (the inbox poller). The journal already holds the facts, so a retry is harmless.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(5):
            try:
                with _write_lock:
                    return fn(*args, **kwargs)
            except OperationalError as exc:
                if "locked" not in str(exc) or attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
        return None

    return cast(F, wrapper)


def _proc_start(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return "?"


PROCESS_TOKEN = f"{socket.gethostname()}:{os.getpid()}:{_proc_start(os.getpid())}"


def claimer_alive(token: str, claimed_at: datetime | None, now: datetime) -> bool:
    """Whether the process that claimed a message may still be sending it."""
    if not token:
        return False
    if token == PROCESS_TOKEN:
        return True
    host, _sep, rest = token.partition(":")
    pid_s, _sep, start = rest.partition(":")
    if host == socket.gethostname() and pid_s.isdigit():
        return _proc_start(int(pid_s)) == start and start != "?"
    return claimed_at is not None and now - claimed_at < STALE_LEASE


# --- rendering ----------------------------------------------------------------------------------------------


def _excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


@dataclass
class Recipient:
    influencer: Influencer
    handle: str = ""
    platform: str = ""
    post_caption: str = ""
    post_url: str = ""


def load_recipients(session: Session, influencer_ids: list[int]) -> dict[int, Recipient]:
    """Influencers with their main account and most recent post, in three queries for any number of them."""
    out: dict[int, Recipient] = {}
    if not influencer_ids:
        return out
    for chunk_start in range(0, len(influencer_ids), 500):
        chunk = influencer_ids[chunk_start : chunk_start + 500]
        for inf in session.execute(select(Influencer).where(Influencer.id.in_(chunk))).scalars():
            out[inf.id] = Recipient(influencer=inf)
        accounts = session.execute(
            select(SocialAccount).where(SocialAccount.influencer_id.in_(chunk))
        ).scalars()
        best: dict[int, SocialAccount] = {}
        for acc in accounts:
            cur = best.get(acc.influencer_id)
            if cur is None or (acc.followers or 0) > (cur.followers or 0):
                best[acc.influencer_id] = acc
        by_account = {acc.id: iid for iid, acc in best.items()}
        for iid, acc in best.items():
            out[iid].handle = acc.handle if acc.handle.startswith("@") else f"@{acc.handle}"
            out[iid].platform = acc.platform
        if by_account:
            posts = session.execute(
                select(Post)
                .where(Post.social_account_id.in_(list(by_account)), Post.caption != "")
                .order_by(Post.published_at.desc().nulls_last(), Post.id.desc())
            ).scalars()
            for post in posts:
                iid = by_account[post.social_account_id]
                if not out[iid].post_caption:
                    out[iid].post_caption = _excerpt(post.caption)
                    out[iid].post_url = post.url or ""
    return out


def build_context(
    recipient: Recipient,
    *,
    workspace: Workspace,
    mailbox: OutreachMailbox | None,
    campaign: Campaign | None,
    offer: str,
    unsubscribe_url: str,
) -> dict[str, Any]:
    inf = recipient.influencer
    name = inf.display_name.strip()
    sender_cfg = (
        (workspace.settings or {}).get("outreach", {}) if isinstance(workspace.settings, dict) else {}
    )
    sender_name = (mailbox.from_name if mailbox else "") or str(sender_cfg.get("sender_name", ""))
    company = str(sender_cfg.get("company", "")) or workspace.name
    signature = str(sender_cfg.get("signature", "")) or "\n".join(
        x for x in (sender_name, company, workspace.sender_identity.strip()) if x
    )
    return {
        "influencer": {
            "name": name,
            "first_name": name.split()[0] if name and name.isascii() else name,
            "handle": recipient.handle,
            "platform": recipient.platform,
        },
        "post": {"caption_excerpt": recipient.post_caption, "url": recipient.post_url},
        "campaign": {"name": campaign.name if campaign else ""},
        "offer": offer,
        "sender": {"name": sender_name, "company": company, "signature": signature},
        "unsubscribe_url": unsubscribe_url,
    }


def unsubscribe_url(workspace_id: int, address: str) -> str:
    base = get_settings().base_url.rstrip("/")
    return f"{base}/u/{service.unsubscribe_token(workspace_id, address)}"


def legal_footer(workspace: Workspace, url: str, language: str) -> str:
    """The sender identity (特定電子メール法 / CAN-SPAM) and a working opt-out, on every commercial message."""
    identity = workspace.sender_identity.strip() or workspace.name
    if language == "ja":
        return f"\n\n-- \n{identity}\n配信停止をご希望の場合はこちら: {url}\n"
    return f"\n\n-- \n{identity}\nTo stop receiving these e-mails: {url}\n"


def pick_variant(step: dict[str, Any], enrollment_id: int) -> tuple[str, str, str]:
    """A/B: a stable, even split by enrollment id. Returns (key, subject, body)."""
    options = [("A", str(step.get("subject", "")), str(step["body"]))]
    for v in step.get("variants") or []:
        options.append((str(v["key"]), str(v.get("subject", "")), str(v["body"])))
    digest = hashlib.sha256(f"variant:{enrollment_id}".encode()).digest()
    return options[digest[0] % len(options)]


def new_message_id(mailbox: OutreachMailbox | None) -> str:
    domain = (mailbox.from_email.rsplit("@", 1)[-1] if mailbox else "") or "kizuna.local"
    return make_msgid(idstring="kz", domain=domain)


def _header(value: str) -> str:
    """RFC 2047 ``B`` encoding when the value is not plain ASCII (Japanese subjects and names).

    Encoded words carry at most 45 bytes of UTF-8 each (60 base64 characters, within the 75-character limit)
    and never split a character; words are joined by folding whitespace.
    """
    if value.isascii():
        return value
    words: list[bytes] = []
    chunk = b""
    for ch in value:
        b = ch.encode("utf-8")
        if len(chunk) + len(b) > 45:
            words.append(chunk)
            chunk = b""
        chunk += b
    if chunk:
        words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words)


def to_mime(message: OutreachMessage, mailbox: OutreachMailbox) -> bytes:
    """The exact bytes submitted. Built by hand rather than with ``email.policy`` header folding, which costs
    several milliseconds per message and would dominate a 10,000-message run."""
    name = mailbox.from_name.strip()
    sender = f"{_header(name)} <{mailbox.from_email}>" if name else mailbox.from_email
    url = unsubscribe_url(message.workspace_id, message.to_addr)
    lines = [
        f"From: {sender}",
        f"To: {message.to_addr}",
        f"Subject: {_header(message.subject)}",
        f"Date: {format_datetime(message.claimed_at or message.created_at or utcnow())}",
        f"Message-ID: {message.message_id}",
    ]
    if message.in_reply_to:
        lines.append(f"In-Reply-To: {message.in_reply_to}")
    if message.references:
        lines.append("References: " + "\r\n ".join(message.references.split()))
    lines += [
        f"List-Unsubscribe: <{url}>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "Auto-Submitted: no",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
    ]
    body = message.body_text.replace("\r\n", "\n")
    if body.isascii() and all(len(line) <= 900 for line in body.split("\n")):
        lines.append("Content-Transfer-Encoding: 7bit")
        payload = body.replace("\n", "\r\n").encode("ascii")
    else:
        lines.append("Content-Transfer-Encoding: base64")
        payload = base64.encodebytes(body.encode("utf-8")).replace(b"\n", b"\r\n")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + payload


# --- claiming ------------------------------------------------------------------------------------------------


def schedule_next(session: Session, enr: OutreachEnrollment, after: datetime) -> None:
    """After a step completed: the next step's due time (business days in the recipient's zone) or done."""
    version = session.get(OutreachSequenceVersion, enr.version_id)
    inf = session.get(Influencer, enr.influencer_id)
    _schedule(
        enr,
        version.steps if version else [],
        after,
        (inf.timezone if inf and inf.timezone else None) or "UTC",
    )


@dataclass
class ClaimStats:
    claimed: list[int] = field(default_factory=list)
    tasks: int = 0
    blocked: int = 0
    deferred: int = 0
    completed: int = 0
    stopped: int = 0


COUNTRY_TZ = {
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
    "TW": "Asia/Taipei",
    "HK": "Asia/Hong_Kong",
    "CN": "Asia/Shanghai",
    "SG": "Asia/Singapore",
    "TH": "Asia/Bangkok",
    "VN": "Asia/Ho_Chi_Minh",
    "ID": "Asia/Jakarta",
    "PH": "Asia/Manila",
    "MY": "Asia/Kuala_Lumpur",
    "IN": "Asia/Kolkata",
    "AU": "Australia/Sydney",
    "GB": "Europe/London",
    "FR": "Europe/Paris",
    "DE": "Europe/Berlin",
    "IT": "Europe/Rome",
    "ES": "Europe/Madrid",
    "US": "America/New_York",
    "CA": "America/Toronto",
    "BR": "America/Sao_Paulo",
    "MX": "America/Mexico_City",
}


def _recipient_tz(inf: Influencer | None, workspace: Workspace | None) -> str:
    """The influencer's own zone, else their country's main zone, else the workspace's."""
    if inf is not None and inf.timezone:
        return inf.timezone
    if inf is not None and inf.country and inf.country.upper() in COUNTRY_TZ:
        return COUNTRY_TZ[inf.country.upper()]
    return workspace.timezone if workspace is not None else "UTC"


def claim_due(
    session: Session,
    *,
    now: datetime | None = None,
    limit: int = 500,
    inbox_checked_since: datetime | None = None,
) -> ClaimStats:
    """Turn due enrollment steps into ``sending`` messages (or tasks). Caller commits.

    A follow-up is claimed only if its mailbox's inbox was polled successfully at or after
    ``inbox_checked_since`` (default: within :data:`POLL_FRESHNESS`), so a reply that has arrived is seen first.
    """
    now = now or utcnow()
    checked_since = inbox_checked_since or (now - POLL_FRESHNESS)
    stats = ClaimStats()
    enrollments = list(
        session.execute(
            select(OutreachEnrollment)
            .where(OutreachEnrollment.status == "active", OutreachEnrollment.next_due_at <= now)
            .order_by(OutreachEnrollment.next_due_at, OutreachEnrollment.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if not enrollments:
        return stats
    ws_ids = {e.workspace_id for e in enrollments}
    workspaces = {
        w.id: w for w in session.execute(select(Workspace).where(Workspace.id.in_(ws_ids))).scalars()
    }
    all_mailboxes = list(
        session.execute(select(OutreachMailbox).where(OutreachMailbox.workspace_id.in_(ws_ids))).scalars()
    )
    by_ws: dict[int, list[OutreachMailbox]] = defaultdict(list)
    mb_by_id = {}
    for mb in all_mailboxes:
        by_ws[mb.workspace_id].append(mb)
        mb_by_id[mb.id] = mb
    capacity = mailboxes.Capacity(mailboxes.sent_today(session, list(mb_by_id), now))
    versions = {
        v.id: v
        for v in session.execute(
            select(OutreachSequenceVersion).where(
                OutreachSequenceVersion.id.in_({e.version_id for e in enrollments})
            )
        ).scalars()
    }
    sequences = {
        s.id: s
        for s in session.execute(
            select(OutreachSequence).where(OutreachSequence.id.in_({e.sequence_id for e in enrollments}))
        ).scalars()
    }
    campaign_ids = {e.campaign_id for e in enrollments if e.campaign_id}
    campaigns = (
        {c.id: c for c in session.execute(select(Campaign).where(Campaign.id.in_(campaign_ids))).scalars()}
        if campaign_ids
        else {}
    )
    recipients = load_recipients(session, sorted({e.influencer_id for e in enrollments}))
    suppressed = _suppressed_set(session, {(e.workspace_id, e.to_email) for e in enrollments})
    last_out = _last_outbound(session, [e.id for e in enrollments])
    created: list[dict[str, Any]] = []
    contacted: list[tuple[int, int | None, int]] = []

    for enr in enrollments:
        version = versions[enr.version_id]
        steps = version.steps
        if enr.next_step >= len(steps):
            enr.status, enr.next_due_at = "completed", None
            stats.completed += 1
            continue
        if (enr.workspace_id, enr.to_email) in suppressed:
            service.stop_enrollments(session, [enr], reason="suppressed")
            stats.stopped += 1
            continue
        step = steps[enr.next_step]
        workspace = workspaces[enr.workspace_id]
        recipient = recipients.get(enr.influencer_id)
        if recipient is None:
            service.stop_enrollments(session, [enr], reason="influencer_missing")
            continue
        seq = sequences[enr.sequence_id]
        campaign = campaigns.get(enr.campaign_id) if enr.campaign_id else None
        tz = _recipient_tz(recipient.influencer, workspace)

        if step["kind"] == "task":
            mailbox = mb_by_id.get(enr.mailbox_id) if enr.mailbox_id else None
            try:
                text = templating.render(
                    "",
                    str(step.get("text", "")),
                    build_context(
                        recipient,
                        workspace=workspace,
                        mailbox=mailbox,
                        campaign=campaign,
                        offer=seq.offer,
                        unsubscribe_url=unsubscribe_url(enr.workspace_id, enr.to_email),
                    ),
                ).body
            except templating.TemplateBlocked as exc:
                _block(enr, exc)
                stats.blocked += 1
                continue
            session.add(
                OutreachTask(
                    workspace_id=enr.workspace_id,
                    enrollment_id=enr.id,
                    influencer_id=enr.influencer_id,
                    step_index=enr.next_step,
                    idempotency_key=f"enr:{enr.id}:step:{enr.next_step}",
                    platform=str(step.get("platform", "instagram")),
                    text=text,
                    due_at=now,
                )
            )
            enr.next_step += 1
            enr.next_due_at = None  # resumes when the task is done
            stats.tasks += 1
            continue

        # e-mail step
        mailbox = mb_by_id.get(enr.mailbox_id) if enr.mailbox_id else None
        if mailbox is None:
            mailbox = mailboxes.pick_mailbox(by_ws[enr.workspace_id], capacity, now)
            if mailbox is None:
                enr.next_due_at = now + timedelta(minutes=30)
                stats.deferred += 1
                continue
        elif not mailboxes.is_available(mailbox, now) or capacity.remaining(mailbox, now) <= 0:
            enr.next_due_at = max(now + timedelta(minutes=30), mailbox.paused_until or now)
            stats.deferred += 1
            continue
        if enr.next_step > 0 and not _inbox_fresh(mailbox, checked_since):
            # Never follow up blind: a follow-up leaves only after this mailbox's inbox was checked recently.
            enr.next_due_at = now + timedelta(minutes=15)
            stats.deferred += 1
            continue
        opening = mailboxes.window_opening(mailbox, tz, now)
        if opening > now:
            enr.next_due_at = opening
            stats.deferred += 1
            continue
        key, subject_src, body_src = pick_variant(step, enr.id)
        url = unsubscribe_url(enr.workspace_id, enr.to_email)
        context = build_context(
            recipient,
            workspace=workspace,
            mailbox=mailbox,
            campaign=campaign,
            offer=seq.offer,
            unsubscribe_url=url,
        )
        try:
            rendered = templating.render(subject_src or "{{ '' }}", body_src, context)
        except templating.TemplateBlocked as exc:
            _block(enr, exc)
            stats.blocked += 1
            continue
        previous = last_out.get(enr.id)
        subject = rendered.subject
        in_reply_to, references = "", ""
        if previous is not None:
            in_reply_to = previous.message_id
            references = " ".join(x for x in (previous.references, previous.message_id) if x).strip()
            if not subject:
                subject = (
                    enr.thread_subject
                    if enr.thread_subject.lower().startswith("re:")
                    else f"Re: {enr.thread_subject}"
                )
        if not subject:
            _block(enr, templating.TemplateBlocked("The subject is empty.", code="template_empty_subject"))
            stats.blocked += 1
            continue
        language = "ja" if any(ord(ch) > 0x3000 for ch in body_src[:400]) else "en"
        message = {
            "workspace_id": enr.workspace_id,
            "direction": "out",
            "kind": "sequence",
            "status": "sending",
            "enrollment_id": enr.id,
            "influencer_id": enr.influencer_id,
            "mailbox_id": mailbox.id,
            "template_id": step.get("template_id"),
            "step_index": enr.next_step,
            "variant": key,
            "tier": recipient.influencer.tier or "",
            "idempotency_key": f"enr:{enr.id}:step:{enr.next_step}",
            "message_id": new_message_id(mailbox),
            "in_reply_to": in_reply_to,
            "references": references,
            "subject": subject,
            "from_addr": mailbox.from_email,
            "to_addr": enr.to_email,
            "body_text": rendered.body.rstrip() + legal_footer(workspace, url, language),
            "claimed_by": PROCESS_TOKEN,
            "claimed_at": now,
            "created_at": now,
        }
        capacity.take(mailbox)
        enr.mailbox_id = mailbox.id
        if previous is None:
            enr.thread_message_id = str(message["message_id"])
            enr.thread_subject = subject
        enr.next_step += 1
        enr.next_due_at = None
        created.append(message)
        contacted.append((enr.workspace_id, enr.campaign_id, enr.influencer_id))
    session.flush()
    if created:
        # One multi-row INSERT instead of an ORM object per message (10,000 steps claim in seconds). The
        # UNIQUE idempotency key still makes a second claim of the same step fail the whole transaction.
        session.execute(insert(OutreachMessage), created)
        keys = [str(m["idempotency_key"]) for m in created]
        for i in range(0, len(keys), 500):
            stats.claimed += [
                int(r[0])
                for r in session.execute(
                    select(OutreachMessage.id).where(OutreachMessage.idempotency_key.in_(keys[i : i + 500]))
                )
            ]
    service.advance_stages(session, contacted, to="contacted", only_from=("prospect",))
    session.flush()
    return stats


def _inbox_fresh(mailbox: OutreachMailbox, checked_since: datetime) -> bool:
    if not mailbox.imap_host:
        return False
    return (
        mailbox.last_polled_at is not None
        and mailbox.last_polled_at >= checked_since
        and not mailbox.last_poll_error
    )


def mailboxes_with_due_follow_ups(session: Session, now: datetime) -> list[int]:
    return [
        int(r[0] or 0)
        for r in session.execute(
            select(OutreachEnrollment.mailbox_id)
            .where(
                OutreachEnrollment.status == "active",
                OutreachEnrollment.next_due_at <= now,
                OutreachEnrollment.next_step > 0,
                OutreachEnrollment.mailbox_id.is_not(None),
            )
            .distinct()
        )
    ]


def _block(enr: OutreachEnrollment, exc: templating.TemplateBlocked) -> None:
    enr.status = "blocked"
    enr.stop_reason = exc.code
    enr.stop_detail = exc.message
    enr.next_due_at = None


def _suppressed_set(session: Session, pairs: set[tuple[int, str]]) -> set[tuple[int, str]]:
    if not pairs:
        return set()
    emails = sorted({e for _w, e in pairs})
    found: set[tuple[int, str]] = set()
    for i in range(0, len(emails), 500):
        for ws, email in session.execute(
            select(OutreachSuppression.workspace_id, OutreachSuppression.email).where(
                OutreachSuppression.email.in_(emails[i : i + 500])
            )
        ):
            found.add((int(ws), str(email)))
    return found & pairs


def _last_outbound(session: Session, enrollment_ids: list[int]) -> dict[int, OutreachMessage]:
    out: dict[int, OutreachMessage] = {}
    for i in range(0, len(enrollment_ids), 500):
        rows = session.execute(
            select(OutreachMessage)
            .where(
                OutreachMessage.enrollment_id.in_(enrollment_ids[i : i + 500]),
                OutreachMessage.direction == "out",
                OutreachMessage.status.in_(("sent", "sending", "uncertain")),
            )
            .order_by(OutreachMessage.id)
        ).scalars()
        for m in rows:
            out[m.enrollment_id or 0] = m
    return out


# --- delivering ------------------------------------------------------------------------------------------------


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    bounced: int = 0
    cancelled: int = 0
    ambiguous: int = 0
    paused_mailboxes: list[int] = field(default_factory=list)


_READY_SQL = (
    "SELECT m.status, m.kind, e.status, "
    "(SELECT 1 FROM outreach_suppressions s WHERE s.workspace_id = m.workspace_id AND s.email = lower(m.to_addr)) "
    "FROM outreach_messages m LEFT JOIN outreach_enrollments e ON e.id = m.enrollment_id WHERE m.id = {param}"
)


def _ready_to_send(conn: Any, message_id: int) -> str | None:
    """Fresh check straight before the SMTP transaction; returns a reason to cancel, or None.

    Sequence steps need a still-active enrollment (a reply, bounce, opt-out or stage change stops it); every
    message, including a person's own reply, needs a recipient that is not on the suppression list. One plain
    SQL statement (this runs once per message on the hot path). Suppressed addresses are stored lower-cased.
    """
    param = "%(id)s" if conn.dialect.paramstyle == "pyformat" else "?"
    sql = _READY_SQL.format(param=param)
    args: Any = {"id": message_id} if param == "%(id)s" else (message_id,)
    row = conn.exec_driver_sql(sql, args).first()
    if row is None:
        return "missing"
    status, kind, enr_status, suppressed = row
    if status != "sending":
        return f"status:{status}"
    if kind == "sequence" and enr_status is not None and enr_status != "active":
        return f"enrollment:{enr_status}"
    return "suppressed" if suppressed else None


def _backoff(attempts: int) -> timedelta:
    delay: timedelta = BACKOFF_BASE * int(2 ** max(0, attempts - 1))
    return min(BACKOFF_CAP, delay)


def deliver(
    message_ids: list[int],
    *,
    engine: Engine | None = None,
    durable_journal: bool = False,
    before_each: Callable[[int], None] | None = None,
    connections: int = 3,
) -> DeliveryStats:
    """Send claimed messages, grouped by mailbox; up to ``connections`` SMTP connections per mailbox."""
    engine = engine or get_engine()
    stats = DeliveryStats()
    if not message_ids:
        return stats
    with unit_of_work(engine) as uow:
        rows = list(
            uow.session.execute(
                select(OutreachMessage)
                .where(OutreachMessage.id.in_(message_ids))
                .order_by(OutreachMessage.id)
            ).scalars()
        )
        boxes = {
            m.id: m
            for m in uow.session.execute(
                select(OutreachMailbox).where(
                    OutreachMailbox.id.in_({r.mailbox_id for r in rows if r.mailbox_id})
                )
            ).scalars()
        }
        payloads = [
            (r.id, r.mailbox_id, r.message_id, r.to_addr, to_mime(r, boxes[r.mailbox_id]))
            for r in rows
            if r.mailbox_id in boxes
        ]
    by_box: dict[int, list[tuple[int, str, str, bytes]]] = defaultdict(list)
    for mid, box_id, msgid, to_addr, raw in payloads:
        by_box[int(box_id or 0)].append((mid, msgid, to_addr, raw))
    jobs: list[tuple[OutreachMailbox, list[tuple[int, str, str, bytes]]]] = []
    for box_id, items in by_box.items():
        # A large batch goes out over a few parallel connections (providers allow several); each connection
        # runs the same per-message protocol, so the exactly-once argument does not change.
        shards = max(1, min(connections, len(items) // 100))
        jobs += [(boxes[box_id], items[i::shards]) for i in range(shards)]
    if len(jobs) == 1:
        _deliver_mailbox(engine, jobs[0][0], jobs[0][1], stats, durable_journal, before_each)
        return stats
    with ThreadPoolExecutor(max_workers=min(len(jobs), 8)) as pool:
        results = [
            pool.submit(_deliver_mailbox, engine, box, items, DeliveryStats(), durable_journal, before_each)
            for box, items in jobs
        ]
        for fut in results:
            part = fut.result()
            stats.sent += part.sent
            stats.retried += part.retried
            stats.bounced += part.bounced
            stats.cancelled += part.cancelled
            stats.ambiguous += part.ambiguous
            stats.paused_mailboxes += part.paused_mailboxes
    return stats


def _journal_begin(msgid: str, durable: bool) -> Callable[[], None]:
    def write() -> None:
        journal.record("begin", msgid, durable=durable)

    return write


def _deliver_mailbox(
    engine: Engine,
    mailbox: OutreachMailbox,
    items: list[tuple[int, str, str, bytes]],
    stats: DeliveryStats,
    durable: bool,
    before_each: Callable[[int], None] | None,
) -> DeliveryStats:
    session_smtp: SmtpSession | None = None
    pending: list[int] = []
    conn = engine.connect()
    try:
        for index, (row_id, msgid, to_addr, raw) in enumerate(items):
            if before_each is not None:
                before_each(row_id)
            try:
                reason = _ready_to_send(conn, row_id)
            finally:
                conn.rollback()  # end the read transaction: the next check must see newer commits
            if reason is not None:
                _finish(engine, row_id, status="cancelled", error=f"not sent: {reason}")
                stats.cancelled += 1
                continue
            try:
                if session_smtp is None:
                    session_smtp = SmtpSession(mailboxes.smtp_settings(mailbox))
                    session_smtp.open()
                session_smtp.send(
                    mailbox.from_email,
                    to_addr,
                    raw,
                    on_commit_point=_journal_begin(msgid, durable),
                )
                journal.record("accepted", msgid, durable=durable)
            except AmbiguousSmtpError as exc:
                # Leave it 'sending' with no live claimer: reconciliation decides with evidence.
                _orphan(engine, row_id, str(exc))
                stats.ambiguous += 1
                session_smtp = None
                continue
            except (QuotaSmtpError, AuthSmtpError) as exc:
                journal.record("rejected", msgid)
                _pause_mailbox(engine, mailbox, exc)
                stats.paused_mailboxes.append(mailbox.id)
                _requeue(
                    engine,
                    [i[0] for i in items[index:]],
                    when=mailbox.paused_until,
                    error=str(exc),
                    count_attempt=False,
                )
                stats.retried += len(items) - index
                return stats
            except PermanentSmtpError as exc:
                journal.record("rejected", msgid)
                _bounce(engine, row_id, str(exc))
                stats.bounced += 1
                continue
            except SmtpError as exc:
                journal.record("rejected", msgid)
                _requeue(engine, [row_id], when=None, error=str(exc), count_attempt=True)
                stats.retried += 1
                if session_smtp is not None and session_smtp._smtp is None:
                    session_smtp = None
                continue
            pending.append(row_id)
            stats.sent += 1
            if len(pending) >= 100:
                mark_sent(engine, pending)
                pending = []
    finally:
        conn.close()
        if pending:
            mark_sent(engine, pending)
        if session_smtp is not None:
            session_smtp.close()
    return stats


@_serialized_write
def mark_sent(engine: Engine, row_ids: list[int]) -> None:
    """Record acceptance and schedule each enrollment's next step from the send time.

    Core statements rather than ORM objects: this runs for every batch of accepted messages on the hot path.
    """
    now = utcnow()
    with unit_of_work(engine) as uow:
        s = uow.session
        rows = s.execute(
            select(OutreachMessage.id, OutreachMessage.enrollment_id).where(
                OutreachMessage.id.in_(row_ids), OutreachMessage.status.in_(("sending", "uncertain"))
            )
        ).all()
        if not rows:
            return
        s.execute(
            update(OutreachMessage)
            .where(OutreachMessage.id.in_([r.id for r in rows]))
            .values(status="sent", sent_at=now, claimed_by=""),
            execution_options={"synchronize_session": False},
        )
        enr_ids = [r.enrollment_id for r in rows if r.enrollment_id]
        if not enr_ids:
            return
        waiting = s.execute(
            select(
                OutreachEnrollment.id,
                OutreachEnrollment.next_step,
                OutreachEnrollment.version_id,
                Influencer.timezone,
            )
            .join(Influencer, Influencer.id == OutreachEnrollment.influencer_id)
            .where(
                OutreachEnrollment.id.in_(enr_ids),
                OutreachEnrollment.status == "active",
                OutreachEnrollment.next_due_at.is_(None),
            )
        ).all()
        steps_of: dict[int, list[dict[str, Any]]] = dict(
            s.execute(
                select(OutreachSequenceVersion.id, OutreachSequenceVersion.steps).where(
                    OutreachSequenceVersion.id.in_({w.version_id for w in waiting})
                )
            ).all()
        )
        completed = [w.id for w in waiting if w.next_step >= len(steps_of.get(w.version_id) or [])]
        if completed:
            s.execute(
                update(OutreachEnrollment)
                .where(OutreachEnrollment.id.in_(completed))
                .values(status="completed"),
                execution_options={"synchronize_session": False},
            )
        for w in waiting:
            steps = steps_of.get(w.version_id) or []
            if w.next_step < len(steps):
                due = add_business_days(
                    now, int(steps[w.next_step].get("delay_days", 0)), w.timezone or "UTC"
                )
                s.execute(
                    update(OutreachEnrollment).where(OutreachEnrollment.id == w.id).values(next_due_at=due),
                    execution_options={"synchronize_session": False},
                )


def _schedule(enr: OutreachEnrollment, steps: list[dict[str, Any]], after: datetime, tz: str) -> None:
    if enr.next_step >= len(steps):
        enr.status = "completed"
        enr.next_due_at = None
        return
    enr.next_due_at = add_business_days(after, int(steps[enr.next_step].get("delay_days", 0)), tz)


@_serialized_write
def _finish(engine: Engine, row_id: int, *, status: str, error: str) -> None:
    with unit_of_work(engine) as uow:
        uow.session.execute(
            update(OutreachMessage)
            .where(OutreachMessage.id == row_id, OutreachMessage.status == "sending")
            .values(status=status, last_error=error, claimed_by="")
        )


@_serialized_write
def _orphan(engine: Engine, row_id: int, error: str) -> None:
    with unit_of_work(engine) as uow:
        uow.session.execute(
            update(OutreachMessage)
            .where(OutreachMessage.id == row_id)
            .values(claimed_by="", last_error=error)
        )


@_serialized_write
def _requeue(
    engine: Engine, row_ids: list[int], *, when: datetime | None, error: str, count_attempt: bool
) -> None:
    now = utcnow()
    with unit_of_work(engine) as uow:
        s = uow.session
        for r in s.execute(select(OutreachMessage).where(OutreachMessage.id.in_(row_ids))).scalars():
            if r.status != "sending":
                continue
            if count_attempt:
                r.attempts += 1
            r.last_error = error[:2000]
            r.claimed_by = ""
            if r.attempts >= MAX_ATTEMPTS:
                r.status = "failed"
                if r.enrollment_id:
                    enr = s.get(OutreachEnrollment, r.enrollment_id)
                    if enr is not None:
                        service.stop_enrollments(s, [enr], reason="send_failed", detail=error)
                continue
            r.status = "queued"
            r.next_attempt_at = _retry_time(s, r, when or (now + _backoff(r.attempts)))


def _retry_time(session: Session, message: OutreachMessage, at: datetime) -> datetime:
    """A sequence step that failed to send retries inside the recipient's sending window, never at 3 a.m."""
    if message.kind != "sequence" or not message.mailbox_id:
        return at
    mailbox = session.get(OutreachMailbox, message.mailbox_id)
    if mailbox is None:
        return at
    influencer = session.get(Influencer, message.influencer_id) if message.influencer_id else None
    workspace = session.get(Workspace, message.workspace_id)
    return mailboxes.window_opening(mailbox, _recipient_tz(influencer, workspace), at)


@_serialized_write
def _bounce(engine: Engine, row_id: int, error: str) -> None:
    now = utcnow()
    with unit_of_work(engine) as uow:
        s = uow.session
        r = s.get(OutreachMessage, row_id)
        if r is None:
            return
        r.status, r.bounced_at, r.last_error, r.claimed_by = "bounced", now, error[:2000], ""
        service.suppress(s, r.workspace_id, r.to_addr, reason="bounce", source=error[:200])
        if r.enrollment_id:
            enr = s.get(OutreachEnrollment, r.enrollment_id)
            if enr is not None:
                service.stop_enrollments(s, [enr], reason="bounced", detail=error)


@_serialized_write
def _pause_mailbox(engine: Engine, mailbox: OutreachMailbox, exc: SmtpError) -> None:
    now = utcnow()
    with unit_of_work(engine) as uow:
        mb = uow.session.get(OutreachMailbox, mailbox.id)
        if mb is None:
            return
        if isinstance(exc, AuthSmtpError):
            mb.status = "paused"
            mb.paused_reason = f"auth: {exc}"[:200]
            mb.paused_until = None
        else:
            mb.paused_until = now + (QUOTA_PAUSE if exc.code >= 500 or exc.code == 0 else RATE_PAUSE)
            mb.paused_reason = f"quota: {exc}"[:200]
        mailbox.paused_until = mb.paused_until
        mailbox.status = mb.status


# --- retries and reconciliation ----------------------------------------------------------------------------


def claim_retries(session: Session, *, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Queued messages whose backoff has elapsed become ``sending`` again (same Message-ID)."""
    now = now or utcnow()
    rows = list(
        session.execute(
            select(OutreachMessage)
            .where(
                OutreachMessage.direction == "out",
                OutreachMessage.status == "queued",
                (OutreachMessage.next_attempt_at.is_(None)) | (OutreachMessage.next_attempt_at <= now),
            )
            .order_by(OutreachMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    box_ids = {r.mailbox_id for r in rows if r.mailbox_id}
    boxes = {
        m.id: m
        for m in session.execute(select(OutreachMailbox).where(OutreachMailbox.id.in_(box_ids))).scalars()
    }
    claimed = []
    for r in rows:
        mb = boxes.get(r.mailbox_id or 0)
        if mb is None or not mailboxes.is_available(mb, now):
            continue
        r.status, r.claimed_by, r.claimed_at = "sending", PROCESS_TOKEN, now
        claimed.append(r.id)
    session.flush()
    return claimed


@dataclass
class ReconcileStats:
    sent: int = 0
    requeued: int = 0
    uncertain: int = 0
    waiting: int = 0


def reconcile(engine: Engine | None = None, *, now: datetime | None = None) -> ReconcileStats:
    """Resolve ``sending`` messages left behind by a dead process (see the module docstring)."""
    engine = engine or get_engine()
    now = now or utcnow()
    stats = ReconcileStats()
    with unit_of_work(engine) as uow:
        rows = [
            (r.id, r.message_id, r.mailbox_id, r.claimed_at)
            for r in uow.session.execute(
                select(OutreachMessage).where(
                    OutreachMessage.direction == "out", OutreachMessage.status == "sending"
                )
            ).scalars()
            if not claimer_alive(r.claimed_by, r.claimed_at, now)
        ]
    if not rows:
        return stats
    events = journal.last_events({r[1] for r in rows})
    to_sent: list[int] = []
    ambiguous: dict[int, list[tuple[int, str, datetime | None]]] = defaultdict(list)
    requeue: list[int] = []
    for row_id, msgid, box_id, claimed_at in rows:
        event = events.get(msgid)
        if event == "accepted":
            to_sent.append(row_id)
        elif event is None or event == "rejected":
            requeue.append(row_id)
        else:
            ambiguous[int(box_id or 0)].append((row_id, msgid, claimed_at))
    with unit_of_work(engine) as uow:
        boxes = {
            m.id: m
            for m in uow.session.execute(
                select(OutreachMailbox).where(OutreachMailbox.id.in_(list(ambiguous)))
            ).scalars()
        }
        settings = {
            bid: (mailboxes.imap_settings(mb), mb.sent_folder, mb.server_files_sent)
            for bid, mb in boxes.items()
        }
    uncertain: list[int] = []
    for box_id, items in ambiguous.items():
        imap, folder, files_sent = settings.get(box_id, (None, "", False))
        if imap is None or not folder:
            uncertain.extend(i[0] for i in items)
            continue
        try:
            found = imap_client.find_message_ids(imap, folder, [i[1] for i in items])
        except imap_client.ImapError:
            for row_id, _m, claimed_at in items:
                if claimed_at is not None and now - claimed_at > UNCERTAIN_AFTER:
                    uncertain.append(row_id)
                else:
                    stats.waiting += 1
            continue
        for row_id, msgid, _c in items:
            if msgid in found:
                to_sent.append(row_id)
            elif files_sent:
                requeue.append(row_id)
            else:
                uncertain.append(row_id)
    if to_sent:
        mark_sent(engine, to_sent)
        stats.sent = len(to_sent)
    if requeue:
        with unit_of_work(engine) as uow:
            uow.session.execute(
                update(OutreachMessage)
                .where(OutreachMessage.id.in_(requeue), OutreachMessage.status == "sending")
                .values(status="queued", next_attempt_at=now, claimed_by="")
            )
        stats.requeued = len(requeue)
    if uncertain:
        with unit_of_work(engine) as uow:
            uow.session.execute(
                update(OutreachMessage)
                .where(OutreachMessage.id.in_(uncertain), OutreachMessage.status == "sending")
                .values(
                    status="uncertain",
                    claimed_by="",
                    last_error="Interrupted after the final dot; no proof of acceptance. Check and decide.",
                )
            )
        stats.uncertain = len(uncertain)
    journal.prune()
    return stats


def resolve_uncertain(session: Session, message: OutreachMessage, *, sent: bool) -> None:
    """A person checked an ``uncertain`` message: it did arrive (sent) or it did not (send again)."""
    if message.status != "uncertain":
        return
    if sent:
        message.status = "sent"
        message.sent_at = message.claimed_at or utcnow()
        if message.enrollment_id:
            enr = session.get(OutreachEnrollment, message.enrollment_id)
            if enr is not None and enr.status == "active" and enr.next_due_at is None:
                schedule_next(session, enr, message.sent_at)
    else:
        message.status = "queued"
        message.next_attempt_at = utcnow()


# --- the whole pass ------------------------------------------------------------------------------------------


@dataclass
class SendReport:
    reconciled: ReconcileStats
    claimed: int
    tasks: int
    blocked: int
    deferred: int
    delivery: DeliveryStats
    polled: int = 0


def send_due(
    *,
    engine: Engine | None = None,
    limit: int = 500,
    poll_first: bool = True,
    before_each: Callable[[int], None] | None = None,
) -> SendReport:
    """One pass: reconcile, poll stale inboxes (so no follow-up leaves after a reply), claim, deliver."""
    engine = engine or get_engine()
    if not _send_lock.acquire(blocking=False):
        empty = ReconcileStats()
        return SendReport(empty, 0, 0, 0, 0, DeliveryStats())
    try:
        rec = reconcile(engine)
        polled = 0
        pass_start = utcnow()
        if poll_first:
            from kizuna.outreach import inbox

            with unit_of_work(engine) as uow:
                urgent = mailboxes_with_due_follow_ups(uow.session, pass_start)
            # Inboxes with follow-ups due are polled on every pass, right before claiming.
            polled = inbox.poll_many(urgent, engine=engine)
            polled += inbox.poll_stale(engine=engine, older_than=POLL_FRESHNESS)
        with unit_of_work(engine) as uow:
            ids = claim_retries(uow.session, limit=limit)
            stats = claim_due(
                uow.session, limit=limit, inbox_checked_since=pass_start if poll_first else None
            )
            ids += stats.claimed
        delivery = deliver(ids, engine=engine, before_each=before_each)
        return SendReport(rec, len(ids), stats.tasks, stats.blocked, stats.deferred, delivery, polled)
    finally:
        _send_lock.release()


# --- one-off messages from a person ------------------------------------------------------------------------


def queue_reply(
    session: Session,
    *,
    workspace: Workspace,
    influencer: Influencer,
    body: str,
    nonce: str,
    mailbox_id: int | None = None,
    actor_id: int | None = None,
) -> OutreachMessage:
    """Queue an in-thread reply written by a person; delivered by the job queue after commit.

    The suppression list is checked here (and again right before the SMTP transaction), so no entry point can
    e-mail an opted-out address. ``nonce`` comes from the form and makes a double submit a no-op.
    """
    from kizuna.errors import Conflict, ValidationFailed

    if not body.strip():
        raise ValidationFailed("Write a message first.", code="reply_empty")
    key = f"manual:{workspace.id}:{nonce}"
    existing = session.execute(
        select(OutreachMessage).where(OutreachMessage.idempotency_key == key)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    last = session.execute(
        select(OutreachMessage)
        .where(OutreachMessage.influencer_id == influencer.id)
        .order_by(OutreachMessage.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if last is not None and last.direction == "in":
        to_addr = last.from_addr
    else:
        to_addr = (last.to_addr if last is not None else "") or (
            service.recipient_address(session, influencer) or ""
        )
    if not to_addr:
        raise ValidationFailed("This influencer has no e-mail address.", code="no_email")
    if service.is_suppressed(session, workspace.id, to_addr):
        raise Conflict("This address opted out; it is never e-mailed again.", code="suppressed_recipient")
    box_id = mailbox_id or (last.mailbox_id if last is not None else None)
    mailbox = session.get(OutreachMailbox, box_id) if box_id else None
    if mailbox is None:
        mailbox = (
            session.execute(
                select(OutreachMailbox)
                .where(OutreachMailbox.workspace_id == workspace.id)
                .order_by(OutreachMailbox.id)
            )
            .scalars()
            .first()
        )
    if mailbox is None:
        raise ValidationFailed("Add a mailbox first.", code="no_mailbox")
    subject = (last.subject if last is not None else "") or workspace.name
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    references = ""
    in_reply_to = ""
    if last is not None:
        in_reply_to = last.message_id
        references = " ".join(x for x in (last.references, last.message_id) if x).strip()[-3000:]
    url = unsubscribe_url(workspace.id, to_addr)
    language = "ja" if any(ord(ch) > 0x3000 for ch in body[:400]) else "en"
    message = OutreachMessage(
        workspace_id=workspace.id,
        direction="out",
        kind="manual",
        status="queued",
        influencer_id=influencer.id,
        enrollment_id=last.enrollment_id if last is not None else None,
        mailbox_id=mailbox.id,
        idempotency_key=key,
        message_id=new_message_id(mailbox),
        in_reply_to=in_reply_to,
        references=references,
        subject=subject[:500],
        from_addr=mailbox.from_email,
        to_addr=to_addr,
        body_text=body.rstrip() + legal_footer(workspace, url, language),
        next_attempt_at=utcnow(),
        claimed_at=utcnow(),
    )
    session.add(message)
    session.flush()
    return message
