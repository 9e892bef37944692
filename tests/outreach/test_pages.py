"""Outreach pages, the public unsubscribe route (RFC 8058), the board and in-thread replies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kizuna.db import unit_of_work
from kizuna.models.audit_log import AuditLog
from kizuna.models.campaign import Campaign
from kizuna.models.campaign_influencer import CampaignInfluencer
from kizuna.models.outreach_enrollment import OutreachEnrollment
from kizuna.models.outreach_message import OutreachMessage
from kizuna.models.outreach_sequence import OutreachSequence
from kizuna.outreach import engine, service
from tests.conftest import login
from tests.outreach.conftest import SmtpServer, make_influencer, make_mailbox, one_step

INJECTIONS = (
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ influencer.name.__class__.__init__ }}",
    "{{ influencer|attr('__class__') }}",
    "{% for c in ''.__class__.__mro__ %}{{ c }}{% endfor %}",
)


def _world(ws: dict[str, Any], smtp: SmtpServer) -> dict[str, int]:
    with unit_of_work() as uow:
        s = uow.session
        make_mailbox(s, ws["workspace_id"], smtp)
        camp = Campaign(workspace_id=ws["workspace_id"], name="春のリップ")
        s.add(camp)
        s.flush()
        inf = make_influencer(s, ws["workspace_id"], "Yuki Tanaka", "yuki@creator.example")
        seq = service.create_sequence(
            s, ws["workspace_id"], name="Spring", steps=one_step(), offer="リップ", campaign_id=camp.id
        )
        service.enroll(s, ws["workspace_id"], seq, [inf.id])
        return {"campaign": camp.id, "influencer": inf.id, "sequence": seq.id}


def test_every_outreach_page_renders(client: Any, ws: Any, smtp_server: SmtpServer) -> None:
    ids = _world(ws, smtp_server)
    engine.send_due(poll_first=False)
    login(client, "owner@example.com")
    base = "/w/acme/outreach"
    for path in (
        base,
        f"{base}/mailboxes",
        f"{base}/templates",
        f"{base}/sequences/new",
        f"{base}/sequences/{ids['sequence']}",
        f"{base}/sequences/{ids['sequence']}/edit",
        f"{base}/influencers/{ids['influencer']}",
        f"{base}/board/{ids['campaign']}",
        f"{base}/metrics",
        f"{base}/suppressions",
    ):
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:500])
    assert "初回のご連絡（日本語）" in client.get(f"{base}/templates").text  # starter templates installed
    # a sending mailbox is "in service" (稼働中), not "in progress" (進行中) as a sequence is
    mailboxes = client.get(f"{base}/mailboxes", headers={"Accept-Language": "ja"}).text
    assert "<td>稼働中" in mailboxes and "<td>進行中" not in mailboxes
    assert "<td>In service" in client.get(f"{base}/mailboxes", headers={"Accept-Language": "en"}).text
    assert 'href="/w/acme/outreach"' in client.get("/w/acme").text  # the nav item appears


def test_preview_renders_for_an_influencer_and_blocks_injection_and_missing_variables(
    client: Any, ws: Any, smtp_server: SmtpServer
) -> None:
    ids = _world(ws, smtp_server)
    csrf = login(client, "owner@example.com")
    url = "/w/acme/outreach/preview"
    ok = client.post(
        url,
        data={
            "csrf_token": csrf,
            "influencer_id": str(ids["influencer"]),
            "campaign_id": str(ids["campaign"]),
            "offer": "リップ1本",
            "step-1-subject": "{{ campaign.name }}のご相談",
            "step-1-body": "{{ influencer.name }}様\n突然のご連絡失礼いたします。{{ post.caption_excerpt }}",
        },
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200
    assert "Yuki Tanaka様" in ok.text and "春のリップのご相談" in ok.text
    assert "配信停止" in ok.text  # the legal footer is part of what is previewed
    missing = client.post(
        url,
        data={
            "csrf_token": csrf,
            "influencer_id": str(ids["influencer"]),
            "step-1-subject": "x",
            "step-1-body": "Hi {{ influencer.nickname }},",
        },
    )
    assert 'data-testid="preview-error"' in missing.text and "influencer.nickname" in missing.text
    for payload in INJECTIONS:
        r = client.post(
            url,
            data={
                "csrf_token": csrf,
                "influencer_id": str(ids["influencer"]),
                "step-1-subject": "x",
                "step-1-body": payload,
            },
        )
        assert r.status_code == 200
        assert 'data-testid="preview-error"' in r.text, payload
        assert "subclasses" not in r.text.split("preview-error", 1)[1][:200] or "not allowed" in r.text
        assert "<class" not in r.text and "__globals__" not in r.text.replace(payload, "")


def test_unsubscribe_one_click_and_confirmation(client: Any, ws: Any, smtp_server: SmtpServer) -> None:
    _world(ws, smtp_server)
    engine.send_due(poll_first=False)
    [got] = smtp_server.messages
    link = got.message["List-Unsubscribe"].strip("<>")
    path = "/" + link.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200 and "yuki@creator.example" in page.text
    with unit_of_work() as uow:
        assert not service.is_suppressed(
            uow.session, ws["workspace_id"], "yuki@creator.example"
        )  # GET is safe
    r = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200
    with unit_of_work() as uow:
        assert service.is_suppressed(uow.session, ws["workspace_id"], "yuki@creator.example")
    assert client.post(path[:-3] + "xyz", data={"List-Unsubscribe": "One-Click"}).status_code == 400
    # a person's reply from the UI is refused for an opted-out address
    csrf = login(client, "owner@example.com")
    inf_id = got and _influencer_id()
    r = client.post(
        f"/w/acme/outreach/influencers/{inf_id}/reply",
        data={"csrf_token": csrf, "body": "Hello", "nonce": "n1"},
    )
    assert "opted out" in r.text or r.status_code == 409


def _influencer_id() -> int:
    with unit_of_work() as uow:
        return int(uow.session.execute(select(OutreachEnrollment.influencer_id)).scalar_one())


def test_board_move_is_audited_and_stops_sequences(client: Any, ws: Any, smtp_server: SmtpServer) -> None:
    ids = _world(ws, smtp_server)
    csrf = login(client, "owner@example.com")
    with unit_of_work() as uow:
        entry = uow.session.execute(select(CampaignInfluencer)).scalar_one()
    r = client.post(
        f"/w/acme/outreach/board/{ids['campaign']}/move",
        data={"entry_id": str(entry.id), "stage": "negotiating", "position": "0"},
        headers={"X-CSRF-Token": csrf, "X-Requested-With": "fetch"},
    )
    assert r.status_code == 204
    with unit_of_work() as uow:
        s = uow.session
        assert s.get(CampaignInfluencer, entry.id).stage == "negotiating"  # type: ignore[union-attr]
        enr = s.execute(select(OutreachEnrollment)).scalar_one()
        assert (enr.status, enr.stop_reason) == ("stopped", "stage_changed")
        log = s.execute(select(AuditLog).where(AuditLog.action == "outreach.stage_changed")).scalar_one()
        assert log.data["to"] == "negotiating" and log.data["manual"] is True
    engine.send_due(poll_first=False)
    assert smtp_server.messages == []  # stopped before the first e-mail left


def test_reply_in_thread_from_the_ui(client: Any, ws: Any, smtp_server: SmtpServer) -> None:
    ids = _world(ws, smtp_server)
    engine.send_due(poll_first=False)
    csrf = login(client, "owner@example.com")
    r = client.post(
        f"/w/acme/outreach/influencers/{ids['influencer']}/reply",
        data={"csrf_token": csrf, "body": "詳細をお送りします。", "nonce": "abc"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    # a double submit does not queue a second message
    client.post(
        f"/w/acme/outreach/influencers/{ids['influencer']}/reply",
        data={"csrf_token": csrf, "body": "詳細をお送りします。", "nonce": "abc"},
    )
    from kizuna.outreach.tasks import deliver_task

    with unit_of_work() as uow:
        queued = (
            uow.session.execute(select(OutreachMessage).where(OutreachMessage.kind == "manual"))
            .scalars()
            .all()
        )
        assert len(queued) == 1
    result = deliver_task.call_local([queued[0].id])
    with unit_of_work() as uow:
        m = uow.session.get(OutreachMessage, queued[0].id)
        assert m is not None and m.status == "sent", (
            result,
            m.status if m else None,
            m.last_error if m else None,
        )
    first, reply = smtp_server.messages
    assert reply.message["In-Reply-To"] == first.message["Message-ID"]
    assert reply.message["Subject"].startswith("Re: ")
    page = client.get(f"/w/acme/outreach/influencers/{ids['influencer']}")
    assert page.text.count('data-testid="timeline-item"') == 2


def test_compose_form_creates_a_sequence_and_enrolls(client: Any, ws: Any, smtp_server: SmtpServer) -> None:
    ids = _world(ws, smtp_server)
    csrf = login(client, "owner@example.com")
    r = client.post(
        "/w/acme/outreach/sequences",
        data={
            "csrf_token": csrf,
            "name": "Autumn",
            "offer": "x",
            "campaign_id": str(ids["campaign"]),
            "step-1-kind": "email",
            "step-1-subject": "{{ campaign.name }}",
            "step-1-body": "{{ influencer.name }}様",
            "step-2-kind": "task",
            "step-2-delay": "2",
            "step-2-platform": "instagram",
            "step-2-text": "DM {{ influencer.handle }}",
            "enroll_ids": [str(ids["influencer"])],
            "start": "1",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    with unit_of_work() as uow:
        seq = uow.session.execute(
            select(OutreachSequence).where(OutreachSequence.name == "Autumn")
        ).scalar_one()
        assert uow.session.execute(
            select(OutreachEnrollment).where(OutreachEnrollment.sequence_id == seq.id)
        ).scalar_one()


def test_tiers_stages_and_countries_read_as_words(client: Any, ws: Any, smtp_server: SmtpServer) -> None:
    """The enroll search offers the workspace's tiers by name, the board names its stages (not ``content``)."""
    ids = _world(ws, smtp_server)
    with unit_of_work() as uow:
        s = uow.session
        inf = make_influencer(s, ws["workspace_id"], "Mina Park", None, tier="mid")
        inf.country = "KR"
    login(client, "owner@example.com")
    page = client.get(f"/w/acme/outreach/sequences/{ids['sequence']}?tier=mid").text
    assert '<select name="tier">' in page and 'placeholder="micro"' not in page
    assert (
        '<option value="micro" >Micro</option>' in page
        and '<option value="mid" selected>Mid-tier</option>' in page
    )
    assert 'Mina Park <small class="muted">South Korea Mid-tier</small>' in page
    board = client.get(f"/w/acme/outreach/board/{ids['campaign']}").text
    assert "<h2>Creating content <small" in board and "<h2>content <small" not in board
    assert '<option value="prospect" selected>Prospect</option>' in board
    client.cookies.set("kizuna_lang", "ja")
    page = client.get(f"/w/acme/outreach/sequences/{ids['sequence']}?tier=mid").text
    assert '<option value="micro" >マイクロ</option>' in page and "韓国 ミドル" in page
