"""Inbox polling and reply matching: the guarantee that no follow-up leaves after a reply starts here.

Matching order for each inbound message: (1) ``In-Reply-To``/``References`` against the Message-IDs we sent;
for DSNs the original Message-ID inside the report; (2) the subject thread (``Re:``/``返信:`` stripped) of a
message we sent to that address; (3) the sender address, against every influencer's and every manager's
addresses. A manager's or agency's message therefore matches every influencer they represent, and stops all
of their sequences. Matching works on a whole batch with a handful of set-based queries.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from kizuna.db import get_engine, unit_of_work
from kizuna.integrations.mail import imap as imap_client
from kizuna.integrations.mail.parse import ParsedMail, parse
from kizuna.kit.time import utcnow
from kizuna.models.influencer import Influencer
from kizuna.models.manager import Manager
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.models.outreach_mailbox import OutreachMailbox
from kizuna.models.outreach_message import OutreachMessage
from kizuna.outreach import classify as classifier
from kizuna.outreach import mailboxes, service

log = logging.getLogger(__name__)
CHUNK = 500
MAX_BODY = 20_000


@dataclass
class Match:
    via: str = ""
    influencer_ids: set[int] = field(default_factory=set)
    enrollment_ids: set[int] = field(default_factory=set)
    outbound_ids: set[int] = field(default_factory=set)
    manager_id: int | None = None


class ThreadIndex:
    """Everything needed to match one workspace's inbound mail, loaded once per batch."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self.session = session
        self.workspace_id = workspace_id
        self.by_email: dict[str, set[int]] = defaultdict(set)
        self.manager_by_email: dict[str, int] = {}
        self.represented: dict[int, set[int]] = defaultdict(set)
        for iid, emails, manager_id in session.execute(
            select(Influencer.id, Influencer.emails, Influencer.manager_id).where(
                Influencer.workspace_id == workspace_id
            )
        ):
            for e in emails or []:
                self.by_email[service.normalize_email(e)].add(int(iid))
            if manager_id:
                self.represented[int(manager_id)].add(int(iid))
        for mid, emails in session.execute(
            select(Manager.id, Manager.emails).where(Manager.workspace_id == workspace_id)
        ):
            for e in emails or []:
                self.manager_by_email[service.normalize_email(e)] = int(mid)
        self.sent_by_msgid: dict[str, tuple[int, int | None, int | None, str]] = {}
        self.thread_by_subject: dict[tuple[str, str], tuple[int, int | None, int | None]] = {}

    def preload(self, mails: list[ParsedMail]) -> None:
        ids: set[str] = set()
        senders: set[str] = set()
        for m in mails:
            ids.update(m.in_reply_to)
            ids.update(m.references)
            if m.original_message_id:
                ids.add(m.original_message_id)
            senders.add(m.from_addr)
            senders.update(d.recipient for d in m.dsn)
        id_list = sorted(ids - set(self.sent_by_msgid))
        for i in range(0, len(id_list), CHUNK):
            for row in self.session.execute(
                select(
                    OutreachMessage.id,
                    OutreachMessage.enrollment_id,
                    OutreachMessage.influencer_id,
                    OutreachMessage.message_id,
                    OutreachMessage.to_addr,
                ).where(
                    OutreachMessage.workspace_id == self.workspace_id,
                    OutreachMessage.direction == "out",
                    OutreachMessage.message_id.in_(id_list[i : i + CHUNK]),
                )
            ):
                self.sent_by_msgid[row.message_id] = (
                    row.id,
                    row.enrollment_id,
                    row.influencer_id,
                    row.to_addr,
                )
        sender_list = sorted(senders)
        for i in range(0, len(sender_list), CHUNK):
            for row in self.session.execute(
                select(
                    OutreachMessage.id,
                    OutreachMessage.enrollment_id,
                    OutreachMessage.influencer_id,
                    OutreachMessage.subject,
                    OutreachMessage.to_addr,
                ).where(
                    OutreachMessage.workspace_id == self.workspace_id,
                    OutreachMessage.direction == "out",
                    OutreachMessage.status.in_(("sent", "sending", "uncertain", "bounced")),
                    OutreachMessage.to_addr.in_(sender_list[i : i + CHUNK]),
                )
            ):
                key = (row.to_addr, classifier.normalize_subject(row.subject))
                self.thread_by_subject[key] = (row.id, row.enrollment_id, row.influencer_id)

    def match(self, mail: ParsedMail, kind: str) -> Match:
        found = Match()
        refs = [*mail.in_reply_to, *reversed(mail.references)]
        if kind == "bounce" and mail.original_message_id:
            refs.insert(0, mail.original_message_id)
        for ref in refs:
            hit = self.sent_by_msgid.get(ref)
            if hit is not None:
                row_id, enr_id, inf_id, _to = hit
                found.via = "headers"
                found.outbound_ids.add(row_id)
                if enr_id:
                    found.enrollment_ids.add(enr_id)
                if inf_id:
                    found.influencer_ids.add(inf_id)
                break
        addresses = [mail.from_addr] if kind != "bounce" else [d.recipient for d in mail.dsn]
        if not found.via:
            norm = classifier.normalize_subject(mail.subject)
            for addr in addresses:
                sub = self.thread_by_subject.get((addr, norm))
                if sub is not None:
                    found.via = "subject"
                    found.outbound_ids.add(sub[0])
                    if sub[1]:
                        found.enrollment_ids.add(sub[1])
                    if sub[2]:
                        found.influencer_ids.add(sub[2])
                    break
        if kind != "bounce":
            # The sender's own identity always widens the match: their every sequence stops, not just this thread.
            if mail.from_addr in self.by_email:
                found.influencer_ids |= self.by_email[mail.from_addr]
                found.via = found.via or "sender"
            manager_id = self.manager_by_email.get(mail.from_addr)
            if manager_id is not None:
                found.manager_id = manager_id
                found.influencer_ids |= self.represented.get(manager_id, set())
                found.via = found.via or "manager"
        elif not found.via:
            for addr in addresses:
                if addr in self.by_email:
                    found.influencer_ids |= self.by_email[addr]
                    found.via = "bounce_recipient"
        return found


