"""Reconciliation of messages left in 'sending' by a dead process, one path at a time (real Dovecot Sent)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.kit.time import utcnow
from kizuna.models.campaign import Campaign
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.models.outreach_mailbox import OutreachMailbox
from kizuna.models.outreach_message import OutreachMessage
from kizuna.outreach import engine, journal, service
from tests.outreach.conftest import Dovecot, SmtpServer, make_influencer, make_mailbox, one_step

DEAD = "some-other-host:4242:1"  # another host's claim, lease expired below


def _claimed(
    ws: dict[str, Any], smtp: SmtpServer, dovecot: Dovecot, user: str, n: int, *, files_sent: bool
) -> list[OutreachMessage]:
    with unit_of_work() as uow:
        s = uow.session
        mb = make_mailbox(s, ws["workspace_id"], smtp, imap=dovecot, imap_user=user)
        mb.server_files_sent = files_sent
        camp = Campaign(workspace_id=ws["workspace_id"], name="C")
        s.add(camp)
        s.flush()
        ids = [make_influencer(s, ws["workspace_id"], f"P{i}", f"p{i}@creator.example").id for i in range(n)]
        seq = service.create_sequence(
            s, ws["workspace_id"], name="R", steps=one_step(), offer="o", campaign_id=camp.id
        )
        service.enroll(s, ws["workspace_id"], seq, ids)
    with unit_of_work() as uow:
        engine.claim_due(uow.session)
        rows = list(uow.session.execute(select(OutreachMessage).order_by(OutreachMessage.id)).scalars())
        for r in rows:  # pretend a process on another host claimed them and died long ago
            r.claimed_by = DEAD
            r.claimed_at = utcnow() - timedelta(hours=1)
    return rows


def _status() -> dict[str, str]:
    with unit_of_work() as uow:
        return {m.to_addr: m.status for m in uow.session.execute(select(OutreachMessage)).scalars()}


def test_each_reconciliation_path(ws: Any, smtp_server: SmtpServer, dovecot: Dovecot) -> None:
    user, _pw = dovecot.add_user("reconcile1@brand.example")
    rows = _claimed(ws, smtp_server, dovecot, user, 4, files_sent=False)
    never, accepted, in_sent, unknown = rows
    journal.record("accepted", accepted.message_id)  # the server said 250, the DB write was lost
    journal.record("begin", in_sent.message_id)  # cut after the final dot; the server filed it in Sent
    dovecot.append(user, "Sent", engine.to_mime(in_sent, _mailbox()))
    journal.record("begin", unknown.message_id)  # cut after the final dot; no trace anywhere
    stats = engine.reconcile()
    assert (stats.sent, stats.requeued, stats.uncertain) == (2, 1, 1)
    assert _status() == {
        never.to_addr: "queued",  # the final dot never left: safe to send again, same Message-ID
        accepted.to_addr: "sent",
        in_sent.to_addr: "sent",
        unknown.to_addr: "uncertain",  # never resent blindly
    }
    with unit_of_work() as uow:
        enr = uow.session.execute(
            select(OutreachEnrollment).where(OutreachEnrollment.to_email == accepted.to_addr)
        ).scalar_one()
        assert enr.status == "completed"  # the sequence moved on from the recovered send
    # a person resolves the uncertain one as "it did arrive": it is never sent
    with unit_of_work() as uow:
        m = uow.session.execute(
            select(OutreachMessage).where(OutreachMessage.to_addr == unknown.to_addr)
        ).scalar_one()
        engine.resolve_uncertain(uow.session, m, sent=True)
    engine.send_due()
    assert [r.rcpt for r in smtp_server.messages] == [[never.to_addr]]
    assert smtp_server.messages[0].message_id == never.message_id


def test_provider_that_files_sent_mail_lets_a_missing_message_be_resent(
    ws: Any, smtp_server: SmtpServer, dovecot: Dovecot
) -> None:
    user, _pw = dovecot.add_user("reconcile2@brand.example")
    [row] = _claimed(ws, smtp_server, dovecot, user, 1, files_sent=True)
    journal.record("begin", row.message_id)
    stats = engine.reconcile()
    assert stats.requeued == 1  # not in Sent, and this server files every accepted message there
    engine.send_due()
    assert [m.message_id for m in smtp_server.messages] == [row.message_id]


def _mailbox() -> OutreachMailbox:
    with unit_of_work() as uow:
        return uow.session.execute(select(OutreachMailbox)).scalar_one()


def test_daily_ramp_and_rotation_across_mailboxes(ws: Any, smtp_server: SmtpServer) -> None:
    with unit_of_work() as uow:
        s = uow.session
        for name in ("one", "two"):
            mb = make_mailbox(
                s, ws["workspace_id"], smtp_server, limits=True, from_email=f"{name}@brand.example", name=name
            )
            mb.window_start_hour, mb.window_end_hour, mb.weekdays_only = 0, 24, False
        camp = Campaign(workspace_id=ws["workspace_id"], name="C")
        s.add(camp)
        s.flush()
        ids = [make_influencer(s, ws["workspace_id"], f"R{i}", f"r{i}@creator.example").id for i in range(90)]
        seq = service.create_sequence(
            s, ws["workspace_id"], name="Ramp", steps=one_step(), offer="o", campaign_id=camp.id
        )
        service.enroll(s, ws["workspace_id"], seq, ids)
    report = engine.send_due(poll_first=False)
    # two new mailboxes, 40 each on day one; the other 10 wait for tomorrow
    assert report.delivery.sent == 80 and report.deferred == 10
    senders = [m.mail_from for m in smtp_server.messages]
    assert senders.count("one@brand.example") == 40 and senders.count("two@brand.example") == 40
    with unit_of_work() as uow:
        waiting = (
            uow.session.execute(
                select(OutreachEnrollment).where(
                    OutreachEnrollment.status == "active", OutreachEnrollment.next_due_at.is_not(None)
                )
            )
            .scalars()
            .all()
        )
        assert len(waiting) == 10
