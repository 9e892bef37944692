"""The sending engine against a real SMTP server (aiosmtpd)."""

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
from kizuna.outreach import engine, service
from tests.outreach.conftest import SmtpServer, make_influencer, make_mailbox, one_step, two_steps


def _setup(
    ws: dict[str, Any], smtp: SmtpServer, people: list[tuple[str, str | None]], steps: Any = None, **kw: Any
) -> int:
    with unit_of_work() as uow:
        s = uow.session
        make_mailbox(s, ws["workspace_id"], smtp, **kw)
        ids = []
        for name, email in people:
            ids.append(make_influencer(s, ws["workspace_id"], name, email).id)
        camp = Campaign(workspace_id=ws["workspace_id"], name="春のリップ")
        s.add(camp)
        s.flush()
        seq = service.create_sequence(
            s,
            ws["workspace_id"],
            name="Spring",
            steps=steps or one_step(),
            offer="新作リップを1本お送りします",
            campaign_id=camp.id,
        )
        result = service.enroll(s, ws["workspace_id"], seq, ids)
        assert result.enrolled == sorted(ids)
        return seq.id


def _messages() -> list[OutreachMessage]:
    with unit_of_work() as uow:
        return list(uow.session.execute(select(OutreachMessage).order_by(OutreachMessage.id)).scalars())


def _enrollments() -> list[OutreachEnrollment]:
    with unit_of_work() as uow:
        return list(uow.session.execute(select(OutreachEnrollment).order_by(OutreachEnrollment.id)).scalars())


def test_sends_a_personalised_message_with_legal_headers_exactly_once(
    ws: Any, smtp_server: SmtpServer
) -> None:
    _setup(ws, smtp_server, [("Yuki Tanaka", "yuki@creator.example")])
    report = engine.send_due(poll_first=False)
    assert report.delivery.sent == 1, [(e.status, e.stop_detail, e.campaign_id) for e in _enrollments()]
    [got] = smtp_server.messages
    msg = got.message
    [row] = _messages()
    assert row.status == "sent" and row.sent_at is not None
    assert msg["Message-ID"] == row.message_id
    assert got.rcpt == ["yuki@creator.example"]
    body = msg.get_content()
    assert "Yuki Tanaka様" in body
    assert "春の新作コスメ" in body
    assert "新作リップを1本お送りします" in body
    assert "Kizuna株式会社 東京都渋谷区1-2-3" in body  # sender identity footer
    assert "配信停止" in body
    assert msg["List-Unsubscribe"].startswith("<http") and "/u/" in msg["List-Unsubscribe"]
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # running again sends nothing more: the step's idempotency key already has its message
    again = engine.send_due(poll_first=False)
    assert again.claimed == 0
    assert len(smtp_server.messages) == 1
    [enr] = _enrollments()
    assert enr.status == "completed"


def test_missing_variable_blocks_the_message_and_reports_it(ws: Any, smtp_server: SmtpServer) -> None:
    with unit_of_work() as uow:
        s = uow.session
        make_mailbox(s, ws["workspace_id"], smtp_server)
        inf = make_influencer(s, ws["workspace_id"], "No Posts", "np@creator.example", caption="")
        seq = service.create_sequence(
            s, ws["workspace_id"], name="S", steps=one_step(subject="ご相談"), offer="x"
        )
        service.enroll(s, ws["workspace_id"], seq, [inf.id])
    engine.send_due(poll_first=False)
    assert smtp_server.messages == []
    [enr] = _enrollments()
    assert enr.status == "blocked"
    assert enr.stop_reason == "template_missing_variables"
    assert "post.caption_excerpt" in enr.stop_detail
    assert _messages() == []


def test_suppression_is_checked_right_before_the_smtp_transaction(ws: Any, smtp_server: SmtpServer) -> None:
    _setup(ws, smtp_server, [("A", "a@creator.example"), ("B", "b@creator.example")])

    def opt_out_b(_row_id: int) -> None:
        with unit_of_work() as uow:
            service.suppress(uow.session, ws["workspace_id"], "B@creator.example", reason="unsubscribe")

    engine.send_due(poll_first=False, before_each=opt_out_b)
    assert [m.rcpt for m in smtp_server.messages] == [["a@creator.example"]]
    statuses = {m.to_addr: m.status for m in _messages()}
    assert statuses == {"a@creator.example": "sent", "b@creator.example": "cancelled"}
    # and enrolling a suppressed address is refused with a reason
    with unit_of_work() as uow:
        s = uow.session
        seq = service.create_sequence(
            s, ws["workspace_id"], name="Again", steps=one_step(subject="再送"), offer="x"
        )
        b = s.execute(
            select(OutreachEnrollment.influencer_id).where(OutreachEnrollment.to_email == "b@creator.example")
        ).scalar_one()
        assert service.enroll(s, ws["workspace_id"], seq, [b]).skipped == {b: "suppressed"}