@dataclass
class PollStats:
    fetched: int = 0
    matched: int = 0
    replies: int = 0
    auto_replies: int = 0
    bounces: int = 0
    unsubscribes: int = 0
    stopped: int = 0
    unmatched: int = 0


def process(
    session: Session,
    workspace_id: int,
    mailbox_id: int | None,
    mails: Iterable[tuple[str, ParsedMail]],
    *,
    now: datetime | None = None,
) -> PollStats:
    """Match, classify and apply a batch of inbound mails (``(dedupe_key, parsed)``). Caller commits."""
    now = now or utcnow()
    batch = list(mails)
    stats = PollStats(fetched=len(batch))
    if not batch:
        return stats
    keys = [k for k, _m in batch]
    seen: set[str] = set()
    for i in range(0, len(keys), CHUNK):
        seen.update(
            str(r[0])
            for r in session.execute(
                select(OutreachMessage.idempotency_key).where(
                    OutreachMessage.idempotency_key.in_(keys[i : i + CHUNK])
                )
            )
        )
    fresh = [(k, m) for k, m in batch if k not in seen]
    index = ThreadIndex(session, workspace_id)
    index.preload([m for _k, m in fresh])
    to_stop: dict[str, set[int]] = defaultdict(set)  # reason -> influencer ids
    to_pause: set[int] = set()
    replied_outbound: set[int] = set()
    replied_enrollments: set[int] = set()
    for key, mail in fresh:
        kind = classifier.classify(mail)
        match = index.match(mail, kind)
        if not match.via:
            stats.unmatched += 1
            continue
        stats.matched += 1
        primary_enr = min(match.enrollment_ids) if match.enrollment_ids else None
        primary_inf = min(match.influencer_ids) if match.influencer_ids else None
        session.add(
            OutreachMessage(
                workspace_id=workspace_id,
                direction="in",
                kind=kind,
                status="received",
                enrollment_id=primary_enr,
                influencer_id=primary_inf,
                mailbox_id=mailbox_id,
                idempotency_key=key,
                message_id=mail.message_id or key,
                in_reply_to=(mail.in_reply_to[0] if mail.in_reply_to else "")[:300],
                references=" ".join(mail.references)[:4000],
                subject=mail.subject[:500],
                from_addr=mail.from_addr[:320],
                to_addr=(mail.to_addrs[0] if mail.to_addrs else "")[:320],
                body_text=mail.text[:MAX_BODY],
                received_at=now,
                claimed_at=mail.date,
            )
        )
        if kind == "bounce":
            stats.bounces += 1
            hard = classifier.hard_bounced(mail)
            if hard or not mail.dsn:
                for addr in hard or [a for a in (mail.original_to,) if a]:
                    service.suppress(session, workspace_id, addr, reason="bounce", source="dsn")
                if match.outbound_ids:
                    session.execute(
                        update(OutreachMessage)
                        .where(OutreachMessage.id.in_(match.outbound_ids))
                        .values(status="bounced", bounced_at=now)
                    )
                to_stop["bounced"] |= match.influencer_ids
        elif kind == "unsubscribe":
            stats.unsubscribes += 1
            service.suppress(session, workspace_id, mail.from_addr, reason="unsubscribe", source="reply")
            for iid in match.influencer_ids if match.manager_id is None else []:
                for addr in _emails_of(session, iid):
                    service.suppress(session, workspace_id, addr, reason="unsubscribe", source="reply")
            to_stop["unsubscribed"] |= match.influencer_ids
        elif kind == "auto_reply":
            stats.auto_replies += 1
            to_pause |= match.enrollment_ids
            to_pause |= _active_enrollments(session, workspace_id, match.influencer_ids)
        else:
            stats.replies += 1
            to_stop["replied" if match.manager_id is None else "manager_replied"] |= match.influencer_ids
            replied_outbound |= match.outbound_ids
            replied_enrollments |= match.enrollment_ids
    session.flush()
    for reason, influencer_ids in to_stop.items():
        stats.stopped += service.stop_for_influencers(session, workspace_id, influencer_ids, reason=reason)
        if reason in ("replied", "manager_replied"):
            _mark_replied(session, workspace_id, influencer_ids, replied_outbound, now)
    if to_pause:
        for enr in session.execute(
            select(OutreachEnrollment).where(
                OutreachEnrollment.id.in_(to_pause), OutreachEnrollment.status == "active"
            )
        ).scalars():
            enr.status, enr.stop_reason = "paused", "auto_reply"
            enr.next_due_at = None
            session.execute(
                update(OutreachMessage)
                .where(
                    OutreachMessage.enrollment_id == enr.id,
                    OutreachMessage.status == "queued",
                    OutreachMessage.kind == "sequence",
                )
                .values(status="cancelled", last_error="paused: auto-reply")
            )
    session.flush()
    return stats


