"""Replies over real IMAP (Dovecot) stop sequences; no follow-up leaves after a reply."""

from __future__ import annotations

import itertools
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.kit.time import utcnow
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.manager import Manager
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.models.outreach_message import OutreachMessage
from kizuna.outreach import engine, service
from tests.outreach.conftest import Dovecot, SmtpServer, make_influencer, make_mailbox, two_steps

_users = itertools.count(1)


def _mail(
    *,
    frm: str,
    to: str,
    subject: str,
    body: str,
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="creator.example")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for k, v in (headers or {}).items():
        msg[k] = v
    msg.set_content(body)
    return msg.as_bytes()


def _setup(
    ws: dict[str, Any], smtp: SmtpServer, dovecot: Dovecot, people: list[tuple[str, str, int | None]]
) -> str:
    user, _pw = dovecot.add_user(f"sales{next(_users)}@brand.example")
    with unit_of_work() as uow:
        s = uow.session
        make_mailbox(s, ws["workspace_id"], smtp, imap=dovecot, imap_user=user)
        camp = Campaign(workspace_id=ws["workspace_id"], name="春のリップ")
        s.add(camp)
        s.flush()
        ids = [make_influencer(s, ws["workspace_id"], n, e, manager_id=m).id for n, e, m in people]
        seq = service.create_sequence(
            s, ws["workspace_id"], name="Spring", steps=two_steps(), offer="新作リップ", campaign_id=camp.id
        )
        assert len(service.enroll(s, ws["workspace_id"], seq, ids).enrolled) == len(ids)
    return user


def _make_follow_ups_due() -> None:
    with unit_of_work() as uow:
        for e in uow.session.execute(select(OutreachEnrollment)).scalars():
            if e.status == "active" and e.next_due_at is not None:
                e.next_due_at = utcnow() - timedelta(minutes=1)


def _enrollments() -> list[OutreachEnrollment]:
    with unit_of_work() as uow:
        return list(uow.session.execute(select(OutreachEnrollment).order_by(OutreachEnrollment.id)).scalars())


def _sent_to(smtp: SmtpServer, address: str) -> int:
    return sum(1 for m in smtp.messages if address in m.rcpt)


def test_reply_in_thread_stops_the_sequence_and_no_follow_up_leaves(
    ws: Any, smtp_server: SmtpServer, dovecot: Dovecot
) -> None:
    user = _setup(
        ws,
        smtp_server,
        dovecot,
        [("Yuki", "yuki@creator.example", None), ("Mio", "mio@creator.example", None)],
    )
    engine.send_due()
    assert _sent_to(smtp_server, "yuki@creator.example") == 1
    first_id = next(m.message_id for m in smtp_server.messages if "yuki@creator.example" in m.rcpt)
    # Yuki answers in the thread (from a different address: matched by In-Reply-To alone)
    dovecot.append(
        user,
        "INBOX",
        _mail(
            frm="Yuki Office <office@yuki.example>",
            to=user,
            subject="Re: 春のリップのご相談",
            body="ご連絡ありがとうございます。ぜひ詳細を教えてください。\n\n> 突然のご連絡失礼いたします",
            in_reply_to=first_id,
        ),
    )
    _make_follow_ups_due()
    report = engine.send_due()
    assert report.polled >= 1
    yuki, _mio = _enrollments()
    assert (yuki.status, yuki.stop_reason) == ("stopped", "replied")
    assert _sent_to(smtp_server, "yuki@creator.example") == 1  # no follow-up after the reply
    assert _sent_to(smtp_server, "mio@creator.example") == 2  # Mio did not reply: she gets the follow-up
    follow_up = next(
        m for m in smtp_server.messages if "mio@creator.example" in m.rcpt and m.message["In-Reply-To"]
    )
    assert follow_up.message["Subject"].startswith("Re: ")
    with unit_of_work() as uow:
        inbound = (
            uow.session.execute(select(OutreachMessage).where(OutreachMessage.direction == "in"))
            .scalars()
            .all()
        )
        assert [(m.kind, m.influencer_id) for m in inbound] == [("reply", yuki.influencer_id)]
        replied = uow.session.execute(
            select(OutreachMessage).where(OutreachMessage.message_id == first_id)
        ).scalar_one()
        assert replied.replied_at is not None
        stage = uow.session.execute(
            select(CampaignInfluencer.stage).where(CampaignInfluencer.influencer_id == yuki.influencer_id)
        ).scalar_one()
        assert stage == "replied"
    # polling again does not record the reply twice
    engine.send_due()
    with unit_of_work() as uow:
        assert (
            len(uow.session.execute(select(OutreachMessage).where(OutreachMessage.direction == "in")).all())
            == 1
        )