def test_permanent_error_is_a_bounce_and_suppresses(ws: Any, smtp_server: SmtpServer) -> None:
    _setup(ws, smtp_server, [("Gone", "bounce1@creator.example")])
    report = engine.send_due(poll_first=False)
    assert report.delivery.bounced == 1
    [row] = _messages()
    assert row.status == "bounced" and "550" in row.last_error
    [enr] = _enrollments()
    assert (enr.status, enr.stop_reason) == ("stopped", "bounced")
    with unit_of_work() as uow:
        assert service.is_suppressed(uow.session, ws["workspace_id"], "bounce1@creator.example")


def test_transient_error_retries_with_backoff_and_sends_once(ws: Any, smtp_server: SmtpServer) -> None:
    _setup(ws, smtp_server, [("Later", "later1@creator.example")])
    first = engine.send_due(poll_first=False)
    assert first.delivery.retried == 1
    [row] = _messages()
    assert row.status == "queued" and row.attempts == 1
    assert row.next_attempt_at is not None and row.next_attempt_at > utcnow()
    assert engine.send_due(poll_first=False).claimed == 0  # backoff not elapsed
    with unit_of_work() as uow:
        m = uow.session.get(OutreachMessage, row.id)
        assert m is not None
        m.next_attempt_at = utcnow() - timedelta(seconds=1)
    engine.send_due(poll_first=False)
    [row2] = _messages()
    assert row2.status == "sent" and row2.message_id == row.message_id  # same Message-ID on retry
    assert len(smtp_server.messages) == 1


def test_quota_error_pauses_the_mailbox(ws: Any, smtp_server: SmtpServer) -> None:
    _setup(ws, smtp_server, [("Q", "quota1@creator.example"), ("R", "r@creator.example")])
    report = engine.send_due(poll_first=False)
    assert report.delivery.paused_mailboxes
    with unit_of_work() as uow:
        mb = uow.session.execute(select(OutreachMailbox)).scalar_one()
        assert mb.paused_until is not None and mb.paused_until > utcnow() + timedelta(hours=1)
        assert mb.paused_reason.startswith("quota")
    assert {m.status for m in _messages()} == {"queued"}
    assert smtp_server.messages == []
    assert engine.send_due(poll_first=False).claimed == 0


def test_follow_up_never_leaves_from_a_mailbox_whose_inbox_is_not_watched(
    ws: Any, smtp_server: SmtpServer
) -> None:
    _setup(ws, smtp_server, [("F", "f@creator.example")], steps=two_steps())
    engine.send_due(poll_first=False)
    [enr] = _enrollments()
    assert enr.next_step == 1 and enr.next_due_at is not None
    with unit_of_work() as uow:
        e = uow.session.get(OutreachEnrollment, enr.id)
        assert e is not None
        e.next_due_at = utcnow() - timedelta(minutes=1)
    report = engine.send_due(poll_first=False)
    assert report.deferred == 1
    assert len(smtp_server.messages) == 1


def test_versions_pin_running_enrollments(ws: Any, smtp_server: SmtpServer) -> None:
    seq_id = _setup(ws, smtp_server, [("V", "v@creator.example")])
    with unit_of_work() as uow:
        from kizuna.models.outreach_sequence import OutreachSequence

        seq = uow.session.get(OutreachSequence, seq_id)
        assert seq is not None
        v2 = service.update_sequence(
            uow.session, seq, steps=one_step(body="{{ influencer.name }}様 v2 {{ sender.signature }}")
        )
        assert v2.version == 2
    engine.send_due(poll_first=False)
    body = smtp_server.messages[0].message.get_content()
    assert "v2" not in body and "春の新作" in body


def test_a_retry_waits_for_the_recipients_sending_window(ws: Any, smtp_server: SmtpServer) -> None:
    """A step that failed at 02:00 in Tokyo retries when the window opens (09:00 Tokyo), not after the backoff."""
    from datetime import UTC, datetime

    from kizuna.db import get_engine

    with unit_of_work() as uow:
        s = uow.session
        mb = make_mailbox(s, ws["workspace_id"], smtp_server, limits=True)
        tokyo = make_influencer(s, ws["workspace_id"], "Tokyo", "t@creator.example", timezone="Asia/Tokyo")
        rows = []
        for kind, key in (("sequence", "seq"), ("manual", "one-off")):
            m = OutreachMessage(
                workspace_id=ws["workspace_id"],
                kind=kind,
                status="sending",
                influencer_id=tokyo.id,
                mailbox_id=mb.id,
                idempotency_key=f"retry-window:{key}",
                message_id=f"<{key}@brand.example>",
                to_addr="t@creator.example",
            )
            s.add(m)
            rows.append(m)
        s.flush()
        ids = [m.id for m in rows]
    # Tuesday 24 Nov 2026, 02:00 in Tokyo (Monday 17:00 UTC): outside the 09:00-18:00 window
    failed_at = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    engine._requeue(get_engine(), ids, when=failed_at, error="451 try later", count_attempt=True)
    with unit_of_work() as uow:
        seq, manual = (uow.session.get(OutreachMessage, i) for i in ids)
        assert seq is not None and manual is not None
        assert seq.status == "queued" and seq.attempts == 1
        assert seq.next_attempt_at == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
        assert manual.next_attempt_at == failed_at  # a person's one-off send keeps its own timing