def _emails_of(session: Session, influencer_id: int) -> list[str]:
    inf = session.get(Influencer, influencer_id)
    return list(inf.emails or []) if inf else []


def _active_enrollments(session: Session, workspace_id: int, influencer_ids: set[int]) -> set[int]:
    if not influencer_ids:
        return set()
    return {
        r[0]
        for r in session.execute(
            select(OutreachEnrollment.id).where(
                OutreachEnrollment.workspace_id == workspace_id,
                OutreachEnrollment.influencer_id.in_(influencer_ids),
                OutreachEnrollment.status == "active",
            )
        )
    }


def _mark_replied(
    session: Session, workspace_id: int, influencer_ids: set[int], outbound_ids: set[int], now: datetime
) -> None:
    """Credit the reply to the last message sent to each influencer (for reply rates) and move the pipeline."""
    if not influencer_ids:
        return
    latest: dict[int, OutreachMessage] = {}
    for m in session.execute(
        select(OutreachMessage)
        .where(
            OutreachMessage.workspace_id == workspace_id,
            OutreachMessage.direction == "out",
            OutreachMessage.status.in_(("sent", "uncertain")),
            or_(
                OutreachMessage.influencer_id.in_(influencer_ids), OutreachMessage.id.in_(outbound_ids or {0})
            ),
        )
        .order_by(OutreachMessage.id)
    ).scalars():
        latest[m.influencer_id or 0] = m
    for m in latest.values():
        if m.replied_at is None:
            m.replied_at = now
    enr_ids = [m.enrollment_id for m in latest.values() if m.enrollment_id]
    if enr_ids:
        service.advance_stages(
            session,
            [
                (workspace_id, e.campaign_id, e.influencer_id)
                for e in session.execute(
                    select(OutreachEnrollment).where(OutreachEnrollment.id.in_(enr_ids))
                ).scalars()
            ],
            to="replied",
            only_from=("prospect", "contacted"),
        )