def test_manager_reply_stops_every_influencer_they_represent(
    ws: Any, smtp_server: SmtpServer, dovecot: Dovecot
) -> None:
    with unit_of_work() as uow:
        mgr = Manager(workspace_id=ws["workspace_id"], name="Agency", emails=["talent@agency.example"])
        uow.session.add(mgr)
        uow.session.flush()
        mgr_id = mgr.id
    user = _setup(
        ws,
        smtp_server,
        dovecot,
        [
            ("A", "a@creator.example", mgr_id),
            ("B", "b@creator.example", mgr_id),
            ("C", "c@creator.example", None),
        ],
    )
    engine.send_due()
    dovecot.append(
        user,
        "INBOX",
        _mail(
            frm="talent@agency.example",
            to=user,
            subject="所属タレントの件",
            body="弊社所属のA・Bの件でご連絡です。",
        ),
    )
    _make_follow_ups_due()
    engine.send_due()
    a, b, c = _enrollments()
    assert (a.status, a.stop_reason) == ("stopped", "manager_replied")
    assert (b.status, b.stop_reason) == ("stopped", "manager_replied")
    assert c.status == "completed"  # C is not represented by the agency: the sequence ran to its end
    assert _sent_to(smtp_server, "a@creator.example") == 1
    assert _sent_to(smtp_server, "b@creator.example") == 1
    assert _sent_to(smtp_server, "c@creator.example") == 2


def test_japanese_auto_reply_pauses_and_dsn_bounce_and_unsubscribe_stop(
    ws: Any, smtp_server: SmtpServer, dovecot: Dovecot
) -> None:
    user = _setup(
        ws,
        smtp_server,
        dovecot,
        [
            ("Away", "away@creator.example", None),
            ("Gone", "gone@creator.example", None),
            ("Stop", "stop@creator.example", None),
        ],
    )
    engine.send_due()
    ids = {m.rcpt[0]: m.message_id for m in smtp_server.messages}
    dovecot.append(
        user,
        "INBOX",
        _mail(
            frm="away@creator.example",
            to=user,
            subject="自動返信: 不在のお知らせ",
            body="ただいま不在にしております。1月10日以降に順次ご返信いたします。",
            in_reply_to=ids["away@creator.example"],
            headers={"Auto-Submitted": "auto-replied"},
        ),
    )
    dsn = (
        "From: MAILER-DAEMON@mx.creator.example\r\nTo: "
        + user
        + "\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn1@mx.creator.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.creator.example\r\n\r\n"
        "Final-Recipient: rfc822; gone@creator.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: " + ids["gone@creator.example"] + "\r\n"
        "To: gone@creator.example\r\nSubject: x\r\n\r\n--B--\r\n"
    ).encode()
    dovecot.append(user, "INBOX", dsn)
    dovecot.append(
        user,
        "INBOX",
        _mail(
            frm="stop@creator.example",
            to=user,
            subject="Re: 春のリップのご相談",
            body="今後の配信停止をお願いします。\n\n-----Original Message-----\n配信停止をご希望の場合はこちら",
            in_reply_to=ids["stop@creator.example"],
        ),
    )
    _make_follow_ups_due()
    engine.send_due()
    away, gone, stop = _enrollments()
    assert (away.status, away.stop_reason) == ("paused", "auto_reply")
    assert (gone.status, gone.stop_reason) == ("stopped", "bounced")
    assert (stop.status, stop.stop_reason) == ("stopped", "unsubscribed")
    assert len(smtp_server.messages) == 3  # nobody got a follow-up
    with unit_of_work() as uow:
        s = uow.session
        assert service.is_suppressed(s, ws["workspace_id"], "gone@creator.example")
        assert service.is_suppressed(s, ws["workspace_id"], "stop@creator.example")
        assert not service.is_suppressed(s, ws["workspace_id"], "away@creator.example")
        bounced = s.execute(
            select(OutreachMessage).where(OutreachMessage.message_id == ids["gone@creator.example"])
        ).scalar_one()
        assert bounced.status == "bounced"
        kinds = sorted(
            m.kind
            for m in s.execute(select(OutreachMessage).where(OutreachMessage.direction == "in")).scalars()
        )
        assert kinds == ["auto_reply", "bounce", "unsubscribe"]