def poll_mailbox(mailbox_id: int, *, engine: Engine | None = None) -> PollStats:
    """Fetch new mail from one mailbox over IMAP and apply it. The network part holds no transaction."""
    engine = engine or get_engine()
    with unit_of_work(engine) as uow:
        mb = uow.session.get(OutreachMailbox, mailbox_id)
        if mb is None:
            return PollStats()
        settings = mailboxes.imap_settings(mb)
        folder, after_uid, validity, ws_id = (
            mb.imap_folder or "INBOX",
            mb.imap_last_uid,
            mb.imap_uidvalidity,
            mb.workspace_id,
        )
        since = (mb.created_at - timedelta(days=2)).date()
    if settings is None:
        return PollStats()
    try:
        result = imap_client.fetch_new(
            settings, folder, after_uid=after_uid, uidvalidity=validity, since=since
        )
    except imap_client.ImapError as exc:
        with unit_of_work(engine) as uow:
            mb2 = uow.session.get(OutreachMailbox, mailbox_id)
            if mb2 is not None:
                mb2.last_poll_error = str(exc)[:2000]
        raise
    with unit_of_work(engine) as uow:
        mails = [(f"in:{mailbox_id}:{result.uidvalidity}:{f.uid}", parse(f.raw)) for f in result.messages]
        stats = process(uow.session, ws_id, mailbox_id, mails)
        mb3 = uow.session.get(OutreachMailbox, mailbox_id)
        if mb3 is not None:
            mb3.imap_uidvalidity = result.uidvalidity
            mb3.imap_last_uid = result.last_uid
            mb3.last_polled_at = utcnow()
            mb3.last_poll_error = ""
    return stats


def poll_stale(*, engine: Engine | None = None, older_than: timedelta = timedelta(0)) -> int:
    """Poll every mailbox with IMAP whose last poll is older than ``older_than``; returns how many polled."""
    engine = engine or get_engine()
    cutoff = utcnow() - older_than
    with unit_of_work(engine) as uow:
        ids = [
            r[0]
            for r in uow.session.execute(
                select(OutreachMailbox.id).where(
                    OutreachMailbox.imap_host != "",
                    or_(OutreachMailbox.last_polled_at.is_(None), OutreachMailbox.last_polled_at <= cutoff),
                )
            )
        ]
    return poll_many(ids, engine=engine)


def poll_many(mailbox_ids: list[int], *, engine: Engine | None = None) -> int:
    polled = 0
    for mailbox_id in mailbox_ids:
        try:
            poll_mailbox(mailbox_id, engine=engine)
            polled += 1
        except imap_client.ImapError:
            log.warning("polling mailbox %s failed", mailbox_id, exc_info=True)
    return polled
